"""Question-detection time per questionnaire file (not part of the test suite).

    PYTHONPATH=. .venv/bin/python benchmarks/detect_bench.py [--repeat 5]

Times `open_questionnaire(...).questions()` (package reading + layout detection, no matching,
no writing) on every .xlsx/.docx in ../shared/questionnaires and on the generated layout
corpus (tests/layout_corpus.py), best of --repeat runs, and prints the per-file detection notes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from questionnaire.documents.formats import open_questionnaire  # noqa: E402
from questionnaire.documents.safety import check_input  # noqa: E402


def detect(path: Path):
    qf = open_questionnaire(path, check_input(path))
    try:
        return qf.questions(), qf.detections
    finally:
        qf.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    from tests import layout_corpus

    with tempfile.TemporaryDirectory() as d:
        files = sorted(p for p in (ROOT.parent / "shared" / "questionnaires").glob("*") if p.suffix in (".xlsx", ".docx"))
        for name, maker in {**layout_corpus.DOCX_MAKERS, **layout_corpus.XLSX_MAKERS}.items():
            maker(Path(d) / name)
            files.append(Path(d) / name)
        print(f"{'file':<56}{'KB':>7}{'questions':>10}{'prefilled':>10}{'best s':>9}")
        for p in files:
            best = None
            for _ in range(a.repeat):
                t0 = time.perf_counter()
                qs, notes = detect(p)
                dt = time.perf_counter() - t0
                best = dt if best is None else min(best, dt)
            print(f"{p.name:<56}{p.stat().st_size // 1024:>7}{len(qs):>10}{sum(1 for q in qs if q.existing):>10}{best:>9.3f}")


if __name__ == "__main__":
    main()
