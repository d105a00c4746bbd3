"""The standard answer set ("answer library") as .xlsx, .docx, .md or .json.

`export_answers(answers, out, meta=..., findings=...)` picks the format from the
extension, writes to a temp file in the output folder and moves it into place
(never over an input file). The JSON shape is documented in docs/ANSWERS_JSON.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from questionnaire.errors import UserInputError

FORMATS = (".xlsx", ".docx", ".md", ".json")
JSON_SCHEMA_ID = "questionnaire/answers/v1"

TOPIC_TITLES = {
    "general": "General",
    "training": "Training on customer data",
    "processor": "Processors and subprocessors",
    "residency": "Data residency",
    "auditability": "Auditability and logging",
    "vendor_agreements": "Vendor agreements",
    "account_tier": "Account tier",
    "data_classification": "Data classification",
    "coding_agents": "AI coding assistants",
    "secrets": "Secrets management",
    "agents": "AI agents",
    "guardrails": "Guardrails, prompt injection and PII",
    "network": "Network path",
    "retention": "Retention by the provider",
}
STATUS_TEXT = {
    "verified": "Verified",
    "contradicted": "Contradicted (needs review)",
    "declared": "Declared, not verified",
    "not_applicable": "Not applicable",
}
STATUS_FILL = {  # light fills readable in print
    "verified": "C6EFCE",
    "contradicted": "FFC7CE",
    "declared": "FFEB9C",
    "not_applicable": "EDEDED",
}
FINDING_FILL = {"PASS": "C6EFCE", "FAIL": "FFC7CE", "UNKNOWN": "FFEB9C"}


@dataclass
class ExportMeta:
    organization: str
    source: str  # "bundle" | "profile"
    generated: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    bundle_digest: str | None = None
    profile_sha256: str | None = None
    product: str | None = None
    tool_version: str = ""

    @property
    def basis(self) -> str:
        if self.source == "bundle":
            return "Verified read-only against the AWS account (evidence bundle)."
        return "Declared in the deployment profile only; nothing was verified against the AWS account."


def topic_title(topic: str) -> str:
    return TOPIC_TITLES.get(topic, topic.replace("_", " ").capitalize())


def _grouped(answers: list) -> list[tuple[str, list]]:
    order: list[str] = []
    groups: dict[str, list] = {}
    for a in answers:
        if a.topic not in groups:
            order.append(a.topic)
            groups[a.topic] = []
        groups[a.topic].append(a)
    return [(t, groups[t]) for t in order]


def short_answer(a) -> str:
    if a.kind == "yes_no":
        return a.value or ("N/A" if a.status == "not_applicable" else "Needs review")
    return a.text


def write_atomic(out: Path, write: Callable[[Path], None], inputs: tuple[Path, ...] = ()) -> Path:
    """Write through :func:`questionnaire.atomic.atomic_write`; never replace one of ``inputs``."""
    from questionnaire.atomic import atomic_write

    return atomic_write(out, write, inputs=inputs)


def export_answers(
    answers: list,
    out: str | Path,
    *,
    meta: ExportMeta,
    findings: list | None = None,
    inputs: tuple[Path, ...] = (),
) -> Path:
    out = Path(out)
    ext = out.suffix.lower()
    writers = {".xlsx": write_xlsx, ".docx": write_docx, ".md": write_md, ".json": write_json}
    if ext not in writers:
        raise UserInputError(f"{out}: unknown output format '{ext or out.name}'; use one of {', '.join(FORMATS)}")
    findings = list(findings or [])
    return write_atomic(out, lambda tmp: writers[ext](answers, tmp, meta, findings), inputs)


# --------------------------------------------------------------------------- json / md


def answers_document(answers: list, meta: ExportMeta, findings: list) -> dict[str, Any]:
    from questionnaire.answers import summary

    return {
        "schema": JSON_SCHEMA_ID,
        "organization": meta.organization,
        "product": meta.product,
        "generated": meta.generated,
        "source": meta.source,
        "bundle_digest": meta.bundle_digest,
        "profile_sha256": meta.profile_sha256,
        "tool_version": meta.tool_version,
        "summary": summary(answers),
        "answers": [a.to_dict() for a in answers],
        "findings": [f.to_dict() for f in findings],
    }


def write_json(answers: list, path: Path, meta: ExportMeta, findings: list) -> None:
    text = json.dumps(answers_document(answers, meta, findings), indent=2, ensure_ascii=False) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def _md_escape(s: str) -> str:
    from questionnaire.markdown_text import md_inline

    return md_inline(s)


def write_md(answers: list, path: Path, meta: ExportMeta, findings: list) -> None:
    from questionnaire.markdown_text import md_block

    lines = [f"# AI security answers: {_md_escape(meta.organization)}", ""]
    lines.append(f"- Generated: {meta.generated}")
    lines.append(f"- Basis: {meta.basis}")
    if meta.bundle_digest:
        lines.append(f"- Evidence bundle digest (sha256): `{meta.bundle_digest}`")
    lines.append("")
    for topic, items in _grouped(answers):
        lines += [f"## {topic_title(topic)}", ""]
        for a in items:
            lines += [f"### {_md_escape(a.question)}", ""]
            lines.append(md_block(a.text))
            lines.append("")
            meta_line = f"*Status: {STATUS_TEXT.get(a.status, a.status)}"
            if a.needs_review:
                meta_line += " · needs review"
            meta_line += f" · id `{a.id}`*"
            lines += [meta_line, ""]
            if a.evidence:
                lines += ["Evidence: " + ", ".join(f"`{e}`" for e in a.evidence), ""]
    if findings:
        lines += ["## Appendix: findings", "", "| Finding | Status | Message |", "| --- | --- | --- |"]
        for f in findings:
            lines.append(f"| `{f.id}` | {f.status.value} | {_md_escape(f.message)} |")
        lines.append("")
    Path(path).write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------- xlsx

ANSWER_COLUMNS = [
    ("ID", 30),
    ("Topic", 22),
    ("Question", 50),
    ("Answer", 16),
    ("Details", 80),
    ("Status", 26),
    ("Needs review", 13),
    ("Evidence", 60),
]
FINDING_COLUMNS = [("Finding", 60), ("Check", 42), ("Deployment", 20), ("Region", 14), ("Status", 10), ("Message", 70)]


def _xlsx_header(ws, columns, font, fill, align) -> None:
    from openpyxl.utils import get_column_letter

    for i, (name, width) in enumerate(columns, start=1):
        from questionnaire.documents.safety import write_cell

        cell = write_cell(ws, 1, i, name)
        cell.font, cell.fill, cell.alignment = font, fill, align
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def write_xlsx(answers: list, path: Path, meta: ExportMeta, findings: list) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from questionnaire.documents.safety import write_cell

    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="1F4E78")
    head_align = Alignment(vertical="center", wrap_text=True)
    wrap = Alignment(vertical="top", wrap_text=True)

    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    rows = [
        ("AI security answers", None),
        ("Organisation", meta.organization),
        ("Product", meta.product or ""),
        ("Date", meta.generated),
        ("Basis", meta.basis),
        ("Evidence bundle digest (sha256)", meta.bundle_digest or "none (declared answers)"),
        ("Answers", str(len(answers))),
        ("Needs review", str(sum(1 for a in answers if a.needs_review))),
    ]
    for r, (k, v) in enumerate(rows, start=1):
        write_cell(cover, r, 1, k).font = Font(bold=True, size=16 if r == 1 else 11)
        if v is not None:
            write_cell(cover, r, 2, v).alignment = wrap
    cover.column_dimensions["A"].width = 32
    cover.column_dimensions["B"].width = 80

    ws = wb.create_sheet("Answers")
    _xlsx_header(ws, ANSWER_COLUMNS, head_font, head_fill, head_align)
    for r, a in enumerate(answers, start=2):
        values = [
            a.id,
            topic_title(a.topic),
            a.question,
            short_answer(a) if a.kind == "yes_no" else "(see details)",
            a.text,
            STATUS_TEXT.get(a.status, a.status),
            "Yes" if a.needs_review else "No",
            "\n".join(a.evidence),
        ]
        for c, v in enumerate(values, start=1):
            write_cell(ws, r, c, v, where=a.id).alignment = wrap
        ws.cell(row=r, column=6).fill = PatternFill("solid", fgColor=STATUS_FILL.get(a.status, "FFFFFF"))
    ws.auto_filter.ref = f"A1:H{max(1, len(answers)) + 1}"

    fs = wb.create_sheet("Findings")
    _xlsx_header(fs, FINDING_COLUMNS, head_font, head_fill, head_align)
    for r, f in enumerate(findings, start=2):
        values = [f.id, f.check_id, f.deployment or "", f.region or "global", f.status.value, f.message or ""]
        for c, v in enumerate(values, start=1):
            write_cell(fs, r, c, v).alignment = wrap
        fs.cell(row=r, column=5).fill = PatternFill("solid", fgColor=FINDING_FILL.get(f.status.value, "FFFFFF"))
    fs.auto_filter.ref = f"A1:F{max(1, len(findings)) + 1}"
    wb.active = 1  # open on the answers
    wb.save(path)


# --------------------------------------------------------------------------- docx


def write_docx(answers: list, path: Path, meta: ExportMeta, findings: list) -> None:
    from docx import Document
    from docx.enum.text import WD_BREAK

    doc = Document()
    doc.add_paragraph(f"AI security answers: {meta.organization}", style="Title")
    if meta.product:
        doc.add_paragraph(meta.product, style="Subtitle")
    doc.add_paragraph(f"Date: {meta.generated}")
    doc.add_paragraph(f"Basis: {meta.basis}")
    if meta.bundle_digest:
        doc.add_paragraph(f"Evidence bundle digest (sha256): {meta.bundle_digest}")
    n_review = sum(1 for a in answers if a.needs_review)
    doc.add_paragraph(f"{len(answers)} standard answers; {n_review} need review.")
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    for topic, items in _grouped(answers):
        doc.add_heading(topic_title(topic), level=1)
        for a in items:
            doc.add_heading(a.question, level=2)
            doc.add_paragraph(a.text)
            note = f"Status: {STATUS_TEXT.get(a.status, a.status)}{' (needs review)' if a.needs_review and a.status != 'contradicted' else ''}. ID: {a.id}."
            if a.evidence:
                note += f" Evidence: {', '.join(a.evidence)}."
            p = doc.add_paragraph()
            run = p.add_run(note)
            run.italic = True

    doc.add_heading("Appendix: findings", level=1)
    if not findings:
        doc.add_paragraph("No findings: the answers are declared, not verified against the AWS account.")
    else:
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, name in zip(table.rows[0].cells, ("Finding", "Status", "Observed", "Message")):
            cell.text = name
            for r in cell.paragraphs[0].runs:
                r.bold = True
        for f in findings:
            cells = table.add_row().cells
            cells[0].text = f.id
            cells[1].text = f.status.value
            cells[2].text = "" if f.observed is None else json.dumps(f.observed, ensure_ascii=False, default=str)[:500]
            cells[3].text = f.message or ""
    doc.save(path)
