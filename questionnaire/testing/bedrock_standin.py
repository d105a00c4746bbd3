"""A local HTTP stand-in for the Bedrock control-plane operations moto does not emulate.

moto 5.x serves ``Get/PutModelInvocationLoggingConfiguration`` but not
``ListFoundationModels``, ``ListGuardrails``, ``GetGuardrail`` or ``ListInferenceProfiles``.
This server (stdlib ``http.server`` in a daemon thread on 127.0.0.1, a free port) answers
those four over real HTTP, routed by the method and ``requestUri`` in botocore's service
model (``botocore/data/bedrock/*/service-2.json``), with the data of
:class:`questionnaire.testing.aws_fixture.BedrockExtras` (one source of truth for the
emulated account). Every other Bedrock request is forwarded unchanged to the moto server.

Point boto3 at it with ``AWS_ENDPOINT_URL_BEDROCK``. Every response carries the header
``x-questionnaire-emulated: bedrock-standin``; runs against a 127.0.0.1 endpoint are
recorded as emulated by :mod:`questionnaire.aws` (and so in the bundle's manifest).
"""

from __future__ import annotations

import datetime as _dt
import http.client
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

EMULATED_HEADER = "x-questionnaire-emulated"
EMULATED_VALUE = "bedrock-standin"
# The operations this stand-in serves itself (the rest goes to moto).
OPERATIONS = ("ListFoundationModels", "ListGuardrails", "GetGuardrail", "ListInferenceProfiles", "GetInferenceProfile",
              "GetFoundationModelAvailability", "GetProvisionedModelThroughput", "ListImportedModels")

_CRED_RE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/bedrock/aws4_request")


class _Route:
    def __init__(self, name: str, method: str, uri: str, members: dict[str, tuple[str, str]]) -> None:
        self.name, self.method = name, method
        path = uri.split("?", 1)[0]
        # /guardrails/{guardrailIdentifier} -> ^/guardrails/(?P<guardrailIdentifier>[^/]+)$
        self.pattern = re.compile("^" + re.sub(r"\{(\w+)\+?\}", r"(?P<\1>[^/]+)", path) + "$")
        self.members = members  # member name -> (location, wire name)

    def params(self, path: str, query: dict[str, list[str]]) -> dict[str, Any] | None:
        m = self.pattern.match(path)
        if m is None:
            return None
        out: dict[str, Any] = {}
        for member, (loc, wire) in self.members.items():
            if loc == "uri" and wire in m.groupdict():
                out[member] = unquote(m.group(wire))
            elif loc == "querystring" and wire in query:
                out[member] = query[wire][0]
        return out


def _routes() -> list[_Route]:
    import botocore.session

    model = botocore.session.get_session().get_service_model("bedrock")
    routes = []
    for name in OPERATIONS:
        op = model.operation_model(name)
        members = {}
        if op.input_shape is not None:
            for member, shape in op.input_shape.members.items():
                loc = shape.serialization.get("location")
                if loc in ("uri", "querystring"):
                    members[member] = (loc, shape.serialization.get("name", member))
        routes.append(_Route(name, op.http["method"], op.http["requestUri"], members))
    return routes


def _json_default(value: Any) -> Any:
    if isinstance(value, _dt.datetime):  # Bedrock timestamps are iso8601 on the wire
        return value.astimezone(_dt.timezone.utc).isoformat().replace("+00:00", "Z")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class BedrockStandIn:
    """``with BedrockStandIn(extras, upstream="http://127.0.0.1:PORT") as s: s.url``."""

    def __init__(self, extras: Any, upstream: str | None = None, host: str = "127.0.0.1") -> None:
        self.extras = extras
        self.upstream = upstream
        self.host = host
        self.routes = _routes()
        self.handlers: dict[str, Callable[[dict[str, Any], str], dict[str, Any]]] = {
            op: fn for (svc, op), fn in extras.table().items() if svc == "bedrock"
        }
        missing = [r.name for r in self.routes if r.name not in self.handlers]
        if missing:
            raise ValueError(f"BedrockExtras has no handler for {', '.join(missing)}")
        self.served: list[str] = []  # operation names served here, in order (the demo reports them)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("stand-in not started")
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> "BedrockStandIn":
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                standin._handle(self)

            do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

        self._server = ThreadingHTTPServer((self.host, 0), Handler)
        self._server.daemon_threads = False
        self._server.block_on_close = True  # server_close() joins the request threads
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="bedrock-standin", kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> "BedrockStandIn":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- requests
    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        parts = urlsplit(req.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        m = _CRED_RE.search(req.headers.get("Authorization") or "")
        region = m.group(1) if m else "us-east-1"
        for route in self.routes:
            if route.method != req.command:
                continue
            params = route.params(parts.path, query)
            if params is None:
                continue
            with self._lock:
                self.served.append(route.name)
            try:
                payload = self.handlers[route.name](params, region)
                self._send(req, 200, json.dumps(payload, default=_json_default).encode())
            except Exception as e:  # EmulatedError from the fixture: an AWS-shaped error
                code = getattr(e, "code", "InternalServerException")
                status = getattr(e, "status", 500)
                msg = getattr(e, "message", str(e))
                self._send(req, status, json.dumps({"message": msg}).encode(), {"x-amzn-ErrorType": code})
            return
        self._forward(req, body)

    def _forward(self, req: BaseHTTPRequestHandler, body: bytes) -> None:
        if not self.upstream:
            self._send(req, 404, json.dumps({"message": "operation not emulated"}).encode(),
                       {"x-amzn-ErrorType": "UnknownOperationException"})
            return
        up = urlsplit(self.upstream)
        conn = http.client.HTTPConnection(up.hostname, up.port, timeout=30)
        try:
            headers = {k: v for k, v in req.headers.items() if k.lower() not in ("host", "connection")}
            conn.request(req.command, req.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            extra = {k: v for k, v in resp.getheaders()
                     if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server")}
            self._send(req, resp.status, data, extra)
        finally:
            conn.close()

    @staticmethod
    def _send(req: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
        req.send_response(status)
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        for k, v in hdrs.items():
            req.send_header(k, v)
        req.send_header(EMULATED_HEADER, EMULATED_VALUE)
        req.send_header("x-amzn-RequestId", f"emulated-{status}")
        req.send_header("Content-Length", str(len(data)))
        req.send_header("Connection", "close")  # one request per connection: no idle handler thread outlives stop()
        req.close_connection = True
        req.end_headers()
        req.wfile.write(data)
