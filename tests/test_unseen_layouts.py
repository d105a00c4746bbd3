"""`fill` on home-made questionnaires in layouts and phrasings the project was not tuned on.

Each fixture is built in tmp_path (openpyxl / python-docx) the way a customer's security team
would write it: titles above the header, bold section rows, guidance columns, pre-filled rows,
a Word form with question | response tables, numbered paragraphs followed by answer boxes and
key-value tables. Every question is checked cell by cell through the report: AI questions land on
the expected catalog entry (or, where several entries are defensible, one of a small set, or an
abstention), unrelated security questions stay empty, existing answers are untouched and dropdown
answers use the dropdown's own spelling.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from questionnaire.fill import fill
from tests.answers_fixtures import compliant_findings

EMPTY = "EMPTY"  # an unrelated question: must stay unanswered and the cell empty
KEEP = "KEEP"  # already answered in the file: must be left as it was


# --------------------------------------------------------------------------- fixtures


def make_vendor_ai_risk_xlsx(path: Path) -> tuple[Path, dict]:
    """(1) Merged title rows, header on row 4 ("#", "Control Question", "Vendor Response (Yes/No/N/A)",
    "Explanation"), a Yes,No,N/A dropdown on the response column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "AI Risk Assessment"
    ws["A1"] = "Third-Party AI Risk Assessment"
    ws.merge_cells("A1:D1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Please answer every control and explain any 'No' response. Return to procurement@example.com."
    ws.merge_cells("A2:D2")
    ws.append([])
    ws.append(["#", "Control Question", "Vendor Response (Yes/No/N/A)", "Explanation"])
    rows = [
        ("1.1", "Will any information we provide be used to improve your AI models?", "training.customer_data_used"),
        ("1.2", "Do you perform background checks on employees?", EMPTY),
        ("1.3", "Is MFA enforced for all remote access?", EMPTY),
        ("1.4", "Are the prompts our staff submit kept by the model vendor after a response is returned?",
         {"retention.provider_stores_data", None}),
        ("1.5", "Is traffic between our users and the AI feature encrypted in transit?", "network.encryption_in_transit"),
        ("1.6", "Can you provide logs of AI system activity upon request?", {"audit.customer_audit", "audit.invocation_logging", None}),
        ("1.7", "Do you have a formal AI acceptable use policy for your workforce?", "data.ai_use_policy"),
        ("1.8", "Is a penetration test performed at least annually?", EMPTY),
        ("1.9", "Are safeguards in place to stop prompt injection against the assistant?", "guardrails.prompt_injection"),
    ]
    for qid, text, _ in rows:
        ws.append([qid, text, None, None])
    dv = DataValidation(type="list", formula1='"Yes,No,N/A"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("C5:C13")
    wb.save(path)
    expected = {f"'AI Risk Assessment'!C{5 + i}": exp for i, (_q, _t, exp) in enumerate(rows)}
    return path, expected


def make_guidance_column_xlsx(path: Path) -> tuple[Path, dict]:
    """(2) Questions in B, bold section rows, a long "Guidance" text in C, "Answer" in D."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Questionnaire"
    ws["B1"] = "Supplier Information Security Review 2025"
    ws["B1"].font = Font(bold=True)
    ws.append([])
    ws.append([None, "Question", "Guidance", "Answer"])
    bold = Font(bold=True)
    content = [
        ("Section 1: Artificial Intelligence", None, None),
        ("Which third parties have access to prompts submitted to the AI features?",
         "List every subprocessor, model provider and hosting company involved in the AI features, with the country "
         "where each one operates, the data each one receives and the contractual safeguards in place. Attach the "
         "current subprocessor list if it is published.",
         {"processor.ai_subprocessors", "processor.model_developer_access", "vendor.ai_providers"}),
        ("Where geographically is customer content processed by the LLM?",
         "Name the cloud regions or countries. Mention any failover, disaster-recovery or cross-region routing that "
         "might move data elsewhere, and whether the customer can pin processing to one region.",
         {"residency.regions"}),
        ("Is there a human in the loop before the AI agent takes an irreversible action?",
         "For example sending payments, deleting records, changing permissions or emailing external parties on "
         "behalf of a user. Explain who approves, how approval is recorded and what happens on timeout.",
         "agents.human_approval"),
        ("Are the AI usage logs encrypted at rest?",
         "State the encryption standard and who manages the keys (customer-managed or provider-managed).",
         "audit.log_encryption"),
        ("Section 2: Personnel and Continuity", None, None),
        ("Describe your business continuity plan.",
         "Include recovery time and recovery point objectives, the sites involved, how often the plan is tested and "
         "when it was last tested, and attach the most recent test summary.",
         EMPTY),
        ("Do you perform background checks on employees?",
         "Describe checks performed for staff with access to customer data, and whether contractors are included.",
         EMPTY),
    ]
    r = 4
    expected = {}
    for text, guidance, exp in content:
        ws.cell(r, 2, text)
        if guidance is None:
            ws.cell(r, 2).font = bold
        else:
            ws.cell(r, 3, guidance)
            expected[f"Questionnaire!D{r}"] = exp
        r += 1
    wb.save(path)
    return path, expected


def make_sig_lite_xlsx(path: Path) -> tuple[Path, dict]:
    """(4) SIG-lite-like: "Ques Num", "Question/Request", "Response", "Additional Information";
    some rows already answered."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    intro = wb.active
    intro.title = "Instructions"
    intro["A1"] = "Complete the Lite tab. Responses: Yes, No, N/A. Use Additional Information for detail."
    ws = wb.create_sheet("Lite")
    ws.append(["Ques Num", "Question/Request", "Response", "Additional Information"])
    for c in ws[1]:
        c.font = Font(bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor="1F4E78")
    rows = [
        ("A.1", "Is there a risk assessment program that has been approved by management?", None, None, EMPTY),
        ("A.2", "Do your developers use AI code assistants, and how are credentials protected from them?", None, None,
         {"coding.secrets_excluded", None}),
        ("A.3", "Does the service rely on large language models operated by another company?", None, None,
         {"processor.third_party_models", "vendor.ai_providers"}),
        ("A.4", "Are customer inputs to the generative AI service retained by the model provider? If so, for how long?",
         "No", "Zero retention agreement in place.", KEEP),
        ("A.5", "Is personal data removed or masked before it is sent to the AI model?", None, None,
         "guardrails.pii_filtering"),
        ("A.6", "Is MFA enforced for all remote access?", "Yes", None, KEEP),
        ("A.7", "Is a copy of your SOC 2 Type II report available?", None, None, EMPTY),
        ("A.8", "Can customer data leave the European Economic Area when the AI features process it?", None, None,
         "residency.outside_eea"),
        ("A.9", "Do you encrypt backups?", None, None, EMPTY),
        ("A.10", "Are outputs of the AI model checked before they trigger actions in other systems?", "Please select",
         None, "guardrails.output_validation"),  # a form prompt, not an answer
    ]
    expected = {}
    for i, (qid, text, ans, info, exp) in enumerate(rows, 2):
        ws.append([qid, text, ans, info])
        expected[f"Lite!C{i}"] = (exp, ans)
    wb.save(path)
    return path, expected


def make_control_matrix_xlsx(path: Path) -> tuple[Path, dict]:
    """(5) A supplier control matrix: logo/title block, header on row 6 ("Ref", "Domain", "Control",
    "Guidance for Suppliers", "Supplier Response (Yes / No / N/A)", "Supporting Documentation"): the
    question column is headed just "Control", next to a longer guidance text; a "Y,N,N/A" dropdown;
    the domain named only on the first row of each group."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Controls"
    ws["A1"] = "ACME Bank plc"
    ws["A2"] = "Supplier Assurance - Emerging Technology Controls"
    ws.merge_cells("A2:F2")
    ws["A2"].font = Font(bold=True, size=13)
    ws["A3"] = "Version 3.2 (June 2025)"
    ws["A4"] = "Supplier name:"
    ws["C4"] = None
    ws.append([])
    ws.append(["Ref", "Domain", "Control", "Guidance for Suppliers",
               "Supplier Response (Yes / No / N/A)", "Supporting Documentation"])
    for c in ws[6]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True)
    g = ("The supplier should describe the control in enough detail for the bank's assessor to judge its design "
         "and operating effectiveness, and reference the policy or standard that mandates it.")
    rows = [
        ("ET-01", "AI Governance", "Does the supplier maintain an approved policy governing employee use of generative AI tools?",
         "data.ai_use_policy"),
        ("ET-02", None, "Are staff barred from putting bank data into free consumer chatbots?",
         "accounts.consumer_prohibited"),
        ("ET-03", None, "Is bank data ever used to train or tune the supplier's machine learning models?",
         {"training.customer_data_used", "training.fine_tuning"}),
        ("ET-04", "Information Security", "Is MFA enforced for all remote access?", EMPTY),
        ("ET-05", None, "Are vulnerability scans performed monthly on internet-facing systems?", EMPTY),
        ("ET-06", "AI Operations", "Are requests to and responses from the language model recorded in logs?",
         "audit.invocation_logging"),
        ("ET-07", None, "Are AI usage logs retained for a defined period?", {"audit.log_retention", None}),
    ]
    expected = {}
    for i, (ref, dom, text, exp) in enumerate(rows, 7):
        ws.append([ref, dom, text, g, None, None])
        expected[f"Controls!E{i}"] = exp
    dv = DataValidation(type="list", formula1='"Y,N,N/A"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("E7:E13")
    wb.save(path)
    return path, expected


def make_qa_table_docx(path: Path) -> tuple[Path, dict]:
    """(3a) A 2-column Word table "Question" | "Response"."""
    from docx import Document

    doc = Document()
    doc.add_heading("Vendor AI Due Diligence", 1)
    doc.add_paragraph("Please complete the table below and return it with your proposal.")
    rows = [
        ("Will any information we provide be used to improve your AI models?", "training.customer_data_used"),
        ("Describe your business continuity plan.", EMPTY),
        ("Is the AI service reachable only through a private network connection?", "network.private_endpoint"),
        ("Do you perform background checks on employees?", EMPTY),
        ("How long does the model provider keep our prompts and the generated answers?",
         {"retention.provider_retention", "training.abuse_monitoring_retention"}),
    ]
    t = doc.add_table(rows=1, cols=2)
    t.style = "Table Grid"
    t.rows[0].cells[0].text = "Question"
    t.rows[0].cells[1].text = "Response"
    expected = {}
    for i, (text, exp) in enumerate(rows, 2):
        cells = t.add_row().cells
        cells[0].text = text
        expected[f"table 1, row {i}"] = exp
    doc.save(path)
    return path, expected


def make_numbered_boxes_docx(path: Path) -> tuple[Path, dict]:
    """(3b) Numbered question paragraphs, each followed by a 1x1 answer-box table; then a key-value
    table (question left, empty cell right, no header)."""
    from docx import Document

    doc = Document()
    doc.add_heading("Security and AI Questionnaire", 1)
    boxes = [
        ("1. Will any information we provide be used to improve your AI models?", "training.customer_data_used"),
        ("2. Is MFA enforced for all remote access?", EMPTY),
        ("3. Can you provide logs of AI system activity upon request?",
         {"audit.customer_audit", "audit.invocation_logging", None}),
        ("4. Please describe how artificial intelligence is used within your product.", "general.ai_use_description"),
    ]
    expected = {}
    for n, (text, exp) in enumerate(boxes, 1):
        doc.add_paragraph(text)
        box = doc.add_table(rows=1, cols=1)
        box.style = "Table Grid"
        expected[f"table {n}, row 1"] = exp
    doc.add_paragraph("Additional questions")
    kv = [
        ("Which AI coding assistants do your engineers use?", "coding.tools"),
        ("Describe your business continuity plan.", EMPTY),
        ("Are actions performed by autonomous AI agents recorded in an audit log?", "agents.action_audit"),
        ("Do you perform background checks on employees?", EMPTY),
    ]
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for i, (text, exp) in enumerate(kv, 1):
        cells = t.add_row().cells
        cells[0].text = text
        expected[f"table {len(boxes) + 1}, row {i}"] = exp
    doc.add_paragraph("Section C - numbered")
    numbered = [
        ("C1", "Is customer data sent to the AI model encrypted in transit?", "network.encryption_in_transit"),
        ("C2", "Is a penetration test performed at least annually?", EMPTY),
        ("C3", "Are AI agents restricted to the minimum permissions they need?", "agents.least_privilege"),
    ]
    t3 = doc.add_table(rows=0, cols=3)
    t3.style = "Table Grid"
    for i, (ref, text, exp) in enumerate(numbered, 1):
        cells = t3.add_row().cells
        cells[0].text = ref
        cells[1].text = text
        expected[f"table {len(boxes) + 2}, row {i}"] = exp
    doc.save(path)
    return path, expected


def make_kv_form_docx(path: Path) -> tuple[Path, dict]:
    """(3c) A Word form of key-value rows without a header: some questions without a question mark,
    answer cells holding "[Insert response]" / "Click here to enter text." prompts, one row answered."""
    from docx import Document

    doc = Document()
    doc.add_heading("Supplier Onboarding Form", 1)
    rows = [
        ("Company name", "", EMPTY),
        ("Does your product use generative AI", "[Insert response]", "general.ai_used"),
        ("Describe your business continuity plan", "[Insert response]", EMPTY),
        ("How long are logs of AI usage retained", "", "audit.log_retention"),
        ("Is customer data used to train the AI models?", "No - contractually excluded.", KEEP),
        ("Is MFA enforced for all remote access", "Click here to enter text.", EMPTY),
        ("Are prompts screened for personal data before they reach the LLM", "[Insert response]",
         "guardrails.pii_filtering"),
    ]
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    expected = {}
    for i, (text, prior, exp) in enumerate(rows, 1):
        cells = t.add_row().cells
        cells[0].text = text
        cells[1].text = prior
        expected[f"table 1, row {i}"] = (exp, prior)
    doc.save(path)
    return path, expected


# --------------------------------------------------------------------------- harness


def _profile():
    """The reference profile (AWS + OpenAI, every network path known) when ../shared is there, else the example
    (whose Vertex deployment leaves the private-network question open)."""
    from tests.answers_fixtures import CONTRACT, load_profile

    if not CONTRACT.is_file():
        pytest.skip("../shared/contract is not next to the project")
    return load_profile(CONTRACT).profile


def _run(src: Path, tmp_path: Path):
    out = tmp_path / ("out" + src.suffix)
    rep = tmp_path / (src.stem + ".json")
    fill(src, out, profile=_profile(), findings=compliant_findings(), source="bundle", report_path=rep)
    report = json.loads(rep.read_text())
    return out, {it["location"]: it for it in report["items"]}


def _ok(item: dict | None, exp) -> bool:
    if exp == EMPTY:
        return item is None or (item["status"] == "unanswered" and item["answer"] is None)
    if item is None:
        return False
    got = item["catalog_id"] if item["answer"] is not None else None
    if isinstance(exp, set):
        return got in exp
    return got == exp


def _xlsx_value(path: Path, sheet: str, ref: str):
    from openpyxl import load_workbook

    return load_workbook(path)[sheet][ref].value


def score_xlsx(src: Path, expected: dict, tmp_path: Path) -> tuple[int, list[str]]:
    from openpyxl import load_workbook

    out, items = _run(src, tmp_path)
    wb = load_workbook(out)
    lists = {}  # (sheet, ref) -> allowed values of a literal list dropdown
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            if dv.type == "list" and dv.formula1 and dv.formula1.startswith('"'):
                allowed = dv.formula1.strip('"').split(",")
                for rng in dv.sqref.ranges:
                    for row in ws.iter_rows(min_row=rng.min_row, max_row=rng.max_row,
                                            min_col=rng.min_col, max_col=rng.max_col):
                        for cell in row:
                            lists[(ws.title, cell.coordinate)] = allowed
    good, bad = 0, []
    for loc, exp in expected.items():
        prior = None
        if isinstance(exp, tuple):
            exp, prior = exp
        sheet, ref = loc.rsplit("!", 1)
        value = wb[sheet.strip("'")][ref].value
        it = items.get(loc)
        if exp == KEEP:
            ok = value == prior and (it is None or it["answer"] is None)
        elif exp == EMPTY:
            ok = _ok(it, exp) and value in (None, "")
        else:
            ok = _ok(it, exp) and (value not in (None, "") or (it and it["answer"] is None))
            allowed = lists.get((sheet.strip("'"), ref))
            if ok and allowed and value not in (None, "") and value not in allowed:
                ok = False  # the dropdown's own spelling
        good += ok
        if not ok:
            bad.append(f"{loc}: expected {exp}, got {it and (it['catalog_id'], it['status'], it['note'])}, cell={value!r}")
    return good, bad


def _docx_cell(doc, loc: str) -> str:
    """Text of the last cell of the row named by a report location "table N, row R"."""
    t, r = (int(x.split()[-1]) for x in loc.split(","))
    return doc.tables[t - 1].rows[r - 1].cells[-1].text


def score_docx(src: Path, expected: dict, tmp_path: Path) -> tuple[int, list[str]]:
    from docx import Document

    out, items = _run(src, tmp_path)
    doc = Document(str(out))
    good, bad = 0, []
    for loc, exp in expected.items():
        prior = None
        if isinstance(exp, tuple):
            exp, prior = exp
        it = items.get(loc)
        value = _docx_cell(doc, loc)
        if exp == KEEP:
            ok = value == prior and (it is None or it["answer"] is None)
        elif exp == EMPTY:
            ok = _ok(it, exp) and (prior is None or value == prior)
        else:
            ok = _ok(it, exp) and (prior is None or not it["answer"] or value == it["answer"])
        good += ok
        if not ok:
            bad.append(f"{loc}: expected {exp}, got {it and (it['catalog_id'], it['status'], it['note'])}")
    return good, bad


FIXTURES = {
    "vendor_ai_risk": (make_vendor_ai_risk_xlsx, ".xlsx"),
    "guidance_column": (make_guidance_column_xlsx, ".xlsx"),
    "sig_lite": (make_sig_lite_xlsx, ".xlsx"),
    "control_matrix": (make_control_matrix_xlsx, ".xlsx"),
    "qa_table_docx": (make_qa_table_docx, ".docx"),
    "numbered_boxes_docx": (make_numbered_boxes_docx, ".docx"),
    "kv_form_docx": (make_kv_form_docx, ".docx"),
}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_unseen_layout_cell_by_cell(name, tmp_path):
    build, suffix = FIXTURES[name]
    src, expected = build(tmp_path / (name + suffix))
    score = score_xlsx if suffix == ".xlsx" else score_docx
    good, bad = score(src, expected, tmp_path)
    assert not bad, f"{good}/{len(expected)} right:\n" + "\n".join(bad)
