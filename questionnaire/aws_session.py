"""boto3 sessions and clients: one shared botocore data loader, the guard, retries, timeouts, the call counter.

boto3/botocore are imported inside the functions so that ``questionnaire --help`` stays fast.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from questionnaire.aws_emulation import emulate, stash_params
from questionnaire.aws_guard import guard, install_guard

CONNECT_TIMEOUT = 3
READ_TIMEOUT = 15
MAX_ATTEMPTS = 3

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


def make_client(session: Any, service: str, region: str, recorder: Any = None, *, max_attempts: int = MAX_ATTEMPTS) -> Any:
    """A client with the read-only guard, standard retries, short timeouts and the call counter
    (``recorder.count(region, service, operation)`` once per logical call).

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
    client.meta.events.register_first("before-parameter-build.*.*", guard)
    if recorder is not None:

        def _count(model: Any = None, **_: Any) -> None:
            recorder.count(region, service, model.name)

        # before-send runs once per HTTP attempt (also on retries); before-call once per
        # logical call. We count logical calls here and HTTP attempts separately would need
        # before-send, which moto's in-process stub short-circuits; logical calls are what
        # the benchmark target is about.
        client.meta.events.register_first("before-call.*.*", _count)
    client.meta.events.register("before-parameter-build.*.*", stash_params)
    client.meta.events.register("before-call.*.*", emulate)
    return client


class ClientPool:
    """One guarded session and one client per (service, region) for a whole run, shared by its threads.

    botocore clients are thread-safe (sessions are not: creation is serialised here), so a run creates each
    client once instead of once per worker thread; creating a client is most of the CPU a call costs.
    """

    def __init__(self, recorder: Any = None, *, max_attempts: int = MAX_ATTEMPTS, session: Any = None) -> None:
        self.recorder, self.max_attempts = recorder, max_attempts
        self.session = session if session is not None else install_guard(new_session())
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        c = self._clients.get(key)
        if c is None:
            with self._lock:
                c = self._clients.get(key)
                if c is None:
                    c = self._clients[key] = make_client(self.session, service, region, self.recorder,
                                                         max_attempts=self.max_attempts)
        return c


@functools.lru_cache(maxsize=1)
def available_regions(service: str) -> tuple[str, ...]:
    """The regions botocore's endpoint data lists for ``service`` (the shared loader: endpoints.json parsed once)."""
    return tuple(sorted(new_session().get_available_regions(service)))


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
