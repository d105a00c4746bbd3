"""An emulated Azure subscription: ARM REST responses over loopback HTTPS (tests and the demo).

:class:`ArmEmulator` answers the GETs the Azure checks make with JSON shaped like the
azure-rest-api-specs examples (cognitiveservices 2025-06-01, diagnosticSettings 2021-05-01-preview,
operationalinsights workspaces, authorization roleAssignments 2022-04-01): a ``compliant`` or a
``drifted`` subscription built from a deployment's ``azure:`` block. It checks the bearer token
and the api-version like ARM, pages lists through ``nextLink``, logs every request (method, path)
so tests can assert that only GETs arrived, and injects faults (403, 404, 429, 5xx) on request.

It is a werkzeug handler: tests attach it to pytest-httpserver's ``httpserver`` (with a trustme
CA), and :func:`emulated_azure` runs it on its own ``pytest_httpserver.HTTPServer`` for the demo.
Never used in normal runs.
"""

from __future__ import annotations

import json
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from questionnaire.errors import OptionalDependencyMissing

TOKEN = "emulated-azure-bearer-token"  # not a secret: what the emulator accepts
VARIANTS = ("compliant", "drifted")
_ROLE = "/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{g}"
OPENAI_USER = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
MODELS = {"gpt": ("gpt-4o", "2024-11-20"), "embedding": ("text-embedding-3-large", "1")}


def _account(az: Any, location: str, drifted: bool) -> dict[str, Any]:
    a = _a(az)
    caps = [{"name": "VirtualNetworks"}, {"name": "CustomerManagedKey"}, {"name": "ContentLogging", "value": "false"}]
    return {
        "id": a, "name": az.account, "type": "Microsoft.CognitiveServices/accounts", "location": location,
        "kind": "OpenAI", "sku": {"name": "S0"}, "etag": '"0a00b000-0000-0c00-0000-000000000000"',
        "identity": {"type": "SystemAssigned", "principalId": "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
                     "tenantId": "72f988bf-0000-4000-8000-2d7cd011db47"},
        "properties": {
            "provisioningState": "Succeeded", "endpoint": f"https://{az.account}.openai.azure.com/",
            "customSubDomainName": az.account, "capabilities": caps,
            "publicNetworkAccess": "Enabled" if drifted else "Disabled",
            "networkAcls": {"defaultAction": "Allow" if drifted else "Deny", "ipRules": [], "virtualNetworkRules": [], "bypass": "None"},
            "disableLocalAuth": True, "restrictOutboundNetworkAccess": False,
            "encryption": {"keySource": "Microsoft.KeyVault", "keyVaultProperties": {
                "keyVaultUri": f"https://{az.account[:20]}-kv.vault.azure.net/", "keyName": "openai-cmk",
                "keyVersion": "2f1e0d9c8b7a4f6e9d8c7b6a5f4e3d2c", "identityClientId": None}},
            "privateEndpointConnections": [_pec(az)],
        },
    }


def _a(az: Any) -> str:
    return (f"/subscriptions/{az.subscription_id}/resourceGroups/{az.resource_group}"
            f"/providers/Microsoft.CognitiveServices/accounts/{az.account}")


def _pec(az: Any) -> dict[str, Any]:
    rg = f"/subscriptions/{az.subscription_id}/resourceGroups/{az.resource_group}"
    return {"id": f"{_a(az)}/privateEndpointConnections/pe-{az.account}", "name": f"pe-{az.account}",
            "type": "Microsoft.CognitiveServices/accounts/privateEndpointConnections",
            "properties": {"privateEndpoint": {"id": f"{rg}/providers/Microsoft.Network/privateEndpoints/pe-{az.account}"},
                           "privateLinkServiceConnectionState": {"status": "Approved", "description": "Auto-Approved", "actionsRequired": "None"},
                           "groupIds": ["account"], "provisioningState": "Succeeded"}}


def _deployment(az: Any, name: str, sku: str) -> dict[str, Any]:
    model, version = MODELS["embedding" if "embedding" in name else "gpt"]
    return {"id": f"{_a(az)}/deployments/{name}", "name": name, "type": "Microsoft.CognitiveServices/accounts/deployments",
            "sku": {"name": sku, "capacity": 10},
            "properties": {"model": {"format": "OpenAI", "name": model, "version": version},
                           "raiPolicyName": "acme-prompt-shields", "versionUpgradeOption": "NoAutoUpgrade",
                           "provisioningState": "Succeeded"}}


