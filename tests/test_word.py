from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from questionnaire.documents import docx_xml, word
from questionnaire.fill import fill
from tests.fixtures_docs import KeywordMatcher, fake_answers, make_tricky_docx


@pytest.fixture(scope="module")
def tricky(tmp_path_factory) -> Path:
    return make_tricky_docx(tmp_path_factory.mktemp("docx") / "tricky.docx")


@pytest.fixture(scope="module")
def filled(tricky, tmp_path_factory):
    out = tmp_path_factory.mktemp("docxout") / "filled.docx"
    return out, fill(tricky, out, answers=fake_answers(), matcher=KeywordMatcher())


def test_detects_header_tables_pairs_and_below(tricky):
    qs = word.detect_questions(word.open_document(tricky))
    assert [q.location for q in qs] == [
        "table 1, row 2", "table 1, row 4", "table 1, row 5", "table 1, row 6",  # row 3 is a merged section row
        "table 2, row 1",  # question | empty cell; 'Company name: | ACME' is filled
        "table 3, row 2",  # answer cell below the question
    ]
    assert qs[0].target.comment_col == 2 and qs[0].comment_location == "table 1, row 2, column 3" and qs[0].existing is None  # a content-control placeholder is not an answer
    assert qs[1].section == "Data handling"


def test_fill_writes_runs_and_keeps_the_rest(tricky, filled):
    out, result = filled
    by = {it.location: it for it in result.items}
    assert by["table 1, row 2"].answer == "Yes" and by["table 1, row 2"].status == "answered"
    assert by["table 1, row 5"].answer is None and by["table 1, row 5"].status == "unanswered"
    doc = word.open_document(out)
    t1 = doc.tables[0]._tbl
    rows = t1.findall(docx_xml.qn("w:tr"))
    cell = lambda r, c: docx_xml.cell_at(docx_xml.grid(rows[r]), c)
    # content control kept, placeholder flag removed, text inside it
    sdt = cell(1, 1).find(".//" + docx_xml.qn("w:sdt"))
    assert sdt is not None and sdt.find(".//" + docx_xml.qn("w:showingPlcHdr")) is None
    assert sdt.find(".//" + docx_xml.qn("w:alias")).get(docx_xml.qn("w:val")) == "Answer"
    assert docx_xml.tc_text(cell(1, 1)) == "Yes"
    assert docx_xml.tc_text(cell(1, 2)).startswith("Yes. Every model invocation is logged")
    # the styled run's formatting is carried to the written text
    p = doc.tables[0].rows[3].cells[1].paragraphs[0]
    assert p.runs[-1].text == "No" and p.runs[-1].bold and p.runs[-1].font.size.pt == 14
    assert docx_xml.tc_text(cell(4, 1)) == ""  # abstained: left empty
    assert docx_xml.tc_text(cell(5, 1)).startswith("=Logs are kept")  # plain text, control character stripped
    assert "\x07" not in docx_xml.tc_text(cell(5, 1))
    assert doc.tables[2].rows[1].cells[0].text == "The assistant drafts replies.\nA person approves each one."
    assert doc.tables[1].rows[1].cells[1].text == "ACME"
    assert doc.tables[3].rows[0].cells[1].text == "1.0"
    assert doc.sections[0].header.paragraphs[0].text == "CONFIDENTIAL - ACME"
    assert [p.text for p in doc.paragraphs][:2] == ["Supplier AI questionnaire", "Please complete every table below."]
    assert doc.tables[0].style.name == "Table Grid"
    # the header's bold run is untouched
    assert doc.tables[0].rows[0].cells[0].paragraphs[0].runs[0].bold


def test_other_parts_identical(tricky, filled):
    out, _ = filled
    with zipfile.ZipFile(tricky) as a, zipfile.ZipFile(out) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in ("word/styles.xml", "word/numbering.xml", "word/settings.xml", "word/fontTable.xml"):
            if name in a.namelist():
                assert a.read(name) == b.read(name), name


def test_title_row_above_header_and_question_rows_are_not_headers(tmp_path):
    from docx import Document

    doc = Document()
    t = doc.add_table(rows=4, cols=2)
    t.rows[0].cells[0].merge(t.rows[0].cells[1]).paragraphs[0].add_run("Section A: AI use")
    t.rows[1].cells[0].text, t.rows[1].cells[1].text = "Question", "Supplier Response"
    t.rows[2].cells[0].text = "What is your incident response process?"
    t.rows[3].cells[0].text = "Are all AI model invocations logged?"
    p = tmp_path / "t.docx"
    doc.save(p)
    qs = word.detect_questions(word.open_document(p))
    assert [q.location for q in qs] == ["table 1, row 3", "table 1, row 4"]
    # a first row that merely mentions 'response' in a question is not taken for a header
    doc = Document()
    t = doc.add_table(rows=2, cols=2)
    t.rows[0].cells[0].text = "Describe the incident response for AI misuse:"
    t.rows[1].cells[0].text = "Are all AI model invocations logged?"
    doc.save(p)
    qs = word.detect_questions(word.open_document(p))
    assert [q.location for q in qs] == ["table 1, row 1", "table 1, row 2"]


