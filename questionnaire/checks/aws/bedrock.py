"""Bedrock: declared models available, invocation logging (residency and cross-region inference: residency.py)."""

from __future__ import annotations

from typing import Any

import questionnaire.checks.aws.s3 as s3
from questionnaire.checks.registry import Verdict, check, err_code, ok

ORDER = 20

# system-defined cross-region inference profile prefixes (e.g. "eu.anthropic.claude-...")
CROSS_REGION_PREFIXES = ("us.", "eu.", "apac.", "global.", "us-gov.", "ca.", "jp.", "au.")


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


def model_kind(model_id: str) -> str:
    """foundation | inference_profile (system-defined or application ARN) | provisioned."""
    if ":provisioned-model/" in model_id:
        return "provisioned"
    if ":application-inference-profile/" in model_id or ":inference-profile/" in model_id:
        return "inference_profile"
    return "foundation"


def collect_models(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"models": ctx.call("bedrock", "list_foundation_models", region), "access": {}}
    for m in dep.aws.models:
        kind = model_kind(m)
        if kind == "provisioned":
            out["access"][m] = ctx.call("bedrock", "get_provisioned_model_throughput", region, provisionedModelId=m)
        elif kind == "inference_profile":
            out["access"][m] = ctx.call("bedrock", "get_inference_profile", region, inferenceProfileIdentifier=m)
        else:
            out["access"][m] = ctx.call("bedrock", "get_foundation_model_availability", region, modelId=base_model_id(m))
    return out


def access_problem(model_id: str, raw: Any) -> str | None:
    """Why a declared model cannot be called in the region (None: it can)."""
    r = raw.response or {}
    kind = model_kind(model_id)
    if kind == "provisioned":
        return None if r.get("status") == "InService" else f"{model_id}: provisioned throughput is {r.get('status')}"
    if kind == "inference_profile":
        return None if r.get("status") == "ACTIVE" else f"{model_id}: inference profile is {r.get('status')}"
    bad = [f"{k} {r.get(k)}" for k, want in (("authorizationStatus", "AUTHORIZED"), ("entitlementAvailability", "AVAILABLE"),
                                              ("regionAvailability", "AVAILABLE")) if r.get(k) != want]
    agreement = (r.get("agreementAvailability") or {}).get("status")
    if agreement != "AVAILABLE":
        bad.append(f"agreement {agreement}")
    return f"{model_id}: access not granted ({', '.join(bad)})" if bad else None


def _has_models(dep: Any, profile: Any) -> bool:
    return bool(dep.aws.models)


@check(id=MODELS, title="Declared models are offered and accessible in the region", topic="residency", scope="region",
       profile_field="deployments[].aws.models",
       iam=["bedrock:ListFoundationModels", "bedrock:GetFoundationModelAvailability", "bedrock:GetInferenceProfile",
            "bedrock:GetProvisionedModelThroughput"],
       proves="Every declared model is offered in the declared region and the account has access to it (authorized, entitled, "
              "agreement accepted); declared inference profiles are active and provisioned throughput in service.",
       collect=collect_models, applies=_has_models)
