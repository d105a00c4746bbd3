"""The generated layout corpus (tests/layout_corpus.py): per file, every question found, pre-filled
answers kept, and nothing outside answer cells written (every other cell / body element / package
part compared with the input, part by part). Checkbox answers are ticks, not added text."""

from __future__ import annotations

import zipfile
from itertools import count
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from questionnaire.documents import docx_slots, excel, word
from questionnaire.documents.docx_xml import grid, qn
from questionnaire.documents.layout_docx import BodyRegion
from questionnaire.fill import fill
from questionnaire.matching import Match
from tests import layout_corpus as lc
from tests.fixtures_docs import assert_only_cells_changed, written_cells


class Cycle:
    """Answers every question, cycling Yes / text / No, so every kind of slot gets written."""

    def __init__(self):
        self.n = count()

    def match(self, text, question_id=None, context=None):
        return Match(("yes", "txt", "no")[next(self.n) % 3], 0.95, "test")


ANSWERS = [
    SimpleNamespace(id="yes", kind="yes_no", value="Yes", text="Yes. Prompts are logged for 30 days.",
                    status="verified", needs_review=False, evidence=["e1"]),
    SimpleNamespace(id="no", kind="yes_no", value="No", text="No. Customer data is never used for training.",
                    status="verified", needs_review=False, evidence=["e2"]),
    SimpleNamespace(id="txt", kind="text", value=None, text="A text answer\nover two lines", status="verified",
                    needs_review=False, evidence=[]),
]


def _fill(maker, name: str, tmp_path: Path):
    src = tmp_path / name
    exp = maker(src)
    out = tmp_path / f"out-{name}"
    result = fill(src, out, answers=ANSWERS, matcher=Cycle())
    return src, out, exp, result


def _check_found_and_kept(exp: lc.Expected, result) -> None:
    items = result.items
    texts = [it.question for it in items]
    assert sorted(texts) == sorted(exp.questions), "every question found, nothing else"
    for t in exp.skipped:
        assert t not in texts
    by = {it.question: it for it in items}
    for t, value in exp.prefilled.items():
        assert by[t].kept and by[t].answer is None and by[t].status == "unanswered", t
    written = [it for it in items if it.answer is not None or it.comment is not None]
    assert written and all(it.question not in exp.prefilled for it in written)
    assert result.detection and sum(d["found"] for d in result.detection) == len(items)


# --------------------------------------------------------------------------- xlsx


@pytest.mark.parametrize("name", sorted(lc.XLSX_MAKERS))
def test_xlsx_layouts(name, tmp_path):
    src, out, exp, result = _fill(lc.XLSX_MAKERS[name], name, tmp_path)
    _check_found_and_kept(exp, result)
    report = result.report()
    written = written_cells(report)
    stats = assert_only_cells_changed(src, out, written)
    assert stats["sheets_changed"] >= 1
    with excel.Workbook(src) as wb:
        answer_cells = {q.location for q in excel.detect_questions(wb)} | {
            q.comment_location for q in excel.detect_questions(wb) if q.comment_location}
    for sheet, cells in written.items():
        for ref in cells:
            assert f"{excel.quote_sheet(sheet)}!{ref}" in answer_cells  # only answer / comment cells
    import openpyxl

    wb = openpyxl.load_workbook(out)
    for sheet, cells in written.items():
        for ref, text in cells.items():
            assert wb[sheet][ref].value == text and wb[sheet][ref].data_type == "s"


def test_checklist_workbook_shape(tmp_path):
    src = tmp_path / "c.xlsx"
    exp = lc.make_checklist_workbook(src)
    with excel.Workbook(src) as wb:
        names = [s.name for s in wb.sheets]
        assert len(names) == 12 and "Review" in names and "Review " in names
        assert sum(len(wb.scan(s).merges) for s in wb.sheets) > 200
        qs, notes = excel.detect_sheets(wb)
    assert len(exp.prefilled) == len(exp.questions) // 2
    assert {q.location.split("!")[0] for q in qs} >= {"Review", "'Review '"}  # both sheets, told apart
    assert all("blocks" in n.layout and "dropdown" in n.layout for n in notes)
    assert all(q.comment_location and q.options == ["Yes", "No", "N/A"] for q in qs)


