"""Check ids and registry metadata of the commercial-API checks (pure data, no imports of SDKs).

One id per question, shared by OpenAI and Anthropic deployments: a catalog entry that cites
``commercial.members.company_domains`` is verified for whichever lab the profile uses.
"""

from __future__ import annotations

ORGANIZATION = "commercial.organization.admin_api"
RETENTION = "commercial.retention.matches_declaration"
MEMBERS = "commercial.members.company_domains"
API_KEYS = "commercial.api_keys.owned_and_used"
AUDIT_LOG = "commercial.audit_log.available"
RESIDENCY = "commercial.residency.matches_declaration"

OA = "OpenAI Admin API key (read-only use): GET "
AN = "Anthropic Admin API key: GET "

METADATA: dict[str, dict[str, object]] = {
    ORGANIZATION: {
        "title": "The deployment runs on a company organization of the lab's commercial API",
        "topic": "processor",
        "profile_field": "deployments[].tier, deployments[].processor, deployments[].openai|anthropic",
        "permissions": [OA + "/v1/organization/projects", AN + "/v1/organizations/me"],
        "proves": "The admin key reads an API organization of the lab (commercial API tier, the lab is the processor); "
                  "declared project / organization ids exist in it.",
    },
    RETENTION: {
        "title": "Provider retention of prompts and outputs is within the declared days",
        "topic": "training",
        "profile_field": "deployments[].provider_retention_days",
        "permissions": [OA + "/v1/organization/data_retention", OA + "/v1/organization/projects/{id}/data_retention"],
        "proves": "OpenAI: the organization's and each project's data retention type (zero data retention or modified "
                  "abuse monitoring = 0 days, a project on 'none' = the default 30 days) is within provider_retention_days. "
                  "Anthropic: zero data retention is contractual, no API shows it (UNKNOWN, declared).",
    },
    MEMBERS: {
        "title": "Members and admin keys belong to company e-mail domains",
        "topic": "identity",
        "profile_field": "organization.email_domains (else the security contact's domain)",
        "permissions": [OA + "/v1/organization/users", OA + "/v1/organization/admin_api_keys", AN + "/v1/organizations/users"],
        "proves": "Every member of the organization has a company e-mail address and every admin key is owned by a member.",
    },
    API_KEYS: {
        "title": "API keys have a current owner and are in use",
        "topic": "secrets",
        "profile_field": "organization.email_domains",
        "permissions": [OA + "/v1/organization/projects/{id}/api_keys", AN + "/v1/organizations/api_keys"],
        "proves": "No project key's owner has lost access (left) and none is unused for 90 days (OpenAI); no active key was "
                  "created by or acts as someone who is no longer a member (Anthropic).",
    },
    AUDIT_LOG: {
        "title": "Audit logging of the organization is on",
        "topic": "auditability",
        "profile_field": "controls.logging",
        "permissions": [OA + "/v1/organization/audit_logs?limit=1"],
        "proves": "OpenAI: the audit-log API returns events. Anthropic's Admin API has no audit-log endpoint (UNKNOWN, declared).",
    },
    RESIDENCY: {
        "title": "Storage and inference geography match the declared regions",
        "topic": "residency",
        "profile_field": "deployments[].regions",
        "permissions": [OA + "/v1/organization/projects", AN + "/v1/organizations/workspaces"],
        "proves": "OpenAI: each project's residency; Anthropic: each workspace's data_residency (workspace_geo, "
                  "allowed_inference_geos, default_inference_geo) lies within the declared regions.",
    },
}
for _meta in METADATA.values():
    _meta["scope"] = "provider"
