"""S3: the invocation-log bucket's encryption, integrity (versioning / Object Lock), public access
(bucket and account-level block), and lifecycle retention."""

from __future__ import annotations

from typing import Any

from questionnaire.checks.registry import Verdict, check, err_code, ok

ORDER = 50

ENCRYPTION = "s3.log_bucket.encryption"
INTEGRITY = "s3.log_bucket.integrity"
PUBLIC = "s3.log_bucket.public_access_blocked"
RETENTION = "s3.log_bucket.retention"
FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


def s3_call(ctx: Any, dep: Any, method: str, **params: Any) -> Any:
    """S3 calls are recorded as global; the client uses the deployment's first region (boto3 follows redirects).
    They read the account holding the log bucket (``aws.accounts.log_bucket``, e.g. a log archive)."""
    return ctx.at(dep.aws.account_for("log_bucket")).call("s3", method, dep.regions[0], record_region=None, **params)


def account_pab(ctx: Any, dep: Any) -> Any:
    acct = dep.aws.account_for("log_bucket")
    return ctx.at(acct).call("s3control", "get_public_access_block", dep.regions[0], record_region=None, AccountId=acct)


def bucket_and_account_pab(ctx: Any, dep: Any, name: str) -> tuple[Any, Any]:
    """The bucket's public access block, and the account's only when the bucket's leaves a flag off
    (the account level can only add blocks: with all four on at the bucket it changes nothing)."""
    pab = s3_call(ctx, dep, "get_public_access_block", Bucket=name)
    cfg = ((pab.response or {}).get("PublicAccessBlockConfiguration") or {}) if ok(pab) else {}
    return pab, (None if all(cfg.get(f) for f in FLAGS) else account_pab(ctx, dep))


def bucket(dep: Any) -> str:
    return dep.aws.invocation_logging.s3_bucket


def _has_bucket(dep: Any, profile: Any) -> bool:
    il = dep.aws.invocation_logging
    return il is not None and il.enabled and bool(il.s3_bucket)


def collect_encryption(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"encryption": s3_call(ctx, dep, "get_bucket_encryption", Bucket=bucket(dep))}


def bucket_kms_key(raw: Any) -> tuple[str | None, str | None]:
    """(algorithm, kms key id) of a GetBucketEncryption response; SSE-KMS without a key id uses the AWS managed aws/s3 key."""
    rules = ((raw.response or {}).get("ServerSideEncryptionConfiguration") or {}).get("Rules") or []
    for r in rules:
        d = r.get("ApplyServerSideEncryptionByDefault") or {}
        if d.get("SSEAlgorithm"):
            key = d.get("KMSMasterKeyID")
            if d["SSEAlgorithm"].startswith("aws:kms") and not key:
                key = "alias/aws/s3"
            return d.get("SSEAlgorithm"), key
    return None, None


@check(id=ENCRYPTION,
       title="Invocation-log bucket is encrypted (SSE-KMS when declared)",
       topic="auditability",
       scope="global",
       profile_field="deployments[].aws.invocation_logging.kms_encrypted",
       iam=["s3:GetEncryptionConfiguration"],
       proves="The log bucket encrypts objects by default, with KMS when declared (the AWS managed aws/s3 key counts).",
       collect=collect_encryption,
       applies=_has_bucket,
       reads="log_bucket")
