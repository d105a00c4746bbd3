from __future__ import annotations

import re

import pytest

from questionnaire.answers import build_answers, in_eea, region_label, region_name, summary
from questionnaire.catalog import load_catalog
from questionnaire.errors import UserInputError
from questionnaire.findings import Finding, Status
from questionnaire.profile import profile_from_bytes

from answers_fixtures import CONTRACT, EXAMPLE, compliant_findings, drifted_findings, example_profile, load_profile


def by_id(answers):
    return {a.id: a for a in answers}


@pytest.fixture(scope="module")
def profile():
    return example_profile()


@pytest.fixture(scope="module")
def compliant(profile):
    return by_id(build_answers(profile, compliant_findings(), source="bundle"))


@pytest.fixture(scope="module")
def drifted(profile):
    return by_id(build_answers(profile, drifted_findings(), source="bundle"))


@pytest.fixture(scope="module")
def declared(profile):
    return by_id(build_answers(profile, None, source="profile"))


def test_every_entry_renders_once_in_catalog_order(profile):
    answers = build_answers(profile, None, source="profile")
    assert [a.id for a in answers] == [e.id for e in load_catalog()]
    for a in answers:
        assert a.text and "{{" not in a.text and "{%" not in a.text
        assert a.status in ("verified", "contradicted", "declared", "not_applicable")
        if a.kind == "yes_no" and a.value is None:  # the profile cannot tell (e.g. Vertex's network path)
            assert a.needs_review and a.text.startswith("Needs review: the profile does not say enough")
        elif a.kind == "yes_no":
            assert a.value in ("Yes", "No")
            assert a.text.startswith(a.value + ". ")
        else:
            assert a.value is None


# ----------------------------------------------------------------------------- golden answers per topic


GOLDEN_COMPLIANT = {
    # id: (value, status, needs_review, phrases that must appear)
    "training.customer_data_used": ("No", "declared", True, ["not used to train", "insights-assistant", "Consumer AI accounts"]),
    "processor.model_developer_access": ("No", "declared", True, ["Amazon Web Services, Google Cloud and Microsoft) is the processor", "never receives prompts"]),
    "residency.outside_eea": ("No", "verified", False, ["eu-west-1 (Europe, Ireland)", "marketing-drafts runs in United States", "only category 1"]),
    # per-deployment claims: the example's Vertex and Azure deployments are not covered by every cited check
    "residency.cross_region_inference": ("No", "declared", True, ["disabled", "no check of this covers ticket-summaries"]),
    "audit.invocation_logging": ("Yes", "declared", True, ["acme-bedrock-invocation-logs", "/aws/bedrock/invocations",
                                                           "no check of this covers support-copilot"]),
    "audit.log_retention": (None, "verified", False, ["400 days"]),
    "audit.log_integrity": ("Yes", "verified", False, ["acme-org-trail"]),
    "vendor.dpa": ("Yes", "declared", True, ["AWS GDPR Data Processing Addendum", "OpenAI Data Processing Addendum"]),
    "vendor.separate_model_agreement": ("No", "declared", False, ["Anthropic receives no data", "no separate agreement"]),
    "accounts.consumer_prohibited": ("Yes", "declared", True, ["prohibited", "no data processing agreement"]),
    "data.restricted_prohibited": ("Yes", "declared", True, ["Category 3 (Restricted)"]),
    "coding.secrets_excluded": ("Yes", "verified", False, ["excluded from the context"]),
    "coding.tools": (None, "declared", False, ["Claude Code on the company Team plan", "GitHub Copilot Business"]),
    "secrets.rotation": ("Yes", "verified", False, ["90 days"]),
    "agents.least_privilege": ("Yes", "verified", False, ["arn:aws:iam::123456789012:role/insights-assistant"]),
    # these synthetic findings include a PASS of the Bedrock Agents check; a real bundle of the example profile (no agent ids)
    # has none and stays declared (tests/test_drift_matrix.py::test_human_approval_answer_rests_on_the_agents_check_...)
    "agents.human_approval": ("Yes", "verified", False, ["payments, external communications, data deletion or permission changes"]),
    "guardrails.prompt_injection": ("Yes", "verified", False, ["insights-guardrail"]),
    "guardrails.pii_filtering": ("Yes", "declared", True, ["personal data", "no check of this covers ticket-summaries and support-copilot"]),
    # the example's Vertex deployment does not say whether it uses Private Service Connect: no Yes/No
    "network.private_endpoint": (None, "declared", True, ["VPC endpoint", "marketing-drafts: the public API of OpenAI",
                                                          "does not say whether through Private Service Connect"]),
    "retention.provider_retention": (None, "declared", False, ["OpenAI (marketing-drafts): prompts and outputs are not stored",
                                                               "Verified for support-copilot (azure.abuse_monitoring.storage_off)"]),
    "retention.provider_stores_data": ("No", "declared", True, ["do not store prompts or outputs",
                                                               "not for insights-assistant and ticket-summaries"]),
    "general.security_contact": (None, "declared", False, ["security@acme.example"]),
}


