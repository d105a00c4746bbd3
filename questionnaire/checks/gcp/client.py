"""The read-only Google Cloud REST client: google-auth's AuthorizedSession behind an allow-list.

Settings (environment):
- ``QUESTIONNAIRE_GCP_URL``: one base URL (scheme and host, plain HTTP allowed) for every Google API
  the checks call, e.g. an emulator; anonymous credentials unless a token is set.
- ``QUESTIONNAIRE_GCP_TOKEN``: a bearer token used instead of Application Default Credentials.
- otherwise Application Default Credentials (``gcloud auth application-default login``).

Read-only is enforced by :class:`GuardedSession`, not promised: GET, plus the two documented
read-only POSTs (``…:getIamPolicy`` on Resource Manager and Logging's ``entries:list``). Anything
else raises :class:`~questionnaire.errors.ReadOnlyViolation` before a byte leaves the machine.
Every call is recorded as a :class:`RawResponse`; the token never is (headers are not recorded).
"""

from __future__ import annotations

import json
import os
import re
import time
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from questionnaire.errors import OptionalDependencyMissing, ReadOnlyViolation
from questionnaire.findings import RawResponse

URL_ENV = "QUESTIONNAIRE_GCP_URL"
TOKEN_ENV = "QUESTIONNAIRE_GCP_TOKEN"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
INSTALL_HINT = "pip install 'questionnaire[gcp]'"

HOSTS = {
    "cloudresourcemanager": "https://cloudresourcemanager.googleapis.com",
    "logging": "https://logging.googleapis.com",
    "aiplatform": "https://aiplatform.googleapis.com",
    "orgpolicy": "https://orgpolicy.googleapis.com",
    "accesscontextmanager": "https://accesscontextmanager.googleapis.com",
    "modelarmor": "https://modelarmor.googleapis.com",
}
# the only POSTs the tool may send (path patterns); every other non-GET method is refused
READ_ONLY_POSTS = (
    re.compile(r"^/v[0-9]+/(projects|folders|organizations)/[A-Za-z0-9._-]+:getIamPolicy$"),
    re.compile(r"^/v2/entries:list$"),
)
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_PAGES = 20
TIMEOUT = 30


def is_read_only(method: str, url: str) -> bool:
    method = method.upper()
    if method == "GET":
        return True
    path = urlsplit(url).path
    return method == "POST" and any(p.match(path) for p in READ_ONLY_POSTS)


def _session_class() -> Any:
    try:
        from google.auth.transport.requests import AuthorizedSession
    except ImportError:
        raise OptionalDependencyMissing(f"checking Vertex AI needs google-auth and requests; install them with: {INSTALL_HINT}") from None

    class GuardedSession(AuthorizedSession):
        """AuthorizedSession that refuses every request the read-only allow-list does not name."""

        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            if not is_read_only(method, url):
                raise ReadOnlyViolation(f"refused {method.upper()} {urlsplit(url).path}: not a read-only Google API call")
            return super().request(method, url, *args, **kwargs)

    return GuardedSession


def credentials() -> tuple[Any, bool]:
    """(google-auth credentials, whether an endpoint override is active). Raises GcpNoCredentials."""
    try:
        import google.auth
        from google.auth.credentials import AnonymousCredentials
        from google.auth.exceptions import DefaultCredentialsError
        from google.oauth2.credentials import Credentials
    except ImportError:
        raise OptionalDependencyMissing(f"checking Vertex AI needs google-auth and requests; install them with: {INSTALL_HINT}") from None
    override = bool(os.environ.get(URL_ENV))
    token = os.environ.get(TOKEN_ENV)
    if token:
        return Credentials(token=token), override
    if override:
        return AnonymousCredentials(), True
    try:
        creds, _project = google.auth.default(scopes=[SCOPE])
    except DefaultCredentialsError:
        raise GcpNoCredentials(
            "no Google credentials: run `gcloud auth application-default login`, or set "
            f"GOOGLE_APPLICATION_CREDENTIALS or {TOKEN_ENV}"
        ) from None
    except Exception as e:  # e.g. the metadata-server probe failing in an unusual network
        raise GcpNoCredentials(f"Google credentials could not be loaded ({type(e).__name__})") from None
    return creds, False


def google_url(api: str, path: str, location: str | None = None) -> str:
    host = HOSTS[api]
    if api == "aiplatform" and location and location != "global":
        host = f"https://{location}-aiplatform.googleapis.com"
    return host + path


