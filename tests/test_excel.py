from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from questionnaire.documents import excel
from questionnaire.documents.excel import CellWrite, Overrides, Workbook, detect_questions, pick_option
from questionnaire.errors import UserInputError
from questionnaire.fill import fill
from tests.fixtures_docs import (
    KeywordMatcher,
    assert_only_cells_changed,
    fake_answers,
    make_tricky_workbook,
    written_cells,
)


@pytest.fixture(scope="module")
def tricky(tmp_path_factory) -> Path:
    return make_tricky_workbook(tmp_path_factory.mktemp("xl") / "tricky.xlsx")


@pytest.fixture(scope="module")
def filled(tricky, tmp_path_factory):
    out = tmp_path_factory.mktemp("xlout") / "filled.xlsx"
    result = fill(tricky, out, answers=fake_answers(), matcher=KeywordMatcher(), source="bundle")
    return out, result


def _by_loc(result):
    return {it.location: it for it in result.items}


def test_header_roles():
    assert excel.header_role("Vendor Response") == "answer"
    assert excel.header_role("Supplier Response") == "answer"
    assert excel.header_role("Yes/No/NA") == "answer"
    assert excel.header_role("CSP CAIQ Answer") == "answer"
    assert excel.header_role("Supporting details") == "comment"
    assert excel.header_role("Additional Information") == "comment"
    assert excel.header_role("Evidence") == "comment"
    assert excel.header_role("Analyst Notes") is None
    assert excel.header_role("Guidance") is None
    assert excel.header_role("Question") == "question"
    assert excel.header_role("Question ID") == "id"
    assert excel.header_role("CSC Responsibilities (Optional/Recommended)") is None


def test_pick_option_maps_to_exact_spelling():
    assert pick_option("Yes", ["YES", "NO"]) == "YES"
    assert pick_option("No", ["Yes - fully", "Partially", "No - not at all"]) == "No - not at all"
    assert pick_option("N/A", ["Yes", "No", "Not applicable"]) == "Not applicable"
    assert pick_option("N/A", ["Yes", "No", "NA"]) == "NA"
    assert pick_option("N/A", ["Yes", "No"]) is None
    # several 'Yes, ...' levels: ambiguous, so nothing is guessed
    assert pick_option("Yes", ["No", "Yes, some", "Yes, most"]) is None
    assert pick_option("No", ["Not applicable", "Yes"]) is None
    assert pick_option("Yes", None) == "Yes"


def test_detects_layouts_sections_and_skips_hidden(tricky):
    with Workbook(tricky) as wb:
        qs = detect_questions(wb)
    locs = [q.location for q in qs]
    # header on row 7, section rows 8/13, repeated header 14, hidden row 11 skipped, hidden sheets skipped
    assert locs[:6] == ["Security!C9", "Security!C10", "Security!C12", "Security!C15", "Security!C16", "Security!C17"]
    assert ["Vendor!B4", "Vendor!B5", "Vendor!B6", "Vendor!B7"] == locs[6:10]
    assert locs[10:] == ["AI!B2", "AI!B3", "AI!B4"]
    by = {q.location: q for q in qs}
    assert by["Security!C9"].question_id == "SEC-1" and by["Security!C9"].comment_location == "Security!D9"
    assert by["Security!C9"].options == ["YES", "NO", "Not applicable"]  # named range on a hidden sheet
    assert by["Security!C15"].section == "Data use"
    assert not by["Security!C17"].writable  # locked cell on protected sheet
    assert by["Vendor!B5"].options == ["Yes", "No", "N/A"]
    assert by["Vendor!B6"].existing == "Yes"
    assert by["Vendor!B7"].comment_location is None  # answer merged across the comment column
    assert by["AI!B2"].options == ["Yes - fully", "Partially", "No - not at all"]  # x14 extension validation


