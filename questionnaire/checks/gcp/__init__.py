"""Google Vertex AI: read-only checks of ``google_vertex`` deployments that have a ``gcp:`` block.

No Google library is imported here (``--help`` stays instant); :mod:`.client` imports google-auth
when a run needs it and a missing extra is one ``OptionalDependencyMissing`` line.
Layout: :mod:`.client` (guarded AuthorizedSession, settings, recording), :mod:`.collect`
(REST calls), :mod:`.judges` / :mod:`.judges_store` (pure), :mod:`.runner` (plan, collect, judge).
"""

from __future__ import annotations

from typing import Any

from questionnaire.checks.providers import ProviderSource
from questionnaire.checks.gcp.registry import CHECKS, custom_role, handles  # noqa: F401 (the package API)


def run(loaded: Any, progress: Any = None) -> tuple[list, list]:
    from questionnaire.checks.gcp.runner import run_gcp

    return run_gcp(loaded, progress)


PROVIDER = ProviderSource(name="gcp", handles=handles, run=run, checks=CHECKS)