def test_formula_defaults(tmp_path):
    src = tmp_path / "m.xlsx"
    lc.make_multi_block_workbook(src)
    with excel.Workbook(src) as wb:
        qs, notes = excel.detect_sheets(wb)
    by = {q.location: q for q in qs}
    start = min(int(loc.split("!D")[1]) for loc in by if "!D" in loc)
    assert by[f"Assessment!D{start}"].writable and by[f"Assessment!D{start}"].existing is None  # =""
    assert by[f"Assessment!D{start + 1}"].existing is None  # ="Please select"
    assert f"Assessment!D{start + 3}" not in by  # computed: not an answer cell
    assert "computed by a formula" in notes[0].skipped


# --------------------------------------------------------------------------- docx


def _tostring(el) -> bytes:
    return etree.tostring(el)


def _written_slots(src: Path, result) -> dict[str, object]:
    """location -> Question for each question the fill wrote."""
    qs = {q.location: q for q in word.DocxFile(src).questions()}
    return {it.location: qs[it.location] for it in result.items if it.answer is not None or it.comment is not None}


def _assert_docx_only_slots_changed(src: Path, out: Path, written: dict) -> int:
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            if name != "word/document.xml":
                assert a.read(name) == b.read(name), f"{name} changed"
    da, db = word.open_document(src), word.open_document(out)
    body_a, body_b = list(da.element.body), list(db.element.body)
    assert len(body_a) == len(body_b)
    cells, regions = set(), set()
    for q in written.values():
        t = q.target
        if isinstance(t, BodyRegion):
            regions.update(range(t.start, t.end))
        else:
            cells.add((t.table, t.row, t.col))
            if t.comment_col is not None:
                cells.add((t.table, t.row, t.comment_col))
    compared = 0
    ti = 0
    for i, (ea, eb) in enumerate(zip(body_a, body_b)):
        if ea.tag == qn("w:tbl"):
            ti += 1
            compared += _compare_table(ti, ea, eb, cells)
        elif i not in regions:
            assert _tostring(ea) == _tostring(eb), f"body element {i} changed"
            compared += 1
    return compared


def _compare_table(ti, ta, tb, cells) -> int:
    n = 0
    for child_a, child_b in zip(ta, tb):
        if child_a.tag != qn("w:tr"):
            assert _tostring(child_a) == _tostring(child_b)
    rows_a, rows_b = ta.findall(qn("w:tr")), tb.findall(qn("w:tr"))
    assert len(rows_a) == len(rows_b)
    for ri, (ra, rb) in enumerate(zip(rows_a, rows_b), 1):
        ga, gb = grid(ra), grid(rb)
        assert [(s, sp) for s, sp, _ in ga] == [(s, sp) for s, sp, _ in gb]
        for (start, _sp, ca), (_s, _sp2, cb) in zip(ga, gb):
            if (ti, ri, start) not in cells:
                assert _tostring(ca) == _tostring(cb), f"table {ti} row {ri} col {start} changed"
                n += 1
    return n


@pytest.mark.parametrize("name", sorted(lc.DOCX_MAKERS))
def test_docx_layouts(name, tmp_path):
    src, out, exp, result = _fill(lc.DOCX_MAKERS[name], name, tmp_path)
    _check_found_and_kept(exp, result)
    written = _written_slots(src, result)
    assert _assert_docx_only_slots_changed(src, out, written) > 0
    doc_in, doc_out = word.open_document(src), word.open_document(out)
    by = {it.location: it for it in result.items}
    ticks = 0
    for loc, q in written.items():
        it = by[loc]
        if it.answer is None:
            continue
        if q.target.choice and not docx_slots.boxes(word.slot_elements(doc_in, q.target)):  # legacy dropdown
            assert docx_slots.read(word.slot_elements(doc_in, q.target)) == ""
            assert docx_slots.read(word.slot_elements(doc_out, q.target)) == it.answer
            ticks += 1
        elif q.target.choice:
            before = docx_slots.boxes(word.slot_elements(doc_in, q.target))
            after = docx_slots.boxes(word.slot_elements(doc_out, q.target))
            assert [b.label for b in before] == [b.label for b in after]  # no text added
            flipped = [b.label for b, c in zip(before, after) if b.checked != c.checked]
            assert flipped == [it.answer] and all(c.checked for b, c in zip(before, after) if b.label == it.answer)
            ticks += 1
        else:
            assert it.answer in word.read_answer(doc_out, q)
            old = word.read_answer(doc_in, q)
            kept = old.replace("Click or tap here to enter text.", "").strip()
            if docx_slots.is_prompt(kept) and not docx_slots.LABEL_ONLY.fullmatch(kept):
                kept = ""  # "Yes / No" to delete as appropriate is replaced
            assert kept in word.read_answer(doc_out, q)  # labels ("Answer:") kept
    if name in ("numbered_paragraphs.docx", "checkbox_table.docx"):
        assert ticks >= 2


