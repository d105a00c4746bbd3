"""The Azure provider's run: plan (which checks apply), collect once per account, judge (pure)."""

from __future__ import annotations

from typing import Any, Callable

import questionnaire.checks.azure.judges as judges
import questionnaire.checks.azure.judges_access as judges_access
import questionnaire.checks.azure.meta as meta
from questionnaire.errors import QuestionnaireError
from questionnaire.findings import Finding, RawResponse, Status

# (check id, applies to the azure: block, judge)
JUDGES: list[tuple[str, Callable[[Any], bool], Callable[[Any, dict], list[Finding]]]] = [
    (meta.REGION, lambda az: True, judges.region),
    (meta.SKU, lambda az: True, judges.processing_scope),
    (meta.RAI, lambda az: bool(az.content_filter and az.content_filter.prompt_shields), judges.prompt_shields),
    (meta.ABUSE, lambda az: True, judges.abuse_monitoring),
    (meta.DIAG, lambda az: bool(az.audit_logs and az.audit_logs.enabled), judges_access.audit_logs),
    (meta.RETENTION, lambda az: bool(az.audit_logs and az.audit_logs.enabled and az.audit_logs.workspace_retention_days),
     judges_access.retention),
    (meta.NETWORK, lambda az: az.private_network, judges_access.private_access),
    (meta.AUTH, lambda az: az.entra_id_only, judges_access.entra_only),
    (meta.CMK, lambda az: az.customer_managed_key, judges_access.customer_key),
    (meta.RBAC, lambda az: True, judges_access.least_privilege),
]


def applicable(dep: Any) -> list[str]:
    return [cid for cid, applies, _ in JUDGES if applies(dep.azure)]


def judge(dep: Any, data: dict[str, Any], wanted: list[str]) -> tuple[list[Finding], list[str]]:
    """Every applicable judge on the collected data; a judge bug is an UNKNOWN, never a PASS."""
    findings: list[Finding] = []
    errors: list[str] = []
    for cid, _, fn in JUDGES:
        if cid not in wanted:
            continue
        try:
            findings.extend(fn(dep, data))
        except Exception as e:  # noqa: BLE001 - reported, turned into UNKNOWN
            errors.append(f"{cid} ({dep.id}): judge error: {type(e).__name__}: {e}")
            findings.append(Finding(cid, dep.id, None, Status.UNKNOWN, None, None, "not verified: internal error while judging"))
    return findings, errors


def _key(dep: Any) -> tuple[str, str, str]:
    az = dep.azure
    return (az.subscription_id.lower(), az.resource_group.lower(), az.account.lower())


def _all_unknown(deps: list[Any], why: str) -> list[Finding]:
    return [Finding(cid, d.id, None, Status.UNKNOWN, None, None, f"not verified: {why}") for d in deps for cid in applicable(d)]


def run(loaded: Any, progress: Callable[[str], None] | None = None, *, env: Any = None, credential: Any = None,
        retry_total: int | None = None) -> tuple[list[Finding], list[RawResponse]]:
    import questionnaire.checks.azure.client as arm
    from questionnaire.checks.azure.collect import collect_account

    deps = [d for d in loaded.profile.deployments if d.platform.value == "azure_ai_foundry" and d.azure is not None]
    if not deps:
        return [], []
    cfg = arm.settings(env)
    try:
        import azure.core  # noqa: F401
        import azure.mgmt.cognitiveservices  # noqa: F401
    except ImportError:
        from questionnaire.errors import OptionalDependencyMissing

        raise OptionalDependencyMissing(arm.INSTALL_HINT) from None
    cred = credential if credential is not None else arm.make_credential(cfg)
    problem = arm.token_problem(cred, cfg)
    if problem is not None:
        return _all_unknown(deps, problem), []
    clients: dict[str, Any] = {}
    collected: dict[tuple[str, str, str], dict[str, Any]] = {}
    findings: list[Finding] = []
    raws: list[RawResponse] = []
    for key in sorted({_key(d) for d in deps}):
        members = [d for d in deps if _key(d) == key]
        wanted = {cid for d in members for cid in applicable(d)}
        sub = members[0].azure.subscription_id
        if sub not in clients:
            kw = {} if retry_total is None else {"retry_total": retry_total}
            clients[sub] = arm.make_client(cfg, sub, meta.actions(), credential=cred, **kw)
        try:
            data = collect_account(clients[sub], members[0].azure, wanted)
        except QuestionnaireError:
            raise
        except Exception as e:  # noqa: BLE001 - a collector bug must not become a PASS
            findings += _all_unknown(members, f"internal error while collecting ({type(e).__name__})")
            continue
        collected[key] = data
        raws += _flatten(data)
    for d in deps:
        if _key(d) in collected:
            f, _errors = judge(d, collected[_key(d)], applicable(d))
            findings += f
    return findings, sorted(raws, key=lambda r: r.path)


def _flatten(data: dict[str, Any]) -> list[RawResponse]:
    out: list[RawResponse] = []
    for v in data.values():
        if isinstance(v, RawResponse):
            out.append(v)
        elif isinstance(v, list):
            out.extend(x for x in v if isinstance(x, RawResponse))
        elif isinstance(v, dict):
            out.extend(x for x in v.values() if isinstance(x, RawResponse))
    return out
