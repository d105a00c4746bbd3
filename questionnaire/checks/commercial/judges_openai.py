"""Pure judges for an OpenAI organization (Admin API responses in, findings out; no network)."""

from __future__ import annotations

import calendar
import time
from typing import Any

import questionnaire.checks.commercial.ids as ids
from questionnaire.checks.commercial.client import first_error, items
from questionnaire.checks.commercial.common import company_domains, declared_geos, finding, on_domains, unknown
from questionnaire.findings import Finding, Status

# retention type -> days the provider keeps prompts/outputs for abuse monitoring
RETENTION_DAYS = {"zero_data_retention": 0, "enhanced_zero_data_retention": 0, "modified_abuse_monitoring": 0,
                  "enhanced_modified_abuse_monitoring": 0, "none": 30}
STORE_NOTE = ("abuse-monitoring retention; application state a project stores on purpose (stored responses, files, "
              "threads) is kept until deleted unless zero data retention is on")
STALE_DAYS = 90
# project residency -> geography of processing (None: processing is not pinned)
PROCESSING_GEO = {"GLOBAL": "global", "US_STORAGE_PROCESSING": "us", "EU_STORAGE_PROCESSING": "eu",
                  "JP_STORAGE_PROCESSING": "jp", "IN_STORAGE_PROCESSING": "in", "AU_STORAGE_PROCESSING": "au",
                  "AE_STORAGE_PROCESSING": "ae"}


def _epoch(ts: str) -> int:
    return calendar.timegm(time.strptime(ts, "%Y-%m-%dT%H:%M:%SZ"))


