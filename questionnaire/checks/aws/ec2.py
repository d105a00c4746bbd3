"""EC2: Bedrock reached through interface VPC endpoints, with private DNS, in the workload's VPCs (read in the
account that holds them: ``aws.accounts.network``, e.g. a shared network account)."""

from __future__ import annotations

from typing import Any

from questionnaire.checks.registry import Verdict, check, ok

ORDER = 90

ID = "ec2.vpc_endpoint.bedrock_runtime"


def services(dep: Any) -> list[str]:
    declared = list(dep.aws.private_endpoint_services)
    if declared:
        return declared
    return ["bedrock-runtime"] + (["bedrock-agent-runtime"] if dep.aws.agent_ids else [])


def service_name(region: str, service: str = "bedrock-runtime") -> str:
    return f"com.amazonaws.{region}.{service}"


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    names = [service_name(region, s) for s in services(dep)]
    return {"endpoints": ctx.pages("ec2", "describe_vpc_endpoints", region, Filters=[{"Name": "service-name", "Values": names}])}


def _why_not(e: dict[str, Any], vpcs: list[str]) -> str | None:
    if str(e.get("VpcEndpointType")).lower() != "interface":
        return f"{e.get('VpcEndpointId')} is a {e.get('VpcEndpointType')} endpoint"
    if str(e.get("State")).lower() != "available":
        return f"{e.get('VpcEndpointId')} is {e.get('State')}"
    if not e.get("PrivateDnsEnabled"):
        return f"{e.get('VpcEndpointId')} has private DNS off (the SDKs still resolve the public endpoint)"
    if vpcs and e.get("VpcId") not in vpcs:
        return f"{e.get('VpcEndpointId')} is in {e.get('VpcId')}, not in the declared VPC(s)"
    return None


@check(id=ID,
       title="Bedrock is reached through interface VPC endpoints",
       topic="network",
       scope="region",
       profile_field="deployments[].aws.private_endpoint, deployments[].aws.vpc_ids, deployments[].aws.private_endpoint_services",
       iam=["ec2:DescribeVpcEndpoints"],
       proves="An available interface VPC endpoint with private DNS exists in the region for every Bedrock endpoint the "
              "deployment uses (bedrock-runtime by default; bedrock, bedrock-agent, bedrock-agent-runtime when declared), "
              "in the declared VPCs when given.",
       collect=collect,
       applies=lambda d, p: d.aws.private_endpoint,
       reads="network")
def judge(v: Verdict, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["endpoints"]
    v = v.declare(True)
    if not ok(raw):
        return [v.unknown(raw)]
    vpcs = list(dep.aws.vpc_ids)
    eps = raw.items("VpcEndpoints") if isinstance(raw, list) else (raw.response or {}).get("VpcEndpoints") or []
    obs = [{"id": e.get("VpcEndpointId"), "service": e.get("ServiceName"), "type": e.get("VpcEndpointType"), "state": e.get("State"),
            "vpc": e.get("VpcId"), "private_dns": e.get("PrivateDnsEnabled")} for e in eps]
    problems, good = [], []
    for svc in services(dep):
        mine = [e for e in eps if e.get("ServiceName") == service_name(region, svc)]
        ok_eps = [e for e in mine if _why_not(e, vpcs) is None]
        if ok_eps:
            good.append(f"{svc} ({ok_eps[0].get('VpcEndpointId')} in {ok_eps[0].get('VpcId')})")
        else:
            why = "; ".join(w for w in (_why_not(e, vpcs) for e in mine) if w) or "none exists"
            problems.append(f"no usable interface endpoint for {service_name(region, svc)}: {why}")
    if problems:
        return [v.fail(obs, "; ".join(problems), [raw])]
    note = "" if vpcs else " (the workload's VPC is not declared: set aws.vpc_ids to verify it is this one)"
    return [v.passed(obs, f"available interface endpoints with private DNS: {', '.join(good)}{note}", [raw])]
