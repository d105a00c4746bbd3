"""Coding agents' company login and secret-deny rules, read from machine-managed settings files.

What a file on a machine can prove, and what it cannot:

- **Claude Code** reads ``managed-settings.json`` (Linux ``/etc/claude-code/``, macOS
  ``/Library/Application Support/ClaudeCode/``, Windows ``C:\\Program Files\\ClaudeCode\\``, plus
  ``managed-settings.d/*.json`` drop-ins). ``forceLoginMethod`` (``claudeai``/``console``) with
  ``forceLoginOrgUUID`` (a string or a non-empty list) keeps sessions on the company organization;
  ``permissions.deny`` with ``Read(./.env)`` / ``Read(./.env.*)`` keeps .env files out of context.
  Lists merge across settings files, so a repository's ``.claude/settings.json`` cannot lift them.
  ``ANTHROPIC_API_KEY`` (and cloud-provider credentials) come first in the credential order: when set in
  the environment, the forced login is not what authenticates.
- **Codex CLI** reads ``forced_login_method`` (``chatgpt``/``api``) and ``forced_chatgpt_workspace_id`` from
  managed config (``/etc/codex/managed_config.toml``; MDM on macOS). A repository's ``.codex/config.toml``
  cannot set or override these machine-local auth keys, so a repository scan proves nothing about login.
- **Cursor**: ``.cursorignore`` is checked by the repository scan (``repo.secrets.excluded_from_agent_context``);
  team login enforcement and Privacy Mode live only in the Cursor dashboard (UNKNOWN, declared).
- A server-managed Claude Code policy: in ``rbac_groups`` mode the Anthropic Admin API returns each group's
  document (judged by ``checks/commercial/judges_claude_code.py`` with the rules below); in ``organization``
  mode it is edited in claude.ai and not returned (UNKNOWN, declared).

Files come from ``controls.coding_agents.managed_settings`` in the profile (``check``) or from this
machine's standard locations (``scan-repo --machine``). Only the keys above are recorded as evidence
(managed settings can carry an ``env`` block with credentials: never copied).
"""

from __future__ import annotations

import fnmatch
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from questionnaire.findings import Finding, RawResponse, Status

LOGIN = "coding.agents.login_enforced"
DENY = "coding.agents.secrets_denied"
REGISTRY_METADATA: dict[str, dict[str, Any]] = {
    LOGIN: {
        "title": "Coding agents are forced onto the company login",
        "topic": "coding_agents",
        "profile_field": "controls.coding_agents.accounts, controls.coding_agents.managed_settings",
        "iam_actions": [],
        "proves": "Claude Code managed settings force the login method and the company org UUID; Codex managed config forces "
                  "ChatGPT login to the company workspace; with an Anthropic deployment, the server-managed settings of every RBAC "
                  "group (Admin API, Claude Enterprise beta). Dashboard-only settings (Cursor, organization mode) stay declared.",
    },
    DENY: {
        "title": "Claude Code managed deny rules keep .env files out of context",
        "topic": "coding_agents",
        "profile_field": "controls.coding_agents.secrets_excluded_from_context",
        "iam_actions": [],
        "proves": "permissions.deny in the machine's managed-settings.json covers .env and .env.* (merged over every project).",
    },
}
CLAUDE_PATHS = {"linux": "/etc/claude-code/managed-settings.json",
                "darwin": "/Library/Application Support/ClaudeCode/managed-settings.json",
                "win32": r"C:\Program Files\ClaudeCode\managed-settings.json"}
CODEX_PATHS = {"linux": "/etc/codex/managed_config.toml", "darwin": "/etc/codex/managed_config.toml"}
CLAUDE_KEYS = ("forceLoginMethod", "forceLoginOrgUUID")
CODEX_KEYS = ("forced_login_method", "forced_chatgpt_workspace_id")
ENV_FIRST = ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX")
SECRET_NAMES = (".env", ".env.local", ".env.production")
EXCLUSION_FIELD = "secrets_excluded_from_context"  # the profile field a deny rule supports


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _platform() -> str:
    return "win32" if sys.platform.startswith("win") else "darwin" if sys.platform == "darwin" else "linux"


