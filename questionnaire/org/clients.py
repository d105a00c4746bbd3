"""The caller's own session, used only to open the others: sts:AssumeRole into each account's read-only role,
sts:GetCallerIdentity, and organizations:ListAccounts for ``check --org``.

Its guard allows exactly those operations (``ACCESS_OPERATIONS``) and nothing else; the checks' sessions
never allow AssumeRole. Clients use botocore's adaptive retry mode and the run's rate limiter.
"""

from __future__ import annotations

import threading
from typing import Any

from questionnaire.findings import RawResponse
from questionnaire.org.access import STS_REGION, guard_access

# AssumeRole changes nothing in the account it opens; it is allowed deliberately, on this session alone.
ACCESS_OPERATIONS = frozenset({"sts.AssumeRole", "sts.GetCallerIdentity", "organizations.ListAccounts"})
ORGANIZATIONS_REGION = "us-east-1"  # Organizations is global, served from us-east-1


class AccessClients:
    def __init__(self, limiter: Any = None, caller_account: str | None = None) -> None:
        from questionnaire.aws import new_session

        self.session = new_session()
        self.session.events.register_first("before-parameter-build.*.*", guard_access(ACCESS_OPERATIONS))
        self.limiter, self.caller_account = limiter, caller_account
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.calls = 0

    def client(self, service: str, region: str) -> Any:
        with self._lock:
            c = self._clients.get((service, region))
            if c is None:
                c = self._clients[(service, region)] = self._make(service, region)
            return c

    def _make(self, service: str, region: str) -> Any:
        from botocore.config import Config

        from questionnaire.aws import CONNECT_TIMEOUT, MAX_ATTEMPTS, READ_TIMEOUT, _emulate, _stash_params

        cfg = Config(connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT, user_agent_extra="questionnaire-check",
                     retries={"mode": "adaptive", "max_attempts": MAX_ATTEMPTS})
        client = self.session.client(service, region_name=region, config=cfg)
        client.meta.events.register("before-parameter-build.*.*", _stash_params)
        client.meta.events.register("before-call.*.*", _emulate)
        return client

    def call(self, service: str, method: str, region: str, **params: Any) -> RawResponse:
        """One call, errors recorded in ``.error`` (never raised, except the guard and missing credentials)."""
        from questionnaire.aws import AwsContext, _op_name

        client = self.client(service, region)
        if self.limiter is not None:
            self.limiter.acquire(self.caller_account, region, service)
        with self._lock:
            self.calls += 1
        raw = AwsContext._do_call(None, client, service, method, _op_name(client, method), region, None, params)
        return raw

    def assume_role(self, params: dict[str, Any]) -> RawResponse:
        return self.call("sts", "assume_role", STS_REGION, **params)

    def caller_identity(self) -> RawResponse:
        return self.call("sts", "get_caller_identity", STS_REGION)

    def list_accounts(self, **params: Any) -> RawResponse:
        return self.call("organizations", "list_accounts", ORGANIZATIONS_REGION, **params)
