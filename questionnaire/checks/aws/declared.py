"""declared.not_verifiable: deployments that AWS cannot verify stay declared answers."""

from __future__ import annotations

from typing import Any

from questionnaire.checks.providers import handled_by_provider
from questionnaire.checks.registry import Verdict, check

ORDER = 150

ID = "declared.not_verifiable"


def applies(dep: Any, profile: Any) -> bool:
    return not (dep.platform.value == "aws_bedrock" and dep.aws is not None) and not handled_by_provider(dep)


@check(id=ID,
       title="Deployment cannot be verified against AWS (declared only)",
       topic="processor",
       scope="profile",
       profile_field="deployments[].platform",
       iam=[],
       proves="Nothing: answers about this deployment rest on the profile's declaration alone.",
       applies=applies)
def judge(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    why = (
        "platform aws_bedrock without an 'aws:' block"
        if dep.platform.value == "aws_bedrock"
        else f"platform {dep.platform.value}"
    )
    v = v.at(None).declare({"platform": dep.platform.value, "processor": dep.processor, "regions": list(dep.regions)})
    return [v.undetermined(None, f"not verifiable with AWS ({why}); declared only")]


RETENTION = "bedrock.provider_retention.declared_only"


@check(id=RETENTION,
       title="Provider retention of prompts and outputs (declared only)",
       topic="processor",
       scope="profile",
       profile_field="deployments[].provider_retention_days",
       iam=[],
       proves="Nothing: no API reports the provider's retention; answers rest on the declaration (and on AWS's terms).",
       applies=lambda d, p: d.platform.value == "aws_bedrock" and d.aws is not None and d.provider_retention_days is not None)
def judge_retention(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    days = dep.provider_retention_days
    note = (" With cross-region inference on, requests are processed (and screened for abuse) in the destination region too."
            if dep.cross_region_inference else "")
    v = v.at(None).declare(days)
    return [v.undetermined(None, f"declared only: no AWS API shows how long Bedrock keeps prompts and outputs (declared {days} days; "
                                 f"AWS states that Bedrock does not store them).{note}")]
