"""Secrets Manager: each declared secret exists and rotates at least every rotation_days."""

from __future__ import annotations

import re
from typing import Any

from questionnaire.checks import Check, err_code, make, ok, register, unknown
from questionnaire.findings import Status

ID = "secretsmanager.secret.rotation"
_RATE = re.compile(r"^rate\((\d+)\s+days?\)$")


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    # DescribeSecret returns metadata only; the secret value is never read (GetSecretValue is refused by the guard).
    return {name: ctx.call("secretsmanager", "describe_secret", dep.regions[0], SecretId=name) for name in dep.aws.secrets}


def interval_days(resp: dict[str, Any]) -> int | None:
    rules = resp.get("RotationRules") or {}
    if rules.get("AutomaticallyAfterDays"):
        return int(rules["AutomaticallyAfterDays"])
    m = _RATE.match(str(rules.get("ScheduleExpression") or "").strip())
    return int(m.group(1)) if m else None


def judge(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    limit = profile.controls.secrets.rotation_days if profile.controls.secrets else None
    declared = {"rotation": True, "max_days": limit}
    region = dep.regions[0]
    out = []
    for name, raw in data.items():
        if err_code(raw) == "ResourceNotFoundException":
            out.append(make(ID, dep, region, Status.FAIL, declared, None, f"secret {name} not found in {region}", [raw], name))
            continue
        if not ok(raw):
            out.append(unknown(ID, dep, region, declared, raw, subject=name))
            continue
        r = raw.response or {}
        days = interval_days(r)
        obs = {"rotation": bool(r.get("RotationEnabled")), "days": days, "schedule": (r.get("RotationRules") or {}).get("ScheduleExpression")}
        if r.get("DeletedDate"):
            out.append(make(ID, dep, region, Status.FAIL, declared, {**obs, "deleted": str(r.get("DeletedDate"))},
                            f"{name} is scheduled for deletion", [raw], name))
        elif not r.get("RotationEnabled"):
            out.append(make(ID, dep, region, Status.FAIL, declared, obs, f"rotation is off for {name}", [raw], name))
        elif limit is not None and days is None:
            out.append(make(ID, dep, region, Status.UNKNOWN, declared, obs,
                            f"rotation is on for {name}, but its schedule cannot be compared with {limit} days", [raw], name))
        elif limit is not None and days > limit:
            out.append(make(ID, dep, region, Status.FAIL, declared, obs, f"{name} rotates every {days} days, more than {limit}", [raw], name))
        else:
            out.append(make(ID, dep, region, Status.PASS, declared, obs, f"{name} rotates every {days} days", [raw], name))
    return out


register(Check(id=ID, title="Declared secrets rotate within rotation_days", topic="secrets",
               profile_field="deployments[].aws.secrets, controls.secrets.rotation_days",
               iam_actions=("secretsmanager:DescribeSecret",),
               proves="Each declared secret exists in Secrets Manager with automatic rotation no longer than declared.",
               scope="global", collect=collect, judge=judge, applies=lambda d, p: bool(d.aws.secrets)))
