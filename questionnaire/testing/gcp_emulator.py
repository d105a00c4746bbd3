"""An emulated Google Cloud project for the Vertex checks (tests and the demo), on loopback HTTP.

:func:`routes` gives the Google REST responses (``(method, path) -> (status, body)``) of a project
matching the example profile's Vertex deployment: ``compliant`` or ``drifted`` (the global endpoint
was used and Data Access audit logs are off). :class:`GcpEmulator` serves them with the standard
library (no test dependency) and records every request, so tests can assert that only reads arrived.
:func:`emulated_gcp` points ``QUESTIONNAIRE_GCP_URL`` at it for the duration of a block.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import urlsplit

PROJECT = "acme-vertex-prod"
PROJECT_NUMBER = "418517963225"
ORGANIZATION = "organizations/555666777888"
LOCATION = "europe-west4"
PERIMETER = "accessPolicies/123456789/servicePerimeters/acme_ai"
MODELS = ("google/gemini-2.5-pro", "anthropic/claude-sonnet-4-5")
VARIANTS = ("compliant", "drifted")
KEY = f"projects/{PROJECT}/locations/{LOCATION}/keyRings/vertex/cryptoKeys/vertex-cmek"
BQ = f"bq://{PROJECT}.vertex_logs.requests"

Route = tuple[int, Any]


def _audit_configs() -> list[dict[str, Any]]:
    return [{"service": "aiplatform.googleapis.com",
             "auditLogConfigs": [{"logType": "ADMIN_READ"}, {"logType": "DATA_READ"}, {"logType": "DATA_WRITE"}]}]


def _log_entry(location: str, n: int) -> dict[str, Any]:
    model = "publishers/google/models/gemini-2.5-pro"
    return {
        "logName": f"projects/{PROJECT}/logs/cloudaudit.googleapis.com%2Fdata_access",
        "insertId": f"emulated-{location}-{n}",
        "timestamp": f"2026-11-2{n}T09:1{n}:00Z",
        "resource": {"type": "audited_resource", "labels": {"service": "aiplatform.googleapis.com", "project_id": PROJECT}},
        "protoPayload": {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "serviceName": "aiplatform.googleapis.com",
            "methodName": "google.cloud.aiplatform.v1.PredictionService.GenerateContent",
            "resourceName": f"projects/{PROJECT}/locations/{location}/{model}",
            "authenticationInfo": {"principalEmail": "insights@acme-vertex-prod.iam.gserviceaccount.com"},
        },
    }


def _model_config(model: str) -> dict[str, Any]:
    cfg: dict[str, Any] = {"loggingConfig": {"enabled": True, "samplingRate": 1, "bigqueryDestination": {"outputUri": BQ}}}
    if model.startswith("anthropic/"):
        cfg["claudeFeatureConfig"] = {"advancedAiEnabled": False}
    return cfg


def routes(variant: str = "compliant") -> dict[tuple[str, str], Route]:
    """Every Google REST response of the emulated project, keyed by (method, path)."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; one of {', '.join(VARIANTS)}")
    drifted = variant == "drifted"
    p, loc = PROJECT, LOCATION
    out: dict[tuple[str, str], Route] = {
        ("POST", f"/v3/projects/{p}:getIamPolicy"): (200, {"version": 3, "etag": "BwYemulated=", "bindings": [
            {"role": "roles/aiplatform.user", "members": [f"serviceAccount:insights@{p}.iam.gserviceaccount.com"]}],
            **({} if drifted else {"auditConfigs": _audit_configs()})}),
        ("GET", f"/v3/projects/{p}"): (200, {"name": f"projects/{PROJECT_NUMBER}", "projectId": p, "parent": ORGANIZATION, "state": "ACTIVE"}),
        ("POST", f"/v3/{ORGANIZATION}:getIamPolicy"): (200, {"version": 1, "etag": "BwYorg=", "bindings": []}),
        ("POST", "/v2/entries:list"): (200, {"entries": [_log_entry(loc, 1), _log_entry(loc, 2)] + ([_log_entry("global", 3)] if drifted else [])}),
        ("GET", f"/v1/projects/{p}/locations/{loc}/endpoints"): (200, {"endpoints": [{
            "name": f"projects/{PROJECT_NUMBER}/locations/{loc}/endpoints/1234567890", "displayName": "ticket-summaries",
            "predictRequestResponseLoggingConfig": {"enabled": True, "samplingRate": 1, "bigqueryDestination": {"outputUri": BQ}},
            "encryptionSpec": {"kmsKeyName": KEY}}]}),
        ("GET", f"/v1/projects/{p}/locations/{loc}/cachedContents"): (200, {}),
        ("GET", f"/v1/projects/{p}/cacheConfig"): (200, {"name": f"projects/{PROJECT_NUMBER}/cacheConfig", "disableCache": True}),
        ("GET", f"/v2/projects/{p}/policies/gcp.restrictNonCmekServices:getEffectivePolicy"): (200, {
            "name": f"projects/{PROJECT_NUMBER}/policies/gcp.restrictNonCmekServices",
            "spec": {"rules": [{"values": {"deniedValues": ["aiplatform.googleapis.com"]}}]}}),
        ("GET", f"/v1/{PERIMETER}"): (200, {"name": PERIMETER, "title": "acme_ai", "perimeterType": "PERIMETER_TYPE_REGULAR",
            "status": {"resources": [f"projects/{PROJECT_NUMBER}"],
                       "restrictedServices": ["aiplatform.googleapis.com", "bigquery.googleapis.com", "storage.googleapis.com"]}}),
        ("GET", f"/v1/projects/{p}/locations/global/floorSetting"): (200, {
            "name": f"projects/{p}/locations/global/floorSetting",
            "filterConfig": {"piAndJailbreakFilterSettings": {"filterEnforcement": "ENABLED", "confidenceLevel": "MEDIUM_AND_ABOVE"},
                             "maliciousUriFilterSettings": {"filterEnforcement": "ENABLED"}},
            "enableFloorSettingEnforcement": True, "integratedServices": ["AI_PLATFORM"],
            "aiPlatformFloorSetting": {"inspectAndBlock": True, "enableCloudLogging": True}}),
    }
    for model in MODELS:
        pub, name = model.split("/")
        out[("GET", f"/v1beta1/projects/{p}/locations/{loc}/publishers/{pub}/models/{name}:fetchPublisherModelConfig")] = (200, _model_config(model))
    return out


