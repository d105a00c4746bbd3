#!/usr/bin/env python3
"""Structure targets of the release, measured (issue 15), plus one behaviour that depends on structure.

    python benchmarks/structure_metrics.py

Prints: modules over 500 lines, functions over 80, import cycles between the package's modules (imports
inside functions count), check-id literals found in more than one module, modules doing atomic writes
(static, with the team's ../shared/tools/structure_report.py when it is there), and the exit code and
first line of `answers`, `fill` and `compliance` on one corrupt bundle (the same for all three is the
target: exit 2, one line).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT.parent / "shared" / "tools" / "structure_report.py"


def corrupt_bundle_behaviour() -> list[str]:
    out = []
    with tempfile.TemporaryDirectory() as d:
        bundle = Path(d) / "corrupt.zip"
        bundle.write_bytes(b"PK\x03\x04 this is not a whole zip")
        q = ROOT / "evidence" / "examples" / "acme" / "customer-questionnaire.xlsx"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        runs = {
            "answers": ["answers", "--bundle", str(bundle), "-o", str(Path(d) / "a.md")],
            "fill": ["fill", str(q), "--bundle", str(bundle), "-o", str(Path(d) / "f.xlsx")],
            "compliance": ["compliance", "--bundle", str(bundle), "--framework", "soc2", "-o", str(Path(d) / "c.md")],
        }
        for name, argv in runs.items():
            r = subprocess.run([sys.executable, "-m", "questionnaire", *argv], capture_output=True, text=True, env=env)
            lines = [line for line in (r.stderr + r.stdout).splitlines() if line.strip()]
            out.append(f"{name}: exit {r.returncode}, {len(lines)} line(s): {lines[0] if lines else ''}")
    return out


def main() -> int:
    if REPORT.is_file():
        subprocess.run([sys.executable, str(REPORT), str(ROOT / "questionnaire")], check=False)
    else:
        print(f"(static report skipped: {REPORT} not found)")
    for line in corrupt_bundle_behaviour():
        print("corrupt bundle ->", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
