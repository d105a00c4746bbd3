"""The one-page human summary of a bundle: ``SUMMARY.md`` and ``summary.html``.

For the customer's reviewer: who collected the evidence, which account (the id
can be masked), when, which regions, the table of checks with their status and,
for every answer topic (training, processor, residency, auditability, vendor
agreements), the declared facts from the profile next to the findings of the
checks that speak to that topic (grouped by the check registry's ``topic``).

The HTML is self-contained (inline CSS, no scripts, no external assets) and
printable; it is rendered by a Jinja ``Environment`` with autoescaping, so
profile values and AWS data are always data, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterable

from questionnaire.findings import Finding, Status, summarize
from questionnaire.topics import SECTIONS, section_of

# the summary's sections (key, heading), in order: from the one topics vocabulary (templates/topics.yaml)
TOPICS: list[tuple[str, str]] = SECTIONS


def _registry() -> dict[str, Any]:
    """The check registry: the one source of every check's topic and title."""
    from questionnaire.checks import REGISTRY

    return dict(REGISTRY)


def _meta(entry: Any, name: str) -> Any:
    if entry is None:
        return None
    if isinstance(entry, dict):
        return entry.get(name)
    return getattr(entry, name, None)


def topic_of(check_id: str, registry: dict[str, Any] | None = None) -> str:
    """The summary topic of a check, from its registry ``topic`` (unknown ids: "other")."""
    reg = _registry() if registry is None else registry
    return section_of(_meta(reg.get(check_id), "topic")) or "other"


def check_title(check_id: str, registry: dict[str, Any] | None = None) -> str:
    reg = _registry() if registry is None else registry
    title = _meta(reg.get(check_id), "title")
    return title if isinstance(title, str) and title else check_id


def mask_account_id(account: str | None) -> str | None:
    """``123456789012`` -> ``********9012`` (keeps the last four digits)."""
    if not account:
        return account
    s = str(account)
    return "*" * max(len(s) - 4, 0) + s[-4:]


def _fmt(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_fmt(v)}" for k, v in value.items()) if value else "none"
    return str(value)


def declared_facts(profile: Any) -> dict[str, list[tuple[str, str]]]:
    """Per topic: (label, value) pairs taken from the profile as declared."""
    facts: dict[str, list[tuple[str, str]]] = {k: [] for k, _ in TOPICS}
    for d in profile.deployments:
        p = f"{d.id}: "
        facts["training"].append((p + "trains on customer data", _fmt(d.training_on_customer_data)))
        facts["training"].append((p + "provider retention (days)", _fmt(d.provider_retention_days)))
        facts["processor"].append((p + "tier / platform", f"{_fmt(d.tier)} / {_fmt(d.platform)}"))
        facts["processor"].append((p + "processor", _fmt(d.processor)))
        facts["processor"].append((p + "model developers", _fmt(d.model_developers)))
        facts["processor"].append((p + "data categories", _fmt(d.data_categories)))
        facts["residency"].append((p + "regions", _fmt(d.regions)))
        facts["residency"].append((p + "cross-region inference", _fmt(d.cross_region_inference)))
        facts["vendor_agreements"].append((p + "data processing agreement", _fmt(d.agreements.dpa)))
        facts["vendor_agreements"].append(
            (p + "separate model vendor agreement", _fmt(d.agreements.separate_model_vendor_agreement))
        )
        aws = d.aws
        if aws is not None:
            if aws.models:
                facts["processor"].append((p + "models", _fmt(aws.models)))
            facts["residency"].append((p + "private endpoint", _fmt(aws.private_endpoint)))
            il = aws.invocation_logging
            if il is not None:
                facts["auditability"].append((p + "invocation logging", _fmt(il.enabled)))
                if il.s3_bucket:
                    facts["auditability"].append((p + "log bucket", il.s3_bucket))
                if il.cloudwatch_log_group:
                    facts["auditability"].append((p + "log group", il.cloudwatch_log_group))
                facts["auditability"].append((p + "log retention (days)", _fmt(il.retention_days)))
                facts["auditability"].append((p + "logs KMS-encrypted", _fmt(il.kms_encrypted)))
            if aws.cloudtrail is not None:
                facts["auditability"].append((p + "CloudTrail trail", aws.cloudtrail.trail))
                facts["auditability"].append((p + "log file validation", _fmt(aws.cloudtrail.log_file_validation)))
    logging = profile.controls.logging
    if logging is not None:
        facts["auditability"].append(("audit log retention (days)", _fmt(logging.audit_log_retention_days)))
    return facts


