"""AWS access for checks: sessions, the read-only guard, retries, call cache, recording.

Nothing here knows what a check means. A :class:`Recorder` is shared by one run;
each worker thread gets its own :class:`AwsContext` (own boto3 session and clients,
as boto3 requires) that calls through the shared, thread-safe cache and records
every call as a :class:`questionnaire.findings.RawResponse`.

boto3/botocore are imported lazily so `questionnaire --help` stays fast.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import json
import os
import threading
from collections import Counter
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urlparse

from questionnaire.errors import CredentialsError, EndpointError, ReadOnlyViolation
from questionnaire.findings import RawResponse

# The read-only guard is an ALLOW-LIST: exactly the botocore operations behind the IAM actions the
# registered checks declare (see allow_declared_actions), plus sts.GetCallerIdentity. Everything else
# is refused before any request is built. These are refused even when a check declares them: they
# return secret material, customer data or credentials.
ALWAYS_ALLOWED = frozenset({"sts.GetCallerIdentity"})
NEVER_ALLOWED = frozenset(
    {
        "secretsmanager.GetSecretValue",
        "secretsmanager.BatchGetSecretValue",
        "secretsmanager.GetRandomPassword",
        "ssm.GetParameter",
        "ssm.GetParameters",
        "ssm.GetParametersByPath",
        "ssm.GetParameterHistory",
        "s3.GetObject",
        "s3.GetObjectTorrent",
        "s3.SelectObjectContent",
        "logs.GetLogEvents",
        "logs.FilterLogEvents",
        "logs.GetQueryResults",
        "logs.StartLiveTail",
        "logs.GetLogRecord",
        "lambda.GetFunction",
        "lambda.GetFunctionConfiguration",
        "ecr.GetAuthorizationToken",
        "ec2.GetPasswordData",
        "kms.GetParametersForImport",
        "kms.Decrypt",
        "sts.GetSessionToken",
        "sts.GetFederationToken",
        "sts.GetWebIdentityToken",
        "sts.AssumeRole",
        "bedrock-runtime.InvokeModel",
    }
)
DENIED_OPERATIONS = NEVER_ALLOWED  # older name

# IAM action prefix -> botocore service name, where they differ
SERVICE_FOR_IAM_PREFIX: dict[str, str] = {}

_ACTION_SOURCES: list[Callable[[], Iterable[str]]] = []


def allow_declared_actions(source: Callable[[], Iterable[str]]) -> None:
    """Register where the declared IAM actions come from (the check registry calls this once).

    Read at every guarded call, so checks registered later are covered without another step.
    """
    if source not in _ACTION_SOURCES:
        _ACTION_SOURCES.append(source)


CONNECT_TIMEOUT = 3
READ_TIMEOUT = 15
MAX_ATTEMPTS = 3

# Error codes that mean "the caller may not do this" (-> UNKNOWN, never PASS).
ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "AuthorizationError",
        "Forbidden",
        "403",
    }
)
THROTTLE_CODES = frozenset(
    {"Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException", "SlowDown"}
)
UNSUPPORTED_CODE = "UnsupportedOperation"
UNREACHABLE_CODE = "EndpointUnreachable"  # connection refused, DNS, connect/read timeout, connection closed
# What AWS answers in a region the account has not enabled (opt-in regions): the region is not in use.
REGION_DISABLED_CODES = frozenset({"OptInRequired", "UnrecognizedClientException", "InvalidClientTokenId"})
TRUNCATED_CODE = "PagesTruncated"
MAX_PAGES = 50


def classify(error: dict[str, Any] | None) -> str:
    """What an API error means for a judge: ok, explicit_deny (an SCP or explicit Deny: the strongest
    evidence that the call is blocked), denied, throttled, unreachable, unsupported, region_disabled, error.

    Only ``explicit_deny`` and ``region_disabled`` are evidence about the account; every other error
    means "cannot tell" (UNKNOWN), never "not in use"."""
    if not error:
        return "ok"
    code = str(error.get("code") or "")
    msg = str(error.get("message") or "").lower()
    if code in ACCESS_DENIED_CODES:
        return "explicit_deny" if "explicit deny" in msg else "denied"
    if code in THROTTLE_CODES:
        return "throttled"
    if code == UNREACHABLE_CODE:
        return "unreachable"
    if code == UNSUPPORTED_CODE:
        return "unsupported"
    if code in REGION_DISABLED_CODES:
        return "region_disabled"
    return "error"


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


@functools.lru_cache(maxsize=None)
def paginator_config(service: str, operation: str, output_members: frozenset[str] = frozenset()) -> tuple[Any, Any, Any]:
    """(input token, output token, more-results key) from botocore's paginator model, else from the
    output shape's own Marker/IsTruncated or NextToken/nextToken member; (None, None, None): one page."""
    if _LOADER is None:
        new_session()
    try:
        cfg = (_LOADER.load_service_model(service, "paginators-1").get("pagination") or {}).get(operation) or {}
    except Exception:  # botocore's DataNotFoundError: the service has no paginators
        cfg = {}
    if cfg:
        return cfg.get("input_token"), cfg.get("output_token"), cfg.get("more_results")
    for tok, flag in (("Marker", "IsTruncated"), ("NextToken", None), ("nextToken", None)):
        if tok in output_members:
            return tok, tok, flag if flag in output_members else None
    return None, None, None


