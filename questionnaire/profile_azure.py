"""The ``azure:`` block of an ``azure_ai_foundry`` deployment: model and semantic rules.

The model is part of :class:`questionnaire.profile_model.Deployment` (``deployments[].azure``); the rules
run on the raw YAML data from :func:`questionnaire.profile_rules.semantic_problems` and report
``FILE:LINE: path: message`` problems like the ``aws:`` block. No Azure SDK here.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field

AZURE_PLATFORMS = frozenset({"azure_ai_foundry"})
GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# ARM naming rules: resource group 1-90 of word characters, '-', '.', '(', ')' (not ending in '.');
# Cognitive Services account 2-64 alphanumerics and hyphens, starting alphanumeric.
RESOURCE_GROUP_RE = re.compile(r"^[\w\-.()]{0,89}[\w\-()]$")
ACCOUNT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{1,63}$")
DEPLOYMENT_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# Azure region names are lower-case letters and digits ("swedencentral", "westeurope", "eastus2")
AZURE_REGION_RE = re.compile(r"^[a-z]+[a-z0-9]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, use_enum_values=False)


class ProcessingScope(str, Enum):
    regional = "regional"  # Standard / ProvisionedManaged: stays in the account region's geography
    data_zone = "data_zone"  # DataZone*: anywhere in the EU or US data zone
    global_ = "global"  # Global* / Developer: any Azure geography


class DataZone(str, Enum):
    eu = "eu"
    us = "us"


class ContentFilter(_Strict):
    prompt_shields: bool = Field(
        False, description="Prompt shields (Jailbreak and Indirect Attack filters) enabled and blocking on every deployment"
    )


class AuditLogs(_Strict):
    enabled: bool = Field(description="Diagnostic settings send the account's Audit logs to a destination")
    workspace_retention_days: int | None = Field(
        None, ge=1, description="Minimum retention of the Log Analytics workspace receiving them"
    )


class AzureSettings(_Strict):
    subscription_id: str = Field(description="Azure subscription id (a GUID)")
    resource_group: str
    account: str = Field(description="Name of the Azure AI Foundry / Azure OpenAI (Cognitive Services) account")
    deployments: list[str] = Field(default_factory=list, description="Model deployment names expected on the account")
    processing: ProcessingScope = Field(
        ProcessingScope.regional, description="Where inference may run: regional | data_zone | global"
    )
    data_zone: DataZone | None = Field(None, description="eu | us (required when processing is data_zone)")
    content_filter: ContentFilter | None = None
    audit_logs: AuditLogs | None = None
    private_network: bool = Field(False, description="Public network access disabled; approved private endpoint")
    entra_id_only: bool = Field(False, description="Local (key) authentication disabled: Entra ID only")
    customer_managed_key: bool = Field(False, description="Encrypted with a customer-managed key in Key Vault")
    abuse_monitoring_opt_out: bool | None = Field(
        None,
        description="Abuse-monitoring storage of prompts is off (approved opt-out); default: provider_retention_days == 0",
    )
    app_principal_ids: list[str] = Field(
        default_factory=list,
        description="Object ids of the application's identities; default: every service principal on the account",
    )

    def opt_out(self, provider_retention_days: int | None) -> bool:
        if self.abuse_monitoring_opt_out is not None:
            return self.abuse_monitoring_opt_out
        return provider_retention_days == 0


Add = Callable[..., None]


def azure_problems(dep: dict[str, Any], base: tuple[Any, ...], add: Add) -> None:
    """Semantic rules of one deployment's ``azure:`` block (``add(loc, message, severity="error")``)."""
    platform = dep.get("platform")
    az = dep.get("azure")
    if platform in AZURE_PLATFORMS:
        regions = dep.get("regions")
        if isinstance(regions, list) and isinstance(az, dict):
            for j, r in enumerate(regions):
                if isinstance(r, str) and not AZURE_REGION_RE.match(r):
                    add(base + ("regions", j), f"'{r}' is not an Azure region name (e.g. swedencentral, westeurope)")
        if az is None:
            add(base, "platform azure_ai_foundry without an 'azure:' block: nothing can be verified", "warning")
    elif isinstance(az, dict):
        add(base + ("azure",), f"'azure' settings on platform '{platform}' are ignored", "warning")
    if not isinstance(az, dict):
        return
    loc = base + ("azure",)
    sub = az.get("subscription_id")
    if sub is not None and not (isinstance(sub, str) and GUID_RE.match(sub)):
        add(loc + ("subscription_id",), f"{sub!r} is not an Azure subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)")
    rg = az.get("resource_group")
    if isinstance(rg, str) and not RESOURCE_GROUP_RE.match(rg):
        add(loc + ("resource_group",), f"'{rg}' is not a valid resource group name (1-90 letters, digits, - _ . ( ))")
    acct = az.get("account")
    if isinstance(acct, str) and not ACCOUNT_RE.match(acct):
        add(loc + ("account",), f"'{acct}' is not a valid account name (2-64 letters, digits and hyphens)")
    names = az.get("deployments")
    if isinstance(names, list):
        seen: set[str] = set()
        for j, n in enumerate(names):
            if isinstance(n, str) and not DEPLOYMENT_NAME_RE.match(n):
                add(loc + ("deployments", j), f"'{n}' is not a valid model deployment name")
            elif isinstance(n, str) and n in seen:
                add(loc + ("deployments", j), f"deployment '{n}' is listed twice")
            if isinstance(n, str):
                seen.add(n)
    proc, zone = az.get("processing", "regional"), az.get("data_zone")
    if proc == "data_zone" and zone is None:
        add(loc + ("processing",), "data_zone processing needs 'data_zone: eu' or 'data_zone: us'")
    elif proc != "data_zone" and zone is not None:
        add(loc + ("data_zone",), f"ignored: processing is '{proc}', not data_zone", "warning")
    if proc in ("data_zone", "global") and dep.get("cross_region_inference") is False:
        add(base + ("cross_region_inference",), f"false, but azure.processing '{proc}' lets requests leave the region")
    ids = az.get("app_principal_ids")
    if isinstance(ids, list):
        for j, i in enumerate(ids):
            if not (isinstance(i, str) and GUID_RE.match(i)):
                add(loc + ("app_principal_ids", j), f"{i!r} is not an Entra ID object id (a GUID)")
    opt = az.get("abuse_monitoring_opt_out")
    ret = dep.get("provider_retention_days")
    if opt is True and isinstance(ret, int) and ret > 0:
        add(loc + ("abuse_monitoring_opt_out",), f"true, but provider_retention_days is {ret}: say 0 (not stored)", "warning")
    elif opt is False and ret == 0:
        add(loc + ("abuse_monitoring_opt_out",), "false, but provider_retention_days is 0: Azure stores prompts up to 30 days without the opt-out")