@dataclass
class SummaryData:
    organization: str
    product: str | None
    contact: str | None
    account: str | None
    account_masked: bool
    caller_arn: str | None
    started: str | None
    ended: str | None
    regions: list[str]
    counts: dict[str, int]
    checks: list[dict[str, Any]]
    topics: list[dict[str, Any]]
    errors: list[str] = field(default_factory=list)
    emulated: list[str] = field(default_factory=list)
    tool: str = ""
    profile_sha256: str = ""
    accounts: list[dict[str, Any]] = field(default_factory=list)  # runs over several accounts: one row each


def _mask_rows(rows: list[dict[str, Any]], checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """--mask-account over several accounts: every account id in the table and in the findings' messages."""
    ids = [r["account"] for r in rows]
    for r in checks:
        r["message"], r["subject"] = _replace_all(r["message"], ids), _replace_all(r["subject"], ids)
    return [{**r, "account": mask_account_id(r["account"]),
             "reason": _replace_all(r["reason"], ids)} for r in rows]


def _replace_all(text: str, ids: list[str]) -> str:
    for a in ids:
        text = text.replace(a, mask_account_id(a))
    return text


def build_summary(
    profile: Any,
    findings: Iterable[Finding],
    *,
    identity: dict[str, Any] | None,
    started: str | None,
    ended: str | None,
    regions: list[str],
    errors: list[str] | None = None,
    emulated: list[str] | None = None,
    mask_account: bool = False,
    tool: str = "",
    profile_sha256: str = "",
    registry: dict[str, Any] | None = None,
    accounts: list[dict[str, Any]] | None = None,
) -> SummaryData:
    reg = _registry() if registry is None else registry
    findings = list(findings)
    identity = identity or {}
    account = identity.get("account")
    arn = identity.get("arn")
    if mask_account and account:
        masked = mask_account_id(str(account))
        arn = arn.replace(str(account), masked) if isinstance(arn, str) else arn
        account = masked
    rows = []
    order = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.PASS: 2}
    for f in sorted(
        findings, key=lambda f: (order.get(f.status, 3), f.check_id, f.deployment or "", f.region or "", f.subject or "")
    ):
        message = f.message
        if mask_account and identity.get("account"):
            message = message.replace(str(identity["account"]), str(account))
        rows.append(
            {
                "id": f.id,
                "check_id": f.check_id,
                "title": check_title(f.check_id, reg),
                "deployment": f.deployment or "-",
                "region": f.region or "global",
                "subject": f.subject or "",
                "status": f.status.value,
                "message": message,
                "topic": topic_of(f.check_id, reg),
            }
        )
    accounts = list(accounts or [])
    if mask_account and accounts:
        accounts = _mask_rows(accounts, rows)
    facts = declared_facts(profile)
    topics = []
    for key, label in TOPICS:
        topic_rows = [r for r in rows if r["topic"] == key]
        if key == "other" and not topic_rows:
            continue
        counts = {s.value: sum(1 for r in topic_rows if r["status"] == s.value) for s in Status}
        topics.append({"key": key, "label": label, "declared": facts[key], "findings": topic_rows, "counts": counts})
    org = profile.organization
    return SummaryData(
        organization=org.name,
        product=org.product,
        contact=org.security_contact,
        account=None if account is None else str(account),
        account_masked=bool(mask_account and identity.get("account")),
        caller_arn=arn,
        started=started,
        ended=ended,
        regions=list(regions),
        counts=summarize(findings),
        checks=rows,
        topics=topics,
        errors=list(errors or []),
        emulated=list(emulated or []),
        tool=tool,
        profile_sha256=profile_sha256,
        accounts=accounts,
    )


