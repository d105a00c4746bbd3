"""IAM: the agent role's attached and inline policies are least-privilege (parsed, not simulated)."""

from __future__ import annotations

import fnmatch
import json
from typing import Any
from urllib.parse import unquote

from questionnaire.checks import Check, err_code, make, ok, register, unknown
from questionnaire.findings import Status

ID = "iam.agent_role.least_privilege"
BROAD_MANAGED = {"AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AmazonBedrockFullAccess"}
DANGEROUS_IAM = ("iam:PutRolePolicy", "iam:PutUserPolicy", "iam:AttachRolePolicy", "iam:AttachUserPolicy",
                 "iam:CreateRole", "iam:CreateUser", "iam:CreateAccessKey", "iam:CreatePolicyVersion")
# actions that hand the agent other identities' permissions when allowed on any resource
ESCALATE_ON_ANY = ("iam:PassRole", "sts:AssumeRole")
INVOKE = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:Converse", "bedrock:ConverseStream")


def role_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    name = role_name(dep.aws.agent_role)
    r = "us-east-1"

    def call(method: str, **p: Any) -> Any:
        return ctx.call("iam", method, r, record_region=None, **p)

    out: dict[str, Any] = {"attached": call("list_attached_role_policies", RoleName=name), "inline": call("list_role_policies", RoleName=name),
                           "managed": [], "inline_docs": []}
    if ok(out["attached"]):
        for p in (out["attached"].response or {}).get("AttachedPolicies") or []:
            pol = call("get_policy", PolicyArn=p["PolicyArn"])
            ver = None
            if ok(pol):
                ver = call("get_policy_version", PolicyArn=p["PolicyArn"], VersionId=pol.response["Policy"]["DefaultVersionId"])
            out["managed"].append({"name": p.get("PolicyName"), "arn": p["PolicyArn"], "policy": pol, "version": ver})
    if ok(out["inline"]):
        for pn in (out["inline"].response or {}).get("PolicyNames") or []:
            out["inline_docs"].append({"name": pn, "doc": call("get_role_policy", RoleName=name, PolicyName=pn)})
    return out


def _doc(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            return json.loads(unquote(value))
        except ValueError:
            return json.loads(value)
    return value or {}


def _list(v: Any) -> list:
    return v if isinstance(v, list) else ([] if v is None else [v])


def problems_in(doc: dict[str, Any], label: str) -> list[str]:
    """Least-privilege violations in one policy document."""
    out = []
    for st in _list(doc.get("Statement")):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        if "NotAction" in st:
            out.append(f"{label}: Allow with NotAction grants almost everything")
            continue
        actions = [str(a) for a in _list(st.get("Action"))]
        resources = [str(r) for r in _list(st.get("Resource"))]
        for a in actions:
            al = a.lower()
            if al in ("*", "*:*"):
                out.append(f"{label}: grants every action ('{a}')")
            elif al.startswith("iam:") and any(fnmatch.fnmatch(d.lower(), al) for d in DANGEROUS_IAM):
                out.append(f"{label}: grants IAM write action '{a}'")
            elif any(fnmatch.fnmatch(e.lower(), al) for e in ESCALATE_ON_ANY) and any(r == "*" or r.endswith(":*") or r.endswith("/*") for r in resources):
                out.append(f"{label}: '{a}' on any role ({resources[0]})")
            elif any(fnmatch.fnmatch(i.lower(), al) for i in INVOKE):
                broad = [r for r in resources if r == "*" or r.rsplit("/", 1)[-1] in ("*", "") or "/*" in r and r.endswith("*")]
                if broad:
                    out.append(f"{label}: '{a}' on any model ({broad[0]}) instead of specific model ARNs")
    return list(dict.fromkeys(out))


def judge(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    declared = {"role": dep.aws.agent_role, "least_privilege": True}
    att, inl = data["attached"], data["inline"]
    raws = [att, inl] + [x for m in data["managed"] for x in (m["policy"], m["version"]) if x is not None] + [d["doc"] for d in data["inline_docs"]]
    if err_code(att) == "NoSuchEntity" or err_code(inl) == "NoSuchEntity":
        return [make(ID, dep, None, Status.FAIL, declared, None, f"role {role_name(dep.aws.agent_role)} not found", raws)]
    problems: list[str] = []
    blockers: list[Any] = [r for r in (att, inl) if not ok(r)]
    for m in data["managed"]:
        if m["name"] in BROAD_MANAGED:
            problems.append(f"managed policy {m['name']} attached")
        v = m["version"]
        if not ok(v):
            blockers.append(v if v is not None else m["policy"])
            continue
        problems += problems_in(_doc((v.response.get("PolicyVersion") or {}).get("Document")), m["name"])
    for d in data["inline_docs"]:
        if not ok(d["doc"]):
            blockers.append(d["doc"])
            continue
        problems += problems_in(_doc(d["doc"].response.get("PolicyDocument")), f"inline {d['name']}")
    obs = {"attached": [m["name"] for m in data["managed"]], "inline": [d["name"] for d in data["inline_docs"]], "problems": problems}
    if problems:
        return [make(ID, dep, None, Status.FAIL, declared, obs, "; ".join(problems[:5]), raws)]
    if blockers:
        return [unknown(ID, dep, None, declared, blockers[0], extra=raws)]
    return [make(ID, dep, None, Status.PASS, declared, obs,
                 f"{len(obs['attached'])} attached and {len(obs['inline'])} inline polic(ies) grant no wildcard, IAM write or any-model invoke", raws)]


register(Check(id=ID, title="Agent role is least-privilege", topic="agents",
               profile_field="deployments[].aws.agent_role, controls.agents.least_privilege",
               iam_actions=("iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRolePolicy"),
               proves="The agent role's policies grant no '*' action, no IAM write, no admin policy, and invoke only specific models.",
               scope="global", collect=collect, judge=judge, applies=lambda d, p: bool(d.aws.agent_role)))
