"""Bedrock: declared models available, invocation logging (residency and cross-region inference: residency.py)."""

from __future__ import annotations

from typing import Any

from questionnaire.checks import Check, make, ok, register, unknown
from questionnaire.findings import Status

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
