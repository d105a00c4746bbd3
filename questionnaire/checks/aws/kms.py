"""KMS: rotation is on for the keys that encrypt the invocation logs (log group, bucket).

The keys are read in the account that holds them (``aws.accounts.kms_key``, e.g. a security account), the log group
in the deployment's own account, the bucket in the log bucket's."""

from __future__ import annotations

import json
from typing import Any

import questionnaire.checks.aws.bedrock as bedrock
import questionnaire.checks.aws.cloudwatch as cloudwatch
import questionnaire.checks.aws.s3 as s3
from questionnaire.checks.registry import Verdict, check, ok

ORDER = 70

ID = "kms.key_rotation.enabled"
STATE = "kms.log_key.enabled_and_private"
ACTIONS = ("kms:GetKeyRotationStatus", "kms:DescribeKey", "kms:GetKeyPolicy", "logs:DescribeLogGroups", "s3:GetEncryptionConfiguration")


def _applies(dep: Any, profile: Any) -> bool:
    il = dep.aws.invocation_logging
    return il is not None and il.enabled and il.kms_encrypted


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
        raws["groups"] = cloudwatch.groups(ctx.at(dep.aws.account_id), region, group)
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
    enc = raws.get("encryption")
    if not keys and "groups" not in raws and enc is not None and ok(enc) and s3.bucket_kms_key(enc)[1]:
        out["bucket_key_region"] = _key_region(s3.bucket_kms_key(enc)[1], dep.regions[0])  # judged in that region
    merged: dict[str, tuple[str, str, str]] = {}
    for source, key, kr in keys:  # one key used by both log group and bucket is checked once
        if key in merged:
            merged[key] = (merged[key][0] + " and " + source, key, kr)
        else:
            merged[key] = (source, key, kr)
    for source, key, kr in merged.values():
        resolved = ctx.call("kms", "describe_key", kr, KeyId=key)  # key state, manager (AWS or CUSTOMER), aliases resolved
        meta = ((resolved.response or {}).get("KeyMetadata") or {}) if ok(resolved) else {}
        key_id = meta.get("Arn") or (None if "alias/" in key else key)
        aws_managed = meta.get("KeyManager") == "AWS" or key.rsplit(":", 1)[-1].startswith("alias/aws/")
        rot = ctx.call("kms", "get_key_rotation_status", kr, KeyId=key_id) if key_id and not aws_managed else None
        pol = ctx.call("kms", "get_key_policy", kr, KeyId=key_id, PolicyName="default") if key_id and not aws_managed else None
        out["keys"].append({"source": source, "key": key, "resolved": resolved, "rotation": rot, "policy": pol, "aws_managed": aws_managed})
    return out


@check(id=ID,
       title="KMS key rotation is on for the log keys",
       topic="auditability",
       scope="region",
       profile_field="deployments[].aws.invocation_logging.kms_encrypted",
       iam=ACTIONS,
       proves="The KMS keys that encrypt the invocation logs rotate automatically.",
       collect=collect,
       applies=_applies,
       reads="kms_key")
def judge(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    v = v.declare(True)
    srcs = data["sources"]
    failed = [r for r in srcs.values() if not ok(r) and (r.error or {}).get("code") not in (
        "ServerSideEncryptionConfigurationNotFoundError", "NoSuchBucket")]
    if not data["keys"]:
        if failed:
            return [v.unknown(failed[0], extra=list(srcs.values()))]
        if data.get("bucket_key_region"):
            return []  # no log group here; the bucket's one key is judged once, in its own region's finding
        return [v.fail(None, "no KMS key found on the log group or log bucket", list(srcs.values()))]
    out = []
    if failed:  # a key may hide behind the source that could not be read
        out.append(v.about("unreadable-source").unknown(failed[0], extra=list(srcs.values())))
    for k in data["keys"]:
        subject = k["key"].rsplit("/", 1)[-1]
        rot = k["rotation"]
        ev = [e for e in [*srcs.values(), k["resolved"], rot] if e is not None]
        if k.get("aws_managed"):
            out.append(v.about(subject).passed("AWS managed", f"the {k['source']} key is AWS managed ({k['key']}): "
                                               "AWS rotates it automatically every year", ev))
        elif rot is None:
            out.append(v.about(subject).unknown(k["resolved"], extra=ev))
        elif not ok(rot):
            out.append(v.about(subject).unknown(rot, extra=ev))
        elif (rot.response or {}).get("KeyRotationEnabled"):
            out.append(v.about(subject).passed(True, f"automatic rotation is on for the {k['source']} key", ev))
        else:
            out.append(v.about(subject).fail(False, f"automatic rotation is off for the {k['source']} key {k['key']}", ev))
    return out


def _open_to_anyone(doc: dict[str, Any]) -> bool:
    for st in doc.get("Statement") or []:
        p = st.get("Principal") if isinstance(st, dict) else None
        anyone = p == "*" or (isinstance(p, dict) and "*" in ([p.get("AWS")] if isinstance(p.get("AWS"), str) else p.get("AWS") or []))
        if isinstance(st, dict) and st.get("Effect") == "Allow" and anyone and not st.get("Condition"):
            return True
    return False


@check(id=STATE,
       title="The log KMS keys are enabled and not open to anyone",
       topic="auditability",
       scope="region",
       profile_field="deployments[].aws.invocation_logging.kms_encrypted",
       iam=ACTIONS,
       proves="The KMS keys that encrypt the invocation logs are Enabled (not disabled or pending deletion) and their "
              "key policy grants nothing to '*' without a condition.",
       collect=collect,
       applies=_applies,
       reads="kms_key")
def judge_usable(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    """The log keys are enabled (not disabled or pending deletion) and their key policy admits no one outside."""
    if not data["keys"]:
        return judge(v, profile, dep, region, data)
    v = v.declare("Enabled")
    out = []
    for k in data["keys"]:
        subject = k["key"].rsplit("/", 1)[-1]
        d, pol = k["resolved"], k.get("policy")
        ev = [e for e in (d, pol) if e is not None]
        if not ok(d):
            out.append(v.about(subject).unknown(d, extra=ev))
            continue
        state = ((d.response or {}).get("KeyMetadata") or {}).get("KeyState")
        if state != "Enabled":
            out.append(v.about(subject).fail(state, f"the {k['source']} key is {state}: logs cannot be written or read with it"
                                             + (" and it will be deleted" if state == "PendingDeletion" else ""), ev))
        elif pol is not None and not ok(pol):
            out.append(v.about(subject).unknown(pol, extra=ev))
        elif pol is not None and _open_to_anyone(json.loads((pol.response or {}).get("Policy") or "{}")):
            out.append(v.about(subject).fail(state, f"the {k['source']} key policy allows any principal ('*') without a condition", ev))
        else:
            tail = "" if k.get("aws_managed") else " and its key policy admits no '*' principal"
            out.append(v.about(subject).passed(state, f"the {k['source']} key is enabled{tail}", ev))
    return out
