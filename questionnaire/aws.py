"""AWS access for checks: the call layer (cache, recording, pages) over the guarded sessions.

Nothing here knows what a check means. A :class:`Recorder` is shared by one run; each worker thread
gets its own :class:`AwsContext` (own boto3 session and clients, as boto3 requires) that calls through
the shared, thread-safe cache and records every call as a :class:`questionnaire.findings.RawResponse`.

The other layers live next to it: ``aws_guard`` (the read-only allow-list), ``aws_session`` (sessions
and clients), ``aws_emulation`` (emulators for tests and the demo), ``aws_errors`` (what an error code
means). Their public names are importable from here too.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import threading
from collections import Counter
from typing import Any

from questionnaire.aws_emulation import EmulatedError, emulators, is_emulated
from questionnaire.aws_errors import (
    ACCESS_DENIED_CODES,
    REGION_DISABLED_CODES,
    THROTTLE_CODES,
    TRUNCATED_CODE,
    UNREACHABLE_CODE,
    UNSUPPORTED_CODE,
    classify,
)
from questionnaire.aws_guard import (
    ALWAYS_ALLOWED,
    DENIED_OPERATIONS,
    IAM_ACTION_OVERRIDES,
    NEVER_ALLOWED,
    allow_declared_actions,
    allowed_operations,
    iam_action,
    install_guard,
    is_read_only,
    operation_for_action,
)
from questionnaire.aws_session import (
    MAX_ATTEMPTS,
    available_regions,
    boto3_session,
    make_client,
    new_core_session,
    new_session,
    paginator_config,
)
from questionnaire.errors import CredentialsError, EndpointError, ReadOnlyViolation
from questionnaire.findings import RawResponse

__all__ = [
    "ACCESS_DENIED_CODES", "ALWAYS_ALLOWED", "DENIED_OPERATIONS", "IAM_ACTION_OVERRIDES", "MAX_ATTEMPTS", "MAX_PAGES",
    "NEVER_ALLOWED", "REGION_DISABLED_CODES", "THROTTLE_CODES", "TRUNCATED_CODE", "UNREACHABLE_CODE", "UNSUPPORTED_CODE",
    "AwsContext", "EmulatedError", "SharedClients", "Pages", "Recorder", "allow_declared_actions", "allowed_operations", "available_regions",
    "classify", "emulators", "iam_action", "identity", "identity_error", "install_guard", "is_read_only", "json_safe", "make_client",
    "new_core_session", "new_session",
    "now_iso", "operation_for_action",
]

MAX_PAGES = 50


class Pages(list):  # list[RawResponse], one per page, in order
    """Every page of one list call; ``complete`` only when every page was read without error."""

    truncated = False  # stopped after MAX_PAGES with a next token still set

    @property
    def failed(self) -> RawResponse | None:
        bad = next((r for r in self if r.error), None)
        if bad is None and self.truncated and self:
            return dataclasses.replace(self[-1], error={"code": TRUNCATED_CODE, "message": f"more than {MAX_PAGES} pages"})
        return bad

    complete = property(lambda self: bool(self) and self.failed is None)
    error = property(lambda self: self.failed.error if self.failed is not None else None)  # like a RawResponse

    def items(self, key: str) -> list[Any]:
        return [x for r in self if r.error is None for x in ((r.response or {}).get(key) or [])]


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_safe(value: Any) -> Any:
    """Responses as plain JSON: datetimes to ISO-8601 strings, bytes to a note, no ResponseMetadata."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return f"<{len(value)} bytes>"
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


