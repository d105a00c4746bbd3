"""declared.not_verifiable: deployments that AWS cannot verify stay declared answers."""

from __future__ import annotations

from typing import Any

from questionnaire.checks import Check, make, register
from questionnaire.findings import Status

ID = "declared.not_verifiable"


def applies(dep: Any, profile: Any) -> bool:
    from questionnaire.checks.providers import handled_by_provider

    return not (dep.platform.value == "aws_bedrock" and dep.aws is not None) and not handled_by_provider(dep)


def judge(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    why = (
        "platform aws_bedrock without an 'aws:' block"
        if dep.platform.value == "aws_bedrock"
        else f"platform {dep.platform.value}"
    )
    return [
        make(
            ID,
            dep,
            None,
            Status.UNKNOWN,
            {"platform": dep.platform.value, "processor": dep.processor, "regions": list(dep.regions)},
            None,
            f"not verifiable with AWS ({why}); declared only",
        )
    ]


register(
    Check(
        id=ID,
        title="Deployment cannot be verified against AWS (declared only)",
        topic="processor",
        profile_field="deployments[].platform",
        iam_actions=(),
        proves="Nothing: answers about this deployment rest on the profile's declaration alone.",
        scope="profile",
        collect=None,
        judge=judge,
        applies=applies,
    )
)


RETENTION = "bedrock.provider_retention.declared_only"


def judge_retention(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    days = dep.provider_retention_days
    note = (" With cross-region inference on, requests are processed (and screened for abuse) in the destination region too."
            if dep.cross_region_inference else "")
    return [make(RETENTION, dep, None, Status.UNKNOWN, days, None,
                 f"declared only: no AWS API shows how long Bedrock keeps prompts and outputs (declared {days} days; AWS states that "
                 f"Bedrock does not store them).{note}")]


register(
    Check(
        id=RETENTION,
        title="Provider retention of prompts and outputs (declared only)",
        topic="processor",
        profile_field="deployments[].provider_retention_days",
        iam_actions=(),
        proves="Nothing: no API reports the provider's retention; answers rest on the declaration (and on AWS's terms).",
        scope="profile",
        collect=None,
        judge=judge_retention,
        applies=lambda d, p: d.platform.value == "aws_bedrock" and d.aws is not None and d.provider_retention_days is not None,
    )
)