def judge_models(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw, access = data["models"], data.get("access") or {}
    declared = list(dep.aws.models)
    v = v.declare(declared)
    ev = [raw, *access.values()]
    if not ok(raw):
        return [v.unknown(raw, extra=ev)]
    available = {m.get("modelId") for m in (raw.response or {}).get("modelSummaries") or []}
    problems = [f"{m}: not offered in {region}" for m in declared if model_kind(m) == "foundation" and base_model_id(m) not in available]
    blockers = []
    for m, a in access.items():
        if err_code(a) in ("ResourceNotFoundException", "ValidationException"):
            problems.append(f"{m}: not found in {region}")
        elif not ok(a):
            blockers.append(a)
        elif access_problem(m, a):
            problems.append(access_problem(m, a))
    obs = {"callable": sorted(m for m in declared if not any(p.startswith(m + ":") for p in problems)), "problems": problems}
    if problems:
        return [v.fail(obs, "; ".join(dict.fromkeys(problems)), ev)]
    if blockers:
        return [v.unknown(blockers[0], extra=ev)]
    return [v.passed(obs, f"all {len(declared)} declared model(s) are offered in {region} and the account has access to them", ev)]


# --------------------------------------------------------------------------- invocation logging

LOGGING = "bedrock.invocation_logging.enabled"


DATA_TYPES = ("text", "image", "embedding", "video", "audio")


def destination(dep: Any, region: str | None) -> tuple[str | None, str | None]:
    """(bucket, log group) the deployment declares for a region's logging configuration."""
    il = dep.aws.invocation_logging
    d = il.destinations.get(region) if region else None
    return ((d.s3_bucket if d and d.s3_bucket else il.s3_bucket), (d.cloudwatch_log_group if d and d.cloudwatch_log_group else il.cloudwatch_log_group))


def large_data_bucket(resp: dict[str, Any] | None) -> str | None:
    cfg = (resp or {}).get("loggingConfig") or {}
    return ((cfg.get("cloudWatchConfig") or {}).get("largeDataDeliveryS3Config") or {}).get("bucketName")


def collect_logging(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"logging": ctx.call("bedrock", "get_model_invocation_logging_configuration", region)}
    large = large_data_bucket(out["logging"].response) if ok(out["logging"]) else None
    if large and large not in destination(dep, region):
        out["large_bucket"] = s3.exposure_data(ctx, dep, large)
    return out


def logging_observed(resp: dict[str, Any] | None) -> dict[str, Any]:
    cfg = (resp or {}).get("loggingConfig") or {}
    return {
        "enabled": bool(cfg.get("s3Config") or cfg.get("cloudWatchConfig")),
        "s3_bucket": (cfg.get("s3Config") or {}).get("bucketName"),
        "cloudwatch_log_group": (cfg.get("cloudWatchConfig") or {}).get("logGroupName"),
        "text_delivery": bool(cfg.get("textDataDeliveryEnabled")),
        "delivery": {t: bool(cfg.get(f"{t}DataDeliveryEnabled")) for t in DATA_TYPES},
        "large_data_bucket": large_data_bucket(resp),
    }


def _logging_problems(dep: Any, region: str | None, obs: dict[str, Any], data: dict[str, Any]) -> tuple[list[str], list[Any]]:
    il = dep.aws.invocation_logging
    bucket, group = destination(dep, region)
    problems: list[str] = []
    if not obs["enabled"]:
        return ["model invocation logging is not configured"], []
    if bucket and obs["s3_bucket"] != bucket:
        problems.append(f"S3 destination is {obs['s3_bucket'] or 'not set'}, declared {bucket}")
    if group and obs["cloudwatch_log_group"] != group:
        problems.append(f"CloudWatch destination is {obs['cloudwatch_log_group'] or 'not set'}, declared {group}")
    off = [t for t in (il.data_types or DATA_TYPES) if not obs["delivery"][t]]
    if off:
        problems.append(f"{', '.join(off)} data delivery is off (those prompts and outputs are not logged)")
    blockers: list[Any] = []
    if "large_bucket" in data:
        issues, blockers = s3.exposure_problems(data["large_bucket"])
        problems += [f"large-payload bucket {obs['large_data_bucket']}: {i}" for i in issues]
    return problems, blockers


def _has_logging(dep: Any, profile: Any) -> bool:
    return dep.aws.invocation_logging is not None


@check(id=LOGGING, title="Model invocation logging is on with the declared destinations", topic="auditability", scope="region",
       profile_field="deployments[].aws.invocation_logging",
       iam=["bedrock:GetModelInvocationLoggingConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketPublicAccessBlock",
            "s3:GetAccountPublicAccessBlock"],
       proves="Bedrock logs every model invocation (text, image, embedding, video, audio unless data_types narrows it) to the "
              "declared S3 bucket / log group of the region; a separate large-payload bucket is encrypted and not public.",
       collect=collect_logging, applies=_has_logging)
def judge_logging(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["logging"]
    il = dep.aws.invocation_logging
    bucket, group = destination(dep, region)
    v = v.declare({"enabled": il.enabled, "s3_bucket": bucket, "cloudwatch_log_group": group,
                   "data_types": list(il.data_types or DATA_TYPES)})
    if not ok(raw):
        return [v.unknown(raw)]
    obs = logging_observed(raw.response)
    ev = [raw, *(data.get("large_bucket") or {}).values()]
    if not il.enabled:
        if obs["enabled"]:
            return [v.fail(obs, "declared off, but invocation logging is configured", ev)]
        return [v.passed(obs, "invocation logging is off, as declared", ev)]
    problems, blockers = _logging_problems(dep, region, obs, data)
    if problems:
        return [v.fail(obs, "; ".join(problems), ev)]
    if blockers:
        return [v.unknown(blockers[0], extra=ev)]
    return [v.passed(obs, "invocation logging is on with the declared destinations and every declared data type delivered", ev)]
