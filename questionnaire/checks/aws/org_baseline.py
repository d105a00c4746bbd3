"""Organization baseline, judged once per account of ``check --org`` / ``--accounts``: Bedrock is used only in
the accounts and regions the profile declares, and model invocation logging is on wherever Bedrock is used.

Evidence of use is the same as the residency check's (CloudWatch ``AWS/Bedrock`` ``Invocations`` metrics over
14 days, an invocation logging configuration), read in every enabled region of the account. A region that
cannot be read is UNKNOWN, never "not used".
"""

from __future__ import annotations

from typing import Any

from questionnaire.checks.aws.bedrock import logging_observed
from questionnaire.checks.aws.residency import METRICS_WINDOW, collect_usage, declared_regions_for_account, region_state
from questionnaire.checks.registry import check, ok

ORDER = 145
ONLY_DECLARED = "org.bedrock.only_declared_accounts"
LOGGING_WHERE_USED = "org.bedrock.invocation_logging_where_used"
ACTIONS = ("bedrock:GetModelInvocationLoggingConfiguration", "cloudwatch:ListMetrics", "cloudtrail:LookupEvents", "account:ListRegions",
           "ec2:DescribeRegions")


def _raws(data: dict[str, Any]) -> list[Any]:
    return [x for v in data["regions"].values() for x in (v["logging"], v["metrics"], v.get("events")) if x is not None] + \
        list(data.get("enabled") or [])


def _states(data: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {r: region_state(v) for r, v in sorted(data["regions"].items())}


def _first_unknown(data: dict[str, Any], states: dict[str, tuple[str, list[str]]], regions: list[str]) -> Any:
    v = data["regions"][regions[0]]
    return v["metrics"] if not ok(v["metrics"]) else v["logging"]


@check(id=ONLY_DECLARED, title="Bedrock is used only in declared accounts and regions", topic="residency", scope="account",
       iam=ACTIONS, profile_field="deployments[].aws.account_id, deployments[].regions", collect=collect_usage,
       proves="In every account of the organization, no enabled region outside the profile's declared accounts and regions "
              "has Bedrock invocations (CloudWatch AWS/Bedrock metrics, last 14 days) or an invocation logging configuration.")
def judge_only_declared(v: Any, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    acct = data["account"]
    allowed = declared_regions_for_account(profile, acct)
    v = v.about(acct).declare(sorted(allowed))
    states, raws = _states(data), _raws(data)
    obs = {"regions_scanned": sorted(states), "used_in": {r: m for r, (s, m) in states.items() if s == "used"},
           "logging_configured_in": [r for r, (s, _) in states.items() if s == "configured"]}
    bad = [r for r, (s, _) in states.items() if s in ("used", "configured") and r not in allowed]
    where = "the account is not declared in the profile" if not allowed else f"declared regions: {', '.join(sorted(allowed))}"
    if bad:
        parts = [f"Bedrock invoked in {r} ({', '.join(states[r][1][:3])})" if states[r][0] == "used" else
                 f"invocation logging configured in {r}" for r in bad]
        return [v.fail(obs, f"account {acct}: " + "; ".join(parts) + f" ({where})", raws)]
    blind = [r for r, (s, _) in states.items() if s == "unknown" and r not in allowed]
    if blind:
        f = v.unknown(_first_unknown(data, states, blind), extra=raws)
        return [v.undetermined(obs, f"not verified in {len(blind)} region(s) of account {acct} ({', '.join(blind[:4])}): "
                               + f.message.removeprefix("not verified: "), raws)]
    return [v.passed(obs, f"account {acct}: no Bedrock use outside the declared regions in {len(states)} enabled region(s) "
                          f"over {METRICS_WINDOW} ({where})", raws)]


@check(id=LOGGING_WHERE_USED, title="Invocation logging is on wherever Bedrock is used", topic="auditability", scope="account",
       iam=ACTIONS, profile_field="deployments[].aws.invocation_logging", collect=collect_usage,
       proves="In every account of the organization, each region with Bedrock invocations (last 14 days) has model invocation "
              "logging configured, declared or not.")
def judge_logging_where_used(v: Any, profile: Any, dep: Any, region: str | None, data: dict[str, Any]) -> list:
    acct = data["account"]
    v = v.about(acct).declare(True)
    states, raws = _states(data), _raws(data)
    used = [r for r, (s, _) in states.items() if s == "used"]
    off, blind = [], [r for r, (s, _) in states.items() if s == "unknown"]
    for r in used:
        lg = data["regions"][r]["logging"]
        if not ok(lg):
            blind.append(r)
        elif not logging_observed(lg.response)["enabled"]:
            off.append(r)
    obs = {"used_in": used, "logging_off_in": off, "could_not_tell": sorted(blind)}
    if off:
        return [v.fail(obs, f"account {acct}: Bedrock is invoked in {', '.join(off)} without model invocation logging", raws)]
    if blind:
        r = sorted(blind)[0]
        x = data["regions"][r]
        f = v.unknown(x["metrics"] if not ok(x["metrics"]) else x["logging"], extra=raws)
        return [v.undetermined(obs, f"not verified in {len(blind)} region(s) of account {acct}: "
                               + f.message.removeprefix("not verified: "), raws)]
    if not used:
        return [v.passed(obs, f"account {acct}: Bedrock is not invoked in any of {len(states)} enabled region(s) "
                              f"over {METRICS_WINDOW}", raws)]
    return [v.passed(obs, f"account {acct}: invocation logging is on in every region where Bedrock is invoked "
                          f"({', '.join(used)})", raws)]
