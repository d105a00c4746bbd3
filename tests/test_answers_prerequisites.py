"""Registry-wide: a claim is verified only when every check it presupposes PASSed.

For every catalog entry that bears a claim (a yes_no entry with a ``claim``, or any entry
verified by checks), each check it depends on (``checks`` + ``requires``) is forced to
FAIL (the answer must become contradicted and never state the claim) and to UNKNOWN (the
answer is declared, and a yes/no claim needs review). Issue 16.3.
"""

from __future__ import annotations

import pytest

from questionnaire.answers import NOT_VERIFIABLE, build_answers
from questionnaire.catalog import load_catalog
from questionnaire.findings import Finding, Status
from tests.answers_fixtures import compliant_findings, example_profile

CASES = [(e.id, c) for e in load_catalog() for c in e.all_checks if c != NOT_VERIFIABLE
         and (e.kind != "yes_no" or e.claim is not None)]


@pytest.fixture(scope="module")
def profile():
    return example_profile()


def _force(check_id: str, status: Status) -> list[Finding]:
    out = []
    for f in compliant_findings():
        if f.check_id == check_id:
            f = Finding(f.check_id, f.deployment, f.region, status, True, None if status == Status.UNKNOWN else False,
                        f"forced {status.value} for the test", subject=f.subject)
        out.append(f)
    return out


def _answer(profile, findings, entry_id):
    return {a.id: a for a in build_answers(profile, findings)}[entry_id]


def test_every_prerequisite_is_a_known_check_and_cases_exist():
    entries = {e.id: e for e in load_catalog()}
    assert entries["audit.log_encryption"].requires == ("bedrock.invocation_logging.enabled",)
    assert "bedrock.guardrail.exists" in entries["guardrails.pii_filtering"].all_checks
    assert len(CASES) >= 30


@pytest.mark.parametrize("entry_id, check_id", CASES)
def test_failed_prerequisite_contradicts_the_claim(profile, entry_id, check_id):
    base = _answer(profile, compliant_findings(), entry_id)
    a = _answer(profile, _force(check_id, Status.FAIL), entry_id)
    assert a.status == "contradicted" and a.value is None and a.needs_review, (entry_id, check_id, a)
    assert any(e.startswith(f"{check_id}:") for e in a.evidence)
    if base.value is not None:
        assert not a.text.startswith(f"{base.value}.")  # never written as the claim


@pytest.mark.parametrize("entry_id, check_id", CASES)
def test_unknown_prerequisite_is_declared_and_reviewed(profile, entry_id, check_id):
    entry = next(e for e in load_catalog() if e.id == entry_id)
    a = _answer(profile, _force(check_id, Status.UNKNOWN), entry_id)
    assert a.status == "declared", (entry_id, check_id, a.status)
    assert "not verified" in a.text and check_id in a.text
    if entry.kind == "yes_no" and a.value == entry.claim:
        assert a.needs_review


def test_log_encryption_is_contradicted_when_the_logs_do_not_exist(profile):
    """The drifted-account finding of issue 16: encryption checks PASS, logging is off."""
    a = _answer(profile, _force("bedrock.invocation_logging.enabled", Status.FAIL), "audit.log_encryption")
    assert a.status == "contradicted" and a.value is None
