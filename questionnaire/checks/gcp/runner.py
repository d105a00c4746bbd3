"""Plan, collect and judge the Vertex checks of every ``google_vertex`` deployment with a ``gcp:`` block."""

from __future__ import annotations

from typing import Any, Callable

import questionnaire.checks.gcp.judges as J
import questionnaire.checks.gcp.registry as ids
import questionnaire.checks.gcp.judges_store as S
from questionnaire.checks.gcp.registry import CHECKS, handles
from questionnaire.errors import QuestionnaireError
from questionnaire.findings import Finding, RawResponse, Status


def _has_anthropic(s: Any) -> bool:
    return any(m.startswith("anthropic/") for m in s.models)


# id -> (applies(settings), collectors needed, judge)
PLAN: dict[str, tuple[Callable[[Any], bool], tuple[str, ...], Callable[..., Finding]]] = {
    ids.AUDIT: (lambda s: True, ("iam",), J.judge_audit),
    ids.LOCATION: (lambda s: True, ("audit_log", "iam"), J.judge_location),
    ids.REQLOG: (lambda s: s.request_response_logging is not None, ("endpoints", "model_configs"), J.judge_reqlog),
    ids.CACHE: (lambda s: s.caching != "allowed", ("cache_config",), S.judge_cache),
    ids.CLAUDE: (_has_anthropic, ("model_configs",), S.judge_claude),
    ids.CMEK: (lambda s: s.cmek, ("org_policy", "endpoints", "cached_contents"), S.judge_cmek),
    ids.VPCSC: (lambda s: s.vpc_sc_perimeter is not None, ("perimeter", "project"), S.judge_vpcsc),
    ids.ARMOR: (lambda s: s.model_armor, ("floor_setting",), S.judge_armor),
}
assert set(PLAN) == set(CHECKS), "every registered Vertex check has a plan entry"


def applicable(settings: Any) -> list[str]:
    return [cid for cid, (applies, _needs, _judge) in PLAN.items() if applies(settings)]


def judge_deployment(settings: Any, dep: Any, data: dict[str, Any]) -> list[Finding]:
    """Pure: the findings of one deployment from its collected data (``__exception__`` marks a failed collector)."""
    out: list[Finding] = []
    for cid in applicable(settings):
        _applies, needs, judge = PLAN[cid]
        if any(data.get(n, {}) == {"__exception__": True} or n not in data for n in needs):
            out.append(Finding(cid, dep.id, None, Status.UNKNOWN, None, None, "not verified: internal error while collecting"))
            continue
        try:
            out.append(judge(settings, dep, data))
        except Exception as e:  # a judge bug must not turn into a PASS
            out.append(Finding(cid, dep.id, None, Status.UNKNOWN, None, None, f"not verified: internal error while judging ({type(e).__name__})"))
    return out


def collect_deployment(client: Any, settings: Any, dep: Any) -> dict[str, Any]:
    from questionnaire.checks.gcp.collect import COLLECTORS

    needed = dict.fromkeys(n for cid in applicable(settings) for n in PLAN[cid][1])
    data: dict[str, Any] = {}
    for name in needed:
        try:
            data[name] = COLLECTORS[name](client, settings, dep)
        except QuestionnaireError:
            raise  # e.g. ReadOnlyViolation: a bug in the tool, never a finding
        except Exception:
            data[name] = {"__exception__": True}
    return data


def no_credentials(settings: Any, dep: Any, why: str) -> list[Finding]:
    return [Finding(cid, dep.id, None, Status.UNKNOWN, None, None, f"not verified: {why}") for cid in applicable(settings)]


def run_gcp(loaded: Any, progress: Callable[[str], None] | None = None, client: Any = None) -> tuple[list[Finding], list[RawResponse]]:
    from questionnaire.checks.gcp.client import GcpClient, GcpNoCredentials, assign_paths

    deps = [d for d in loaded.profile.deployments if handles(d)]
    findings: list[Finding] = []
    if client is None:
        try:
            client = GcpClient()
        except GcpNoCredentials as e:
            for d in deps:
                findings += no_credentials(d.gcp, d, str(e))
            return findings, []
    by_project: dict[str, list[RawResponse]] = {}
    collected = []
    for d in deps:
        start = len(client.raw)
        collected.append((d, collect_deployment(client, d.gcp, d)))
        by_project.setdefault(d.gcp.project_id, []).extend(client.raw[start:])
        if progress is not None:
            progress(f"gcp {d.gcp.project_id}: {len(applicable(d.gcp))} checks collected for {d.id} ({len(client.raw) - start} API calls)")
    for project, raws in by_project.items():
        assign_paths(raws, project)  # before judging: findings cite these paths
    for d, data in collected:
        findings += judge_deployment(d.gcp, d, data)
    return findings, [r for raws in by_project.values() for r in raws]
