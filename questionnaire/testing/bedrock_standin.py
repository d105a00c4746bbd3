"""A local HTTP stand-in for the AWS operations moto does not emulate (Bedrock and a few others).

moto 5.x serves ``Get/PutModelInvocationLoggingConfiguration`` but not ``ListFoundationModels``,
``ListGuardrails``, ``GetGuardrail``, ``ListInferenceProfiles``, ...; nor ``account:ListRegions``,
``organizations:DescribeEffectivePolicy``, ``iam:ListServiceSpecificCredentials`` or
``cloudtrail:LookupEvents``. This server (stdlib ``http.server`` in a daemon thread on 127.0.0.1, a
free port) answers every operation of :meth:`questionnaire.testing.aws_fixture.BedrockExtras.table`
over real HTTP, with the data of that object (one source of truth for the emulated account, shared
with the in-process emulators). Requests are routed per botocore's service model: the request URI
(rest-json), the ``X-Amz-Target`` header (json) or the ``Action`` form field (query); responses are
serialised the same way (JSON, or XML for query services). A handler that returns ``None`` passes
the call through, and every request it does not serve is forwarded unchanged to the moto server.

Point boto3 at it with :meth:`BedrockStandIn.endpoint_env` (``AWS_ENDPOINT_URL_<SERVICE>`` for each
service it serves). Every response carries the header ``x-questionnaire-emulated: bedrock-standin``;
runs against a 127.0.0.1 endpoint are recorded as emulated by :mod:`questionnaire.aws` (and so in the
bundle's manifest).
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
from xml.sax.saxutils import escape

EMULATED_HEADER = "x-questionnaire-emulated"
EMULATED_VALUE = "bedrock-standin"

_CRED_RE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


class _Route:
    """One operation: how a request for it is recognised and how its input members are read."""

    def __init__(self, service: str, op: Any) -> None:
        self.service, self.name, self.op = service, op.name, op
        model = op.service_model
        self.protocol, self.signing = model.protocol, model.signing_name
        self.target = f"{model.metadata.get('targetPrefix')}.{op.name}" if self.protocol == "json" else None
        self.method = op.http.get("method", "POST")
        path = op.http.get("requestUri", "/").split("?", 1)[0]
        # /guardrails/{guardrailIdentifier} -> ^/guardrails/(?P<guardrailIdentifier>[^/]+)$
        self.pattern = re.compile("^" + re.sub(r"\{(\w+)\+?\}", r"(?P<\1>[^/]+)", path) + "$")
        self.members: dict[str, tuple[str, str]] = {}  # member name -> (location, wire name)
        if op.input_shape is not None:
            for member, shape in op.input_shape.members.items():
                self.members[member] = (shape.serialization.get("location") or "body", shape.serialization.get("name", member))

    def params(self, req: BaseHTTPRequestHandler, path: str, query: dict[str, list[str]], body: bytes) -> dict[str, Any] | None:
        """The call's parameters when the request is this operation, else None."""
        if self.protocol == "json":
            if req.headers.get("X-Amz-Target") != self.target:
                return None
            return json.loads(body or b"{}")
        if self.protocol == "query":
            form = parse_qs(body.decode(), keep_blank_values=True)
            if (form.get("Action") or [None])[0] != self.name:
                return None
            return {k: v[0] for k, v in form.items() if k not in ("Action", "Version")}
        if req.command != self.method or (m := self.pattern.match(path)) is None:
            return None
        out: dict[str, Any] = json.loads(body) if body.strip().startswith(b"{") else {}
        for member, (loc, wire) in self.members.items():
            if loc == "uri" and wire in m.groupdict():
                out[member] = unquote(m.group(wire))
            elif loc == "querystring" and wire in query:
                out[member] = query[wire][0]
        return out


def _routes(services: set[str]) -> list[_Route]:
    import botocore.session

    session = botocore.session.get_session()
    return [_Route(svc, session.get_service_model(svc).operation_model(op)) for svc, op in sorted(services)]


def _iso(value: _dt.datetime) -> str:
    return value.astimezone(_dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _json_default(value: Any) -> Any:
    if isinstance(value, _dt.datetime):  # timestamps are iso8601 on the wire (botocore parses both forms)
        return _iso(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _xml(shape: Any, value: Any) -> str:
    """A value as the query protocol's XML, per its botocore shape (lists as <member> elements)."""
    if shape.type_name == "structure":
        return "".join(f"<{n}>{_xml(shape.members[n], v)}</{n}>" for n, v in value.items() if n in shape.members and v is not None)
    if shape.type_name == "list":
        return "".join(f"<member>{_xml(shape.member, v)}</member>" for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        return _iso(value)
    return escape(str(value))


class BedrockStandIn:
    """``with BedrockStandIn(extras, upstream="http://127.0.0.1:PORT") as s: s.url``."""

    def __init__(self, extras: Any, upstream: str | None = None, host: str = "127.0.0.1") -> None:
        self.extras = extras
        self.upstream = upstream
        self.host = host
        self.handlers: dict[tuple[str, str], Callable[[dict[str, Any], str], Any]] = dict(extras.table())
        self.routes = _routes(set(self.handlers))
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

    def endpoint_env(self) -> dict[str, str]:
        """``AWS_ENDPOINT_URL_<SERVICE>`` (botocore's service id, upper case, '_' for spaces) -> this server."""
        return {f"AWS_ENDPOINT_URL_{r.op.service_model.service_id.replace(' ', '_').replace('-', '_').upper()}": self.url
                for r in self.routes}

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
        region, signing = (m.group(1), m.group(2)) if m else ("us-east-1", None)
        for route in self.routes:
            if signing not in (None, route.signing):
                continue
            params = route.params(req, parts.path, query, body)
            if params is None:
                continue
            try:
                payload = self.handlers[(route.service, route.name)](params, region)
            except Exception as e:  # EmulatedError from the fixture: an AWS-shaped error
                self._note(route)
                self._error(req, route, getattr(e, "code", "InternalServerException"), getattr(e, "status", 500),
                            getattr(e, "message", str(e)))
                return
            if payload is None:  # the handler passes this call through
                break
            self._note(route)
            self._reply(req, route, payload)
            return
        self._forward(req, body)

    def _note(self, route: _Route) -> None:
        with self._lock:
            self.served.append(route.name)

    def _reply(self, req: BaseHTTPRequestHandler, route: _Route, payload: dict[str, Any]) -> None:
        if route.protocol != "query":
            ctype = "application/x-amz-json-1.1" if route.protocol == "json" else "application/json"
            self._send(req, 200, json.dumps(payload, default=_json_default).encode(), {"Content-Type": ctype})
            return
        wrapper = route.op.output_shape.serialization.get("resultWrapper", f"{route.name}Result")
        xml = (f"<{route.name}Response><{wrapper}>{_xml(route.op.output_shape, payload)}</{wrapper}>"
               f"<ResponseMetadata><RequestId>emulated-200</RequestId></ResponseMetadata></{route.name}Response>")
        self._send(req, 200, xml.encode(), {"Content-Type": "text/xml"})

    def _error(self, req: BaseHTTPRequestHandler, route: _Route, code: str, status: int, msg: str) -> None:
        if route.protocol == "query":
            xml = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{escape(code)}</Code><Message>{escape(msg)}</Message>"
                   "</Error><RequestId>emulated-error</RequestId></ErrorResponse>")
            self._send(req, status, xml.encode(), {"Content-Type": "text/xml"})
            return
        body = json.dumps({"__type": code, "message": msg}).encode()
        self._send(req, status, body, {"x-amzn-ErrorType": code})

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
