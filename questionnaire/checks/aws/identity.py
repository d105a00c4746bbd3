"""identity.account_matches: the credentials belong to the declared account."""

from __future__ import annotations

from typing import Any

from questionnaire.aws import identity
from questionnaire.checks.registry import Verdict, check, ok

ORDER = 10
ID = "identity.account_matches"


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"identity": identity(ctx, region)}


@check(id=ID, title="Credentials belong to the declared AWS account", topic="identity", scope="global",
       profile_field="deployments[].aws.account_id", iam=["sts:GetCallerIdentity"],
       proves="The evidence was collected from the AWS account the profile declares.", collect=collect)
def judge(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["identity"]
    v = v.at(None).declare(dep.aws.account_id)
    if not ok(raw):
        return [v.unknown(raw)]
    acct = (raw.response or {}).get("Account")
    arn = (raw.response or {}).get("Arn")
    if acct == v.declared:
        return [v.passed(acct, f"credentials are for account {acct} ({arn})", [raw])]
    return [v.fail(acct, f"credentials are for account {acct}, not {v.declared}", [raw])]
