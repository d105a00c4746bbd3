"""The AI-use policy one-pager, generated from the profile (.docx or .md).

`policy_sections(profile)` is the content (plain data, shared by both writers);
it must fit on one page in Word at default margins, which the tests check by
estimating the line count (`estimate_lines`).
"""

from __future__ import annotations

import math
from pathlib import Path

from questionnaire.answers import TIER_TEXT, facts, humanize, join_and
from questionnaire.errors import UserInputError
from questionnaire.profile import Profile

USE_TEXT = {
    "allowed": "any approved AI tool on a company account",
    "commercial_or_infrastructure_only": "only deployments on a commercial or infrastructure tier that do not train on inputs",
    "infrastructure_only": "only deployments on a cloud infrastructure tier",
    "prohibited": "no AI tool at all",
}

# Word defaults (python-docx template: Letter, 1" margins, Calibri 11 pt body):
# about 90 characters per body line and 46 lines per page.
CHARS_PER_LINE = 90
LINES_PER_PAGE = 46


def policy_title(profile: Profile) -> str:
    return f"{profile.organization.name}: AI-use policy"


def _category_line(c: dict, deps: list[dict]) -> str:
    approved = [d["id"] for d in deps if c["category"] in d["data_categories"]]
    if c["ai_use"] == "prohibited":
        line = f"Category {c['category']}, {c['name']}: must not be used with any AI tool."
    else:
        line = f"Category {c['category']}, {c['name']}: may be used with {USE_TEXT.get(c['ai_use'], humanize(c['ai_use']))}."
        if approved and len(approved) == len(deps) > 2:
            line += " Approved: every deployment listed below."
        elif approved:
            line += f" Approved: {join_and(approved)}."
        else:
            line += " No deployment is approved yet."
    if c.get("description"):
        line = f"{line} ({c['description'].strip().rstrip('.')}.)"
    return line


def _deployment_line(d: dict) -> str:
    return (
        f"{d['id']}: {d['platform_text']} ({TIER_TEXT.get(d['tier'], d['tier'])} tier, {d['processor']}), "
        f"{d['regions_text']}; categories {join_and(str(n) for n in d['data_categories'])}"
        + ("; no training on inputs." if not d["training_on_customer_data"] else "; may train on inputs.")
    )


def _account_lines(profile: Profile) -> list[str]:
    if profile.controls.consumer_accounts == "prohibited":
        first = (
            "Consumer (free or personal) AI accounts are prohibited for all company data: they may train on "
            "inputs, keep data longer and offer no data processing agreement."
        )
    else:
        first = "Consumer AI accounts may be used for category 1 data only, never for other categories."
    return [first, "Use company accounts only; any new AI tool needs security approval before use."]


def _coding_lines(profile: Profile) -> list[str]:
    ca = profile.controls.coding_agents
    if ca is None:
        return []
    tools = join_and(ca.tools) or "approved tools"
    coding = [f"Approved: {tools}; {'company accounts only' if ca.accounts == 'company' else 'personal accounts permitted'}."]
    if ca.secrets_excluded_from_context:
        coding.append("Keep secrets out of the assistant's context: exclude .env files, keys and credentials.")
    if ca.no_secrets_in_readable_files:
        coding.append("Never store secrets in files the assistant can read; load them from the secrets manager.")
    coding.append(
        "Give access only to the repositories the task needs."
        if ca.repository_access == "task_scoped"
        else "Repository access is organisation-wide."
    )
    return coding


def _agent_lines(profile: Profile) -> list[str]:
    agents = []
    ag = profile.controls.agents
    if ag is not None:
        if ag.least_privilege:
            agents.append("Agents run with least privilege: a dedicated role with only the permissions the task needs.")
        if ag.human_approval_required_for:
            agents.append(
                "A human approves before an agent performs "
                + join_and([humanize(a) for a in ag.human_approval_required_for], "or")
                + "."
            )
        if ag.untrusted_input_handling:
            agents.append("Content from e-mail, documents and the web is untrusted input and treated as hostile.")
        if ag.output_validation:
            agents.append("Model output is validated before it triggers other systems.")
    log = profile.controls.logging
    agents.append(
        "Every agent action and model call is logged"
        + (f" and kept for {log.audit_log_retention_days} days." if log else ".")
    )
    sec = profile.controls.secrets
    if sec is not None:
        agents.append(f"Secrets live in {humanize(sec.manager).replace('aws secrets manager', 'AWS Secrets Manager')} and rotate at least every {sec.rotation_days} days.")
    return agents


def policy_sections(profile: Profile) -> list[tuple[str, list[str]]]:
    """[(heading, [bullet, ...]), ...]; every sentence comes from profile data."""
    f = facts(profile, "profile")
    deps = f["deps"]
    sections = [
        ("Data categories", [_category_line(c, deps) for c in f["cats"]]),
        ("Approved AI deployments", [_deployment_line(d) for d in deps]),
        ("Accounts", _account_lines(profile)),
    ]
    coding = _coding_lines(profile)
    if coding:
        sections.append(("AI coding assistants", coding))
    sections.append(("AI agents", _agent_lines(profile)))
    contact = profile.organization.security_contact
    sections.append(("Questions", [f"Contact {contact}." if contact else "Contact the security team."]))
    return sections


def estimate_lines(title: str, sections: list[tuple[str, list[str]]], chars_per_line: int = CHARS_PER_LINE) -> int:
    """Rough line count of the one-pager in Word (title ~2 lines, headings ~1.5 with spacing)."""
    total = 2.0
    for heading, items in sections:
        total += 1.5
        for item in items:
            total += math.ceil((len(item) + 4) / chars_per_line)
    return math.ceil(total)


def render_md(profile: Profile) -> str:
    from questionnaire.markdown_text import md_inline

    lines = [f"# {md_inline(policy_title(profile))}", ""]
    for heading, items in policy_sections(profile):
        lines += [f"## {md_inline(heading)}", ""] + [f"- {md_inline(i)}" for i in items] + [""]
    return "\n".join(lines)


def write_policy(profile: Profile, out: str | Path, *, inputs: tuple[Path, ...] = ()) -> Path:
    from questionnaire.documents.export import write_atomic

    out = Path(out)
    ext = out.suffix.lower()
    if ext == ".md":
        text = render_md(profile)
        return write_atomic(out, lambda tmp: tmp.write_text(text, encoding="utf-8"), inputs)
    if ext == ".docx":
        return write_atomic(out, lambda tmp: _write_docx(profile, tmp), inputs)
    raise UserInputError(f"{out}: unknown policy format '{ext or out.name}'; use .docx or .md")


def _write_docx(profile: Profile, path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(policy_title(profile), level=0)
    for heading, items in policy_sections(profile):
        h = doc.add_heading(heading, level=2)
        h.paragraph_format.space_before = Pt(6)
        for item in items:
            p = doc.add_paragraph(item, style="List Bullet")
            p.paragraph_format.space_after = Pt(0)
    doc.save(path)
