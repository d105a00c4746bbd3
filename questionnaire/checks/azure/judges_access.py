"""Pure judges for logging, network, authentication, encryption and role assignments."""

from __future__ import annotations

from typing import Any

from questionnaire.checks.registry import make
import questionnaire.checks.azure.meta as meta
from questionnaire.checks.azure.collect import _value, audit_settings, workspace_ids
from questionnaire.checks.azure.judges import BROAD_ROLES, NARROW_ROLES, _failed, _props, _unknown, reason
from questionnaire.findings import Finding, Status

DESTINATION = {"workspaceId": "Log Analytics workspace", "storageAccountId": "storage account",
               "eventHubAuthorizationRuleId": "event hub", "marketplacePartnerId": "partner solution"}


def audit_logs(dep: Any, data: dict[str, Any]) -> list[Finding]:
    raw = data["diag"]
    if raw.error:
        return [_unknown(meta.DIAG, dep, True, [raw], reason(raw))]
    good = audit_settings(raw)
    if good:
        s = good[0]
        to = ", ".join(f"{DESTINATION[k]} {str(v).rstrip('/').rsplit('/', 1)[-1]}" for k, v in s["destinations"].items())
        return [make(meta.DIAG, dep, None, Status.PASS, True, good,
                     f"diagnostic setting {s['name']} sends {', '.join(map(str, s['logs']))} logs to {to}", [raw])]
    names = [s.get("name") for s in _value([raw])]
    why = "no diagnostic setting exists" if not names else f"none of {', '.join(map(str, names))} sends Audit logs to a destination"
    return [make(meta.DIAG, dep, None, Status.FAIL, True, names, f"audit logs are not exported: {why}", [raw])]


def retention(dep: Any, data: dict[str, Any]) -> list[Finding]:
    want = dep.azure.audit_logs.workspace_retention_days
    raw = data["diag"]
    if raw.error:
        return [_unknown(meta.RETENTION, dep, want, [raw], reason(raw))]
    ids = workspace_ids(raw)
    if not ids:
        why = ("audit logs go to no Log Analytics workspace (storage or event hub retention is not read)"
               if audit_settings(raw) else "no diagnostic setting exports audit logs")
        status = Status.UNKNOWN if audit_settings(raw) else Status.FAIL
        return [make(meta.RETENTION, dep, None, status, want, None, ("not verified: " if status == Status.UNKNOWN else "") + why, [raw])]
    ws = [data["workspaces"][i] for i in ids]
    bad = _failed(ws)
    if bad is not None:
        return [_unknown(meta.RETENTION, dep, want, [raw, *ws], reason(bad))]
    days = {(w.response or {}).get("name") or i: _props(w).get("retentionInDays") for i, w in zip(ids, ws)}
    if any(not isinstance(d, int) for d in days.values()):
        return [_unknown(meta.RETENTION, dep, want, [raw, *ws], "a workspace reports no retentionInDays")]
    best = max(days, key=lambda k: days[k])
    if days[best] >= want:
        return [make(meta.RETENTION, dep, None, Status.PASS, want, days,
                     f"workspace {best} keeps logs {days[best]} days (declared at least {want})", [raw, *ws])]
    return [make(meta.RETENTION, dep, None, Status.FAIL, want, days,
                 f"workspace {best} keeps logs only {days[best]} days; declared at least {want}", [raw, *ws])]


