"""Answer-library measures (issue 23), on the real questionnaires in ../shared/questionnaires/ read in place.

1. import the filled CAIQ v4.0.3 and the filled HECVAT 3.00: entries, duplicates merged, conflicts;
2. fill the blank CAIQ v4.0.3 from the library imported from the filled CAIQ (approved): share of
   the filled file's Yes/No/NA answers reproduced exactly, contradicting (Yes<->No), other;
3. the paraphrase set tests/data/library_paraphrases.yaml (questions reworded from CAIQ entries,
   labelled by CAIQ question id and polarity): right / wrong / abstained.

    PYTHONPATH=$PWD /work/venv/bin/python benchmarks/library_eval.py [--shared ../shared] [--speed]

--speed: `fill --library` (whole process, `python -m questionnaire`) with 2,000 library entries on a
generated xlsx of 5,000 distinct questions, against the openpyxl floor (a process that loads the
same workbook, writes the same cells and saves); target <= 1.3x.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CAIQ_FILLED = "questionnaires/csa-caiq-v4.0.3-filled-whitepact.xlsx"
CAIQ_BLANK = "questionnaires/csa-caiq-v4.0.3-blank.xlsx"
HECVAT3_FILLED = "questionnaires/educause-hecvat-3.00-filled-opendsa-redacted.xlsx"
PARAPHRASES = ROOT / "tests" / "data" / "library_paraphrases.yaml"
CROSS_PAIRS = ROOT / "tests" / "data" / "library_cross_hecvat.yaml"
HECVAT4_BLANK = "questionnaires/educause-hecvat-4.1.4-full-blank-metaredacted.xlsx"
AICAIQ_BLANK = "questionnaires/csa-ai-caiq-v1.1.0-stop-guessing.xlsx"


def approved(lib, name: str = "Eval Approver"):
    for e in lib.entries:
        e.approved_by, e.approved_on = name, dt.date(2026, 11, 30)
    return lib


def import_figures(path: Path) -> dict:
    from questionnaire.library_import import import_files

    lib, rep = import_files([path])
    return {"file": path.name, "questions": rep.questions, "answered": rep.answered, "entries": len(lib.entries),
            "duplicates_merged": rep.same, "phrasings_merged": rep.phrasings, "conflicts": len(rep.conflicts)}


def _answers_by_id(path: Path) -> dict[str, str]:
    """question id -> the Yes/No/N/A answer in the file, read cell by cell with openpyxl."""
    from questionnaire.library import yes_no
    from questionnaire.library_import import read_answered

    _found, items = read_answered(path)
    out = {}
    for _q, a, src in items:
        if src.question_id and yes_no(a):
            out.setdefault(src.question_id, yes_no(a))
    return out


def cell_values(path: Path, locations: dict[str, str]) -> dict[str, str | None]:
    """question id -> the value of its answer cell ('Sheet'!C12) in the xlsx at ``path``."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=False)
    out = {}
    for qid, loc in locations.items():
        sheet, cell = loc.rsplit("!", 1)
        v = wb[sheet.strip("'")][cell].value
        out[qid] = None if v in (None, "") else str(v)
    wb.close()
    return out


def fill_reproduction(shared: Path) -> dict:
    from questionnaire.fill import fill
    from questionnaire.library import yes_no
    from questionnaire.library_import import import_files
    from questionnaire.library_match import LibraryMatcher
    from questionnaire.profile import load_profile

    filled, blank = shared / CAIQ_FILLED, shared / CAIQ_BLANK
    lib, _ = import_files([filled])
    matcher = LibraryMatcher(approved(lib))
    prof = load_profile(shared / "contract" / "profile.yaml").profile
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "caiq.xlsx"
        res = fill(blank, out, profile=prof, source="profile", library=matcher)
        locs = {it.question_id: it.location for it in res.items if it.question_id}
        written = cell_values(out, locs)
    truth = _answers_by_id(filled)
    exact = contra = other = empty = 0
    by_source: dict[str, int] = {}
    for it in res.items:
        by_source[it.source or "none"] = by_source.get(it.source or "none", 0) + 1
    for qid, want in truth.items():
        got = yes_no(written.get(qid))
        if got is None:
            empty += 1
        elif got == want:
            exact += 1
        elif {got, want} == {"Yes", "No"}:
            contra += 1
        else:
            other += 1
    return {"yes_no_na_in_filled": len(truth), "reproduced_exactly": exact, "contradicting": contra,
            "other_value": other, "left_empty": empty, "share": round(exact / max(len(truth), 1), 4),
            "items_by_source": by_source}


