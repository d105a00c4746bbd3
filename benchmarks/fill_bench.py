"""Benchmark `fill` against the floor (library load + writing the same cells + save).

    .venv/bin/python benchmarks/fill_bench.py [--sizes 300,1000,5000] [--docx 1000] [--repeat 3]

Each measurement runs in its own subprocess so peak RSS (ru_maxrss) is per run.
xlsx floor: openpyxl load_workbook + the same cell values + save.
docx floor: python-docx Document() + the same cell texts + save.
fill uses the real Matcher and build_answers(example profile, source="profile") when
those modules exist, else a keyword stand-in (printed in the header).
Target: fill <= 1.3x floor at 1,000 and 5,000 questions.
"doc-only" = the same fill with the matcher's cache warmed first (every question matched once
before the clock starts), i.e. detection + writing + verification without matching cost.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

AI_QUESTIONS = [
    "Are all AI model invocations logged centrally?",
    "How long do you retain the AI invocation logs?",
    "Is customer data used to train the AI models?",
    "Which AI models or foundation model providers do you use?",
    "Is data sent to the AI model encrypted in transit and at rest?",
]
OTHER_QUESTIONS = [
    "Do you perform background checks on all employees?",
    "Do you hold cyber liability insurance?",
    "Is physical access to your offices badge controlled?",
    "Do employees use multi-factor authentication for email?",
    "Do you have a documented business continuity plan?",
]


def make_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Questionnaire"
    ws["A1"] = "Supplier security questionnaire"
    ws["A2"] = "Answer every question in column C; explain in column D."
    for col, name in zip("ABCD", ["ID", "Question", "Response", "Comments"]):
        ws[f"{col}4"] = name
    pool = AI_QUESTIONS + OTHER_QUESTIONS
    for i in range(n):
        r = 5 + i
        ws[f"A{r}"] = f"Q-{i + 1}"
        ws[f"B{r}"] = f"{pool[i % len(pool)]} (item {i + 1})"
    dv = DataValidation(type="list", formula1='"Yes,No,N/A"', allow_blank=True)
    dv.add(f"C5:C{4 + n}")
    ws.add_data_validation(dv)
    wb.save(path)


def make_docx(path: Path, n: int) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Supplier questionnaire", 1)
    table = doc.add_table(rows=n + 1, cols=3)
    hdr = table.rows[0].cells
    hdr[0].text, hdr[1].text, hdr[2].text = "Question", "Answer", "Comments"
    pool = AI_QUESTIONS + OTHER_QUESTIONS
    for i, row in enumerate(table.rows[1:]):
        row.cells[0].text = f"{pool[i % len(pool)]} (item {i + 1})"
    doc.save(path)


def _matcher_and_answers():
    try:
        from questionnaire.answers import build_answers
        from questionnaire.catalog import load_catalog
        from questionnaire.matching import Matcher
        from questionnaire.profile import load_profile

        loaded = load_profile(ROOT / "evidence" / "examples" / "acme" / "profile.yaml")
        return Matcher(load_catalog()), build_answers(loaded.profile, None, source="profile"), "real matcher + answers"
    except ImportError:
        from fixtures_docs import KeywordMatcher, fake_answers

        return KeywordMatcher(), fake_answers(), "keyword stand-in (answers module missing)"


def run_one(mode: str, src: Path, out: Path, cells_file: Path) -> dict:
    t0 = time.perf_counter()
    if mode in ("fill", "fill-prematched"):
        from questionnaire.fill import fill

        matcher, answers, _ = _matcher_and_answers()
        if mode == "fill-prematched":
            # one untimed run warms the matcher's cache with every question: what remains is the document work
            fill(src, out, answers=answers, matcher=matcher, source="profile")
        t0 = time.perf_counter()  # building the catalog/answers once is not per-document work
        result = fill(src, out, answers=answers, matcher=matcher, source="profile")
        writes = []
        for it in result.items:
            if it.answer is not None:
                writes.append([it.location, it.answer])
            if it.comment is not None and it.comment_location:
                writes.append([it.comment_location, it.comment])
        cells_file.write_text(json.dumps(writes))
    elif mode == "xlsx-floor":
        from openpyxl import load_workbook

        writes = json.loads(cells_file.read_text())
        wb = load_workbook(src)
        for loc, text in writes:
            sheet, ref = loc.rsplit("!", 1)
            wb[sheet.strip("'")][ref] = text
        wb.save(out)
    elif mode == "docx-floor":
        from docx import Document

        writes = json.loads(cells_file.read_text())
        doc = Document(str(src))
        table = doc.tables[0]
        rows = table.rows
        for loc, text in writes:
            # "table 1, row 5" or "table 1, row 5, column 3"
            parts = [p.strip() for p in loc.split(",")]
            r = int(parts[1].split()[1]) - 1
            c = int(parts[2].split()[1]) - 1 if len(parts) > 2 else 1
            rows[r].cells[c].paragraphs[0].add_run(text)
        doc.save(str(out))
    elapsed = time.perf_counter() - t0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": elapsed, "peak_rss_mb": rss_mb}


def measure(mode: str, src: Path, tmp: Path, cells_file: Path, repeat: int) -> dict:
    best = None
    for i in range(repeat):
        out = tmp / f"out-{mode}-{i}{src.suffix}"
        proc = subprocess.run(
            [sys.executable, __file__, "--one", mode, str(src), str(out), str(cells_file)],
            capture_output=True, text=True, check=True,
        )
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        if best is None or res["seconds"] < best["seconds"]:
            best = res
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="300,1000,5000")
    ap.add_argument("--docx", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--one", nargs=4, metavar=("MODE", "SRC", "OUT", "CELLS"))
    a = ap.parse_args()
    if a.one:
        mode, src, out, cells = a.one
        print(json.dumps(run_one(mode, Path(src), Path(out), Path(cells))))
        return
    print(f"matching: {_matcher_and_answers()[2]}; best of {a.repeat}; each run in its own process")
    print(f"{'document':<18}{'questions':>10}{'written':>9}{'fill s':>9}{'floor s':>9}{'ratio':>7}{'fill MB':>9}{'floor MB':>9}{'doc-only s':>11}{'ratio':>8}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        jobs = [("xlsx", int(n)) for n in a.sizes.split(",") if n] + ([("docx", a.docx)] if a.docx else [])
        for kind, n in jobs:
            src = tmp / f"q{n}.{kind}"
            (make_xlsx if kind == "xlsx" else make_docx)(src, n)
            cells = tmp / f"cells-{kind}-{n}.json"
            f = measure("fill", src, tmp, cells, a.repeat)
            written = len(json.loads(cells.read_text()))
            fl = measure(f"{kind}-floor", src, tmp, cells, a.repeat)
            pm = measure("fill-prematched", src, tmp, tmp / "ignored.json", a.repeat)
            print(
                f"{kind:<18}{n:>10}{written:>9}{f['seconds']:>9.2f}{fl['seconds']:>9.2f}"
                f"{f['seconds'] / fl['seconds']:>7.2f}{f['peak_rss_mb']:>9.0f}{fl['peak_rss_mb']:>9.0f}"
                f"{pm['seconds']:>11.2f}{pm['seconds'] / fl['seconds']:>8.2f}"
            )


if __name__ == "__main__":
    main()
