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


CC_BETA = {"anthropic-beta": "ce-claude-code-managed-settings-2026-10-06"}
CC = "organizations/claude_code/managed_settings"
MAX_GROUPS = 20


def collect_claude_code_policy(client: AdminClient) -> dict[str, Any]:
    """Server-managed Claude Code settings (Claude Enterprise, beta): mode, then the default and each group's document."""
    out: dict[str, Any] = {"configuration": client.get(f"{CC}/configuration", operation="claude_code.configuration", headers=CC_BETA)}
    conf = out["configuration"]
    if conf.error is None and ((conf.response.get("mode") or {}).get("type")) == "rbac_groups":
        out["default"] = client.get(f"{CC}/rbac_group_default", operation="claude_code.rbac_group_default", headers=CC_BETA)
        order = [g for g in conf.response.get("rbac_group_order") or [] if isinstance(g, str)][:MAX_GROUPS]
        out["groups"] = [client.get(f"{CC}/rbac_groups/{g}", operation=f"claude_code.rbac_groups.{g}", headers=CC_BETA) for g in order]
    for raw in [out.get("default"), *out.get("groups", [])]:  # a settings document's env block may carry credentials
        settings = (raw.response or {}).get("settings") if raw is not None and isinstance(raw.response, dict) else None
        if isinstance(settings, dict) and "env" in settings:
            settings["env"] = f"[{len(settings['env'] or {})} variable(s) not recorded]"
    return out


def collect_anthropic(client: AdminClient, settings: Any, claude_code: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"provider": "anthropic", "wanted_workspaces": list(getattr(settings, "workspace_ids", None) or [])}
    data["organization"] = client.get("organizations/me", operation="organizations.me")
    data["users"] = client.pages("organizations/users", operation="organizations.users")
    data["api_keys"] = client.pages("organizations/api_keys", operation="organizations.api_keys")
    data["workspaces"] = client.pages("organizations/workspaces", operation="organizations.workspaces")
    if claude_code:
        data["claude_code"] = collect_claude_code_policy(client)
    return data
