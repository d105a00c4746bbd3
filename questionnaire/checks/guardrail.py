"""Bedrock guardrails: the declared guardrail exists, with prompt-attack and PII filters."""

from __future__ import annotations

from typing import Any

from questionnaire.checks import Check, make, ok, register, unknown
from questionnaire.findings import Status

EXISTS = "bedrock.guardrail.exists"
PROMPT = "bedrock.guardrail.prompt_attack_filter"
PII = "bedrock.guardrail.pii_filter"


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    g = dep.aws.guardrail
    listing = ctx.call("bedrock", "list_guardrails", region, maxResults=1000)
    out: dict[str, Any] = {"list": listing}
    if ok(listing):
        match = find(listing.response, g.id)
        if match is not None:
            params: dict[str, Any] = {"guardrailIdentifier": match.get("id") or g.id}
            if g.version:
                params["guardrailVersion"] = g.version
            out["guardrail"] = ctx.call("bedrock", "get_guardrail", region, **params)
    return out


def find(list_response: Any, ident: str) -> dict[str, Any] | None:
    for s in (list_response or {}).get("guardrails") or []:
        if ident in (s.get("id"), s.get("name"), s.get("arn")):
            return s
    return None


def _common(check_id: str, dep: Any, region: str | None, data: dict[str, Any], declared: Any):
    listing = data["list"]
    if not ok(listing):
        return None, [unknown(check_id, dep, region, declared, listing)]
    gr = data.get("guardrail")
    if gr is None:
        return None, [make(check_id, dep, region, Status.FAIL, declared, None,
                           f"guardrail '{dep.aws.guardrail.id}' not found in {region}", [listing])]
    if not ok(gr):
        return None, [unknown(check_id, dep, region, declared, gr, extra=[listing])]
    return gr, None


def judge_exists(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    declared = dep.aws.guardrail.id
    gr, out = _common(EXISTS, dep, region, data, declared)
    if out:
        return out
    r = gr.response or {}
    obs = {"id": r.get("guardrailId"), "name": r.get("name"), "version": r.get("version"), "status": r.get("status")}
    if r.get("status") not in (None, "READY"):
        return [make(EXISTS, dep, region, Status.FAIL, declared, obs, f"guardrail exists but its status is {r.get('status')}", [data["list"], gr])]
    return [make(EXISTS, dep, region, Status.PASS, declared, obs, f"guardrail {r.get('name')} ({r.get('guardrailId')}) exists", [data["list"], gr])]


def judge_prompt(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    gr, out = _common(PROMPT, dep, region, data, True)
    if out:
        return out
    filters = ((gr.response or {}).get("contentPolicy") or {}).get("filters") or []
    pa = [f for f in filters if f.get("type") == "PROMPT_ATTACK"]
    strength = pa[0].get("inputStrength") if pa else None
    ev = [data["list"], gr]
    if pa and strength not in (None, "NONE") and pa[0].get("inputEnabled", True) is not False:
        return [make(PROMPT, dep, region, Status.PASS, True, {"prompt_attack_input_strength": strength}, f"PROMPT_ATTACK filter on inputs ({strength})", ev)]
    return [make(PROMPT, dep, region, Status.FAIL, True, {"prompt_attack_input_strength": strength}, "no active PROMPT_ATTACK content filter on inputs", ev)]


def judge_pii(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    gr, out = _common(PII, dep, region, data, True)
    if out:
        return out
    sip = (gr.response or {}).get("sensitiveInformationPolicy") or {}
    ents = sorted({e.get("type") for e in sip.get("piiEntities") or [] if e.get("action") != "NONE"})
    regexes = [r.get("name") for r in sip.get("regexes") or []]
    obs = {"pii_entities": ents, "regexes": regexes}
    ev = [data["list"], gr]
    if ents or regexes:
        return [make(PII, dep, region, Status.PASS, True, obs, f"PII filter with {len(ents)} entity type(s) and {len(regexes)} regex(es)", ev)]
    return [make(PII, dep, region, Status.FAIL, True, obs, "guardrail has no PII entities or regexes configured", ev)]


def _has(dep: Any, profile: Any) -> bool:
    return dep.aws.guardrail is not None


ACTIONS = ("bedrock:ListGuardrails", "bedrock:GetGuardrail")
register(Check(id=EXISTS, title="Declared guardrail exists", topic="guardrails", profile_field="deployments[].aws.guardrail.id",
               iam_actions=ACTIONS, proves="The declared Bedrock guardrail exists and is ready in the region.",
               scope="region", collect=collect, judge=judge_exists, applies=_has))
register(Check(id=PROMPT, title="Guardrail filters prompt attacks", topic="guardrails",
               profile_field="deployments[].aws.guardrail.prompt_attack_filter", iam_actions=ACTIONS,
               proves="The guardrail has an active PROMPT_ATTACK content filter on inputs.",
               scope="region", collect=collect, judge=judge_prompt,
               applies=lambda d, p: d.aws.guardrail is not None and d.aws.guardrail.prompt_attack_filter))
register(Check(id=PII, title="Guardrail filters PII", topic="guardrails",
               profile_field="deployments[].aws.guardrail.pii_filter", iam_actions=ACTIONS,
               proves="The guardrail masks or blocks personal data (PII entity types or regexes).",
               scope="region", collect=collect, judge=judge_pii,
               applies=lambda d, p: d.aws.guardrail is not None and d.aws.guardrail.pii_filter))
