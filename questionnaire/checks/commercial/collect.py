"""Collectors: the GET calls each provider's checks need, recorded as RawResponses (no judging here).

OpenAI (Admin API, base URL ``…/v1``): ``organization/data_retention``, ``organization/projects``,
``organization/projects/{id}/data_retention``, ``organization/projects/{id}/api_keys``,
``organization/users``, ``organization/admin_api_keys``, ``organization/audit_logs?limit=1``.
Anthropic (Admin API): ``organizations/me``, ``organizations/users``, ``organizations/api_keys``,
``organizations/workspaces``.
"""

from __future__ import annotations

from typing import Any

from questionnaire.checks.commercial.client import AdminClient, items


def _selected(projects: list[dict[str, Any]] | None, wanted: list[str]) -> list[dict[str, Any]]:
    if projects is None:
        return []
    active = [p for p in projects if p.get("status", "active") == "active" and not p.get("archived_at")]
    if wanted:
        return [p for p in projects if p.get("id") in wanted]
    return active


def collect_openai(client: AdminClient, settings: Any) -> dict[str, Any]:
    wanted = list(getattr(settings, "project_ids", None) or [])
    data: dict[str, Any] = {"provider": "openai", "wanted_projects": wanted}
    data["org_retention"] = client.get("organization/data_retention", operation="organization.data_retention")
    data["projects"] = client.pages("organization/projects", operation="organization.projects")
    per_project: dict[str, dict[str, Any]] = {}
    for p in _selected(items(data["projects"]), wanted):
        pid = str(p.get("id"))
        per_project[pid] = {
            "retention": client.get(f"organization/projects/{pid}/data_retention", operation=f"projects.{pid}.data_retention"),
            "api_keys": client.pages(f"organization/projects/{pid}/api_keys", {"owner_project_access": "any"},
                                     operation=f"projects.{pid}.api_keys"),
        }
    data["per_project"] = per_project
    data["users"] = client.pages("organization/users", operation="organization.users")
    data["admin_keys"] = client.pages("organization/admin_api_keys", operation="organization.admin_api_keys")
    data["audit_logs"] = client.get("organization/audit_logs", {"limit": 1}, operation="organization.audit_logs")
    return data


def collect_anthropic(client: AdminClient, settings: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"provider": "anthropic", "wanted_workspaces": list(getattr(settings, "workspace_ids", None) or [])}
    data["organization"] = client.get("organizations/me", operation="organizations.me")
    data["users"] = client.pages("organizations/users", operation="organizations.users")
    data["api_keys"] = client.pages("organizations/api_keys", operation="organizations.api_keys")
    data["workspaces"] = client.pages("organizations/workspaces", operation="organizations.workspaces")
    return data
