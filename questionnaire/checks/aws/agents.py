"""Bedrock Agents (deployments[].aws.agent_ids): the agent runs as the declared role with the declared
guardrail, and its action groups ask a human before the actions the profile says need approval.

``requireConfirmation`` is read from the agent's DRAFT action groups (``functionSchema``); actions
returned to the application (``customControl: RETURN_CONTROL``) or described by an OpenAPI schema
cannot show a confirmation step here, so they are UNKNOWN, never PASS.
"""

from __future__ import annotations

import re
from typing import Any

import questionnaire.checks.aws.guardrail as guardrail
from questionnaire.checks.registry import Verdict, check, err_code, ok

ORDER = 110

ROLE = "bedrock.agent.uses_declared_role_and_guardrail"
APPROVAL = "bedrock.agent.human_approval"
# words that mark a function as belonging to a declared approval category
CATEGORY_WORDS = {
    "payments": ("pay", "payment", "charge", "refund", "transfer", "purchase", "payout"),
    "external_communications": ("email", "mail", "send", "notify", "message", "sms", "post", "publish", "slack"),
    "data_deletion": ("delete", "remove", "purge", "erase", "drop", "destroy"),
    "permission_changes": ("permission", "grant", "revoke", "role", "policy", "access", "privilege"),
}


def collect_agents(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"agents": {a: ctx.call("bedrock-agent", "get_agent", region, agentId=a) for a in dep.aws.agent_ids}}
    if dep.aws.guardrail is not None:  # the same (cached) calls as the guardrail checks: the declared name resolved to its id
        out["guardrail"] = guardrail.collect(ctx, dep, region, profile)
    return out


def _guardrail_ids(dep: Any, data: dict[str, Any]) -> set[str]:
    ids = {dep.aws.guardrail.id}
    gr = (data.get("guardrail") or {}).get("guardrail")
    if ok(gr):
        ids |= {(gr.response or {}).get("guardrailId"), (gr.response or {}).get("guardrailArn")}
    return {i for i in ids if i}


def _guardrail_matches(cfg: dict[str, Any] | None, ids: set[str]) -> bool:
    ident = (cfg or {}).get("guardrailIdentifier") or ""
    return bool(ident) and (ident in ids or ident.rsplit("/", 1)[-1] in ids)


@check(id=ROLE,
       title="Bedrock agents run as the declared role with the declared guardrail",
       topic="agents",
       scope="region",
       profile_field="deployments[].aws.agent_ids, deployments[].aws.agent_role, deployments[].aws.guardrail",
       iam=["bedrock:GetAgent", "bedrock:ListGuardrails", "bedrock:GetGuardrail"],
       proves="Each declared Bedrock agent's agentResourceRoleArn is the declared agent role (the one the least-privilege "
              "check reads) and its guardrailConfiguration names the declared guardrail.",
       collect=collect_agents,
       applies=lambda d, p: bool(d.aws.agent_ids))
