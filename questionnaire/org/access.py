"""The way into each AWS account of a run, and the AssumeRole sessions that open it.

An account is read with the caller's credentials when it is the caller's own account (unless the profile
names a role for it), otherwise through ``sts:AssumeRole`` into the read-only role the profile names:
session name ``questionnaire-readonly-check`` (what CloudTrail shows in the member account), the
external id when given, the minimal duration (900 s; botocore refreshes before expiry). The credentials
never leave memory: the recorded AssumeRole response holds the assumed-role user only.

A role that cannot be assumed is an :class:`AccessFailure` (with the recorded response as evidence):
that account's findings are UNKNOWN with the reason, and the rest of the run goes on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

from questionnaire.findings import RawResponse

SESSION_NAME = "questionnaire-readonly-check"
DURATION_SECONDS = 900  # the minimum sts:AssumeRole accepts
REFRESH_BEFORE, MUST_REFRESH_BEFORE = 300, 120  # seconds before expiry
STS_REGION = "us-east-1"
NO_ROLE = "NoRoleDeclared"  # the error code of an account the profile gives no way into


@dataclass(frozen=True)
class Way:
    """How one account is reached: ``role_arn`` None means the caller's own credentials."""

    account: str
    role_arn: str | None
    external_id: str | None = None
    named_by: str = ""  # e.g. "deployments[0].aws.accounts.trail", "aws_organization", "the caller"


class AccessFailure(Exception):
    """The account could not be reached (role not assumable, no way in): its checks are UNKNOWN."""

    def __init__(self, account: str, reason: str, raw: RawResponse | None = None) -> None:
        self.account, self.reason, self.raw = account, reason, raw
        super().__init__(reason)


def ways_in(profile: Any, caller_account: str | None, extra_accounts: list[str] = ()) -> dict[str, Way]:
    """Every account the run reads and how: the accounts the AWS deployments name, plus ``extra_accounts``
    (an organization's members) through ``aws_organization.role_name``."""
    ways: dict[str, Way] = {}
    for i, d in enumerate(profile.aws_deployments()):
        aws = d.aws
        named = [("account_id", aws.account_id)]
        if aws.accounts is not None:
            named += [(f"accounts.{k}", v) for k, v in aws.accounts.model_dump().items() if v]
        for field, acct in named:
            if acct in ways:
                continue
            role = aws.role_arns.get(acct) if acct == caller_account else aws.role_for(acct, d.regions[0])
            ways[acct] = Way(acct, role, aws.external_id if role else None, f"deployments[{i}].aws.{field}")
    org = getattr(profile, "aws_organization", None)
    for acct in extra_accounts:
        if acct in ways:
            continue
        if acct == caller_account:
            ways[acct] = Way(acct, None, None, "the caller")
        elif org is not None:
            from questionnaire.profile_aws_access import role_arn

            ways[acct] = Way(acct, role_arn(acct, org.role_name), org.external_id, "aws_organization.role_name")
        else:
            ways[acct] = Way(acct, None, None, "")
    return ways


def _no_way(way: Way, caller_account: str | None) -> str | None:
    if way.role_arn is None and way.account != caller_account:
        if way.named_by.startswith("deployments"):
            return (f"account {way.account} is not the caller's ({caller_account}) and {way.named_by} gives no role: "
                    "set aws.role_name or aws.role_arns")
        return (f"account {way.account} is not the caller's ({caller_account}) and no role is declared for it: "
                "set aws_organization.role_name")
    return None


