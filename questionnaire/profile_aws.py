"""The ``aws:`` block of an ``aws_bedrock`` deployment: model and semantic rules.

The model is part of :class:`questionnaire.profile_model.Deployment` (``deployments[].aws``); the rules
run on the raw YAML data from :func:`questionnaire.profile_rules.semantic_problems` and report
``FILE:LINE: path: message`` problems. No boto3 here (the region list is read from botocore's data file).
"""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field

from questionnaire.profile_aws_access import AwsAccounts, access_problems, partition_of, role_arn

AWS_PLATFORMS = frozenset({"aws_bedrock"})
ARN_RE = re.compile(r"^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$")
ROLE_ARN_RE = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")

Add = Callable[..., None]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, use_enum_values=False)


class LogDestination(_Strict):
    s3_bucket: str | None = None
    cloudwatch_log_group: str | None = None


class InvocationLogging(_Strict):
    enabled: bool
    s3_bucket: str | None = None
    cloudwatch_log_group: str | None = None
    retention_days: int | None = Field(None, ge=1)
    kms_encrypted: bool = False
    data_types: list[Literal["text", "image", "embedding", "video", "audio"]] | None = Field(
        None, description="Data types whose delivery must be on (default: all of them)"
    )
    destinations: dict[str, LogDestination] = Field(
        default_factory=dict,
        description="Per-region destinations (AWS requires the bucket/log group in the logging config's own region); "
        "regions not listed use s3_bucket / cloudwatch_log_group",
    )


class CloudTrail(_Strict):
    trail: str
    log_file_validation: bool = False


class Guardrail(_Strict):
    id: str
    version: str | None = Field(None, description="Guardrail version; default DRAFT/latest")
    prompt_attack_filter: bool = False
    pii_filter: bool = False


class AwsSettings(_Strict):
    account_id: str = Field(description="12-digit AWS account id (quote it in YAML)")
    models: list[str] = Field(default_factory=list)
    invocation_logging: InvocationLogging | None = None
    cloudtrail: CloudTrail | None = None
    guardrail: Guardrail | None = None
    private_endpoint: bool = False
    agent_role: str | None = Field(None, description="ARN of the IAM role the AI agent runs as")
    secrets: list[str] = Field(default_factory=list)
    vpc_ids: list[str] = Field(default_factory=list, description="VPCs the workload runs in (the endpoints must be there)")
    private_endpoint_services: list[Literal["bedrock", "bedrock-runtime", "bedrock-agent", "bedrock-agent-runtime"]] = Field(
        default_factory=list,
        description="Bedrock endpoints reached privately (default: bedrock-runtime, plus bedrock-agent-runtime with agent_ids)",
    )
    agent_ids: list[str] = Field(default_factory=list, description="Bedrock Agents ids of this deployment")
    inference_data_zones: list[str] = Field(
        default_factory=list,
        description="With cross_region_inference: the system-defined profile prefixes allowed (e.g. eu, us, apac, global); "
        "default: the data zones of the declared regions (global only when listed)",
    )
    accounts: AwsAccounts | None = Field(None, description="Where resources live outside account_id (trail, log_bucket, kms_key, network)")
    role_name: str | None = Field(None, description="Read-only role assumed (sts:AssumeRole) in every account this deployment names; "
                                                    "default: the caller's credentials")
    role_arns: dict[str, str] = Field(default_factory=dict, description="Role to assume per account id (overrides role_name)")
    external_id: str | None = Field(None, description="sts:ExternalId sent with every AssumeRole of this deployment")

    def account_for(self, resource: str | None) -> str:
        """The account holding a resource (trail, log_bucket, kms_key, network); None: the deployment's own."""
        return (getattr(self.accounts, resource, None) if resource and self.accounts else None) or self.account_id

    def role_for(self, account: str, region: str = "") -> str | None:
        """The role ARN assumed in ``account`` (None: the caller's credentials); ``region`` picks the partition."""
        if account in self.role_arns:
            return self.role_arns[account]
        return role_arn(account, self.role_name, partition_of(region)) if self.role_name else None


@lru_cache(maxsize=1)
def aws_regions() -> frozenset[str]:
    """Every region code in botocore's bundled endpoint data (no import of botocore)."""
    import importlib.util

    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    data_file = Path(list(spec.submodule_search_locations)[0]) / "data" / "endpoints.json"
    try:
        data = json.loads(data_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    regions: set[str] = set()
    for partition in data.get("partitions", []):
        regions.update(partition.get("regions", {}).keys())
    return frozenset(regions)


def aws_platform_problems(d: dict[str, Any], base: tuple[Any, ...], add: Add) -> None:
    """Region codes of an aws_bedrock deployment; an ``aws:`` block missing or on another platform."""
    platform, aws = d.get("platform"), d.get("aws")
    if platform in AWS_PLATFORMS:
        reg = d.get("regions")
        regions = aws_regions()
        if isinstance(reg, list) and regions:
            for j, r in enumerate(reg):
                if isinstance(r, str) and r not in regions:
                    close = difflib.get_close_matches(r, sorted(regions), n=1, cutoff=0.7)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    add(base + ("regions", j), f"'{r}' is not an AWS region code{hint}")
        if aws is None:
            add(base, "platform aws_bedrock without an 'aws:' block: nothing can be verified", "warning")
    elif isinstance(aws, dict):
        add(base + ("aws",), f"'aws' settings on platform '{platform}' are ignored", "warning")


def aws_block_problems(d: dict[str, Any], base: tuple[Any, ...], add: Add) -> None:
    """Rules inside one deployment's ``aws:`` block (``add(loc, message, severity="error")``)."""
    aws = d.get("aws")
    if not isinstance(aws, dict):
        return
    acct = aws.get("account_id")
    if acct is not None and not (isinstance(acct, str) and re.fullmatch(r"\d{12}", acct)):
        hint = " (quote it in YAML: account_id: \"012345678901\")" if isinstance(acct, int) else ""
        add(base + ("aws", "account_id"), f"{acct!r} is not a 12-digit AWS account id{hint}")
    access_problems(aws, base + ("aws",), add)
    role = aws.get("agent_role")
    if isinstance(role, str):
        m = ROLE_ARN_RE.match(role)
        if not ARN_RE.match(role):
            add(base + ("aws", "agent_role"), f"'{role}' is not a valid ARN (arn:aws:iam::<account>:role/<name>)")
        elif not m:
            add(base + ("aws", "agent_role"), f"'{role}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
        elif isinstance(acct, str) and m.group(2) != acct:
            add(
                base + ("aws", "agent_role"),
                f"role is in account {m.group(2)}, but aws.account_id is {acct}",
            )
    il = aws.get("invocation_logging")
    if isinstance(il, dict) and il.get("enabled") is True:
        if not il.get("s3_bucket") and not il.get("cloudwatch_log_group"):
            add(base + ("aws", "invocation_logging"), "enabled, but neither s3_bucket nor cloudwatch_log_group is set")
