"""Pure judges of the Vertex checks about stored data and perimeters: cache, Claude opt-in, CMEK,
VPC Service Controls, Model Armor. Same rules as :mod:`questionnaire.checks.gcp.judges`."""

from __future__ import annotations

from typing import Any

from questionnaire.checks.registry import make
from questionnaire.checks.gcp.judges import SERVICE, _errors, _unknown, ok
from questionnaire.checks.gcp.registry import ARMOR, CACHE, CLAUDE, CMEK, VPCSC
from questionnaire.findings import Finding, Status

NOT_OPTED = frozenset({"", "DATA_SHARING_ENABLED_PROVIDER_UNSPECIFIED"})


def judge_cache(settings: Any, dep: Any, data: dict[str, Any]) -> Finding:
    want, raw = settings.caching, data["cache_config"]
    if not ok(raw):
        return _unknown(CACHE, dep, want, raw)
    resp = raw.response or {}
    disabled = bool(resp.get("disableCache"))
    retention = (resp.get("retentionConfig") or {}).get("retentionType")
    obs = {"disableCache": disabled, "retentionType": retention}
    if disabled:
        return make(CACHE, dep, None, Status.PASS, want, obs, "Vertex AI data caching is disabled for the project", [raw])
    if want == "zero_data_retention":
        return make(CACHE, dep, None, Status.FAIL, want, obs,
                    "zero data retention declared, but Vertex AI data caching is enabled (disableCache is false)", [raw])
    if retention == "EPHEMERAL":
        return make(CACHE, dep, None, Status.PASS, want, obs, "the cache keeps data only ephemerally (retention EPHEMERAL)", [raw])
    if retention == "DURABLE":
        return make(CACHE, dep, None, Status.FAIL, want, obs, "no durable storage declared, but the cache retention is DURABLE", [raw])
    return make(CACHE, dep, None, Status.UNKNOWN, want, obs, f"not verified: cache retention type {retention!r} is not known", [raw])


def judge_claude(settings: Any, dep: Any, data: dict[str, Any]) -> Finding:
    want = settings.claude_data_retention_opt_in
    configs = {k: v for k, v in data["model_configs"].items() if k.startswith("anthropic/")}
    raws = list(configs.values())
    opted: dict[str, bool] = {}
    odd: list[str] = []
    for key, raw in sorted(configs.items()):
        if not ok(raw):
            continue
        resp = raw.response or {}
        provider = str(resp.get("dataSharingEnabledProvider") or "")
        advanced = bool((resp.get("claudeFeatureConfig") or {}).get("advancedAiEnabled"))
        if provider not in NOT_OPTED and provider != "ANTHROPIC":
            odd.append(f"{key}: dataSharingEnabledProvider {provider!r}")
        opted[key] = advanced or provider == "ANTHROPIC"
    obs = {"opted_in": opted}
    wrong = [k for k, v in opted.items() if v != want]
    if wrong:
        what = "has the data-retention opt-in on" if not want else "does not have the data-retention opt-in on"
        return make(CLAUDE, dep, None, Status.FAIL, want, obs, "; ".join(f"{k} {what}" for k in wrong), raws)
    failed = _errors(configs)
    if failed:
        return _unknown(CLAUDE, dep, want, failed[0], raws)
    if odd or not opted:
        msg = f"unknown value(s): {'; '.join(odd)}" if odd else "no Claude model config to inspect"
        return make(CLAUDE, dep, None, Status.UNKNOWN, want, obs, f"not verified: {msg}", raws)
    state = "on" if want else "off (advancedAiEnabled false, no data sharing with Anthropic)"
    return make(CLAUDE, dep, None, Status.PASS, want, obs, f"the Claude data-retention opt-in is {state} for {len(opted)} model config(s), as declared", raws)


def _policy_requires_cmek(resp: dict[str, Any]) -> bool:
    for rule in ((resp.get("spec") or {}).get("rules") or []):
        if rule.get("denyAll") is True:
            return True
        denied = [str(v).removeprefix("is:") for v in ((rule.get("values") or {}).get("deniedValues") or [])]
        if SERVICE in denied:
            return True
    return False