def paraphrase_figures(shared: Path, path: Path = PARAPHRASES) -> dict:
    import yaml

    from questionnaire.library_import import import_files
    from questionnaire.library_match import LibraryMatcher

    lib, _ = import_files([shared / CAIQ_FILLED])
    matcher = LibraryMatcher(approved(lib))
    truth = _answers_by_id(shared / CAIQ_FILLED)
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    right = wrong = abstained = 0
    wrong_items = []
    for it in items:
        want = truth[it["id"]]
        if it["polarity"] == "inverse":
            want = {"Yes": "No", "No": "Yes"}.get(want, want)
        hit = matcher.match(it["text"])
        src_ids = {s.question_id for s in hit.entry.sources} if hit.entry else set()
        if hit.entry is None:
            abstained += 1
        elif hit.value == want and (it["id"] in src_ids or truth.get(next(iter(src_ids), None)) == truth[it["id"]]):
            right += 1
        else:
            wrong += 1
            wrong_items.append((it["id"], it["text"][:60], hit.value, want, hit.reason[:80]))
    n_inv = sum(1 for it in items if it["polarity"] == "inverse")
    return {"questions": len(items), "inverse": n_inv, "right": right, "wrong": wrong, "abstained": abstained,
            "wrong_items": wrong_items}


def _questions(path: Path) -> list:
    from questionnaire.documents.formats import open_questionnaire

    with open_questionnaire(path, path.suffix.lower().lstrip(".")) as f:
        return f.questions()


def cross_fill(shared: Path, source: str, target: str) -> dict:
    """Fill ``target`` from the library of ``source`` (approved): answered from the library, of those the
    ones whose question id has the same Yes/No/NA answer in ``source`` (meaningful when ids are shared)."""
    from questionnaire.fill import fill
    from questionnaire.library import yes_no
    from questionnaire.library_import import import_files
    from questionnaire.library_match import LibraryMatcher
    from questionnaire.profile import load_profile

    lib, _ = import_files([shared / source])
    prof = load_profile(shared / "contract" / "profile.yaml").profile
    with tempfile.TemporaryDirectory() as tmp:
        res = fill(shared / target, Path(tmp) / ("out" + Path(target).suffix), profile=prof, source="profile",
                   library=LibraryMatcher(approved(lib)))
    truth = _answers_by_id(shared / source)
    lib_items = [it for it in res.items if it.source == "library"]
    same_id = [it for it in lib_items if it.question_id in truth and yes_no(it.answer)]
    agree = sum(1 for it in same_id if yes_no(it.answer) == truth[it.question_id])
    return {"target": Path(target).name, "questions": len(res.items), "from_library": len(lib_items),
            "from_catalog": sum(1 for it in res.items if it.source in ("verified", "declared")),
            "abstained": sum(1 for it in res.items if it.source is None),
            "yes_no_with_same_id_in_source": len(same_id), "agreeing_with_same_id": agree}


def cross_labelled(shared: Path, path: Path = CROSS_PAIRS) -> dict:
    """The labelled HECVAT 4.1.4 -> HECVAT 3.00 pairs: right / wrong / abstained."""
    import yaml

    from questionnaire.library_import import import_files
    from questionnaire.library_match import LibraryMatcher

    lib, _ = import_files([shared / HECVAT3_FILLED])
    matcher = LibraryMatcher(approved(lib))
    qs = {q.question_id: q for q in _questions(shared / HECVAT4_BLANK)}
    pairs = yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]
    right = wrong = abstained = 0
    wrong_items = []
    for p in pairs:
        q = qs[p["q"]]
        hit = matcher.match(q.text, q.section or q.container)
        if hit.entry is None:
            abstained += 1
            continue
        ids = {s.question_id for s in hit.entry.sources}
        if p["counterpart"] in ids and hit.polarity == p.get("polarity", "same"):
            right += 1
        else:
            wrong += 1
            wrong_items.append((p["q"], sorted(ids), hit.polarity, p["counterpart"]))
    return {"pairs": len(pairs), "with_counterpart": sum(1 for p in pairs if p["counterpart"]), "right": right,
            "wrong": wrong, "abstained": abstained, "wrong_share": round(wrong / max(len(pairs), 1), 4),
            "wrong_items": wrong_items}


