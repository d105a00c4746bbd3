"""What the check runner needs to run over several accounts, kept out of the runner itself.

- :class:`AccountRouter`: per worker thread, one :class:`questionnaire.aws.AwsContext` per account (its own
  boto3 session on that account's credentials); ``ctx.at(account)`` inside a collector goes through it;
- :class:`UnreachableContext`: what a collector gets for an account whose role cannot be assumed: every call
  answers with the failed AssumeRole response (the evidence), so the check is UNKNOWN with the reason;
- :func:`unit_account`: the account a check reads for a deployment (``Check.reads``: deployment, trail,
  log_bucket, kms_key, network);
- :func:`access_unknown`, :func:`stamp`: findings of an unreachable account, findings marked with their account;
- :func:`raw_base`: bundle paths ``raw/<account>/<region|global>/<service>/<operation>``.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from questionnaire.findings import Finding, RawResponse, Status
from questionnaire.org.access import AccessFailure

def unit_account(check: Any, dep: Any) -> str:
    """The account a check's collector reads for a deployment (its own unless the resource lives elsewhere)."""
    return dep.aws.account_for(getattr(check, "reads", "deployment"))


class UnreachableContext:
    """The context of an account whose role could not be assumed: calls fail with the reason, nothing is sent."""

    def __init__(self, failure: AccessFailure, router: "AccountRouter") -> None:
        self.failure, self.router, self.account = failure, router, failure.account
        self.check_id: str | None = None

    def call(self, service: str, method: str, region: str, *, record_region: Any = True, **params: Any) -> RawResponse:
        """The failed AssumeRole response itself: the evidence of why this call could not be made."""
        return self.failure.raw

    def pages(self, service: str, method: str, region: str, **kw: Any) -> Any:
        from questionnaire.aws import Pages

        return Pages([self.call(service, method, region, **kw)])

    def at(self, account: str | None) -> Any:
        return self if account in (None, self.account) else self.router.ctx(account, self.check_id)


class AccountRouter:
    """Contexts per (thread, account), on the plan's credentials; shared recorder and rate limiter."""

    def __init__(self, plan: Any, recorder: Any, limiter: Any = None) -> None:
        self.plan, self.recorder, self.limiter = plan, recorder, limiter
        self._local = threading.local()

    def ctx(self, account: str, check_id: str | None = None) -> Any:
        from questionnaire.aws import AwsContext

        try:
            creds = self.plan.sessions.credentials(account)
        except AccessFailure as e:
            c: Any = UnreachableContext(e, self)
        else:
            cache = self._local.__dict__.setdefault("ctxs", {})
            c = cache.get(account)
            if c is None:
                c = cache[account] = AwsContext(self.recorder, credentials=creds, account=account, limiter=self.limiter,
                                                router=self)
        c.check_id = check_id
        return c

    def failure(self, account: str) -> AccessFailure | None:
        try:
            self.plan.sessions.credentials(account)
        except AccessFailure as e:
            return e
        return None


def access_unknown(check_id: str, deployment: str | None, region: str | None, failure: AccessFailure,
                   subject: str | None = None) -> Finding:
    """UNKNOWN for a check in an account that could not be reached: the reason, the AssumeRole response as evidence."""
    ev = (failure.raw.path,) if failure.raw is not None and failure.raw.path else ()
    return Finding(check_id, deployment, region, Status.UNKNOWN, None, None,
                   f"not verified: account {failure.account} could not be read: {failure.reason}", ev, subject,
                   account=failure.account)


def stamp(findings: list[Finding], account: str) -> list[Finding]:
    return [f if f.account else dataclasses.replace(f, account=account) for f in findings]


def raw_base(r: RawResponse) -> str:
    return f"raw/{r.account + '/' if r.account else ''}{r.region or 'global'}/{r.service}/{r.operation}"


def accounts_summary(plan: Any) -> dict[str, dict[str, Any]]:
    """How every account the run touched (or covers) was reached, for the manifest and the summary."""
    out = plan.sessions.status()
    for acct in plan.covered:
        out.setdefault(acct, {"access": "not read", "role": plan.sessions.way(acct).role_arn})
    for acct, state in plan.not_active.items():
        out[acct] = {"access": "not read", "reason": f"account is {state}"}
    return {a: {k: v for k, v in info.items() if v is not None} for a, info in sorted(out.items())}
