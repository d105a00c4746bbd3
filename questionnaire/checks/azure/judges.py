"""Pure judges: (deployment, collected raws) -> findings. No network, no SDK.

A failed call (403, 404, 429, 5xx, transport) or an unknown enum value gives UNKNOWN with the
reason, never PASS. Field names follow the azure-rest-api-specs (cognitiveservices 2025-06-01,
monitor diagnosticSettings 2021-05-01-preview, operationalinsights 2022-10-01, authorization 2022-04-01).
"""

from __future__ import annotations

from typing import Any

from questionnaire.checks.registry import make
import questionnaire.checks.azure.meta as meta
from questionnaire.checks.azure.collect import _value, audit_settings
from questionnaire.findings import Finding, RawResponse, Status

REGIONAL_SKUS = frozenset({"standard", "provisionedmanaged"})
DATA_ZONE_SKUS = frozenset({"datazonestandard", "datazoneprovisionedmanaged", "datazonebatch"})
GLOBAL_SKUS = frozenset({"globalstandard", "globalprovisionedmanaged", "globalbatch", "developer"})
# Regions whose DataZone deployments stay in the EU / US data zone [I: Azure deployment-types docs]
EU_DATA_ZONE = frozenset({"francecentral", "germanywestcentral", "italynorth", "northeurope", "polandcentral",
                          "spaincentral", "swedencentral", "westeurope"})
US_DATA_ZONE = frozenset({"eastus", "eastus2", "centralus", "northcentralus", "southcentralus", "westus",
                          "westus2", "westus3"})
BROAD_ROLES = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "25fbc0a9-bd7c-42a3-aa1a-3b75d497ee68": "Cognitive Services Contributor",
    "a001fd3d-188f-4b5d-821b-7da978bf7442": "Cognitive Services OpenAI Contributor",
}
NARROW_ROLES = {
    "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd": "Cognitive Services OpenAI User",
    "a97b65f3-24c7-4388-baec-2e87135dc908": "Cognitive Services User",
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
}
STATUS_REASON = {"403": "access denied (grant the read actions: see `questionnaire azure-role`)",
                 "401": "not authenticated (credentials rejected)", "404": "not found",
                 "429": "throttled after retries"}


def reason(raw: RawResponse) -> str:
    err = raw.error or {}
    status, code = err.get("status", ""), err.get("code", "?")
    what = f"GET {(raw.params or {}).get('path', raw.operation)}"
    if status in STATUS_REASON:
        why = STATUS_REASON[status]
    elif status.startswith("5"):
        why = f"server error {status}"
    elif status == "0":
        why = "endpoint unreachable or no response"
    else:
        why = f"HTTP {status or '?'}"
    msg = err.get("message") or ""
    return f"{what}: {why} ({code}{': ' + msg[:120] if msg and msg != code else ''})"


def _unknown(cid: str, dep: Any, declared: Any, raws: list[RawResponse], why: str, subject: str | None = None) -> Finding:
    return make(cid, dep, None, Status.UNKNOWN, declared, None, f"not verified: {why}", raws, subject)


def _failed(raws: list[RawResponse]) -> RawResponse | None:
    return next((r for r in raws if r.error is not None), None)


def _props(raw: RawResponse) -> dict[str, Any]:
    return (raw.response or {}).get("properties") or {} if isinstance(raw.response, dict) else {}


def region(dep: Any, data: dict[str, Any]) -> list[Finding]:
    raw = data["account"]
    declared = list(dep.regions)
    if raw.error:
        return [_unknown(meta.REGION, dep, declared, [raw], reason(raw))]
    loc = str((raw.response or {}).get("location") or "").replace(" ", "").lower()
    kind = (raw.response or {}).get("kind")
    obs = {"location": loc or None, "kind": kind}
    if not loc:
        return [_unknown(meta.REGION, dep, declared, [raw], "the account has no location")]
    if loc in {r.replace(" ", "").lower() for r in declared}:
        return [make(meta.REGION, dep, None, Status.PASS, declared, obs, f"account {dep.azure.account} ({kind}) is in {loc}", [raw])]
    return [make(meta.REGION, dep, None, Status.FAIL, declared, obs,
                 f"account {dep.azure.account} is in {loc}, not in the declared region(s) {', '.join(declared)}", [raw])]


def _sku_verdict(sku: str, scope: str, zone: str | None, loc: str) -> tuple[Status, str]:
    s = sku.lower()
    if s in REGIONAL_SKUS:
        return Status.PASS, f"SKU {sku} keeps inference in the account region's geography ({loc})"
    if s in GLOBAL_SKUS:
        if scope == "global":
            return Status.PASS, f"SKU {sku} may process in any Azure geography, as declared (global)"
        return Status.FAIL, f"SKU {sku} may process prompts in any Azure geography; declared {scope}"
    if s in DATA_ZONE_SKUS:
        if scope == "regional":
            return Status.FAIL, f"SKU {sku} may process prompts anywhere in the data zone; declared regional"
        if scope == "global":
            return Status.PASS, f"SKU {sku} stays in a data zone (declared global)"
        actual = "eu" if loc in EU_DATA_ZONE else "us" if loc in US_DATA_ZONE else None
        if actual is None:
            return Status.UNKNOWN, f"not verified: SKU {sku} in {loc}, a region this tool cannot place in a data zone"
        if actual != zone:
            return Status.FAIL, f"SKU {sku} in {loc} processes in the {actual.upper()} data zone; declared {zone}"
        return Status.PASS, f"SKU {sku} stays in the {actual.upper()} data zone, as declared"
    return Status.UNKNOWN, f"not verified: unknown SKU {sku!r}"