VERBS = ["encrypt", "back up", "monitor", "log", "review", "audit", "restrict", "rotate", "test", "document",
         "classify", "retain", "delete", "scan", "patch", "segregate", "approve", "train staff on", "inventory", "report"]
OBJECTS = ["customer records", "payroll files", "badge logs", "firewall rules", "source code", "laptops", "email archives",
           "vendor contracts", "database snapshots", "API keys", "network diagrams", "HR files", "printer queues",
           "mobile devices", "SSO sessions", "DNS zones", "VPN accounts", "test data", "invoices", "call recordings",
           "web servers", "admin accounts", "backup tapes", "office Wi-Fi", "support tickets"]
SCOPES = ["in every office", "in the EU region", "at the head office", "in the US region", "for contractors",
          "for all staff", "in production", "in staging", "at the data centre", "for remote workers"]


def speed_questions() -> list[str]:
    return [f"Do you {v} {o} {s}?" for s in SCOPES for v in VERBS for o in OBJECTS]


def _speed_files(tmp: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    from questionnaire.library import Entry, Library, save_library

    qs = speed_questions()
    wb = Workbook()
    ws = wb.active
    ws.title = "Questionnaire"
    ws.append(["ID", "Question", "Response", "Comments"])
    for i, q in enumerate(qs):
        ws.append([f"Q-{i + 1}", q, None, None])
    src = tmp / "q5000.xlsx"
    wb.save(src)
    entries = [Entry(id=f"e{i}", question=q if i % 4 else q.replace("Do you", "Does your company"),
                     answer="Yes" if i % 2 else "No", approved_by="Bench") for i, q in enumerate(qs[::2][:2000])]
    lib = save_library(Library(entries=entries), tmp / "library.yaml")
    return src, lib


_FLOOR = """
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Questionnaire"]
for r in range(2, ws.max_row + 1, 5):
    ws.cell(row=r, column=3).value = "Yes"
wb.save(sys.argv[2])
"""


def _timed(cmd: list[str]) -> float:
    import os
    import subprocess
    import time

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def speed(shared: Path, repeat: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        src, lib = _speed_files(tmp)
        prof = shared / "contract" / "profile.yaml"
        fill_cmd = [sys.executable, "-m", "questionnaire", "fill", str(src), "--profile", str(prof), "--library", str(lib),
                    "-o", str(tmp / "out.xlsx")]
        fill_s = min(_timed(fill_cmd) for _ in range(repeat))
        plain_s = min(_timed(fill_cmd[:-4] + ["-o", str(tmp / "plain.xlsx")]) for _ in range(repeat))  # the same fill without --library
        floor_s = min(_timed([sys.executable, "-c", _FLOOR, str(src), str(tmp / "floor.xlsx")]) for _ in range(repeat))
        import openpyxl

        ws = openpyxl.load_workbook(tmp / "out.xlsx")["Questionnaire"]
        written = sum(1 for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=3).value)
    return {"questions": len(speed_questions()), "library_entries": 2000, "written": written,
            "fill_library_s": round(fill_s, 2), "fill_without_library_s": round(plain_s, 2), "floor_s": round(floor_s, 2),
            "ratio": round(fill_s / floor_s, 2), "ratio_without_library": round(plain_s / floor_s, 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--speed", action="store_true", help="only the speed measure")
    a = ap.parse_args()
    if a.speed:
        print("speed:", speed(a.shared))
        return 0
    for rel in (CAIQ_FILLED, HECVAT3_FILLED):
        print("import:", import_figures(a.shared / rel))
    print("fill blank CAIQ from the CAIQ library:", fill_reproduction(a.shared))
    print("paraphrases:", paraphrase_figures(a.shared))
    print("cross HECVAT 3.00 -> 4.1.4:", cross_fill(a.shared, HECVAT3_FILLED, HECVAT4_BLANK))
    print("cross CAIQ 4.0.3 -> AI-CAIQ 1.1.0:", cross_fill(a.shared, CAIQ_FILLED, AICAIQ_BLANK))
    print("cross labelled pairs (HECVAT 4.1.4 -> 3.00):", cross_labelled(a.shared))
    return 0


if __name__ == "__main__":
    sys.exit(main())
