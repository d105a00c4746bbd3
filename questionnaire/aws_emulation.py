"""Emulation hooks: serve chosen AWS operations from Python functions (tests, demo, benchmark).

``emulators(table)`` maps ``(service, operation)`` (or ``(service, "*")``) to ``fn(params, region) ->
response dict`` (or raises :class:`EmulatedError`; returning None passes the call through, e.g. to moto).
Used by ``questionnaire.testing`` for operations moto does not emulate; never active in normal runs.
:func:`is_emulated` tells the recorder whether a response came from an emulator (for the manifest).
"""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator
from urllib.parse import urlparse

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
    mod = sys.modules.get("moto.core.models")
    stub = getattr(mod, "botocore_stubber", None) if mod else None
    return bool(getattr(stub, "enabled", False))


def _endpoint_is_local(service: str) -> bool:
    url = os.environ.get(f"AWS_ENDPOINT_URL_{service.upper().replace('-', '_')}") or os.environ.get("AWS_ENDPOINT_URL")
    if not url:
        return False
    host = (urlparse(url).hostname or "").lower()
    return host in ("localhost", "127.0.0.1", "::1") or host.startswith("127.")


def is_emulated(service: str, operation: str) -> bool:
    """An emulator, in-process moto or a loopback endpoint serves this call (not a real AWS account)."""
    return (service, operation) in _EMULATORS or (service, "*") in _EMULATORS or _moto_active() or _endpoint_is_local(service)


def emulate(model: Any = None, context: Any = None, **_: Any) -> Any:
    """botocore ``before-call`` hook: the emulator's answer as an HTTP response, or None (a real call)."""
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


def stash_params(params: Any = None, context: Any = None, model: Any = None, **_: Any) -> None:
    """botocore ``before-parameter-build`` hook: keep the API params in the request context for emulators."""
    if context is not None and params is not None:
        context["_questionnaire_params"] = dict(params)
