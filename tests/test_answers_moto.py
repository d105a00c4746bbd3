"""Answers from a real check run against the emulated account (moto), not hand-made findings."""

from __future__ import annotations

import pytest

pytest.importorskip("moto")


def test_answers_from_emulated_drifted_account():
    from questionnaire.answers import build_answers
    from questionnaire.checks.runner import run_checks
    from questionnaire.testing.aws_fixture import emulated_account, profile_for_regions

    from questionnaire.testing.commercial_emulator import emulated_commercial

    with emulated_account("logging_off"), emulated_commercial("compliant"):  # the OpenAI deployment: checks/commercial
        loaded = profile_for_regions()
        run = run_checks(loaded, scan_regions=["eu-west-1"])
    answers = {a.id: a for a in build_answers(loaded.profile, run.findings)}
    logging = answers["audit.invocation_logging"]
    assert logging.status == "contradicted" and logging.value is None and logging.needs_review
    assert logging.evidence[0].startswith("bedrock.invocation_logging.enabled:insights-assistant:eu-west-1")
    # what the account does have is verified
    for eid in ("audit.api_activity_logging", "audit.log_integrity", "guardrails.prompt_injection", "network.private_endpoint"):
        assert answers[eid].status == "verified", (eid, answers[eid].text)
        assert answers[eid].value == "Yes"
    # the OpenAI retention is verified, Bedrock's is not checkable: the answer stays declared
    ret = answers["retention.provider_retention"]
    assert ret.status == "declared" and "commercial.retention.matches_declaration:marketing-drafts:global" in ret.evidence
