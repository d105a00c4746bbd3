"""`fill --library`: approved / unapproved / stale entries, polarity, abstention, catalog first; the real CAIQ
filled from its own library and the paraphrase set (files reopened cell by cell)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from questionnaire.cli import app
from questionnaire.fill import fill
from questionnaire.library import Entry, Library, save_library, yes_no
from questionnaire.library_import import import_files, read_answered
from questionnaire.library_match import LibraryMatcher
from questionnaire.profile import load_profile
from tests.conftest import QUESTIONNAIRES
from tests.test_library import catalog_yes_no, make_filled

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]
CONTRACT_PROFILE = QUESTIONNAIRES.parent / "contract" / "profile.yaml"
CAIQ_FILLED = QUESTIONNAIRES / "csa-caiq-v4.0.3-filled-whitepact.xlsx"
CAIQ_BLANK = QUESTIONNAIRES / "csa-caiq-v4.0.3-blank.xlsx"
PARAPHRASES = ROOT / "tests" / "data" / "library_paraphrases.yaml"
pytestmark = pytest.mark.skipif(not CONTRACT_PROFILE.exists(), reason="shared contract not mounted")

APPROVED = dict(approved_by="Ana Approver", approved_on=dt.date(2026, 11, 1))
LIB = Library(entries=[
    Entry(id="enc", question="Do you encrypt customer backups?", answer="Yes", comment="AES-256 in the backup vault.",
          **APPROVED),
    Entry(id="bg", question="Do you perform background checks on new employees?", answer="No", **APPROVED),
    Entry(id="badge", question="Are badge readers installed at every office door?", answer="Yes"),  # unapproved
    Entry(id="old", question="Do you run a bug bounty program?", answer="Yes", approved_by="Ana",
          review_after=dt.date(2020, 1, 1)),  # stale
    Entry(id="ret", question="How long are backups retained?", answer="Backups are kept for 35 days.", **APPROVED),
])
BLANK = [
    ("Q-1", "Do you encrypt customer backups?", None),
    ("Q-2", "Do you never encrypt customer backups?", None),  # inverse: No
    ("Q-3", "Do you not perform background checks on new employees?", None),  # inverse: Yes
    ("Q-4", "Are badge readers installed at every office door?", None),
    ("Q-5", "Do you run a bug bounty program?", None),
    ("Q-6", "How long are backups retained?", None),
    ("Q-7", "Is it not true that you never encrypt customer backups?", None),  # double negation: abstain
    ("Q-8", "Do you have a documented vendor offboarding procedure?", None),  # nothing close: empty
]


def _run(tmp_path: Path, *extra: str) -> tuple[dict, dict]:
    src = make_filled(tmp_path / "blank.xlsx", BLANK)
    lib = save_library(LIB, tmp_path / "library.yaml")
    out, rep = tmp_path / "out.xlsx", tmp_path / "report.json"
    r = runner.invoke(app, ["fill", str(src), "--profile", str(CONTRACT_PROFILE), "--library", str(lib), "-o", str(out),
                            "--report", str(rep), *extra])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out)["Security"]
    cells = {ws.cell(row=i, column=1).value: (ws.cell(row=i, column=3).value, ws.cell(row=i, column=4).value)
             for i in range(2, ws.max_row + 1)}
    items = {it["question_id"]: it for it in json.loads(rep.read_text())["items"]}
    return cells, items


def test_fill_from_the_library_cells_and_report(tmp_path):
    cells, items = _run(tmp_path)
    assert cells["Q-1"] == ("Yes", "AES-256 in the backup vault.")
    it = items["Q-1"]
    assert it["status"] == "answered" and it["source"] == "library" and it["library_id"] == "enc"
    assert it["approved_by"] == "Ana Approver" and it["catalog_id"] is None and it["polarity"] == "same"
    assert cells["Q-2"][0] == "No" and items["Q-2"]["polarity"] == "inverse" and items["Q-2"]["library_id"] == "enc"
    assert cells["Q-3"][0] == "Yes" and items["Q-3"]["polarity"] == "inverse"
    assert cells["Q-6"][0] == "Backups are kept for 35 days." and items["Q-6"]["status"] == "answered"
    # unapproved and stale: written, for review (the default --library-unapproved review)
    for q in ("Q-4", "Q-5"):
        assert cells[q][0] == "Yes" and items[q]["status"] == "needs_review" and items[q]["source"] == "library"
    assert "not approved" in items["Q-4"]["note"] and "past its review date" in items["Q-5"]["note"]
    assert items["Q-4"]["approved_by"] is None
    # conflicting cues and unrelated questions: empty
    for q in ("Q-7", "Q-8"):
        assert cells[q] == (None, None) and items[q]["status"] == "unanswered" and items[q]["source"] is None


def test_unapproved_skip_leaves_them_empty(tmp_path):
    cells, items = _run(tmp_path, "--library-unapproved", "skip")
    for q in ("Q-4", "Q-5"):
        assert cells[q] == (None, None) and items[q]["status"] == "unanswered"
        assert items[q]["note"].startswith("left empty: library entry")
    assert cells["Q-1"][0] == "Yes"


def test_bad_unapproved_mode_and_invalid_library_are_user_errors(tmp_path):
    src = make_filled(tmp_path / "blank.xlsx", BLANK)
    lib = save_library(LIB, tmp_path / "library.yaml")
    r = runner.invoke(app, ["fill", str(src), "--profile", str(CONTRACT_PROFILE), "--library", str(lib),
                            "--library-unapproved", "maybe", "-o", str(tmp_path / "o.xlsx")])
    assert r.exit_code == 2 and "--library-unapproved" in r.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries:\n  - id: a\n    question: Q?\n")
    r = runner.invoke(app, ["fill", str(src), "--profile", str(CONTRACT_PROFILE), "--library", str(bad),
                            "-o", str(tmp_path / "o.xlsx")])
    assert r.exit_code == 2 and f"{bad}:2: entries[0].answer" in r.output
    assert not (tmp_path / "o.xlsx").exists()


def test_catalog_answer_wins_and_the_conflict_is_reported(tmp_path):
    prof, entry, truth, other = catalog_yes_no()
    src = make_filled(tmp_path / "blank.xlsx", [("C-1", entry.question, None)])
    lib = LibraryMatcher(Library(entries=[Entry(id="mine", question=entry.question, answer=other, **APPROVED)]))
    res = fill(src, tmp_path / "o.xlsx", profile=prof, source="profile", library=lib)
    it = res.items[0]
    assert it.catalog_id == entry.id and it.source == "declared" and it.value == truth
    assert "conflict: library entry mine says " + other in it.note
    assert openpyxl.load_workbook(tmp_path / "o.xlsx")["Security"]["C2"].value.startswith(truth)


@pytest.mark.skipif(not CAIQ_FILLED.exists(), reason="shared questionnaires not mounted")
def test_blank_caiq_filled_from_the_filled_caiq_library_reproduces_its_answers(tmp_path):
    lib, _ = import_files([CAIQ_FILLED])
    for e in lib.entries:
        e.approved_by = "Ana"
    prof = load_profile(CONTRACT_PROFILE).profile
    report = tmp_path / "r.json"
    res = fill(CAIQ_BLANK, tmp_path / "caiq.xlsx", profile=prof, source="profile", library=LibraryMatcher(lib),
               report_path=report)
    _found, truth_items = read_answered(CAIQ_FILLED)
    truth = {s.question_id: a for _q, a, s in truth_items}
    wb = openpyxl.load_workbook(tmp_path / "caiq.xlsx")
    exact = contra = 0
    for it in res.items:
        sheet, cell = it.location.rsplit("!", 1)
        got = yes_no(wb[sheet.strip("'")][cell].value)
        want = truth[it.question_id]
        exact += got == want
        contra += {got, want} == {"Yes", "No"}
    assert contra == 0
    assert exact / len(truth) >= 0.98, exact
    items = json.loads(report.read_text())["items"]
    lib_items = [i for i in items if i["source"] == "library"]
    assert len(lib_items) >= 240 and all(i["approved_by"] == "Ana" and i["library_id"] for i in lib_items)
    assert {i["source"] for i in items} <= {"library", "declared"}


@pytest.mark.skipif(not CAIQ_FILLED.exists(), reason="shared questionnaires not mounted")
def test_paraphrase_set_no_wrong_answer():
    lib, _ = import_files([CAIQ_FILLED])
    for e in lib.entries:
        e.approved_by = "Ana"
    m = LibraryMatcher(lib)
    _found, truth_items = read_answered(CAIQ_FILLED)
    truth = {s.question_id: a for _q, a, s in truth_items}
    items = yaml.safe_load(PARAPHRASES.read_text())["items"]
    assert len(items) >= 80 and sum(i["polarity"] == "inverse" for i in items) >= 40
    right = 0
    for it in items:
        want = truth[it["id"]]
        if it["polarity"] == "inverse":
            want = {"Yes": "No", "No": "Yes"}.get(want, want)
        hit = m.match(it["text"])
        if hit.entry is None:
            continue
        assert hit.value == want, (it, hit)
        assert it["id"] in {s.question_id for s in hit.entry.sources} or hit.entry.answer == truth[it["id"]]
        right += 1
    assert right >= 60  # measured 64 of 84 (benchmarks/library_eval.py); the rest abstain


HECVAT3_FILLED = QUESTIONNAIRES / "educause-hecvat-3.00-filled-opendsa-redacted.xlsx"
HECVAT4_BLANK = QUESTIONNAIRES / "educause-hecvat-4.1.4-full-blank-metaredacted.xlsx"


@pytest.mark.skipif(not HECVAT4_BLANK.exists(), reason="shared questionnaires not mounted")
def test_cross_questionnaire_labelled_pairs_no_wrong_answer():
    """HECVAT 4.1.4 questions answered from the HECVAT 3.00 library: only from their labelled counterpart."""
    from questionnaire.documents.formats import open_questionnaire

    lib, _ = import_files([HECVAT3_FILLED])
    m = LibraryMatcher(lib)
    with open_questionnaire(HECVAT4_BLANK, "xlsx") as f:
        qs = {q.question_id: q for q in f.questions()}
    pairs = yaml.safe_load((ROOT / "tests" / "data" / "library_cross_hecvat.yaml").read_text())["pairs"]
    assert len(pairs) >= 60
    right = 0
    for p in pairs:
        q = qs[p["q"]]
        hit = m.match(q.text, q.section or q.container)
        if hit.entry is None:
            continue
        assert p["counterpart"] in {s.question_id for s in hit.entry.sources}, (p, hit.entry.sources)
        assert hit.polarity == p.get("polarity", "same"), p
        right += 1
    assert right >= 40  # measured 45 of 70 (benchmarks/library_eval.py)


def test_xlsx_report_tells_library_answers_and_who_approved_them(tmp_path):
    src = make_filled(tmp_path / "blank.xlsx", BLANK)
    lib = save_library(LIB, tmp_path / "library.yaml")
    rep = tmp_path / "review.xlsx"
    r = runner.invoke(app, ["fill", str(src), "--profile", str(CONTRACT_PROFILE), "--library", str(lib),
                            "-o", str(tmp_path / "out.xlsx"), "--report", str(rep)])
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(rep).worksheets[0]
    head = [c.value for c in ws[1]]
    rows = {row[head.index("Location")]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    q1 = rows["Security!C2"]
    assert q1[head.index("Source")] == "library" and q1[head.index("Library entry")] == "enc"
    assert q1[head.index("Approved by")] == "Ana Approver" and q1[head.index("Status")] == "answered"
    q4 = rows["Security!C5"]
    assert q4[head.index("Library entry")] == "badge" and q4[head.index("Approved by")] in (None, "")
