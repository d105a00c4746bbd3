"""Where Bedrock is actually used: residency over the enabled regions, and cross-region inference.

Evidence of use is CloudWatch's ``AWS/Bedrock`` ``Invocations`` metrics by ``ModelId`` (ListMetrics
lists metrics with data points in the last two weeks) and CloudTrail's event history of the region
(``LookupEvents`` by event source ``bedrock.amazonaws.com``: InvokeModel, Converse and their streaming
forms are management events with ``requestParameters.modelId``, kept 90 days; one page of the newest 50
is read, so it proves use when it shows a call and proves absence only when it is the whole history).
An invocation logging configuration in a region is a sign of setup, not of use: it counts too, but
its absence proves nothing. A network
error, timeout, throttling or plain AccessDenied in a region is "cannot tell" (UNKNOWN), never
"not in use"; an explicit deny (an SCP) is evidence that the region is blocked.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

from questionnaire.aws_errors import classify
from questionnaire.checks.aws.bedrock import CROSS_REGION_PREFIXES, is_cross_region_id, logging_observed
from questionnaire.checks.aws.scp import collect_scp, scp_raws, scp_restriction
from questionnaire.checks.registry import Verdict, check, first_bad, ok, reason

ORDER = 30

RESIDENCY = "bedrock.invocation_logging.only_declared_regions"
XREGION = "bedrock.cross_region_inference.matches_declaration"
METRICS_WINDOW = "the last 14 days (CloudWatch ListMetrics)"
EVENTS_WINDOW = "90 days (CloudTrail event history)"
EVENT_DAYS = 90
INVOKE_EVENTS = frozenset({"InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream"})


def collect_metrics(ctx: Any, region: str) -> Any:
    return ctx.pages("cloudwatch", "list_metrics", region, Namespace="AWS/Bedrock", MetricName="Invocations")


def collect_events(ctx: Any, region: str) -> Any:
    """The newest 50 Bedrock events of the region's CloudTrail event history (one page; the start is the day
    90 days ago, so that every collector of a run makes the same, cached call)."""
    today = _dt.datetime.now(_dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return ctx.call("cloudtrail", "lookup_events", region, MaxResults=50, StartTime=today - _dt.timedelta(days=EVENT_DAYS),
                    LookupAttributes=[{"AttributeKey": "EventSource", "AttributeValue": "bedrock.amazonaws.com"}])


def collect_usage(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    """Evidence of use in one region (also the organization baseline's collector)."""
    return {"logging": ctx.call("bedrock", "get_model_invocation_logging_configuration", region),
            "metrics": collect_metrics(ctx, region), "events": collect_events(ctx, region)}


def collect_account_scp(ctx: Any, dep: Any, profile: Any) -> dict[str, Any]:
    """The SCPs of the deployment's account (read once, not per region)."""
    return collect_scp(ctx, dep)


def invoked_in_events(raw: Any) -> tuple[list[str], bool]:
    """(model ids of the runtime calls among the events read, whether that was the whole history)."""
    if not ok(raw):
        return [], False
    out = set()
    for e in (raw.response or {}).get("Events") or []:
        if e.get("EventName") not in INVOKE_EVENTS:
            continue
        try:
            record = json.loads(e.get("CloudTrailEvent") or "{}")
        except ValueError:
            record = {}
        model = ((record.get("requestParameters") or {}).get("modelId")) if isinstance(record, dict) else None
        out.add(str(model) if model else "(model not recorded)")
    return sorted(out), not (raw.response or {}).get("NextToken")


def models_in_use(metrics: Any) -> list[str]:
    """ModelId dimension values of the AWS/Bedrock Invocations metrics (model ids, profile ids/ARNs)."""
    out = set()
    for m in metrics.items("Metrics"):
        for d in m.get("Dimensions") or []:
            if d.get("Name") == "ModelId" and d.get("Value"):
                out.add(d["Value"])
    return sorted(out)


def _kind(raw: Any) -> str:
    return classify(first_bad(raw).error if raw is not None else None)


def region_state(d: dict[str, Any], scp_allowed: list[str] | None = None, region: str | None = None) -> tuple[str, list[str]]:
    """(state, models): used | configured | blocked | disabled | unknown | idle. A region an SCP denies Bedrock
    in is blocked unless it shows use or a logging configuration."""
    state, models = _observed_state(d)
    if state in ("unknown", "idle") and scp_allowed is not None and region is not None and region not in scp_allowed:
        return "blocked", []
    return state, models


def _observed_state(d: dict[str, Any]) -> tuple[str, list[str]]:
    lg, mt, ev = d["logging"], d["metrics"], d.get("events")
    in_events, whole_history = invoked_in_events(ev)
    used = sorted(set(models_in_use(mt) if ok(mt) else []) | set(in_events))
    if used:
        return "used", used
    if ok(lg) and logging_observed(lg.response)["enabled"]:
        return "configured", []
    kinds = {_kind(mt), _kind(lg)} | ({_kind(ev)} if ev is not None else set())
    if "explicit_deny" in kinds:
        return "blocked", []
    if kinds == {"region_disabled"}:
        return "disabled", []
    if not ok(mt) and not whole_history:
        return "unknown", []
    return "idle", []


def declared_regions_for_account(profile: Any, account_id: str) -> set[str]:
    return {r for d in profile.aws_deployments() if d.aws.account_id == account_id for r in d.regions}


@check(id=RESIDENCY, title="Bedrock is used only in declared regions", topic="residency", scope="scan",
       profile_field="deployments[].regions",
       iam=["bedrock:GetModelInvocationLoggingConfiguration", "cloudwatch:ListMetrics", "cloudtrail:LookupEvents",
            "account:ListRegions", "ec2:DescribeRegions", "organizations:DescribeOrganization", "organizations:ListParents",
            "organizations:ListPoliciesForTarget", "organizations:DescribePolicy"],
       proves="No enabled region outside the declared ones has Bedrock invocations (CloudWatch AWS/Bedrock metrics, "
              "last 14 days; InvokeModel/Converse events among the newest Bedrock events of CloudTrail's 90-day history) "
              "or an invocation logging configuration; regions that cannot be read make it UNKNOWN unless a service control "
              "policy denies Bedrock there.",
       collect=collect_usage, collect_once=collect_account_scp)
def judge_residency(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    allowed = declared_regions_for_account(profile, dep.aws.account_id)
    v = v.at(None).declare(sorted(allowed))
    scp_data = data.get("once")
    scp = scp_restriction(scp_data)
    states = {r: region_state(d, scp["allowed"], r) for r, d in sorted(data["regions"].items())}
    raws = [x for d in data["regions"].values() for x in (d["logging"], d["metrics"], d.get("events")) if x is not None]
    raws += list(data.get("enabled") or []) + scp_raws(scp_data)
    by = {s: [r for r, (st, _) in states.items() if st == s] for s in ("used", "configured", "blocked", "disabled", "unknown", "idle")}
    obs = {"regions_scanned": sorted(states), "used_in": {r: m for r, (st, m) in states.items() if st == "used"},
           "logging_configured_in": by["configured"], "blocked_by_explicit_deny": by["blocked"],
           "regions_not_enabled": by["disabled"], "could_not_tell": by["unknown"],
           "region_list": data.get("region_source", "given"), "scp_region_restriction": scp}
    bad_used = [r for r in by["used"] if r not in allowed]
    bad_conf = [r for r in by["configured"] if r not in allowed]
    if bad_used or bad_conf:
        parts = [f"Bedrock invoked in {r} ({', '.join(states[r][1][:3])})" for r in bad_used]
        parts += [f"invocation logging configured in {r}" for r in bad_conf]
        return [v.fail(obs, "undeclared region(s): " + "; ".join(parts), raws)]
    blind = [r for r in by["unknown"] if r not in allowed]
    if blind or (states and len(by["unknown"]) == len(states)):
        first = next(d for r, d in data["regions"].items() if states[r][0] == "unknown")
        bad = first["metrics"] if not ok(first["metrics"]) else first["logging"]
        where = blind or by["unknown"]
        return [v.undetermined(obs, f"not verified in {len(where)} region(s) ({', '.join(where[:4])}): {reason(bad)}", [bad, *raws])]
    outside = [r for r in states if r not in allowed]
    extra = f"; blocked by an explicit deny (SCP): {', '.join(by['blocked'])}" if by["blocked"] else ""
    if scp["allowed"] is not None:
        extra += f"; SCP {', '.join(scp['policies'])} denies Bedrock outside {', '.join(scp['allowed'])}"
    return [v.passed(obs, f"no Bedrock invocations or logging configuration in {len(outside)} other enabled region(s) "
                          f"over {METRICS_WINDOW} and the newest Bedrock events of {EVENTS_WINDOW}{extra}", raws)]


# --------------------------------------------------------------------------- cross-region inference


def collect_xregion(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"profiles": ctx.pages("bedrock", "list_inference_profiles", region, typeEquals="APPLICATION", maxResults=1000),
            "metrics": collect_metrics(ctx, region), "events": collect_events(ctx, region)}


def zone_of_region(region: str) -> str:
    """The data zone (system-defined profile prefix, without the dot) a region belongs to."""
    for pre, zone in (("us-gov-", "us-gov"), ("eu-", "eu"), ("us-", "us"), ("ca-", "ca"), ("ap-", "apac")):
        if region.startswith(pre):
            return zone
    return region.split("-", 1)[0]


def allowed_zones(dep: Any) -> set[str]:
    declared = [z.rstrip(".") for z in (dep.aws.inference_data_zones or [])]
    return set(declared) if declared else {zone_of_region(r) for r in dep.regions}


def id_zone(model_id: str) -> str | None:
    tail = model_id.rsplit("/", 1)[-1]
    return next((p.rstrip(".") for p in CROSS_REGION_PREFIXES if tail.startswith(p)), None)


def _profile_regions(p: dict[str, Any]) -> set[str]:
    out = set()
    for m in p.get("models") or []:
        parts = str(m.get("modelArn", "")).split(":")
        if len(parts) > 3 and parts[3]:
            out.add(parts[3])
    return out


def _xregion_observed(dep: Any, region: str, data: dict[str, Any]) -> dict[str, Any]:
    crossing: dict[str, list[str]] = {}
    for p in data["profiles"].items("inferenceProfileSummaries") if ok(data["profiles"]) else []:
        regs = _profile_regions(p)
        if len(regs) > 1 or (regs and regs != {region}):
            crossing[p.get("inferenceProfileName") or p.get("inferenceProfileId") or "?"] = sorted(regs)
    used = sorted(set(models_in_use(data["metrics"]) if ok(data["metrics"]) else []) | set(invoked_in_events(data.get("events"))[0]))
    return {"configured": [m for m in dep.aws.models if is_cross_region_id(m)], "application_profiles": crossing,
            "invoked": [m for m in used if is_cross_region_id(m)]}


def _outside(dep: Any, obs: dict[str, Any]) -> list[str]:
    """Cross-region routes that leave the allowed data zones (global.* always does, unless declared)."""
    zones = allowed_zones(dep)
    out = [m for m in obs["configured"] + obs["invoked"] if (id_zone(m) or "") not in zones and id_zone(m) is not None]
    out += [f"{n} (routes to {', '.join(r for r in regs if zone_of_region(r) not in zones)})"
            for n, regs in obs["application_profiles"].items() if any(zone_of_region(r) not in zones for r in regs)]
    return list(dict.fromkeys(out))


@check(id=XREGION, title="Cross-region inference matches the declaration", topic="residency", scope="region",
       profile_field="deployments[].cross_region_inference, deployments[].aws.inference_data_zones",
       iam=["bedrock:ListInferenceProfiles", "cloudwatch:ListMetrics", "cloudtrail:LookupEvents"],
       proves="No configured model, application inference profile or invoked model id (system-defined eu./us./apac./global. "
              "profiles) routes requests to other regions unless declared, and then only within the allowed data zones.",
       collect=collect_xregion)
def judge_xregion(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    declared = dep.cross_region_inference
    v = v.declare(declared)
    obs = _xregion_observed(dep, region, data)
    raws = list(data["profiles"]) + list(data["metrics"]) + ([data["events"]] if data.get("events") is not None else [])
    if declared:
        outside = _outside(dep, obs)
        if outside:
            return [v.fail(obs, f"cross-region inference leaves the allowed data zone(s) {', '.join(sorted(allowed_zones(dep)))}: "
                                f"{', '.join(outside[:4])}", raws)]
    else:
        found = obs["configured"] + obs["invoked"] + list(obs["application_profiles"])
        if found:
            return [v.fail(obs, f"declared no cross-region inference, but cross-region inference profiles are used: {', '.join(found[:4])}",
                           raws)]
    for key in ("profiles", "metrics"):
        if not ok(data[key]):
            return [v.unknown(data[key], extra=raws)]
    if declared:
        return [v.passed(obs, f"cross-region inference stays within the allowed data zone(s) {', '.join(sorted(allowed_zones(dep)))} "
                              f"(configured models, application profiles and invocations over {METRICS_WINDOW} and the newest "
                              f"Bedrock events of {EVENTS_WINDOW})", raws)]
    return [v.passed(obs, "no cross-region inference profile among the configured models, the application profiles, "
                          f"or the models invoked over {METRICS_WINDOW} and the newest Bedrock events of {EVENTS_WINDOW}", raws)]