def processing_scope(dep: Any, data: dict[str, Any]) -> list[Finding]:
    az = dep.azure
    scope, zone = az.processing.value, (az.data_zone.value if az.data_zone else None)
    declared = {"processing": scope, "data_zone": zone}
    raws = [data["account"], *data["deployments"]]
    bad = _failed(raws)
    if bad is not None:
        return [_unknown(meta.SKU, dep, declared, raws, reason(bad))]
    loc = str((data["account"].response or {}).get("location") or "").replace(" ", "").lower()
    found = {str(d.get("name")): d for d in _value(data["deployments"])}
    out: list[Finding] = []
    for name in sorted(set(found) | set(az.deployments)):
        d = found.get(name)
        if d is None:
            out.append(make(meta.SKU, dep, None, Status.FAIL, declared, None,
                            f"declared model deployment {name} does not exist on account {az.account}", raws, name))
            continue
        sku = str((d.get("sku") or {}).get("name") or "")
        model = ((d.get("properties") or {}).get("model") or {}).get("name")
        status, msg = _sku_verdict(sku, scope, zone, loc) if sku else (Status.UNKNOWN, "not verified: the deployment has no SKU")
        out.append(make(meta.SKU, dep, None, status, declared, {"sku": sku or None, "model": model, "location": loc},
                        f"{name}: {msg}", raws, name))
    if not out:
        out.append(make(meta.SKU, dep, None, Status.PASS, declared, [], f"account {az.account} has no model deployments", raws))
    return out


def _shield(filters: list[Any], *names: str) -> dict[str, Any] | None:
    keys = {n.replace(" ", "").lower() for n in names}
    for f in filters:
        if isinstance(f, dict) and str(f.get("name") or "").replace(" ", "").lower() in keys:
            return f
    return None


def prompt_shields(dep: Any, data: dict[str, Any]) -> list[Finding]:
    pages = data["deployments"]
    bad = _failed(pages)
    if bad is not None:
        return [_unknown(meta.RAI, dep, True, pages, reason(bad))]
    out: list[Finding] = []
    for d in sorted(_value(pages), key=lambda d: str(d.get("name"))):
        name = str(d.get("name"))
        policy = str((d.get("properties") or {}).get("raiPolicyName") or "")
        if not policy:
            out.append(_unknown(meta.RAI, dep, True, pages, "the deployment names no RAI policy", name))
            continue
        raw = data["rai"][policy]
        if raw.error:
            out.append(_unknown(meta.RAI, dep, True, [*pages, raw], reason(raw), name))
            continue
        props = _props(raw)
        filters = props.get("contentFilters") or []
        mode = str(props.get("mode") or "Default")
        obs: dict[str, Any] = {"policy": policy, "mode": mode}
        problems = []
        for label, names in (("Jailbreak", ("Jailbreak",)), ("Indirect Attack", ("Indirect Attack", "IndirectAttack"))):
            f = _shield(filters, *names)
            obs[label] = None if f is None else {"enabled": f.get("enabled"), "blocking": f.get("blocking")}
            if f is None or f.get("enabled") is not True or f.get("blocking") is not True:
                problems.append(f"{label} {'missing' if f is None else 'not enabled and blocking'}")
        if mode.lower() in ("asynchronous_filter", "deferred"):
            problems.append(f"mode {mode} does not block before the response")
        status = Status.FAIL if problems else Status.PASS
        msg = f"{name}: RAI policy {policy}: " + ("; ".join(problems) if problems else "Jailbreak and Indirect Attack shields enabled and blocking")
        out.append(make(meta.RAI, dep, None, status, True, obs, msg, [*pages, raw], name))
    return out or [make(meta.RAI, dep, None, Status.PASS, True, [], f"account {dep.azure.account} has no model deployments", pages)]


def abuse_monitoring(dep: Any, data: dict[str, Any]) -> list[Finding]:
    raw = data["account"]
    declared = dep.azure.opt_out(dep.provider_retention_days)
    if raw.error:
        return [_unknown(meta.ABUSE, dep, declared, [raw], reason(raw))]
    caps = _props(raw).get("capabilities") or []
    off = any(isinstance(c, dict) and c.get("name") == "ContentLogging" and str(c.get("value")).lower() == "false" for c in caps)
    obs = {"ContentLogging": "false" if off else "absent"}
    if off == declared:
        msg = "abuse-monitoring storage is off (ContentLogging=false)" if off else "abuse-monitoring storage is on (no ContentLogging=false), as declared"
        return [make(meta.ABUSE, dep, None, Status.PASS, declared, obs, msg, [raw])]
    msg = ("no ContentLogging=false capability: Microsoft may store prompts and outputs for abuse monitoring"
           if declared else "ContentLogging=false: storage is off, but the profile declares that prompts are retained")
    return [make(meta.ABUSE, dep, None, Status.FAIL, declared, obs, msg, [raw])]