# ----------------------------------------------------------------------------- rendering

_MD = """\
# Evidence summary: {{ s.organization | md }}{% if s.product %} ({{ s.product | md }}){% endif %}

| | |
| --- | --- |
| Organization | {{ s.organization | md }} |
{% if s.contact %}| Security contact | {{ s.contact | md }} |
{% endif %}| AWS account | {{ (s.account or "unknown") | md }}{% if s.account_masked %} (masked){% endif %} |
| Collected by | {{ (s.caller_arn or "unknown") | md }} |
| Collected | {{ (s.started or "?") | md }} to {{ (s.ended or "?") | md }} (UTC) |
| Regions | {{ (s.regions | join(", ") or "none") | md }} |
| Result | {{ s.counts.PASS }} PASS, {{ s.counts.FAIL }} FAIL, {{ s.counts.UNKNOWN }} UNKNOWN |
| Tool | {{ s.tool | md }} |
| Profile sha256 | `{{ s.profile_sha256 }}` |
{% if s.emulated %}
**Emulated:** {{ s.emulated | length }} API operation(s) were answered by an AWS emulator, not a real AWS account: {{ s.emulated | join(", ") | md }}.
{% endif %}{% if s.errors %}
## Errors during collection

{% for e in s.errors %}- {{ e | md }}
{% endfor %}{% endif %}{% if s.accounts %}
## Accounts

| Account | Access | PASS | FAIL | UNKNOWN | Note |
| --- | --- | --- | --- | --- | --- |
{% for a in s.accounts %}| {{ a.account | md }} | {{ a.access | md }} | {{ a.PASS }} | {{ a.FAIL }} | {{ a.UNKNOWN }} | {{ a.reason | md }} |
{% endfor %}{% endif %}
## Checks

| Status | Check | Deployment | Region | Finding |
| --- | --- | --- | --- | --- |
{% for r in s.checks %}| {{ r.status }} | {{ r.title | md }}{% if r.subject %} ({{ r.subject | md }}){% endif %} | {{ r.deployment | md }} | {{ r.region | md }} | {{ r.message | md }} |
{% else %}| - | no checks were run | | | |
{% endfor %}
## Facts by topic
{% for t in s.topics %}
### {{ t.label }}

{% if t.declared %}Declared in the profile:

{% for label, value in t.declared %}- {{ label | md }}: {{ value | md }}
{% endfor %}
{% endif %}{% if t.findings %}Verified in the AWS account:

{% for r in t.findings %}- **{{ r.status }}** {{ r.title | md }} ({{ r.deployment | md }}, {{ r.region | md }}): {{ r.message | md }}
{% endfor %}{% else %}No AWS check covers this topic; the facts above are declared, not verified.
{% endif %}{% endfor %}
Integrity: every file in this bundle is listed with its SHA-256 in `manifest.json` and `SHA256SUMS`; check with `questionnaire verify BUNDLE.zip` or `sha256sum -c SHA256SUMS`.
"""

