"""The deployment profile's model (pydantic v2): the single source of truth for its structure and JSON Schema.

Provider blocks live beside it (``profile_aws``, ``profile_azure``, ``profile_gcp``, ``profile_commercial``);
loading and line numbers in ``profile_yaml``, cross-field rules in ``profile_rules``; ``profile`` is the
public face (``load_profile``, ``check_profile``) and re-exports these names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from questionnaire.profile_aws import AwsSettings
from questionnaire.profile_aws_access import AwsOrganization, prune_unset_access
from questionnaire.profile_azure import AzureSettings
from questionnaire.profile_commercial import AnthropicSettings, ManagedSettings, OpenAISettings
from questionnaire.profile_gcp import GcpSettings
from questionnaire.profile_yaml import Problem

SCHEMA_VERSION = 1
INFRASTRUCTURE_PLATFORMS = frozenset({"aws_bedrock", "azure_ai_foundry", "google_vertex"})


class Tier(str, Enum):
    consumer = "consumer"
    commercial_api = "commercial_api"
    infrastructure = "infrastructure"


class Platform(str, Enum):
    aws_bedrock = "aws_bedrock"
    azure_ai_foundry = "azure_ai_foundry"
    google_vertex = "google_vertex"
    openai_api = "openai_api"
    anthropic_api = "anthropic_api"
    other = "other"


class AiUse(str, Enum):
    allowed = "allowed"
    commercial_or_infrastructure_only = "commercial_or_infrastructure_only"
    infrastructure_only = "infrastructure_only"
    prohibited = "prohibited"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, use_enum_values=False)


class Organization(_Strict):
    name: str = Field(min_length=1)
    product: str | None = None
    security_contact: str | None = None
    email_domains: list[str] = Field(default_factory=list, description="Company e-mail domains (commercial API members)")


class DataCategory(_Strict):
    category: int = Field(ge=1, description="Category number (1 unrestricted ... 3 restricted)")
    name: str
    description: str | None = None
    ai_use: AiUse


class Agreements(_Strict):
    dpa: str | None = Field(None, description="Name of the data processing agreement, or null if none")
    separate_model_vendor_agreement: bool = False


class Deployment(_Strict):
    id: str = Field(min_length=1)
    description: str | None = None
    tier: Tier
    platform: Platform
    processor: str
    model_developers: list[str] = Field(default_factory=list)
    data_categories: list[int] = Field(default_factory=list)
    training_on_customer_data: bool
    provider_retention_days: int | None = Field(None, ge=0)
    regions: list[str] = Field(min_length=1)
    cross_region_inference: bool = False
    agreements: Agreements = Field(default_factory=Agreements)
    aws: AwsSettings | None = None
    gcp: GcpSettings | None = None
    openai: OpenAISettings | None = None
    anthropic: AnthropicSettings | None = None
    azure: AzureSettings | None = None


class CodingAgents(_Strict):
    tools: list[str] = Field(default_factory=list)
    accounts: Literal["company", "personal_allowed"] = "company"
    secrets_excluded_from_context: bool = False
    no_secrets_in_readable_files: bool = False
    repository_access: Literal["task_scoped", "organisation_wide"] = "task_scoped"
    repositories: list[str] = Field(
        default_factory=list, description="Local checkouts that `check` scans (relative to the profile)"
    )
    managed_settings: ManagedSettings | None = None


class Secrets(_Strict):
    manager: str
    rotation_days: int = Field(ge=1)


class Agents(_Strict):
    least_privilege: bool = False
    human_approval_required_for: list[str] = Field(default_factory=list)
    untrusted_input_handling: bool = False
    output_validation: bool = False


class Logging(_Strict):
    audit_log_retention_days: int = Field(ge=1)


class Controls(_Strict):
    consumer_accounts: Literal["prohibited", "allowed_for_category_1"] = "prohibited"
    coding_agents: CodingAgents | None = None
    secrets: Secrets | None = None
    agents: Agents | None = None
    logging: Logging | None = None


class Document(_Strict):
    path: str = Field(description="Path to the document, relative to the profile file")
    title: str
    sha256: str | None = Field(None, pattern=r"^[0-9a-fA-F]{64}$")


class Profile(_Strict):
    version: Literal[1]
    organization: Organization
    data_classification: list[DataCategory] = Field(min_length=1)
    deployments: list[Deployment] = Field(min_length=1)
    controls: Controls = Field(default_factory=Controls)
    documents: list[Document] = Field(default_factory=list)
    aws_organization: AwsOrganization | None = Field(
        None, description="`check --org`: the role assumed in every member account of the AWS organization")

    # -- convenience (read-only views) --
    def deployment(self, deployment_id: str) -> Deployment:
        for d in self.deployments:
            if d.id == deployment_id:
                return d
        raise KeyError(deployment_id)

    def category(self, number: int) -> DataCategory | None:
        for c in self.data_classification:
            if c.category == number:
                return c
        return None

    def aws_deployments(self) -> list[Deployment]:
        return [d for d in self.deployments if d.platform in (Platform.aws_bedrock,) and d.aws is not None]

    def normalised(self) -> dict[str, Any]:
        """The profile as plain JSON; the multi-account fields appear only when given (single-account
        profiles normalise as they did before those fields existed)."""
        out = self.model_dump(mode="json")
        if out.get("aws_organization") is None:
            out.pop("aws_organization", None)
        for d in out["deployments"]:
            prune_unset_access(d.get("aws"))
        return out


@dataclass(frozen=True)
class LoadedProfile:
    """A validated profile with where it came from."""

    profile: Profile
    path: Path
    raw_bytes: bytes
    warnings: tuple[Problem, ...] = ()

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.raw_bytes).hexdigest()

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def json_schema() -> dict[str, Any]:
    schema = Profile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "questionnaire deployment profile (version 1)"
    return schema