def test_fill_writes_expected_cells(filled):
    out, result = filled
    by = _by_loc(result)
    assert by["Security!C9"].status == "answered" and by["Security!C9"].answer == "YES"
    assert by["Security!C12"].status == "unanswered" and by["Security!C12"].answer is None  # abstained
    assert by["Security!C15"].answer == "NO"
    assert by["Security!C17"].status == "unanswered"
    assert by["Vendor!B6"].status == "unanswered" and by["Vendor!B6"].kept
    assert by["Vendor!B7"].answer == "No"
    assert by["AI!B2"].answer == "Yes - fully" and by["AI!B3"].answer == "No - not at all"
    assert by["AI!B4"].answer is None
    from openpyxl import load_workbook

    wb = load_workbook(out)
    sec, ven, ai = wb["Security"], wb["Vendor"], wb["AI"]
    assert sec["C9"].value == "YES"
    assert sec["D9"].value.startswith("Yes. Every model invocation is logged")
    assert sec["D9"].alignment.wrap_text is True
    assert sec["D9"].fill.fgColor.rgb == "00FFFFCC"  # fill kept through the wrap clone
    assert sec["C9"].protection.locked is False
    # a text answer does not fit the dropdown: it goes to the comment column, as text (no formula), control char gone
    assert sec["C10"].value is None
    assert sec["D10"].value == "=Logs are kept for 365 days; +older logs are deleted." and sec["D10"].data_type == "s"
    assert by["Security!C10"].status == "needs_review" and by["Security!C10"].answer is None
    assert sec["C12"].value is None and sec["D12"].value is None
    assert sec["C17"].value is None
    assert sec["E9"].value == "=LEN(B9)"  # formula column untouched
    assert sec.protection.sheet is True and sec.protection.password
    assert ven["B4"].value == "The assistant drafts replies.\nA person approves each one."
    assert ven["B6"].value == "Yes"
    assert ven["C5"].value.startswith("Yes. Every model invocation")
    assert "B7:C7" in {str(r) for r in ven.merged_cells.ranges}
    assert ai["B2"].value == "Yes - fully" and ai["C2"].value.startswith("Yes.")
    assert wb["Lists"].sheet_state == "hidden" and wb["Internal"].sheet_state == "hidden"
    assert wb["Internal"]["B2"].value is None
    assert "YesNoList" in wb.defined_names


def test_fill_preserves_every_other_part(tricky, filled):
    out, result = filled
    stats = assert_only_cells_changed(tricky, out, written_cells(result.report()))
    assert stats["sheets_changed"] == 3
    with zipfile.ZipFile(out) as z:
        ai_xml = z.read("xl/worksheets/sheet4.xml").decode()
    assert "<x14:dataValidation " in ai_xml and "Lists!$B$1:$B$3" in ai_xml


def test_formula_like_answers_are_text(tricky, tmp_path):
    out = tmp_path / "o.xlsx"
    w = [CellWrite("Vendor", "B4", "=HYPERLINK(\"http://evil\")"), CellWrite("Vendor", "C4", "@SUM(A1)"),
         CellWrite("Vendor", "H40", "+1"), CellWrite("Vendor", "A2", "-2")]
    excel.write_cells(tricky, out, w)
    excel.verify_cells(out, w)
    from openpyxl import load_workbook

    ws = load_workbook(out)["Vendor"]
    assert ws["B4"].value == '=HYPERLINK("http://evil")' and ws["B4"].data_type == "s"
    assert ws["C4"].value == "@SUM(A1)" and ws["H40"].value == "+1" and ws["A2"].value == "-2"
    with Workbook(out) as wb:
        scan = wb.scan(wb.sheet("Vendor"))
        assert not any(c.formula for c in scan.cells.values())


def test_patch_sheet_xml_inserts_rows_and_cells_in_order():
    xml = (
        '<worksheet xmlns="x"><sheetData><row r="2" spans="1:2"><c r="A2" s="3"><v>1</v></c>'
        '<c r="C2" t="s"><v>0</v></c></row><row r="5"/></sheetData><mergeCells/></worksheet>'
    )
    out = excel.patch_sheet_xml(xml, {(2, 2): ("b", None), (2, 3): ("c", None), (1, 1): ("a", None),
                                      (5, 4): ("d", 7), (9, 1): ("z", None)})
    assert out.index('r="1"') < out.index('r="A2"') < out.index('r="B2"') < out.index('r="C2"')
    assert 'spans="1:3"' in out
    assert '<c r="D5" s="7" t="inlineStr">' in out
    assert out.index('r="D5"') < out.index('<row r="9">') < out.index("</sheetData>")
    assert out.endswith("<mergeCells/></worksheet>")
    empty = excel.patch_sheet_xml('<worksheet><sheetData/></worksheet>', {(3, 2): ("x&<y>", None)})
    assert "<sheetData><row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t xml:space=\"preserve\">x&amp;&lt;y&gt;</t>" in empty


