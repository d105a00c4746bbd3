"""The check registry: the ``@check`` decorator, the ``Check`` it records, and the ``Verdict`` judges write with.

A check is a *collector* ``(ctx, dep, region, profile) -> dict`` (boto3 calls through
:class:`questionnaire.aws.AwsContext`, every response recorded) and a pure *judge* next to it::

    @check(id=ID, title=..., topic="auditability", scope="region", iam=["logs:DescribeLogGroups"],
           proves=..., profile_field=..., applies=..., collect=collect)
    def judge(v: Verdict, profile, dep, region, data) -> list[Finding]:
        raw = data["groups"]
        v = v.declare(dep.aws.invocation_logging.retention_days)
        if not ok(raw):
            return [v.unknown(raw)]
        return [v.passed(observed, "log group keeps events 400 days", [raw])]

The judge gets a :class:`Verdict` bound to (check, deployment, region); ``Check.judge(profile, dep,
region, data)`` builds it. Judges never call AWS.

Scopes: ``region`` (once per declared region), ``global`` (once per deployment, findings have region
None), ``scan`` (collector runs in every scanned region, judge once with ``data = {"regions": {region:
collected}}``; ``collect_once(ctx, dep, profile)``, when given, is collected once for the deployment and judged
as ``data["once"]``), ``account`` (runs over several accounts with --org / --accounts: once per account, like a scan,
``dep`` None and ``data["account"]`` the account), ``profile`` (no AWS calls), ``repo`` (repository checks,
judged outside the runner). ``reads``: the account a collector reads for a deployment (``deployment``, or the
``aws.accounts`` entry where the resource lives: ``trail``, ``log_bucket``, ``kms_key``, ``network``).

This module imports no check: the AWS checks are found by ``questionnaire.checks.aws`` (pkgutil) and the
whole registry is assembled in ``questionnaire.checks.index``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from questionnaire.aws_guard import allow_declared_actions
from questionnaire.aws_errors import ACCESS_DENIED_CODES, THROTTLE_CODES, TRUNCATED_CODE, UNREACHABLE_CODE, UNSUPPORTED_CODE
from questionnaire.findings import Finding, RawResponse, Status
from questionnaire.topics import TOPICS

SCOPES = frozenset({"region", "global", "scan", "account", "profile", "repo"})
# where a check's collector reads, for a deployment: its own account, or where the resource lives
READS = frozenset({"deployment", "trail", "log_bucket", "kms_key", "network"})

__all__ = ["SCOPES", "TOPICS", "Check", "Verdict", "check", "defined_in", "evidence", "err_code", "first_bad", "make", "ok",
           "reason", "unknown"]


def _always(dep: Any, profile: Any) -> bool:
    return True


# --------------------------------------------------------------------------- evidence and reasons


def evidence(*raws: Any) -> tuple[str, ...]:
    """Bundle paths of the raw responses given (lists, tuples, dicts of them are walked), in order, once each."""
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


def ok(raw: RawResponse | None) -> bool:
    return raw is not None and raw.error is None


def first_bad(raw: Any) -> Any:
    """The failing response of a call or of a walk over pages (``questionnaire.aws.Pages``)."""
    return getattr(raw, "failed", None) or (raw[-1] if isinstance(raw, list) and raw else raw)


def reason(raw: Any) -> str:
    """Why a call gives no answer, in words (for UNKNOWN findings)."""
    raw = first_bad(raw)
    code = err_code(raw) or "?"
    api = f"{raw.service}:{raw.operation}"
    if api == "sts:AssumeRole":  # the account itself could not be reached (a run over several accounts)
        return account_unreachable(raw)
    if code in ACCESS_DENIED_CODES:
        return f"access denied to {api} (grant it: see `questionnaire iam-policy`)"
    if code in THROTTLE_CODES:
        return f"{api} was throttled after retries"
    if code == UNSUPPORTED_CODE:
        return f"{api} is not supported by the endpoint"
    if code == UNREACHABLE_CODE:
        return f"{api}: endpoint unreachable (network error or timeout)"
    if code == TRUNCATED_CODE:
        return f"{api}: too many pages, the listing was not read to the end"
    msg = " ".join(str((raw.error or {}).get("message", "")).split())
    if msg.lower().startswith(("<!doctype", "<html")):
        msg = "the endpoint answered with an HTML page, not the service's API (a proxy or an emulator without this API?)"
    return f"{api} failed: {code}{': ' + msg[:120] if msg else ''}"


def account_unreachable(raw: RawResponse) -> str:
    msg = " ".join(str((raw.error or {}).get("message", "")).split())
    role = (raw.params or {}).get("RoleArn")
    if not role:
        return msg  # the profile gives no way into the account
    return f"account {raw.account} could not be read: cannot assume {role} ({err_code(raw)}: {msg[:160]})"


# --------------------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class Verdict:
    """Findings of one check for one deployment and region: ``v.passed``, ``v.fail``, ``v.unknown``.

    ``declare``, ``about`` and ``at`` return a copy with the declared value, the subject (one secret,
    one agent, one key) or another region."""

    check_id: str
    deployment: str | None
    region: str | None
    declared: Any = None
    subject: str | None = None

    def declare(self, declared: Any) -> Verdict:
        return dataclasses.replace(self, declared=declared)

    def about(self, subject: str | None) -> Verdict:
        return dataclasses.replace(self, subject=subject)

    def at(self, region: str | None) -> Verdict:
        return dataclasses.replace(self, region=region)

    def finding(self, status: Status, observed: Any, message: str, raws: Iterable[Any] = ()) -> Finding:
        return Finding(check_id=self.check_id, deployment=self.deployment, region=self.region, status=status,
                       declared=self.declared, observed=observed, message=message, evidence=evidence(*raws), subject=self.subject)

    def passed(self, observed: Any, message: str, raws: Iterable[Any] = ()) -> Finding:
        return self.finding(Status.PASS, observed, message, raws)

    def fail(self, observed: Any, message: str, raws: Iterable[Any] = ()) -> Finding:
        return self.finding(Status.FAIL, observed, message, raws)

    def undetermined(self, observed: Any, message: str, raws: Iterable[Any] = ()) -> Finding:
        """UNKNOWN with the judge's own words (start them with "not verified")."""
        return self.finding(Status.UNKNOWN, observed, message, raws)

    def unknown(self, raw: Any, extra: Iterable[Any] = ()) -> Finding:
        """UNKNOWN because ``raw`` (a call or a walk over pages) gave no answer; the reason in words."""
        return self.finding(Status.UNKNOWN, None, f"not verified: {reason(raw)}", [raw, *extra])


