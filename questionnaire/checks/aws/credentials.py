"""Long-term Bedrock API keys: IAM service-specific credentials for bedrock.amazonaws.com.

ListServiceSpecificCredentials returns metadata only (ids, users, status, expiry), never the secret.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from questionnaire.checks.registry import Verdict, check, ok

ORDER = 130

ID = "iam.bedrock_api_keys.none_long_term"


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"keys": ctx.pages("iam", "list_service_specific_credentials", "us-east-1", record_region=None,
                              ServiceName="bedrock.amazonaws.com", AllUsers=True)}


def _active(cred: dict[str, Any], now: _dt.datetime | None) -> bool:
    if cred.get("Status") != "Active":
        return False
    exp = cred.get("ExpirationDate")
    if exp and now is not None:
        try:
            return _dt.datetime.fromisoformat(str(exp).replace("Z", "+00:00")) > now
        except ValueError:
            return True
    return True


@check(id=ID,
       title="No long-term Bedrock API keys",
       topic="secrets",
       scope="global",
       profile_field="deployments[].aws.account_id",
       iam=["iam:ListServiceSpecificCredentials"],
       proves="No IAM user of the account holds an active, unexpired service-specific credential for bedrock.amazonaws.com "
              "(a long-term Bedrock API key).",
       collect=collect)
def judge(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["keys"]
    v = v.at(None).declare("none")
    if not ok(raw):
        return [v.unknown(raw)]
    try:
        now = _dt.datetime.fromisoformat(str(raw[-1].timestamp).replace("Z", "+00:00"))
    except ValueError:
        now = None
    creds = [c for c in raw.items("ServiceSpecificCredentials") if c.get("ServiceName", "bedrock.amazonaws.com") == "bedrock.amazonaws.com"]
    active = [c for c in creds if _active(c, now)]
    obs = [{"user": c.get("UserName"), "id": c.get("ServiceSpecificCredentialId"), "status": c.get("Status"),
            "expires": c.get("ExpirationDate")} for c in active]
    if active:
        who = ", ".join(sorted({str(c.get("UserName")) for c in active}))
        return [v.fail(obs, f"{len(active)} active long-term Bedrock API key(s) (IAM users: {who})", [raw])]
    return [v.passed(obs, f"no active long-term Bedrock API key ({len(creds)} inactive or expired)", [raw])]
