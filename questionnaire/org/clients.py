"""The caller's own session, used only to open the others: sts:AssumeRole into each account's read-only role,
sts:GetCallerIdentity, and organizations:ListAccounts for ``check --org``.

Its guard (``questionnaire.aws_guard.access_guard``) allows exactly ``ACCESS_OPERATIONS`` and nothing else;
the checks' sessions never allow AssumeRole. Clients use botocore's adaptive retry mode and the run's
rate limiter (every AssumeRole counts against the caller's own account).
"""

from __future__ import annotations

import threading
from typing import Any

from questionnaire.aws_guard import ACCESS_OPERATIONS, access_guard, install_access_guard  # noqa: F401 - re-exported
from questionnaire.findings import RawResponse
from questionnaire.org.access import STS_REGION

ORGANIZATIONS_REGION = "us-east-1"  # Organizations is global, served from us-east-1


class AccessClients:
    def __init__(self, limiter: Any = None, caller_account: str | None = None) -> None:
        from questionnaire.aws import new_session

        self.session = install_access_guard(new_session())
        self.limiter, self.caller_account = limiter, caller_account
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.calls = 0

    def client(self, service: str, region: str) -> Any:
        from questionnaire.aws import make_client

        with self._lock:
            c = self._clients.get((service, region))
            if c is None:
                c = self._clients[(service, region)] = make_client(self.session, service, region, None, limiter=self.limiter,
                                                                   account=self.caller_account, hook=access_guard)
            return c

    def call(self, service: str, method: str, region: str, **params: Any) -> RawResponse:
        """One call, not cached (AssumeRole is called again to refresh), errors in ``.error``."""
        from questionnaire.aws import _op_name, call_client

        client = self.client(service, region)
        with self._lock:
            self.calls += 1
        return call_client(client, service, method, _op_name(client, method), None, params)

    def assume_role(self, params: dict[str, Any]) -> RawResponse:
        return self.call("sts", "assume_role", STS_REGION, **params)

    def caller_identity(self) -> RawResponse:
        return self.call("sts", "get_caller_identity", STS_REGION)

    def list_accounts(self, **params: Any) -> RawResponse:
        return self.call("organizations", "list_accounts", ORGANIZATIONS_REGION, **params)
