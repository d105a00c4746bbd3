"""Whole-process benchmark of `fill` against the floor: what a user waits for.

    python benchmarks/fill_bench.py [--sizes 1000,5000] [--docx 1000] [--library 2000x5000] [--repeat 3]

Every measurement is a fresh process, timed by wall clock from spawn to exit (interpreter
start-up, imports, loading the catalog, reading, matching, writing, verifying):

- fill:  ``python -m questionnaire fill FILE --profile P -o OUT [--library L]``
- floor: a fresh ``python`` doing an openpyxl ``load_workbook`` (xlsx) or python-docx
  ``Document`` (docx) load, writing the SAME answer and comment cells fill wrote (read from
  fill's ``--report``), and saving (docx cells reached through the row's ``tc_lst``, not the
  quadratic ``table.rows[r].cells``).

fill and floor runs alternate (fill, floor, fill, floor, ...) and the median of ``--repeat``
is reported, so a busy machine slows both alike; "cpu ratio" compares user + system CPU
seconds, which a busy machine disturbs less. Peak memory is the child's own peak RSS
(``benchmarks/peak_rss.py``: GNU time's, not the forked benchmark's). The user cache (the matcher index) is warm, as it is from
a user's second run on; one cold-cache run (empty XDG_CACHE_HOME) is printed as well, and "new file":
the same questions in a file of other bytes (the questions are found again: ``documents.remembered``
keys them by the file's SHA-256; matches and answers are still remembered, as for a re-sent form).

``--library 2000x5000``: 2,000 generated library entries (a realistic mix: yes/no answers
with explanations and text answers, approved, stale and unapproved ones, phrasings) on a
5,000-question xlsx whose questions are partly library questions (verbatim and reworded),
partly AI questions for the catalog and partly questions nobody answers.
Targets: fill <= 1.3x the floor (stretch <= 1.0x on xlsx).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "evidence" / "examples" / "acme" / "profile.yaml"

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

# --------------------------------------------------------------------------- generated documents


def make_xlsx(path: Path, n: int, questions: list[str] | None = None) -> None:
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
        ws[f"B{r}"] = questions[i] if questions else f"{pool[i % len(pool)]} (item {i + 1})"
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


# the library: control families x controls x scopes, the way a security team's answer bank reads
_FAMILIES = {
    "access": ["multi-factor authentication", "role-based access control", "quarterly access reviews",
               "single sign-on", "privileged access management", "automatic session timeouts"],
    "crypto": ["encryption of backups", "TLS 1.2 or higher", "hardware security modules", "key rotation",
               "encryption of laptops", "certificate management"],
    "hr": ["background checks", "security awareness training", "signed confidentiality agreements",
           "a disciplinary process", "offboarding checklists", "annual policy attestation"],
    "ops": ["vulnerability scanning", "patch management", "centralised logging", "intrusion detection",
            "anti-malware", "change management", "penetration testing", "configuration baselines"],
    "bc": ["a business continuity plan", "disaster recovery testing", "offsite backups",
           "a documented recovery time objective", "redundant data centres"],
    "vendor": ["vendor risk assessments", "subprocessor due diligence", "right-to-audit clauses",
               "annual vendor reviews", "a vendor inventory"],
    "privacy": ["a data protection officer", "records of processing activities", "data subject request handling",
                "privacy impact assessments", "data retention schedules", "breach notification procedures"],
    "physical": ["badge-controlled office access", "visitor logs", "CCTV at entrances", "clean desk rules",
                 "secure disposal of paper records"],
}
_SCOPES = ["for all employees", "for contractors", "for production systems", "for corporate IT",
           "for the customer-facing platform", "for administrators", "in every office", "for remote workers",
           "for the support organisation", "for the development environment", "for all cloud accounts",
           "for third-party integrations", "for the data warehouse", "for mobile devices", "for build servers",
           "for customer support tools", "for the finance systems", "for the HR systems", "for backups",
           "for the disaster recovery site", "for internal tools", "for the sales organisation",
           "for the billing platform", "for network devices", "for endpoints", "for the security team",
           "for interns", "for partner access", "for database servers", "for the public website",
           "for source code repositories", "for the email system", "for collaboration tools",
           "for the identity provider", "for the data science team", "for kiosks", "for the mobile apps",
           "for the API gateway", "for log storage", "for archival storage", "for test data",
           "for the executive team", "for managed service providers", "for the call centre"]
_FRAMES = ["Do you have {c} {s}?", "Is there {c} {s}?", "Does your organisation maintain {c} {s}?"]
_REWORD = ["Can you confirm that you have {c} {s}?", "Please confirm whether {c} is in place {s}.",
           "Have you implemented {c} {s}?"]


def library_questions(n: int) -> list[tuple[str, str, str]]:
    """(family, control, scope) combinations, distinct, in a fixed shuffled order."""
    combos = [(f, c, s) for f, cs in _FAMILIES.items() for c in cs for s in _SCOPES]
    random.Random(7).shuffle(combos)
    if n > len(combos):
        raise SystemExit(f"at most {len(combos)} generated library entries")
    return combos[:n]


def make_library(path: Path, n: int) -> list[str]:
    """A library.yaml of ``n`` entries; returns their questions (for the questionnaire)."""
    import yaml

    rng = random.Random(11)
    entries, questions = [], []
    for i, (fam, control, scope) in enumerate(library_questions(n)):
        q = _FRAMES[i % len(_FRAMES)].format(c=control, s=scope)
        questions.append(q)
        e = {"id": f"lib-{i:05d}", "question": q, "topic": fam, "tags": [fam], "owner": "security@acme.example"}
        roll = rng.random()
        if roll < 0.7:
            e["answer"] = rng.choice(["Yes", "Yes", "Yes", "No", "N/A"])
            e["comment"] = f"{control.capitalize()} is covered by the {fam} policy, reviewed every year."
        else:
            e["answer"] = (f"We operate {control} {scope}; the owner is the security team and the control is "
                           f"audited in our yearly SOC 2 Type II report.")
        if rng.random() < 0.85:
            e.update(approved_by="J. Smith", approved_on="2026-01-15")
        if rng.random() < 0.1:
            e["review_after"] = "2025-06-30"  # stale
        if rng.random() < 0.3:
            e["phrasings"] = [_REWORD[i % len(_REWORD)].format(c=control, s=scope)]
        e["sources"] = [{"file": "previous-questionnaire.xlsx", "sheet": "Security", "cell": f"C{5 + i}"}]
        entries.append(e)
    path.write_text(yaml.safe_dump({"version": 1, "entries": entries}, sort_keys=False, width=120), encoding="utf-8")
    return questions


def library_questionnaire(lib_questions: list[str], n: int) -> list[str]:
    """``n`` questions: 50 % library questions verbatim, 20 % reworded, 10 % AI, 20 % nobody's."""
    rng = random.Random(13)
    out = []
    combos = library_questions(len(lib_questions))
    for i in range(n):
        roll = rng.random()
        j = rng.randrange(len(lib_questions))
        if roll < 0.5:
            out.append(lib_questions[j])
        elif roll < 0.7:
            _f, c, s = combos[j]
            out.append(_REWORD[(j + 1) % len(_REWORD)].format(c=c, s=s))
        elif roll < 0.8:
            out.append(f"{AI_QUESTIONS[i % len(AI_QUESTIONS)]} (item {i + 1})")
        else:
            out.append(f"{OTHER_QUESTIONS[i % len(OTHER_QUESTIONS)]} (item {i + 1})")
    return out


