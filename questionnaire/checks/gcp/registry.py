"""Metadata of the Vertex checks (what the registry, `gcp-role` and the runner share); no Google import."""

from __future__ import annotations

from typing import Any


# check ids (the judges import them from here)
AUDIT = "vertex.audit_logs.data_access"
LOCATION = "vertex.location.declared_only"
REQLOG = "vertex.request_response_logging.matches_declaration"
CACHE = "vertex.cache.matches_declaration"
CLAUDE = "vertex.claude.data_retention_matches_declaration"
CMEK = "vertex.cmek.enforced"
VPCSC = "vertex.vpc_sc.perimeter"
ARMOR = "vertex.model_armor.floor_setting"


def _meta(title: str, topic: str, field: str, permissions: list[str], proves: str) -> dict[str, Any]:
    # iam_actions: the registry's name for what a check needs (here Google IAM permissions, not AWS actions)
    return {"title": title, "topic": topic, "profile_field": f"deployments[].gcp.{field}", "permissions": permissions,
            "iam_actions": permissions, "proves": proves, "scope": "global"}


# id -> registry metadata. `permissions` are Google IAM permissions (what `questionnaire gcp-role` prints).
CHECKS: dict[str, dict[str, Any]] = {
    AUDIT: _meta(
        "Data Access audit logs on for Vertex AI", "auditability", "data_access_audit_logs",
        ["resourcemanager.projects.getIamPolicy", "resourcemanager.projects.get", "resourcemanager.folders.getIamPolicy",
         "resourcemanager.folders.get", "resourcemanager.organizations.getIamPolicy"],
        "DATA_READ and DATA_WRITE audit logs for aiplatform.googleapis.com, without exemptions, in the project's or an ancestor's IAM policy"),
    LOCATION: _meta(
        "Vertex AI used only in the declared locations (no global endpoint)", "residency", "global_endpoint_allowed",
        ["logging.logEntries.list", "logging.privateLogEntries.list"],
        "no Data Access log entry of Vertex AI names a location outside the declared ones (or global) in the window; UNKNOWN unless the audit logs are on"),
    REQLOG: _meta(
        "Request/response logging of endpoints and publisher models", "auditability", "request_response_logging",
        ["aiplatform.endpoints.list", "aiplatform.publisherModelConfigs.get"],
        "predictRequestResponseLoggingConfig of every endpoint and loggingConfig of every declared publisher model match the declaration"),
    CACHE: _meta(
        "Vertex AI data caching (zero data retention)", "processor", "caching",
        ["aiplatform.cacheConfigs.get"],
        "the project's cacheConfig: disableCache for zero data retention, or EPHEMERAL retention for no durable storage"),
    CLAUDE: _meta(
        "Claude on Vertex data-retention opt-in", "processor", "claude_data_retention_opt_in",
        ["aiplatform.publisherModelConfigs.get"],
        "claudeFeatureConfig.advancedAiEnabled and dataSharingEnabledProvider of every declared Anthropic model match the declaration"),
    CMEK: _meta(
        "Customer-managed encryption keys for Vertex AI", "processor", "cmek",
        ["orgpolicy.policy.get", "aiplatform.endpoints.list", "aiplatform.cachedContents.list"],
        "gcp.restrictNonCmekServices denies non-CMEK aiplatform.googleapis.com, or every endpoint and cached content has an encryptionSpec key"),
    VPCSC: _meta(
        "Project inside a VPC Service Controls perimeter restricting Vertex AI", "network", "vpc_sc_perimeter",
        ["accesscontextmanager.servicePerimeters.get", "resourcemanager.projects.get"],
        "the declared perimeter's enforced status lists the project and restricts aiplatform.googleapis.com"),
    ARMOR: _meta(
        "Model Armor floor setting enforced for Vertex AI with the jailbreak filter", "guardrails", "model_armor",
        ["modelarmor.floorSettings.get"],
        "the project's floor setting is enforced, integrated with AI_PLATFORM, inspect-and-block, jailbreak filter ENABLED"),
}


def handles(dep: Any) -> bool:
    platform = getattr(getattr(dep, "platform", None), "value", None)
    return platform == "google_vertex" and getattr(dep, "gcp", None) is not None


def custom_role() -> dict[str, Any]:
    """The least-privilege custom role (gcloud iam roles create --file) the Vertex checks need."""
    perms = sorted({p for meta in CHECKS.values() for p in meta["permissions"]})
    return {
        "title": "questionnaire read-only Vertex AI checks",
        "description": "Read-only permissions used by `questionnaire check` for google_vertex deployments",
        "stage": "GA",
        "includedPermissions": perms,
    }