def judge_role(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    out = []
    v = v.declare({"role": dep.aws.agent_role, "guardrail": dep.aws.guardrail.id if dep.aws.guardrail else None})
    ids = _guardrail_ids(dep, data) if dep.aws.guardrail else set()
    for agent_id, raw in data["agents"].items():
        if err_code(raw) == "ResourceNotFoundException":
            out.append(v.about(agent_id).fail(None, f"agent {agent_id} not found in {region}", [raw]))
            continue
        if not ok(raw):
            out.append(v.about(agent_id).unknown(raw))
            continue
        a = (raw.response or {}).get("agent") or {}
        obs = {"role": a.get("agentResourceRoleArn"), "guardrail": a.get("guardrailConfiguration"), "status": a.get("agentStatus")}
        problems = []
        if dep.aws.agent_role and a.get("agentResourceRoleArn") != dep.aws.agent_role:
            problems.append(f"runs as {a.get('agentResourceRoleArn')}, not the declared {dep.aws.agent_role}")
        if dep.aws.guardrail and not _guardrail_matches(a.get("guardrailConfiguration"), ids):
            problems.append(f"has no guardrail '{dep.aws.guardrail.id}' attached")
        if problems:
            out.append(v.about(agent_id).fail(obs, f"agent {a.get('agentName') or agent_id} " + "; ".join(problems), [raw]))
        else:
            out.append(v.about(agent_id).passed(obs, f"agent {a.get('agentName') or agent_id} runs as the declared role with the "
                                                     "declared guardrail", [raw]))
    return out


def collect_approval(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for a in dep.aws.agent_ids:
        listing = ctx.pages("bedrock-agent", "list_agent_action_groups", region, agentId=a, agentVersion="DRAFT")
        groups = [ctx.call("bedrock-agent", "get_agent_action_group", region, agentId=a, agentVersion="DRAFT",
                           actionGroupId=g["actionGroupId"]) for g in listing.items("actionGroupSummaries")]
        out[a] = {"list": listing, "groups": groups}
    return out


def _category(text: str, categories: list[str]) -> str | None:
    words = set(re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower()))
    for c in categories:
        keys = CATEGORY_WORDS.get(c, tuple(re.findall(r"[a-z]+", c.lower())))
        if any(k in words or any(w.startswith(k) for w in words) for k in keys):
            return c
    return None


def _review(group: dict[str, Any], categories: list[str]) -> tuple[list[str], list[str], list[str]]:
    """(unconfirmed sensitive functions, confirmed ones, ones that cannot be judged)."""
    bad, good, blind = [], [], []
    name = group.get("actionGroupName") or group.get("actionGroupId")
    if group.get("actionGroupState") == "DISABLED" or group.get("parentActionSignature"):
        return bad, good, blind
    if (group.get("actionGroupExecutor") or {}).get("customControl") == "RETURN_CONTROL":
        return bad, good, [f"{name} (returned to the application)"]
    if group.get("apiSchema"):
        return bad, good, [f"{name} (OpenAPI schema)"]
    for fn in (group.get("functionSchema") or {}).get("functions") or []:
        cat = _category(f"{fn.get('name', '')} {fn.get('description', '')}", categories)
        if cat is None:
            continue
        label = f"{name}.{fn.get('name')} ({cat})"
        (good if fn.get("requireConfirmation") == "ENABLED" else bad).append(label)
    return bad, good, blind


@check(id=APPROVAL,
       title="Agent actions that need approval ask for confirmation",
       topic="agents",
       scope="region",
       profile_field="controls.agents.human_approval_required_for, deployments[].aws.agent_ids",
       iam=["bedrock:ListAgentActionGroups", "bedrock:GetAgentActionGroup"],
       proves="Every function of the agents' action groups that matches a category of human_approval_required_for "
              "(payments, external communications, deletion, permission changes) has requireConfirmation ENABLED.",
       collect=collect_approval,
       applies=lambda d, p: bool(d.aws.agent_ids) and p.controls.agents is not None
               and bool(p.controls.agents.human_approval_required_for))
def judge_approval(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    categories = list(profile.controls.agents.human_approval_required_for)
    v = v.declare(categories)
    out = []
    for agent_id, d in data.items():
        raws = [*d["list"], *d["groups"]]
        failed = [r for r in [d["list"], *d["groups"]] if not ok(r)]
        bad, good, blind = [], [], []
        for g in d["groups"]:
            if ok(g):
                b, gd, bl = _review((g.response or {}).get("agentActionGroup") or {}, categories)
                bad, good, blind = bad + b, good + gd, blind + bl
        obs = {"unconfirmed": bad, "confirmed": good, "not_judged": blind, "agent_version": "DRAFT"}
        if bad:
            out.append(v.about(agent_id).fail(obs, f"agent {agent_id}: actions run without human confirmation: {', '.join(bad[:4])}", raws))
        elif failed:
            out.append(v.about(agent_id).unknown(failed[0], extra=raws))
        elif blind:
            out.append(v.about(agent_id).undetermined(obs, f"not verified: agent {agent_id} has action groups whose confirmation step "
                                                           f"is not visible: {', '.join(blind[:3])}", raws))
        else:
            out.append(v.about(agent_id).passed(obs, f"agent {agent_id}: every function matching {', '.join(categories)} requires "
                                                     f"confirmation ({len(good)} function(s); DRAFT version)", raws))
    return out
