"""`fill --report` as .xlsx and .html, and the polarity fields of the report items (issue 16.5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from questionnaire.fill import fill
from questionnaire.review_report import COLUMNS, render_html, report_format
from tests.answers_fixtures import compliant_findings, example_profile

QUESTIONS = [
    "Is the use of consumer AI services prohibited for company data?",
    "Are employees allowed to use personal ChatGPT accounts with customer data?",
    "Can AI agents take high-risk actions without human approval?",
    "Are AI model invocations logged?",
    "Do you use AI to audit your financial statements?",
    "Is the <script>alert(1)</script> AI platform's <b>coffee</b> good?",
]


@pytest.fixture(scope="module")
def form(tmp_path_factory) -> Path:
    return _form(tmp_path_factory.mktemp("rr") / "form.xlsx", QUESTIONS)


@pytest.fixture(scope="module")
def filled(form, tmp_path_factory):
    out = tmp_path_factory.mktemp("rr-out")
    reports = {ext: out / f"review.{ext}" for ext in ("json", "xlsx", "html")}
    for ext, rp in reports.items():
        fill(form, out / f"filled-{ext}.xlsx", profile=example_profile(), findings=compliant_findings(), report_path=rp)
    return reports


def _items(filled):
    return {it["question"]: it for it in json.loads(filled["json"].read_text(encoding="utf-8"))["items"]}


def test_report_format_by_extension():
    assert [report_format(Path(p)) for p in ("a.json", "a.XLSX", "a.html", "a.htm", "a.txt")] == \
        ["json", "xlsx", "html", "html", "json"]


def test_json_items_carry_asserts_polarity_value_and_source(filled):
    items = _items(filled)
    same, inverse = items[QUESTIONS[0]], items[QUESTIONS[1]]
    assert same["catalog_id"] == inverse["catalog_id"] == "accounts.consumer_prohibited"
    assert (same["polarity"], same["value"]) == ("same", "Yes")
    assert (inverse["polarity"], inverse["value"]) == ("inverse", "No")  # the negation was asked: Yes flipped
    assert inverse["asserts"] == same["asserts"] and "prohibited" in inverse["asserts"]
    assert inverse["answer"].startswith("No") and "negation" in inverse["note"]
    agents = items[QUESTIONS[2]]
    assert (agents["catalog_id"], agents["polarity"], agents["value"]) == ("agents.human_approval", "inverse", "No")
    logged = items[QUESTIONS[3]]
    # no cited check covers the example's Azure deployment's invocation logging: declared, for review
    assert (logged["source"], logged["status"], logged["value"]) == ("declared", "needs_review", "Yes")
    assert items[QUESTIONS[4]]["catalog_id"] is None and items[QUESTIONS[4]]["source"] is None


def test_xlsx_report_cell_by_cell(filled):
    from openpyxl import load_workbook

    items = list(json.loads(filled["json"].read_text(encoding="utf-8"))["items"])
    wb = load_workbook(filled["xlsx"])
    ws = wb["Review"]
    assert [c.value for c in ws[1]] == [c[0] for c in COLUMNS]
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=1, column=len(COLUMNS)).column_letter}{len(items) + 1}"
    col = {title: i for i, (title, _k, _w) in enumerate(COLUMNS, 1)}
    for r, it in enumerate(items, 2):
        assert ws.cell(r, col["Location"]).value == it["location"]
        assert ws.cell(r, col["Question"]).value == it["question"]
        assert ws.cell(r, col["Status"]).value == it["status"]
        assert (ws.cell(r, col["Answer"]).value or None) == (it["answer"] if not it.get("comment") else
                                                            f"{it['answer'] or ''}\n{it['comment']}".strip())
        assert (ws.cell(r, col["Proposition"]).value or None) == it.get("asserts")
        assert (ws.cell(r, col["Polarity"]).value or None) == it.get("polarity")
        assert ws.cell(r, col["Confidence"]).value == pytest.approx(it["confidence"])
        assert (ws.cell(r, col["Evidence (finding ids)"]).value or "") == ", ".join(it["evidence"])
        fill_rgb = ws.cell(r, col["Status"]).fill.start_color.rgb
        assert fill_rgb.endswith({"answered": "C6EFCE", "needs_review": "FFEB9C", "unanswered": "E7E6E6"}[it["status"]])


def test_xlsx_text_is_never_a_formula(tmp_path):
    from openpyxl import load_workbook

    from questionnaire.review_report import write

    item = {"location": "A!C1", "question": "=HYPERLINK(\"http://x\",\"y\")", "status": "unanswered",
            "answer": None, "confidence": 0, "evidence": [], "note": "bad\x07char"}
    write(tmp_path / "r.xlsx", {"summary": {"found": 1}, "items": [item]})
    ws = load_workbook(tmp_path / "r.xlsx")["Review"]
    assert ws["B2"].value == item["question"] and ws["B2"].data_type == "s"
    assert ws["J2"].value == "badchar"


def test_html_report_is_self_contained_escaped_and_links_findings(filled):
    page = filled["html"].read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;coffee" in page
    assert "http" not in page and "<link" not in page and "src=" not in page  # self-contained
    fid = "bedrock.invocation_logging.enabled:insights-assistant:eu-west-1"
    assert f'href="#f-{fid}"' in page and f'<tr id="f-{fid}">' in page
    assert "inverse" in page and "prohibited" in page


def test_html_without_findings_has_no_dangling_links():
    page = render_html({"items": [{"location": "A!C1", "question": "q", "status": "answered", "evidence": ["x:y:z"]}]})
    assert "href=" not in page and "x:y:z" in page


ISSUE_PAIRS = [  # the four kinds of inverse questions of issue 16, in our own words
    ("Do staff rely on personal AI accounts for work with customer data?", "accounts.consumer_prohibited", "No"),
    ("Do AI agents act autonomously when they take high-risk actions?", "agents.human_approval", "No"),
    ("Are requests to the AI service exposed to the public internet?", "network.private_endpoint", "No"),
    ("Does the AI agent hold broad administrative powers?", "agents.least_privilege", "No"),
    ("Are AI usage logs encrypted at rest?", "audit.log_encryption", "Yes"),
    ("Do you use AI to audit user activity?", None, None),
]


def _form(path, questions):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "AI"
    ws.append(["#", "Question", "Answer", "Comments"])
    for i, q in enumerate(questions, 1):
        ws.append([i, q, None, None])
    wb.save(path)
    return path


def test_issue_inverse_pairs_compliant_and_drifted(tmp_path):
    from tests.answers_fixtures import drifted_findings

    from tests.answers_fixtures import CONTRACT, load_profile

    if not CONTRACT.is_file():
        pytest.skip("../shared/contract is not next to the project")
    # the reference profile (AWS + OpenAI): its network path is known for every deployment (the example's
    # Vertex deployment leaves the private-network question open, so it abstains there)
    profile = load_profile(CONTRACT).profile
    form = _form(tmp_path / "f.xlsx", [q for q, _, _ in ISSUE_PAIRS])
    ok = fill(form, tmp_path / "ok.xlsx", profile=profile, findings=compliant_findings())
    got = {it.question: it for it in ok.items}
    for q, cid, value in ISSUE_PAIRS:
        assert (got[q].catalog_id, got[q].value) == (cid, value), (q, got[q])
    # drifted account: logging off and the agent role over-privileged -> no confident answer they contradict
    bad = fill(form, tmp_path / "bad.xlsx", profile=profile, findings=drifted_findings())
    got = {it.question: it for it in bad.items}
    for q in ("Are AI usage logs encrypted at rest?", "Does the AI agent hold broad administrative powers?"):
        assert got[q].status != "answered" and got[q].value is None, got[q]
