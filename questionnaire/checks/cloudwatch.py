"""CloudWatch Logs: the invocation log group's retention and KMS encryption."""

from __future__ import annotations

from typing import Any

from questionnaire.checks import Check, make, ok, register, unknown
from questionnaire.findings import Status

RETENTION = "cloudwatch.log_group.retention"
KMS = "cloudwatch.log_group.kms_encrypted"


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    from questionnaire.checks.bedrock import destination

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
    from questionnaire.checks.bedrock import destination

    return destination(dep, region)[1]


def judge_retention(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    il = dep.aws.invocation_logging
    raw = data["groups"]
    declared = il.retention_days
    if not ok(raw):
        return [unknown(RETENTION, dep, region, declared, raw)]
    g = log_group(raw, _group(dep, region))
    if g is None:
        return [make(RETENTION, dep, region, Status.FAIL, declared, None, f"log group {_group(dep, region)} not found in {region}", [raw])]
    days = g.get("retentionInDays")
    if days is None:
        return [make(RETENTION, dep, region, Status.PASS, declared, "never expire", "log group retention is 'never expire'", [raw])]
    if days >= declared:
        return [make(RETENTION, dep, region, Status.PASS, declared, days, f"log group keeps events {days} days (>= {declared})", [raw])]
    return [make(RETENTION, dep, region, Status.FAIL, declared, days, f"log group keeps events only {days} days, declared {declared}", [raw])]


def judge_kms(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    il = dep.aws.invocation_logging
    raw = data["groups"]
    if not ok(raw):
        return [unknown(KMS, dep, region, True, raw)]
    g = log_group(raw, _group(dep, region))
    if g is None:
        return [make(KMS, dep, region, Status.FAIL, True, None, f"log group {_group(dep, region)} not found in {region}", [raw])]
    key = g.get("kmsKeyId")
    if key:
        return [make(KMS, dep, region, Status.PASS, True, key, "log group is encrypted with a KMS key", [raw])]
    return [make(KMS, dep, region, Status.FAIL, True, None, "log group has no KMS key (service-managed encryption only)", [raw])]


def _has_group(dep: Any, profile: Any) -> bool:
    il = dep.aws.invocation_logging
    return il is not None and il.enabled and bool(il.cloudwatch_log_group)


register(Check(id=RETENTION, title="Invocation log group retention >= declared", topic="auditability",
               profile_field="deployments[].aws.invocation_logging.retention_days", iam_actions=("logs:DescribeLogGroups",),
               proves="The invocation log group keeps events at least as long as declared.",
               scope="region", collect=collect, judge=judge_retention,
               applies=lambda d, p: _has_group(d, p) and d.aws.invocation_logging.retention_days is not None))
register(Check(id=KMS, title="Invocation log group is KMS-encrypted", topic="auditability",
               profile_field="deployments[].aws.invocation_logging.kms_encrypted", iam_actions=("logs:DescribeLogGroups",),
               proves="The invocation log group is encrypted with a KMS key.",
               scope="region", collect=collect, judge=judge_kms,
               applies=lambda d, p: _has_group(d, p) and d.aws.invocation_logging.kms_encrypted))
