"""EC2: Bedrock runtime reached through an interface VPC endpoint."""

from __future__ import annotations

from typing import Any

from questionnaire.checks import Check, make, ok, register, unknown
from questionnaire.findings import Status

ID = "ec2.vpc_endpoint.bedrock_runtime"


def service_name(region: str) -> str:
    return f"com.amazonaws.{region}.bedrock-runtime"


def collect(ctx: Any, dep: Any, region: str, profile: Any) -> dict[str, Any]:
    return {"endpoints": ctx.call("ec2", "describe_vpc_endpoints", region,
                                  Filters=[{"Name": "service-name", "Values": [service_name(region)]}])}


def judge(profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    raw = data["endpoints"]
    if not ok(raw):
        return [unknown(ID, dep, region, True, raw)]
    eps = [e for e in (raw.response or {}).get("VpcEndpoints") or [] if e.get("ServiceName") == service_name(region)]
    obs = [{"id": e.get("VpcEndpointId"), "type": e.get("VpcEndpointType"), "state": e.get("State"), "vpc": e.get("VpcId")} for e in eps]
    good = [o for o in obs if str(o["type"]).lower() == "interface" and str(o["state"]).lower() == "available"]
    if good:
        return [make(ID, dep, region, Status.PASS, True, obs, f"interface endpoint {good[0]['id']} for bedrock-runtime is available", [raw])]
    why = "none exists" if not obs else "none is an available interface endpoint"
    return [make(ID, dep, region, Status.FAIL, True, obs, f"no VPC endpoint for {service_name(region)}: {why}", [raw])]


register(Check(id=ID, title="Bedrock runtime is reached through an interface VPC endpoint", topic="network",
               profile_field="deployments[].aws.private_endpoint", iam_actions=("ec2:DescribeVpcEndpoints",),
               proves="An available interface VPC endpoint for bedrock-runtime exists in the region.",
               scope="region", collect=collect, judge=judge, applies=lambda d, p: d.aws.private_endpoint))
