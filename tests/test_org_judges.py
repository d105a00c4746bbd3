"""Judges of the multi-account checks, on recorded responses (no AWS): the organization baseline (one finding per
account) and the organization trail of another account covering the deployment's account."""

from __future__ import annotations

import pytest

from questionnaire.checks import CHECKS
from questionnaire.findings import Status

from test_checks_judges import DEP, PROFILE, REG, LOGCFG, R, TRAIL, metrics, scan, trail

DECLARED = DEP.aws.account_id
OTHER = "999999999999"
ONLY = "org.bedrock.only_declared_accounts"
LOGGED = "org.bedrock.invocation_logging_where_used"
M = "anthropic.claude-3-5-sonnet-20240620-v1:0"
NOLOG = {"loggingConfig": {}}


def account(acct: str, **per_region):
    data = scan(**per_region)
    data.update(account=acct, enabled=[R("account", "ListRegions", {"Regions": []}, region=None)], region_source="account:ListRegions")
    return data


ORG_CASES = [
    (ONLY, account(OTHER, **{REG: R("bedrock", "GetModelInvocationLoggingConfiguration", NOLOG)})),  # quiet member
    (ONLY, account(OTHER, **{REG: (R("bedrock", "GetModelInvocationLoggingConfiguration", NOLOG), metrics(M))})),
    (ONLY, account(OTHER, **{REG: R("bedrock", "GetModelInvocationLoggingConfiguration", error="ThrottlingException")})),
    (ONLY, account(DECLARED, **{REG: (R("bedrock", "GetModelInvocationLoggingConfiguration", LOGCFG), metrics(M))})),
    (LOGGED, account(OTHER, **{REG: (R("bedrock", "GetModelInvocationLoggingConfiguration", LOGCFG), metrics(M))})),
    (LOGGED, account(OTHER, **{REG: (R("bedrock", "GetModelInvocationLoggingConfiguration", NOLOG), metrics(M))})),
    (LOGGED, account(OTHER, **{REG: (R("bedrock", "GetModelInvocationLoggingConfiguration", error="AccessDeniedException"),
                                     metrics(M))})),
    (LOGGED, account(OTHER, **{REG: R("bedrock", "GetModelInvocationLoggingConfiguration", NOLOG)})),
]
EXPECTED = [Status.PASS, Status.FAIL, Status.UNKNOWN, Status.PASS, Status.PASS, Status.FAIL, Status.UNKNOWN, Status.PASS]
ORG_JUDGE_CASES = [(cid, s) for (cid, _), s in zip(ORG_CASES, EXPECTED)]


@pytest.mark.parametrize("i", range(len(ORG_CASES)))
def test_baseline_judges(i):
    cid, data = ORG_CASES[i]
    out = CHECKS[cid].judge(PROFILE, None, None, data)
    assert [f.status for f in out] == [EXPECTED[i]], [f.message for f in out]
    f = out[0]
    assert f.deployment is None and f.subject == data["account"] and f.evidence and data["account"] in f.message
    if f.status is Status.UNKNOWN:
        assert f.message.startswith("not verified")
    if cid == ONLY and f.status is Status.FAIL:
        assert "the account is not declared in the profile" in f.message


def _dep_with_trail_in(acct: str):
    accounts = DEP.aws.accounts.model_copy(update={"trail": acct}) if DEP.aws.accounts else None
    from questionnaire.profile_aws_access import AwsAccounts

    return DEP.model_copy(update={"aws": DEP.aws.model_copy(update={"accounts": accounts or AwsAccounts(trail=acct),
                                                                     "role_name": "QuestionnaireReadOnly"})})


def test_a_trail_in_another_account_covers_only_as_an_organization_trail():
    dep = _dep_with_trail_in("111111111111")
    plain = CHECKS["cloudtrail.trail.covers_region"].judge(PROFILE, dep, REG, trail())
    assert [f.status for f in plain] == [Status.FAIL]
    assert "not an organization trail" in plain[0].message and DECLARED in plain[0].message
    org = {"trailList": [dict(TRAIL["trailList"][0], IsOrganizationTrail=True)]}
    covered = CHECKS["cloudtrail.trail.covers_region"].judge(PROFILE, dep, REG, trail(resp=org))
    assert [f.status for f in covered] == [Status.PASS] and "organization trail" in covered[0].message
    assert covered[0].observed["organization_trail"] is True
    same = CHECKS["cloudtrail.trail.covers_region"].judge(PROFILE, DEP, REG, trail())  # single account: as before
    assert [f.status for f in same] == [Status.PASS] and "organization_trail" not in same[0].observed


def test_an_unreachable_account_gives_its_reason():
    from questionnaire.checks.registry import reason

    raw = R("sts", "AssumeRole", error="AccessDenied", region=None)
    raw.params, raw.account = {"RoleArn": f"arn:aws:iam::{OTHER}:role/QuestionnaireReadOnly"}, OTHER
    assert reason(raw) == (f"account {OTHER} could not be read: cannot assume arn:aws:iam::{OTHER}:role/QuestionnaireReadOnly "
                           "(AccessDenied: x)")
