"""Azure check ids, their registry metadata and the ARM read actions they need (no SDK here)."""

from __future__ import annotations

from typing import Any

CS_API = "2025-06-01"  # Microsoft.CognitiveServices stable (azure-rest-api-specs)
DIAG_API = "2021-05-01-preview"  # Microsoft.Insights/diagnosticSettings
WORKSPACE_API = "2022-10-01"  # Microsoft.OperationalInsights/workspaces
ROLES_API = "2022-04-01"  # Microsoft.Authorization/roleAssignments

ACCOUNT_READ = "Microsoft.CognitiveServices/accounts/read"
DEPLOYMENTS_READ = "Microsoft.CognitiveServices/accounts/deployments/read"
RAI_READ = "Microsoft.CognitiveServices/accounts/raiPolicies/read"
PEC_READ = "Microsoft.CognitiveServices/accounts/privateEndpointConnections/read"
DIAG_READ = "Microsoft.Insights/diagnosticSettings/read"
WORKSPACE_READ = "Microsoft.OperationalInsights/workspaces/read"
ROLES_READ = "Microsoft.Authorization/roleAssignments/read"

REGION = "azure.account.region"
SKU = "azure.deployment.processing_scope"
RAI = "azure.deployment.prompt_shields"
ABUSE = "azure.abuse_monitoring.storage_off"
DIAG = "azure.diagnostic_settings.audit_logs"
RETENTION = "azure.log_analytics.retention"
NETWORK = "azure.network.private_access"
AUTH = "azure.auth.entra_id_only"
CMK = "azure.encryption.customer_managed_key"
RBAC = "azure.rbac.least_privilege"


def _m(title: str, topic: str, field: str, permissions: tuple[str, ...], proves: str) -> dict[str, Any]:
    return {"title": title, "topic": topic, "profile_field": f"deployments[].azure.{field}",
            "permissions": list(permissions), "proves": proves, "scope": "global"}


CHECKS: dict[str, dict[str, Any]] = {
    REGION: _m("Azure AI account is in a declared region", "residency", "account", (ACCOUNT_READ,),
               "The Cognitive Services account's location is one of the deployment's declared regions."),
    SKU: _m("Model deployment SKU keeps inference within the declared scope", "residency", "processing",
            (DEPLOYMENTS_READ, ACCOUNT_READ),
            "Each model deployment's SKU (Standard/ProvisionedManaged regional, DataZone* EU/US, Global*/Developer "
            "anywhere) is within the declared processing scope; declared deployments exist."),
    RAI: _m("Prompt shields (Jailbreak, Indirect Attack) enabled and blocking", "guardrails",
            "content_filter.prompt_shields", (DEPLOYMENTS_READ, RAI_READ),
            "The RAI policy of each deployment has the Jailbreak and Indirect Attack filters enabled and blocking."),
    ABUSE: _m("Abuse-monitoring storage of prompts matches the declaration", "training", "abuse_monitoring_opt_out",
              (ACCOUNT_READ,),
              "The account's capabilities contain ContentLogging=false (abuse-monitoring storage off) exactly "
              "when the opt-out is declared."),
    DIAG: _m("Audit logs are exported by a diagnostic setting", "auditability", "audit_logs.enabled", (DIAG_READ,),
             "A diagnostic setting on the account sends the Audit category (or the audit/allLogs group) to a "
             "Log Analytics workspace, storage account or event hub."),
    RETENTION: _m("Log Analytics workspace retains audit logs long enough", "auditability",
                  "audit_logs.workspace_retention_days", (DIAG_READ, WORKSPACE_READ),
                  "The workspace receiving the audit logs retains data for at least the declared days."),
    NETWORK: _m("Account reachable only privately", "network", "private_network", (ACCOUNT_READ, PEC_READ),
                "Public network access is disabled (or denied by network ACLs without IP rules) and an approved "
                "private endpoint connection exists."),
    AUTH: _m("Entra ID only: local (key) authentication disabled", "identity", "entra_id_only", (ACCOUNT_READ,),
             "disableLocalAuth is true: API keys cannot be used."),
    CMK: _m("Customer-managed key encrypts the account", "secrets", "customer_managed_key", (ACCOUNT_READ,),
            "encryption.keySource is Microsoft.KeyVault with a Key Vault URI."),
    RBAC: _m("Application identities hold no broad roles on the account", "agents", "app_principal_ids",
             (ROLES_READ,),
             "No application principal has Owner, Contributor, User Access Administrator, Cognitive Services "
             "Contributor or Cognitive Services OpenAI Contributor at or above the account scope."),
}


def actions() -> list[str]:
    """Every ARM action the checks declare (the read-only guard's allow-list and `azure-role`)."""
    return sorted({a for m in CHECKS.values() for a in m["permissions"]})


def custom_role(subscriptions: list[str] | None = None) -> dict[str, Any]:
    """The least-privilege custom role definition (`questionnaire azure-role`)."""
    scopes = [f"/subscriptions/{s}" for s in (subscriptions or [])] or ["/subscriptions/<subscription-id>"]
    return {
        "Name": "questionnaire read-only checks",
        "IsCustom": True,
        "Description": "Read-only access for `questionnaire check` (Azure AI Foundry / Azure OpenAI accounts).",
        "Actions": actions(),
        "NotActions": [],
        "DataActions": [],
        "NotDataActions": [],
        "AssignableScopes": scopes,
    }
