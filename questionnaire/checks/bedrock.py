"""Bedrock: declared models available, invocation logging, residency of logging, cross-region inference."""

from __future__ import annotations

from typing import Any

from questionnaire.checks import Check, err_code, make, ok, register, unknown
from questionnaire.findings import Status

# system-defined cross-region inference profile prefixes (e.g. "eu.anthropic.claude-...")
CROSS_REGION_PREFIXES = ("us.", "eu.", "apac.", "global.", "us-gov.", "ca.", "jp.", "au.")
# a region that is not enabled for the account, or has no Bedrock endpoint: not in use
REGION_NOT_IN_USE_CODES = frozenset(
    {"UnrecognizedClientException", "InvalidClientTokenId", "EndpointUnreachable", "OptInRequired", "InvalidSignatureException"}
)


def is_cross_region_id(model_id: str) -> bool:
    tail = model_id.rsplit("/", 1)[-1]
    return tail.startswith(CROSS_REGION_PREFIXES) or ":inference-profile/" in model_id


def base_model_id(model_id: str) -> str:
    tail = model_id.rsplit("/", 1)[-1]
    for p in CROSS_REGION_PREFIXES:
        if tail.startswith(p):
            return tail[len(p):]
    return tail


# --------------------------------------------------------------------------- models available

MODELS = "bedrock.models.available"


def collect_models(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"models": ctx.call("bedrock", "list_foundation_models", region)}