class Recorder:
    """Shared by all threads of one run: call cache, raw responses, call counter."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple, RawResponse] = {}
        self._inflight: dict[tuple, threading.Event] = {}
        self.raw: list[RawResponse] = []
        self.calls: Counter[str] = Counter()  # "region/service.Operation" -> HTTP-level calls made
        self.operations_by_check: dict[str, set[str]] = {}

    def count(self, region: str | None, service: str, operation: str) -> None:
        with self._lock:
            self.calls[f"{region or 'global'}/{service}.{operation}"] += 1

    def calls_by_region(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for k, n in self.calls.items():
            out[k.split("/", 1)[0]] += n
        return dict(out)

    def note(self, check_id: str | None, service: str, operation: str) -> None:
        if check_id:
            with self._lock:
                self.operations_by_check.setdefault(check_id, set()).add(f"{service}.{operation}")


def _op_name(client: Any, method: str) -> str:
    return client.meta.method_to_api_mapping.get(method) or "".join(p.title() for p in method.split("_"))


class _Sessions:
    """A guarded botocore session (``core``, what clients are made from) and, when asked for, the boto3 session
    over it (``session``: ``client`` / ``resource``, guarded by the same hook)."""

    core: Any
    _boto3: Any = None

    @property
    def session(self) -> Any:
        owner = getattr(self, "shared", None) or self  # a context of shared clients: their one boto3 session
        if owner._boto3 is None:
            owner._boto3 = boto3_session(owner.core)
        return owner._boto3


class SharedClients(_Sessions):
    """One account's guarded session and clients, shared by every thread of a run.
    botocore clients are thread-safe, sessions are not: clients are made under a lock, once each."""

    def __init__(self, credentials: Any = None) -> None:
        self.core = install_guard(new_core_session(credentials))
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Make new clients from now on (a forked process: the old ones hold the parent's connections)."""
        self._clients, self._lock = {}, threading.Lock()

    def client(self, service: str, region: str, make: Any) -> Any:
        with self._lock:
            c = self._clients.get((service, region))
            if c is None:
                c = self._clients[(service, region)] = make(self.core)
            return c


class AwsContext(_Sessions):
    """One thread's view of AWS: its own session and clients (or one account's, shared by the threads:
    ``shared=``), the run's shared recorder."""

    def __init__(self, recorder: Recorder | None = None, *, max_attempts: int = MAX_ATTEMPTS, credentials: Any = None,
                 account: str | None = None, limiter: Any = None, router: Any = None, shared: SharedClients | None = None) -> None:
        self.recorder = recorder or Recorder()
        self.shared = shared  # one account's clients, shared by the threads (else this context's own session)
        self.core = shared.core if shared is not None else install_guard(new_core_session(credentials))
        self._clients: dict[tuple[str, str], Any] = {}
        self.max_attempts = max_attempts
        self.check_id: str | None = None  # set by the runner while a collector runs
        # runs over several accounts: the account this context reads (recorded on every response), the
        # run's rate limiter, and the router that gives the context of another account (``at``)
        self.account, self.limiter, self.router = account, limiter, router

    def at(self, account: str | None) -> Any:
        """The context reading ``account`` (this one for its own account, or in a single-account run)."""
        if self.router is None or account in (None, self.account):
            return self
        return self.router.ctx(account, self.check_id)

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        c = self._clients.get(key)
        if c is None:
            def make(session: Any) -> Any:
                return make_client(session, service, region, self.recorder, max_attempts=self.max_attempts,
                                   limiter=self.limiter, account=self.account)

            c = self.shared.client(service, region, make) if self.shared is not None else make(self.core)
            self._clients[key] = c
        return c

    def call(self, service: str, method: str, region: str, *, record_region: str | None | bool = True, **params: Any) -> RawResponse:
        """Call ``client.method(**params)`` once per run (cached) and return the recorded response.

        API errors are recorded in ``.error`` (``{"code", "message"}``), never raised, except
        missing credentials (CredentialsError) and the read-only guard (ReadOnlyViolation).
        ``record_region=None`` records a global call (``raw/global/...``).
        """
        rec_region = region if record_region is True else (record_region or None)
        client = self.client(service, region)
        operation = _op_name(client, method)
        self.recorder.note(self.check_id, service, operation)
        key = (self.account, service, region, rec_region, operation, json.dumps(json_safe(params), sort_keys=True))
        r = self.recorder
        while True:
            with r._lock:
                hit = r._cache.get(key)
                if hit is not None:
                    return hit
                ev = r._inflight.get(key)
                if ev is None:
                    ev = threading.Event()
                    r._inflight[key] = ev
                    mine = True
                else:
                    mine = False
            if mine:
                break
            ev.wait()
        try:
            raw = self._do_call(client, service, method, operation, region, rec_region, params)
            raw.account = self.account
            with r._lock:
                r._cache[key] = raw
                r.raw.append(raw)
            return raw
        finally:
            with r._lock:
                r._inflight.pop(key, None)
            ev.set()

    def pages(self, service: str, method: str, region: str, *, record_region: str | None | bool = True, **params: Any) -> Pages:
        """Every page of a list call (IsTruncated/Marker, nextToken, NextToken). Each page is recorded;
        a failed page stops the walk (``Pages.failed``)."""
        model = self.client(service, region).meta.service_model.operation_model(_op_name(self.client(service, region), method))
        in_tok, out_tok, more = paginator_config(service, model.name, frozenset(getattr(model.output_shape, "members", None) or ()))
        out, p = Pages(), dict(params)
        for _ in range(MAX_PAGES):
            raw = self.call(service, method, region, record_region=record_region, **p)
            out.append(raw)
            resp = raw.response or {}
            token = resp.get(out_tok) if isinstance(out_tok, str) and raw.error is None else None
            if not token or (more and not resp.get(more)) or token == p.get(in_tok):
                return out
            p = {**params, in_tok: token}
        out.truncated = True
        return out

    def _do_call(self, client: Any, service: str, method: str, operation: str, region: str, rec_region: str | None, params: dict) -> RawResponse:
        return call_client(client, service, method, operation, rec_region, params)


