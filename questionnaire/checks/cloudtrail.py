"""CloudTrail: the declared trail exists, is logging and delivering, records the region's management
events (GetEventSelectors: basic and advanced selectors), validates and delivers digest files."""

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
            home = t.get("HomeRegion") or region
            out["selectors"] = ctx.call("cloudtrail", "get_event_selectors", home, TrailName=t["TrailARN"])
    return out


def management_coverage(resp: dict[str, Any]) -> tuple[bool, str]:
    """Whether the selectors record every management event (read and write) of Bedrock, and why not."""
    covered: set[str] = set()
    adv = resp.get("AdvancedEventSelectors") or []
    basic = resp.get("EventSelectors") or []
    if not adv and not basic:
        return True, "default selectors (all management events)"
    for sel in adv:
        fields = {f.get("Field"): f for f in sel.get("FieldSelectors") or []}
        if "Management" not in ((fields.get("eventCategory") or {}).get("Equals") or []):
            continue
        src = fields.get("eventSource") or {}
        if "bedrock.amazonaws.com" in (src.get("NotEquals") or []) or (src.get("Equals") and "bedrock.amazonaws.com" not in src["Equals"]):
            continue
        ro = (fields.get("readOnly") or {}).get("Equals") or ["true", "false"]
        covered |= {"ReadOnly" if v == "true" else "WriteOnly" for v in ro}
    for sel in basic:
        if sel.get("IncludeManagementEvents", True) is False:
            continue
        if "bedrock.amazonaws.com" in (sel.get("ExcludeManagementEventSources") or []):
            continue
        rw = sel.get("ReadWriteType") or "All"
        covered |= {"ReadOnly", "WriteOnly"} if rw == "All" else {rw}
    if covered == {"ReadOnly", "WriteOnly"}:
        return True, "selectors record all management events"
    if not covered:
        return False, "the event selectors record no Bedrock management events (data events only or management excluded)"
    return False, f"the event selectors record only {next(iter(covered))} management events (InvokeModel/Converse are read events)"


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
    err = (st.response or {}).get("LatestDeliveryError")
    if on and err:
        return [make(LOGGING, dep, region, Status.FAIL, True, {"logging": True, "latest_delivery_error": err},
                     f"trail {t['Name']} is logging but cannot deliver log files ({err})", ev)]
    if on:
        return [make(LOGGING, dep, region, Status.PASS, True, True, f"trail {t['Name']} is logging and delivering", ev)]
    return [make(LOGGING, dep, region, Status.FAIL, True, False, f"trail {t['Name']} exists but logging is stopped", ev)]


def judge_covers(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    t, out = _trail(COVERS, dep, region, data, region)
    if out:
        return out
    obs = {"multi_region": bool(t.get("IsMultiRegionTrail")), "home_region": t.get("HomeRegion")}
    ev = [data["trails"], data.get("selectors")]
    ev = [e for e in ev if e is not None]
    if not (obs["multi_region"] or t.get("HomeRegion") == region):
        return [make(COVERS, dep, region, Status.FAIL, region, obs,
                     f"trail is single-region in {t.get('HomeRegion')}; {region} is not covered", ev)]
    sel = data.get("selectors")
    if not ok(sel):
        return [unknown(COVERS, dep, region, region, sel, extra=ev)] if sel is not None else \
            [make(COVERS, dep, region, Status.UNKNOWN, region, obs, "not verified: event selectors not read", ev)]
    full, why = management_coverage(sel.response or {})
    obs["management_events"] = why
    if not full:
        return [make(COVERS, dep, region, Status.FAIL, region, obs, f"trail covers {region}, but {why}", ev)]
    return [make(COVERS, dep, region, Status.PASS, region, obs, f"trail records API activity in {region} ({why})", ev)]


def judge_validation(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    t, out = _trail(VALIDATION, dep, region, data, True)
    if out:
        return out
    on = bool(t.get("LogFileValidationEnabled"))
    st = data.get("status")
    ev = [data["trails"]] + ([st] if st is not None else [])
    digest_err = (st.response or {}).get("LatestDigestDeliveryError") if ok(st) else None
    if on and digest_err:
        return [make(VALIDATION, dep, region, Status.FAIL, True, {"validation": True, "latest_digest_delivery_error": digest_err},
                     f"log file validation is on but digest files are not delivered ({digest_err})", ev)]
    status = Status.PASS if on else Status.FAIL
    msg = "log file integrity validation is on and digests are delivered" if on else "log file integrity validation is off"
    return [make(VALIDATION, dep, region, status, True, on, msg, ev)]


def _has(dep: Any, profile: Any) -> bool:
    return dep.aws.cloudtrail is not None


ACTIONS = ("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors")
register(Check(id=LOGGING, title="Declared CloudTrail trail is logging", topic="auditability",
               profile_field="deployments[].aws.cloudtrail.trail", iam_actions=ACTIONS,
               proves="The declared trail exists, is recording API activity and has no log delivery error.",
               scope="region", collect=collect, judge=judge_logging, applies=_has))
register(Check(id=COVERS, title="CloudTrail trail covers the region", topic="auditability",
               profile_field="deployments[].aws.cloudtrail.trail", iam_actions=ACTIONS,
               proves="The trail is multi-region or lives in the declared region and its event selectors record all (read and write) "
                      "management events, so Bedrock API calls there are recorded.",
               scope="region", collect=collect, judge=judge_covers, applies=_has))
register(Check(id=VALIDATION, title="CloudTrail log file validation is on", topic="auditability",
               profile_field="deployments[].aws.cloudtrail.log_file_validation", iam_actions=ACTIONS,
               proves="CloudTrail writes signed digest files, so tampering with logs is detectable.",
               scope="region", collect=collect, judge=judge_validation,
               applies=lambda d, p: d.aws.cloudtrail is not None and d.aws.cloudtrail.log_file_validation))