def test_huge_dimension_is_not_iterated(tmp_path):
    """<dimension ref="A1:L1048576"> must not make detection walk a million rows."""
    from openpyxl import Workbook as OWb

    p = tmp_path / "dim.xlsx"
    wb = OWb()
    ws = wb.active
    ws["A1"], ws["B1"] = "Question", "Answer"
    ws["A2"] = "Are all AI model invocations logged?"
    wb.save(p)
    with zipfile.ZipFile(p) as zin:
        items = [(i, zin.read(i)) for i in zin.infolist()]
    with zipfile.ZipFile(p, "w") as zout:
        for info, data in items:
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:L1048576"/>')
                assert b"A1:L1048576" in data
            zout.writestr(info, data)
    with Workbook(p) as wb2:  # a declared 1M-row dimension is not walked (timing: benchmarks/detect_bench.py)
        qs = detect_questions(wb2)
    assert [q.location for q in qs] == ["Sheet!B2"]


def test_overrides(tricky):
    with Workbook(tricky) as wb:
        qs = detect_questions(wb, Overrides(sheet="Internal"))  # a hidden sheet, asked for by name
        assert [q.location for q in qs] == ["Internal!B2"]
        qs = detect_questions(wb, Overrides(sheet="Vendor", answer_col="C", header_row=3))
        assert {q.target.answer_ref for q in qs} == {"C4", "C5", "C6", "C7"}
        assert [q.writable for q in qs] == [True, True, True, False]  # C7 is inside the merge B7:C7
        with pytest.raises(UserInputError, match="not found"):
            detect_questions(wb, Overrides(sheet="Nope"))
        with pytest.raises(UserInputError, match="not a column"):
            detect_questions(wb, Overrides(sheet="Vendor", answer_col="C3"))
        with pytest.raises(UserInputError, match="--answer-col"):
            detect_questions(wb, Overrides(sheet="Cover", header_row=1))


def test_xlsm_vba_part_copied_byte_for_byte(tricky, tmp_path):
    src = tmp_path / "macro.xlsm"
    vba = bytes(range(256)) * 40
    with zipfile.ZipFile(tricky) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("xl/vbaProject.bin", vba)
    out = tmp_path / "macro-out.xlsm"
    result = fill(src, out, answers=fake_answers(), matcher=KeywordMatcher())
    assert any(it.answer for it in result.items)
    with zipfile.ZipFile(out) as z:
        assert z.read("xl/vbaProject.bin") == vba
    assert_only_cells_changed(src, out, written_cells(result.report()))


def test_patch_handles_prefixed_namespaces_and_cells_without_r():
    xml = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row r="2"><x:c s="4"><x:v>1</x:v></x:c><x:c t="s" s="5"><x:v>0</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    out = excel.patch_sheet_xml(xml, {(2, 2): ("new", None), (2, 3): ("c", None)})
    assert '<x:c r="B2" s="5" t="inlineStr"><x:is><x:t xml:space="preserve">new</x:t></x:is></x:c>' in out
    assert out.index('r="B2"') < out.index('r="C2"')
    scan = excel.scan_sheet_xml(out.encode(), ["shared"])
    assert scan.value(2, 1) == "1" and scan.value(2, 2) == "new" and scan.value(2, 3) == "c"
    assert scan.cells[(2, 2)].style == 5


def test_written_part_check_catches_patcher_faults():
    from questionnaire.errors import OutputError

    good = ('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve">a &amp; b</t></is></c>'
            '</row></sheetData></worksheet>')
    excel.check_patched_part(good.encode(), {(1, 1): "a & b"}, "s")
    with pytest.raises(OutputError, match="failed"):
        excel.check_patched_part(good.encode(), {(1, 1): "other"}, "s")
    dup = good.replace("</row>", '<c r="A1"><v>1</v></c></row>')
    with pytest.raises(OutputError, match="repeated"):
        excel.check_patched_part(dup.encode(), {(1, 1): "a & b"}, "s")
    with pytest.raises(OutputError, match="well-formed"):
        excel.check_patched_part(good.replace("</is>", "").encode(), {(1, 1): "a & b"}, "s")
    formula = good.replace('t="inlineStr">', 't="inlineStr"><f>1+1</f>')
    with pytest.raises(OutputError, match="as text"):
        excel.check_patched_part(formula.encode(), {(1, 1): "a & b"}, "s")
    rows = good.replace('<row r="1">', '<row r="3"></row><row r="1">')
    with pytest.raises(OutputError, match="rows out of order"):
        excel.check_patched_part(rows.encode(), {(1, 1): "a & b"}, "s")


