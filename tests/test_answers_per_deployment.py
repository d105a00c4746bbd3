"""Answers about each deployment: every deployment's part is verified, contradicted or declared on its own,
and the whole answer is verified only when every deployment in its scope is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from questionnaire.answers import build_answers
from questionnaire.catalog import load_catalog
from questionnaire.errors import InputFileError
from questionnaire.findings import Finding, Status
from questionnaire.profile import load_profile
from tests.answers_fixtures import EXAMPLE, compliant_findings, example_profile

RET = "commercial.retention.matches_declaration"
AZ = "azure.abuse_monitoring.storage_off"


def _only(tmp_path: Path, *keep: str):
    """The example profile with only the deployments ``keep``."""
    text = EXAMPLE.read_text(encoding="utf-8")
    head, rest = text.split("deployments:\n", 1)
    body, tail = rest.split("\n# Company-wide rules", 1)
    blocks = re.split(r"(?m)^(?=  - id: )", body)
    kept = [b for b in blocks if any(b.startswith(f"  - id: {k}\n") for k in keep)]
    p = tmp_path / "profile.yaml"
    p.write_text(head + "deployments:\n" + "".join(kept) + "\n# Company-wide rules" + tail, encoding="utf-8")
    return load_profile(p).profile


def _answer(profile, findings, entry_id):
    return {a.id: a for a in build_answers(profile, findings, source="bundle")}[entry_id]


def _f(cid, dep, status, msg="as declared"):
    return Finding(cid, dep, None, status, 0, 0, msg)


def test_commercial_and_azure_retention_verified_when_every_deployment_passes(tmp_path):
    profile = _only(tmp_path, "marketing-drafts", "support-copilot")
    a = _answer(profile, [_f(RET, "marketing-drafts", Status.PASS), _f(AZ, "support-copilot", Status.PASS)],
                "retention.provider_retention")
    assert a.status == "verified" and not a.needs_review
    assert "OpenAI (marketing-drafts): prompts and outputs are not stored" in a.text
    assert a.text.endswith(f"Verified (checks: {AZ}, {RET}).")
    assert [(p["deployment"], p["status"]) for p in a.deployments] == [("marketing-drafts", "verified"), ("support-copilot", "verified")]


def test_one_deployment_without_findings_keeps_the_answer_declared(tmp_path):
    profile = _only(tmp_path, "marketing-drafts", "support-copilot")
    a = _answer(profile, [_f(RET, "marketing-drafts", Status.PASS)], "retention.provider_retention")
    assert a.status == "declared"
    assert "no check of this covers support-copilot" in a.text
    assert f"Verified for marketing-drafts ({RET}); not for support-copilot." in a.text
    assert a.deployments[1] == {"deployment": "support-copilot", "status": "declared", "checks": [], "why": "no check covers it"}


def test_fail_on_one_deployment_contradicts_and_names_it(tmp_path):
    profile = _only(tmp_path, "marketing-drafts", "support-copilot")
    msg = "OpenAI keeps prompts and outputs up to 30 days, but the profile declares 0"
    a = _answer(profile, [_f(RET, "marketing-drafts", Status.FAIL, msg), _f(AZ, "support-copilot", Status.PASS)],
                "training.abuse_monitoring_retention")
    assert a.status == "contradicted" and a.value is None and a.needs_review
    assert {p["deployment"]: p["status"] for p in a.deployments} == {"marketing-drafts": "contradicted", "support-copilot": "verified"}
    assert a.deployments[0]["why"] == msg


def test_unknown_keeps_the_deployment_declared_with_the_reason(tmp_path):
    profile = _only(tmp_path, "marketing-drafts")
    why = "not verified: zero data retention is contractual; no Anthropic API shows it"
    a = _answer(profile, [_f(RET, "marketing-drafts", Status.UNKNOWN, why)], "retention.provider_retention")
    assert a.status == "declared"
    assert a.deployments == [{"deployment": "marketing-drafts", "status": "declared", "checks": [RET], "why": why.rstrip(".")}]


def test_customer_scope_names_a_failing_deployment_outside_it():
    # retention.provider_stores_data speaks of the deployments with customer data; marketing-drafts holds none,
    # but its FAIL still contradicts the answer and is named among the parts
    findings = [f for f in compliant_findings() if f.check_id != RET] + [_f(RET, "marketing-drafts", Status.FAIL, "30 days")]
    a = _answer(example_profile(), findings, "retention.provider_stores_data")
    assert a.status == "contradicted"
    parts = {p["deployment"]: p["status"] for p in a.deployments}
    assert parts["marketing-drafts"] == "contradicted" and parts["support-copilot"] == "verified"
    assert parts["insights-assistant"] == "declared"  # Bedrock's retention is declared only, always


def test_profile_source_has_no_parts():
    a = {x.id: x for x in build_answers(example_profile(), None, source="profile")}["retention.provider_retention"]
    assert a.status == "declared" and a.deployments == []


def test_catalog_rejects_a_bad_per_deployment_value(tmp_path):
    from questionnaire.resources import templates_dir

    text = (templates_dir() / "catalog.yaml").read_text(encoding="utf-8")
    bad = text.replace("per_deployment: all", "per_deployment: every", 1)
    assert bad != text
    (tmp_path / "catalog.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(InputFileError, match="per_deployment must be true, 'customer' or 'all'"):
        load_catalog(tmp_path)
