"""Pure judge of the Claude Code server-managed settings read through the Anthropic Admin API (Enterprise, beta).

Mode ``organization``: the settings are edited in claude.ai and the API does not return them (UNKNOWN,
declared). Mode ``rbac_groups``: every active group's document and the default document must force the
login to the company organization and deny reading .env files (the same rules as the machine file).
"""

from __future__ import annotations

from typing import Any

from questionnaire.checks.commercial.common import finding, unknown
from questionnaire.coding_agents import DENY, LOGIN, judge_claude_deny, judge_claude_login
from questionnaire.findings import Finding, Status

SUBJECT = "claude_code_server"
_RANK = {Status.FAIL: 2, Status.UNKNOWN: 1, Status.PASS: 0}


def _view(name: str, settings: dict[str, Any]) -> dict[str, Any]:
    deny = (settings.get("permissions") or {}).get("deny") if isinstance(settings.get("permissions"), dict) else None
    return {"path": f"server-managed settings ({name})", "found": True, "deny": [d for d in deny or [] if isinstance(d, str)],
            "forceLoginMethod": settings.get("forceLoginMethod"), "forceLoginOrgUUID": settings.get("forceLoginOrgUUID")}


def _documents(cc: dict[str, Any]) -> tuple[list[tuple[str, dict[str, Any] | None, str]], list[Any]]:
    """(name, settings or None, why None) per document that applies to members; and the raws read."""
    docs: list[tuple[str, dict[str, Any] | None, str]] = []
    raws = [cc["default"], *cc["groups"]]
    default = cc["default"].response or {}
    if default.get("settings") is None:
        why = "damaged" if default.get("updated_at") else "none set: members in no RBAC group get no managed settings"
        docs.append(("default", None, why))
    else:
        docs.append(("default", default["settings"], ""))
    for g in cc["groups"]:
        body = g.response or {}
        if (body.get("rbac_group_status") or {}).get("type") == "deleted":
            continue
        name = str(body.get("rbac_group_id"))
        docs.append((name, body.get("settings"), "damaged") if body.get("settings") is None else (name, body["settings"], ""))
    return docs, raws


def claude_code_policy(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    cc = d.get("claude_code")
    if cc is None:
        return []
    ms = getattr(profile.controls.coding_agents, "managed_settings", None)
    org = d["organization"].response if d["organization"].error is None else {}
    expected = (ms.claude_org_uuid if ms is not None else None) or (org or {}).get("id")
    declared = {"accounts": profile.controls.coding_agents.accounts, "force_login_org": expected}
    conf = cc["configuration"]
    if conf.error is not None:
        return [unknown(cid, dep, declared, conf, SUBJECT) for cid in (LOGIN, DENY)]
    mode = (conf.response.get("mode") or {}).get("type")
    if mode != "rbac_groups":
        msg = (f"not verified: Claude Code managed settings are in {mode!r} mode, edited in claude.ai; the Admin API does not "
               "return them (declared)")
        return [finding(cid, dep, Status.UNKNOWN, declared, {"mode": mode}, msg, [conf], SUBJECT) for cid in (LOGIN, DENY)]
    failed = next((r for r in [cc["default"], *cc["groups"]] if r.error is not None), None)
    if failed is not None:
        return [unknown(cid, dep, declared, failed, SUBJECT) for cid in (LOGIN, DENY)]
    docs, raws = _documents(cc)
    out = []
    for cid in (LOGIN, DENY):
        verdicts = []
        for name, settings, why in docs:
            if settings is None:
                verdicts.append((Status.FAIL if why.startswith("none") and cid == LOGIN else Status.UNKNOWN, f"{name}: {why}"))
                continue
            view = _view(name, settings)
            st, msg = judge_claude_login(view, expected, []) if cid == LOGIN else judge_claude_deny(view)
            verdicts.append((st, f"{name}: {msg}"))
        worst = max((v[0] for v in verdicts), key=_RANK.__getitem__)
        shown = [m for st, m in verdicts if st == worst]
        out.append(finding(cid, dep, worst, declared, {"mode": mode, "documents": [n for n, _s, _w in docs]},
                           ("not verified: " if worst == Status.UNKNOWN else "") + "; ".join(shown), [conf, *raws], SUBJECT))
    return out
