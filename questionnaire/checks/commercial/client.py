"""Read-only HTTP client for the OpenAI and Anthropic Admin APIs (httpx, GET only).

Why httpx and not the SDKs: the official ``openai`` and ``anthropic`` SDKs expose these admin
endpoints (``client.admin.organization.*``; Anthropic under ``client.beta.organization.*``), but both
parse into models; here every page must be kept exactly as the provider sent it (the bundle's raw
evidence), every request must pass one GET-only guard, and the key must never leave the request
headers. One small transport does the three for both providers.

- :class:`GetOnlyTransport` refuses anything but GET (``ReadOnlyViolation``) before a byte is sent.
- :class:`AdminClient` records every response as a :class:`RawResponse` (path, query, status, JSON),
  with the admin key scrubbed from everything recorded (an error body that echoes the key included).
- Errors (401, 403, 404, 429, 5xx, transport) become ``RawResponse.error`` = ``{"code", "message"}``;
  the judges turn them into UNKNOWN, never PASS.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from questionnaire.errors import OptionalDependencyMissing, ReadOnlyViolation
from questionnaire.findings import RawResponse

ALLOWED_METHODS = frozenset({"GET"})
MAX_PAGES = 50
PAGE_LIMIT = 100
SCRUB = "[REDACTED:admin-key]"


@dataclass(frozen=True)
class Provider:
    name: str  # "openai" | "anthropic"
    key_env: str
    url_env: str
    default_url: str
    after_param: str  # cursor query parameter: OpenAI "after", Anthropic "after_id"

    def headers(self, key: str) -> dict[str, str]:
        if self.name == "openai":
            return {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        return {"x-api-key": key, "anthropic-version": "2023-06-01", "Accept": "application/json"}


OPENAI = Provider("openai", "OPENAI_ADMIN_KEY", "OPENAI_BASE_URL", "https://api.openai.com/v1", "after")
ANTHROPIC = Provider("anthropic", "ANTHROPIC_ADMIN_KEY", "ANTHROPIC_BASE_URL", "https://api.anthropic.com", "after_id")
PROVIDERS = {"openai": OPENAI, "anthropic": ANTHROPIC}


def _httpx() -> Any:
    try:
        import httpx
    except ImportError:
        raise OptionalDependencyMissing(
            "verifying OpenAI/Anthropic accounts needs httpx; install it with: pip install 'questionnaire[commercial]'"
        ) from None
    return httpx


def guard(method: str, url: str) -> None:
    """The read-only rule for every request to an admin API: GET, nothing else."""
    if method.upper() not in ALLOWED_METHODS:
        raise ReadOnlyViolation(f"refused {method.upper()} {urlparse(url).path}: the commercial-API checks only send GET requests")


def make_transport(inner: Any = None) -> Any:
    httpx = _httpx()

    class GetOnlyTransport(httpx.BaseTransport):
        def __init__(self, wrapped: Any) -> None:
            self._wrapped = wrapped

        def handle_request(self, request: Any) -> Any:
            guard(request.method, str(request.url))
            return self._wrapped.handle_request(request)

        def close(self) -> None:
            self._wrapped.close()

    return GetOnlyTransport(inner or httpx.HTTPTransport(retries=0))


def is_local(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return host in ("localhost", "::1") or host.startswith("127.")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class AdminClient:
    """One provider's admin API, for one deployment. ``get``/``pages`` return RawResponses."""

    def __init__(self, provider: Provider, key: str, base_url: str | None = None, *, retries: int = 2,
                 timeout: float = 20.0, transport: Any = None, backoff: float = 1.0) -> None:
        httpx = _httpx()
        self.provider = provider
        self._key = key
        self.base_url = (base_url or os.environ.get(provider.url_env) or provider.default_url).rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.emulated = is_local(self.base_url)
        if urlparse(self.base_url).scheme != "https" and not self.emulated:
            from questionnaire.errors import UserInputError

            raise UserInputError(f"{provider.url_env} must be an https:// URL (or a loopback address): the admin key "
                                 "would otherwise travel unencrypted")
        self.raws: list[RawResponse] = []
        self._http = httpx.Client(transport=make_transport(transport), timeout=timeout, headers=provider.headers(key),
                                  follow_redirects=False)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "AdminClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- scrubbing: the key never reaches a RawResponse or a message
    def scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(self._key, SCRUB) if self._key else value
        if isinstance(value, list):
            return [self.scrub(v) for v in value]
        if isinstance(value, dict):
            return {self.scrub(k): self.scrub(v) for k, v in value.items()}
        return value

    def _url(self, path: str) -> str:
        if self.provider.name == "openai":  # base URL ends in /v1 (the SDK's convention)
            return f"{self.base_url}/{path.lstrip('/')}"
        return f"{self.base_url}/v1/{path.lstrip('/')}"

    def get(self, path: str, params: dict[str, Any] | None = None, operation: str | None = None,
            headers: dict[str, str] | None = None) -> RawResponse:
        """One GET, retried on 429/5xx; the RawResponse carries the body or the error."""
        params = {k: v for k, v in (params or {}).items() if v is not None}
        raw = RawResponse(service=self.provider.name, operation=operation or path, region=None,
                          params={"path": "/" + path.lstrip("/"), **params}, response=None, timestamp=_now(),
                          emulated=self.emulated)
        attempt = 0
        while True:
            status, body, request_id, err = self._send(path, params, headers)
            if status in (429, 500, 502, 503, 504) and attempt < self.retries:
                attempt += 1
                time.sleep(self.backoff * attempt)
                continue
            break
        raw.request_id = self.scrub(request_id)
        raw.response = self.scrub(body)
        if err is not None:
            raw.error = {"code": err[0], "message": self.scrub(err[1])[:200]}
        self.raws.append(raw)
        return raw

    def _send(self, path: str, params: dict[str, Any],
              headers: dict[str, str] | None = None) -> tuple[int | None, Any, str | None, tuple[str, str] | None]:
        httpx = _httpx()
        try:
            resp = self._http.get(self._url(path), params=params, headers=headers)
        except ReadOnlyViolation:
            raise
        except httpx.TimeoutException:
            return None, None, None, ("Timeout", "the request timed out")
        except httpx.HTTPError as e:
            return None, None, None, ("EndpointUnreachable", type(e).__name__)
        request_id = resp.headers.get("x-request-id") or resp.headers.get("request-id")
        try:
            body = resp.json()
        except (json.JSONDecodeError, ValueError):
            body = {"text": resp.text[:500]}
        if resp.status_code == 200 and isinstance(body, dict):
            return 200, body, request_id, None
        if resp.status_code == 200:
            return 200, body, request_id, ("BadResponse", "the response is not a JSON object")
        return resp.status_code, body, request_id, (f"HTTP{resp.status_code}", _error_message(body))

    def pages(self, path: str, params: dict[str, Any] | None = None, operation: str | None = None) -> list[RawResponse]:
        """Every page of a cursor list (``has_more`` + ``last_id`` -> ``after``/``after_id``)."""
        params = {"limit": PAGE_LIMIT, **(params or {})}
        out: list[RawResponse] = []
        for _ in range(MAX_PAGES):
            raw = self.get(path, params, operation)
            out.append(raw)
            body = raw.response if raw.error is None else None
            if not isinstance(body, dict) or not body.get("has_more"):
                break
            data = body.get("data") or []
            cursor = body.get("last_id") or (data[-1].get("id") if data and isinstance(data[-1], dict) else None)
            if not cursor or cursor == params.get(self.provider.after_param):
                raw.error = {"code": "BadPagination", "message": "has_more without a new cursor"}
                break
            params = {**params, self.provider.after_param: cursor}
        else:
            out[-1].error = {"code": "TooManyPages", "message": f"more than {MAX_PAGES} pages; not all items were read"}
        return out


def _error_message(body: Any) -> str:
    """The provider's own error type/message ({"error": {"type", "message"}}), shortened."""
    if isinstance(body, dict):
        e = body.get("error")
        if isinstance(e, dict):
            kind = e.get("type") or e.get("code") or ""
            msg = e.get("message") or ""
            return f"{kind}: {msg}".strip(": ")[:200]
        if isinstance(e, str):
            return e[:200]
    return ""


def items(pages: list[RawResponse]) -> list[dict[str, Any]] | None:
    """Every item of a paged list, or None when any page failed (the list is then incomplete)."""
    out: list[dict[str, Any]] = []
    for p in pages:
        if p.error is not None or not isinstance(p.response, dict):
            return None
        out.extend(x for x in (p.response.get("data") or []) if isinstance(x, dict))
    return out


def first_error(raws: list[RawResponse]) -> RawResponse | None:
    return next((r for r in raws if r.error is not None), None)
