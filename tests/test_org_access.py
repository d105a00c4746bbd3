"""Reaching other accounts: AssumeRole sessions (moto, multi-account), the access guard, what is recorded."""

from __future__ import annotations

import json

import pytest

from questionnaire.errors import ReadOnlyViolation
from questionnaire.org.access import SESSION_NAME, AccessFailure, AccountSessions, Way, ways_in
from questionnaire.org.clients import ACCESS_OPERATIONS, AccessClients

CALLER = "123456789012"  # moto's default account
MEMBER = "222222222222"
MISSING = "333333333333"


@pytest.fixture
def moto_env():
    from moto import mock_aws

    from questionnaire.testing.aws_fixture import fake_credentials_env, patched_environ

    with patched_environ(fake_credentials_env()), mock_aws():
        yield


def _missing_role(params, region):
    """AWS answers AccessDenied for a role that does not exist (or does not trust the caller)."""
    from questionnaire.aws import EmulatedError

    if params.get("RoleArn", "").startswith(f"arn:aws:iam::{MISSING}:"):
        raise EmulatedError("AccessDenied", f"User: arn:aws:sts::{CALLER}:assumed-role/auditor/x is not authorized to "
                                            f"perform: sts:AssumeRole on resource: {params['RoleArn']}", 403)
    return None  # through to moto


def _sessions(ways, recorded):
    clients = AccessClients(caller_account=CALLER)
    return AccountSessions(ways, CALLER, clients.assume_role, recorded.append), clients


def test_assumed_credentials_read_the_member_account_and_are_never_recorded(moto_env):
    from questionnaire.aws import new_session

    recorded: list = []
    role = f"arn:aws:iam::{MEMBER}:role/QuestionnaireReadOnly"
    sessions, clients = _sessions({MEMBER: Way(MEMBER, role, "acme-ext-id", "test")}, recorded)
    creds = sessions.credentials(MEMBER)
    s = new_session(creds)
    sts = s.client("sts", region_name="us-east-1")
    for _ in range(3):
        assert sts.get_caller_identity()["Account"] == MEMBER
    assert sessions.credentials(MEMBER) is creds and len(recorded) == 1  # assumed once
    assert clients.calls == 1  # and not refreshed before every request (900-second sessions)
    raw = recorded[0]
    text = json.dumps(raw.to_dict())
    frozen = creds.get_frozen_credentials()
    assert frozen.secret_key not in text and frozen.token not in text and frozen.access_key not in text
    assert raw.params == {"RoleArn": role, "RoleSessionName": SESSION_NAME, "DurationSeconds": 900, "ExternalId": "(given)"}
    assert raw.account == MEMBER and raw.response["AssumedRoleUser"]["Arn"].endswith(f"/{SESSION_NAME}")
    assert sessions.status()[MEMBER]["access"] == "assumed"


def test_the_external_id_is_sent(moto_env):
    from questionnaire.aws import emulators

    seen = []
    with emulators({("sts", "AssumeRole"): lambda p, r: seen.append(dict(p))}):
        sessions, _ = _sessions({MEMBER: Way(MEMBER, f"arn:aws:iam::{MEMBER}:role/R", "acme-ext-id")}, [])
        sessions.credentials(MEMBER)
    assert seen[0]["ExternalId"] == "acme-ext-id" and seen[0]["DurationSeconds"] == 900


def test_a_role_that_cannot_be_assumed_is_an_access_failure_with_the_reason(moto_env):
    from questionnaire.aws import emulators

    recorded: list = []
    with emulators({("sts", "AssumeRole"): _missing_role}):
        sessions, _ = _sessions({MISSING: Way(MISSING, f"arn:aws:iam::{MISSING}:role/QuestionnaireReadOnly")}, recorded)
        with pytest.raises(AccessFailure) as e:
            sessions.credentials(MISSING)
        with pytest.raises(AccessFailure):  # asked once, remembered
            sessions.credentials(MISSING)
    assert "cannot assume arn:aws:iam::333333333333:role/QuestionnaireReadOnly (AccessDenied: User:" in e.value.reason
    assert e.value.raw is recorded[0] and recorded[0].error["code"] == "AccessDenied" and len(recorded) == 1
    assert sessions.status()[MISSING] == {"access": "failed", "role": f"arn:aws:iam::{MISSING}:role/QuestionnaireReadOnly",
                                          "reason": e.value.reason}


def test_the_callers_account_needs_no_role_and_an_account_without_a_way_in_fails(moto_env):
    sessions, clients = _sessions({CALLER: Way(CALLER, None), MEMBER: Way(MEMBER, None, None, "aws_organization")}, [])
    assert sessions.credentials(CALLER) is None and clients.calls == 0
    with pytest.raises(AccessFailure, match="account 222222222222 is not the caller's .* set aws_organization.role_name"):
        sessions.credentials(MEMBER)


def test_the_access_session_allows_exactly_its_operations(moto_env):
    clients = AccessClients()
    assert ACCESS_OPERATIONS == {"sts.AssumeRole", "sts.GetCallerIdentity", "organizations.ListAccounts"}
    assert clients.caller_identity().response["Account"] == CALLER
    for service, call in (("iam", lambda c: c.create_role(RoleName="x", AssumeRolePolicyDocument="{}")),
                          ("s3", lambda c: c.list_buckets()),
                          ("sts", lambda c: c.get_session_token())):
        with pytest.raises(ReadOnlyViolation, match="the account-access session may only call"):
            call(clients.session.client(service, region_name="us-east-1"))


def test_a_check_session_never_assumes_a_role(moto_env):
    from questionnaire.aws import AwsContext

    with pytest.raises(ReadOnlyViolation):
        AwsContext().call("sts", "assume_role", "us-east-1", RoleArn=f"arn:aws:iam::{MEMBER}:role/R", RoleSessionName="x")


def test_ways_in_from_the_profile_and_the_organization(tmp_path):
    from conftest import EXAMPLE_PROFILE
    from questionnaire.profile import load_profile

    text = EXAMPLE_PROFILE.read_text(encoding="utf-8").replace(
        '      account_id: "123456789012"\n',
        '      account_id: "123456789012"\n      role_name: AuditRole\n      accounts:\n        trail: "444444444444"\n', 1)
    text += "aws_organization:\n  role_name: OrgRole\n  external_id: org-ext\n"
    p = tmp_path / "profile.yaml"
    p.write_text(text, encoding="utf-8")
    ways = ways_in(load_profile(p).profile, CALLER, [MEMBER, "444444444444"])
    assert ways[CALLER].role_arn is None  # the caller's own account: its credentials
    assert ways["444444444444"].role_arn == "arn:aws:iam::444444444444:role/AuditRole"
    assert ways["444444444444"].named_by == "deployments[0].aws.accounts.trail"
    assert ways[MEMBER] == Way(MEMBER, f"arn:aws:iam::{MEMBER}:role/OrgRole", "org-ext", "aws_organization.role_name")
