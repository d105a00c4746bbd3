"""CloudTrail: the declared trail exists, is logging and delivering, records the region's management
events (GetEventSelectors: basic and advanced selectors), validates and delivers digest files.

The trail is read in the account that holds it (``aws.accounts.trail``, e.g. the management account); a trail
in another account covers the deployment's account only as an organization trail (``IsOrganizationTrail``)."""

from __future__ import annotations

from typing import Any

from questionnaire.checks.registry import Verdict, check, ok

ORDER = 60

LOGGING = "cloudtrail.trail.logging"
COVERS = "cloudtrail.trail.covers_region"
VALIDATION = "cloudtrail.trail.log_file_validation"
ACTIONS = ("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors")


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


def _trail(v: Verdict, dep: Any, region: str | None, data: dict[str, Any]):
    raw = data["trails"]
    if not ok(raw):
        return None, [v.unknown(raw)]
    t = find_trail(raw.response, dep.aws.cloudtrail.trail)
    if t is None:
        return None, [v.fail(None, f"trail {dep.aws.cloudtrail.trail} not found (not visible in {region})", [raw])]
    return t, None


def _has(dep: Any, profile: Any) -> bool:
    return dep.aws.cloudtrail is not None


@check(id=LOGGING,
       title="Declared CloudTrail trail is logging",
       topic="auditability",
       scope="region",
       profile_field="deployments[].aws.cloudtrail.trail",
       iam=ACTIONS,
       proves="The declared trail exists, is recording API activity and has no log delivery error.",
       collect=collect,
       applies=_has,
       reads="trail")
def judge_logging(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    v = v.declare(True)
    t, out = _trail(v, dep, region, data)
    if out:
        return out
    st = data.get("status")
    if not ok(st):
        return [v.unknown(st, extra=[data["trails"]])]
    on = bool((st.response or {}).get("IsLogging"))
    ev = [data["trails"], st]
    err = (st.response or {}).get("LatestDeliveryError")
    if on and err:
        return [v.fail({"logging": True, "latest_delivery_error": err},
                       f"trail {t['Name']} is logging but cannot deliver log files ({err})", ev)]
    if on:
        return [v.passed(True, f"trail {t['Name']} is logging and delivering", ev)]
    return [v.fail(False, f"trail {t['Name']} exists but logging is stopped", ev)]


@check(id=COVERS,
       title="CloudTrail trail covers the region",
       topic="auditability",
       scope="region",
       profile_field="deployments[].aws.cloudtrail.trail",
       iam=ACTIONS,
       proves="The trail is multi-region or lives in the declared region and its event selectors record all (read and write) "
              "management events, so Bedrock API calls there are recorded.",
       collect=collect,
       applies=_has,
       reads="trail")
def judge_covers(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    v = v.declare(region)
    t, out = _trail(v, dep, region, data)
    if out:
        return out
    obs = {"multi_region": bool(t.get("IsMultiRegionTrail")), "home_region": t.get("HomeRegion")}
    ev = [data["trails"], data.get("selectors")]
    ev = [e for e in ev if e is not None]
    if not (obs["multi_region"] or t.get("HomeRegion") == region):
        return [v.fail(obs, f"trail is single-region in {t.get('HomeRegion')}; {region} is not covered", ev)]
    elsewhere, org_trail = dep.aws.account_for("trail") != dep.aws.account_id, bool(t.get("IsOrganizationTrail"))
    if elsewhere or org_trail:
        obs["organization_trail"] = org_trail
    if elsewhere and not org_trail:
        return [v.fail(obs, f"trail {t['Name']} is in account {dep.aws.account_for('trail')} and is not an organization trail: "
                            f"it records that account's API calls, not those of account {dep.aws.account_id}", ev)]
    sel = data.get("selectors")
    if not ok(sel):
        return [v.unknown(sel, extra=ev)] if sel is not None else \
            [v.undetermined(obs, "not verified: event selectors not read", ev)]
    full, why = management_coverage(sel.response or {})
    obs["management_events"] = why
    if not full:
        return [v.fail(obs, f"trail covers {region}, but {why}", ev)]
    org = f"; organization trail of account {dep.aws.account_for('trail')}: covers the member accounts" if org_trail else ""
    return [v.passed(obs, f"trail records API activity in {region} ({why}{org})", ev)]


@check(id=VALIDATION,
       title="CloudTrail log file validation is on",
       topic="auditability",
       scope="region",
       profile_field="deployments[].aws.cloudtrail.log_file_validation",
       iam=ACTIONS,
       proves="CloudTrail writes signed digest files, so tampering with logs is detectable.",
       collect=collect,
       applies=lambda d, p: d.aws.cloudtrail is not None and d.aws.cloudtrail.log_file_validation,
       reads="trail")
def judge_validation(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    v = v.declare(True)
    t, out = _trail(v, dep, region, data)
    if out:
        return out
    on = bool(t.get("LogFileValidationEnabled"))
    st = data.get("status")
    ev = [data["trails"]] + ([st] if st is not None else [])
    digest_err = (st.response or {}).get("LatestDigestDeliveryError") if ok(st) else None
    if on and digest_err:
        return [v.fail({"validation": True, "latest_digest_delivery_error": digest_err},
                       f"log file validation is on but digest files are not delivered ({digest_err})", ev)]
    if on:
        return [v.passed(on, "log file integrity validation is on and digests are delivered", ev)]
    return [v.fail(on, "log file integrity validation is off", ev)]
