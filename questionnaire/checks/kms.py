"""KMS: rotation is on for the keys that encrypt the invocation logs (log group, bucket)."""

from __future__ import annotations

from typing import Any

from questionnaire.checks import Check, make, ok, register, unknown
from questionnaire.checks import bedrock, cloudwatch, s3
from questionnaire.findings import Status

ID = "kms.key_rotation.enabled"


def _key_region(key: str, default: str) -> str:
    parts = key.split(":")
    return parts[3] if key.startswith("arn:") and len(parts) > 3 and parts[3] else default


def keys_in_use(ctx: Any, dep: Any, region: str) -> tuple[list[tuple[str, str, str]], dict[str, Any]]:
    """[(source, key, key_region)], and the raw responses consulted."""
    il = dep.aws.invocation_logging
    keys: list[tuple[str, str, str]] = []
    raws: dict[str, Any] = {}
    group = bedrock.destination(dep, region)[1]
    if group:
        raws["groups"] = cloudwatch.groups(ctx, region, group)
        g = cloudwatch.log_group(raws["groups"], group) if ok(raws["groups"]) else None
        if g and g.get("kmsKeyId"):
            keys.append(("log group", g["kmsKeyId"], _key_region(g["kmsKeyId"], region)))
    if il.s3_bucket:
        raws["encryption"] = s3.s3_call(ctx, dep, "get_bucket_encryption", Bucket=il.s3_bucket)
        if ok(raws["encryption"]):
            _, key = s3.bucket_kms_key(raws["encryption"])
            if key:
                kr = _key_region(key, dep.regions[0])
                # the bucket key is checked once: in its own region if declared, else in the first region
                mine = kr == region or (kr not in dep.regions and region == dep.regions[0])
                if mine:
                    keys.append(("bucket", key, kr))
    return keys, raws


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    keys, raws = keys_in_use(ctx, dep, region)
    out: dict[str, Any] = {"sources": raws, "keys": []}
    merged: dict[str, tuple[str, str, str]] = {}
    for source, key, kr in keys:  # one key used by both log group and bucket is checked once
        if key in merged:
            merged[key] = (merged[key][0] + " and " + source, key, kr)
        else:
            merged[key] = (source, key, kr)
    for source, key, kr in merged.values():
        key_id = key
        resolved = None
        if "alias/" in key:
            resolved = ctx.call("kms", "describe_key", kr, KeyId=key)
            key_id = ((resolved.response or {}).get("KeyMetadata") or {}).get("Arn") if ok(resolved) else None
        rot = ctx.call("kms", "get_key_rotation_status", kr, KeyId=key_id) if key_id else None
        out["keys"].append({"source": source, "key": key, "resolved": resolved, "rotation": rot})
    return out


def judge(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    srcs = data["sources"]
    failed = [r for r in srcs.values() if not ok(r) and (r.error or {}).get("code") not in (
        "ServerSideEncryptionConfigurationNotFoundError", "NoSuchBucket")]
    if not data["keys"]:
        if failed:
            return [unknown(ID, dep, region, True, failed[0], extra=list(srcs.values()))]
        return [make(ID, dep, region, Status.FAIL, True, None, "no KMS key found on the log group or log bucket", list(srcs.values()))]
    out = []
    if failed:  # a key may hide behind the source that could not be read
        out.append(unknown(ID, dep, region, True, failed[0], subject="unreadable-source", extra=list(srcs.values())))
    for k in data["keys"]:
        subject = k["key"].rsplit("/", 1)[-1]
        rot = k["rotation"]
        ev = [*srcs.values(), k["resolved"], rot]
        ev = [e for e in ev if e is not None]
        if rot is None:
            out.append(unknown(ID, dep, region, True, k["resolved"], subject=subject, extra=ev))
        elif not ok(rot):
            out.append(unknown(ID, dep, region, True, rot, subject=subject, extra=ev))
        elif (rot.response or {}).get("KeyRotationEnabled"):
            out.append(make(ID, dep, region, Status.PASS, True, True, f"automatic rotation is on for the {k['source']} key", ev, subject))
        else:
            out.append(make(ID, dep, region, Status.FAIL, True, False, f"automatic rotation is off for the {k['source']} key {k['key']}", ev, subject))
    return out


register(Check(id=ID, title="KMS key rotation is on for the log keys", topic="auditability",
               profile_field="deployments[].aws.invocation_logging.kms_encrypted",
               iam_actions=("kms:GetKeyRotationStatus", "kms:DescribeKey", "logs:DescribeLogGroups", "s3:GetEncryptionConfiguration"),
               proves="The KMS keys that encrypt the invocation logs rotate automatically.",
               scope="region", collect=collect, judge=judge,
               applies=lambda d, p: d.aws.invocation_logging is not None and d.aws.invocation_logging.enabled
               and d.aws.invocation_logging.kms_encrypted))
