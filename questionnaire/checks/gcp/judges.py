"""Pure judges of the Vertex checks: ``judge(settings, dep, data) -> Finding`` (no network here).

A failed call (403, 404, 429 after retries, 5xx, transport) gives UNKNOWN, never PASS; a FAIL
needs a response that shows the problem. Proto3 JSON omits false/empty fields, so an absent
boolean in a 200 response reads as false.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from questionnaire.checks.gcp.registry import AUDIT, LOCATION, REQLOG
from questionnaire.checks.registry import make
from questionnaire.findings import Finding, RawResponse, Status


SERVICE = "aiplatform.googleapis.com"
DATA_LOG_TYPES = ("DATA_READ", "DATA_WRITE")
_LOC_RE = re.compile(r"/locations/([a-z0-9-]+)(/|$)")
_POLICY_RE = re.compile(r"/v3/([^:]+):getIamPolicy")


def ok(raw: Any) -> bool:
    return isinstance(raw, RawResponse) and raw.error is None


def reason(raw: RawResponse) -> str:
    err = raw.error or {}
    code = err.get("code", "?")
    api = f"{raw.service.removeprefix('gcp.')} {raw.operation}"
    if code in ("PERMISSION_DENIED", "UNAUTHENTICATED"):
        return f"access denied to {api} (grant it: see `questionnaire gcp-role`)"
    if code == "RESOURCE_EXHAUSTED":
        return f"{api} was throttled after retries"
    if code == "NOT_FOUND":
        return f"{api}: not found"
    if code == "EndpointUnreachable":
        return f"{api}: endpoint unreachable"
    msg = err.get("message", "")
    return f"{api} failed: {code}{': ' + msg[:120] if msg else ''}"


def _unknown(check_id: str, dep: Any, declared: Any, raw: RawResponse, raws: Iterable[Any] = ()) -> Finding:
    return make(check_id, dep, None, Status.UNKNOWN, declared, None, f"not verified: {reason(raw)}", [raw, *raws])


def _errors(*groups: Any) -> list[RawResponse]:
    out: list[RawResponse] = []
    for g in groups:
        items = g.values() if isinstance(g, dict) else (g if isinstance(g, (list, tuple)) else [g])
        out.extend(r for r in items if isinstance(r, RawResponse) and r.error is not None)
    return out


# --------------------------------------------------------------------------- audit logs


def audit_state(policies: list[RawResponse]) -> dict[str, Any]:
    """Data Access log types on for Vertex AI across the given IAM policies (inheritance is additive)."""
    types: set[str] = set()
    exempted: set[str] = set()
    for raw in policies:
        if not ok(raw):
            continue
        for cfg in (raw.response or {}).get("auditConfigs") or []:
            if cfg.get("service") not in (SERVICE, "allServices"):
                continue
            for lc in cfg.get("auditLogConfigs") or []:
                if lc.get("logType") in DATA_LOG_TYPES:
                    types.add(lc["logType"])
                    exempted.update(lc.get("exemptedMembers") or [])
    enabled = all(t in types for t in DATA_LOG_TYPES) and not exempted
    return {"enabled": enabled, "log_types": sorted(types), "exempted_members": sorted(exempted)}


def audit_verdict(iam: dict[str, Any]) -> tuple[bool | None, dict[str, Any], RawResponse | None]:
    """(True on / False off / None cannot tell, observed, the failed call that prevents an answer)."""
    project = iam["project"]
    if not ok(project):
        return None, {}, project
    levels = [project, *iam.get("ancestors", [])]
    state = audit_state(levels)
    state["levels_read"] = [m.group(1) for r in levels if ok(r) and (m := _POLICY_RE.search(str(r.params.get("url", ""))))]
    if state["enabled"]:
        return True, state, None
    failed = _errors(iam.get("ancestors", []), iam.get("walk", []))
    if failed:
        return None, state, failed[0]
    walk = iam.get("walk", [])
    top = (walk[-1].response or {}).get("parent") if walk and ok(walk[-1]) else None
    ancestors = iam.get("ancestors", [])
    complete = not walk or top is None or (ancestors and ancestors[-1].operation == "organizations.getIamPolicy")
    if not complete:
        return None, state, None
    return False, state, None


def judge_audit(settings: Any, dep: Any, data: dict[str, Any]) -> Finding:
    iam = data["iam"]
    declared = settings.data_access_audit_logs
    raws = [iam["project"], *iam.get("ancestors", []), *iam.get("walk", [])]
    on, obs, failed = audit_verdict(iam)
    if on is None:
        if failed is not None:
            return _unknown(AUDIT, dep, declared, failed, raws)
        return make(AUDIT, dep, None, Status.UNKNOWN, declared, obs,
                    "not verified: the project's policy does not turn Data Access logs on and the inherited policies could not all be read", raws)
    if on == declared:
        what = "on (DATA_READ and DATA_WRITE, no exemptions)" if on else "off"
        return make(AUDIT, dep, None, Status.PASS, declared, obs, f"Data Access audit logs for {SERVICE} are {what}, as declared", raws)
    if declared:
        detail = f"log types on: {', '.join(obs['log_types']) or 'none'}"
        if obs.get("exempted_members"):
            detail += f"; exempted: {', '.join(obs['exempted_members'])}"
        return make(AUDIT, dep, None, Status.FAIL, declared, obs, f"Data Access audit logs for {SERVICE} are not fully on ({detail})", raws)
    return make(AUDIT, dep, None, Status.FAIL, declared, obs, f"declared off, but Data Access audit logs for {SERVICE} are on", raws)


# --------------------------------------------------------------------------- locations used


def judge_location(settings: Any, dep: Any, data: dict[str, Any]) -> Finding:
    allowed = [loc for loc in settings.allowed_locations(list(dep.regions)) if loc != "global"]
    if settings.global_endpoint_allowed:
        allowed.append("global")
    declared = {"locations": allowed, "global_endpoint_allowed": settings.global_endpoint_allowed}
    log, iam = data["audit_log"], data["iam"]
    raws = [log, iam["project"], *iam.get("ancestors", []), *iam.get("walk", [])]
    if not ok(log):
        return _unknown(LOCATION, dep, declared, log, raws)
    used: dict[str, int] = {}
    for entry in (log.response or {}).get("entries") or []:
        name = str(((entry or {}).get("protoPayload") or {}).get("resourceName") or "")
        m = _LOC_RE.search(name)
        if m and m.group(1) not in allowed:
            used[m.group(1)] = used.get(m.group(1), 0) + 1
    window = settings.audit_log_window_days
    obs = {"undeclared_locations_used": used, "window_days": window}
    if used:
        where = ", ".join(f"{loc} ({n} request(s))" for loc, n in sorted(used.items()))
        return make(LOCATION, dep, None, Status.FAIL, declared, obs,
                    f"the Data Access log shows Vertex AI requests in undeclared location(s) in the last {window} days: {where}", raws)
    on, _state, _failed = audit_verdict(iam)
    if on is not True:
        return make(LOCATION, dep, None, Status.UNKNOWN, declared, obs,
                    f"not verified: Data Access audit logs for {SERVICE} are not verifiably on, so an empty log proves nothing", raws)
    if (log.response or {}).get("truncated"):
        return make(LOCATION, dep, None, Status.UNKNOWN, declared, obs, "not verified: the Data Access log search stopped before its end", raws)
    glob = "" if settings.global_endpoint_allowed else "; the global endpoint was not used"
    return make(LOCATION, dep, None, Status.PASS, declared, obs,
                f"in the last {window} days every Vertex AI request in the Data Access log used {', '.join(allowed)}{glob}", raws)


# --------------------------------------------------------------------------- request/response logging


def _logging_state(cfg: dict[str, Any] | None, needs_destination: bool) -> tuple[bool, str | None]:
    cfg = cfg or {}
    if not cfg.get("enabled"):
        return False, None
    rate = cfg.get("samplingRate")
    if isinstance(rate, (int, float)) and rate < 1:
        return True, f"samples only {rate:.0%} of requests"
    if needs_destination and not ((cfg.get("bigqueryDestination") or {}).get("outputUri")):
        return True, "has no BigQuery destination"
    return True, None


def judge_reqlog(settings: Any, dep: Any, data: dict[str, Any]) -> Finding:
    want = settings.request_response_logging
    eps, models = data["endpoints"], data["model_configs"]
    raws = [*eps.values(), *models.values()]
    seen: dict[str, bool] = {}
    problems: list[str] = []
    for loc, raw in sorted(eps.items()):
        if not ok(raw):
            continue
        for ep in (raw.response or {}).get("endpoints") or []:
            name = str(ep.get("displayName") or ep.get("name", "?")).rsplit("/", 1)[-1]
            on, issue = _logging_state(ep.get("predictRequestResponseLoggingConfig"), True)
            seen[f"endpoint {name} ({loc})"] = on
            if want and (not on or issue):
                problems.append(f"endpoint {name} ({loc}) {issue or 'does not log requests and responses'}")
    for key, raw in sorted(models.items()):
        if ok(raw):
            on, issue = _logging_state((raw.response or {}).get("loggingConfig"), False)
            seen[f"model {key}"] = on
            if want and (not on or issue):
                problems.append(f"model {key} {issue or 'does not log requests and responses'}")
    if not want:
        problems = [f"{k} logs requests and responses" for k, on in seen.items() if on]
    obs = {"logging": seen}
    if problems:
        return make(REQLOG, dep, None, Status.FAIL, want, obs, "; ".join(problems), raws)
    failed = _errors(eps, models)
    if failed:
        return _unknown(REQLOG, dep, want, failed[0], raws)
    if not seen:
        return make(REQLOG, dep, None, Status.UNKNOWN, want, obs, "not verified: no endpoint and no declared publisher model to inspect", raws)
    what = "logs requests and responses" if want else "stores no requests or responses in a log"
    return make(REQLOG, dep, None, Status.PASS, want, obs, f"each of {len(seen)} endpoint(s)/model(s) {what}, as declared", raws)