def read_claude(path: Path) -> dict[str, Any]:
    """The recorded view of a managed-settings.json (and its managed-settings.d drop-ins): login keys and deny rules."""
    view: dict[str, Any] = {"path": str(path), "found": False, "files": [], "deny": []}
    files = [path] if path.is_file() else []
    drop = path.parent / "managed-settings.d"
    if drop.is_dir():
        files += sorted(drop.glob("*.json"))
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            view["error"] = f"{f.name}: unreadable ({type(e).__name__})"
            return view
        if not isinstance(data, dict):
            continue
        view["found"] = True
        view["files"].append(str(f))
        for k in CLAUDE_KEYS:  # later files override scalars
            if k in data:
                view[k] = data[k]
        deny = (data.get("permissions") or {}).get("deny") if isinstance(data.get("permissions"), dict) else None
        view["deny"] += [d for d in (deny or []) if isinstance(d, str)]
    return view


def read_codex(path: Path) -> dict[str, Any]:
    import tomllib

    view: dict[str, Any] = {"path": str(path), "found": False}
    if not path.is_file():
        return view
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        view["error"] = f"{path.name}: unreadable ({type(e).__name__})"
        return view
    view["found"] = True
    for k in CODEX_KEYS:
        if k in data:
            view[k] = data[k]
    return view