def make(check_id: str, dep: Any, region: str | None, status: Status, declared: Any, observed: Any, message: str,
         raws: Iterable[Any] = (), subject: str | None = None) -> Finding:
    """One finding (for judges outside the registry's decorator: other providers' judges)."""
    v = Verdict(check_id, getattr(dep, "id", dep), region, declared, subject)
    return v.finding(status, observed, message, raws)


def unknown(check_id: str, dep: Any, region: str | None, declared: Any, raw: RawResponse, subject: str | None = None,
            extra: Iterable[Any] = ()) -> Finding:
    return Verdict(check_id, getattr(dep, "id", dep), region, declared, subject).unknown(raw, extra)


# --------------------------------------------------------------------------- checks


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
    judge_fn: Callable[..., list[Finding]]
    applies: Callable[[Any, Any], bool] = _always
    module: str = ""
    reads: str = "deployment"
    collect_once: Callable[..., Any] | None = None  # scan checks: what is read once, not per region

    def judge(self, profile: Any, dep: Any, region: str | None, data: Any) -> list[Finding]:
        return self.judge_fn(Verdict(self.id, getattr(dep, "id", dep), region), profile, dep, region, data)

    def metadata(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "topic": self.topic, "profile_field": self.profile_field,
                "iam_actions": list(self.iam_actions), "proves": self.proves, "scope": self.scope}


_DEFINED: dict[str, Check] = {}  # every decorated check, in definition order


def check(*, id: str, title: str, topic: str, scope: str, proves: str, profile_field: str, iam: Iterable[str] = (),
          collect: Callable[..., dict[str, Any]] | None = None, applies: Callable[[Any, Any], bool] = _always,
          reads: str = "deployment", collect_once: Callable[..., Any] | None = None,
          ) -> Callable[[Callable[..., list[Finding]]], Callable[..., list[Finding]]]:
    """Register the decorated judge ``(v, profile, dep, region, data) -> list[Finding]`` with its collector."""
    if topic not in TOPICS or scope not in SCOPES or reads not in READS:
        raise ValueError(f"check {id}: topic {topic!r}, scope {scope!r} or reads {reads!r} is not in the vocabulary")
    if (collect is None) != (scope == "profile"):
        raise ValueError(f"check {id}: a collector is needed exactly when the scope is not 'profile'")
    if collect_once is not None and scope != "scan":
        raise ValueError(f"check {id}: collect_once is for scan checks")

    def register(fn: Callable[..., list[Finding]]) -> Callable[..., list[Finding]]:
        if id in _DEFINED:
            raise ValueError(f"duplicate check id {id}")
        _DEFINED[id] = Check(id=id, title=title, topic=topic, profile_field=profile_field, iam_actions=tuple(iam),
                             proves=proves, scope=scope, collect=collect, judge_fn=fn, applies=applies, module=fn.__module__,
                             reads=reads, collect_once=collect_once)
        return fn

    return register


def defined_in(module: str) -> list[Check]:
    """The checks a module defined, in definition order."""
    return [c for c in _DEFINED.values() if c.module == module]


def declared_actions() -> list[str]:
    """The IAM actions every defined check declares: the read-only guard's allow-list is built from them."""
    return [a for c in _DEFINED.values() for a in c.iam_actions]


allow_declared_actions(declared_actions)
