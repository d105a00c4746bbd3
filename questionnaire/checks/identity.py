"""identity.account_matches: the credentials belong to the declared account."""

from __future__ import annotations

from typing import Any

from questionnaire.checks import Check, make, ok, register, unknown
from questionnaire.findings import Status

ID = "identity.account_matches"


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    from questionnaire.aws import identity

    return {"identity": identity(ctx, region)}


def judge(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["identity"]
    declared = dep.aws.account_id
    if not ok(raw):
        return [unknown(ID, dep, None, declared, raw)]
    acct = (raw.response or {}).get("Account")
    arn = (raw.response or {}).get("Arn")
    if acct == declared:
        return [make(ID, dep, None, Status.PASS, declared, acct, f"credentials are for account {acct} ({arn})", [raw])]
    return [make(ID, dep, None, Status.FAIL, declared, acct, f"credentials are for account {acct}, not {declared}", [raw])]


register(
    Check(
        id=ID,
        title="Credentials belong to the declared AWS account",
        topic="identity",
        profile_field="deployments[].aws.account_id",
        iam_actions=("sts:GetCallerIdentity",),
        proves="The evidence was collected from the AWS account the profile declares.",
        scope="global",
        collect=collect,
        judge=judge,
    )
)
