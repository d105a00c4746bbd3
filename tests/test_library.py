"""library.yaml (validation with FILE:LINE), `library import` (merge, conflicts, corrections) and `library check`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from questionnaire.cli import app
from questionnaire.library import Entry, Library, audit, check_library, json_schema, load_library, save_library
from questionnaire.library_import import import_files
from tests.conftest import QUESTIONNAIRES

runner = CliRunner()
CAIQ_FILLED = QUESTIONNAIRES / "csa-caiq-v4.0.3-filled-whitepact.xlsx"
HECVAT3_FILLED = QUESTIONNAIRES / "educause-hecvat-3.00-filled-opendsa-redacted.xlsx"
CONTRACT_PROFILE = QUESTIONNAIRES.parent / "contract" / "profile.yaml"


def make_filled(path: Path, rows: list[tuple[str, str, str | None]]) -> Path:
    """A small filled questionnaire: ID / Question / Answer / Comments, one row per question."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Security"
    ws.append(["ID", "Question", "Answer", "Comments"])
    for qid, question, answer in rows:
        ws.append([qid, question, answer, None])
    wb.save(path)
    return path


ROWS = [
    ("S-1", "Do you encrypt all customer data at rest?", "Yes"),
    ("S-2", "Is multi-factor authentication required for administrator accounts?", "Yes"),
    ("S-3", "Do you perform background checks on new employees?", "No"),
    ("S-4", "Describe your data retention period for backups.", "Backups are kept for 35 days."),
]


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "library.yaml"
    p.write_text(text, encoding="utf-8")
    return p


# ----------------------------------------------------------------------------- validation


def test_valid_library_loads_and_schema_lists_the_contract_fields(tmp_path):
    p = _write(tmp_path, "version: 1\nentries:\n  - id: enc-rest\n    question: Do you encrypt data at rest?\n"
                         "    answer: 'Yes'\n    approved_by: Ana\n    approved_on: 2026-11-01\n    review_after: 2027-11-01\n")
    lib = load_library(p)
    assert lib.entries[0].value == "Yes" and lib.entries[0].usable(dt.date(2026, 12, 1)) == (True, None)
    props = json_schema()["$defs"]["Entry"]
    assert set(props["required"]) == {"id", "question", "answer"}
    assert {"phrasings", "topic", "tags", "owner", "approved_by", "approved_on", "review_after", "sources"} <= set(props["properties"])


@pytest.mark.parametrize("text, line, fragment", [
    ("entries:\n  - id: a\n    question: Q?\n", 2, "entries[0].answer: required key is missing"),
    ("entries:\n  - id: a\n    question: Q?\n    answer: 'Yes'\n    aproved_by: Ana\n", 5, "entries[0].aproved_by: unknown key"),
    ("entries:\n  - id: a\n    question: Q?\n    answer: 'Yes'\n    answer: 'No'\n", 5, "entries[0].answer: duplicate key"),
    ("entries:\n  - id: a\n    question: Q?\n    answer: 'Yes'\n  - id: a\n    question: R?\n    answer: 'No'\n", 5,
     "entries[1].id: id 'a' is also used by entries[0]"),
    ("entries:\n  - id: a\n    question: Q?\n    answer: 'Yes'\n    review_after: someday\n", 5, "entries[0].review_after"),
    ("entries: [\n", 2, "not valid YAML"),
])
def test_problems_are_reported_with_file_and_line(tmp_path, text, line, fragment):
    p = _write(tmp_path, text)
    lib, problems = check_library(p)
    assert lib is None
    shown = [str(x) for x in problems]
    assert any(s.startswith(f"{p}:{line}: ") and fragment in s for s in shown), shown


def test_check_cli_invalid_library_exits_2_with_file_line(tmp_path):
    p = _write(tmp_path, "entries:\n  - id: a\n    question: Q?\n")
    r = runner.invoke(app, ["library", "check", str(p)])
    assert r.exit_code == 2
    assert f"{p}:2: entries[0].answer: required key is missing" in r.output


