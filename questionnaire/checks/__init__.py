"""Checks: small registered units (metadata + collector + judge).

A check's *collector* makes boto3 calls through :class:`questionnaire.aws.AwsContext`
and returns a dict of recorded :class:`RawResponse` objects; its *judge* is a pure
function ``(profile, deployment, region, data) -> list[Finding]``. Judges never call AWS.

Scopes: ``region`` (once per declared region), ``global`` (once per deployment,
findings have region None), ``scan`` (collector runs in every scanned region, judge
once with ``data = {"regions": {region: collected}}``), ``profile`` (no AWS calls).

Adding a check = one collector/judge pair in a service module + ``register(...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

from questionnaire.findings import Finding, RawResponse, Status

TOPICS = frozenset(
    {"residency", "auditability", "guardrails", "network", "agents", "secrets", "identity", "coding_agents", "training", "processor"}
)
SCOPES = frozenset({"region", "global", "scan", "profile", "repo"})


def _always(dep: Any, profile: Any) -> bool:
    return True


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    topic: str
    profile_field: str
    iam_actions: tuple[str, ...]
    proves: str
    scope: str
    collect: Callable[..., dict[str, Any]] | None
    judge: Callable[..., list[Finding]]
    applies: Callable[[Any, Any], bool] = _always

    def metadata(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "topic": self.topic,
            "profile_field": self.profile_field,
            "iam_actions": list(self.iam_actions),
            "proves": self.proves,
            "scope": self.scope,
        }


CHECKS: dict[str, Check] = {}
# id -> metadata (topic, title, profile_field, iam_actions, proves, scope): see docs/INTERFACES.md
REGISTRY: dict[str, dict[str, Any]] = {}


def register(check: Check) -> Check:
    if check.id in CHECKS:
        raise ValueError(f"duplicate check id {check.id}")
    if check.topic not in TOPICS or check.scope not in SCOPES:
        raise ValueError(f"check {check.id}: bad topic/scope")
    CHECKS[check.id] = check
    REGISTRY[check.id] = check.metadata()
    return check


def _declared_actions() -> list[str]:
    return [a for c in CHECKS.values() for a in c.iam_actions]


from questionnaire.aws import allow_declared_actions  # noqa: E402 - the read-only guard's allow-list

allow_declared_actions(_declared_actions)


def iam_policy() -> dict[str, Any]:
    """The least-privilege IAM policy the tool needs, generated from the checks' declarations."""
    actions = sorted({a for c in CHECKS.values() for a in c.iam_actions})
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "QuestionnaireReadOnlyChecks", "Effect": "Allow", "Action": actions, "Resource": "*"}],
    }


# --------------------------------------------------------------------------- judge helpers

NOT_FOUND_HINT = "not found"


def evidence(*raws: Any) -> tuple[str, ...]:
    out: list[str] = []
    for r in raws:
        if isinstance(r, (list, tuple)):
            out.extend(evidence(*r))
        elif isinstance(r, dict):
            out.extend(evidence(*r.values()))
        elif isinstance(r, RawResponse) and r.path and r.path not in out:
            out.append(r.path)
    return tuple(dict.fromkeys(out))


def err_code(raw: RawResponse | None) -> str | None:
    return (raw.error or {}).get("code") if raw is not None else None


def first_bad(raw: Any) -> Any:
    """The failing response of a call or of a walk over pages (``questionnaire.aws.Pages``)."""
    return getattr(raw, "failed", None) or (raw[-1] if isinstance(raw, list) and raw else raw)


def reason(raw: Any) -> str:
    """Why a call gives no answer, in words (for UNKNOWN findings)."""
    from questionnaire.aws import ACCESS_DENIED_CODES, THROTTLE_CODES, TRUNCATED_CODE, UNSUPPORTED_CODE

    raw = first_bad(raw)
    code = err_code(raw) or "?"
    api = f"{raw.service}:{raw.operation}"
    if code in ACCESS_DENIED_CODES:
        return f"access denied to {api} (grant it: see `questionnaire iam-policy`)"
    if code in THROTTLE_CODES:
        return f"{api} was throttled after retries"
    if code == UNSUPPORTED_CODE:
        return f"{api} is not supported by the endpoint"
    if code == "EndpointUnreachable":
        return f"{api}: endpoint unreachable (network error or timeout)"
    if code == TRUNCATED_CODE:
        return f"{api}: too many pages, the listing was not read to the end"
    msg = " ".join(str((raw.error or {}).get("message", "")).split())
    if msg.lower().startswith(("<!doctype", "<html")):
        msg = "the endpoint answered with an HTML page, not the service's API (a proxy or an emulator without this API?)"
    return f"{api} failed: {code}{': ' + msg[:120] if msg else ''}"


def make(
    check_id: str,
    dep: Any,
    region: str | None,
    status: Status,
    declared: Any,
    observed: Any,
    message: str,
    raws: Iterable[Any] = (),
    subject: str | None = None,
) -> Finding:
    return Finding(
        check_id=check_id,
        deployment=getattr(dep, "id", dep),
        region=region,
        status=status,
        declared=declared,
        observed=observed,
        message=message,
        evidence=evidence(*raws),
        subject=subject,
    )


def unknown(check_id: str, dep: Any, region: str | None, declared: Any, raw: RawResponse, subject: str | None = None, extra: Iterable[Any] = ()) -> Finding:
    return make(check_id, dep, region, Status.UNKNOWN, declared, None, f"not verified: {reason(raw)}", [raw, *extra], subject)


def ok(raw: RawResponse | None) -> bool:
    return raw is not None and raw.error is None


# import the service modules so that they register (order = display order)
from questionnaire.checks import identity as _identity  # noqa: E402,F401
from questionnaire.checks import bedrock as _bedrock  # noqa: E402,F401
from questionnaire.checks import residency as _residency  # noqa: E402,F401
from questionnaire.checks import cloudwatch as _cloudwatch  # noqa: E402,F401
from questionnaire.checks import s3 as _s3  # noqa: E402,F401
from questionnaire.checks import cloudtrail as _cloudtrail  # noqa: E402,F401
from questionnaire.checks import kms as _kms  # noqa: E402,F401
from questionnaire.checks import guardrail as _guardrail  # noqa: E402,F401
from questionnaire.checks import ec2 as _ec2  # noqa: E402,F401
from questionnaire.checks import iam as _iam  # noqa: E402,F401
from questionnaire.checks import agents as _agents  # noqa: E402,F401
from questionnaire.checks import training as _training  # noqa: E402,F401
from questionnaire.checks import credentials as _credentials  # noqa: E402,F401
from questionnaire.checks import secretsmanager as _secretsmanager  # noqa: E402,F401
from questionnaire.checks import declared as _declared  # noqa: E402,F401

# Repository checks (scan-repo) are judged outside the AWS runner but listed here with their
# metadata so that the registry names every check id a finding can carry.
from questionnaire.coding_agents import REGISTRY_METADATA as _AGENT_METADATA  # noqa: E402
from questionnaire.repo_scan import REGISTRY_METADATA as _REPO_METADATA  # noqa: E402

for _cid, _meta in {**_REPO_METADATA, **_AGENT_METADATA}.items():
    REGISTRY[_cid] = {"id": _cid, **_meta, "scope": "repo"}

# Providers other than AWS (checks/<provider>/ subpackages defining PROVIDER): their checks' metadata
from questionnaire.checks.providers import provider_metadata as _provider_metadata  # noqa: E402

REGISTRY.update(_provider_metadata())

from questionnaire.checks.runner import CheckRun, run_checks  # noqa: E402,F401