def test_row_and_cell_patterns_match_what_the_plain_lazy_patterns_match():
    """The unrolled row/cell patterns take exactly what ``(.*?)</\\1row>`` with re.S takes, on awkward XML."""
    import random
    import re

    from questionnaire.documents.ooxml import patch

    lazy_row = re.compile(r"<((?:[\w.-]+:)?)row\b([^>]*?)(/>|>(.*?)</\1row>)", re.S)
    lazy_cell = re.compile(r"<((?:[\w.-]+:)?)c\b([^>]*?)(/>|>(.*?)</\1c>)", re.S)
    pieces = ['<row r="1">', '<x:row r="2" spans="1:3">', "<row/>", '<row r="4"/>', "</row>", "</x:row>",
              '<c r="A1">', '<x:c r="B2" t="s">', "<c/>", "</c>", "</x:c>", "<v>1</v>", "<is><t>a &lt; b</t></is>",
              "<rowBreaks/>", "<cols/>", "text\nwith lines", "<", ">", "</ro", "w>", " ", "<f>A1&lt;2</f>"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 14)))
        assert [m.groups() for m in patch._ROW_RE.finditer(text)] == [m.groups() for m in lazy_row.finditer(text)], text
        assert [m.groups() for m in patch._CELL_RE.finditer(text)] == [m.groups() for m in lazy_cell.finditer(text)], text


def test_a_copied_part_that_does_not_read_back_fails_the_check(tricky, filled, tmp_path):
    """verify_cells decompresses every part of the written file: a damaged copy is caught, not shipped."""
    from questionnaire.documents.ooxml.patch import verify_cells
    from questionnaire.errors import OutputError

    out, result = filled
    writes = [CellWrite(it.location.split("!")[0], it.location.split("!")[1], it.answer)
              for it in result.items if it.answer is not None and "!" in it.location]
    verify_cells(out, writes)  # the file as written passes
    damaged = tmp_path / "damaged.xlsx"
    data = bytearray(out.read_bytes())
    with zipfile.ZipFile(out) as zf:
        info = zf.getinfo("docProps/app.xml")
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5  # inside the compressed bytes
    data[at] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(OutputError, match="does not read back|reopen"):
        verify_cells(damaged, writes)


def _with_calc_chain(src: Path, dst: Path, entries: str) -> None:
    """Add an xl/calcChain.xml (as Excel writes it) to an openpyxl-made package."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdCalc" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/>'
                                    b"</Relationships>")
            zout.writestr(info, data)
        zout.writestr("xl/calcChain.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain '
                      f'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{entries}</calcChain>')


@pytest.mark.parametrize("keep_other", [True, False])
def test_formula_default_answer_drops_its_calc_chain_entry(tmp_path, keep_other):
    from openpyxl import Workbook as OpenpyxlWorkbook, load_workbook

    wb = OpenpyxlWorkbook()
    ws = wb.active
    ws.title = "Q"
    ws.append(["Question", "Response", "Length"])
    ws.append(["Are all AI model invocations logged?", '=""', "=LEN(A2)" if keep_other else None])
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    src = tmp_path / "chain.xlsx"
    _with_calc_chain(plain, src, '<c r="B2" i="1"/>' + ('<c r="C2"/>' if keep_other else ""))
    with Workbook(src) as book:
        (q,) = detect_questions(book)
    assert q.location == "Q!B2" and q.writable and q.existing is None  # a constant formula default
    out = tmp_path / "out.xlsx"
    fill(src, out, answers=fake_answers(), matcher=KeywordMatcher())
    assert load_workbook(out)["Q"]["B2"].value.startswith("Yes")
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        changed = {n for n in a.namelist() if n not in b.namelist() or a.read(n) != b.read(n)}
        if keep_other:
            assert changed - {"xl/styles.xml"} == {"xl/worksheets/sheet1.xml", "xl/calcChain.xml"}
            assert b.read("xl/calcChain.xml").endswith(b'<calcChain xmlns="http://schemas.openxmlformats.org/'
                                                       b'spreadsheetml/2006/main"><c i="1" r="C2"/></calcChain>')
        else:
            assert "xl/calcChain.xml" not in b.namelist()
            assert b"calcChain" not in b.read("[Content_Types].xml") and b"calcChain" not in b.read(
                "xl/_rels/workbook.xml.rels")