def _rai(az: Any, drifted: bool) -> dict[str, Any]:
    def f(name: str, source: str, **kw: Any) -> dict[str, Any]:
        return {"name": name, "blocking": True, "enabled": True, "source": source, **kw}

    filters = [f(n, s, severityThreshold="Medium") for n in ("Hate", "Sexual", "Violence", "Selfharm") for s in ("Prompt", "Completion")]
    filters += [f("Jailbreak", "Prompt", enabled=not drifted, blocking=not drifted), f("Protected Material Text", "Completion"),
                f("Protected Material Code", "Completion")]
    if not drifted:
        filters.append(f("Indirect Attack", "Prompt"))
    return {"id": f"{_a(az)}/raiPolicies/acme-prompt-shields", "name": "acme-prompt-shields",
            "type": "Microsoft.CognitiveServices/accounts/raiPolicies",
            "properties": {"type": "UserManaged", "mode": "Blocking", "basePolicyName": "Microsoft.DefaultV2", "contentFilters": filters}}


def workspace_id(az: Any) -> str:
    return (f"/subscriptions/{az.subscription_id}/resourceGroups/{az.resource_group}"
            "/providers/Microsoft.OperationalInsights/workspaces/law-ai-audit")


def resources(az: Any, location: str, variant: str = "compliant", retention_days: int = 400) -> dict[str, Any]:
    """ARM path -> JSON body of the emulated subscription (paths as ARM serves them)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; expected one of {', '.join(VARIANTS)}")
    drifted = variant == "drifted"
    a, s = _a(az), az.subscription_id
    names = list(az.deployments) or ["gpt-4o"]
    skus = ["GlobalStandard" if drifted and i == 0 else "Standard" for i in range(len(names))]
    app = (list(az.app_principal_ids) or ["3c9e7f1a-2b4d-4e6f-8a0b-1c2d3e4f5a6b"])[0]
    ws = workspace_id(az)
    return {
        a: _account(az, location, drifted),
        f"{a}/deployments": {"value": [_deployment(az, n, k) for n, k in zip(names, skus)]},
        f"{a}/raiPolicies/acme-prompt-shields": _rai(az, drifted),
        f"{a}/privateEndpointConnections": {"value": [_pec(az)]},
        f"{a}/providers/Microsoft.Insights/diagnosticSettings": {"value": [{
            "id": f"{a}/providers/microsoft.insights/diagnosticSettings/audit-to-law", "name": "audit-to-law",
            "type": "Microsoft.Insights/diagnosticSettings",
            "properties": {"workspaceId": ws, "logs": [{"categoryGroup": "audit", "enabled": True},
                                                       {"category": "RequestResponse", "enabled": False}],
                           "metrics": [{"category": "AllMetrics", "enabled": True}]}}]},
        ws: {"id": ws, "name": "law-ai-audit", "type": "Microsoft.OperationalInsights/workspaces", "location": location,
             "properties": {"customerId": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "provisioningState": "Succeeded",
                            "sku": {"name": "PerGB2018"}, "retentionInDays": retention_days}},
        f"{a}/providers/Microsoft.Authorization/roleAssignments": {"value": [
            _assignment(s, a, "b7c1d2e3-0000-4000-8000-000000000001", OPENAI_USER, app, "ServicePrincipal", a),
            _assignment(s, a, "b7c1d2e3-0000-4000-8000-000000000002", OWNER, "4d5e6f70-8192-4a3b-9c4d-5e6f708192a3", "User", f"/subscriptions/{s}"),
        ]},
    }


def _assignment(s: str, a: str, name: str, role: str, principal: str, ptype: str, scope: str) -> dict[str, Any]:
    return {"id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}", "name": name,
            "type": "Microsoft.Authorization/roleAssignments",
            "properties": {"roleDefinitionId": _ROLE.format(s=s, g=role), "principalId": principal,
                           "principalType": ptype, "scope": scope}}


class ArmEmulator:
    """A werkzeug request handler speaking ARM for ``state`` (path -> body)."""

    def __init__(self, state: dict[str, Any], *, token: str = TOKEN, page_size: int = 1, base_url: str = "") -> None:
        self.state = {k.lower(): v for k, v in state.items()}
        self.token = token
        self.page_size = page_size
        self.base_url = base_url.rstrip("/")
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request received
        self.faults: list[tuple[str, int]] = []  # (path substring, status): first match answers

    def fault(self, path_part: str, status: int) -> "ArmEmulator":
        self.faults.append((path_part.lower(), status))
        return self

    def handle(self, request: Any) -> Any:
        from werkzeug import Response

        self.requests.append((request.method, request.path))

        def reply(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Any:
            return Response(json.dumps(body), status=status, headers={"x-ms-request-id": f"emulated-{len(self.requests)}", **(headers or {})},
                            content_type="application/json")

        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return reply(_error("AuthenticationFailed", "Authentication failed."), 401)
        if request.method != "GET":
            return reply(_error("MethodNotAllowed", f"{request.method} is not served by the emulator"), 405)
        if not request.args.get("api-version"):
            return reply(_error("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required."), 400)
        path = request.path.rstrip("/").lower()
        for part, status in self.faults:
            if part in path:
                code = {403: "AuthorizationFailed", 404: "ResourceNotFound", 429: "TooManyRequests"}.get(status, "InternalServerError")
                return reply(_error(code, f"emulated {status}"), status, {"Retry-After": "0"} if status == 429 else None)
        body = self.state.get(path)
        if body is None:
            return reply(_error("ResourceNotFound", f"The Resource '{request.path}' was not found."), 404)
        if isinstance(body, dict) and isinstance(body.get("value"), list) and len(body["value"]) > self.page_size:
            return reply(self._page(body["value"], request))
        return reply(body)

    def _page(self, items: list[Any], request: Any) -> dict[str, Any]:
        start = int(request.args.get("$skipToken") or 0)
        page: dict[str, Any] = {"value": items[start:start + self.page_size]}
        if start + self.page_size < len(items):
            base = self.base_url or request.host_url.rstrip("/")
            page["nextLink"] = f"{base}{request.path}?api-version={request.args['api-version']}&$skipToken={start + self.page_size}"
        return page


def _error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def tls(host: str = "127.0.0.1") -> tuple[Any, Any]:
    """(server ssl context, trustme CA) for a loopback HTTPS server."""
    import ssl

    import trustme

    ca = trustme.CA()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(host, "localhost").configure_cert(ctx)
    return ctx, ca


def profile_state(profile: Any, variant: str) -> dict[str, Any]:
    """The emulated state of every Azure account a profile declares."""
    state: dict[str, Any] = {}
    for d in profile.deployments:
        if d.azure is not None:
            ret = d.azure.audit_logs.workspace_retention_days if d.azure.audit_logs else None
            state.update(resources(d.azure, d.regions[0], variant, max(ret or 0, 400)))
    return state


@contextmanager
def emulated_azure(profile: Any, variant: str = "compliant", host: str = "127.0.0.1") -> Iterator[dict[str, Any] | None]:
    """Serve the profile's Azure accounts over loopback HTTPS; environment pointed at it; restored on exit.

    Yields ``{"url", "emulator"}``, or None when the profile has no Azure deployment.
    """
    state = profile_state(profile, "drifted" if variant == "drifted" else "compliant")  # AWS-only drifts: compliant
    if not state:
        yield None
        return
    try:
        from pytest_httpserver import HTTPServer
    except ImportError as e:
        raise OptionalDependencyMissing(f"the Azure emulator needs {e.name or 'pytest-httpserver'}; install it with: pip install '.[demo]'") from None
    from unittest import mock

    class _QuickStop(HTTPServer):  # stop() waits for serve_forever's poll: 0.05 s instead of 0.5 s
        def thread_target(self) -> None:
            assert self.server is not None
            self.server.serve_forever(poll_interval=0.05)

    ctx, ca = tls(host)
    server = _QuickStop(host=host, port=0, ssl_context=ctx, threaded=True)
    with tempfile.TemporaryDirectory(prefix="questionnaire-azure-") as tmp:
        ca_path = Path(tmp) / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_path))
        server.start()
        try:
            url = f"https://{host}:{server.port}"
            emu = ArmEmulator(state, base_url=url)
            server.expect_request(re.compile(r"^/.*")).respond_with_handler(emu.handle)
            env = {"QUESTIONNAIRE_AZURE_ARM_URL": url, "QUESTIONNAIRE_AZURE_TOKEN": TOKEN, "REQUESTS_CA_BUNDLE": str(ca_path)}
            with mock.patch.dict("os.environ", env):
                yield {"url": url, "emulator": emu}
        finally:
            server.clear()
            if server.is_running():
                server.stop()
