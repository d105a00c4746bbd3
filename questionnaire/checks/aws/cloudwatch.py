"""CloudWatch Logs: the invocation log group's retention and KMS encryption."""

from __future__ import annotations

from typing import Any

from questionnaire.checks.aws.bedrock import destination
from questionnaire.checks.registry import Verdict, check, ok

ORDER = 40

RETENTION = "cloudwatch.log_group.retention"
KMS = "cloudwatch.log_group.kms_encrypted"


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"groups": groups(ctx, region, destination(dep, region)[1])}


def groups(ctx: Any, region: str, name: str) -> Any:
    """Every page of DescribeLogGroups for the prefix (a prefix can match more groups than one page holds)."""
    return ctx.pages("logs", "describe_log_groups", region, logGroupNamePrefix=name)


def log_group(resp: Any, name: str) -> dict[str, Any] | None:
    if isinstance(resp, list):  # Pages
        items = resp.items("logGroups")
    else:  # one RawResponse or its response dict
        items = ((getattr(resp, "response", resp)) or {}).get("logGroups") or []
    for g in items:
        if g.get("logGroupName") == name:
            return g
    return None


def _group(dep: Any, region: str | None) -> str | None:
    return destination(dep, region)[1]


def _has_group(dep: Any, profile: Any) -> bool:
    il = dep.aws.invocation_logging
    return il is not None and il.enabled and bool(il.cloudwatch_log_group)


@check(id=RETENTION,
       title="Invocation log group retention >= declared",
       topic="auditability",
       scope="region",
       profile_field="deployments[].aws.invocation_logging.retention_days",
       iam=["logs:DescribeLogGroups"],
       proves="The invocation log group keeps events at least as long as declared.",
       collect=collect,
       applies=lambda d, p: _has_group(d, p) and d.aws.invocation_logging.retention_days is not None)
def judge_retention(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    il = dep.aws.invocation_logging
    raw = data["groups"]
    declared = il.retention_days
    v = v.declare(declared)
    if not ok(raw):
        return [v.unknown(raw)]
    g = log_group(raw, _group(dep, region))
    if g is None:
        return [v.fail(None, f"log group {_group(dep, region)} not found in {region}", [raw])]
    days = g.get("retentionInDays")
    if days is None:
        return [v.passed("never expire", "log group retention is 'never expire'", [raw])]
    if days >= declared:
        return [v.passed(days, f"log group keeps events {days} days (>= {declared})", [raw])]
    return [v.fail(days, f"log group keeps events only {days} days, declared {declared}", [raw])]


@check(id=KMS,
       title="Invocation log group is KMS-encrypted",
       topic="auditability",
       scope="region",
       profile_field="deployments[].aws.invocation_logging.kms_encrypted",
       iam=["logs:DescribeLogGroups"],
       proves="The invocation log group is encrypted with a KMS key.",
       collect=collect,
       applies=lambda d, p: _has_group(d, p) and d.aws.invocation_logging.kms_encrypted)
def judge_kms(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["groups"]
    v = v.declare(True)
    if not ok(raw):
        return [v.unknown(raw)]
    g = log_group(raw, _group(dep, region))
    if g is None:
        return [v.fail(None, f"log group {_group(dep, region)} not found in {region}", [raw])]
    key = g.get("kmsKeyId")
    if key:
        return [v.passed(key, "log group is encrypted with a KMS key", [raw])]
    return [v.fail(None, "log group has no KMS key (service-managed encryption only)", [raw])]
