"""boto3 sessions and clients: one shared botocore data loader, the guard, retries, timeouts, the call counter.

boto3/botocore are imported inside the functions so that ``questionnaire --help`` stays fast.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from questionnaire.aws_emulation import emulate, stash_params
from questionnaire.aws_guard import guard

CONNECT_TIMEOUT = 3
READ_TIMEOUT = 15
MAX_ATTEMPTS = 3

_LOADER = None
_LOADER_LOCK = threading.Lock()


# sessions made here -> {("model"|"class", service, api_version): ServiceModel / client class}
_REUSE: Any = None


def _reuse_per_session(core: Any) -> None:
    """botocore builds a new ServiceModel and a new client class for every client; the sessions made here
    build them once per service and reuse them for every region (a client class depends on the service model
    and the session's handlers only, both fixed here). Other botocore sessions are untouched."""
    global _REUSE
    import weakref

    import botocore.client

    if _REUSE is None:
        _REUSE = weakref.WeakKeyDictionary()
        base = botocore.client.ClientCreator

        class ReusingClientCreator(base):  # type: ignore[misc, valid-type]
            def _load_service_model(self, service_name: str, api_version: Any = None) -> Any:
                memo = _REUSE.get(self._event_emitter)
                if memo is None:
                    return super()._load_service_model(service_name, api_version)
                key = ("model", service_name, api_version)
                if key not in memo:
                    memo[key] = super()._load_service_model(service_name, api_version)
                return memo[key]

            def _create_client_class(self, service_name: str, service_model: Any) -> Any:
                memo = _REUSE.get(self._event_emitter)
                if memo is None:
                    return super()._create_client_class(service_name, service_model)
                key = ("class", service_name, id(service_model))
                if key not in memo:
                    memo[key] = super()._create_client_class(service_name, service_model)
                return memo[key]

        botocore.client.ClientCreator = ReusingClientCreator
    _REUSE[core.get_component("event_emitter")] = {}


def _plain_json_loader() -> Any:
    """botocore's JSON file loader with plain dicts (ordered since Python 3.7) instead of OrderedDict: the C
    decoder without a Python hook parses the service models and endpoint data about twice as fast."""
    import json

    import botocore.loaders

    class PlainJSONFileLoader(botocore.loaders.JSONFileLoader):
        def _load_file(self, full_path: str, open_method: Any) -> Any:
            import os

            if not os.path.isfile(full_path):
                return None
            with open_method(full_path, "rb") as fp:
                return json.loads(fp.read().decode("utf-8"))

    return PlainJSONFileLoader()


def new_core_session(credentials: Any = None) -> Any:
    """A new botocore session sharing one botocore data loader, so that the service models are parsed once
    per process instead of once per session; what ``check`` makes its clients from (boto3 is not imported:
    its resources and transfer managers are not used, and importing it was ~0.03 s of a run).

    ``credentials`` (e.g. refreshable assumed-role credentials of another account): the session uses
    these and nothing else; default: the standard credential chain."""
    global _LOADER
    import botocore.session

    core = botocore.session.Session()
    with _LOADER_LOCK:
        if _LOADER is None:
            _LOADER = core.get_component("data_loader")
            _LOADER.file_loader = _plain_json_loader()
        else:
            core.register_component("data_loader", _LOADER)
    if credentials is not None:
        _use_credentials(core, credentials)
    with _LOADER_LOCK:
        _reuse_per_session(core)
    return core


def new_session(credentials: Any = None) -> Any:
    """A boto3 session over :func:`new_core_session` (``session.client`` / ``session.resource``)."""
    return boto3_session(new_core_session(credentials))


def boto3_session(core: Any) -> Any:
    """The boto3 session of a botocore session (same event hooks: a guard installed on either covers both)."""
    import boto3

    return boto3.session.Session(botocore_session=core)


def _use_credentials(core: Any, credentials: Any) -> None:
    from botocore.credentials import CredentialProvider, CredentialResolver

    class _Given(CredentialProvider):
        METHOD = "questionnaire-assumed-role"

        def load(self) -> Any:
            return credentials

    core.register_component("credential_provider", CredentialResolver(providers=[_Given()]))


def make_client(session: Any, service: str, region: str, recorder: Any = None, *, max_attempts: int = MAX_ATTEMPTS,
                limiter: Any = None, account: str | None = None, hook: Any = guard) -> Any:
    """A client with the read-only guard (``hook``), botocore's adaptive retry mode (exponential backoff plus a
    client-side rate that slows down on throttling), short timeouts, the call counter
    (``recorder.count(region, service, operation)`` once per logical call) and, with a ``limiter``
    (``questionnaire.org.ratelimit.RateLimiter``), the per-(account, region, service) request rate.

    botocore honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> natively.
    """
    from botocore.config import Config

    cfg = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": "adaptive", "max_attempts": max_attempts},
        user_agent_extra="questionnaire-check",
    )
    create = getattr(session, "create_client", None) or session.client  # a botocore or a boto3 session
    client = create(service, region_name=region, config=cfg)
    client.meta.events.register_first("before-parameter-build.*.*", hook)
    if limiter is not None:
        def _pace(**_: Any) -> None:  # a before-call handler that returns something replaces the response
            limiter.acquire(account, region, service)

        client.meta.events.register("before-call.*.*", _pace)
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


@functools.lru_cache(maxsize=1)
def available_regions(service: str) -> tuple[str, ...]:
    """The regions botocore's endpoint data lists for ``service`` (the shared loader: endpoints.json parsed once)."""
    return tuple(sorted(new_core_session().get_available_regions(service)))


@functools.lru_cache(maxsize=None)
def paginator_config(service: str, operation: str, output_members: frozenset[str] = frozenset()) -> tuple[Any, Any, Any]:
    """(input token, output token, more-results key) from botocore's paginator model, else from the
    output shape's own Marker/IsTruncated or NextToken/nextToken member; (None, None, None): one page."""
    if _LOADER is None:
        new_core_session()
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
