"""The ``gcp:`` block of a ``google_vertex`` deployment: what the Vertex checks compare against.

Only pydantic here (no Google library). :func:`gcp_problems` holds the cross-field rules and is
called by :func:`questionnaire.profile_rules.semantic_problems` on the raw YAML data, so that its problems
carry FILE:LINE like every other profile problem.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field

PROJECT_ID_RE = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
ORG_ID_RE = re.compile(r"^\d{1,20}$")
MODEL_RE = re.compile(r"^[a-z0-9][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9._@-]*$")
PERIMETER_RE = re.compile(r"^accessPolicies/[0-9]+/servicePerimeters/[A-Za-z0-9_]+$")
# Vertex AI locations look like europe-west4, us-central1, asia-northeast1 (plus multi-regions eu / us)
LOCATION_RE = re.compile(r"^([a-z]+-[a-z]+[0-9]+|eu|us)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GcpSettings(_Strict):
    project_id: str = Field(description="Google Cloud project id that hosts the Vertex AI deployment")
    organization_id: str | None = Field(
        None, description="Numeric organization id (quote it); found from the project's ancestry when omitted"
    )
    locations: list[str] = Field(
        default_factory=list, description="Vertex AI locations allowed (default: the deployment's regions)"
    )
    global_endpoint_allowed: bool = Field(False, description="Whether requests may use the `global` location")
    models: list[str] = Field(
        default_factory=list, description="Publisher models in use, as publisher/model (google/gemini-2.5-pro, anthropic/claude-sonnet-4-5)"
    )
    data_access_audit_logs: bool = Field(True, description="Data Access audit logs on for aiplatform.googleapis.com")
    audit_log_window_days: int = Field(30, ge=1, le=400, description="How far back the global-location search reads the Data Access log")
    request_response_logging: bool | None = Field(
        None, description="true: prompts and responses are logged (endpoints, publisher models); false: never stored; null: no claim"
    )
    cmek: bool = Field(False, description="Stored Vertex AI resources are encrypted with customer-managed keys")
    vpc_sc_perimeter: str | None = Field(
        None, description="VPC Service Controls perimeter (accessPolicies/<n>/servicePerimeters/<name>) around the project"
    )
    model_armor: bool = Field(False, description="Model Armor floor setting enforced for Vertex AI with the jailbreak filter on")
    caching: Literal["zero_data_retention", "no_durable_storage", "allowed"] = Field(
        "allowed", description="zero_data_retention: cache disabled; no_durable_storage: ephemeral only; allowed: no claim"
    )
    claude_data_retention_opt_in: bool = Field(
        False, description="Whether the Claude-on-Vertex data-retention opt-in (advanced AI features, data sharing with Anthropic) is on"
    )

    def allowed_locations(self, regions: list[str]) -> list[str]:
        return list(self.locations or regions)


def gcp_problems(d: dict[str, Any], base: tuple[Any, ...], add: Callable[..., None]) -> None:
    """Rules for one raw deployment mapping ``d`` at ``base``; ``add(loc, message, severity="error")``."""
    gcp, platform = d.get("gcp"), d.get("platform")
    if platform == "google_vertex":
        if gcp is None:
            add(base, "platform google_vertex without a 'gcp:' block: nothing can be verified", "warning")
    elif isinstance(gcp, dict):
        add(base + ("gcp",), f"'gcp' settings on platform '{platform}' are ignored", "warning")
    if not isinstance(gcp, dict):
        return
    loc = base + ("gcp",)
    pid = gcp.get("project_id")
    if isinstance(pid, str) and not PROJECT_ID_RE.match(pid):
        add(loc + ("project_id",), f"'{pid}' is not a Google Cloud project id (6-30 lowercase letters, digits, hyphens)")
    org = gcp.get("organization_id")
    if org is not None and not (isinstance(org, str) and ORG_ID_RE.match(org)):
        hint = ' (quote it in YAML: organization_id: "123456789012")' if isinstance(org, int) else ""
        add(loc + ("organization_id",), f"{org!r} is not a numeric organization id{hint}")
    per = gcp.get("vpc_sc_perimeter")
    if isinstance(per, str) and not PERIMETER_RE.match(per):
        add(loc + ("vpc_sc_perimeter",), f"'{per}' is not accessPolicies/<number>/servicePerimeters/<name>")
    locations = gcp.get("locations") if isinstance(gcp.get("locations"), list) else []
    for j, value in enumerate(locations):
        if value == "global":
            add(loc + ("locations", j), "'global' is not a location; set global_endpoint_allowed: true instead")
        elif isinstance(value, str) and not LOCATION_RE.match(value):
            add(loc + ("locations", j), f"'{value}' is not a Vertex AI location (e.g. europe-west4)")
    models = gcp.get("models")
    if isinstance(models, list):
        for j, m in enumerate(models):
            if isinstance(m, str) and not MODEL_RE.match(m):
                add(loc + ("models", j), f"'{m}' is not publisher/model (e.g. google/gemini-2.5-pro)")
    regs = d.get("regions")
    if platform == "google_vertex" and not gcp.get("locations") and isinstance(regs, list):
        for j, r in enumerate(regs):
            if isinstance(r, str) and not LOCATION_RE.match(r):
                add(base + ("regions", j), f"'{r}' is not a Vertex AI location; list the locations in gcp.locations", "warning")
    if gcp.get("data_access_audit_logs") is False and gcp.get("global_endpoint_allowed") is False:
        add(loc + ("global_endpoint_allowed",),
            "false, but without Data Access audit logs the use of the global endpoint cannot be verified", "warning")
