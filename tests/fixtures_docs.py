"""Hand-made tricky questionnaires (built in code) and the package-comparison proof used by the fill tests."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

from questionnaire.documents import excel
from questionnaire.matching import Match

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "shared" / "questionnaires"

X14_EXT = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>Lists!$B$1:$B$3</xm:f></x14:formula1><xm:sqref>B2:B10</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext></extLst>"
)


# --------------------------------------------------------------------------- fake matcher / answers


class KeywordMatcher:
    """Deterministic stand-in for matching.Matcher: keyword -> catalog id, else abstain."""

    RULES = [
        ("logged", "logging"),
        ("logging", "logging"),
        ("retain", "retention"),
        ("retention", "retention"),
        ("train", "training"),
        ("on-premises", "onprem"),
        ("describe", "describe"),
    ]

    def match(self, text, question_id=None, context=None):
        low = text.lower()
        for kw, cid in self.RULES:
            if kw in low:
                return Match(cid, 0.9, f"keyword {kw}")
        return Match(None, 0.1, "no keyword")


def fake_answers(needs_review_ids=()):
    def a(id_, kind, value, text, status="verified"):
        return SimpleNamespace(
            id=id_, kind=kind, value=value, text=text, status=status,
            needs_review=id_ in needs_review_ids, evidence=[f"check.{id_}:prod:eu-west-1"], checks=[],
        )

    return [
        a("logging", "yes_no", "Yes", "Yes. Every model invocation is logged to CloudWatch Logs, encrypted with KMS."),
        a("retention", "text", None, "=Logs are kept for 365 days; +older logs are deleted.\x07"),
        a("training", "yes_no", "No", "No. Customer data is never used to train models."),
        a("onprem", "yes_no", None, "Not applicable: the service runs only in AWS.", status="not_applicable"),
        a("describe", "text", None, "The assistant drafts replies.\nA person approves each one."),
    ]


# --------------------------------------------------------------------------- tricky workbook


def make_tricky_workbook(path: Path) -> Path:
    """Header on row 7, two layouts on two sheets, a third sheet with an x14 dropdown, section rows,
    a cross-sheet named-range dropdown, a protected sheet, a formula column, a hidden sheet,
    a hidden row, a repeated header, a merged answer cell and a sheet without questions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover["A1"] = "Vendor security questionnaire"
    cover["A2"] = "Please answer every question on the following tabs and return the file."

    sec = wb.create_sheet("Security")
    sec["A1"] = "ACME Corp - Supplier Security Review"
    sec["A3"] = "Instructions: answer in column C, explain in column D."
    sec["A5"] = "Version 2.1"
    for col, name in zip("ABCDE", ["Ref", "Question", "Vendor Response", "Supporting details", "Length"]):
        sec[f"{col}7"] = name
        sec[f"{col}7"].font = Font(bold=True)
    rows = [
        ("section", "Logging and monitoring"),
        ("SEC-1", "Are all AI model invocations logged centrally?"),
        ("SEC-2", "How long do you retain the AI invocation logs?"),
        ("hidden", "Are hidden rows logged somewhere too?"),
        ("SEC-3", "Do you perform background checks on all employees?"),
        ("section", "Data use"),
        ("header", None),
        ("SEC-4", "Is customer data used to train the models?"),
        ("SEC-5", "Is the on-premises deployment logged separately?"),
        ("SEC-6", "Do you use logging for locked cells too?"),
    ]
    unlocked = Protection(locked=False)
    fill = PatternFill("solid", fgColor="FFFFCC")
    r = 8
    for kind, text in rows:
        if kind == "section":
            sec[f"A{r}"] = text
            sec.merge_cells(f"A{r}:D{r}")
        elif kind == "header":
            for col, name in zip("ABCD", ["Ref", "Question", "Vendor Response", "Supporting details"]):
                sec[f"{col}{r}"] = name
        else:
            sec[f"A{r}"] = kind if kind != "hidden" else "SEC-H"
            sec[f"B{r}"] = text
            sec[f"E{r}"] = f"=LEN(B{r})"
            for col in "CD":
                sec[f"{col}{r}"].fill = fill
                if kind != "SEC-6":
                    sec[f"{col}{r}"].protection = unlocked
            if kind == "hidden":
                sec.row_dimensions[r].hidden = True
        r += 1
    dv = DataValidation(type="list", formula1="YesNoList", allow_blank=True)
    dv.add("C9:C20")
    sec.add_data_validation(dv)
    sec.protection.sheet = True
    sec.protection.password = "secret"

    ven = wb.create_sheet("Vendor")
    ven["A1"] = "Third-party assessment"
    for col, name in zip("ABC", ["Requirement", "Yes/No/NA", "Comments"]):
        ven[f"{col}3"] = name
    ven["A4"] = "Describe how your AI assistant is used in the product."
    ven["A5"] = "Confirm that AI invocation logging is enabled in every region."
    ven["A6"] = "Confirm that the on-premises appliance has been hardened."
    ven["B6"] = "Yes"  # already answered: must stay
    ven["A7"] = "State whether staff train on customer data in any way."
    ven.merge_cells("B7:C7")
    dv2 = DataValidation(type="list", formula1='"Yes,No,N/A"', allow_blank=True)
    dv2.add("B5:B7")
    ven.add_data_validation(dv2)

    ai = wb.create_sheet("AI")
    ai["A1"] = "Question"
    ai["B1"] = "Answer"
    ai["C1"] = "Comments"
    ai["A2"] = "Is every AI request logged with its prompt metadata?"
    ai["A3"] = "Are models trained on customer prompts?"
    ai["A4"] = "Do you hold cyber insurance cover of at least 5M?"

    lists = wb.create_sheet("Lists")
    for i, v in enumerate(["YES", "NO", "Not applicable"], 1):
        lists[f"A{i}"] = v
    for i, v in enumerate(["Yes - fully", "Partially", "No - not at all"], 1):
        lists[f"B{i}"] = v
    lists.sheet_state = "hidden"
    hidden_q = wb.create_sheet("Internal")
    hidden_q["A1"] = "Question"
    hidden_q["B1"] = "Answer"
    hidden_q["A2"] = "Are all AI model invocations logged in the hidden sheet?"
    hidden_q.sheet_state = "hidden"
    wb.defined_names["YesNoList"] = DefinedName("YesNoList", attr_text="Lists!$A$1:$A$3")
    wb.save(path)
    _inject_x14(path, sheet_index=4)
    return path