@pytest.mark.parametrize("entry_id", sorted(GOLDEN_COMPLIANT))
def test_golden_compliant(compliant, entry_id):
    value, status, review, phrases = GOLDEN_COMPLIANT[entry_id]
    a = compliant[entry_id]
    assert (a.value, a.status, a.needs_review) == (value, status, review), a.text
    for phrase in phrases:
        assert phrase in a.text
    if status == "verified":
        assert "Verified (checks:" in a.text
        assert a.evidence and all(e.split(":")[0] in a.checks for e in a.evidence)
    else:
        assert "not verified" in a.text


def test_compliant_verified_answers_cite_finding_ids(compliant):
    a = compliant["audit.invocation_logging"]
    assert a.evidence == ["bedrock.invocation_logging.enabled:insights-assistant:eu-west-1",
                          "vertex.request_response_logging.matches_declaration:ticket-summaries:global"]
    assert compliant["secrets.rotation"].evidence == [
        "secretsmanager.secret.rotation:insights-assistant:eu-west-1:acme/insights/db-credentials"
    ]


def test_unknown_finding_keeps_the_declared_answer_but_needs_review():
    if not CONTRACT.is_file():
        pytest.skip("../shared/contract is not next to the project")
    profile = load_profile(CONTRACT).profile  # AWS + OpenAI: the network path is known for every deployment
    findings = [
        f if f.check_id != "ec2.vpc_endpoint.bedrock_runtime"
        else Finding(f.check_id, f.deployment, f.region, Status.UNKNOWN, True, None, "AccessDenied")
        for f in compliant_findings()
    ]
    a = by_id(build_answers(profile, findings))["network.private_endpoint"]
    assert (a.value, a.status, a.needs_review) == ("Yes", "declared", True)
    assert "ec2.vpc_endpoint.bedrock_runtime could not be confirmed" in a.text


def test_missing_finding_is_not_verified(profile):
    findings = [f for f in compliant_findings() if f.check_id != "cloudtrail.trail.covers_region"]
    a = by_id(build_answers(profile, findings))["audit.api_activity_logging"]
    assert a.status == "declared" and a.needs_review
    assert "cloudtrail.trail.covers_region could not be confirmed" in a.text


def test_golden_drifted(drifted):
    a = drifted["audit.invocation_logging"]
    assert (a.value, a.status, a.needs_review) == (None, "contradicted", True)
    assert a.text.startswith("Needs review: the observed configuration does not match the declared one.")
    assert "model invocation logging is disabled (insights-assistant, eu-west-1)" in a.text
    assert a.evidence[0] == "bedrock.invocation_logging.enabled:insights-assistant:eu-west-1"  # the failed one first
    b = drifted["agents.least_privilege"]
    assert (b.value, b.status, b.needs_review) == (None, "contradicted", True)
    assert "bedrock:* and iam:PassRole on *" in b.text
    c = drifted["agents.action_audit"]  # also depends on invocation logging
    assert c.status == "contradicted"
    # unaffected answers stay verified
    assert drifted["audit.log_integrity"].status == "verified"
    assert drifted["guardrails.pii_filtering"].value == "Yes"


def test_golden_no_bundle_all_declared(declared):
    for a in declared.values():
        assert a.status == "declared"
        assert "Declared in the company's AI deployment profile, not verified against the AWS account." in a.text
        assert a.evidence == []
    assert declared["audit.invocation_logging"].needs_review is True
    assert declared["general.ai_used"].needs_review is False  # not a control claim
    # findings passed with source="profile" are ignored
    again = by_id(build_answers(example_profile(), compliant_findings(), source="profile"))
    assert all(a.status == "declared" for a in again.values())


def test_bundle_source_without_findings_is_declared(profile):
    answers = build_answers(profile, None, source="bundle")
    assert all(a.status == "declared" and "not verified" in a.text for a in answers)


def _claimed(answers):
    entries = {e.id: e for e in load_catalog()}
    return {a.id for a in answers if a.kind == "yes_no" and a.value is not None and a.value == entries[a.id].claim}


@pytest.mark.parametrize("check_id", sorted({c for e in load_catalog() for c in e.checks} - {"declared.not_verifiable"}))
def test_no_answer_claims_a_control_whose_check_failed(profile, check_id):
    findings = drifted_findings({check_id: f"observed drift in {check_id}"})
    answers = build_answers(profile, findings)
    entries = {e.id: e for e in load_catalog()}
    affected = [a for a in answers if check_id in entries[a.id].checks]
    assert affected
    for a in affected:
        assert a.status == "contradicted" and a.needs_review and a.value is None
        assert f"observed drift in {check_id}" in a.text
        assert not re.match(r"^(Yes|No)\b", a.text)
    assert not {a.id for a in affected} & _claimed(answers)


# ----------------------------------------------------------------------------- multi-deployment residency


def _profile_with(text_replacements):
    raw = EXAMPLE.read_text(encoding="utf-8")
    for old, new in text_replacements:
        assert old in raw
        raw = raw.replace(old, new)
    return profile_from_bytes(raw.encode())


