"""OpenAI and Anthropic (commercial API) organizations, verified read-only through their Admin APIs.

The provider handles deployments on platform ``openai_api`` / ``anthropic_api``. Keys come from
``OPENAI_ADMIN_KEY`` / ``ANTHROPIC_ADMIN_KEY``, base URLs from ``OPENAI_BASE_URL`` /
``ANTHROPIC_BASE_URL``; only GET requests leave the process (:mod:`.client`). This ``__init__``
imports no HTTP library: ``run`` imports it when a run needs it.
"""

from __future__ import annotations

from typing import Any, Callable

from questionnaire.checks.commercial.ids import METADATA
from questionnaire.checks.providers import ProviderSource

PLATFORMS = ("openai_api", "anthropic_api")


def handles(dep: Any) -> bool:
    return getattr(dep.platform, "value", dep.platform) in PLATFORMS


def run(loaded: Any, progress: Callable[[str], None] | None = None) -> tuple[list, list]:
    from questionnaire.checks.commercial.run import run as _run

    return _run(loaded, progress)


PROVIDER = ProviderSource(name="commercial", handles=handles, run=run, checks=METADATA)
