"""Bedrock guardrails: the declared guardrail exists, with prompt-attack and PII filters that act.

The version judged is the one production calls use: the declared ``guardrail.version``, else the
highest published version (``GetGuardrail`` without a version returns the working DRAFT, which
calls naming a version never use). A filter that only detects (``inputAction: NONE``) or is
disabled both ways does not count. ``ListGuardrails`` is skipped when an id or ARN is declared.

Whether the guardrail is applied to real calls is read where the API can tell: CloudWatch's
``AWS/Bedrock/Guardrails`` ``Invocations`` metrics by ``GuardrailArn`` and ``GuardrailVersion`` (data points
in the last 14 days), judged by ``bedrock.guardrail.applied_to_calls``: calls that used only other versions
than the one judged fail (the filters judged are not the ones applied); no metric leaves it declared (UNKNOWN).
"""

from __future__ import annotations

import re
from typing import Any

from questionnaire.checks.registry import Verdict, check, err_code, ok

ORDER = 80

EXISTS = "bedrock.guardrail.exists"
PROMPT = "bedrock.guardrail.prompt_attack_filter"
PII = "bedrock.guardrail.pii_filter"
APPLIED = "bedrock.guardrail.applied_to_calls"
ACTIONS = ("bedrock:ListGuardrails", "bedrock:GetGuardrail")
# botocore's GuardrailIdentifier: an id ([a-z0-9]+) or a guardrail ARN
ID_OR_ARN = re.compile(r"^([a-z0-9]+|arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+)$")


def _by_name(ctx: Any, region: str, ident: str, out: dict[str, Any]) -> str | None:
    out["list"] = ctx.pages("bedrock", "list_guardrails", region, maxResults=1000)
    match = find(out["list"].items("guardrails"), ident) if ok(out["list"]) else None
    return match.get("id") if match else None


def _version(ctx: Any, region: str, gid: str, declared: str | None, out: dict[str, Any]) -> str | None:
    if declared:
        return declared
    out["versions"] = ctx.pages("bedrock", "list_guardrails", region, guardrailIdentifier=gid, maxResults=1000)
    if not ok(out["versions"]):
        return None
    nums = [str(v.get("version")) for v in out["versions"].items("guardrails") if str(v.get("version", "")).isdigit()]
    return max(nums, key=int) if nums else "DRAFT"


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    g = dep.aws.guardrail
    out: dict[str, Any] = {}
    gid = g.id if ID_OR_ARN.match(g.id) else _by_name(ctx, region, g.id, out)
    if gid is None:
        return out
    version = _version(ctx, region, gid, g.version, out)
    if version is None:
        return out
    out["guardrail"] = ctx.call("bedrock", "get_guardrail", region, guardrailIdentifier=gid, guardrailVersion=version)
    if err_code(out["guardrail"]) == "ResourceNotFoundException" and "list" not in out and not g.version:
        # a lower-case name looks like an id: look it up by name
        gid = _by_name(ctx, region, g.id, out)
        out.pop("versions", None)
        version = _version(ctx, region, gid, g.version, out) if gid else None
        out.pop("guardrail")
        if version is not None:
            out["guardrail"] = ctx.call("bedrock", "get_guardrail", region, guardrailIdentifier=gid, guardrailVersion=version)
    return out


