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