def test_one_table_per_question_size_and_labels(tmp_path):
    src, out, exp, result = _fill(lc.make_one_table_per_question, "big.docx", tmp_path)
    assert len(exp.questions) == 110 and len(result.items) == 110
    doc = word.open_document(out)
    answered = [it for it in result.items if it.answer is not None]
    labelled = 0
    for it in answered:
        table = int(it.location.split(",")[0].split()[1])
        text = doc.tables[table - 1].rows[1].cells[0].text
        assert text.endswith(it.answer.split("\n")[-1]) and "[Describe" not in text  # guidance replaced
        labelled += text.startswith(("Answer: ", "Response: "))
    assert labelled > 20


def test_checkbox_ticks_each_kind(tmp_path):
    src, out, exp, result = _fill(lc.make_numbered_paragraphs, "n.docx", tmp_path)
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    before = zipfile.ZipFile(src).read("word/document.xml").decode()
    assert xml.count("☒") > before.count("☒")  # Unicode box or w14 control symbol ticked
    assert xml.count('w14:checked w14:val="1"') + xml.count("<w:checked/>") > before.count("<w:checked/>")


def test_vsaq_definition_is_refused(tmp_path):
    from typer.testing import CliRunner

    from questionnaire.cli import app

    src = tmp_path / "vsaq.json"
    src.write_text('// c\n{"questionnaire": [{"type": "block", "items": [{"type": "radiogroup", "id": "a"},'
                   '{"type": "line", "id": "b"}]}]}')
    r = CliRunner().invoke(app, ["fill", str(src), "-o", str(tmp_path / "o.xlsx"), "--profile",
                                 str(Path(__file__).resolve().parents[1] / "evidence/examples/acme/profile.yaml")])
    assert r.exit_code == 2
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "VSAQ questionnaire definition (2 questions)" in lines[0]


class AlwaysYes:
    def match(self, text, question_id=None, context=None):
        return Match("yes", 0.95, "test")


@pytest.mark.parametrize("maker", [lc.make_numbered_paragraphs, lc.make_checkbox_table])
def test_every_choice_kind_takes_a_yes(maker, tmp_path):
    src = tmp_path / "c.docx"
    exp = maker(src)
    out = tmp_path / "o.docx"
    result = fill(src, out, answers=ANSWERS, matcher=AlwaysYes())
    by = {it.location: it for it in result.items}
    doc = word.open_document(out)
    kinds = set()
    for q in word.DocxFile(src).questions():
        if not q.target.choice or q.text in exp.prefilled:
            continue
        els = word.slot_elements(doc, q.target)
        assert by[q.location].answer == "Yes" and docx_slots.read(els) == "Yes", q.location
        kinds |= {b.kind for b in docx_slots.boxes(els)} or {"dropdown"}
    expected = {"char", "sdt", "field"} | ({"dropdown"} if maker is lc.make_numbered_paragraphs else {"sym"})
    assert kinds == expected


def test_console_says_what_was_found_and_skipped(tmp_path):
    from typer.testing import CliRunner

    from questionnaire.cli import app

    src = tmp_path / "n.docx"
    lc.make_numbered_paragraphs(src)
    profile = Path(__file__).resolve().parents[1] / "evidence/examples/acme/profile.yaml"
    r = CliRunner().invoke(app, ["fill", str(src), "-o", str(tmp_path / "o.docx"), "--profile", str(profile),
                                 "--report", str(tmp_path / "r.json")])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith(f"{src}: 13 questions found")
    assert "  numbered paragraphs: 11 found (question paragraph + answer space below); skipped: 1 numbered " \
           "question followed by one empty line only (not clearly an answer space)" in lines
    assert any("table 3: 0 found; skipped: an empty table of 4 cells after a question" in line for line in lines)
    import json

    report = json.loads((tmp_path / "r.json").read_text())
    assert [d["found"] for d in report["detection"]] == [2, 0, 11]