def not_found(path: str) -> Route:
    return 404, {"error": {"code": 404, "message": f"Requested entity was not found: {path}", "status": "NOT_FOUND"}}


_NOT_CLAUSE = re.compile(r"NOT \((.*)\)")


def filter_entries(body: Any, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The part of Logging's filter language the collector uses: drop entries whose location the NOT clause names."""
    m = _NOT_CLAUSE.search(str((body or {}).get("filter") or ""))
    excluded = re.findall(r'"/locations/([a-z0-9-]+)/"', m.group(1)) if m else []
    return [e for e in entries if not any(f"/locations/{loc}/" in e["protoPayload"]["resourceName"] for loc in excluded)]


class GcpEmulator:
    """A loopback HTTP server answering ``routes`` (or any table of the same shape)."""

    def __init__(self, table: dict[tuple[str, str], Route], host: str = "127.0.0.1") -> None:
        self.table = table
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request received
        self.authorization: list[str] = []  # Authorization headers seen (tests: the token reached only here)
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                path = urlsplit(self.path).path
                emulator.requests.append((self.command, path))
                if self.headers.get("Authorization"):
                    emulator.authorization.append(self.headers["Authorization"])
                status, body = emulator.table.get((self.command, path)) or not_found(path)
                body = copy.deepcopy(body)
                if path == "/v2/entries:list" and status == 200:
                    body["entries"] = filter_entries(json.loads(raw or b"{}"), body.get("entries") or [])
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://{host}:{self._server.server_address[1]}"
        self._thread: threading.Thread | None = None

    def start(self) -> "GcpEmulator":
        self._thread = threading.Thread(target=self._server.serve_forever, name="gcp-emulator", kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


@contextmanager
def emulated_gcp(variant: str = "compliant") -> Iterator[GcpEmulator]:
    """The emulated project on 127.0.0.1; ``QUESTIONNAIRE_GCP_URL`` points at it (no token) inside the block."""
    from questionnaire.checks.gcp.client import TOKEN_ENV, URL_ENV
    from questionnaire.testing.env import patched_environ

    emulator = GcpEmulator(routes(variant)).start()
    try:
        with patched_environ({URL_ENV: emulator.url}, (TOKEN_ENV,)):
            yield emulator
    finally:
        emulator.stop()