def judge_models(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["models"]
    declared = list(dep.aws.models)
    if not ok(raw):
        return [unknown(MODELS, dep, region, declared, raw)]
    available = {m.get("modelId") for m in (raw.response or {}).get("modelSummaries") or []}
    missing = [m for m in declared if base_model_id(m) not in available]
    if missing:
        return [
            make(MODELS, dep, region, Status.FAIL, declared, sorted(set(declared) - set(missing)),
                 f"not offered in {region}: {', '.join(missing)}", [raw])
        ]
    return [make(MODELS, dep, region, Status.PASS, declared, declared, f"all {len(declared)} declared model(s) are offered in {region}", [raw])]


# --------------------------------------------------------------------------- invocation logging

LOGGING = "bedrock.invocation_logging.enabled"


def collect_logging(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"logging": ctx.call("bedrock", "get_model_invocation_logging_configuration", region)}


def logging_observed(resp: dict[str, Any] | None) -> dict[str, Any]:
    cfg = (resp or {}).get("loggingConfig") or {}
    return {
        "enabled": bool(cfg.get("s3Config") or cfg.get("cloudWatchConfig")),
        "s3_bucket": (cfg.get("s3Config") or {}).get("bucketName"),
        "cloudwatch_log_group": (cfg.get("cloudWatchConfig") or {}).get("logGroupName"),
        "text_delivery": bool(cfg.get("textDataDeliveryEnabled")),
    }


def judge_logging(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["logging"]
    il = dep.aws.invocation_logging
    declared = {"enabled": il.enabled, "s3_bucket": il.s3_bucket, "cloudwatch_log_group": il.cloudwatch_log_group}
    if not ok(raw):
        return [unknown(LOGGING, dep, region, declared, raw)]
    obs = logging_observed(raw.response)
    if not il.enabled:
        if obs["enabled"]:
            return [make(LOGGING, dep, region, Status.FAIL, declared, obs, "declared off, but invocation logging is configured", [raw])]
        return [make(LOGGING, dep, region, Status.PASS, declared, obs, "invocation logging is off, as declared", [raw])]
    problems = []
    if not obs["enabled"]:
        problems.append("model invocation logging is not configured")
    else:
        if il.s3_bucket and obs["s3_bucket"] != il.s3_bucket:
            problems.append(f"S3 destination is {obs['s3_bucket'] or 'not set'}, declared {il.s3_bucket}")
        if il.cloudwatch_log_group and obs["cloudwatch_log_group"] != il.cloudwatch_log_group:
            problems.append(f"CloudWatch destination is {obs['cloudwatch_log_group'] or 'not set'}, declared {il.cloudwatch_log_group}")
        if not obs["text_delivery"]:
            problems.append("text data delivery is off (prompts and outputs are not logged)")
    if problems:
        return [make(LOGGING, dep, region, Status.FAIL, declared, obs, "; ".join(problems), [raw])]
    return [make(LOGGING, dep, region, Status.PASS, declared, obs, "invocation logging is on with the declared destinations and text delivery", [raw])]


# --------------------------------------------------------------------------- logging only in declared regions (scan)

RESIDENCY = "bedrock.invocation_logging.only_declared_regions"


def declared_regions_for_account(profile: Any, account_id: str) -> set[str]:
    return {r for d in profile.aws_deployments() if d.aws.account_id == account_id for r in d.regions}


def judge_residency(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    per_region: dict[str, Any] = {r: v["logging"] for r, v in data["regions"].items()}
    allowed = declared_regions_for_account(profile, dep.aws.account_id)
    declared = sorted(allowed)
    in_use, not_checked, blocked = [], [], []
    for r in sorted(per_region):
        raw = per_region[r]
        if ok(raw):
            if logging_observed(raw.response)["enabled"]:
                in_use.append(r)
        elif err_code(raw) in REGION_NOT_IN_USE_CODES:
            not_checked.append(r)
        else:
            blocked.append(raw)
    raws = list(per_region.values())
    undeclared = [r for r in in_use if r not in allowed]
    obs = {"logging_configured_in": in_use, "regions_scanned": sorted(per_region), "regions_not_enabled": not_checked}
    if undeclared:
        return [make(RESIDENCY, dep, None, Status.FAIL, declared, obs,
                     f"invocation logging (Bedrock use) is configured in undeclared region(s): {', '.join(undeclared)}", raws)]
    if blocked:
        f = unknown(RESIDENCY, dep, None, declared, blocked[0], extra=raws)
        return [f]
    outside = [r for r in per_region if r not in allowed]
    return [make(RESIDENCY, dep, None, Status.PASS, declared, obs,
                 f"no invocation logging outside the declared regions ({len(outside)} other region(s) scanned)", raws)]


# --------------------------------------------------------------------------- cross-region inference

XREGION = "bedrock.cross_region_inference.matches_declaration"


def collect_xregion(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"profiles": ctx.call("bedrock", "list_inference_profiles", region, typeEquals="APPLICATION", maxResults=1000)}


def _profile_regions(p: dict[str, Any]) -> set[str]:
    out = set()
    for m in p.get("models") or []:
        parts = str(m.get("modelArn", "")).split(":")
        if len(parts) > 3 and parts[3]:
            out.add(parts[3])
    return out


def judge_xregion(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["profiles"]
    declared = dep.cross_region_inference
    xmodels = [m for m in dep.aws.models if is_cross_region_id(m)]
    crossing: list[str] = []
    if ok(raw):
        for p in (raw.response or {}).get("inferenceProfileSummaries") or []:
            regs = _profile_regions(p)
            if len(regs) > 1 or (regs and regs != {region}):
                crossing.append(p.get("inferenceProfileName") or p.get("inferenceProfileId") or "?")
    obs = {"cross_region_models_configured": xmodels, "cross_region_application_profiles": sorted(crossing)}
    if declared:
        return [make(XREGION, dep, region, Status.PASS, declared, obs if ok(raw) else {"cross_region_models_configured": xmodels},
                     "cross-region inference is declared as allowed", [raw])]
    if xmodels or crossing:
        what = ", ".join(xmodels + crossing)
        return [make(XREGION, dep, region, Status.FAIL, declared, obs,
                     f"declared no cross-region inference, but cross-region inference profiles are used: {what}", [raw])]
    if not ok(raw):
        return [unknown(XREGION, dep, region, declared, raw)]
    return [make(XREGION, dep, region, Status.PASS, declared, obs,
                 "no cross-region inference profile among the configured models or the account's application profiles", [raw])]


def _has_models(dep: Any, profile: Any) -> bool:
    return bool(dep.aws.models)


def _has_logging(dep: Any, profile: Any) -> bool:
    return dep.aws.invocation_logging is not None


register(Check(
    id=MODELS, title="Declared models are offered in the region", topic="residency",
    profile_field="deployments[].aws.models", iam_actions=("bedrock:ListFoundationModels",),
    proves="Every declared model is available in Bedrock in the declared region.",
    scope="region", collect=collect_models, judge=judge_models, applies=_has_models,
))
register(Check(
    id=LOGGING, title="Model invocation logging is on with the declared destinations", topic="auditability",
    profile_field="deployments[].aws.invocation_logging",
    iam_actions=("bedrock:GetModelInvocationLoggingConfiguration",),
    proves="Bedrock logs every model invocation (with prompt and output text) to the declared S3 bucket / log group.",
    scope="region", collect=collect_logging, judge=judge_logging, applies=_has_logging,
))
register(Check(
    id=RESIDENCY, title="Bedrock invocation logging exists only in declared regions", topic="residency",
    profile_field="deployments[].regions", iam_actions=("bedrock:GetModelInvocationLoggingConfiguration",),
    proves="No Bedrock region outside the declared ones has model invocation logging configured (a sign of use).",
    scope="scan", collect=collect_logging, judge=judge_residency, applies=_has_logging,
))
register(Check(
    id=XREGION, title="Cross-region inference matches the declaration", topic="residency",
    profile_field="deployments[].cross_region_inference", iam_actions=("bedrock:ListInferenceProfiles",),
    proves="No configured model or application inference profile routes requests to other regions, unless declared.",
    scope="region", collect=collect_xregion, judge=judge_xregion,
))