def _inject_x14(path: Path, sheet_index: int) -> None:
    part = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as zin:
        items = [(i, zin.read(i)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename == part:
                text = data.decode("utf-8")
                assert "extLst" not in text
                data = text.replace("</worksheet>", X14_EXT + "</worksheet>").encode("utf-8")
            zout.writestr(info, data)


# --------------------------------------------------------------------------- tricky docx


def make_tricky_docx(path: Path) -> Path:
    """Paragraphs, a styled header table, a section row, a content control in an answer cell, a 2-column
    question/answer table without header, a question with the answer cell below, and a non-question table."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    doc = Document()
    doc.add_heading("Supplier AI questionnaire", level=1)
    doc.add_paragraph("Please complete every table below.")
    doc.sections[0].header.paragraphs[0].text = "CONFIDENTIAL - ACME"

    t1 = doc.add_table(rows=1, cols=3)
    t1.style = "Table Grid"
    for cell, name in zip(t1.rows[0].cells, ["Question", "Response", "Comments"]):
        cell.paragraphs[0].add_run(name).bold = True
    for q in [
        "Are all AI model invocations logged centrally?",
        None,
        "Is customer data used to train the models?",
        "Do you perform background checks on employees?",
        "How long do you retain the AI logs?",
    ]:
        row = t1.add_row()
        if q is None:
            merged = row.cells[0].merge(row.cells[2])
            merged.paragraphs[0].add_run("Data handling")
            continue
        row.cells[0].paragraphs[0].add_run(q)
    # a content control (plain text sdt with placeholder) in the answer cell of row 2
    ans = t1.rows[1].cells[1]
    sdt = parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr><w:alias w:val="Answer"/><w:showingPlcHdr/><w:text/></w:sdtPr>'
        '<w:sdtContent><w:r><w:rPr><w:i/></w:rPr><w:t>Click to enter text</w:t></w:r></w:sdtContent></w:sdt>'
    )
    ans.paragraphs[0]._p.append(sdt)
    # a styled (bold, 14 pt) empty run in the answer cell of the 'train' row
    r = t1.rows[3].cells[1].paragraphs[0].add_run("")
    r.bold = True
    r.font.size = Pt(14)

    doc.add_paragraph("Other information")
    t2 = doc.add_table(rows=2, cols=2)
    t2.rows[0].cells[0].paragraphs[0].add_run("Is the on-premises deployment logged?")
    t2.rows[1].cells[0].paragraphs[0].add_run("Company name:")
    t2.rows[1].cells[1].paragraphs[0].add_run("ACME")

    t3 = doc.add_table(rows=2, cols=1)
    t3.rows[0].cells[0].paragraphs[0].add_run("Describe how your AI assistant is used in the product?")

    t4 = doc.add_table(rows=2, cols=2)
    t4.rows[0].cells[0].text = "Version"
    t4.rows[0].cells[1].text = "1.0"
    doc.add_paragraph("End of questionnaire.")
    doc.save(path)
    return path


# --------------------------------------------------------------------------- the preservation proof

_SHEETDATA = re.compile(r"<((?:[\w.-]+:)?)sheetData\b(?:[^>]*?/>|[^>]*>.*?</\1sheetData>)", re.S)
_CELLXFS = re.compile(r"<((?:[\w.-]+:)?)cellXfs\b[^>]*>(.*?)</\1cellXfs>", re.S)


def split_location(loc: str) -> tuple[str, str]:
    sheet, ref = loc.rsplit("!", 1)
    if sheet.startswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref


def written_cells(report: dict) -> dict[str, dict[str, str]]:
    """sheet -> {ref: text} of every cell the report says was written."""
    out: dict[str, dict[str, str]] = {}
    for it in report["items"]:
        if it["answer"] is not None:
            s, ref = split_location(it["location"])
            out.setdefault(s, {})[ref] = it["answer"]
        if it.get("comment") is not None and it.get("comment_location"):
            s, ref = split_location(it["comment_location"])
            out.setdefault(s, {})[ref] = it["comment"]
    return out


def assert_only_cells_changed(src: Path, dst: Path, written: dict[str, dict[str, str]]) -> dict[str, int]:
    """Every package part identical except the written cells (and appended cellXfs entries)."""
    stats = {"parts": 0, "identical": 0, "sheets_changed": 0, "cells_checked": 0}
    with excel.Workbook(src) as a, excel.Workbook(dst) as b:
        za, zb = a._zip, b._zip
        assert za.namelist() == zb.namelist(), "package parts added/removed/reordered"
        part_of = {s.part: s.name for s in a.sheets}
        for name in za.namelist():
            stats["parts"] += 1
            da, db = za.read(name), zb.read(name)
            if da == db:
                stats["identical"] += 1
                continue
            if name in part_of:
                sheet = part_of[name]
                assert sheet in written, f"{name} ({sheet}) changed but nothing was written there"
                ta, tb = da.decode("utf-8"), db.decode("utf-8")
                assert _SHEETDATA.sub("", ta) == _SHEETDATA.sub("", tb), f"{name}: content outside sheetData changed"
                sa, sb = a.scan(a.sheet(sheet)), b.scan(b.sheet(sheet))
                refs = {excel.parse_ref(r) for r in written[sheet]}
                assert sa.hidden_rows == sb.hidden_rows and sa.row_styles == sb.row_styles
                for key in set(sa.cells) | set(sb.cells):
                    if key in refs:
                        continue
                    assert sa.cells.get(key) == sb.cells.get(key), f"{sheet}!{excel.idx_to_col(key[1])}{key[0]} changed"
                    stats["cells_checked"] += 1
                for ref, text in written[sheet].items():
                    cell = sb.cells[excel.parse_ref(ref)]
                    assert cell.value == text and not cell.formula, f"{sheet}!{ref}: {cell.value!r} != {text!r}"
                    old = sa.cells.get(excel.parse_ref(ref))
                    if old is not None:
                        # same style, or a wrap-text clone of it
                        assert cell.style == old.style or (b.xf(cell.style).wrap and cell.style >= len(a.xfs))
                stats["sheets_changed"] += 1
            elif name == a.styles_part():
                ta, tb = da.decode("utf-8"), db.decode("utf-8")
                assert _CELLXFS.sub("", ta) == _CELLXFS.sub("", tb), "styles.xml changed outside cellXfs"
                xa, xb = _CELLXFS.search(ta).group(2), _CELLXFS.search(tb).group(2)
                assert xb.startswith(xa), "existing cellXfs entries changed"
                assert all(x.wrap for x in b.xfs[len(a.xfs):])
            else:
                raise AssertionError(f"{name} changed")
    return stats
