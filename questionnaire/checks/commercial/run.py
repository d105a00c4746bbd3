"""The commercial provider's run: per OpenAI/Anthropic deployment, collect (GET only), assign paths, judge."""

from __future__ import annotations

import os
from typing import Any, Callable

import questionnaire.checks.commercial.ids as ids
from questionnaire.checks.commercial.client import PROVIDERS, AdminClient, Provider
from questionnaire.checks.commercial.common import finding
from questionnaire.errors import QuestionnaireError
from questionnaire.findings import Finding, RawResponse, Status

PLATFORMS = {"openai_api": "openai", "anthropic_api": "anthropic"}


def provider_of(dep: Any) -> Provider | None:
    name = PLATFORMS.get(getattr(dep.platform, "value", dep.platform))
    return PROVIDERS[name] if name else None


def _judges(name: str) -> tuple[Any, ...]:
    if name == "openai":
        from questionnaire.checks.commercial.judges_openai import JUDGES
    else:
        from questionnaire.checks.commercial.judges_anthropic import JUDGES
    return JUDGES


def uses_claude_code(profile: Any) -> bool:
    ca = profile.controls.coding_agents
    return ca is not None and any("claude" in t.lower() for t in ca.tools)


def _collect(name: str, client: AdminClient, dep: Any, profile: Any) -> dict[str, Any]:
    from questionnaire.checks.commercial.collect import collect_anthropic, collect_openai

    if name == "openai":
        return collect_openai(client, getattr(dep, "openai", None))
    return collect_anthropic(client, getattr(dep, "anthropic", None), claude_code=uses_claude_code(profile))


def assign_paths(dep_id: str, raws: list[RawResponse]) -> None:
    """raw/<provider>/<deployment>/<operation>[-page].json: unique and deterministic (call order is fixed)."""
    from questionnaire.checks.paths import number_paths

    number_paths(raws, lambda r: f"raw/{r.service}/{dep_id}/{r.operation}")


def _no_key(dep: Any, provider: Provider) -> list[Finding]:
    judged = {ids.ORGANIZATION, ids.RETENTION, ids.MEMBERS, ids.API_KEYS, ids.AUDIT_LOG, ids.RESIDENCY}
    return [finding(cid, dep, Status.UNKNOWN, None, None,
                    f"not verified: {provider.key_env} is not set (an Admin API key; only GET requests are sent)")
            for cid in sorted(judged)]


def verify_deployment(profile: Any, dep: Any, *, transport: Any = None, retries: int = 2,
                      backoff: float = 1.0) -> tuple[list[Finding], list[RawResponse]]:
    provider = provider_of(dep)
    assert provider is not None
    key = os.environ.get(provider.key_env, "").strip()
    if not key:
        return _no_key(dep, provider), []
    with AdminClient(provider, key, transport=transport, retries=retries, backoff=backoff) as client:
        data = _collect(provider.name, client, dep, profile)
        raws = client.raws
    assign_paths(dep.id, raws)
    findings: list[Finding] = []
    for judge in _judges(provider.name):
        try:
            findings.extend(judge(profile, dep, data))
        except QuestionnaireError:
            raise
        except Exception as e:  # a judge bug must never turn into a PASS
            findings.append(finding(f"commercial.{judge.__name__}", dep, Status.UNKNOWN, None, None,
                                    f"not verified: internal error while judging ({type(e).__name__})"))
    return findings, raws


def run(loaded: Any, progress: Callable[[str], None] | None = None) -> tuple[list[Finding], list[RawResponse]]:
    findings: list[Finding] = []
    raws: list[RawResponse] = []
    for dep in loaded.profile.deployments:
        if provider_of(dep) is None:
            continue
        f, r = verify_deployment(loaded.profile, dep)
        findings.extend(f)
        raws.extend(r)
    return findings, raws
