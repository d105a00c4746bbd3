"""A layout corpus made in code: questionnaires in the shapes real customers send (none copied).

Each maker writes a file and returns `Expected`: every question text the file holds (in
document order), the answers already in it (question text -> answer) and what must be skipped.
Shapes (issue 18): one table per question (~110), numbered paragraphs followed by an empty
table / empty paragraphs / a content control / a legacy form field / checkboxes (Unicode,
w14:checkbox, FORMCHECKBOX), a checkbox answer column; a 12-sheet checklist workbook (trailing-
space sheet names, 200+ merged ranges, repeated header rows, answer + explanation, half
answered, formula defaults), several blocks per sheet with other columns, a dropdown-only sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W14 = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'

TOPICS = [
    "Is customer data used to train or fine-tune the AI models",
    "Are prompts and completions logged for audit",
    "Is data sent to the AI provider encrypted in transit",
    "Does a person approve actions the AI agent takes on behalf of users",
    "Is personal data removed before prompts reach the model",
    "Are the AI features hosted in the European Economic Area",
    "Is there a documented process to report AI incidents",
    "Do you assess the impact of the system on affected people",
    "Are model outputs monitored for harmful content",
    "Can users opt out of automated decisions",
    "Is the training data provenance documented",
    "Are staff trained on responsible AI use",
]


def question(i: int) -> str:
    return f"{TOPICS[i % len(TOPICS)]} (item {i + 1})?"


@dataclass
class Expected:
    questions: list[str]
    prefilled: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # texts of questions that must NOT be found


# --------------------------------------------------------------------------- docx helpers


def _xml(s: str):
    from docx.oxml import parse_xml

    return parse_xml(s)


def _body_append(doc, el) -> None:
    body = doc.element.body
    body.insert(len(body) - 1, el)  # before sectPr


def _p(text: str = "", extra: str = "") -> str:
    run = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f"<w:p {W} {W14}>{run}{extra}</w:p>"


def _text_sdt(inline: bool = True) -> str:
    pr = '<w:sdtPr><w:alias w:val="Answer"/><w:showingPlcHdr/><w:text/></w:sdtPr>'
    run = '<w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>Click or tap here to enter text.</w:t></w:r>'
    if inline:
        return f"<w:sdt>{pr}<w:sdtContent>{run}</w:sdtContent></w:sdt>"
    return f"<w:sdt {W}>{pr}<w:sdtContent><w:p>{run}</w:p></w:sdtContent></w:sdt>"


def _form_text(value: str = "\u2002\u2002\u2002\u2002\u2002") -> str:
    return ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Text1"/><w:enabled/>'
            '<w:calcOnExit w:val="0"/><w:textInput/></w:ffData></w:fldChar></w:r>'
            '<w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t xml:space="preserve">{value}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _form_check(checked: bool = False) -> str:
    state = '<w:checked/>' if checked else ""
    return ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Check1"/><w:enabled/>'
            f'<w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/><w:default w:val="0"/>{state}</w:checkBox>'
            '</w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _form_dropdown(entries=("Select one", "Yes", "No", "N/A")) -> str:
    items = "".join(f'<w:listEntry w:val="{e}"/>' for e in entries)
    return ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Drop1"/><w:enabled/>'
            f'<w:calcOnExit w:val="0"/><w:ddList>{items}</w:ddList></w:ffData></w:fldChar></w:r>'
            '<w:r><w:instrText xml:space="preserve"> FORMDROPDOWN </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def _w14_check(checked: bool = False) -> str:
    sym = "☒" if checked else "☐"
    return (f'<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="{int(checked)}"/>'
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/><w14:uncheckedState w14:val="2610" '
            f'w14:font="MS Gothic"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>{sym}</w:t></w:r>'
            '</w:sdtContent></w:sdt>')


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


# --------------------------------------------------------------------------- docx makers


def make_one_table_per_question(path: Path, n: int = 110) -> Expected:
    """A government-style impact assessment: one small table per question, answer cell merged below."""
    from docx import Document

    doc = Document()
    doc.add_heading("Algorithmic Impact Assessment", 0)
    doc.add_paragraph("Answer every question in the box below it. Keep existing answers up to date.")
    ctrl = doc.add_table(rows=2, cols=2)
    ctrl.style = "Table Grid"
    ctrl.cell(0, 0).text, ctrl.cell(0, 1).text = "Version", "2.1"
    ctrl.cell(1, 0).text, ctrl.cell(1, 1).text = "Owner", "Digital Office"
    exp = Expected([])
    for i in range(n):
        if i % 20 == 0:
            doc.add_heading(f"Section {i // 20 + 1}", 1)
        t = doc.add_table(rows=2, cols=2)
        t.style = "Table Grid"
        text = question(i)
        if i % 3 == 0:
            t.cell(0, 0).merge(t.cell(0, 1)).text = f"{i + 1}. {text}"  # question alone, numbered inline
        else:
            t.cell(0, 0).text, t.cell(0, 1).text = f"{i + 1}", text
        a = t.cell(1, 0).merge(t.cell(1, 1))
        label = ("Answer:", "Response:", "")[i % 3]
        pre = f"We answered this already ({i + 1})." if i % 4 == 1 else ""
        a.text = f"{label} {pre}".strip() if (label or pre) else ""
        if i % 7 == 5 and not pre:
            a.text = "[Describe the measures in place, with dates]"  # bracketed guidance: replaced
        exp.questions.append(text)
        if pre:
            exp.prefilled[text] = pre
        doc.add_paragraph("")
    doc.save(path)
    return exp


def make_numbered_paragraphs(path: Path) -> Expected:
    """Numbered question paragraphs, each followed by a different answer space."""
    from docx import Document

    doc = Document()
    doc.add_heading("Supplier AI questionnaire", 1)
    doc.add_paragraph("1. Introduction")  # numbered but not a question
    exp = Expected([])
    k = 0

    def q(text: str) -> str:
        nonlocal k
        k += 1
        _body_append(doc, _xml(_p(f"{k}. {text}")))
        exp.questions.append(text)
        return text

    q("Describe how customer prompts are stored.")
    doc.add_table(rows=1, cols=1).style = "Table Grid"  # empty answer-box table
    q(question(14))  # guidance between the question and its answer box
    _body_append(doc, _xml(_p("Consider every model provider and every region involved.")))
    doc.add_table(rows=1, cols=1).style = "Table Grid"
    q(question(1))
    for _ in range(3):
        _body_append(doc, _xml(_p()))  # empty paragraph region
    q(question(2))
    _body_append(doc, _xml(_text_sdt(inline=False)))  # block content control
    q(question(3))
    _body_append(doc, _xml(_p("Answer: ", _form_text())))  # legacy text field
    q(question(4))
    _body_append(doc, _xml(_p("☐ Yes   ☐ No   ☐ N/A")))  # Unicode checkboxes
    q(question(5))
    _body_append(doc, _xml(_p("", _w14_check() + _run(" Yes  ") + _w14_check() + _run(" No"))))
    q(question(6))
    _body_append(doc, _xml(_p("", _form_check() + _run(" Yes ") + _form_check() + _run(" No"))))
    q(question(12))
    _body_append(doc, _xml(_p("Response: ", _form_dropdown())))  # legacy dropdown field
    k += 1
    _body_append(doc, _xml(_p(f"{k}. {question(13)}")))  # followed by an empty 2x2 table: unclear, skipped
    doc.add_table(rows=2, cols=2).style = "Table Grid"
    exp.skipped.append(question(13))
    t = q(question(7))  # pre-filled free text
    _body_append(doc, _xml(_p("Yes, every prompt is logged for 90 days.")))
    exp.prefilled[t] = "Yes, every prompt is logged for 90 days."
    t = q(question(8))  # pre-ticked
    _body_append(doc, _xml(_p("☐ Yes   ☒ No")))
    exp.prefilled[t] = "No"
    t = q(question(9))  # pre-filled form field
    _body_append(doc, _xml(_p("Response: ", _form_text("Only in the EU."))))
    exp.prefilled[t] = "Only in the EU."
    k += 1
    _body_append(doc, _xml(_p(f"{k}. {question(10)}")))  # one blank line only: not clearly an answer space
    exp.skipped.append(question(10))
    _body_append(doc, _xml(_p()))
    _body_append(doc, _xml(_p(f"{k + 1}. {question(11)}  ☐ Yes  ☐ No")))  # checkboxes on the question line
    exp.questions.append(question(11))
    doc.add_paragraph("End of questionnaire.")
    doc.save(path)
    return exp


def make_checkbox_table(path: Path) -> Expected:
    """Question | Yes/No (checkboxes in the cell) | Comments, some already ticked."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("Tick one box per row.")
    t = doc.add_table(rows=9, cols=3)
    t.style = "Table Grid"
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(0, 2).text = "Question", "Yes/No", "Comments"
    exp = Expected([])
    for i in range(1, 9):
        text = question(20 + i)
        t.cell(i, 0).text = text
        cell = t.cell(i, 1)._tc
        p = cell.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p")
        cell.remove(p)
        kind = i % 4
        ticked = i == 4
        if kind == 3:
            sym = '<w:r><w:sym w:font="Wingdings" w:char="F06F"/></w:r>'
            cell.append(_xml(_p("", sym + _run(" Yes  ") + sym + _run(" No"))))
        elif kind == 0:
            cell.append(_xml(_p(("☒" if ticked else "☐") + " Yes  ☐ No")))
        elif kind == 1:
            cell.append(_xml(_p("", _w14_check(ticked) + _run(" Yes ") + _w14_check() + _run(" No"))))
        else:
            cell.append(_xml(_p("", _form_check(ticked) + _run(" Yes ") + _form_check() + _run(" No"))))
        exp.questions.append(text)
        if ticked:
            exp.prefilled[text] = "Yes"
    doc.save(path)
    return exp