def private_access(dep: Any, data: dict[str, Any]) -> list[Finding]:
    acct, pec = data["account"], data["pec"]
    bad = _failed([acct, pec])
    if bad is not None:
        return [_unknown(meta.NETWORK, dep, True, [acct, pec], reason(bad))]
    p = _props(acct)
    public = p.get("publicNetworkAccess")
    acls = p.get("networkAcls") or {}
    approved = sorted(str(c.get("name")) for c in _value([pec])
                      if str((((c.get("properties") or {}).get("privateLinkServiceConnectionState")) or {}).get("status")).lower() == "approved")
    obs = {"publicNetworkAccess": public, "networkAcls.defaultAction": acls.get("defaultAction"),
           "ipRules": len(acls.get("ipRules") or []), "approvedPrivateEndpoints": approved}
    closed = str(public).lower() == "disabled" or (str(acls.get("defaultAction")).lower() == "deny" and not acls.get("ipRules"))
    problems = []
    if not closed:
        problems.append(f"public network access is {public or 'not set (enabled)'}"
                        + (f" with network ACL default {acls.get('defaultAction')}" if acls else ""))
    if not approved:
        problems.append("no approved private endpoint connection")
    if problems:
        return [make(meta.NETWORK, dep, None, Status.FAIL, True, obs, "; ".join(problems), [acct, pec])]
    return [make(meta.NETWORK, dep, None, Status.PASS, True, obs,
                 f"public access closed; approved private endpoint(s): {', '.join(approved)}", [acct, pec])]


def entra_only(dep: Any, data: dict[str, Any]) -> list[Finding]:
    raw = data["account"]
    if raw.error:
        return [_unknown(meta.AUTH, dep, True, [raw], reason(raw))]
    v = _props(raw).get("disableLocalAuth")
    if v is True:
        return [make(meta.AUTH, dep, None, Status.PASS, True, v, "disableLocalAuth is true: only Entra ID tokens are accepted", [raw])]
    return [make(meta.AUTH, dep, None, Status.FAIL, True, v, f"disableLocalAuth is {v}: API keys can be used", [raw])]


def customer_key(dep: Any, data: dict[str, Any]) -> list[Finding]:
    raw = data["account"]
    if raw.error:
        return [_unknown(meta.CMK, dep, True, [raw], reason(raw))]
    enc = _props(raw).get("encryption") or {}
    src = enc.get("keySource")
    uri = (enc.get("keyVaultProperties") or {}).get("keyVaultUri")
    obs = {"keySource": src, "keyVaultUri": uri, "keyName": (enc.get("keyVaultProperties") or {}).get("keyName")}
    if src == "Microsoft.KeyVault" and uri:
        return [make(meta.CMK, dep, None, Status.PASS, True, obs, f"encrypted with a customer-managed key in {uri}", [raw])]
    return [make(meta.CMK, dep, None, Status.FAIL, True, obs,
                 f"key source is {src or 'not set (Microsoft-managed keys)'}" + ("" if uri or src != "Microsoft.KeyVault" else " without a Key Vault URI"), [raw])]


def least_privilege(dep: Any, data: dict[str, Any]) -> list[Finding]:
    pages = data["roles"]
    wanted = {p.lower() for p in dep.azure.app_principal_ids}
    declared = sorted(wanted) or "every service principal"
    bad = _failed(pages)
    if bad is not None:
        return [_unknown(meta.RBAC, dep, declared, pages, reason(bad))]
    broad, unknown, narrow = [], [], []
    for ra in _value(pages):
        p = ra.get("properties") or {}
        pid = str(p.get("principalId") or "").lower()
        if (wanted and pid not in wanted) or (not wanted and p.get("principalType") != "ServicePrincipal"):
            continue
        role = str(p.get("roleDefinitionId") or "").rstrip("/").rsplit("/", 1)[-1].lower()
        item = {"principalId": pid, "role": BROAD_ROLES.get(role) or NARROW_ROLES.get(role) or role, "scope": p.get("scope")}
        (broad if role in BROAD_ROLES else narrow if role in NARROW_ROLES else unknown).append(item)
    obs = {"broad": broad, "narrow": narrow, "other": unknown}
    if broad:
        b = broad[0]
        return [make(meta.RBAC, dep, None, Status.FAIL, declared, obs,
                     f"principal {b['principalId']} holds {b['role']} at {b['scope']}; Cognitive Services OpenAI User suffices", pages)]
    if unknown:
        return [_unknown(meta.RBAC, dep, declared, pages, f"role(s) {', '.join(sorted({u['role'] for u in unknown}))} are custom or not evaluated")]
    msg = (f"application principals hold only {', '.join(sorted({n['role'] for n in narrow}))}" if narrow
           else "no application principal holds a role at or above the account scope")
    return [make(meta.RBAC, dep, None, Status.PASS, declared, obs, msg, pages)]
