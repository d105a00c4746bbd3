"""Region restriction of Bedrock by service control policies (evidence for the residency check; no check of its own).

Read only where Organizations lets the caller (the management account or a delegated administrator):
``DescribeOrganization`` (SCPs never apply to the management account), ``ListParents`` up to the root and
``ListPoliciesForTarget`` (SERVICE_CONTROL_POLICY) of the account and each parent, ``DescribePolicy`` of
each policy but the AWS managed FullAWSAccess. A statement restricts Bedrock's regions when it denies, on
every resource and with no other condition, an action set that covers ``bedrock:InvokeModel`` unless
``aws:RequestedRegion`` is one of a list (StringNotEquals / StringNotEqualsIgnoreCase). Anything else
(an exempted principal, other conditions, a policy that cannot be read) restricts nothing here.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from questionnaire.checks.registry import err_code, ok

ORDER = 31

REGION = "us-east-1"  # Organizations is served from us-east-1
PROBE_ACTION = "bedrock:InvokeModel"
MAX_DEPTH = 6  # OUs nest at most five deep under the root
_REGION_OPS = ("StringNotEquals", "StringNotEqualsIgnoreCase")


def _call(ctx: Any, method: str, **params: Any) -> Any:
    return ctx.call("organizations", method, REGION, record_region=None, **params)


def collect_scp(ctx: Any, dep: Any) -> dict[str, Any]:
    """The SCPs that apply to the deployment's account (calls are cached: once per run, whatever the region)."""
    account = dep.aws.account_id
    org = _call(ctx, "describe_organization")
    management = ok(org) and ((org.response or {}).get("Organization") or {}).get("MasterAccountId") == account
    out: dict[str, Any] = {"organization": org, "management": management, "parents": [], "attached": [], "policies": []}
    if not ok(org) or management:
        return out
    targets, child = [account], account
    for _ in range(MAX_DEPTH):
        raw = _call(ctx, "list_parents", ChildId=child)
        out["parents"].append(raw)
        parents = ((raw.response or {}).get("Parents") or []) if ok(raw) else []
        if not parents:
            break
        child = parents[0]["Id"]
        targets.append(child)
        if parents[0].get("Type") == "ROOT":
            break
    ids: list[str] = []
    for t in targets:
        pages = ctx.pages("organizations", "list_policies_for_target", REGION, record_region=None, TargetId=t,
                          Filter="SERVICE_CONTROL_POLICY")
        out["attached"].extend(pages)
        ids += [p["Id"] for p in pages.items("Policies") if not p.get("AwsManaged") and p["Id"] not in ids]
    out["policies"] = [_call(ctx, "describe_policy", PolicyId=i) for i in ids]
    return out


def _covers(patterns: Any, action: str) -> bool:
    pats = [patterns] if isinstance(patterns, str) else list(patterns or [])
    return any(fnmatch.fnmatchcase(action.lower(), str(p).lower()) for p in pats)


def _region_list(statement: dict[str, Any]) -> list[str] | None:
    """The regions a Deny statement leaves Bedrock in, when it is a plain region restriction."""
    if statement.get("Effect") != "Deny" or statement.get("Resource", "*") not in ("*", ["*"]) or "NotResource" in statement:
        return None
    if "NotAction" in statement:
        if _covers(statement["NotAction"], PROBE_ACTION):
            return None
    elif not _covers(statement.get("Action"), PROBE_ACTION):
        return None
    cond = statement.get("Condition") or {}
    if len(cond) != 1 or next(iter(cond)) not in _REGION_OPS:
        return None
    keys = {k.lower(): v for k, v in cond[next(iter(cond))].items()}
    if set(keys) != {"aws:requestedregion"}:
        return None
    regions = keys["aws:requestedregion"]
    return [regions] if isinstance(regions, str) else [str(r) for r in regions]


def scp_restriction(data: dict[str, Any] | None) -> dict[str, Any]:
    """{"allowed": regions Bedrock is restricted to (None: no restriction seen), "policies": names, "note": why}."""
    if not data:
        return {"allowed": None, "policies": [], "note": "not read"}
    org = data["organization"]
    if not ok(org):
        code = err_code(org)
        note = "the account is in no organization" if code == "AWSOrganizationsNotInUseException" else f"not readable ({code})"
        return {"allowed": None, "policies": [], "note": note}
    if data.get("management"):
        return {"allowed": None, "policies": [], "note": "SCPs do not apply to the organization's management account"}
    bad = next((r for r in [*data["parents"], *data["attached"], *data["policies"]] if not ok(r)), None)
    if bad is not None:
        return {"allowed": None, "policies": [], "note": f"not readable ({err_code(bad)})"}
    allowed: set[str] | None = None
    names: list[str] = []
    for raw in data["policies"]:
        policy = (raw.response or {}).get("Policy") or {}
        try:
            doc = json.loads(policy.get("Content") or "{}")
        except ValueError:
            continue
        stmts = doc.get("Statement") or []
        for st in [stmts] if isinstance(stmts, dict) else stmts:
            regions = _region_list(st) if isinstance(st, dict) else None
            if regions is not None:
                allowed = set(regions) if allowed is None else allowed & set(regions)
                names.append(((policy.get("PolicySummary") or {}).get("Name")) or "?")
    note = "no SCP restricts Bedrock's regions" if allowed is None else "Bedrock denied outside these regions by SCP"
    return {"allowed": sorted(allowed) if allowed is not None else None, "policies": sorted(set(names)), "note": note}


def scp_raws(data: dict[str, Any] | None) -> list[Any]:
    if not data:
        return []
    return [data["organization"], *data["parents"], *data["attached"], *data["policies"]]
