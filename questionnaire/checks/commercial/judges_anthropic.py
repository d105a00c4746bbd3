"""Pure judges for an Anthropic organization (Admin API responses in, findings out; no network)."""

from __future__ import annotations

from typing import Any

import questionnaire.checks.commercial.ids as ids
from questionnaire.checks.commercial.client import first_error, items
from questionnaire.checks.commercial.common import company_domains, declared_geos, finding, on_domains, unknown
from questionnaire.findings import Finding, Status


def organization(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    cid, raw = ids.ORGANIZATION, d["organization"]
    want = getattr(getattr(dep, "anthropic", None), "organization_id", None)
    declared = {"tier": dep.tier.value, "processor": dep.processor, "organization_id": want}
    if raw.error is not None:
        return [unknown(cid, dep, declared, raw)]
    got = raw.response.get("id")
    observed = {"organization_id": got, "name": raw.response.get("name")}
    if raw.response.get("type") != "organization" or not got:
        return [finding(cid, dep, Status.UNKNOWN, declared, observed, "not verified: organizations/me did not return an organization", [raw])]
    if want and got != want:
        return [finding(cid, dep, Status.FAIL, declared, observed, f"the admin key belongs to organization {got}, not the declared {want}", [raw])]
    return [finding(cid, dep, Status.PASS, declared, observed,
                    f"the admin key reads the Anthropic API organization {got}: commercial API tier, processed by Anthropic", [raw])]


def members(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    cid = ids.MEMBERS
    domains, source = company_domains(profile)
    declared = {"email_domains": domains, "source": source}
    users = items(d["users"])
    if users is None:
        return [unknown(cid, dep, declared, first_error(d["users"]))]
    if not domains:
        return [finding(cid, dep, Status.UNKNOWN, declared, None,
                        "not verified: no company e-mail domain declared (organization.email_domains)", [d["users"]])]
    outside = sorted(str(u.get("email") or u.get("id")) for u in users if not on_domains(u.get("email"), domains))
    observed = {"members": len(users), "outside_domains": outside}
    if outside:
        return [finding(cid, dep, Status.FAIL, declared, observed, f"member(s) outside {', '.join(domains)}: {', '.join(outside)}", [d["users"]])]
    return [finding(cid, dep, Status.PASS, declared, observed, f"all {len(users)} member(s) are on {', '.join(domains)}", [d["users"]])]


def api_keys(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    cid = ids.API_KEYS
    declared = {"owner_is_member": True}
    users, keys = items(d["users"]), items(d["api_keys"])
    for raws, got in ((d["users"], users), (d["api_keys"], keys)):
        if got is None:
            return [unknown(cid, dep, declared, first_error(raws))]
    member_ids = {u.get("id") for u in users}
    active = [k for k in keys if k.get("status") == "active"]
    orphaned = []
    for k in active:
        creator = k.get("created_by") or {}
        principal = k.get("principal") or {}
        if creator.get("type") == "user" and creator.get("id") not in member_ids:
            orphaned.append(str(k.get("id")))
        elif principal.get("type") == "user_actor" and principal.get("user_id") not in member_ids:
            orphaned.append(str(k.get("id")))
    observed = {"active_keys": len(active), "keys": len(keys), "owner_not_member": sorted(orphaned)}
    raws = [d["users"], d["api_keys"]]
    if orphaned:
        return [finding(cid, dep, Status.FAIL, declared, observed,
                        f"active key(s) created by or acting as someone who is no longer a member: {', '.join(sorted(orphaned))}", raws)]
    return [finding(cid, dep, Status.PASS, declared, observed,
                    f"all {len(active)} active API key(s) were created by current members (the Admin API gives no last-use time)", raws)]


def audit_log(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    return [finding(ids.AUDIT_LOG, dep, Status.UNKNOWN, "enabled", None,
                    "not verified: the Anthropic Admin API has no audit-log endpoint; declared")]


def _geo_values(res: dict[str, Any]) -> set[str]:
    allowed = res.get("allowed_inference_geos")
    vals = {"global"} if allowed == "unrestricted" else set(allowed or [])
    return vals | {str(res.get("default_inference_geo")), str(res.get("workspace_geo"))}


def residency(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    cid = ids.RESIDENCY
    declared = list(dep.regions)
    want = declared_geos(dep.regions)
    spaces = items(d["workspaces"])
    if spaces is None:
        return [unknown(cid, dep, declared, first_error(d["workspaces"]))]
    wanted = d["wanted_workspaces"]
    chosen = [w for w in spaces if (w.get("id") in wanted if wanted else not w.get("archived_at"))]
    missing = [w for w in wanted if w not in {s.get("id") for s in spaces}]
    observed = {str(w.get("id")): w.get("data_residency") for w in chosen}
    if missing:
        return [finding(cid, dep, Status.FAIL, declared, observed, f"declared workspace(s) {', '.join(missing)} not found", [d["workspaces"]])]
    if not chosen or any(not isinstance(v, dict) for v in observed.values()):
        return [finding(cid, dep, Status.UNKNOWN, declared, observed, "not verified: no workspace reports data_residency", [d["workspaces"]])]
    bad = [] if "global" in want else sorted(w for w, res in observed.items() if _geo_values(res) - want)
    if bad:
        detail = "; ".join(f"{w}: {sorted(_geo_values(observed[w]) - want)}" for w in bad)
        return [finding(cid, dep, Status.FAIL, declared, observed,
                        f"workspace(s) allow storage or inference outside the declared regions {', '.join(declared)} ({detail})",
                        [d["workspaces"]])]
    return [finding(cid, dep, Status.PASS, declared, observed,
                    f"all {len(chosen)} workspace(s) store and run inference only in {', '.join(sorted(g for g in want if g))}",
                    [d["workspaces"]])]


def zero_retention(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    return [finding(ids.RETENTION, dep, Status.UNKNOWN, dep.provider_retention_days, None,
                    "not verified: Anthropic's zero data retention is contractual (no Admin API setting shows it); declared")]


def claude_code(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    from questionnaire.checks.commercial.judges_claude_code import claude_code_policy

    return claude_code_policy(profile, dep, d)


JUDGES = (organization, zero_retention, members, api_keys, audit_log, residency, claude_code)