def judge_cmek(settings: Any, dep: Any, data: dict[str, Any]) -> Finding:
    policy, eps, caches = data["org_policy"], data["endpoints"], data["cached_contents"]
    raws = [policy, *eps.values(), *caches.values()]
    if ok(policy) and _policy_requires_cmek(policy.response or {}):
        return make(CMEK, dep, None, Status.PASS, True, {"org_policy": "gcp.restrictNonCmekServices denies non-CMEK " + SERVICE},
                    f"the organization policy gcp.restrictNonCmekServices requires CMEK for {SERVICE}", [policy])
    keyed, unkeyed = [], []
    for group, field in ((eps, "endpoints"), (caches, "cachedContents")):
        for loc, raw in sorted(group.items()):
            if not ok(raw):
                continue
            for res in (raw.response or {}).get(field) or []:
                name = f"{field[:-1]} {str(res.get('name', '?')).rsplit('/', 1)[-1]} ({loc})"
                (keyed if (res.get("encryptionSpec") or {}).get("kmsKeyName") else unkeyed).append(name)
    obs = {"org_policy_requires_cmek": False if ok(policy) else None, "with_cmek": keyed, "without_cmek": unkeyed}
    if unkeyed:
        return make(CMEK, dep, None, Status.FAIL, True, obs, f"stored without a customer-managed key: {', '.join(unkeyed)}", raws)
    failed = _errors(eps, caches)
    if failed:
        return _unknown(CMEK, dep, True, failed[0], raws)
    if not keyed:
        why = "the organization policy does not require CMEK" if ok(policy) else "the organization policy could not be read"
        return make(CMEK, dep, None, Status.UNKNOWN, True, obs, f"not verified: {why} and there is no stored endpoint or cached content to inspect", raws)
    return make(CMEK, dep, None, Status.PASS, True, obs,
                f"all {len(keyed)} stored endpoint(s)/cached content(s) use a customer-managed key (other resource kinds not inspected)", raws)


def judge_vpcsc(settings: Any, dep: Any, data: dict[str, Any]) -> Finding:
    want, per, proj = settings.vpc_sc_perimeter, data["perimeter"], data["project"]
    raws = [per, proj]
    for raw in (per, proj):
        if not ok(raw):
            f = _unknown(VPCSC, dep, want, raw, raws)
            if raw is per:  # reading a perimeter needs access at the organization's access policy
                return make(VPCSC, dep, None, Status.UNKNOWN, want, None, f.message + " (an organization-level permission)", raws)
            return f
    number = str((proj.response or {}).get("name") or "")
    status = (per.response or {}).get("status") or {}
    inside = number.startswith("projects/") and number in (status.get("resources") or [])
    restricted = SERVICE in (status.get("restrictedServices") or [])
    bridge = (per.response or {}).get("perimeterType") == "PERIMETER_TYPE_BRIDGE"
    obs = {"project": number, "in_perimeter": inside, "aiplatform_restricted": restricted, "bridge": bridge}
    problems = []
    if bridge:
        problems.append("the perimeter is a bridge, which restricts nothing")
    if not inside:
        problems.append(f"{number or settings.project_id} is not in the enforced perimeter's resources")
    if not restricted:
        problems.append(f"{SERVICE} is not a restricted service of the enforced perimeter")
    if problems:
        return make(VPCSC, dep, None, Status.FAIL, want, obs, "; ".join(problems), raws)
    return make(VPCSC, dep, None, Status.PASS, want, obs, f"{number} is inside {want.rsplit('/', 1)[-1]} with {SERVICE} restricted", raws)


def judge_armor(settings: Any, dep: Any, data: dict[str, Any]) -> Finding:
    raw = data["floor_setting"]
    if not ok(raw):
        return _unknown(ARMOR, dep, True, raw)
    resp = raw.response or {}
    jail = ((resp.get("filterConfig") or {}).get("piAndJailbreakFilterSettings") or {}).get("filterEnforcement")
    obs = {
        "enforced": bool(resp.get("enableFloorSettingEnforcement")),
        "ai_platform": "AI_PLATFORM" in (resp.get("integratedServices") or []),
        "inspect_and_block": bool((resp.get("aiPlatformFloorSetting") or {}).get("inspectAndBlock")),
        "jailbreak_filter": jail,
    }
    problems = []
    if not obs["enforced"]:
        problems.append("floor setting enforcement is off")
    if not obs["ai_platform"]:
        problems.append("Vertex AI (AI_PLATFORM) is not an integrated service")
    if not obs["inspect_and_block"]:
        problems.append("Vertex AI requests are inspected but not blocked")
    if jail != "ENABLED":
        problems.append(f"the prompt-injection and jailbreak filter is {jail or 'not set'}")
    if problems:
        return make(ARMOR, dep, None, Status.FAIL, True, obs, "; ".join(problems), [raw])
    return make(ARMOR, dep, None, Status.PASS, True, obs,
                "the project's Model Armor floor setting is enforced for Vertex AI, blocking, with the jailbreak filter on", [raw])