# --------------------------------------------------------------------------- the floor process

_FLOOR_XLSX = """
import json, sys
from openpyxl import load_workbook
src, out, cells = sys.argv[1:4]
writes = json.load(open(cells))
wb = load_workbook(src)
for loc, text in writes:
    sheet, ref = loc.rsplit("!", 1)
    wb[sheet.strip("'")][ref] = text
wb.save(out)
"""
# the cell is reached through the row's w:tc list: python-docx's ``table.rows[r].cells`` is quadratic in
# the table size (0.8 s for 900 cells of a 1,000-row table), which would flatter fill
_FLOOR_DOCX = """
import json, sys
from docx import Document
from docx.table import _Cell
src, out, cells = sys.argv[1:4]
writes = json.load(open(cells))
doc = Document(src)
table = doc.tables[0]
trs = table._tbl.tr_lst
for loc, text in writes:
    parts = [p.strip() for p in loc.split(",")]  # "table 1, row 5" or "table 1, row 5, column 3"
    r = int(parts[1].split()[1]) - 1
    c = int(parts[2].split()[1]) - 1 if len(parts) > 2 else 1
    _Cell(trs[r].tc_lst[c], table).paragraphs[0].add_run(text)
doc.save(out)
"""


def run_timed(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MB, CPU seconds: user + system) of one fresh process (peak RSS: ``peak_rss``)."""
    try:
        from benchmarks import peak_rss
    except ImportError:  # run as a script: benchmarks/ is on sys.path
        import peak_rss

    with tempfile.NamedTemporaryFile(suffix=".rss") as rss:
        t0 = time.perf_counter()
        proc = subprocess.Popen(peak_rss.wrap(cmd, Path(rss.name)), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env=env, cwd=cwd)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
        return elapsed, peak_rss.read(Path(rss.name), usage.ru_maxrss), usage.ru_utime + usage.ru_stime


def written_cells(report: Path) -> list[list[str]]:
    items = json.loads(report.read_text())["items"]
    out = []
    for it in items:
        if it.get("answer") is not None:
            out.append([it["location"], it["answer"]])
        if it.get("comment") is not None and it.get("comment_location"):
            out.append([it["comment_location"], it["comment"]])
    return out


def variant(src: Path, dst: Path, i: int) -> Path:
    """A copy of ``src`` with other bytes but the same questions (a comment added to docProps/core.xml):
    a questionnaire this user cache has never seen, for the "new file" column."""
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "docProps/core.xml":
                data += f"<!-- variant {i} -->".encode()
            zout.writestr(info, data)
    return dst


def bench(src: Path, tmp: Path, repeat: int, env: dict[str, str], library: Path | None = None,
          root: Path = ROOT) -> dict:
    fill_cmd = [sys.executable, "-m", "questionnaire", "fill", str(src), "--profile", str(PROFILE)]
    if library is not None:
        fill_cmd += ["--library", str(library)]
    report, cells = tmp / f"{src.stem}-report.json", tmp / f"{src.stem}-cells.json"
    subprocess.run(fill_cmd + ["-o", str(tmp / f"warm{src.suffix}"), "--report", str(report)],
                   check=True, capture_output=True, env=env, cwd=root)  # the cells to write; warms the caches
    writes = written_cells(report)
    cells.write_text(json.dumps(writes))
    floor_cmd = [sys.executable, "-c", _FLOOR_XLSX if src.suffix == ".xlsx" else _FLOOR_DOCX, str(src)]
    fills, floors, news = [], [], []
    new_cmd = [sys.executable, "-m", "questionnaire", "fill"]
    for i in range(repeat):
        out = tmp / f"out-{i}{src.suffix}"
        fills.append(run_timed(fill_cmd + ["-o", str(out)], env, root))  # `-m` imports from the working folder
        floors.append(run_timed(floor_cmd + [str(tmp / f"floor-{i}{src.suffix}"), str(cells)], env))
        other = variant(src, tmp / f"{src.stem}-new{i}{src.suffix}", i)  # knowledge warm, the file never seen
        news.append(run_timed(new_cmd + [str(other)] + fill_cmd[5:] + ["-o", str(tmp / f"new-{i}{src.suffix}")], env, root))
    cold_env = dict(env, XDG_CACHE_HOME=str(tempfile.mkdtemp(dir=tmp)))
    cold = run_timed(fill_cmd + ["-o", str(tmp / f"cold{src.suffix}")], cold_env, root)
    f, fl = statistics.median(r[0] for r in fills), statistics.median(r[0] for r in floors)
    fc, flc = statistics.median(r[2] for r in fills), statistics.median(r[2] for r in floors)
    return {"written": len(writes), "fill": f, "floor": fl, "ratio": f / fl, "fill_mb": max(r[1] for r in fills),
            "floor_mb": max(r[1] for r in floors), "cold": cold[0], "cpu_ratio": fc / flc,
            "new": statistics.median(r[0] for r in news)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,5000", help="xlsx question counts")
    ap.add_argument("--docx", type=int, default=1000, help="docx question count (0: none)")
    ap.add_argument("--library", default="2000x5000", help="ENTRIESxQUESTIONS for fill --library ('' : none)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout whose `questionnaire` is measured")
    a = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(a.root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # bytecode as an installed package has it (pip compiles on install), kept out of the checkout
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    print(f"whole process, fresh subprocesses, fill and floor alternating, median of {a.repeat}; warm user cache")
    print(f"{'document':<26}{'written':>8}{'fill s':>8}{'floor s':>8}{'ratio':>7}{'fill MB':>9}{'floor MB':>9}"
          f"{'cold s':>8}{'cpu ratio':>10}{'new file s':>11}{'new ratio':>10}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        env["XDG_CACHE_HOME"] = str(tmp / "cache")
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        jobs: list[tuple[str, Path, Path | None]] = []
        for n in (int(x) for x in a.sizes.split(",") if x):
            make_xlsx(tmp / f"q{n}.xlsx", n)
            jobs.append((f"xlsx {n}", tmp / f"q{n}.xlsx", None))
        if a.docx:
            make_docx(tmp / f"q{a.docx}.docx", a.docx)
            jobs.append((f"docx {a.docx}", tmp / f"q{a.docx}.docx", None))
        if a.library:
            n_lib, n_q = (int(x) for x in a.library.lower().split("x"))
            lib = tmp / "library.yaml"
            qs = library_questionnaire(make_library(lib, n_lib), n_q)
            make_xlsx(tmp / f"lib{n_q}.xlsx", n_q, qs)
            jobs.append((f"xlsx {n_q} --library {n_lib}", tmp / f"lib{n_q}.xlsx", lib))
        for name, src, lib in jobs:
            r = bench(src, tmp, a.repeat, env, lib, a.root)
            print(f"{name:<26}{r['written']:>8}{r['fill']:>8.2f}{r['floor']:>8.2f}{r['ratio']:>7.2f}"
                  f"{r['fill_mb']:>9.0f}{r['floor_mb']:>9.0f}{r['cold']:>8.2f}{r['cpu_ratio']:>10.2f}"
                  f"{r['new']:>11.2f}{r['new'] / r['floor']:>10.2f}", flush=True)


if __name__ == "__main__":
    main()
