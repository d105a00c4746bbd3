"""How ``check`` reaches each AWS account a profile names: the multi-account fields and their rules.

Per deployment (``deployments[].aws``): ``accounts`` names where the resources live when not in the
deployment's own ``account_id`` (``trail``, ``log_bucket``, ``kms_key``, ``network``); ``role_name`` is
assumed in every account the deployment names (the usual audit-role pattern), ``role_arns`` gives a role
per account instead, ``external_id`` goes with every ``sts:AssumeRole``. Top level ``aws_organization``:
the role assumed in every member account by ``check --org``. The caller's own account is read with the
caller's credentials unless ``role_arns`` names a role for it.

Rules (``FILE:LINE`` like every profile problem): ids are 12 digits, roles are IAM role names / ARNs in
the account they are keyed by, and every account a deployment names has a way in.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field

ACCOUNT_RE = re.compile(r"^\d{12}$")
ROLE_NAME_RE = re.compile(r"^(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$")
EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$")
_ROLE_ARN_RE = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
RESOURCE_ACCOUNTS = ("trail", "log_bucket", "kms_key", "network")

Add = Callable[..., None]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class AwsAccounts(_Strict):
    trail: str | None = Field(None, description="Account holding the CloudTrail trail (e.g. the management account of an "
                                                "organization trail); default: the deployment's account_id")
    log_bucket: str | None = Field(None, description="Account holding the invocation-log S3 bucket (e.g. log archive)")
    kms_key: str | None = Field(None, description="Account holding the KMS key of the logs (e.g. a security account)")
    network: str | None = Field(None, description="Account holding the VPC endpoints (e.g. a shared network account)")


class AwsOrganization(_Strict):
    role_name: str = Field(description="Read-only role assumed in every member account by `check --org`")
    external_id: str | None = Field(None, description="sts:ExternalId sent with every AssumeRole into a member account")
    management_account_id: str | None = Field(
        None, description="Where organizations:ListAccounts is called (management or delegated admin); default: the caller's account")


def partition_of(region: str | None) -> str:
    """The ARN partition of a region code (aws, aws-cn, aws-us-gov)."""
    r = region or ""
    return "aws-cn" if r.startswith("cn-") else "aws-us-gov" if r.startswith("us-gov-") else "aws"


def role_arn(account: str, role_name: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account}:role/{role_name}"


def prune_unset_access(aws: dict[str, Any] | None) -> None:
    """Drop the access fields left at their defaults from a normalised ``aws:`` block (in place)."""
    if isinstance(aws, dict):
        for k in ("accounts", "role_name", "role_arns", "external_id"):
            if aws.get(k) in (None, {}):
                aws.pop(k, None)


def named_accounts(aws: dict[str, Any]) -> dict[str, str]:
    """Account id -> the first field naming it, for one raw ``aws:`` block (its own account first)."""
    out: dict[str, str] = {}
    if isinstance(aws.get("account_id"), str):
        out[aws["account_id"]] = "account_id"
    accts = aws.get("accounts")
    if isinstance(accts, dict):
        for k in RESOURCE_ACCOUNTS:
            if isinstance(accts.get(k), str):
                out.setdefault(accts[k], f"accounts.{k}")
    return out


def access_problems(aws: dict[str, Any], loc: tuple[Any, ...], add: Add) -> None:
    """Rules of one deployment's access fields (``loc`` is the ``aws`` block's location)."""
    accts = aws.get("accounts")
    if isinstance(accts, dict):
        for k in RESOURCE_ACCOUNTS:
            v = accts.get(k)
            if v is not None and not (isinstance(v, str) and ACCOUNT_RE.match(v)):
                hint = f' (quote it in YAML: {k}: "012345678901")' if isinstance(v, int) else ""
                add(loc + ("accounts", k), f"{v!r} is not a 12-digit AWS account id{hint}")
    name = aws.get("role_name")
    if name is not None and not (isinstance(name, str) and ROLE_NAME_RE.match(name)):
        add(loc + ("role_name",), f"{name!r} is not an IAM role name (letters, digits and +=,.@_-, at most 64; a path may precede it)")
    _role_arn_problems(aws.get("role_arns"), loc, add)
    ext = aws.get("external_id")
    if ext is not None and not (isinstance(ext, str) and EXTERNAL_ID_RE.match(ext)):
        add(loc + ("external_id",), "not a valid external id (2-1224 characters: letters, digits and +=,.@:/_-)")
    roles = aws.get("role_arns") if isinstance(aws.get("role_arns"), dict) else {}
    if isinstance(ext, str) and not name and not roles:
        add(loc + ("external_id",), "ignored: no role is assumed (set role_name or role_arns)", "warning")
    own = aws.get("account_id")
    named = named_accounts(aws)
    for acct, field in named.items():
        if acct != own and ACCOUNT_RE.match(acct) and not name and acct not in roles:
            add(loc + tuple(field.split(".")),
                f"account {acct} has no way in: set aws.role_name (assumed in every account) or aws.role_arns['{acct}']")
    for acct in roles:
        if isinstance(acct, str) and acct not in named:
            add(loc + ("role_arns", acct), f"account {acct} is not named by this deployment (account_id, accounts); ignored", "warning")


def _role_arn_problems(roles: Any, loc: tuple[Any, ...], add: Add) -> None:
    if not isinstance(roles, dict):
        return
    for acct, arn in roles.items():
        where = loc + ("role_arns", acct)
        if not (isinstance(acct, str) and ACCOUNT_RE.match(acct)):
            add(where, f"{acct!r} is not a 12-digit AWS account id (quote the key)")
            continue
        m = _ROLE_ARN_RE.match(arn) if isinstance(arn, str) else None
        if m is None:
            add(where, f"{arn!r} is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
        elif m.group(2) != acct:
            add(where, f"role is in account {m.group(2)}, but it is given for account {acct}")


def deployment_access(aws: dict[str, Any]) -> dict[str, str | None]:
    """Account -> the role ARN this raw ``aws:`` block assumes there (None: the caller's credentials)."""
    roles = aws.get("role_arns") if isinstance(aws.get("role_arns"), dict) else {}
    name = aws.get("role_name") if isinstance(aws.get("role_name"), str) else None
    return {a: roles.get(a) or (role_arn(a, name) if name else None) for a in named_accounts(aws) if ACCOUNT_RE.match(a)}


def cross_deployment_problems(deployments: Any, add: Add) -> None:
    """One account is reached one way: two deployments may not give it different roles or external ids."""
    if not isinstance(deployments, list):
        return
    seen: dict[str, tuple[str | None, Any, int]] = {}
    for i, d in enumerate(deployments):
        aws = d.get("aws") if isinstance(d, dict) else None
        if not isinstance(aws, dict):
            continue
        for acct, arn in deployment_access(aws).items():
            ext = aws.get("external_id") if arn else None
            first = seen.setdefault(acct, (arn, ext, i))
            if arn and first[0] and (first[0], first[1]) != (arn, ext):
                add(("deployments", i, "aws"), f"account {acct} is reached with {arn}"
                    f"{' and another external_id' if first[0] == arn else ''}, but deployments[{first[2]}] uses {first[0]}; "
                    "use one role per account")


def organization_problems(org: Any, add: Add) -> None:
    if not isinstance(org, dict):
        return
    name = org.get("role_name")
    if name is not None and not (isinstance(name, str) and ROLE_NAME_RE.match(name)):
        add(("aws_organization", "role_name"), f"{name!r} is not an IAM role name")
    ext = org.get("external_id")
    if ext is not None and not (isinstance(ext, str) and EXTERNAL_ID_RE.match(ext)):
        add(("aws_organization", "external_id"), "not a valid external id (2-1224 characters: letters, digits and +=,.@:/_-)")
    mgmt = org.get("management_account_id")
    if mgmt is not None and not (isinstance(mgmt, str) and ACCOUNT_RE.match(mgmt)):
        add(("aws_organization", "management_account_id"), f"{mgmt!r} is not a 12-digit AWS account id")
