"""Checks: what the tool verifies, and how.

- ``registry.py``: the ``@check`` decorator, ``Check``, ``Verdict`` (how a judge writes a finding);
- ``aws/``: the AWS checks, one module per service (found with pkgutil);
- ``runner.py``: ``run_checks`` (preflight, plan, collect, judge) -> ``CheckRun``;
- ``providers.py`` and ``azure/``, ``gcp/``, ``commercial/``: the other providers;
- ``index.py``: every check id the tool knows (``REGISTRY``) and the IAM policy the AWS checks need.
"""

from __future__ import annotations

from questionnaire.checks.index import CHECKS, REGISTRY, iam_policy
from questionnaire.checks.registry import SCOPES, TOPICS, Check, Verdict, check, evidence, reason
from questionnaire.checks.runner import CheckRun, run_checks

__all__ = ["CHECKS", "REGISTRY", "SCOPES", "TOPICS", "Check", "CheckRun", "Verdict", "check", "evidence", "iam_policy", "reason",
           "run_checks"]