def test_save_is_atomic_and_round_trips(tmp_path):
    lib = Library(entries=[Entry(id="a", question="Q?", answer="Yes", phrasings=["Q again?"])])
    out = save_library(lib, tmp_path / "lib.yaml")
    assert load_library(out) == lib
    assert [p.name for p in tmp_path.iterdir()] == ["lib.yaml"]  # no temp file left


# ----------------------------------------------------------------------------- import


def test_import_turns_each_answered_question_into_an_unapproved_entry(tmp_path):
    src = make_filled(tmp_path / "filled.xlsx", ROWS)
    out = tmp_path / "library.yaml"
    r = runner.invoke(app, ["library", "import", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    lib = load_library(out)
    by_q = {e.question: e for e in lib.entries}
    assert len(lib.entries) == 4
    e = by_q["Do you encrypt all customer data at rest?"]
    assert e.answer == "Yes" and e.approved_by is None
    assert e.sources[0].file == "filled.xlsx" and e.sources[0].cell == "Security!C2" and e.sources[0].question_id == "S-1"
    assert by_q["Describe your data retention period for backups."].answer == "Backups are kept for 35 days."
    assert "unapproved" in r.output


def test_import_merges_same_question_and_reports_conflicts_instead_of_picking(tmp_path):
    a = make_filled(tmp_path / "a.xlsx", ROWS)
    b = make_filled(tmp_path / "b.xlsx", [
        ("X-9", "Do you encrypt ALL customer data at rest ?", "yes"),  # same question, same answer
        ("X-10", "Do you perform background checks on new employees?", "Yes"),  # same question, other answer
    ])
    out = tmp_path / "library.yaml"
    r = runner.invoke(app, ["library", "import", str(a), str(b), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "1 duplicates merged" in r.output and "1 conflicts" in r.output and "conflict: " in r.output
    lib = load_library(out)
    assert len(lib.entries) == 4
    enc = next(e for e in lib.entries if "encrypt" in e.question)
    assert [s.file for s in enc.sources] == ["a.xlsx", "b.xlsx"]
    bg = next(e for e in lib.entries if "background" in e.question)
    assert bg.answer == "No" and [c.answer for c in bg.conflicts] == ["Yes"]
    assert bg.usable()[0] is False
    r = runner.invoke(app, ["library", "check", str(out)])
    assert r.exit_code == 1 and "conflict" in r.output


def test_reworded_question_with_same_answer_becomes_a_phrasing(tmp_path):
    lib = Library(entries=[Entry(id="mfa", question="Is multi-factor authentication required for administrator accounts?",
                                 answer="Yes")])
    b = make_filled(tmp_path / "b.xlsx", [("Q1", "Is multi-factor authentication required for all administrator accounts?", "Yes")])
    merged, rep = import_files([b], lib)
    assert rep.phrasings == 1 and len(merged.entries) == 1
    assert merged.entries[0].phrasings == ["Is multi-factor authentication required for all administrator accounts?"]
    assert lib.entries[0].phrasings == []  # the given library object is not changed


def test_import_back_a_corrected_file_credits_the_person(tmp_path):
    out = tmp_path / "library.yaml"
    runner.invoke(app, ["library", "import", str(make_filled(tmp_path / "a.xlsx", ROWS)), "-o", str(out)])
    corrected = make_filled(tmp_path / "corrected.xlsx", [("S-3", ROWS[2][1], "Yes"), ("S-1", ROWS[0][1], "Yes")])
    r = runner.invoke(app, ["library", "import", str(corrected), "-o", str(out), "--approved-by", "Dana Reviewer"])
    assert r.exit_code == 0, r.output
    assert "1 updated" in r.output and "0 conflicts" in r.output
    lib = load_library(out)
    bg = next(e for e in lib.entries if "background" in e.question)
    assert bg.answer == "Yes" and bg.approved_by == "Dana Reviewer" and bg.approved_on == dt.date.today()
    enc = next(e for e in lib.entries if "encrypt" in e.question)
    assert enc.approved_by == "Dana Reviewer"
    mfa = next(e for e in lib.entries if "multi-factor" in e.question)
    assert mfa.approved_by is None  # not in the corrected file: not approved by that person


def test_import_never_overwrites_an_input(tmp_path):
    src = make_filled(tmp_path / "filled.xlsx", ROWS)
    before = src.read_bytes()
    r = runner.invoke(app, ["library", "import", str(src), "-o", str(src)])
    assert r.exit_code == 2
    assert src.read_bytes() == before


def test_import_of_a_missing_file_is_a_user_error(tmp_path):
    r = runner.invoke(app, ["library", "import", str(tmp_path / "nope.xlsx"), "-o", str(tmp_path / "l.yaml")])
    assert r.exit_code == 2 and "error:" in r.output
    assert not (tmp_path / "l.yaml").exists()


# ----------------------------------------------------------------------------- real files


@pytest.mark.skipif(not CAIQ_FILLED.exists(), reason="shared questionnaires not mounted")
def test_import_the_filled_caiq_entries_match_the_cells(tmp_path):
    import openpyxl

    out = tmp_path / "caiq.yaml"
    r = runner.invoke(app, ["library", "import", str(CAIQ_FILLED), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "261 questions found, 261 answered" in r.output and "0 conflicts" in r.output
    lib = load_library(out)
    assert 250 <= len(lib.entries) <= 261
    wb = openpyxl.load_workbook(CAIQ_FILLED)
    for e in lib.entries:
        for s in e.sources:
            sheet, cell = s.cell.rsplit("!", 1)
            raw = str(wb[sheet.strip("'")][cell].value).strip()
            assert {"NA": "N/A"}.get(raw, raw) == e.answer, (s.cell, raw, e.answer)
    # importing the same file again merges everything: no new entry
    r = runner.invoke(app, ["library", "import", str(CAIQ_FILLED), "-o", str(out)])
    assert "0 new entries" in r.output and len(load_library(out).entries) == len(lib.entries)


@pytest.mark.skipif(not HECVAT3_FILLED.exists(), reason="shared questionnaires not mounted")
def test_import_the_filled_hecvat3(tmp_path):
    lib, rep = import_files([HECVAT3_FILLED])
    assert rep.questions == 241 and rep.answered == 168
    assert rep.new == len(lib.entries) and rep.new + rep.same + rep.phrasings + len(rep.conflicts) == rep.answered


# ----------------------------------------------------------------------------- check


def catalog_yes_no():
    """(contract profile, a yes/no catalog entry, the profile's Yes/No for it, the other value)."""
    from questionnaire.answers import build_answers
    from questionnaire.catalog import load_catalog
    from questionnaire.profile import load_profile

    prof = load_profile(CONTRACT_PROFILE).profile
    answers = {a.id: a for a in build_answers(prof, None, source="profile")}
    entry = next(e for e in load_catalog() if e.kind == "yes_no" and answers[e.id].value in ("Yes", "No"))
    truth = answers[entry.id].value
    return prof, entry, truth, {"Yes": "No", "No": "Yes"}[truth]


def test_check_reports_stale_unapproved_duplicates_and_clean_exit_0(tmp_path):
    today = dt.date(2026, 12, 1)
    lib = Library(entries=[
        Entry(id="a", question="Do you encrypt data at rest?", answer="Yes", approved_by="Ana", review_after=dt.date(2026, 1, 1)),
        Entry(id="b", question="Do you encrypt data at rest ?", answer="Yes", approved_by="Ana"),
        Entry(id="c", question="Do you rotate keys?", answer="Yes"),
    ])
    kinds = sorted((i.kind, i.entry_id) for i in audit(lib, today=today))
    assert kinds == [("duplicate", "b"), ("stale", "a"), ("unapproved", "c")]
    clean = Library(entries=[Entry(id="a", question="Do you rotate keys?", answer="Yes", approved_by="Ana")])
    p = save_library(clean, tmp_path / "clean.yaml")
    r = runner.invoke(app, ["library", "check", str(p)])
    assert r.exit_code == 0 and "no problems" in r.output


@pytest.mark.skipif(not CONTRACT_PROFILE.exists(), reason="shared contract not mounted")
def test_check_reports_an_entry_that_contradicts_the_profile(tmp_path):
    prof, entry, truth, wrong = catalog_yes_no()
    lib = Library(entries=[Entry(id="x", question=entry.question, answer=wrong, approved_by="Ana"),
                           Entry(id="y", question=entry.question + " ", answer=truth, approved_by="Ana", phrasings=[])])
    issues = [i for i in audit(lib, profile=prof) if i.kind == "contradicts_profile"]
    assert [i.entry_id for i in issues] == ["x"] and entry.id in issues[0].message
    p = save_library(Library(entries=lib.entries[:1]), tmp_path / "l.yaml")
    r = runner.invoke(app, ["library", "check", str(p), "--profile", str(CONTRACT_PROFILE)])
    assert r.exit_code == 1 and "contradicts_profile" in r.output


def test_library_yaml_is_plain_yaml_with_entries(tmp_path):
    p = save_library(Library(entries=[Entry(id="a", question="Q?", answer="N/A")]), tmp_path / "l.yaml")
    data = yaml.safe_load(p.read_text())
    assert data["entries"][0] == {"id": "a", "question": "Q?", "answer": "N/A"}


def test_the_readme_example_is_a_valid_library(tmp_path):
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = text.index("```yaml", text.index("## The answer library")) + len("```yaml")
    lib = load_library(_write(tmp_path, text[start:text.index("```", start)]))
    assert lib.entries[0].approved_by and lib.entries[0].phrasings


def test_import_a_filled_docx(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Vendor security questionnaire")
    t = d.add_table(rows=1, cols=3)
    for cell, text in zip(t.rows[0].cells, ("#", "Question", "Answer")):
        cell.text = text
    for i, (_qid, q, a) in enumerate(ROWS[:3]):
        for cell, text in zip(t.add_row().cells, (str(i + 1), q, a)):
            cell.text = text
    d.save(tmp_path / "filled.docx")
    lib, rep = import_files([tmp_path / "filled.docx"])
    assert rep.answered == 3 and [e.answer for e in lib.entries] == ["Yes", "Yes", "No"]
    assert lib.entries[2].sources[0].cell == "table 1, row 4"


@pytest.mark.skipif(not CONTRACT_PROFILE.exists(), reason="shared contract not mounted")
def test_the_loop_fill_correct_by_hand_import_back(tmp_path):
    """fill from the library, a person corrects a cell in the filled file, import it back credited to them."""
    import openpyxl

    out = tmp_path / "library.yaml"
    runner.invoke(app, ["library", "import", str(make_filled(tmp_path / "a.xlsx", ROWS)), "-o", str(out),
                        "--approved-by", "Ana"])
    blank = make_filled(tmp_path / "blank.xlsx", [(qid, q, None) for qid, q, _a in ROWS])
    filled = tmp_path / "filled.xlsx"
    r = runner.invoke(app, ["fill", str(blank), "--profile", str(CONTRACT_PROFILE), "--library", str(out), "-o", str(filled)])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(filled)
    assert wb["Security"]["C4"].value == "No"  # background checks, from the library
    wb["Security"]["C4"] = "Yes"  # the person's correction
    wb.save(tmp_path / "corrected.xlsx")
    r = runner.invoke(app, ["library", "import", str(tmp_path / "corrected.xlsx"), "-o", str(out), "--approved-by", "Dana"])
    assert r.exit_code == 0 and "1 updated" in r.output, r.output
    bg = next(e for e in load_library(out).entries if "background" in e.question)
    assert bg.answer == "Yes" and bg.approved_by == "Dana" and "corrected.xlsx" in {s.file for s in bg.sources}


def _filled_with_comments(path: Path, comments: dict[str, str]) -> Path:
    import openpyxl

    make_filled(path, ROWS)
    wb = openpyxl.load_workbook(path)
    for row in wb["Security"].iter_rows(min_row=2):
        row[3].value = comments.get(row[0].value)
    wb.save(path)
    return path


def test_import_reads_the_comment_column_and_fill_writes_it_back(tmp_path):
    """The explanation beside a Yes/No becomes the entry's comment; fill from that library writes it into the
    comment column of a blank copy (reopened cell by cell)."""
    import openpyxl

    from questionnaire.fill import fill
    from questionnaire.library_match import LibraryMatcher
    from questionnaire.profile import load_profile
    from tests.conftest import EXAMPLE_PROFILE

    src = _filled_with_comments(tmp_path / "a.xlsx", {"S-1": "AES-256 in every data store.", "S-3": "Not yet."})
    lib, rep = import_files([src], approved_by="Ana")
    by_q = {e.question: e for e in lib.entries}
    assert by_q[ROWS[0][1]].comment == "AES-256 in every data store." and by_q[ROWS[2][1]].comment == "Not yet."
    assert by_q[ROWS[1][1]].comment is None  # no explanation in the file
    blank = make_filled(tmp_path / "blank.xlsx", [(qid, q, None) for qid, q, _a in ROWS])
    fill(blank, tmp_path / "out.xlsx", profile=load_profile(EXAMPLE_PROFILE).profile, source="profile",
         library=LibraryMatcher(lib))
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["Security"]
    assert (ws["C2"].value, ws["D2"].value) == ("Yes", "AES-256 in every data store.")
    assert (ws["C4"].value, ws["D4"].value) == ("No", "Not yet.")
    assert ws["D3"].value is None


def test_a_credited_reimport_updates_the_comment_an_uncredited_one_keeps_it(tmp_path):
    first = _filled_with_comments(tmp_path / "a.xlsx", {"S-1": "AES-256."})
    lib, _ = import_files([first], approved_by="Ana")
    again = _filled_with_comments(tmp_path / "b.xlsx", {"S-1": "AES-256, keys rotated yearly."})
    kept, _ = import_files([again], lib)
    assert next(e for e in kept.entries if e.question == ROWS[0][1]).comment == "AES-256."
    fixed, _ = import_files([again], lib, approved_by="Dana")
    assert next(e for e in fixed.entries if e.question == ROWS[0][1]).comment == "AES-256, keys rotated yearly."


def test_import_a_filled_docx_with_a_comments_column(tmp_path):
    import docx

    d = docx.Document()
    t = d.add_table(rows=1, cols=3)
    for cell, text in zip(t.rows[0].cells, ("Question", "Answer", "Comments")):
        cell.text = text
    for q, a, c in ((ROWS[0][1], "Yes", "AES-256 at rest."), (ROWS[2][1], "No", "")):
        for cell, text in zip(t.add_row().cells, (q, a, c)):
            cell.text = text
    d.save(tmp_path / "filled.docx")
    lib, rep = import_files([tmp_path / "filled.docx"])
    assert rep.answered == 2 and [(e.answer, e.comment) for e in lib.entries] == [("Yes", "AES-256 at rest."), ("No", None)]


def test_library_schema_command(tmp_path):
    import json

    r = runner.invoke(app, ["library", "schema"])
    assert r.exit_code == 0 and json.loads(r.output)["$defs"]["Entry"]["required"] == ["id", "question", "answer"]
    r = runner.invoke(app, ["library", "schema", "-o", str(tmp_path / "library.schema.json")])
    assert r.exit_code == 0 and json.loads((tmp_path / "library.schema.json").read_text())["title"].startswith("questionnaire")


def test_anchors_and_duplicate_keys_take_the_line_numbered_path(tmp_path):
    ok = _write(tmp_path, "entries:\n  - &a {id: a, question: Q?, answer: 'Yes'}\n  - {id: b, question: R?, answer: 'No'}\n")
    assert [e.id for e in load_library(ok).entries] == ["a", "b"]
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdef", "bcdefg"))
    lib, problems = check_library(_write(tmp_path, bomb + "entries: []\n"))
    assert lib is None and "alias bomb" in str(problems[0])
