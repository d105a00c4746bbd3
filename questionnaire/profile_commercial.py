"""Optional profile fields for commercial AI APIs and coding agents (issue 21).

- ``organization.email_domains``: the company's e-mail domains (members of the OpenAI/Anthropic
  organization must be on one of them; default: the security contact's domain).
- ``deployments[].openai``: ``organization_id``, ``project_ids`` (the projects this deployment uses;
  default every active project).
- ``deployments[].anthropic``: ``organization_id`` (UUID of ``/v1/organizations/me``), ``workspace_ids``.
- ``controls.coding_agents.managed_settings``: paths of the machine files that enforce the coding agents'
  login (Claude Code ``managed-settings.json``, Codex ``managed_config.toml``), with the expected org ids.

Pure pydantic models plus :func:`commercial_problems` (cross-field rules with FILE:LINE, called from
``profile_rules.semantic_problems``). No imports of the rest of the profile module (no cycle).
"""

from __future__ import annotations

import re
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field

DOMAIN_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class OpenAISettings(_Strict):
    organization_id: str | None = Field(None, description="OpenAI organization id (org-...)")
    project_ids: list[str] = Field(default_factory=list, description="Projects this deployment uses (proj_...); default every active project")


class AnthropicSettings(_Strict):
    organization_id: str | None = Field(None, description="Anthropic organization UUID (GET /v1/organizations/me)")
    workspace_ids: list[str] = Field(default_factory=list, description="Workspaces this deployment uses (wrkspc_...); default every active one")


class ManagedSettings(_Strict):
    claude_code: str | None = Field(None, description="Path of Claude Code's managed-settings.json (machine file)")
    claude_org_uuid: str | None = Field(None, description="Expected forceLoginOrgUUID")
    codex: str | None = Field(None, description="Path of Codex CLI's managed_config.toml (machine file)")
    chatgpt_workspace_id: str | None = Field(None, description="Expected forced_chatgpt_workspace_id")


def commercial_problems(data: dict[str, Any], add: Callable[..., None]) -> None:
    """Cross-field rules for the fields above; ``add(loc, message, severity="error")``."""
    org = data.get("organization")
    if isinstance(org, dict) and isinstance(org.get("email_domains"), list):
        for i, dom in enumerate(org["email_domains"]):
            if isinstance(dom, str) and not DOMAIN_RE.match(dom.lower().lstrip("@")):
                add(("organization", "email_domains", i), f"{dom!r} is not an e-mail domain (e.g. acme.example)")
    deps = data.get("deployments")
    for i, d in enumerate(deps if isinstance(deps, list) else []):
        if not isinstance(d, dict):
            continue
        platform = d.get("platform")
        for block, want in (("openai", "openai_api"), ("anthropic", "anthropic_api")):
            if isinstance(d.get(block), dict) and platform != want:
                add(("deployments", i, block), f"'{block}' settings on platform '{platform}' are ignored (they need platform {want})", "warning")
        oa = d.get("openai")
        if isinstance(oa, dict):
            oid = oa.get("organization_id")
            if isinstance(oid, str) and not oid.startswith("org-"):
                add(("deployments", i, "openai", "organization_id"), f"{oid!r} is not an OpenAI organization id (org-...)")
            for j, p in enumerate(oa.get("project_ids") or []):
                if isinstance(p, str) and not p.startswith("proj_"):
                    add(("deployments", i, "openai", "project_ids", j), f"{p!r} is not an OpenAI project id (proj_...)")
        an = d.get("anthropic")
        if isinstance(an, dict):
            oid = an.get("organization_id")
            if isinstance(oid, str) and not UUID_RE.match(oid.lower()):
                add(("deployments", i, "anthropic", "organization_id"), f"{oid!r} is not an Anthropic organization UUID")
            for j, w in enumerate(an.get("workspace_ids") or []):
                if isinstance(w, str) and not w.startswith("wrkspc_"):
                    add(("deployments", i, "anthropic", "workspace_ids", j), f"{w!r} is not an Anthropic workspace id (wrkspc_...)")
