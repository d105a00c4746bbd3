from __future__ import annotations

import json

import pytest

from questionnaire.answers import build_answers
from questionnaire.documents.export import ExportMeta, STATUS_FILL, export_answers, topic_title
from questionnaire.errors import OutputError, UserInputError

from answers_fixtures import EXAMPLE, drifted_findings, example_profile


@pytest.fixture(scope="module")
def drifted():
    findings = drifted_findings()
    return build_answers(example_profile(), findings, source="bundle"), findings


META = ExportMeta(organization="Acme Analytics GmbH", product="Acme Insights", source="bundle",
                  generated="2026-11-28T12:00:00Z", bundle_digest="ab" * 32)


def test_xlsx_cell_by_cell(tmp_path, drifted):
    from openpyxl import load_workbook

    answers, findings = drifted
    out = export_answers(answers, tmp_path / "answers.xlsx", meta=META, findings=findings)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Cover", "Answers", "Findings"]
    cover = wb["Cover"]
    assert cover["A2"].value == "Organisation" and cover["B2"].value == "Acme Analytics GmbH"
    assert cover["B4"].value == "2026-11-28T12:00:00Z"
    assert cover["B6"].value == "ab" * 32
    ws = wb["Answers"]
    assert [c.value for c in ws[1]] == ["ID", "Topic", "Question", "Answer", "Details", "Status", "Needs review", "Evidence"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:H{len(answers) + 1}"
    assert ws["A1"].font.bold and ws.column_dimensions["E"].width == 80
    assert ws.max_row == len(answers) + 1
    for row, a in enumerate(answers, start=2):
        assert ws.cell(row, 1).value == a.id
        assert ws.cell(row, 2).value == topic_title(a.topic)
        assert ws.cell(row, 3).value == a.question
        assert ws.cell(row, 5).value == a.text
        assert ws.cell(row, 5).alignment.wrap_text
        assert ws.cell(row, 7).value == ("Yes" if a.needs_review else "No")
        assert ws.cell(row, 6).fill.fgColor.rgb.endswith(STATUS_FILL[a.status])
        assert (ws.cell(row, 8).value or "") == "\n".join(a.evidence)
        if a.kind == "yes_no":
            assert ws.cell(row, 4).value == (a.value or "Needs review")
    row = 2 + [a.id for a in answers].index("audit.invocation_logging")
    assert ws.cell(row, 4).value == "Needs review"
    assert ws.cell(row, 6).value == "Contradicted (needs review)"
    fs = wb["Findings"]
    assert fs.max_row == len(findings) + 1
    fails = [r for r in fs.iter_rows(min_row=2, values_only=True) if r[4] == "FAIL"]
    assert {r[1] for r in fails} == {"bedrock.invocation_logging.enabled", "iam.agent_role.least_privilege"}


def test_docx_paragraph_by_paragraph(tmp_path, drifted):
    from docx import Document

    answers, findings = drifted
    out = export_answers(answers, tmp_path / "answers.docx", meta=META, findings=findings)
    doc = Document(out)
    paras = doc.paragraphs
    assert paras[0].style.name == "Title" and paras[0].text == "AI security answers: Acme Analytics GmbH"
    assert paras[1].style.name == "Subtitle"
    h1 = [p.text for p in paras if p.style.name == "Heading 1"]
    topics = list(dict.fromkeys(a.topic for a in answers))
    assert h1 == [topic_title(t) for t in topics] + ["Appendix: findings"]
    # each question: Heading 2, then the answer text, then the status note
    idx = {p.text: i for i, p in enumerate(paras) if p.style.name == "Heading 2"}
    assert len(idx) == len(answers)
    for a in answers:
        i = idx[a.question]
        assert paras[i + 1].text == a.text
        assert f"ID: {a.id}." in paras[i + 2].text
    table = doc.tables[0]
    assert table.style.name == "Table Grid"
    assert [c.text for c in table.rows[0].cells] == ["Finding", "Status", "Observed", "Message"]
    assert len(table.rows) == len(findings) + 1
    assert [c.text for c in table.rows[1].cells][:2] == [findings[0].id, findings[0].status.value]


def test_json_and_md(tmp_path, drifted):
    answers, findings = drifted
    doc = json.loads(export_answers(answers, tmp_path / "a.json", meta=META, findings=findings).read_text())
    assert doc["schema"] == "questionnaire/answers/v1"
    assert doc["source"] == "bundle" and doc["bundle_digest"] == "ab" * 32
    assert [a["id"] for a in doc["answers"]] == [a.id for a in answers]
    assert doc["answers"][0] == answers[0].to_dict()
    assert doc["summary"]["total"] == len(answers)
    assert len(doc["findings"]) == len(findings)
    md = export_answers(answers, tmp_path / "a.md", meta=META, findings=findings).read_text()
    assert md.startswith("# AI security answers: Acme Analytics GmbH")
    for a in answers:
        assert f"### {a.question}\n\n{a.text}\n" in md
    assert "## Appendix: findings" in md


def test_template_syntax_written_literally_in_files(tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    from questionnaire.profile import profile_from_bytes

    raw = EXAMPLE.read_bytes().replace(b"name: Acme Analytics GmbH", b'name: "{{ 7*7 }}"')
    p = profile_from_bytes(raw)
    answers = build_answers(p, None, source="profile")
    meta = ExportMeta(organization=p.organization.name, source="profile")
    xl = load_workbook(export_answers(answers, tmp_path / "x.xlsx", meta=meta))
    assert xl["Cover"]["B2"].value == "{{ 7*7 }}"
    row = 2 + [a.id for a in answers].index("general.security_contact")
    assert xl["Answers"].cell(row, 5).value.startswith("security@acme.example ({{ 7*7 }} security team).")
    doc = Document(export_answers(answers, tmp_path / "x.docx", meta=meta))
    assert doc.paragraphs[0].text == "AI security answers: {{ 7*7 }}"
    assert any("{{ 7*7 }} security team" in par.text for par in doc.paragraphs)
    assert "No findings" in doc.paragraphs[-1].text


def test_export_errors(tmp_path, drifted):
    answers, _ = drifted
    with pytest.raises(UserInputError, match="unknown output format '.pdf'"):
        export_answers(answers, tmp_path / "a.pdf", meta=META)
    with pytest.raises(OutputError, match="folder does not exist"):
        export_answers(answers, tmp_path / "nope" / "a.json", meta=META)
    inp = tmp_path / "same.json"
    inp.write_text("keep")
    with pytest.raises(OutputError, match="must not be an input file"):
        export_answers(answers, inp, meta=META, inputs=(inp,))
    assert inp.read_text() == "keep"
    assert not list(tmp_path.glob(".*.tmp"))
