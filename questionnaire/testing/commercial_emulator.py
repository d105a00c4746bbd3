"""Loopback emulator of the OpenAI and Anthropic Admin APIs (GET endpoints the checks read).

Responses are shaped like the providers' own (field names from the openai-python 3.57 and
anthropic-sdk-python 2.15 admin types: ``organization.data_retention``, ``organization.project``
with ``residency``, ``organization.user``, ``organization.admin_api_key``,
``organization.project.api_key`` with ``owner_project_access``; Anthropic ``organization``,
``user``, ``api_key`` with ``created_by``/``status``, ``workspace`` with ``data_residency``).
Lists paginate like the real ones: OpenAI ``limit``/``after`` -> ``first_id``/``last_id``/``has_more``,
Anthropic ``limit``/``after_id`` -> the same three fields.

:class:`AdminEmulator` is a pure handler (method, path, query, headers) -> (status, body), so the
tests serve it through pytest-httpserver and the demo through :func:`serve` (http.server). Anything
but GET gets 405 and is recorded in ``refused`` (the tests assert it stays empty).

Variants: ``compliant`` (the example profile's OpenAI deployment passes) and ``drifted`` (a member on a
personal e-mail domain; the marketing project's retention back to the default, ``none``; an Anthropic
workspace with unrestricted inference).
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qs, urlparse

HOST = "127.0.0.1"
DOMAIN = "acme.example"
VARIANTS = {"compliant": "as the example profile declares",
            "drifted": "a member on gmail.com, project retention back to the default, unrestricted Anthropic inference"}
EMULATED_HEADER = "x-questionnaire-emulated"


def _ago(days: float) -> int:
    return int(time.time() - days * 86400)


def _iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def openai_org(variant: str) -> dict[str, Any]:
    drift = variant != "compliant"
    users = [
        {"object": "organization.user", "id": "user-alice", "name": "Alice Admin", "email": f"alice@{DOMAIN}", "role": "owner", "added_at": _ago(400)},
        {"object": "organization.user", "id": "user-bob", "name": "Bob Builder", "email": f"bob@{DOMAIN}", "role": "reader", "added_at": _ago(200)},
        {"object": "organization.user", "id": "user-carol", "name": "Carol Copy", "email": f"carol@marketing.{DOMAIN}", "role": "reader", "added_at": _ago(90)},
    ]
    if drift:
        users.append({"object": "organization.user", "id": "user-mallory", "name": "Mallory", "email": "mallory.private@gmail.com",
                      "role": "reader", "added_at": _ago(3)})
    projects = [
        {"object": "organization.project", "id": "proj_marketing", "name": "Marketing drafts", "created_at": _ago(300),
         "archived_at": None, "status": "active", "residency": "US_STORAGE_PROCESSING"},
        {"object": "organization.project", "id": "proj_old", "name": "Old experiments", "created_at": _ago(700),
         "archived_at": _ago(500), "status": "archived", "residency": "GLOBAL"},
    ]
    key = {"object": "organization.project.api_key", "id": "key_marketing", "name": "marketing-drafts", "redacted_value": "sk-...Ab12",
           "created_at": _ago(120), "last_used_at": _ago(1), "owner_project_access": "active", "expires_at": None,
           "owner": {"type": "user", "user": {"id": "user-bob", "name": "Bob Builder", "email": f"bob@{DOMAIN}", "role": "owner", "created_at": _ago(200)}}}
    return {
        "data_retention": {"object": "organization.data_retention", "type": "modified_abuse_monitoring"},
        "projects": projects,
        "project_retention": {"proj_marketing": "none" if drift else "organization_default", "proj_old": "none"},
        "project_keys": {"proj_marketing": [key], "proj_old": []},
        "users": users,
        "admin_keys": [{"object": "organization.admin_api_key", "id": "key_admin_1", "name": "questionnaire (read-only use)",
                        "redacted_value": "sk-admin...Zz9", "created_at": _ago(30), "last_used_at": _ago(0), "expires_at": None,
                        "owner": {"type": "user", "object": "organization.user", "id": "user-alice", "name": "Alice Admin", "role": "owner"}}],
        "audit_logs": [{"id": "audit_log-1", "type": "api_key.created", "effective_at": _ago(1),
                        "actor": {"type": "session", "session": {"user": {"id": "user-alice", "email": f"alice@{DOMAIN}"}}}}],
    }


def anthropic_org(variant: str) -> dict[str, Any]:
    drift = variant != "compliant"
    users = [{"type": "user", "id": "user_alice", "email": f"alice@{DOMAIN}", "name": "Alice Admin", "role": "admin", "added_at": _iso(_ago(400))},
             {"type": "user", "id": "user_bob", "email": f"bob@{DOMAIN}", "name": "Bob Builder", "role": "developer", "added_at": _iso(_ago(100))}]
    if drift:
        users.append({"type": "user", "id": "user_mallory", "email": "mallory.private@gmail.com", "name": "Mallory", "role": "user",
                      "added_at": _iso(_ago(3))})
    keys = [{"type": "api_key", "id": "apikey_1", "name": "drafts", "status": "active", "created_at": _iso(_ago(50)), "expires_at": None,
             "partial_key_hint": "sk-ant-api03-R2D...igAA", "created_by": {"id": "user_bob", "type": "user"},
             "scope": {"type": "workspace", "workspace_id": "wrkspc_drafts"}, "principal": None}]
    if drift:
        keys.append({"type": "api_key", "id": "apikey_2", "name": "left-behind", "status": "active", "created_at": _iso(_ago(300)),
                     "expires_at": None, "created_by": {"id": "user_departed", "type": "user"},
                     "scope": {"type": "workspace", "workspace_id": "wrkspc_drafts"}, "principal": None})
    residency = ({"workspace_geo": "us", "allowed_inference_geos": "unrestricted", "default_inference_geo": "global"} if drift
                 else {"workspace_geo": "us", "allowed_inference_geos": ["us"], "default_inference_geo": "us"})
    org_id = "12345678-1234-5678-1234-567812345678"
    good = {"forceLoginMethod": "claudeai", "forceLoginOrgUUID": [org_id],
            "permissions": {"deny": ["Read(./.env)", "Read(./.env.*)", "Read(./secrets/**)"]}, "env": {"DISABLE_TELEMETRY": "1"}}
    group = {"permissions": {"deny": ["Read(./.env)"]}} if drift else good
    claude_code = {
        "configuration": {"type": "claude_code_managed_settings_configuration", "mode": {"type": "rbac_groups"},
                          "mode_updated_at": _iso(_ago(30)), "rbac_group_order": ["rbac_group_eng"], "rbac_group_order_version": "v1"},
        "rbac_group_default": {"type": "claude_code_rbac_group_default_managed_settings", "settings": good, "updated_at": _iso(_ago(30))},
        "rbac_groups/rbac_group_eng": {"type": "claude_code_rbac_group_managed_settings", "rbac_group_id": "rbac_group_eng",
                                       "rbac_group_status": {"type": "active"}, "settings": group, "created_at": _iso(_ago(60)),
                                       "updated_at": _iso(_ago(5))},
    }
    return {
        "claude_code": claude_code,
        "me": {"type": "organization", "id": org_id, "name": "Acme Analytics GmbH"},
        "users": users,
        "api_keys": keys,
        "workspaces": [{"type": "workspace", "id": "wrkspc_drafts", "name": "Drafts", "created_at": _iso(_ago(300)), "archived_at": None,
                        "display_color": "#6C5BB9", "data_residency": residency, "tags": {}}],
    }


def _page(data: list[dict[str, Any]], query: dict[str, str], after_param: str) -> dict[str, Any]:
    limit = max(1, min(int(query.get("limit") or 20), 100))
    start = 0
    after = query.get(after_param)
    if after:
        ids = [d.get("id") for d in data]
        start = ids.index(after) + 1 if after in ids else len(data)
    chunk = data[start:start + limit]
    return {"object": "list", "data": chunk, "first_id": chunk[0]["id"] if chunk else None,
            "last_id": chunk[-1]["id"] if chunk else None, "has_more": start + limit < len(data)}


class AdminEmulator:
    """Both admin APIs of one emulated company; ``key`` is the admin key it accepts."""

    def __init__(self, variant: str = "compliant", key: str = "demo-admin-key-emulated") -> None:
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}")
        self.variant, self.key = variant, key
        self.openai, self.anthropic = openai_org(variant), anthropic_org(variant)
        self.requests: list[tuple[str, str]] = []
        self.refused: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def handle(self, method: str, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, Any]:
        with self._lock:
            self.requests.append((method, path))
            if method != "GET":
                self.refused.append((method, path))
        if method != "GET":
            return 405, {"error": {"type": "invalid_request_error", "message": "method not allowed"}}
        h = {k.lower(): v for k, v in headers.items()}
        if path.startswith("/v1/organization/"):
            if h.get("authorization") != f"Bearer {self.key}":
                return 401, {"error": {"type": "invalid_request_error", "code": "invalid_api_key", "message": "Incorrect API key provided."}}
            return self._openai(path[len("/v1/organization/"):], query)
        if path.startswith("/v1/organizations/"):
            if h.get("x-api-key") != self.key:
                return 401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}
            return self._anthropic(path[len("/v1/organizations/"):], query, h)
        return 404, {"error": {"type": "not_found_error", "message": f"no route {path}"}}

    def _openai(self, rest: str, q: dict[str, str]) -> tuple[int, Any]:
        o = self.openai
        parts = rest.strip("/").split("/")
        if parts == ["data_retention"]:
            return 200, o["data_retention"]
        if parts == ["projects"]:
            shown = o["projects"] if q.get("include_archived") == "true" else [p for p in o["projects"] if p["status"] == "active"]
            return 200, _page(shown, q, "after")
        if len(parts) == 3 and parts[0] == "projects" and parts[1] in o["project_retention"]:
            pid = parts[1]
            if parts[2] == "data_retention":
                return 200, {"object": "project.data_retention", "type": o["project_retention"][pid]}
            if parts[2] == "api_keys":
                return 200, _page(o["project_keys"][pid], q, "after")
        simple = {"users": "users", "admin_api_keys": "admin_keys", "audit_logs": "audit_logs"}
        if len(parts) == 1 and parts[0] in simple:
            return 200, _page(o[simple[parts[0]]], q, "after")
        return 404, {"error": {"type": "invalid_request_error", "message": f"Invalid URL (GET /v1/organization/{rest})"}}

    def _anthropic(self, rest: str, q: dict[str, str], h: dict[str, str]) -> tuple[int, Any]:
        a = self.anthropic
        if rest == "me":
            return 200, a["me"]
        if rest in ("users", "api_keys", "workspaces"):
            return 200, _page(a[rest], q, "after_id")
        cc = "claude_code/managed_settings/"
        if rest.startswith(cc) and rest[len(cc):] in a["claude_code"] and "ce-claude-code-managed-settings-2026-10-06" in h.get("anthropic-beta", ""):
            return 200, a["claude_code"][rest[len(cc):]]
        return 404, {"type": "error", "error": {"type": "not_found_error", "message": "Not found"}}


def werkzeug_handler(emulator: AdminEmulator) -> Any:
    """A pytest-httpserver / werkzeug handler serving ``emulator``."""
    from werkzeug.wrappers import Response

    def handler(request: Any) -> Any:
        status, body = emulator.handle(request.method, request.path, dict(request.args), dict(request.headers))
        return Response(json.dumps(body), status=status, content_type="application/json", headers={EMULATED_HEADER: "1"})

    return handler


@contextmanager
def serve(emulator: AdminEmulator) -> Iterator[str]:
    """Serve ``emulator`` on 127.0.0.1 (a free port) in a thread; yields the base URL (no trailing slash)."""

    class Handler(BaseHTTPRequestHandler):
        def _reply(self) -> None:
            u = urlparse(self.path)
            q = {k: v[0] for k, v in parse_qs(u.query).items()}
            status, body = emulator.handle(self.command, u.path, q, dict(self.headers.items()))
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header(EMULATED_HEADER, "1")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _reply

        def log_message(self, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="commercial-emulator", kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def emulated_commercial(variant: str) -> Iterator[AdminEmulator]:
    """Emulator served on loopback; OPENAI_/ANTHROPIC_ADMIN_KEY and *_BASE_URL point at it (restored on exit)."""
    from questionnaire.testing.env import patched_environ

    emulator = AdminEmulator("compliant" if variant == "compliant" else "drifted")
    with serve(emulator) as url:
        env = {"OPENAI_ADMIN_KEY": emulator.key, "OPENAI_BASE_URL": f"{url}/v1",
               "ANTHROPIC_ADMIN_KEY": emulator.key, "ANTHROPIC_BASE_URL": url}
        with patched_environ(env):
            yield emulator