def test_residency_considers_only_customer_data_deployments(declared):
    a = declared["residency.outside_eea"]
    assert a.value == "No"
    assert "insights-assistant (categories 1 (Unrestricted) and 2 (Commercial tier required)) in eu-west-1" in a.text
    assert "marketing-drafts runs in United States but handles only category 1 (Unrestricted) data" in a.text


def test_residency_flags_customer_data_outside_eea():
    p = _profile_with([("    data_categories: [1]\n", "    data_categories: [1, 2]\n")])
    a = by_id(build_answers(p, None, source="profile"))["residency.outside_eea"]
    assert a.value == "Yes" and a.needs_review is False
    assert "marketing-drafts processes customer data (categories 1 (Unrestricted) and 2 (Commercial tier required)) in United States, outside the EEA" in a.text


def test_residency_non_eea_aws_region_and_cross_region_inference():
    p = _profile_with([("regions: [eu-west-1]", "regions: [eu-west-2]")])
    a = by_id(build_answers(p, None, source="profile"))["residency.outside_eea"]
    assert a.value == "Yes" and "eu-west-2 (Europe, London)" in a.text
    p = _profile_with([("    cross_region_inference: false\n    agreements:\n      dpa: AWS",
                        "    cross_region_inference: true\n    agreements:\n      dpa: AWS")])
    ans = by_id(build_answers(p, None, source="profile"))
    assert ans["residency.cross_region_inference"].value == "Yes"
    assert ans["residency.stays_in_region"].value == "No"
    assert ans["residency.outside_eea"].value == "Yes"


def test_region_filters():
    assert region_name("eu-central-1") == "Europe (Frankfurt)"
    assert region_label("eu-west-1") == "eu-west-1 (Europe, Ireland)"
    assert region_label("United States") == "United States"
    assert in_eea("eu-north-1") and in_eea("Germany") and not in_eea("eu-west-2") and not in_eea("eu-central-2")
    assert not in_eea("us-east-1")


# ----------------------------------------------------------------------------- robustness


MINIMAL = b"""version: 1
organization: {name: Tiny Ltd}
data_classification:
  - {category: 1, name: Public, ai_use: allowed}
deployments:
  - id: chat
    tier: commercial_api
    platform: anthropic_api
    processor: Anthropic
    training_on_customer_data: false
    regions: [United States]
"""


def test_minimal_profile_renders_every_entry_without_undefined():
    answers = by_id(build_answers(profile_from_bytes(MINIMAL), None, source="profile"))
    assert len(answers) == len(load_catalog())
    assert answers["coding.company_accounts"].status == "not_applicable"
    assert answers["coding.company_accounts"].value is None and not answers["coding.company_accounts"].needs_review
    assert answers["secrets.rotation"].status == "not_applicable"
    assert answers["audit.invocation_logging"].value is None  # no AWS deployment: the profile cannot tell
    assert answers["agents.least_privilege"].value == "No"
    assert answers["vendor.dpa"].value == "No" and "no DPA in place" in answers["vendor.dpa"].text
    assert answers["residency.outside_eea"].text.startswith("No. No AI deployment handles customer data.")


def test_template_syntax_in_profile_values_is_written_literally():
    raw = EXAMPLE.read_bytes().replace(b"name: Acme Analytics GmbH", b"name: \"{{ 7*7 }} {% if true %}x{% endif %}\"")
    p = profile_from_bytes(raw)
    answers = by_id(build_answers(p, None, source="profile"))
    text = answers["general.security_contact"].text
    assert "{{ 7*7 }} {% if true %}x{% endif %} security team" in text
    assert "49" not in text


def test_unknown_source_is_rejected(profile):
    with pytest.raises(UserInputError, match="source must be one of"):
        build_answers(profile, None, source="guess")


def test_summary_counts(drifted):
    s = summary(list(drifted.values()))
    assert s["total"] == len(drifted)
    assert s["contradicted"] == sum(1 for a in drifted.values() if a.status == "contradicted") >= 3
    assert s["verified"] + s["contradicted"] + s["declared"] + s["not_applicable"] == s["total"]


def test_to_dict_shape(compliant):
    d = compliant["audit.invocation_logging"].to_dict()
    assert set(d) == {"id", "topic", "question", "kind", "value", "text", "status", "needs_review", "evidence", "checks", "asserts",
                      "deployments"}


def test_not_verifiable_deployment_is_named(compliant):
    a = compliant["retention.provider_retention"]
    assert a.status == "declared"
    assert "Declared, not verified: marketing-drafts cannot be checked against AWS; no check of this covers ticket-summaries;" in a.text
    assert a.evidence == ["bedrock.provider_retention.declared_only:insights-assistant:global",
                          "declared.not_verifiable:marketing-drafts:global", "commercial.retention.matches_declaration:marketing-drafts:global",
                          "azure.abuse_monitoring.storage_off:support-copilot:global"]