class GcpNoCredentials(Exception):
    """No usable Google credentials: every Vertex check of the run is UNKNOWN (not an error)."""


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class GcpClient:
    """Read-only calls to Google REST APIs; each call becomes one RawResponse in ``self.raw``."""

    def __init__(self, creds: Any = None, *, base_url: str | None = None, retries: int = 2, backoff: float = 0.2) -> None:
        override = os.environ.get(URL_ENV)
        if creds is None:
            creds, _ = credentials()
        self.base_url = (base_url or override or "").rstrip("/") or None
        self.emulated = self.base_url is not None
        self.session = _session_class()(creds)
        self.retries = retries
        self.backoff = backoff
        self.raw: list[RawResponse] = []
        self.memo: dict[Any, RawResponse] = {}  # calls made once per run (e.g. the project)

    def url(self, api: str, path: str, location: str | None = None) -> str:
        """Where the call goes: the override's base URL, or the API's (regional) Google host."""
        return self.base_url + path if self.base_url else google_url(api, path, location)

    def _send(self, method: str, url: str, params: dict[str, Any] | None, body: Any) -> tuple[Any, dict[str, str] | None]:
        """One request with retries on 429/5xx: (parsed JSON, error or None)."""
        import requests
        from google.auth.exceptions import GoogleAuthError

        attempt = 0
        while True:
            try:
                resp = self.session.request(method, url, params=params, json=body, timeout=TIMEOUT)
            except requests.RequestException as e:
                return None, {"code": "EndpointUnreachable", "message": f"{type(e).__name__}: {urlsplit(url).netloc}"}
            except GoogleAuthError as e:  # expired or revoked credentials; the message never holds the token
                return None, {"code": "UNAUTHENTICATED", "message": f"{type(e).__name__}: credentials could not be refreshed"}
            if resp.status_code in RETRY_STATUS and attempt < self.retries:
                attempt += 1
                time.sleep(min(self.backoff * 2 ** (attempt - 1), 2.0))
                continue
            return _parse(resp)

    def call(self, api: str, operation: str, method: str, path: str, *, params: dict[str, Any] | None = None,
             body: Any = None, location: str | None = None, items: str | None = None) -> RawResponse:
        """Call once, or follow ``nextPageToken`` when ``items`` names the list field (pages merged)."""
        url = self.url(api, path, location)
        started = now_iso()
        response, error = self._send(method, url, params, body)
        pages, truncated = 1, False
        while items and error is None and isinstance(response, dict) and response.get("nextPageToken"):
            if pages >= MAX_PAGES:
                truncated = True
                break
            token = response.pop("nextPageToken")
            if method == "GET":
                nxt, error = self._send(method, url, {**(params or {}), "pageToken": token}, body)
            else:
                nxt, error = self._send(method, url, params, {**(body or {}), "pageToken": token})
            pages += 1
            if error is None and isinstance(nxt, dict):
                response[items] = list(response.get(items) or []) + list(nxt.get(items) or [])
                if nxt.get("nextPageToken"):
                    response["nextPageToken"] = nxt["nextPageToken"]
        if items and isinstance(response, dict):
            response.setdefault(items, [])
            response["pages"] = pages
            response["truncated"] = truncated
        raw = RawResponse(
            service=f"gcp.{api}", operation=operation, region=location,
            params={"method": method, "url": google_url(api, path, location), **({"endpoint": self.base_url} if self.base_url else {}),
                    **({"query": params} if params else {}), **({"body": body} if body is not None else {})},
            response=self._scrub(response) if error is None else None, timestamp=started, error=self._scrub(error),
            emulated=self.emulated,
        )
        self.raw.append(raw)
        return raw

    def _scrub(self, value: Any) -> Any:
        """A server that echoes the bearer token must not put it into the evidence."""
        secrets = [t for t in (os.environ.get(TOKEN_ENV), getattr(self.session.credentials, "token", None)) if isinstance(t, str) and len(t) >= 8]
        if value is None or not secrets:
            return value
        text = json.dumps(value)
        if not any(t in text for t in secrets):
            return value
        for t in secrets:
            text = text.replace(json.dumps(t)[1:-1], "[REDACTED:token]")
        return json.loads(text)

    def get(self, api: str, operation: str, path: str, **kw: Any) -> RawResponse:
        return self.call(api, operation, "GET", path, **kw)

    def post(self, api: str, operation: str, path: str, body: Any, **kw: Any) -> RawResponse:
        return self.call(api, operation, "POST", path, body=body, **kw)


def _parse(resp: Any) -> tuple[Any, dict[str, str] | None]:
    try:
        data = resp.json() if resp.content else {}
    except ValueError:
        data = None
    if 200 <= resp.status_code < 300:
        if data is None:
            return None, {"code": "BadResponse", "message": f"HTTP {resp.status_code}: response is not JSON"}
        return data, None
    err = (data or {}).get("error") if isinstance(data, dict) else None
    err = err if isinstance(err, dict) else {}
    status = str(err.get("status") or _STATUS_NAMES.get(resp.status_code, "HTTP_ERROR"))
    message = " ".join(str(err.get("message") or resp.reason or "").split())[:300]
    return None, {"code": status, "http_status": str(resp.status_code), "message": message}


_STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                 409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}


def assign_paths(raws: list[RawResponse], project: str) -> None:
    """Deterministic bundle paths: raw/gcp/<project>/<api>.<operation>[-n].json."""
    from questionnaire.checks.paths import assign_paths as numbered

    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", project) or "project"
    numbered(raws, lambda r: f"raw/gcp/{safe}/{r.service.removeprefix('gcp.')}.{r.operation}")
