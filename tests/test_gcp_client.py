"""The read-only Google REST client: google-auth's AuthorizedSession against pytest-httpserver.

403/404/429/5xx, pagination (nextPageToken, GET and POST), the allow-list refusing writes before
they reach the server, and a planted token that never reaches the bundle or the console.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("google.auth")
pytest.importorskip("pytest_httpserver")

from google.auth.credentials import AnonymousCredentials  # noqa: E402

from questionnaire.checks.gcp import client as gc  # noqa: E402
from questionnaire.errors import OptionalDependencyMissing, ReadOnlyViolation  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EP = "/v1/projects/p1/locations/europe-west4/endpoints"


def make_client(httpserver, retries: int = 2) -> gc.GcpClient:
    return gc.GcpClient(AnonymousCredentials(), base_url=httpserver.url_for("/"), retries=retries, backoff=0)


@pytest.mark.parametrize(
    "method,url,allowed",
    [
        ("GET", "https://aiplatform.googleapis.com/v1/projects/p/cacheConfig", True),
        ("POST", "https://cloudresourcemanager.googleapis.com/v3/projects/p1:getIamPolicy", True),
        ("POST", "https://cloudresourcemanager.googleapis.com/v3/organizations/123:getIamPolicy", True),
        ("POST", "https://logging.googleapis.com/v2/entries:list", True),
        ("POST", "https://cloudresourcemanager.googleapis.com/v3/projects/p1:setIamPolicy", False),
        ("POST", "https://aiplatform.googleapis.com/v1beta1/projects/p/locations/l/publishers/google/models/m:setPublisherModelConfig", False),
        ("POST", "https://aiplatform.googleapis.com/v1/projects/p/locations/l/publishers/google/models/m:generateContent", False),
        ("POST", "https://logging.googleapis.com/v2/entries:write", False),
        ("PATCH", "https://aiplatform.googleapis.com/v1/projects/p/cacheConfig", False),
        ("DELETE", "https://aiplatform.googleapis.com/v1/projects/p/locations/l/endpoints/1", False),
        ("PUT", "https://modelarmor.googleapis.com/v1/projects/p/locations/global/floorSetting", False),
    ],
)
def test_allow_list(method, url, allowed):
    assert gc.is_read_only(method, url) is allowed


def test_guard_refuses_writes_before_they_reach_the_server(httpserver):
    httpserver.expect_request("/v3/projects/p1:setIamPolicy").respond_with_json({})
    client = make_client(httpserver)
    for method, path in (("POST", "/v3/projects/p1:setIamPolicy"), ("PATCH", "/v1/projects/p1/cacheConfig"), ("DELETE", EP + "/1")):
        with pytest.raises(ReadOnlyViolation, match="not a read-only"):
            client.call("aiplatform", "x", method, path)
        with pytest.raises(ReadOnlyViolation):  # the session itself is guarded, not only the client's helpers
            client.session.request(method, httpserver.url_for(path))
    assert httpserver.log == [] and client.raw == []


@pytest.mark.parametrize(
    "status,code",
    [(403, "PERMISSION_DENIED"), (404, "NOT_FOUND"), (400, "FAILED_PRECONDITION"), (500, "INTERNAL"), (503, "UNAVAILABLE")],
)
def test_errors_are_recorded_not_raised(httpserver, status, code):
    body = {"error": {"code": status, "message": "the caller does not have permission", "status": code}}
    httpserver.expect_request("/v1/projects/p1/cacheConfig").respond_with_json(body, status=status)
    raw = make_client(httpserver).get("aiplatform", "projects.getCacheConfig", "/v1/projects/p1/cacheConfig")
    assert raw.response is None and raw.error["code"] == code and raw.error["http_status"] == str(status)
    retried = 3 if status >= 500 else 1  # 5xx retried twice, then recorded
    assert len(httpserver.log) == retried


def test_error_without_google_body_gets_a_status_name(httpserver):
    httpserver.expect_request("/v1/x").respond_with_data("<html>forbidden</html>", status=403)
    raw = make_client(httpserver).get("aiplatform", "x", "/v1/x")
    assert raw.error["code"] == "PERMISSION_DENIED"


def test_throttling_is_retried_then_succeeds(httpserver):
    httpserver.expect_ordered_request("/v1/projects/p1/cacheConfig").respond_with_json({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}, status=429)
    httpserver.expect_ordered_request("/v1/projects/p1/cacheConfig").respond_with_json({"disableCache": True})
    raw = make_client(httpserver).get("aiplatform", "projects.getCacheConfig", "/v1/projects/p1/cacheConfig")
    assert raw.error is None and raw.response == {"disableCache": True} and len(httpserver.log) == 2


def test_throttling_that_persists_is_an_error(httpserver):
    httpserver.expect_request("/v1/projects/p1/cacheConfig").respond_with_json({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}, status=429)
    raw = make_client(httpserver, retries=1).get("aiplatform", "projects.getCacheConfig", "/v1/projects/p1/cacheConfig")
    assert raw.error["code"] == "RESOURCE_EXHAUSTED" and len(httpserver.log) == 2


def test_get_pagination_follows_next_page_token(httpserver):
    httpserver.expect_ordered_request(EP, query_string="").respond_with_json({"endpoints": [{"name": "e1"}], "nextPageToken": "t2"})
    httpserver.expect_ordered_request(EP, query_string="pageToken=t2").respond_with_json({"endpoints": [{"name": "e2"}], "nextPageToken": "t3"})
    httpserver.expect_ordered_request(EP, query_string="pageToken=t3").respond_with_json({"endpoints": [{"name": "e3"}]})
    raw = make_client(httpserver).get("aiplatform", "endpoints.list", EP, items="endpoints", location="europe-west4")
    assert [e["name"] for e in raw.response["endpoints"]] == ["e1", "e2", "e3"]
    assert raw.response["pages"] == 3 and raw.response["truncated"] is False and "nextPageToken" not in raw.response


def test_post_pagination_sends_the_token_in_the_body(httpserver):
    httpserver.expect_ordered_request("/v2/entries:list", method="POST", json={"filter": "f"}).respond_with_json({"entries": [], "nextPageToken": "n"})
    httpserver.expect_ordered_request("/v2/entries:list", method="POST", json={"filter": "f", "pageToken": "n"}).respond_with_json({"entries": [{"insertId": "a"}]})
    raw = make_client(httpserver).post("logging", "entries.list", "/v2/entries:list", {"filter": "f"}, items="entries")
    assert raw.response["entries"] == [{"insertId": "a"}] and raw.response["pages"] == 2


def test_pagination_is_bounded(httpserver, monkeypatch):
    monkeypatch.setattr(gc, "MAX_PAGES", 2)
    httpserver.expect_request(EP).respond_with_json({"endpoints": [{"name": "e"}], "nextPageToken": "again"})
    raw = make_client(httpserver).get("aiplatform", "endpoints.list", EP, items="endpoints")
    assert raw.response["truncated"] is True and len(raw.response["endpoints"]) == 2


def test_unreachable_endpoint_is_an_error(httpserver):
    client = gc.GcpClient(AnonymousCredentials(), base_url="http://127.0.0.1:9", retries=0)
    raw = client.get("aiplatform", "projects.getCacheConfig", "/v1/projects/p1/cacheConfig")
    assert raw.error["code"] == "EndpointUnreachable"


def test_recorded_url_is_the_real_google_host_without_override(monkeypatch):
    monkeypatch.delenv(gc.URL_ENV, raising=False)
    client = gc.GcpClient(AnonymousCredentials())
    assert client.url("aiplatform", "/v1/x", "europe-west4") == "https://europe-west4-aiplatform.googleapis.com/v1/x"
    assert client.url("aiplatform", "/v1/x", "global") == "https://aiplatform.googleapis.com/v1/x"
    assert client.url("logging", "/v2/entries:list") == "https://logging.googleapis.com/v2/entries:list"


def test_missing_google_auth_is_one_install_line():
    code = (
        "import sys; sys.modules['google.auth.transport.requests'] = None\n"
        "from questionnaire.checks.gcp.client import _session_class\n"
        "try:\n    _session_class()\nexcept Exception as e:\n    print(type(e).__name__, e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == f"{OptionalDependencyMissing.__name__} checking Vertex AI needs google-auth and requests; install them with: pip install 'questionnaire[gcp]'"


def test_provider_package_imports_no_google_library():
    code = "import sys, questionnaire.checks, questionnaire.checks.gcp; print(sorted(m for m in sys.modules if m.startswith('google')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]", out.stderr


VERTEX_ONLY = """version: 1
organization: {name: Acme}
data_classification:
  - {category: 1, name: Open, ai_use: allowed}