# boto3 operation -> IAM action, where they differ (default: "<service>:<Operation>").
IAM_ACTION_OVERRIDES = {
    "s3.GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3.GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "s3.GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3.GetBucketVersioning": "s3:GetBucketVersioning",
    "s3.GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "s3control.GetPublicAccessBlock": "s3:GetAccountPublicAccessBlock",
}


# boto3 service name -> IAM prefix, where they differ
IAM_PREFIXES = {"bedrock-agent": "bedrock", "bedrock-runtime": "bedrock", "bedrock-agent-runtime": "bedrock", "s3control": "s3"}
_OPERATION_FOR_ACTION = {action: op for op, action in IAM_ACTION_OVERRIDES.items()}


def iam_action(service: str, operation: str) -> str:
    """The IAM action a boto3 operation needs."""
    return IAM_ACTION_OVERRIDES.get(f"{service}.{operation}", f"{IAM_PREFIXES.get(service, service)}:{operation}")


def _declared_actions() -> frozenset[str]:
    """The exact IAM actions the registered checks declare (wildcards allow nothing)."""
    actions: set[str] = set()
    for source in _ACTION_SOURCES:
        actions.update(a for a in source() if ":" in a and "*" not in a and "?" not in a)
    return frozenset(actions)


@functools.lru_cache(maxsize=None)
def _operation_names(service: str) -> frozenset[str]:
    import botocore.session

    try:
        return frozenset(botocore.session.get_session().get_service_model(service).operation_names)
    except Exception:  # noqa: BLE001 - not a botocore service name
        return frozenset()


def operation_for_action(action: str) -> str | None:
    """``"s3:GetEncryptionConfiguration"`` -> ``"s3.GetBucketEncryption"``; ``"bedrock:GetAgent"`` ->
    ``"bedrock-agent.GetAgent"`` (the boto3 service that has it); None for wildcards/malformed."""
    if action in _OPERATION_FOR_ACTION:
        return _OPERATION_FOR_ACTION[action]
    prefix, sep, name = action.partition(":")
    if not sep or not name or "*" in action or "?" in action:
        return None  # the allow-list holds exact operations only
    services = [SERVICE_FOR_IAM_PREFIX.get(prefix, prefix)] + [s for s, p in IAM_PREFIXES.items() if p == prefix]
    found = [s for s in services if name in _operation_names(s)]
    return f"{(found or services)[0]}.{name}"


def allowed_operations() -> frozenset[str]:
    """Every botocore operation the guard lets through right now."""
    ops = set(ALWAYS_ALLOWED) | {op for a in _declared_actions() if (op := operation_for_action(a))}
    return frozenset(ops - NEVER_ALLOWED)


def is_read_only(service: str, operation: str) -> bool:
    """True only for an operation whose IAM action a registered check declares (never a sensitive read)."""
    op = f"{service}.{operation}"
    if op in NEVER_ALLOWED:
        return False
    return op in ALWAYS_ALLOWED or iam_action(service, operation) in _declared_actions()


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


def _guard(model: Any = None, **_: Any) -> None:
    """botocore ``before-parameter-build`` hook: refuse anything that is not a read."""
    service = model.service_model.service_name
    if not is_read_only(service, model.name):
        raise ReadOnlyViolation(
            f"refused AWS call {service}:{model.name}: the tool is read-only "
            "(only the operations its registered checks declare are allowed; see `questionnaire iam-policy`)"
        )


def install_guard(session: Any) -> Any:
    """Put the guard on a boto3 session: every client AND every ``session.resource(...)`` made from it."""
    session.events.register_first("before-parameter-build.*.*", _guard)
    return session


# Emulators: (service, operation) -> fn(params, region) -> response dict, or raises EmulatedError.
# Used by questionnaire.testing for operations moto does not emulate; never active in normal runs.
_EMULATORS: dict[tuple[str, str], Callable[[dict[str, Any], str], dict[str, Any]]] = {}
_EMULATOR_LOCK = threading.Lock()


class EmulatedError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        self.code, self.message, self.status = code, message, status
        super().__init__(f"{code}: {message}")


@contextmanager
def emulators(table: dict[tuple[str, str], Callable[[dict[str, Any], str], dict[str, Any]]]) -> Iterator[None]:
    """Serve the given operations from Python functions instead of the network (tests, demo)."""
    with _EMULATOR_LOCK:
        saved = dict(_EMULATORS)
        for service, op in table:
            if op == "*":  # a service-wide emulator replaces earlier per-operation ones
                for key in [k for k in _EMULATORS if k[0] == service]:
                    del _EMULATORS[key]
        _EMULATORS.update(table)
    try:
        yield
    finally:
        with _EMULATOR_LOCK:
            _EMULATORS.clear()
            _EMULATORS.update(saved)


