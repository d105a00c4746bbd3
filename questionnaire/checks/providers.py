"""Providers other than AWS (Azure, Google Cloud, OpenAI, Anthropic): one seam for the runner.

A provider is a subpackage of ``questionnaire.checks`` (``checks/azure/``, ``checks/gcp/``,
``checks/commercial/``) whose ``__init__`` defines ``PROVIDER = ProviderSource(...)``. It is found by
:func:`discover` (``pkgutil``; no hand-kept list) when a run needs it. A provider package must not
import its SDK at module level: SDKs are imported inside ``run`` so that ``--help`` stays instant and a
missing extra becomes one ``OptionalDependencyMissing`` line.

``run(loaded, progress)`` verifies every deployment ``handles`` accepts and returns
``(findings, raws)``; each raw response already carries its bundle path (``raw/<provider>/...``).
An API error, a 403 or a timeout is an UNKNOWN finding, never a PASS.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any, Callable

from questionnaire.findings import Finding, RawResponse


@dataclass(frozen=True)
class ProviderSource:
    name: str
    # deployments this provider verifies (declared.not_verifiable leaves them alone)
    handles: Callable[[Any], bool]
    # (loaded profile, progress callback or None) -> (findings, raw responses with .path set)
    run: Callable[[Any, Callable[[str], None] | None], tuple[list[Finding], list[RawResponse]]]
    # registry metadata of the provider's checks: id -> {title, topic, profile_field, permissions, proves, scope}
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)


_CACHE: list[ProviderSource] | None = None


def discover() -> list[ProviderSource]:
    """Every ``PROVIDER`` defined by a subpackage of ``questionnaire.checks`` (sorted by name)."""
    global _CACHE
    if _CACHE is None:
        found: list[ProviderSource] = []
        for info in pkgutil.iter_modules([str(Path(__file__).parent)]):  # the checks package, not imported here
            if not info.ispkg:
                continue
            mod = importlib.import_module(f"{__package__}.{info.name}")
            source = getattr(mod, "PROVIDER", None)
            if isinstance(source, ProviderSource):
                found.append(source)
        _CACHE = sorted(found, key=lambda p: p.name)
    return list(_CACHE)


def handled_by_provider(dep: Any) -> bool:
    return any(p.handles(dep) for p in discover())


def idle_check_ids(profile: Any) -> set[str]:
    """Check ids that no deployment of ``profile`` can produce: answers do not wait for them. Provider checks
    of providers handling no deployment, and AWS checks that apply to none of the AWS deployments (the Bedrock
    Agents checks without declared agent ids, for example)."""
    out: set[str] = set()
    aws_deps = profile.aws_deployments()
    if aws_deps:
        from questionnaire.checks.aws import CHECKS

        out |= {cid for cid, c in CHECKS.items() if c.scope != "profile" and not any(c.applies(d, profile) for d in aws_deps)}
    for p in discover():
        if not any(p.handles(d) for d in profile.deployments):
            out |= set(p.checks)
    for p in discover():  # an id shared with a provider that does run stays required
        if any(p.handles(d) for d in profile.deployments):
            out -= set(p.checks)
    return out


def provider_metadata() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for p in discover():
        for cid, meta in p.checks.items():
            out[cid] = {"id": cid, **meta}
    return out


def run_providers(loaded: Any, progress: Callable[[str], None] | None = None) -> tuple[list[Finding], list[RawResponse]]:
    findings: list[Finding] = []
    raws: list[RawResponse] = []
    for p in discover():
        if any(p.handles(d) for d in loaded.profile.deployments):
            f, r = p.run(loaded, progress)
            findings.extend(f)
            raws.extend(r)
    return findings, raws
