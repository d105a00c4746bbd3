"""Secrets Manager: each declared secret exists (in its ARN's region, else in any declared region) and
actually rotates at least every rotation_days: rotation on, and neither the last rotation stale nor the
next one overdue (relative to the time of the response)."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from questionnaire.checks.registry import Verdict, check, err_code, ok

ORDER = 140

ID = "secretsmanager.secret.rotation"
_RATE = re.compile(r"^rate\((\d+)\s+days?\)$")


def _regions(dep: Any, name: str) -> list[str]:
    parts = name.split(":")
    if name.startswith("arn:") and len(parts) > 3 and parts[3]:
        return [parts[3]]
    return list(dep.regions)


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    # DescribeSecret returns metadata only; the secret value is never read (GetSecretValue is refused by the guard).
    out = {}
    for name in dep.aws.secrets:
        for r in _regions(dep, name):
            out[name] = ctx.call("secretsmanager", "describe_secret", r, SecretId=name)
            if err_code(out[name]) != "ResourceNotFoundException":
                break
    return out


def _when(value: Any) -> _dt.datetime | None:
    if not value:
        return None
    try:
        return _dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def staleness(raw: Any, days: int | None) -> str | None:
    """Why a secret with rotation on does not actually rotate, judged at the response's own timestamp."""
    r = raw.response or {}
    now = _when(raw.timestamp)
    if now is None or days is None:
        return None
    grace = _dt.timedelta(days=1)
    nxt, last = _when(r.get("NextRotationDate")), _when(r.get("LastRotatedDate"))
    if nxt is not None and nxt + grace < now:
        return f"its next rotation was due {nxt.date()} and has not happened (rotation is failing)"
    if last is not None and last + _dt.timedelta(days=days) + grace < now:
        return f"it was last rotated {last.date()}, more than {days} days ago"
    return None


def interval_days(resp: dict[str, Any]) -> int | None:
    rules = resp.get("RotationRules") or {}
    if rules.get("AutomaticallyAfterDays"):
        return int(rules["AutomaticallyAfterDays"])
    m = _RATE.match(str(rules.get("ScheduleExpression") or "").strip())
    return int(m.group(1)) if m else None


@check(id=ID,
       title="Declared secrets rotate within rotation_days",
       topic="secrets",
       scope="global",
       profile_field="deployments[].aws.secrets, controls.secrets.rotation_days",
       iam=["secretsmanager:DescribeSecret"],
       proves="Each declared secret exists in Secrets Manager with automatic rotation no longer than declared.",
       collect=collect,
       applies=lambda d, p: bool(d.aws.secrets))
def judge(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    limit = profile.controls.secrets.rotation_days if profile.controls.secrets else None
    v = v.declare({"rotation": True, "max_days": limit})
    out = []
    for name, raw in data.items():
        s = v.at(raw.region or dep.regions[0]).about(name)
        if err_code(raw) == "ResourceNotFoundException":
            where = ", ".join(_regions(dep, name))
            out.append(s.fail(None, f"secret {name} not found in {where}", [raw]))
            continue
        if not ok(raw):
            out.append(s.unknown(raw))
            continue
        r = raw.response or {}
        days = interval_days(r)
        obs = {"rotation": bool(r.get("RotationEnabled")), "days": days, "schedule": (r.get("RotationRules") or {}).get("ScheduleExpression")}
        if r.get("DeletedDate"):
            out.append(s.fail({**obs, "deleted": str(r.get("DeletedDate"))}, f"{name} is scheduled for deletion", [raw]))
        elif not r.get("RotationEnabled"):
            out.append(s.fail(obs, f"rotation is off for {name}", [raw]))
        elif limit is not None and days is None:
            out.append(s.undetermined(obs, f"rotation is on for {name}, but its schedule cannot be compared with {limit} days", [raw]))
        elif limit is not None and days > limit:
            out.append(s.fail(obs, f"{name} rotates every {days} days, more than {limit}", [raw]))
        elif staleness(raw, days) is not None:
            obs.update(last_rotated=r.get("LastRotatedDate"), next_rotation=r.get("NextRotationDate"))
            out.append(s.fail(obs, f"rotation is on for {name}, but {staleness(raw, days)}", [raw]))
        else:
            out.append(s.passed(obs, f"{name} rotates every {days} days", [raw]))
    return out