def _moto_active() -> bool:
    import sys

    mod = sys.modules.get("moto.core.models")
    stub = getattr(mod, "botocore_stubber", None) if mod else None
    return bool(getattr(stub, "enabled", False))


def _endpoint_is_local(service: str) -> bool:
    url = os.environ.get(f"AWS_ENDPOINT_URL_{service.upper().replace('-', '_')}") or os.environ.get("AWS_ENDPOINT_URL")
    if not url:
        return False
    host = (urlparse(url).hostname or "").lower()
    return host in ("localhost", "127.0.0.1", "::1") or host.startswith("127.")


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


class AwsContext:
    """One thread's view of AWS: its own boto3 session and clients, the run's shared recorder."""

    def __init__(self, recorder: Recorder | None = None, *, max_attempts: int = MAX_ATTEMPTS) -> None:
        self.recorder = recorder or Recorder()
        self.session = install_guard(new_session())
        self._clients: dict[tuple[str, str], Any] = {}
        self.max_attempts = max_attempts
        self.check_id: str | None = None  # set by the runner while a collector runs

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        c = self._clients.get(key)
        if c is None:
            c = make_client(self.session, service, region, self.recorder, max_attempts=self.max_attempts)
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
        key = (service, region, rec_region, operation, json.dumps(json_safe(params), sort_keys=True))
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
        emulated = (service, operation) in _EMULATORS or (service, "*") in _EMULATORS or _moto_active() or _endpoint_is_local(service)
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


_LOADER = None
_LOADER_LOCK = threading.Lock()


def new_session() -> Any:
    """A new boto3 session (one per thread) sharing one botocore data loader, so that the
    service models are parsed once per process instead of once per thread."""
    global _LOADER
    import boto3
    import botocore.session

    core = botocore.session.Session()
    with _LOADER_LOCK:
        if _LOADER is None:
            _LOADER = core.get_component("data_loader")
        else:
            core.register_component("data_loader", _LOADER)
    return boto3.session.Session(botocore_session=core)


def make_client(session: Any, service: str, region: str, recorder: Recorder | None = None, *, max_attempts: int = MAX_ATTEMPTS) -> Any:
    """A client with the read-only guard, standard retries, short timeouts and the call counter.

    boto3 honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> natively.
    """
    from botocore.config import Config

    cfg = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": "standard", "max_attempts": max_attempts},
        user_agent_extra="questionnaire-check",
    )
    client = session.client(service, region_name=region, config=cfg)
    client.meta.events.register_first("before-parameter-build.*.*", _guard)
    if recorder is not None:

        def _count(model: Any = None, **_: Any) -> None:
            recorder.count(region, service, model.name)

        # before-send runs once per HTTP attempt (also on retries); before-call once per
        # logical call. We count logical calls here and HTTP attempts separately would need
        # before-send, which moto's in-process stub short-circuits; logical calls are what
        # the benchmark target is about.
        client.meta.events.register_first("before-call.*.*", _count)
    client.meta.events.register("before-parameter-build.*.*", _stash_params)
    client.meta.events.register("before-call.*.*", _emulate)
    return client


def _emulate(model: Any = None, context: Any = None, **_: Any) -> Any:
    key = (model.service_model.service_name, model.name)
    fn = _EMULATORS.get(key) or _EMULATORS.get((key[0], "*"))
    if fn is None:
        return None
    from botocore.awsrequest import AWSResponse

    region = (context or {}).get("client_region") or ""
    params = (context or {}).get("_questionnaire_params") or {}
    try:
        body = fn(params, region)
        if body is None:  # the emulator passes this call through (e.g. to moto)
            return None
        status = 200
        parsed = dict(body)
        parsed["ResponseMetadata"] = {"RequestId": f"emulated-{model.name}", "HTTPStatusCode": 200}
    except EmulatedError as e:
        status = e.status
        parsed = {
            "Error": {"Code": e.code, "Message": e.message},
            "ResponseMetadata": {"RequestId": f"emulated-{model.name}", "HTTPStatusCode": e.status},
        }
    return AWSResponse("https://emulated.invalid/", status, {}, None), parsed


def _stash_params(params: Any = None, context: Any = None, model: Any = None, **_: Any) -> None:
    """Keep the API params and region in the request context so emulators can see them."""
    if context is not None and params is not None:
        context["_questionnaire_params"] = dict(params)


def identity(ctx: AwsContext, region: str) -> RawResponse:
    """sts.GetCallerIdentity, failing fast with one clear error when AWS cannot be reached."""
    raw = ctx.call("sts", "get_caller_identity", region, record_region=None)
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