# --------------------------------------------------------------------------- xlsx makers

CHECK_HEADER = ["Item", "Control check", None, None, "Status", "Explanation", None]


def _yes_no(ws, ref: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1='"Yes,No,N/A"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add(ref)


def make_checklist_workbook(path: Path) -> Expected:
    """12 sheets (trailing spaces, two names differing only by a space), header repeated per block,
    the check merged across B:D, "Status" recognised only by its Yes/No dropdown, half answered."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    names = [f"{i + 1}. Process {i + 1} " for i in range(10)] + ["Review", "Review "]
    exp = Expected([])
    n = 0
    for si, name in enumerate(names):
        ws = wb.create_sheet(name)
        ws["A1"] = f"Process checklist: {name.strip()}"
        ws.merge_cells("A1:F1")
        ws["A1"].font = Font(bold=True)
        r = 3
        for block in range(2):
            ws.cell(r, 1, f"Block {block + 1}: stage {block + 1}")
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
            r += 1
            for c, v in enumerate(CHECK_HEADER, 1):
                if v:
                    ws.cell(r, c, v)
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
            ws.merge_cells(start_row=r, start_column=6, end_row=r, end_column=7)
            first = r + 1
            for k in range(4 if block == 0 else 5):
                r += 1
                text = question(n)
                ws.cell(r, 1, f"{si + 1}.{block + 1}.{k + 1}")
                ws.cell(r, 2, text)
                ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=4)
                ws.merge_cells(start_row=r, start_column=6, end_row=r, end_column=7)
                exp.questions.append(text)
                if n % 2 == 0:
                    ws.cell(r, 5, "Yes" if n % 4 == 0 else "No")
                    ws.cell(r, 6, "Checked at the last review.")
                    exp.prefilled[text] = ws.cell(r, 5).value
                n += 1
            _yes_no(ws, f"E{first}:E{r}")
            r += 2
    wb.save(path)
    return exp


def make_multi_block_workbook(path: Path) -> Expected:
    """Two blocks on one sheet with different columns, a Response column with formula defaults."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Assessment"
    ws.append(["Part A: model use"])
    ws.append(["Question", "Answer", "Comments"])
    exp = Expected([])
    for i in range(4):
        ws.append([question(40 + i), None, None])
        exp.questions.append(question(40 + i))
    ws["B4"] = "Yes"
    exp.prefilled[question(41)] = "Yes"
    ws.append([])
    ws.append(["Part B: operations"])
    ws.append(["Ref", "Requirement", None, "Response", "Evidence / notes"])
    start = ws.max_row + 1
    for i in range(5):
        r = start + i
        ws.cell(r, 1, f"B-{i + 1}")
        ws.cell(r, 2, question(50 + i))
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        exp.questions.append(question(50 + i))
    ws.cell(start, 4, '=""')  # a constant formula default: still an answer cell
    ws.cell(start + 1, 4, '="Please select"')
    ws.cell(start + 2, 4, "No")
    exp.prefilled[question(52)] = "No"
    ws.cell(start + 3, 4, "=IF(A1=\"\",\"\",\"Yes\")")  # computed: skipped, never written
    exp.questions.remove(question(53))
    exp.skipped.append(question(53))
    _yes_no(ws, f"D{start}:D{start + 4}")
    ws = wb.create_sheet("Process ")  # no dropdown: "Fulfilled" between an id and a remarks column
    ws.append(["No.", "Checkpoint", "Fulfilled", "Remarks"])
    for i in range(3):
        ws.append([f"{i + 1}", question(80 + i), "Yes" if i == 1 else None, None])
        exp.questions.append(question(80 + i))
    exp.prefilled[question(81)] = "Yes"
    wb.save(path)
    return exp


def make_dropdown_only_workbook(path: Path) -> Expected:
    """No header names an answer column: the Yes/No dropdown does."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Checks"
    ws["A1"] = "Tick each control"
    exp = Expected([])
    for i in range(6):
        ws.cell(3 + i, 1, question(60 + i))
        exp.questions.append(question(60 + i))
    ws["B5"] = "N/A"
    exp.prefilled[question(62)] = "N/A"
    _yes_no(ws, "B3:B8")
    ws["A10"] = "Notes for the reviewer about this checklist"  # outside the dropdown: not a question
    exp.skipped.append(ws["A10"].value)
    wb.save(path)
    return exp


def make_word_odds(path: Path) -> Expected:
    """Question / "Answer" label row / answer row; an "A.1" number cell; "Yes / No" left to delete as
    appropriate in a header table; an answer cell wrapped in a cell-level content control."""
    from docx import Document

    doc = Document()
    exp = Expected([])
    t = doc.add_table(rows=3, cols=2)
    t.style = "Table Grid"
    t.cell(0, 0).text, t.cell(0, 1).text = "A.1", question(70)
    t.cell(1, 0).merge(t.cell(1, 1)).text = "Answer"
    t.cell(2, 0).merge(t.cell(2, 1))
    exp.questions.append(question(70))
    doc.add_paragraph("")
    t = doc.add_table(rows=4, cols=2)
    t.style = "Table Grid"
    t.cell(0, 0).text, t.cell(0, 1).text = "Question", "Response"
    for i in range(1, 4):
        t.cell(i, 0).text = question(70 + i)
        t.cell(i, 1).text = "Yes / No" if i != 2 else "No"
        exp.questions.append(question(70 + i))
    exp.prefilled[question(72)] = "No"
    tr = t.rows[3]._tr
    tc = tr.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tc")[1]
    sdt = _xml(f'<w:sdt {W}><w:sdtPr><w:alias w:val="cell"/></w:sdtPr><w:sdtContent/></w:sdt>')
    tr.replace(tc, sdt)
    sdt[1].append(tc)  # the answer cell inside a cell-level content control
    doc.add_paragraph("")
    t = doc.add_table(rows=2, cols=2)  # answer row merged the old way (w:hMerge)
    t.cell(0, 0).text, t.cell(0, 1).text = "Q7", question(75)
    for c, val in ((0, ' w:val="restart"'), (1, "")):
        t.cell(1, c)._tc.get_or_add_tcPr().append(_xml(f"<w:hMerge {W}{val}/>"))
    exp.questions.append(question(75))
    doc.save(path)
    return exp


DOCX_MAKERS = {
    "word_odds.docx": make_word_odds,
    "one_table_per_question.docx": make_one_table_per_question,
    "numbered_paragraphs.docx": make_numbered_paragraphs,
    "checkbox_table.docx": make_checkbox_table,
}
XLSX_MAKERS = {
    "checklist_12_sheets.xlsx": make_checklist_workbook,
    "multi_block.xlsx": make_multi_block_workbook,
    "dropdown_only.xlsx": make_dropdown_only_workbook,
}
