"""Every check the tool knows, in display order, and what it needs: ``CHECKS``, ``REGISTRY``, ``iam_policy``.

- AWS checks: ``Check`` objects defined with ``@check`` in ``checks/aws/`` (found with pkgutil);
- repository checks (``scan-repo``, coding agents' settings): judged outside the AWS runner, listed here
  with their metadata so that the registry names every check id a finding can carry;
- other providers (``checks/<provider>/`` packages defining ``PROVIDER``): their checks' metadata.
"""

from __future__ import annotations

from typing import Any

from questionnaire.checks.aws import CHECKS
from questionnaire.checks.providers import provider_metadata
from questionnaire.coding_agents import REGISTRY_METADATA as AGENT_METADATA
from questionnaire.repo_scan import REGISTRY_METADATA as REPO_METADATA
from questionnaire.topics import TOPICS

__all__ = ["CHECKS", "REGISTRY", "iam_policy"]


def _registry() -> dict[str, dict[str, Any]]:
    out = {cid: c.metadata() for cid, c in CHECKS.items()}
    for cid, meta in {**REPO_METADATA, **AGENT_METADATA}.items():
        out[cid] = {"id": cid, **meta, "scope": "repo"}
    out.update(provider_metadata())
    bad = sorted(cid for cid, meta in out.items() if meta.get("topic") not in TOPICS)
    if bad:
        raise ValueError(f"check {bad[0]}: topic {out[bad[0]].get('topic')!r} is not in templates/topics.yaml")
    return out


# id -> metadata (id, title, topic, profile_field, iam_actions, proves, scope; providers add permissions)
REGISTRY: dict[str, dict[str, Any]] = _registry()


def iam_policy() -> dict[str, Any]:
    """The least-privilege IAM policy the tool needs, generated from the checks' declarations."""
    actions = sorted({a for c in CHECKS.values() for a in c.iam_actions})
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "QuestionnaireReadOnlyChecks", "Effect": "Allow", "Action": actions, "Resource": "*"}],
    }