def test_header_table_with_merged_rows_keeps_its_columns(tmp_path):
    """Two merged rows in a row inside a question | answer table are sections, not a question + answer box."""
    from docx import Document

    doc = Document()
    t = doc.add_table(rows=5, cols=2)
    t.rows[0].cells[0].text, t.rows[0].cells[1].text = "Question", "Answer"
    t.rows[1].cells[0].merge(t.rows[1].cells[1]).text = "Does the product include AI features?"
    t.rows[2].cells[0].merge(t.rows[2].cells[1]).text = "If so, answer the questions below:"
    t.rows[3].cells[0].text = "Is customer data used to train the models?"
    t.rows[4].cells[0].text = "Are prompts logged?"
    p = tmp_path / "m.docx"
    doc.save(p)
    qs, notes = word.detect_document(word.open_document(p))
    assert [q.location for q in qs] == ["table 1, row 4", "table 1, row 5"]
    assert qs[0].section == "If so, answer the questions below:"
    assert notes[0].layout == "question | answer header"


# --------------------------------------------------------------------------- the package fill writes (DocxPackage)


def test_fill_changes_only_the_main_part_and_python_docx_reads_it(tricky, filled):
    """The main document part is the only one rewritten; every other part is copied byte for byte, in order."""
    out, _result = filled
    with zipfile.ZipFile(tricky) as a, zipfile.ZipFile(out) as b:
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
        assert changed == ["word/document.xml"]
        assert b.read("word/document.xml").startswith(b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>")
    assert word.open_document(out).tables[1].rows[1].cells[1].text == "ACME"  # python-docx opens the result


def test_clark_names_are_python_docx_s(tricky):
    from docx.oxml.ns import qn as docx_qn

    for tag in ("w:tc", "w:sdtContent", "w:gridSpan", "w:val", "w:showingPlcHdr"):
        assert docx_xml.qn(tag) == docx_qn(tag)


def _rewrite(src: Path, dst: Path, name: str, edit) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, edit(data) if info.filename == name else data)
    return dst


def test_a_template_or_macro_document_is_refused_like_python_docx_refuses_it(tricky, tmp_path):
    from questionnaire.errors import InputFileError

    template = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
    p = _rewrite(tricky, tmp_path / "t.docx", "[Content_Types].xml",
                 lambda d: d.replace(docx_xml.WML_MAIN.encode(), template.encode()))
    with pytest.raises(InputFileError, match="cannot open as a Word document .*template"):
        word.DocxFile(p)
    with pytest.raises(InputFileError, match="cannot open as a Word document \\(ValueError\\)"):
        word.open_document(p)  # python-docx refuses the same file (its "not a Word file" ValueError)


def test_a_main_part_declaring_entities_is_refused(tricky, tmp_path):
    from questionnaire.errors import InputFileError

    def bomb(data: bytes) -> bytes:
        head, rest = data.split(b"?>", 1)
        return head + b'?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' + rest

    p = _rewrite(tricky, tmp_path / "bomb.docx", "word/document.xml", bomb)
    with pytest.raises(InputFileError, match="declares a DTD/entities"):
        word.DocxFile(p)


def test_a_broken_main_part_is_one_clear_error(tricky, tmp_path):
    from questionnaire.errors import InputFileError

    p = _rewrite(tricky, tmp_path / "broken.docx", "word/document.xml", lambda d: d[: len(d) // 2])
    with pytest.raises(InputFileError, match="cannot open as a Word document \\(XMLSyntaxError\\)"):
        word.DocxFile(p)


def test_a_copied_part_that_does_not_read_back_fails_the_fill_check(filled, tmp_path):
    from questionnaire.errors import OutputError

    out, _result = filled
    data = bytearray(out.read_bytes())
    with zipfile.ZipFile(out) as zf:
        info = zf.getinfo("word/styles.xml")
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5] ^= 0xFF
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(bytes(data))
    adapter = word.DocxFile(out)
    adapter._plan = []
    adapter.verify(out)  # intact
    with pytest.raises(OutputError, match="does not reopen cleanly"):
        adapter.verify(damaged)
