"""IAM: the agent role is least-privilege (policy documents parsed, not simulated) and trusted narrowly.

Every attached policy (customer or AWS managed) is judged by its default version's document, never by
its name; every page of the attached and inline listings is read (a page that fails is UNKNOWN).
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any
from urllib.parse import unquote

from questionnaire.checks.registry import Verdict, check, err_code, ok

ORDER = 100

ID = "iam.agent_role.least_privilege"
BROAD_MANAGED = {"AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AmazonBedrockFullAccess"}
DANGEROUS_IAM = ("iam:PutRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy", "iam:AttachRolePolicy", "iam:AttachUserPolicy",
                 "iam:AttachGroupPolicy", "iam:CreateRole", "iam:CreateUser", "iam:CreateAccessKey", "iam:CreatePolicyVersion",
                 "iam:SetDefaultPolicyVersion", "iam:UpdateAssumeRolePolicy", "iam:CreateLoginProfile", "iam:UpdateLoginProfile",
                 "iam:AddUserToGroup", "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary")
# actions that hand the agent other identities' permissions, secrets, data or code when allowed on any resource
SENSITIVE_ON_ANY = ("iam:PassRole", "sts:AssumeRole", "secretsmanager:GetSecretValue", "kms:Decrypt", "kms:GenerateDataKey",
                    "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:CreateFunction",
                    "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath", "ssm:SendCommand",
                    "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "dynamodb:Scan", "ec2:RunInstances")
INVOKE = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:Converse", "bedrock:ConverseStream")


def role_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def _policy(call: Any, arn: str) -> dict[str, Any]:
    pol = call("get_policy", PolicyArn=arn)
    ver = None
    if ok(pol):
        ver = call("get_policy_version", PolicyArn=arn, VersionId=pol.response["Policy"]["DefaultVersionId"])
    return {"arn": arn, "policy": pol, "version": ver}


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    name = role_name(dep.aws.agent_role)
    r = "us-east-1"

    def call(method: str, **p: Any) -> Any:
        return ctx.call("iam", method, r, record_region=None, **p)

    out: dict[str, Any] = {"role": call("get_role", RoleName=name),
                           "attached": ctx.pages("iam", "list_attached_role_policies", r, record_region=None, RoleName=name),
                           "inline": ctx.pages("iam", "list_role_policies", r, record_region=None, RoleName=name),
                           "managed": [], "inline_docs": [], "boundary": None}
    for p in out["attached"].items("AttachedPolicies"):
        out["managed"].append({"name": p.get("PolicyName"), **_policy(call, p["PolicyArn"])})
    for pn in out["inline"].items("PolicyNames"):
        out["inline_docs"].append({"name": pn, "doc": call("get_role_policy", RoleName=name, PolicyName=pn)})
    boundary = ((out["role"].response or {}).get("Role") or {}).get("PermissionsBoundary") if ok(out["role"]) else None
    if boundary and boundary.get("PermissionsBoundaryArn"):
        out["boundary"] = _policy(call, boundary["PermissionsBoundaryArn"])
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


def _any_resource(r: str) -> bool:
    return r == "*" or r.endswith(":*") or r.rsplit(":", 1)[-1] in ("*", "*/*") or r.endswith("/*") and r.count("*") > 1


def _matches(pattern: str, actions: tuple[str, ...]) -> list[str]:
    p = pattern.lower()
    return [a for a in actions if fnmatch.fnmatch(a.lower(), p)]


def _action_problems(a: str, resources: list[str], label: str) -> list[str]:
    al = a.lower()
    broad = [r for r in resources if _any_resource(r)]
    if al in ("*", "*:*"):
        return [f"{label}: grants every action ('{a}')"]
    if al.startswith("iam:") and _matches(a, DANGEROUS_IAM):
        return [f"{label}: grants IAM write action '{a}'"]
    if _matches(a, INVOKE) and [r for r in resources if r == "*" or r.rsplit("/", 1)[-1] in ("*", "")]:
        return [f"{label}: '{a}' on any model ({resources[0]}) instead of specific model ARNs"]
    if not broad:
        return []
    if al.endswith(":*") or al.split(":", 1)[-1] == "*":
        return [f"{label}: every {a.split(':', 1)[0]} action on any resource ({broad[0]})"]
    hit = _matches(a, SENSITIVE_ON_ANY)
    if hit:
        return [f"{label}: '{a}' on any resource ({broad[0]})"]
    return []


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
        if "NotResource" in st:
            out.append(f"{label}: Allow with NotResource grants {', '.join(actions[:2]) or 'its actions'} on every other resource")
            resources = ["*"]
        else:
            resources = [str(r) for r in _list(st.get("Resource"))]
        for a in actions:
            out += _action_problems(a, resources, label)
    return list(dict.fromkeys(out))


def trust_problems(doc: dict[str, Any], account_id: str) -> list[str]:
    """Who may assume the role: anyone ('*') or another account without an sts:ExternalId condition."""
    out = []
    for st in _list(doc.get("Statement")):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal")
        aws = ["*"] if principal == "*" else [str(p) for p in _list((principal or {}).get("AWS"))] if isinstance(principal, dict) else []
        cond = json.dumps(st.get("Condition") or {})
        for p in aws:
            if p == "*" and "aws:PrincipalOrgID" not in cond and "aws:SourceAccount" not in cond:
                out.append("trust policy lets any AWS principal ('*') assume the role")
            elif p != "*" and account_id not in p and "sts:ExternalId" not in cond:
                out.append(f"trust policy lets another account ({p}) assume the role without an sts:ExternalId")
        if "NotPrincipal" in st:
            out.append("trust policy allows NotPrincipal (everyone else)")
    return list(dict.fromkeys(out))


def _problems(dep: Any, data: dict[str, Any]) -> tuple[list[str], list[Any]]:
    problems: list[str] = []
    blockers: list[Any] = [r for r in (data["attached"], data["inline"], data.get("role")) if r is not None and not ok(r)]
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
    role = data.get("role")
    if ok(role):
        trust = ((role.response or {}).get("Role") or {}).get("AssumeRolePolicyDocument")
        problems += trust_problems(_doc(trust), dep.aws.account_id)
    return problems, blockers


@check(id=ID,
       title="Agent role is least-privilege",
       topic="agents",
       scope="global",
       profile_field="deployments[].aws.agent_role, controls.agents.least_privilege",
       iam=["iam:GetRole", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:GetPolicy",
            "iam:GetPolicyVersion", "iam:GetRolePolicy"],
       proves="The agent role's policies (every page, managed ones by their document) grant no '*' action, no "
              "service-wide or sensitive action on any resource, no IAM write, no NotAction/NotResource, invoke only "
              "specific models; its trust policy admits no principal outside the account.",
       collect=collect,
       applies=lambda d, p: bool(d.aws.agent_role))
def judge(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    v = v.at(None).declare({"role": dep.aws.agent_role, "least_privilege": True})
    att, inl, role = data["attached"], data["inline"], data.get("role")
    b = data.get("boundary") or {}
    raws = [role, *att, *inl] + [x for m in data["managed"] for x in (m["policy"], m["version"])] + [d["doc"] for d in data["inline_docs"]]
    raws = [r for r in raws + [b.get("policy"), b.get("version")] if r is not None]
    if "NoSuchEntity" in (err_code(role), err_code(att.failed) if att.failed else None, err_code(inl.failed) if inl.failed else None):
        return [v.fail(None, f"role {role_name(dep.aws.agent_role)} not found", raws)]
    problems, blockers = _problems(dep, data)
    obs = {"attached": [m["name"] for m in data["managed"]], "inline": [d["name"] for d in data["inline_docs"]], "problems": problems,
           "permissions_boundary": b.get("arn"), "pages_read": {"attached": len(att), "inline": len(inl)}}
    if problems:
        return [v.fail(obs, "; ".join(problems[:5]), raws)]
    if blockers:
        return [v.unknown(blockers[0], extra=raws)]
    return [v.passed(obs, f"{len(obs['attached'])} attached and {len(obs['inline'])} inline polic(ies) grant no wildcard, IAM write, "
                          "sensitive action on any resource or any-model invoke; the trust policy admits no outside principal", raws)]