def _ids(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    return [v for v in value if isinstance(v, str) and v.strip()] if isinstance(value, list) else []


def judge_claude_login(view: dict[str, Any], expected: str | None, env_names: list[str]) -> tuple[Status, str]:
    if view.get("error"):
        return Status.UNKNOWN, f"not verified: {view['error']}"
    if not view["found"]:
        return Status.UNKNOWN, (f"not verified: no managed-settings.json at {view['path']}; a server-managed policy set in the "
                                "Claude admin console cannot be read here (declared)")
    method, orgs = view.get("forceLoginMethod"), _ids(view.get("forceLoginOrgUUID"))
    if method not in ("claudeai", "console"):
        return Status.FAIL, f"Claude Code: forceLoginMethod is {method!r}, not claudeai/console: personal logins are possible"
    if not orgs:
        return Status.FAIL, "Claude Code: forceLoginOrgUUID is not set: any organization's account can log in"
    if expected and expected not in orgs:
        return Status.FAIL, f"Claude Code: forceLoginOrgUUID {orgs} does not include the declared {expected}"
    if env_names:
        return Status.UNKNOWN, (f"not verified: {', '.join(env_names)} set in this environment authenticates Claude Code "
                                "before the forced login; whose credential it is cannot be told")
    return Status.PASS, f"Claude Code forces {method} login to organization(s) {', '.join(orgs)}"


def _covers(rule: str, name: str) -> bool:
    if not (rule.startswith("Read(") and rule.endswith(")")):
        return rule.strip() == "Read"
    pat = rule[5:-1].strip()
    for prefix in ("./", "**/", "/"):
        if pat.startswith(prefix):
            pat = pat[len(prefix):]
    return pat in ("*", "**") or fnmatch.fnmatchcase(name, pat)


def judge_claude_deny(view: dict[str, Any]) -> tuple[Status, str]:
    if view.get("error"):
        return Status.UNKNOWN, f"not verified: {view['error']}"
    if not view["found"]:
        return Status.UNKNOWN, f"not verified: no managed-settings.json at {view['path']} (declared)"
    open_names = [n for n in SECRET_NAMES if not any(_covers(r, n) for r in view["deny"])]
    if open_names:
        return Status.FAIL, f"Claude Code managed deny rules do not cover {', '.join(open_names)} (add Read(./.env) and Read(./.env.*))"
    return Status.PASS, "Claude Code managed deny rules keep .env and .env.* out of context on every project"


def judge_codex_login(view: dict[str, Any], expected: str | None) -> tuple[Status, str]:
    note = "a repository's .codex/config.toml cannot set or override login, so only managed config proves it"
    if view.get("error"):
        return Status.UNKNOWN, f"not verified: {view['error']}"
    if not view["found"]:
        return Status.UNKNOWN, f"not verified: no Codex managed config at {view['path']} ({note}; MDM profiles are not read)"
    method, spaces = view.get("forced_login_method"), _ids(view.get("forced_chatgpt_workspace_id"))
    if method == "api":
        return Status.UNKNOWN, "not verified: Codex forces API-key login; whose key it is cannot be told from the machine"
    if method != "chatgpt":
        return Status.FAIL, f"Codex: forced_login_method is {method!r}: personal ChatGPT or API-key logins are possible"
    if not spaces:
        return Status.FAIL, "Codex: forced_chatgpt_workspace_id is not set: any ChatGPT workspace can log in"
    if expected and expected not in spaces:
        return Status.FAIL, f"Codex: forced_chatgpt_workspace_id {spaces} does not include the declared {expected}"
    return Status.PASS, f"Codex forces ChatGPT login to workspace(s) {', '.join(spaces)}"


def _raw(op: str, subject: str, view: dict[str, Any]) -> RawResponse:
    return RawResponse(service="machine", operation=op, region=None, params={"path": view["path"]}, response=view,
                       timestamp=_now(), path=f"raw/global/machine/{subject}-{op}.json")


def agent_findings(claude: Path | None = None, codex: Path | None = None, *, expected_org: str | None = None,
                   expected_workspace: str | None = None, cursor: bool = False, env: bool = False,
                   subject: str = "machine", declared: Any = None) -> tuple[list[Finding], list[RawResponse]]:
    """Findings for the given files (``env``: also look at this process's environment, machine mode)."""
    findings: list[Finding] = []
    raws: list[RawResponse] = []
    if claude is not None:
        view = read_claude(claude)
        raw = _raw("claude_code-managed-settings", subject, view)
        raws.append(raw)
        env_names = [n for n in ENV_FIRST if env and os.environ.get(n)]
        for cid, (st, msg) in ((LOGIN, judge_claude_login(view, expected_org, env_names)), (DENY, judge_claude_deny(view))):
            findings.append(Finding(cid, None, None, st, declared, {k: view.get(k) for k in (*CLAUDE_KEYS, "deny")},
                                    msg, (raw.path,), f"{subject}:claude_code"))
    if codex is not None:
        view = read_codex(codex)
        raw = _raw("codex-managed-config", subject, view)
        raws.append(raw)
        st, msg = judge_codex_login(view, expected_workspace)
        findings.append(Finding(LOGIN, None, None, st, declared, {k: view.get(k) for k in CODEX_KEYS}, msg, (raw.path,),
                                f"{subject}:codex"))
    if cursor:
        findings.append(Finding(LOGIN, None, None, Status.UNKNOWN, declared, None,
                                "not verified: Cursor's team login enforcement and Privacy Mode are Cursor dashboard settings; "
                                "no file shows them (declared). .cursorignore is checked by the repository scan",
                                (), f"{subject}:cursor"))
    return findings, raws


def machine_findings(tools: list[str] | None = None) -> tuple[list[Finding], list[RawResponse]]:
    """``scan-repo --machine``: this machine's standard managed-settings locations."""
    names = " ".join(tools or ["claude code", "codex", "cursor"]).lower()
    plat = _platform()
    claude = Path(CLAUDE_PATHS[plat]) if "claude" in names else None
    codex = Path(CODEX_PATHS[plat]) if "codex" in names and plat in CODEX_PATHS else None
    return agent_findings(claude, codex, cursor="cursor" in names, env=True)


def profile_agent_findings(loaded: Any) -> tuple[list[Finding], list[RawResponse]]:
    """``check``: the managed-settings files the profile names (relative to the profile)."""
    ca = loaded.profile.controls.coding_agents
    ms = getattr(ca, "managed_settings", None) if ca is not None else None
    if ms is None:
        return [], []
    base = Path(loaded.base_dir)
    claude = base / ms.claude_code if ms.claude_code else None
    codex = base / ms.codex if ms.codex else None
    return agent_findings(claude, codex, expected_org=ms.claude_org_uuid, expected_workspace=ms.chatgpt_workspace_id,
                          subject="profile", declared={"accounts": ca.accounts, EXCLUSION_FIELD: ca.secrets_excluded_from_context})
