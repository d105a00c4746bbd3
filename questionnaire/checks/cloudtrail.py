"""CloudTrail: the declared trail exists, is logging, covers the region, validates log files."""

from __future__ import annotations

from typing import Any

from questionnaire.checks import Check, make, ok, register, unknown
from questionnaire.findings import Status

LOGGING = "cloudtrail.trail.logging"
COVERS = "cloudtrail.trail.covers_region"
VALIDATION = "cloudtrail.trail.log_file_validation"


def find_trail(resp: Any, name: str) -> dict[str, Any] | None:
    for t in (resp or {}).get("trailList") or []:
        if name in (t.get("Name"), t.get("TrailARN")):
            return t
    return None


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    trails = ctx.call("cloudtrail", "describe_trails", region)
    out = {"trails": trails}
    if ok(trails):
        t = find_trail(trails.response, dep.aws.cloudtrail.trail)
        if t is not None:
            out["status"] = ctx.call("cloudtrail", "get_trail_status", region, Name=t["TrailARN"])
    return out


def _trail(check_id: str, dep: Any, region: str | None, data: dict[str, Any], declared: Any):
    raw = data["trails"]
    if not ok(raw):
        return None, [unknown(check_id, dep, region, declared, raw)]
    t = find_trail(raw.response, dep.aws.cloudtrail.trail)
    if t is None:
        return None, [make(check_id, dep, region, Status.FAIL, declared, None,
                           f"trail {dep.aws.cloudtrail.trail} not found (not visible in {region})", [raw])]
    return t, None


def judge_logging(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    t, out = _trail(LOGGING, dep, region, data, True)
    if out:
        return out
    st = data.get("status")
    if not ok(st):
        return [unknown(LOGGING, dep, region, True, st, extra=[data["trails"]])]
    on = bool((st.response or {}).get("IsLogging"))
    ev = [data["trails"], st]
    if on:
        return [make(LOGGING, dep, region, Status.PASS, True, True, f"trail {t['Name']} is logging", ev)]
    return [make(LOGGING, dep, region, Status.FAIL, True, False, f"trail {t['Name']} exists but logging is stopped", ev)]


def judge_covers(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    t, out = _trail(COVERS, dep, region, data, region)
    if out:
        return out
    obs = {"multi_region": bool(t.get("IsMultiRegionTrail")), "home_region": t.get("HomeRegion")}
    if obs["multi_region"] or t.get("HomeRegion") == region:
        return [make(COVERS, dep, region, Status.PASS, region, obs, f"trail records API activity in {region}", [data["trails"]])]
    return [make(COVERS, dep, region, Status.FAIL, region, obs,
                 f"trail is single-region in {t.get('HomeRegion')}; {region} is not covered", [data["trails"]])]


def judge_validation(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    t, out = _trail(VALIDATION, dep, region, data, True)
    if out:
        return out
    on = bool(t.get("LogFileValidationEnabled"))
    status = Status.PASS if on else Status.FAIL
    msg = "log file integrity validation is on" if on else "log file integrity validation is off"
    return [make(VALIDATION, dep, region, status, True, on, msg, [data["trails"]])]


def _has(dep: Any, profile: Any) -> bool:
    return dep.aws.cloudtrail is not None


ACTIONS = ("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus")
register(Check(id=LOGGING, title="Declared CloudTrail trail is logging", topic="auditability",
               profile_field="deployments[].aws.cloudtrail.trail", iam_actions=ACTIONS,
               proves="The declared trail exists and is currently recording API activity.",
               scope="region", collect=collect, judge=judge_logging, applies=_has))
register(Check(id=COVERS, title="CloudTrail trail covers the region", topic="auditability",
               profile_field="deployments[].aws.cloudtrail.trail", iam_actions=ACTIONS,
               proves="The trail is multi-region or lives in the declared region, so Bedrock API calls there are recorded.",
               scope="region", collect=collect, judge=judge_covers, applies=_has))
register(Check(id=VALIDATION, title="CloudTrail log file validation is on", topic="auditability",
               profile_field="deployments[].aws.cloudtrail.log_file_validation", iam_actions=ACTIONS,
               proves="CloudTrail writes signed digest files, so tampering with logs is detectable.",
               scope="region", collect=collect, judge=judge_validation,
               applies=lambda d, p: d.aws.cloudtrail is not None and d.aws.cloudtrail.log_file_validation))
