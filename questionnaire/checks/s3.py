"""S3: the invocation-log bucket's encryption, integrity (versioning/Object Lock), public access block."""

from __future__ import annotations

from typing import Any

from questionnaire.checks import Check, err_code, make, ok, register, unknown
from questionnaire.findings import Status

ENCRYPTION = "s3.log_bucket.encryption"
INTEGRITY = "s3.log_bucket.integrity"
PUBLIC = "s3.log_bucket.public_access_blocked"


def s3_call(ctx: Any, dep: Any, method: str, **params: Any) -> Any:
    """S3 calls are recorded as global; the client uses the deployment's first region (boto3 follows redirects)."""
    return ctx.call("s3", method, dep.regions[0], record_region=None, **params)


def bucket(dep: Any) -> str:
    return dep.aws.invocation_logging.s3_bucket


def collect_encryption(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"encryption": s3_call(ctx, dep, "get_bucket_encryption", Bucket=bucket(dep))}


def bucket_kms_key(raw: Any) -> tuple[str | None, str | None]:
    """(algorithm, kms key id) of a GetBucketEncryption response."""
    rules = ((raw.response or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    for r in rules:
        d = r.get("ApplyServerSideEncryptionByDefault") or {}
        if d.get("SSEAlgorithm"):
            return d.get("SSEAlgorithm"), d.get("KMSMasterKeyID")
    return None, None


def judge_encryption(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["encryption"]
    kms = dep.aws.invocation_logging.kms_encrypted
    declared = "SSE-KMS" if kms else "encrypted"
    code = err_code(raw)
    if code == "NoSuchBucket":
        return [make(ENCRYPTION, dep, None, Status.FAIL, declared, None, f"bucket {bucket(dep)} does not exist", [raw])]
    if code == "ServerSideEncryptionConfigurationNotFoundError":
        return [make(ENCRYPTION, dep, None, Status.FAIL, declared, None, "bucket has no default encryption", [raw])]
    if not ok(raw):
        return [unknown(ENCRYPTION, dep, None, declared, raw)]
    algo, key = bucket_kms_key(raw)
    obs = {"algorithm": algo, "kms_key": key}
    if kms and algo not in ("aws:kms", "aws:kms:dsse"):
        return [make(ENCRYPTION, dep, None, Status.FAIL, declared, obs, f"bucket default encryption is {algo}, not SSE-KMS", [raw])]
    if not algo:
        return [make(ENCRYPTION, dep, None, Status.FAIL, declared, obs, "bucket has no default encryption", [raw])]
    return [make(ENCRYPTION, dep, None, Status.PASS, declared, obs, f"bucket default encryption is {algo}", [raw])]


def collect_integrity(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    out = {"versioning": s3_call(ctx, dep, "get_bucket_versioning", Bucket=bucket(dep))}
    if not (ok(out["versioning"]) and (out["versioning"].response or {}).get("Status") == "Enabled"):
        out["object_lock"] = s3_call(ctx, dep, "get_object_lock_configuration", Bucket=bucket(dep))
    return out


def judge_integrity(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    v = data["versioning"]
    declared = "versioning or Object Lock"
    raws = list(data.values())
    if err_code(v) == "NoSuchBucket":
        return [make(INTEGRITY, dep, None, Status.FAIL, declared, None, f"bucket {bucket(dep)} does not exist", raws)]
    status = (v.response or {}).get("Status") if ok(v) else None
    if status == "Enabled":
        return [make(INTEGRITY, dep, None, Status.PASS, declared, {"versioning": "Enabled"}, "bucket versioning is enabled", raws)]
    lock = data.get("object_lock")
    if ok(lock) and ((lock.response or {}).get("ObjectLockConfiguration") or {}).get("ObjectLockEnabled") == "Enabled":
        return [make(INTEGRITY, dep, None, Status.PASS, declared, {"versioning": status, "object_lock": "Enabled"}, "Object Lock is enabled", raws)]
    if not ok(v):
        return [unknown(INTEGRITY, dep, None, declared, v, extra=raws)]
    if lock is not None and not ok(lock) and err_code(lock) != "ObjectLockConfigurationNotFoundError":
        return [unknown(INTEGRITY, dep, None, declared, lock, extra=raws)]
    return [make(INTEGRITY, dep, None, Status.FAIL, declared, {"versioning": status or "never enabled", "object_lock": None},
                 "log objects can be overwritten: neither versioning nor Object Lock is enabled", raws)]


def collect_public(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"pab": s3_call(ctx, dep, "get_public_access_block", Bucket=bucket(dep)),
            "policy_status": s3_call(ctx, dep, "get_bucket_policy_status", Bucket=bucket(dep))}


FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def judge_public(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["pab"]
    code = err_code(raw)
    if code == "NoSuchBucket":
        return [make(PUBLIC, dep, None, Status.FAIL, "all blocked", None, f"bucket {bucket(dep)} does not exist", [raw])]
    if code == "NoSuchPublicAccessBlockConfiguration":
        return [make(PUBLIC, dep, None, Status.FAIL, "all blocked", None, "bucket has no public access block", [raw])]
    if not ok(raw):
        return [unknown(PUBLIC, dep, None, "all blocked", raw)]
    cfg = (raw.response or {}).get("PublicAccessBlockConfiguration") or {}
    off = [f for f in FLAGS if not cfg.get(f)]
    ps = data.get("policy_status")
    raws = [raw] + ([ps] if ps is not None else [])
    # a bucket policy granting Principal "*" is a drift even while the block neutralises it
    public_policy = ok(ps) and bool(((ps.response or {}).get("PolicyStatus") or {}).get("IsPublic"))
    obs = {**cfg, "policy_is_public": public_policy if ok(ps) else (False if err_code(ps) == "NoSuchBucketPolicy" else None)}
    if off or public_policy:
        why = ([f"public access block off: {', '.join(off)}"] if off else []) + (["bucket policy is public"] if public_policy else [])
        return [make(PUBLIC, dep, None, Status.FAIL, "all blocked", obs, "; ".join(why), raws)]
    if ps is not None and not ok(ps) and err_code(ps) != "NoSuchBucketPolicy":
        return [unknown(PUBLIC, dep, None, "all blocked", ps, extra=raws)]
    return [make(PUBLIC, dep, None, Status.PASS, "all blocked", obs, "all four public access block settings are on and the bucket policy is not public", raws)]


def _has_bucket(dep: Any, profile: Any) -> bool:
    il = dep.aws.invocation_logging
    return il is not None and il.enabled and bool(il.s3_bucket)


register(Check(id=ENCRYPTION, title="Invocation-log bucket is encrypted (SSE-KMS when declared)", topic="auditability",
               profile_field="deployments[].aws.invocation_logging.kms_encrypted", iam_actions=("s3:GetEncryptionConfiguration",),
               proves="The log bucket encrypts objects by default, with KMS when declared.",
               scope="global", collect=collect_encryption, judge=judge_encryption, applies=_has_bucket))
register(Check(id=INTEGRITY, title="Invocation-log bucket protects log integrity", topic="auditability",
               profile_field="deployments[].aws.invocation_logging.s3_bucket",
               iam_actions=("s3:GetBucketVersioning", "s3:GetBucketObjectLockConfiguration"),
               proves="Log objects cannot be silently overwritten or deleted (versioning or Object Lock).",
               scope="global", collect=collect_integrity, judge=judge_integrity, applies=_has_bucket))
register(Check(id=PUBLIC, title="Invocation-log bucket blocks public access", topic="auditability",
               profile_field="deployments[].aws.invocation_logging.s3_bucket", iam_actions=("s3:GetBucketPublicAccessBlock", "s3:GetBucketPolicyStatus"),
               proves="The log bucket's public access block is fully on and its bucket policy is not public.",
               scope="global", collect=collect_public, judge=judge_public, applies=_has_bucket))
