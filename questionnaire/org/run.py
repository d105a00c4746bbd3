"""What the check runner needs to run over several accounts, kept out of the runner itself.

- :class:`AccountRouter`: per worker thread, one :class:`questionnaire.aws.AwsContext` per account, over the
  account's one session and clients (``SharedClients``, on its credentials); ``ctx.at(account)`` goes through it;
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
        self._shared: dict[str, Any] = {}  # account -> SharedClients (one session and its clients per account)
        self._lock = threading.Lock()

    def ctx(self, account: str, check_id: str | None = None) -> Any:
        from questionnaire.aws import AwsContext, SharedClients

        try:
            creds = self.plan.sessions.credentials(account)
        except AccessFailure as e:
            c: Any = UnreachableContext(e, self)
        else:
            cache = self._local.__dict__.setdefault("ctxs", {})
            c = cache.get(account)
            if c is None:
                with self._lock:
                    shared = self._shared.get(account) or self._shared.setdefault(account, SharedClients(creds))
                c = cache[account] = AwsContext(self.recorder, account=account, limiter=self.limiter, router=self, shared=shared)
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


class MultiAccount:
    """Everything the runner does differently over several accounts, behind one object."""

    def __init__(self, plan: Any, clients: Any, limiter: Any, status: Any, workers: int = 8) -> None:
        from questionnaire.org.progress import Progress

        self.plan, self.clients, self.limiter, self.workers = plan, clients, limiter, workers
        self.router: AccountRouter | None = None
        self._recorder: Any = None
        self.progress = Progress(0, status, calls=self._calls)
        self.unit_account = unit_account
        self.unknown = access_unknown
        self.stamp = stamp
        self.raw_base = raw_base

    def bind(self, recorder: Any) -> None:
        self._recorder = recorder
        self.router = AccountRouter(self.plan, recorder, self.limiter)

    def _calls(self) -> int:
        return sum(self._recorder.calls.values()) + self.clients.calls if self._recorder is not None else self.clients.calls

    def failure(self, account: str | None) -> AccessFailure | None:
        return self.router.failure(account) if account else None

    def baseline_units(self, run: Any, checks: list[Any], unit: Any) -> list[Any]:
        """``account``-scope checks for every covered account; their regions (the account's enabled Bedrock
        regions) are read concurrently, which also assumes each account's role."""
        from concurrent.futures import ThreadPoolExecutor

        base = [c for c in checks if c.scope == "account"]
        if not self.plan.baseline or not base:
            return []

        def regions(acct: str) -> tuple[str, list[str]]:
            return acct, ([] if self.failure(acct) else run.default_scan(base[0], None, acct))

        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="accounts") as pool:
            scans = dict(pool.map(regions, self.plan.covered))
        return [unit(c, None, None, (scans[a] or ["us-east-1"])[0], scan=scans[a], account=a)
                for a in self.plan.covered for c in base]

    def tracker(self, groups: dict[tuple, list[Any]], units: list[Any]) -> Any:
        """``done(account)`` after each task; the progress line counts an account when its last task ends."""
        left: dict[str | None, int] = {}
        for key in groups:
            left[key[0]] = left.get(key[0], 0) + 1
        for u in units:  # a scan's regions, and its collect_once
            left[u.account] = left.get(u.account, 0) + len(u.scan) + bool(u.scan and u.check.collect_once is not None)
        self.progress.total = len([a for a in left if a])
        lock = threading.Lock()

        def done(account: str | None) -> None:
            with lock:
                left[account] -= 1
                last = left[account] == 0
            if last and account:
                if self.failure(account) is not None:
                    self.progress.error()
                self.progress.account_done()

        return done

    def finish(self, recorder: Any) -> None:
        """The access calls (caller identity, ListAccounts pages, AssumeRole) join the run's evidence and count."""
        caller = self.plan.caller.get("account")
        for r in self.plan.raws:
            r.account = r.account or caller
            recorder.count(None, r.service, r.operation)
        recorder.raw.extend(self.plan.raws)

    def run_fields(self) -> dict[str, Any]:
        return {"accounts": accounts_summary(self.plan), "org": self.plan.predicate_org(), "rate_waited": self.limiter.waited}


def multi_account(profile: Any, scope: Any, status: Any, rate_scale: float = 1.0) -> MultiAccount | None:
    """The multi-account side of a run (None: the classic single-account run)."""
    from questionnaire.org.clients import AccessClients
    from questionnaire.org.plan import Scope, is_multi_account, plan_accounts
    from questionnaire.org.ratelimit import RateLimiter

    scope = scope or Scope()
    if not is_multi_account(profile, scope):
        return None
    limiter = RateLimiter(scale=rate_scale)
    clients = AccessClients(limiter)
    plan = plan_accounts(profile, scope, clients)
    clients.caller_account = plan.caller.get("account")
    return MultiAccount(plan, clients, limiter, status)