def collect_applied(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    """The guardrail (the same cached calls as the other guardrail checks) and its metrics by version."""
    out = collect(ctx, dep, region, profile)
    gr = out.get("guardrail")
    arn = (gr.response or {}).get("guardrailArn") if gr is not None and ok(gr) else None
    if arn:
        out["applied"] = ctx.pages("cloudwatch", "list_metrics", region, Namespace="AWS/Bedrock/Guardrails",
                                   MetricName="Invocations", Dimensions=[{"Name": "GuardrailArn", "Value": arn}])
    return out


def applied_versions(data: dict[str, Any]) -> list[str] | None:
    """The guardrail versions calls used in the last 14 days (CloudWatch metrics); None when not read."""
    raw = data.get("applied")
    pages = raw if isinstance(raw, list) else [raw]
    if raw is None or not all(ok(r) for r in pages):
        return None
    metrics = [m for r in pages for m in (r.response or {}).get("Metrics") or []]
    return sorted({str(d.get("Value")) for m in metrics for d in m.get("Dimensions") or []
                   if d.get("Name") == "GuardrailVersion" and d.get("Value")})


def find(summaries: Any, ident: str) -> dict[str, Any] | None:
    if isinstance(summaries, dict):  # a ListGuardrails response
        summaries = summaries.get("guardrails") or []
    for s in summaries or []:
        if ident in (s.get("id"), s.get("name"), s.get("arn")):
            return s
    return None


def _evidence(data: dict[str, Any]) -> list[Any]:
    return [x for k in ("list", "versions", "guardrail", "applied") if k in data
            for x in (data[k] if isinstance(data[k], list) else [data[k]])]


def _has(dep: Any, profile: Any) -> bool:
    return dep.aws.guardrail is not None


def _common(v: Verdict, dep: Any, region: str | None, data: dict[str, Any]):
    ev = _evidence(data)
    for key in ("list", "versions"):
        if key in data and not ok(data[key]):
            return None, [v.unknown(data[key], extra=ev)]
    gr = data.get("guardrail")
    if gr is None or err_code(gr) == "ResourceNotFoundException":
        what = f"version {dep.aws.guardrail.version} of " if dep.aws.guardrail.version else ""
        return None, [v.fail(None, f"{what}guardrail '{dep.aws.guardrail.id}' not found in {region}", ev)]
    if not ok(gr):
        return None, [v.unknown(gr, extra=ev)]
    return gr, None


@check(id=EXISTS,
       title="Declared guardrail exists",
       topic="guardrails",
       scope="region",
       profile_field="deployments[].aws.guardrail.id, deployments[].aws.guardrail.version",
       iam=ACTIONS,
       proves="The declared Bedrock guardrail (the version calls use) exists and is ready in the region.",
       collect=collect,
       applies=_has)
def judge_exists(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    v = v.declare(dep.aws.guardrail.id)
    gr, out = _common(v, dep, region, data)
    if out:
        return out
    r = gr.response or {}
    obs = {"id": r.get("guardrailId"), "name": r.get("name"), "version": r.get("version"), "status": r.get("status")}
    ev = _evidence(data)
    if r.get("status") not in (None, "READY"):
        return [v.fail(obs, f"guardrail exists but its status is {r.get('status')}", ev)]
    which = "only the working DRAFT exists (no published version)" if r.get("version") == "DRAFT" and not dep.aws.guardrail.version \
        else f"version {r.get('version')} judged"
    return [v.passed(obs, f"guardrail {r.get('name')} ({r.get('guardrailId')}) is ready; {which}", ev)]


@check(id=APPLIED,
       title="Declared guardrail is applied to calls",
       topic="guardrails",
       scope="region",
       profile_field="deployments[].aws.guardrail.id, deployments[].aws.guardrail.version",
       iam=[*ACTIONS, "cloudwatch:ListMetrics"],
       proves="Calls of the last 14 days applied the declared guardrail in the version whose filters are judged "
              "(CloudWatch AWS/Bedrock/Guardrails Invocations by GuardrailArn and GuardrailVersion); without such "
              "metrics it stays declared (UNKNOWN).",
       collect=collect_applied,
       applies=_has)
def judge_applied(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    v = v.declare(dep.aws.guardrail.version or "applied")
    gr, out = _common(v, dep, region, data)
    if out:
        return out
    version = str((gr.response or {}).get("version"))
    ev = _evidence(data)
    raw = data.get("applied")
    if raw is not None and applied_versions(data) is None:
        return [v.unknown(raw, extra=ev)]
    used = applied_versions(data) or []
    obs = {"judged_version": version, "applied_versions": used}
    if not used:
        return [v.undetermined(obs, "not verified (declared): no CloudWatch metric shows the guardrail applied to calls in the "
                                    "last 14 days (AWS/Bedrock/Guardrails)", ev)]
    if version not in used:
        return [v.fail(obs, f"calls of the last 14 days applied guardrail version(s) {', '.join(used)}, not the version "
                            f"{version} whose filters are judged (CloudWatch AWS/Bedrock/Guardrails)", ev)]
    return [v.passed(obs, f"calls of the last 14 days applied version {version} (CloudWatch AWS/Bedrock/Guardrails: "
                          f"{', '.join(used)})", ev)]


def _acts(entry: dict[str, Any], side: str) -> bool:
    """A filter acts on inputs/outputs unless disabled there or set to detect only (action NONE)."""
    if entry.get(f"{side}Enabled") is False:
        return False
    action = entry.get(f"{side}Action") or entry.get("action") or "BLOCK"
    return action != "NONE"


@check(id=PROMPT,
       title="Guardrail blocks prompt attacks",
       topic="guardrails",
       scope="region",
       profile_field="deployments[].aws.guardrail.prompt_attack_filter",
       iam=ACTIONS,
       proves="The guardrail version in use has a PROMPT_ATTACK content filter that blocks (not only detects) on inputs.",
       collect=collect,
       applies=lambda d, p: d.aws.guardrail is not None and d.aws.guardrail.prompt_attack_filter)
def judge_prompt(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    v = v.declare(True)
    gr, out = _common(v, dep, region, data)
    if out:
        return out
    filters = ((gr.response or {}).get("contentPolicy") or {}).get("filters") or []
    pa = [f for f in filters if f.get("type") == "PROMPT_ATTACK"]
    f = pa[0] if pa else {}
    obs = {"version": (gr.response or {}).get("version"), "prompt_attack_input_strength": f.get("inputStrength"),
           "input_action": f.get("inputAction"), "input_enabled": f.get("inputEnabled")}
    ev = _evidence(data)
    if pa and f.get("inputStrength") not in (None, "NONE") and _acts(f, "input"):
        return [v.passed(obs, f"PROMPT_ATTACK filter blocks on inputs ({f.get('inputStrength')})", ev)]
    why = "detects only (inputAction NONE)" if pa and f.get("inputAction") == "NONE" else \
        "is disabled on inputs" if pa and f.get("inputEnabled") is False else "is missing or has strength NONE"
    return [v.fail(obs, f"the PROMPT_ATTACK content filter {why}", ev)]


@check(id=PII,
       title="Guardrail filters PII",
       topic="guardrails",
       scope="region",
       profile_field="deployments[].aws.guardrail.pii_filter",
       iam=ACTIONS,
       proves="The guardrail version in use masks or blocks personal data (PII entity types or regexes enabled on inputs or outputs).",
       collect=collect,
       applies=lambda d, p: d.aws.guardrail is not None and d.aws.guardrail.pii_filter)
def judge_pii(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    v = v.declare(True)
    gr, out = _common(v, dep, region, data)
    if out:
        return out
    sip = (gr.response or {}).get("sensitiveInformationPolicy") or {}
    active = [e for e in sip.get("piiEntities") or [] if _acts(e, "input") or _acts(e, "output")]
    ents = sorted({e.get("type") for e in active})
    regexes = [r.get("name") for r in sip.get("regexes") or [] if _acts(r, "input") or _acts(r, "output")]
    inert = sorted({e.get("type") for e in sip.get("piiEntities") or []} - set(ents))
    obs = {"version": (gr.response or {}).get("version"), "pii_entities": ents, "regexes": regexes, "detect_only_or_disabled": inert}
    ev = _evidence(data)
    if ents or regexes:
        return [v.passed(obs, f"PII filter masks or blocks {len(ents)} entity type(s) and {len(regexes)} regex(es)", ev)]
    tail = f" ({', '.join(inert)} only detect or are disabled)" if inert else ""
    return [v.fail(obs, f"guardrail masks or blocks no PII entity or regex{tail}", ev)]