def judge_encryption(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["encryption"]
    kms = dep.aws.invocation_logging.kms_encrypted
    v = v.at(None).declare("SSE-KMS" if kms else "encrypted")
    code = err_code(raw)
    if code == "NoSuchBucket":
        return [v.fail(None, f"bucket {bucket(dep)} does not exist", [raw])]
    if code == "ServerSideEncryptionConfigurationNotFoundError":
        return [v.fail(None, "bucket has no default encryption", [raw])]
    if not ok(raw):
        return [v.unknown(raw)]
    algo, key = bucket_kms_key(raw)
    obs = {"algorithm": algo, "kms_key": key}
    if kms and algo not in ("aws:kms", "aws:kms:dsse"):
        return [v.fail(obs, f"bucket default encryption is {algo}, not SSE-KMS", [raw])]
    if not algo:
        return [v.fail(obs, "bucket has no default encryption", [raw])]
    return [v.passed(obs, f"bucket default encryption is {algo}" + (f" ({key})" if key else ""), [raw])]


def collect_integrity(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"versioning": s3_call(ctx, dep, "get_bucket_versioning", Bucket=bucket(dep)),
            "object_lock": s3_call(ctx, dep, "get_object_lock_configuration", Bucket=bucket(dep))}


def _lock(lock: Any) -> tuple[bool, dict[str, Any] | None]:
    cfg = ((lock.response or {}).get("ObjectLockConfiguration") or {}) if ok(lock) else {}
    return cfg.get("ObjectLockEnabled") == "Enabled", (cfg.get("Rule") or {}).get("DefaultRetention")


@check(id=INTEGRITY,
       title="Invocation-log bucket protects log integrity",
       topic="auditability",
       scope="global",
       profile_field="deployments[].aws.invocation_logging.s3_bucket",
       iam=["s3:GetBucketVersioning", "s3:GetBucketObjectLockConfiguration"],
       proves="Overwritten or deleted log objects stay recoverable (versioning), or cannot be deleted during a default "
              "Object Lock retention; the finding says whether MFA delete is on.",
       collect=collect_integrity,
       applies=_has_bucket,
       reads="log_bucket")
def judge_integrity(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    ver, lock = data["versioning"], data.get("object_lock")
    v = v.at(None).declare("versioning or Object Lock with a default retention")
    raws = [r for r in data.values() if r is not None]
    if err_code(ver) == "NoSuchBucket":
        return [v.fail(None, f"bucket {bucket(dep)} does not exist", raws)]
    status = (ver.response or {}).get("Status") if ok(ver) else None
    mfa = (ver.response or {}).get("MFADelete") if ok(ver) else None
    locked, retention = _lock(lock) if lock is not None else (False, None)
    obs = {"versioning": status or "never enabled", "mfa_delete": mfa or "Disabled", "object_lock": locked, "default_retention": retention}
    if locked and retention:
        return [v.passed(obs, f"Object Lock with a default {retention.get('Mode')} retention: log objects cannot be overwritten or deleted "
                              "during the retention period", raws)]
    if status == "Enabled":
        tail = " and MFA delete is on" if mfa == "Enabled" else \
            "; MFA delete is off, so a principal allowed s3:DeleteObjectVersion can still remove them"
        lock_note = " (Object Lock is enabled without a default retention: it protects nothing by default)" if locked else ""
        return [v.passed(obs, "versioning is enabled: overwritten or deleted log objects stay recoverable as prior versions"
                              f"{tail}{lock_note}", raws)]
    if not ok(ver):
        return [v.unknown(ver, extra=raws)]
    if lock is not None and not ok(lock) and err_code(lock) != "ObjectLockConfigurationNotFoundError":
        return [v.unknown(lock, extra=raws)]
    return [v.fail(obs, "log objects can be overwritten: neither versioning nor Object Lock with a default retention is enabled", raws)]


def exposure_data(ctx: Any, dep: Any, name: str) -> dict[str, Any]:
    """Encryption and public access of a bucket, plus the account-level public access block."""
    pab, acct = bucket_and_account_pab(ctx, dep, name)
    return {"encryption": s3_call(ctx, dep, "get_bucket_encryption", Bucket=name), "pab": pab, "account_pab": acct}


def blocked_flags(pab: Any, acct: Any) -> tuple[list[str], list[Any]]:
    """Public access block flags that are off at both the bucket and the account level; raws that could not be read."""
    cfg = ((pab.response or {}).get("PublicAccessBlockConfiguration") or {}) if ok(pab) else {}
    acfg = ((acct.response or {}).get("PublicAccessBlockConfiguration") or {}) if ok(acct) else {}
    off = [f for f in FLAGS if not cfg.get(f) and not acfg.get(f)]
    absent = ("NoSuchPublicAccessBlockConfiguration", "NoSuchBucket")
    unread = [r for r in (pab, acct) if r is not None and not ok(r) and err_code(r) not in absent]
    return off, unread


def exposure_problems(data: dict[str, Any]) -> tuple[list[str], list[Any]]:
    enc = data["encryption"]
    problems: list[str] = []
    if err_code(enc) == "ServerSideEncryptionConfigurationNotFoundError":
        problems.append("no default encryption")
    off, unread = blocked_flags(data["pab"], data["account_pab"])
    if off and not unread:
        problems.append(f"public access block off: {', '.join(off)}")
    blockers = unread + ([enc] if not ok(enc) and err_code(enc) != "ServerSideEncryptionConfigurationNotFoundError" else [])
    return problems, blockers


def collect_public(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    pab, acct = bucket_and_account_pab(ctx, dep, bucket(dep))
    return {"pab": pab, "policy_status": s3_call(ctx, dep, "get_bucket_policy_status", Bucket=bucket(dep)), "account_pab": acct}


@check(id=PUBLIC,
       title="Invocation-log bucket blocks public access",
       topic="auditability",
       scope="global",
       profile_field="deployments[].aws.invocation_logging.s3_bucket",
       iam=["s3:GetBucketPublicAccessBlock", "s3:GetBucketPolicyStatus", "s3:GetAccountPublicAccessBlock"],
       proves="Every public access block setting is on for the log bucket or the whole account, and its bucket policy is not public.",
       collect=collect_public,
       applies=_has_bucket,
       reads="log_bucket")
def judge_public(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw, ps, acct = data["pab"], data.get("policy_status"), data.get("account_pab")
    v = v.at(None).declare("all blocked")
    raws = [r for r in (raw, ps, acct) if r is not None]
    if err_code(raw) == "NoSuchBucket":
        return [v.fail(None, f"bucket {bucket(dep)} does not exist", raws)]
    off, unread = blocked_flags(raw, acct)
    # a bucket policy granting Principal "*" is a drift even while the block neutralises it
    public_policy = ok(ps) and bool(((ps.response or {}).get("PolicyStatus") or {}).get("IsPublic"))
    cfg = ((raw.response or {}).get("PublicAccessBlockConfiguration") or {}) if ok(raw) else {}
    obs = {**cfg, "account_level": ((acct.response or {}).get("PublicAccessBlockConfiguration") if ok(acct) else None),
           "policy_is_public": public_policy if ok(ps) else (False if err_code(ps) == "NoSuchBucketPolicy" else None)}
    if public_policy or (off and not unread):
        why = [f"public access block off (bucket and account): {', '.join(off)}"] if off else []
        why += ["bucket policy is public"] if public_policy else []
        return [v.fail(obs, "; ".join(why), raws)]
    if off and unread:
        return [v.unknown(unread[0], extra=raws)]
    if ps is not None and not ok(ps) and err_code(ps) != "NoSuchBucketPolicy":
        return [v.unknown(ps, extra=raws)]
    return [v.passed(obs, "all four public access block settings are on (bucket or account level) and the bucket policy is not "
                          "public", raws)]


def collect_retention(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"lifecycle": s3_call(ctx, dep, "get_bucket_lifecycle_configuration", Bucket=bucket(dep))}


def _expiring(rule: dict[str, Any], days: int) -> str | None:
    if rule.get("Status") != "Enabled":
        return None
    exp = rule.get("Expiration") or {}
    prefix = (rule.get("Filter") or {}).get("Prefix", rule.get("Prefix", "")) or "(all objects)"
    if exp.get("Days") is not None and int(exp["Days"]) < days:
        return f"rule {rule.get('ID') or '?'} deletes {prefix} after {exp['Days']} days"
    if exp.get("Date"):
        return f"rule {rule.get('ID') or '?'} deletes {prefix} on {exp['Date']}"
    nc = rule.get("NoncurrentVersionExpiration") or {}
    if nc.get("NoncurrentDays") is not None and int(nc["NoncurrentDays"]) < days:
        return f"rule {rule.get('ID') or '?'} deletes prior versions of {prefix} after {nc['NoncurrentDays']} days"
    return None


@check(id=RETENTION,
       title="Invocation-log bucket keeps logs >= declared retention",
       topic="auditability",
       scope="global",
       profile_field="deployments[].aws.invocation_logging.retention_days",
       iam=["s3:GetLifecycleConfiguration"],
       proves="No enabled S3 lifecycle rule of the log bucket expires log objects (or their prior versions) before the declared retention.",
       collect=collect_retention,
       applies=lambda d, p: _has_bucket(d, p) and d.aws.invocation_logging.retention_days is not None,
       reads="log_bucket")
def judge_retention(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["lifecycle"]
    days = dep.aws.invocation_logging.retention_days
    v = v.at(None).declare(days)
    if err_code(raw) == "NoSuchLifecycleConfiguration":
        return [v.passed("never expire", "no lifecycle rule: log objects are kept until deleted", [raw])]
    if err_code(raw) == "NoSuchBucket":
        return [v.fail(None, f"bucket {bucket(dep)} does not exist", [raw])]
    if not ok(raw):
        return [v.unknown(raw)]
    short = [x for x in (_expiring(r, days) for r in (raw.response or {}).get("Rules") or []) if x]
    if short:
        return [v.fail(short, f"log objects expire before {days} days: {'; '.join(short[:3])}", [raw])]
    return [v.passed("no earlier expiration", f"no lifecycle rule expires log objects before {days} days", [raw])]