class AccountSessions:
    """The run's credentials per account: None for the caller's own, refreshable assumed-role credentials
    otherwise. Thread-safe; each account's role is assumed once (then refreshed by botocore)."""

    def __init__(self, ways: dict[str, Way], caller_account: str | None, sts_call: Callable[..., RawResponse],
                 on_raw: Callable[[RawResponse], None] | None = None, *, duration: int = DURATION_SECONDS) -> None:
        self.ways, self.caller = ways, caller_account
        self._sts_call = sts_call  # (params) -> RawResponse with the *unsanitised* response (credentials)
        self._on_raw = on_raw or (lambda r: None)
        self.duration = duration
        self._lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._done: dict[str, Any] = {}  # account -> credentials | None (caller) | AccessFailure
        self.assumed = 0

    def way(self, account: str) -> Way:
        return self.ways.get(account) or Way(account, None, None, "")

    def credentials(self, account: str) -> Any:
        """Credentials for ``account`` (None: the caller's own); raises :class:`AccessFailure`."""
        with self._lock:
            lock = self._locks.setdefault(account, threading.Lock())
        with lock:
            if account not in self._done:
                self._done[account] = self._open(account)
        got = self._done[account]
        if isinstance(got, AccessFailure):
            raise got
        return got

    def status(self) -> dict[str, dict[str, Any]]:
        """account -> {"access": caller | assumed | failed, "role": ..., "reason": ...} for the accounts opened."""
        out: dict[str, dict[str, Any]] = {}
        for acct, got in sorted(self._done.items()):
            w = self.way(acct)
            if isinstance(got, AccessFailure):
                out[acct] = {"access": "failed", "role": w.role_arn, "reason": got.reason}
            else:
                out[acct] = {"access": "assumed" if got is not None else "caller", "role": w.role_arn}
        return out

    def _open(self, account: str) -> Any:
        way = self.way(account)
        why = _no_way(way, self.caller)
        if why:  # no call is made; the failure still carries a response (never written) to cite its reason
            raw = RawResponse(service="sts", operation="AssumeRole", region=None, params={}, response=None, timestamp="",
                              error={"code": NO_ROLE, "message": why}, account=account)
            return AccessFailure(account, why, raw)
        if way.role_arn is None:
            return None
        try:
            first = self._assume(way, record=True)
        except AccessFailure as e:
            return e
        from botocore.credentials import RefreshableCredentials

        def refresh() -> dict[str, str]:
            return self._assume(way, record=False)

        # botocore refreshes 15 minutes before expiry by default: with 900-second sessions that would be before
        # every request. Refresh 5 minutes before (2 at the latest): one AssumeRole per account per ~10 minutes.
        return RefreshableCredentials.create_from_metadata(metadata=first, refresh_using=refresh, method="assume-role",
                                                           advisory_timeout=REFRESH_BEFORE, mandatory_timeout=MUST_REFRESH_BEFORE)

    def _assume(self, way: Way, *, record: bool) -> dict[str, str]:
        params: dict[str, Any] = {"RoleArn": way.role_arn, "RoleSessionName": SESSION_NAME, "DurationSeconds": self.duration}
        if way.external_id:
            params["ExternalId"] = way.external_id
        raw = self._sts_call(params)
        creds = (raw.response or {}).get("Credentials") if raw.error is None else None
        shown = RawResponse(
            service="sts", operation="AssumeRole", region=None,
            params={**params, **({"ExternalId": "(given)"} if way.external_id else {})},
            response={"AssumedRoleUser": (raw.response or {}).get("AssumedRoleUser")} if raw.error is None else None,
            timestamp=raw.timestamp, request_id=raw.request_id, error=raw.error, emulated=raw.emulated, account=way.account,
        )
        if record:
            self._on_raw(shown)
            self.assumed += 1
        if raw.error is not None or not creds:
            code = (raw.error or {}).get("code", "no credentials returned")
            msg = " ".join(str((raw.error or {}).get("message", "")).split())[:160]
            raise AccessFailure(way.account, f"cannot assume {way.role_arn} ({code}{': ' + msg if msg else ''})", shown)
        exp = creds["Expiration"]
        return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"], "token": creds["SessionToken"],
                "expiry_time": exp if isinstance(exp, str) else exp.isoformat()}
