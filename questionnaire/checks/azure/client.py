"""The read-only ARM client: settings, credential, GET-only guard, recorded calls.

Every request goes through ``CognitiveServicesManagementClient``'s own pipeline (bearer-token
policy, retries with Retry-After, ARM policies) via ``_send_request``, with :class:`ReadOnlyPolicy`
added to it: the policy sees every attempt (after redirects and retries) and refuses anything
that is not a GET to the configured ARM host on a resource type whose ``read`` action a check
declared (``ProviderSource.checks[...]["permissions"]``). ``listKeys`` and every POST/PUT/PATCH/
DELETE are therefore refused in code, before any byte leaves the process.

The Azure SDK is imported only inside functions (``make_client``), never at module level.
"""

from __future__ import annotations

import ipaddress
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable
from urllib.parse import urlsplit

from questionnaire.errors import OptionalDependencyMissing, ReadOnlyViolation, UserInputError
from questionnaire.findings import RawResponse

ARM_URL_ENV = "QUESTIONNAIRE_AZURE_ARM_URL"
TOKEN_ENV = "QUESTIONNAIRE_AZURE_TOKEN"
CA_ENV = "REQUESTS_CA_BUNDLE"
DEFAULT_ARM_URL = "https://management.azure.com"
SCOPE_SUFFIX = "/.default"
RETRY_TOTAL = 3
CONNECT_TIMEOUT, READ_TIMEOUT = 10, 60  # seconds (azure-core's default is 300 each)
INSTALL_HINT = "the Azure checks need the azure extra; install it with: pip install 'questionnaire[azure]'"
# paths no GET may reach either (key material): refused even if a check declared them
DENIED_PATH_PARTS = ("listkeys", "regeneratekey", "listsecrets", "listconnectionstrings", "listadminkeys")


@dataclass(frozen=True)
class ArmSettings:
    url: str
    token: str | None
    ca_bundle: str | None

    @property
    def host(self) -> str:
        return (urlsplit(self.url).netloc or "").lower()

    @property
    def emulated(self) -> bool:
        """True when ARM is served from this machine (an emulator), recorded in the manifest."""
        name = (urlsplit(self.url).hostname or "").lower()
        if name == "localhost":
            return True
        try:
            return ipaddress.ip_address(name).is_loopback
        except ValueError:
            return False

    def __repr__(self) -> str:  # never print the token
        return f"ArmSettings(url={self.url!r}, token={'set' if self.token else None}, ca_bundle={self.ca_bundle!r})"