def call_client(client: Any, service: str, method: str, operation: str, rec_region: str | None, params: dict) -> RawResponse:
    """One call as a RawResponse: API errors in ``.error``; only the guard and missing credentials raise."""
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        HTTPClientError,
        NoCredentialsError,
        PartialCredentialsError,
        ReadTimeoutError,
    )

    ts = now_iso()
    response: Any = None
    error: dict[str, str] | None = None
    request_id = None
    emulated = is_emulated(service, operation)
    try:
        resp = getattr(client, method)(**params)
        request_id = (resp.get("ResponseMetadata") or {}).get("RequestId")
        response = json_safe(resp)
    except ReadOnlyViolation:
        raise
    except (NoCredentialsError, PartialCredentialsError):
        raise CredentialsError(
            "no AWS credentials found; set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or run `aws sso login`)"
        ) from None
    except ClientError as e:
        err = e.response.get("Error") or {}
        code = str(err.get("Code") or e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or "ClientError")
        request_id = (e.response.get("ResponseMetadata") or {}).get("RequestId")
        if code in ("404", "501", "NotImplemented", "InvalidAction") and service == "bedrock":
            code = UNSUPPORTED_CODE
        error = {"code": code, "message": str(err.get("Message") or e)[:500]}
    except NotImplementedError as e:  # moto in-process: operation not emulated
        error = {"code": UNSUPPORTED_CODE, "message": f"operation not supported by the endpoint ({e})"[:500]}
    except (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError, HTTPClientError) as e:
        error = {"code": UNREACHABLE_CODE, "message": str(e)[:500]}
    except Exception as e:  # parse errors, unexpected HTTP bodies: UNKNOWN, never PASS
        error = {"code": type(e).__name__, "message": str(e)[:500]}
    return RawResponse(
        service=service,
        operation=operation,
        region=rec_region,
        params=json_safe(params),
        response=response,
        timestamp=ts,
        request_id=request_id,
        error=error,
        emulated=emulated,
    )


def identity(ctx: AwsContext, region: str) -> RawResponse:
    """sts.GetCallerIdentity, failing fast with one clear error when AWS cannot be reached."""
    return identity_error(ctx.call("sts", "get_caller_identity", region, record_region=None))


def identity_error(raw: RawResponse) -> RawResponse:
    """A GetCallerIdentity response, or one clear error (no credentials, rejected, unreachable): the run cannot start."""
    if raw.error:
        code = raw.error["code"]
        if code == "EndpointUnreachable":
            raise EndpointError(
                f"cannot reach the AWS STS endpoint ({raw.error['message'][:160]}); check the network, "
                "AWS_ENDPOINT_URL and the region"
            )
        if code in ("InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException", "UnrecognizedClientException"):
            raise CredentialsError(f"AWS rejected the credentials ({code}); refresh them (e.g. `aws sso login`) or set AWS_PROFILE")
        raise EndpointError(f"sts:GetCallerIdentity failed ({code}: {raw.error['message'][:160]}); cannot verify the account")
    return raw
