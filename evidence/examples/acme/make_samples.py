"""Rebuild the sample customer questionnaires used by `questionnaire demo`.

    .venv/bin/python evidence/examples/acme/make_samples.py

Writes customer-questionnaire.xlsx and customer-questionnaire.docx next to this file:
a fictional customer's ("Northwind Retail") vendor assessment with a title block, the
header row below it, section rows, a Yes/No dropdown, a comments column, AI questions the
standard answer catalog covers and unrelated ones (background checks, insurance,
physical security, employee MFA) that the tool must leave empty. Deterministic output
(fixed document timestamps) so rebuilding does not change the files needlessly.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

HERE = Path(__file__).resolve().parent
CUSTOMER = "Northwind Retail GmbH"
TITLE = "Third-Party Vendor Security & AI Assessment"
FIXED = _dt.datetime(2026, 1, 5, 9, 0, 0)

# (section, [(id, question, kind)]) ; kind: "yn" (Yes/No dropdown) or "text"
SECTIONS: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("A. General", [
        ("A.1", "Does your product or service use artificial intelligence, machine learning or generative AI (LLMs)?", "yn"),
        ("A.2", "Please describe how AI is used in the service you provide to us.", "text"),
        ("A.3", "Do you carry cyber liability insurance? State the coverage amount.", "text"),
    ]),
    ("B. Personnel Security", [
        ("B.1", "Are background checks performed on all employees before hiring?", "yn"),
        ("B.2", "Is multi-factor authentication enforced for all employee accounts?", "yn"),
        ("B.3", "Do employees complete security awareness training at least annually?", "yn"),
    ]),
    ("C. Physical Security", [
        ("C.1", "Are your office premises protected by badge access control and CCTV?", "yn"),
        ("C.2", "Are visitors escorted and logged at all times?", "yn"),
    ]),
    ("D. AI Data Handling", [
        ("D.1", "Is our data (prompts, inputs, uploaded files) used to train or improve AI models?", "yn"),
        ("D.2", "Are models fine-tuned or customised using our data?", "yn"),
        ("D.3", "In which regions is our data processed and stored by the AI features?", "text"),
        ("D.4", "Is our data transferred outside the EEA when processed by AI models?", "yn"),
        ("D.5", "Which third-party AI providers or subprocessors process our data?", "text"),
        ("D.6", "Does the AI provider retain prompts or outputs, and for how long?", "text"),
    ]),
    ("E. AI Logging & Monitoring", [
        ("E.1", "Are AI model invocations (requests and responses) logged?", "yn"),
        ("E.2", "How long are AI usage and audit logs retained?", "text"),
        ("E.3", "Are AI usage and audit logs encrypted at rest?", "yn"),
        ("E.4", "Are AI usage and audit logs protected against tampering (e.g. log file integrity validation)?", "yn"),
    ]),
    ("F. AI Safeguards", [
        ("F.1", "Are there protections against prompt injection and jailbreak attacks?", "yn"),
        ("F.2", "Is personal data (PII) detected and filtered in AI prompts and outputs?", "yn"),
        ("F.3", "Do AI agents run with least-privilege permissions?", "yn"),
        ("F.4", "Are secrets and credentials stored in a secrets manager and rotated regularly?", "yn"),
        ("F.5", "Is the AI service accessed over a private network connection rather than the public internet?", "yn"),
    ]),
    ("G. Business Continuity", [
        ("G.1", "Do you test your disaster recovery plan at least once a year?", "yn"),
        ("G.2", "What is your recovery time objective (RTO) for the service?", "text"),
    ]),
]

# questions the tool must leave empty (not about AI; nothing in the profile answers them)
OUT_OF_SCOPE = ["A.3", "B.1", "B.2", "B.3", "C.1", "C.2", "G.1", "G.2"]


def questions() -> list[tuple[str, str, str, str]]:
    return [(sec, qid, q, kind) for sec, items in SECTIONS for qid, q, kind in items]


def make_xlsx(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Vendor Assessment"
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws["A1"] = TITLE
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"Issued by {CUSTOMER}, Procurement & Information Security"
    ws["A3"] = "Vendor name:"
    ws["B3"] = ""
    ws["A4"] = "Please answer every question. Use the drop-down for Yes/No questions and add detail in Comments."
    ws["A4"].font = Font(italic=True, color="555555")
    header_row = 6
    for col, name in enumerate(["Ref", "Question", "Response", "Comments"], start=1):
        c = ws.cell(row=header_row, column=col, value=name)
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="1F4E78")
        c.border = box
    dv = DataValidation(type="list", formula1='"Yes,No,N/A"', allow_blank=True)
    ws.add_data_validation(dv)
    row = header_row + 1
    for sec, items in SECTIONS:
        ws.cell(row=row, column=1, value=sec).font = Font(bold=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.cell(row=row, column=1).fill = PatternFill("solid", fgColor="D9E1F2")
        row += 1
        for qid, q, kind in items:
            ws.cell(row=row, column=1, value=qid)
            ws.cell(row=row, column=2, value=q).alignment = Alignment(wrap_text=True, vertical="top")
            for col in range(1, 5):
                ws.cell(row=row, column=col).border = box
            if kind == "yn":
                dv.add(f"C{row}")
            row += 1
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 40
    ws.column_dimensions["D"].width = 50
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    wb.properties.creator = CUSTOMER
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.save(path)


def make_docx(path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.author = CUSTOMER
    doc.core_properties.created = FIXED
    doc.core_properties.modified = FIXED
    doc.core_properties.last_modified_by = CUSTOMER
    doc.add_heading(TITLE, level=1)
    doc.add_paragraph(f"Issued by {CUSTOMER}, Procurement & Information Security.")
    doc.add_paragraph("Vendor name: ____________________    Date: ____________")
    p = doc.add_paragraph("Answer each question in the Response column; add detail under Comments.")
    p.runs[0].font.size = Pt(9)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, ["Ref", "Question", "Response", "Comments"]):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
    for sec, items in SECTIONS:
        r = table.add_row().cells
        merged = r[0].merge(r[3])
        merged.text = sec
        merged.paragraphs[0].runs[0].bold = True
        for qid, q, _kind in items:
            r = table.add_row().cells
            r[0].text = qid
            r[1].text = q
    doc.add_paragraph("")
    doc.add_paragraph("Signature of vendor representative: ____________________")
    doc.save(path)


def main() -> None:
    make_xlsx(HERE / "customer-questionnaire.xlsx")
    make_docx(HERE / "customer-questionnaire.docx")
    print(f"wrote {HERE / 'customer-questionnaire.xlsx'} and {HERE / 'customer-questionnaire.docx'}")


if __name__ == "__main__":
    main()
