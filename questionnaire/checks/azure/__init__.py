"""Azure AI Foundry / Azure OpenAI: read-only verification of ``azure_ai_foundry`` deployments.

``PROVIDER`` is found by :func:`questionnaire.checks.providers.discover`. No Azure SDK is imported
here: :mod:`.run` imports it when a profile has an Azure deployment, and a missing extra becomes
one ``OptionalDependencyMissing`` line (``pip install 'questionnaire[azure]'``).
"""

from __future__ import annotations

from typing import Any, Callable

from questionnaire.checks.azure.meta import CHECKS
from questionnaire.checks.providers import ProviderSource


def handles(dep: Any) -> bool:
    return getattr(getattr(dep, "platform", None), "value", None) == "azure_ai_foundry" and getattr(dep, "azure", None) is not None


def _run(loaded: Any, progress: Callable[[str], None] | None = None) -> tuple[list, list]:
    from questionnaire.checks.azure.run import run

    return run(loaded, progress)


PROVIDER = ProviderSource(name="azure", handles=handles, run=_run, checks=CHECKS)