_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Evidence summary: {{ s.organization }}</title>
<style>
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;font-size:11pt;color:#111;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.4}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:1px solid #999;margin-top:1.5em}h3{font-size:1.05em;margin-bottom:.3em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #bbb;padding:.25em .45em;text-align:left;vertical-align:top}
th{background:#eee}table.meta th{width:12em}
.PASS{color:#0a6b2c;font-weight:bold}.FAIL{color:#b00020;font-weight:bold}.UNKNOWN{color:#8a5a00;font-weight:bold}
.note{background:#fff6d6;border:1px solid #e0c060;padding:.4em .6em}
code{font-size:.9em;word-break:break-all}
@media print{body{margin:0;max-width:none;font-size:9.5pt}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
</style>
</head>
<body>
<h1>Evidence summary: {{ s.organization }}{% if s.product %} ({{ s.product }}){% endif %}</h1>
<table class="meta">
<tr><th>Organization</th><td>{{ s.organization }}</td></tr>
{% if s.contact %}<tr><th>Security contact</th><td>{{ s.contact }}</td></tr>
{% endif %}<tr><th>AWS account</th><td>{{ s.account or "unknown" }}{% if s.account_masked %} (masked){% endif %}</td></tr>
<tr><th>Collected by</th><td><code>{{ s.caller_arn or "unknown" }}</code></td></tr>
<tr><th>Collected</th><td>{{ s.started or "?" }} to {{ s.ended or "?" }} (UTC)</td></tr>
<tr><th>Regions</th><td>{{ s.regions | join(", ") or "none" }}</td></tr>
<tr><th>Result</th><td><span class="PASS">{{ s.counts.PASS }} PASS</span>, <span class="FAIL">{{ s.counts.FAIL }} FAIL</span>, <span class="UNKNOWN">{{ s.counts.UNKNOWN }} UNKNOWN</span></td></tr>
<tr><th>Tool</th><td>{{ s.tool }}</td></tr>
<tr><th>Profile sha256</th><td><code>{{ s.profile_sha256 }}</code></td></tr>
</table>
{% if s.emulated %}<p class="note"><strong>Emulated:</strong> {{ s.emulated | length }} API operation(s) were answered by an AWS emulator, not a real AWS account: {{ s.emulated | join(", ") }}.</p>
{% endif %}{% if s.errors %}<h2>Errors during collection</h2>
<ul>{% for e in s.errors %}<li>{{ e }}</li>{% endfor %}</ul>
{% endif %}{% if s.accounts %}<h2>Accounts</h2>
<table>
<tr><th>Account</th><th>Access</th><th>PASS</th><th>FAIL</th><th>UNKNOWN</th><th>Note</th></tr>
{% for a in s.accounts %}<tr><td>{{ a.account }}</td><td>{{ a.access }}</td><td>{{ a.PASS }}</td><td>{{ a.FAIL }}</td><td>{{ a.UNKNOWN }}</td><td>{{ a.reason }}</td></tr>
{% endfor %}</table>
{% endif %}<h2>Checks</h2>
<table>
<tr><th>Status</th><th>Check</th><th>Deployment</th><th>Region</th><th>Finding</th></tr>
{% for r in s.checks %}<tr><td class="{{ r.status }}">{{ r.status }}</td><td>{{ r.title }}{% if r.subject %} ({{ r.subject }}){% endif %}</td><td>{{ r.deployment }}</td><td>{{ r.region }}</td><td>{{ r.message }}</td></tr>
{% else %}<tr><td colspan="5">No checks were run.</td></tr>
{% endfor %}</table>
<h2>Facts by topic</h2>
{% for t in s.topics %}<h3>{{ t.label }}</h3>
{% if t.declared %}<p>Declared in the profile:</p>
<ul>{% for label, value in t.declared %}<li>{{ label }}: {{ value }}</li>{% endfor %}</ul>
{% endif %}{% if t.findings %}<p>Verified in the AWS account:</p>
<ul>{% for r in t.findings %}<li><span class="{{ r.status }}">{{ r.status }}</span> {{ r.title }} ({{ r.deployment }}, {{ r.region }}): {{ r.message }}</li>{% endfor %}</ul>
{% else %}<p>No AWS check covers this topic; the facts above are declared, not verified.</p>
{% endif %}{% endfor %}
<p>Integrity: every file in this bundle is listed with its SHA-256 in <code>manifest.json</code> and <code>SHA256SUMS</code>; check with <code>questionnaire verify BUNDLE.zip</code> or <code>sha256sum -c SHA256SUMS</code>.</p>
</body>
</html>
"""


def _md_escape(value: Any) -> str:
    from questionnaire.markdown_text import md_inline

    return md_inline(value)


def _env(autoescape: bool):
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=autoescape, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["md"] = _md_escape
    return env


def render_markdown(s: SummaryData) -> str:
    return _env(False).from_string(_MD).render(s=s)


def render_html(s: SummaryData) -> str:
    return _env(True).from_string(_HTML).render(s=s)