def organization(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    cid, raws = ids.ORGANIZATION, d["projects"]
    declared = {"tier": dep.tier.value, "processor": dep.processor, "projects": d["wanted_projects"] or "all active"}
    projects = items(raws)
    if projects is None:
        return [unknown(cid, dep, declared, first_error(raws))]
    found = {p.get("id") for p in projects}
    missing = [p for p in d["wanted_projects"] if p not in found]
    observed = {"projects": sorted(str(p.get("id")) for p in projects)}
    if missing:
        return [finding(cid, dep, Status.FAIL, declared, observed,
                        f"the OpenAI organization behind the admin key has no project {', '.join(missing)}", [raws])]
    return [finding(cid, dep, Status.PASS, declared, observed,
                    f"the admin key reads an OpenAI API organization ({len(projects)} project(s)): commercial API tier, "
                    "processed by OpenAI", [raws])]


def _project_days(org_type: str | None, ptype: str | None) -> int | None:
    if ptype == "organization_default":
        ptype = org_type
    return RETENTION_DAYS.get(ptype or "")


def retention(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    cid, org_raw = ids.RETENTION, d["org_retention"]
    declared = dep.provider_retention_days
    if org_raw.error is not None:
        return [unknown(cid, dep, declared, org_raw)]
    org_type = org_raw.response.get("type")
    if org_type not in RETENTION_DAYS or org_type == "none":
        return [finding(cid, dep, Status.UNKNOWN, declared, {"organization": org_type},
                        f"not verified: unknown organization data retention type {org_type!r}", [org_raw])]
    observed: dict[str, Any] = {"organization": org_type, "projects": {}}
    worst = RETENTION_DAYS[org_type]
    raws: list[Any] = [org_raw]
    for pid, pd in sorted(d["per_project"].items()):
        raw = pd["retention"]
        raws.append(raw)
        if raw.error is not None:
            return [unknown(cid, dep, declared, raw)]
        ptype = raw.response.get("type")
        days = _project_days(org_type, ptype)
        if days is None:
            return [finding(cid, dep, Status.UNKNOWN, declared, observed,
                            f"not verified: project {pid} has unknown data retention type {ptype!r}", raws)]
        observed["projects"][pid] = ptype
        worst = max(worst, days)
    observed["days"] = worst
    if declared is None:
        return [finding(cid, dep, Status.UNKNOWN, declared, observed,
                        f"not verified: provider_retention_days is not declared (observed up to {worst} days)", raws)]
    late = sorted(p for p, t in observed["projects"].items() if (_project_days(org_type, t) or 0) > declared)
    if worst > declared:
        return [finding(cid, dep, Status.FAIL, declared, observed,
                        f"OpenAI keeps prompts and outputs up to {worst} days (project(s) {', '.join(late)} on the default "
                        f"retention), but the profile declares {declared}", raws)]
    default = sorted(p for p, t in observed["projects"].items() if _project_days(org_type, t) == 30)
    where = f"organization {org_type}" + (f"; project(s) {', '.join(default)} on the default retention" if default else "")
    return [finding(cid, dep, Status.PASS, declared, observed,
                    f"OpenAI keeps prompts and outputs up to {worst} days ({where}), within the declared {declared}; {STORE_NOTE}", raws)]


def members(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    cid = ids.MEMBERS
    domains, source = company_domains(profile)
    declared = {"email_domains": domains, "source": source}
    users, keys = items(d["users"]), items(d["admin_keys"])
    for raws, got in ((d["users"], users), (d["admin_keys"], keys)):
        if got is None:
            return [unknown(cid, dep, declared, first_error(raws))]
    if not domains:
        return [finding(cid, dep, Status.UNKNOWN, declared, None,
                        "not verified: no company e-mail domain declared (organization.email_domains)", [d["users"]])]
    people = [u for u in users if not u.get("is_service_account")]
    outside = sorted(str(u.get("email") or u.get("id")) for u in people if not on_domains(u.get("email"), domains))
    member_ids = {u.get("id") for u in users}
    orphan_admin = sorted(str(k.get("id")) for k in keys if (k.get("owner") or {}).get("id") not in member_ids)
    observed = {"members": len(people), "outside_domains": outside, "admin_keys": len(keys),
                "admin_keys_without_member_owner": orphan_admin}
    raws = [d["users"], d["admin_keys"]]
    if outside or orphan_admin:
        parts = ([f"member(s) outside {', '.join(domains)}: {', '.join(outside)}"] if outside else []) + (
            [f"admin key(s) whose owner is not a member: {', '.join(orphan_admin)}"] if orphan_admin else [])
        return [finding(cid, dep, Status.FAIL, declared, observed, "; ".join(parts), raws)]
    return [finding(cid, dep, Status.PASS, declared, observed,
                    f"all {len(people)} member(s) and the owners of {len(keys)} admin key(s) are on {', '.join(domains)}", raws)]


def api_keys(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    cid = ids.API_KEYS
    declared = {"owner_has_access": True, "used_within_days": STALE_DAYS}
    if not d["per_project"]:
        raw = d["projects"][-1]
        if raw.error is not None:
            return [unknown(cid, dep, declared, first_error(d["projects"]))]
        return [finding(cid, dep, Status.UNKNOWN, declared, None, "not verified: no active project to read keys from", [d["projects"]])]
    orphaned, stale, count, raws = [], [], 0, []
    for pid, pd in sorted(d["per_project"].items()):
        keys = items(pd["api_keys"])
        raws.append(pd["api_keys"])
        if keys is None:
            return [unknown(cid, dep, declared, first_error(pd["api_keys"]))]
        now = _epoch(pd["api_keys"][0].timestamp)
        for k in keys:
            count += 1
            name = f"{pid}/{k.get('id')}"
            if k.get("owner_project_access") != "active":
                orphaned.append(name)
            last = k.get("last_used_at") or k.get("created_at") or 0
            if now - int(last) > STALE_DAYS * 86400:
                stale.append(name)
    observed = {"keys": count, "owner_without_access": orphaned, "unused_90_days": stale}
    if orphaned or stale:
        parts = ([f"key(s) whose owner no longer has project access: {', '.join(orphaned)}"] if orphaned else []) + (
            [f"key(s) unused for {STALE_DAYS}+ days: {', '.join(stale)}"] if stale else [])
        return [finding(cid, dep, Status.FAIL, declared, observed, "; ".join(parts), raws)]
    return [finding(cid, dep, Status.PASS, declared, observed,
                    f"all {count} project API key(s) have an owner with access and were used within {STALE_DAYS} days", raws)]


def audit_log(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    cid, raw = ids.AUDIT_LOG, d["audit_logs"]
    if raw.error is not None:
        return [unknown(cid, dep, "enabled", raw)]
    events = raw.response.get("data") or []
    if not events:
        return [finding(cid, dep, Status.UNKNOWN, "enabled", {"events": 0},
                        "not verified: the audit-log API returned no event, so it cannot show logging is on", [raw])]
    return [finding(cid, dep, Status.PASS, "enabled", {"events": "at least 1", "latest_type": events[0].get("type")},
                    "OpenAI audit logging is on: the audit-log API returns events", [raw])]


def residency(profile: Any, dep: Any, d: dict[str, Any]) -> list[Finding]:
    cid = ids.RESIDENCY
    want = declared_geos(dep.regions)
    declared = list(dep.regions)
    projects = items(d["projects"])
    if projects is None:
        return [unknown(cid, dep, declared, first_error(d["projects"]))]
    chosen = [p for p in projects if p.get("id") in d["per_project"]]
    observed = {str(p.get("id")): p.get("residency") for p in chosen}
    if not chosen or any(v is None for v in observed.values()):
        return [finding(cid, dep, Status.UNKNOWN, declared, observed,
                        "not verified: the projects do not report a residency setting", [d["projects"]])]
    if "global" in want:
        bad = []
    else:
        bad = sorted(pid for pid, r in observed.items() if PROCESSING_GEO.get(str(r)) not in want)
    if bad:
        return [finding(cid, dep, Status.FAIL, declared, observed,
                        f"project(s) {', '.join(f'{p} ({observed[p]})' for p in bad)} process outside the declared "
                        f"regions {', '.join(declared)}", [d["projects"]])]
    return [finding(cid, dep, Status.PASS, declared, observed,
                    f"every project stores and processes data in the declared regions ({', '.join(sorted(set(map(str, observed.values()))))})",
                    [d["projects"]])]


JUDGES = (organization, retention, members, api_keys, audit_log, residency)