def settings(env: Any = None) -> ArmSettings:
    env = os.environ if env is None else env
    url = (env.get(ARM_URL_ENV) or DEFAULT_ARM_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise UserInputError(f"{ARM_URL_ENV} must be an https:// URL (ARM refuses bearer tokens over plain HTTP), not {url!r}")
    ca = env.get(CA_ENV) or None
    if ca and not os.path.isfile(ca):
        raise UserInputError(f"{CA_ENV} points to {ca}, which is not a file")
    return ArmSettings(url=url, token=env.get(TOKEN_ENV) or None, ca_bundle=ca)


class StaticTokenCredential:
    """A ``TokenCredential`` for QUESTIONNAIRE_AZURE_TOKEN (a bearer token obtained elsewhere)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(self._token, int(time.time()) + 3600)

    def __repr__(self) -> str:
        return "StaticTokenCredential(<hidden>)"


def action_for(path: str) -> str | None:
    """The Azure RBAC read action a GET on ``path`` needs ('Microsoft.X/type/sub/read'), or None."""
    segs = [s for s in path.split("?")[0].split("/") if s]
    low = [s.lower() for s in segs]
    if "providers" not in low:
        return None
    i = len(low) - 1 - low[::-1].index("providers")
    rest = segs[i + 1:]
    if len(rest) < 2:
        return None
    ns, types = rest[0], rest[1::2]
    return f"{ns}/{'/'.join(types)}/read"


def check_request(method: str, url: str, host: str, allowed: Iterable[str]) -> None:
    """Raise ReadOnlyViolation unless this is a GET to ``host`` on an allowed read action."""
    parts = urlsplit(url)
    what = f"{method} {parts.path}"
    if method.upper() != "GET":
        raise ReadOnlyViolation(f"refused {what}: the Azure checks are read-only (GET only)")
    if parts.scheme != "https" or parts.netloc.lower() != host:
        raise ReadOnlyViolation(f"refused GET to {parts.scheme}://{parts.netloc}: only the ARM endpoint https://{host} is allowed")
    low = parts.path.lower()
    if any(p in low for p in DENIED_PATH_PARTS):
        raise ReadOnlyViolation(f"refused {what}: key material is never read")
    action = action_for(parts.path)
    if action is None or action.lower() not in {a.lower() for a in allowed}:
        raise ReadOnlyViolation(f"refused {what}: {action or 'no resource type'} is not among the checks' declared actions")


def read_only_policy(host: str, allowed: Iterable[str]) -> Any:
    """An azure-core policy running :func:`check_request` on every attempt."""
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    allowed = tuple(allowed)

    class ReadOnlyPolicy(SansIOHTTPPolicy):
        def on_request(self, request: Any) -> None:
            req = request.http_request
            check_request(req.method, req.url, host, allowed)

    return ReadOnlyPolicy()


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ArmClient:
    """GETs through the SDK pipeline; every call is returned as a RawResponse (never raises for HTTP errors)."""

    def __init__(self, sdk_client: Any, cfg: ArmSettings) -> None:
        self.sdk = sdk_client
        self.cfg = cfg
        self.calls = 0

    def get(self, path: str, api_version: str | None, params: dict[str, str] | None = None) -> RawResponse:
        from azure.core.exceptions import AzureError
        from azure.core.rest import HttpRequest

        query = dict(params or {})
        if api_version:
            query["api-version"] = api_version
        url = path if path.startswith("https://") else self.cfg.url + path
        rec_params = {"path": urlsplit(url).path, **query}
        self.calls += 1
        try:
            resp = self.sdk._send_request(HttpRequest("GET", url, params=query or None))
        except ReadOnlyViolation:
            raise
        except AzureError as e:  # transport errors, timeouts, exhausted retries
            return self._raw(rec_params, None, {"code": type(e).__name__, "message": _first_line(e), "status": "0"})
        body: Any
        try:
            body = resp.json()
        except ValueError:
            body = None
        rid = resp.headers.get("x-ms-request-id") or resp.headers.get("x-ms-correlation-request-id")
        if 200 <= resp.status_code < 300:
            return self._raw(rec_params, body, None, rid)
        err = (body or {}).get("error") if isinstance(body, dict) else None
        code = str((err or {}).get("code") or f"HTTP{resp.status_code}")
        msg = str((err or {}).get("message") or resp.reason or "")[:200]
        return self._raw(rec_params, body, {"code": code, "message": msg, "status": str(resp.status_code)}, rid)

    def get_pages(self, path: str, api_version: str, params: dict[str, str] | None = None, max_pages: int = 50) -> list[RawResponse]:
        """Every page of a list operation (follows ``nextLink`` on the same host)."""
        pages = [self.get(path, api_version, params)]
        while len(pages) < max_pages and pages[-1].error is None:
            nxt = (pages[-1].response or {}).get("nextLink") if isinstance(pages[-1].response, dict) else None
            if not nxt:
                break
            pages.append(self.get(str(nxt), None))  # nextLink carries api-version and skip token
        return pages

    def _raw(self, params: dict, body: Any, error: dict | None, rid: str | None = None) -> RawResponse:
        return RawResponse(service="azure", operation="GET", region=None, params=params, response=body,
                           timestamp=now_iso(), request_id=rid, error=error, emulated=self.cfg.emulated)


def _first_line(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return (text[0] if text else type(e).__name__)[:200]


def make_credential(cfg: ArmSettings) -> Any:
    if cfg.token:
        return StaticTokenCredential(cfg.token)
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential(exclude_interactive_browser_credential=True)


def make_client(cfg: ArmSettings, subscription_id: str, allowed: Iterable[str], *, credential: Any = None,
                retry_total: int = RETRY_TOTAL, retry_backoff_factor: float = 0.8) -> ArmClient:
    """The SDK client pointed at ``cfg.url`` with the read-only policy; raises OptionalDependencyMissing."""
    try:
        from azure.mgmt.cognitiveservices import CognitiveServicesManagementClient
    except ImportError:
        raise OptionalDependencyMissing(INSTALL_HINT) from None
    from azure.core.pipeline import policies as p
    from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy, ARMHttpLoggingPolicy

    cred = credential if credential is not None else make_credential(cfg)
    kwargs: dict[str, Any] = {"connection_timeout": CONNECT_TIMEOUT, "read_timeout": READ_TIMEOUT}
    if cfg.ca_bundle:
        kwargs["connection_verify"] = cfg.ca_bundle
    # the SDK's default policy list minus ARMAutoResourceProviderRegistrationPolicy (it POSTs a
    # provider registration on a 409), plus the read-only guard on every attempt
    chain = [
        p.RequestIdPolicy(), p.HeadersPolicy(), p.UserAgentPolicy(sdk_moniker="questionnaire-azure"), p.ProxyPolicy(),
        p.ContentDecodePolicy(), p.RedirectPolicy(),
        p.RetryPolicy(retry_total=retry_total, retry_backoff_factor=retry_backoff_factor),
        read_only_policy(cfg.host, allowed),
        ARMChallengeAuthenticationPolicy(cred, cfg.url + SCOPE_SUFFIX),
        p.CustomHookPolicy(), p.NetworkTraceLoggingPolicy(), p.SensitiveHeaderCleanupPolicy(), ARMHttpLoggingPolicy(),
    ]
    sdk = CognitiveServicesManagementClient(cred, subscription_id, base_url=cfg.url, policies=chain, **kwargs)
    return ArmClient(sdk, cfg)


def token_problem(credential: Any, cfg: ArmSettings) -> str | None:
    """Why no token can be had (one line), or None. Called once, before any ARM request."""
    import logging

    from azure.core.exceptions import ClientAuthenticationError

    quiet = logging.getLogger("azure.identity")  # the chain logs a WARNING too; the finding says it once
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        credential.get_token(cfg.url + SCOPE_SUFFIX)
    except ClientAuthenticationError as e:
        return f"no Azure credentials (DefaultAzureCredential: {_first_line(e)[:120]}); run `az login` or set {TOKEN_ENV}"
    finally:
        quiet.setLevel(level)
    return None