deployments:
  - id: ticket-summaries
    tier: infrastructure
    platform: google_vertex
    processor: Google Cloud
    training_on_customer_data: false
    regions: [europe-west4]
    gcp:
      project_id: acme-vertex-prod
      models: [google/gemini-2.5-pro, anthropic/claude-sonnet-4-5]
      request_response_logging: true
      caching: zero_data_retention
"""


def test_planted_token_reaches_the_server_only(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from questionnaire.cli import app
    from questionnaire.testing.gcp_emulator import GcpEmulator, routes

    token = "ya29" + ".PLANTED-" + "k" * 24  # built at runtime: the repository scan must not see a token here
    profile = tmp_path / "profile.yaml"
    profile.write_text(VERTEX_ONLY, encoding="utf-8")
    table = routes("compliant")
    table[("GET", "/v1/projects/acme-vertex-prod/cacheConfig")] = (403, {"error": {"code": 403, "message": f"denied (echo {token})", "status": "PERMISSION_DENIED"}})
    emulator = GcpEmulator(table).start()
    try:
        monkeypatch.setenv(gc.URL_ENV, emulator.url)
        monkeypatch.setenv(gc.TOKEN_ENV, token)
        bundle = tmp_path / "b.zip"
        res = CliRunner().invoke(app, ["check", str(profile), "--bundle", str(bundle), "--json", str(tmp_path / "f.json")])
    finally:
        emulator.stop()
    assert bundle.is_file(), res.output
    assert emulator.authorization and set(emulator.authorization) == {f"Bearer {token}"}
    assert token not in res.output
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        blob = b"".join(z.read(n) for n in names)
    assert token.encode() not in blob and b"PLANTED" not in blob
    assert any(n.startswith("raw/gcp/acme-vertex-prod/") for n in names)
    findings = json.loads((tmp_path / "f.json").read_text())
    text = json.dumps(findings)
    assert token not in text
