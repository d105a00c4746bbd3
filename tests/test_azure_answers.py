"""Azure findings feed the standard answers: verified when they pass, contradicted when they fail;
AWS-only profiles keep their verified answers although the catalog also cites Azure checks."""

from __future__ import annotations

import pytest

from questionnaire.answers import build_answers
from questionnaire.checks import run_checks
from questionnaire.profile import load_profile

from conftest import SHARED

pytest.importorskip("moto")

RESIDENCY = ("residency.regions", "residency.outside_eea", "residency.stays_in_region", "residency.cross_region_inference")


def _answers(variant: str, loaded=None):
    from questionnaire.testing.aws_fixture import emulated_account, profile_for_regions

    with emulated_account(variant):
        loaded = loaded or profile_for_regions()
        run = run_checks(loaded, scan_regions=["eu-west-1"])
    return run, {a.id: a for a in build_answers(loaded.profile, run.findings)}


def test_compliant_azure_verifies_residency_and_processor():
    run, a = _answers("compliant")
    assert sum(f.status.value == "PASS" for f in run.findings if f.check_id.startswith("azure.")) >= 8
    for eid in RESIDENCY + ("processor.hosting_provider", "network.private_endpoint", "agents.least_privilege"):
        assert a[eid].status == "verified", (eid, a[eid].text)
        assert any(c.startswith("azure.") for c in a[eid].checks)
    assert any(e.startswith("azure.account.region:support-copilot") for e in a["processor.hosting_provider"].evidence)


def test_global_standard_sku_contradicts_the_residency_answers():
    _, a = _answers("drifted")
    for eid in RESIDENCY:
        assert a[eid].status == "contradicted" and a[eid].value is None, eid
        assert "GlobalStandard" in a[eid].text and "azure.deployment.processing_scope" in a[eid].text
    assert a["network.private_endpoint"].status == "contradicted"
    assert a["guardrails.prompt_injection"].status == "contradicted"


def test_aws_only_profile_keeps_verified_answers():
    if not (SHARED / "contract" / "profile.yaml").is_file():
        pytest.skip("../shared/contract is not next to the project")
    contract = load_profile(SHARED / "contract" / "profile.yaml")
    assert not any(d.azure for d in contract.profile.deployments)
    _, a = _answers("compliant", contract)
    for eid in RESIDENCY:
        assert a[eid].status == "verified", (eid, a[eid].text)
        assert "azure." not in a[eid].text
