"""The Vertex checks end to end: the emulated project's Google REST responses served by
pytest-httpserver (and by the demo's stdlib emulator), the real google-auth client, pure judges."""

from __future__ import annotations

import copy

import pytest

pytest.importorskip("google.auth")
pytest.importorskip("pytest_httpserver")

from google.auth.credentials import AnonymousCredentials  # noqa: E402

from questionnaire.checks.gcp import CHECKS, judges as J, registry as ids, runner  # noqa: E402
from questionnaire.checks.gcp.client import GcpClient, is_read_only  # noqa: E402
from questionnaire.findings import Status  # noqa: E402
from questionnaire.profile import load_profile  # noqa: E402
from questionnaire.resources import example_profile  # noqa: E402
from questionnaire.testing import gcp_emulator as emu  # noqa: E402

P = emu.PROJECT
IAM = ("POST", f"/v3/projects/{P}:getIamPolicy")
ORG_IAM = ("POST", f"/v3/{emu.ORGANIZATION}:getIamPolicy")
LOG = ("POST", "/v2/entries:list")
PERIM = ("GET", f"/v1/{emu.PERIMETER}")
ARMOR = ("GET", f"/v1/projects/{P}/locations/global/floorSetting")
CACHE = ("GET", f"/v1/projects/{P}/cacheConfig")
CLAUDE_CFG = ("GET", f"/v1beta1/projects/{P}/locations/{emu.LOCATION}/publishers/anthropic/models/claude-sonnet-4-5:fetchPublisherModelConfig")
ORGPOL = ("GET", f"/v2/projects/{P}/policies/gcp.restrictNonCmekServices:getEffectivePolicy")
EPS = ("GET", f"/v1/projects/{P}/locations/{emu.LOCATION}/endpoints")


def err(status: int, code: str) -> tuple[int, dict]:
    return status, {"error": {"code": status, "message": f"{code} (emulated)", "status": code}}


@pytest.fixture(scope="module")
def loaded():
    return load_profile(example_profile())


def serve(httpserver, table) -> None:
    for (method, path), (status, body) in table.items():
        httpserver.expect_request(path, method=method).respond_with_json(body, status=status)


def verdicts(httpserver, loaded, table) -> dict[str, object]:
    serve(httpserver, table)
    client = GcpClient(AnonymousCredentials(), base_url=httpserver.url_for("/"), retries=1, backoff=0)
    findings, raws = runner.run_gcp(loaded, client=client)
    for req, _resp in httpserver.log:  # read-only, asserted on the server
        assert is_read_only(req.method, req.url), (req.method, req.path)
        assert req.method == "GET" or req.path.endswith(":getIamPolicy") or req.path == "/v2/entries:list"
    assert all(f.status != Status.PASS or f.evidence for f in findings)
    assert len({r.path for r in raws}) == len(raws) and all(r.path.startswith(f"raw/gcp/{P}/") for r in raws)
    return {f.check_id: f for f in findings}


def statuses(found) -> dict[str, str]:
    return {cid: f.status.value for cid, f in found.items()}


def table(variant="compliant", **changes):
    t = copy.deepcopy(emu.routes(variant))
    for key, value in changes.items():
        t[globals()[key]] = value
    return t


def test_compliant_project_passes_every_check(httpserver, loaded):
    found = verdicts(httpserver, loaded, table())
    assert statuses(found) == {cid: "PASS" for cid in CHECKS}


def test_evidence_names_the_google_url_and_the_endpoint_used(httpserver, loaded):
    serve(httpserver, table())
    client = GcpClient(AnonymousCredentials(), base_url=httpserver.url_for("/"), retries=0)
    _findings, raws = runner.run_gcp(loaded, client=client)
    ep = next(r for r in raws if r.operation == "endpoints.list")
    assert ep.params["url"] == f"https://{emu.LOCATION}-aiplatform.googleapis.com{EPS[1]}"
    assert ep.params["endpoint"] == httpserver.url_for("/").rstrip("/") and ep.emulated and ep.region == emu.LOCATION


def test_drifted_project_fails_audit_and_location(httpserver, loaded):
    found = verdicts(httpserver, loaded, table("drifted"))
    assert found[J.AUDIT].status == Status.FAIL and "not fully on" in found[J.AUDIT].message
    assert found[J.LOCATION].status == Status.FAIL and "global (1 request(s))" in found[J.LOCATION].message
    assert {cid for cid, s in statuses(found).items() if s != "PASS"} == {J.AUDIT, J.LOCATION}


def test_audit_logs_off_makes_the_global_endpoint_finding_unknown(httpserver, loaded):
    t = table("drifted")
    t[LOG] = (200, {"entries": []})
    found = verdicts(httpserver, loaded, t)
    assert found[J.AUDIT].status == Status.FAIL
    assert found[J.LOCATION].status == Status.UNKNOWN and "empty log proves nothing" in found[J.LOCATION].message


def test_audit_logs_inherited_from_the_organization_pass(httpserver, loaded):
    t = table("drifted")
    t[LOG] = (200, {"entries": []})
    t[ORG_IAM] = (200, {"auditConfigs": emu._audit_configs()})
    found = verdicts(httpserver, loaded, t)
    assert found[J.AUDIT].status == Status.PASS and found[J.LOCATION].status == Status.PASS


def test_organization_policy_unreadable_is_unknown_not_fail(httpserver, loaded):
    t = table("drifted")
    t[LOG] = (200, {"entries": []})
    t[ORG_IAM] = err(403, "PERMISSION_DENIED")
    found = verdicts(httpserver, loaded, t)
    assert found[J.AUDIT].status == Status.UNKNOWN and "gcp-role" in found[J.AUDIT].message
    assert found[J.LOCATION].status == Status.UNKNOWN


def test_exempted_members_are_not_full_audit_logging(httpserver, loaded):
    t = table()
    cfg = emu._audit_configs()
    cfg[0]["auditLogConfigs"][1]["exemptedMembers"] = ["user:ops@acme.example"]
    t[IAM] = (200, {"auditConfigs": cfg})
    t[ORG_IAM] = (200, {})
    assert verdicts(httpserver, loaded, t)[J.AUDIT].status == Status.FAIL


@pytest.mark.parametrize("key,status,code,checks", [
    ("IAM", 403, "PERMISSION_DENIED", {J.AUDIT, J.LOCATION}),
    ("LOG", 429, "RESOURCE_EXHAUSTED", {J.LOCATION}),
    ("PERIM", 403, "PERMISSION_DENIED", {ids.VPCSC}),
    ("ARMOR", 404, "NOT_FOUND", {ids.ARMOR}),
    ("CACHE", 503, "UNAVAILABLE", {ids.CACHE}),
    ("CLAUDE_CFG", 404, "NOT_FOUND", {ids.CLAUDE, J.REQLOG}),
    ("EPS", 500, "INTERNAL", {J.REQLOG}),
])
def test_api_errors_are_unknown_never_pass(httpserver, loaded, key, status, code, checks):
    found = verdicts(httpserver, loaded, table(**{key: err(status, code)}))
    bad = {cid for cid, s in statuses(found).items() if s != "PASS"}
    assert bad == checks and all(found[c].status == Status.UNKNOWN for c in checks)
    if key == "PERIM":
        assert "organization-level" in found[ids.VPCSC].message


def test_cmek_falls_back_to_stored_resources(httpserver, loaded):
    found = verdicts(httpserver, loaded, table(ORGPOL=err(403, "PERMISSION_DENIED")))
    assert found[ids.CMEK].status == Status.PASS and "1 stored" in found[ids.CMEK].message


def test_cmek_resource_without_key_fails(httpserver, loaded):
    t = table(ORGPOL=(200, {"name": "x", "spec": {}}))
    ep = t[EPS][1]["endpoints"][0]
    del ep["encryptionSpec"]
    assert verdicts(httpserver, loaded, t)[ids.CMEK].status == Status.FAIL


def test_endpoint_pages_are_all_judged(httpserver, loaded):
    t = table()
    first = copy.deepcopy(t.pop(EPS)[1])
    second = {"endpoints": [{"name": "projects/1/locations/europe-west4/endpoints/2", "displayName": "unlogged"}]}
    httpserver.expect_request(EPS[1], query_string="pageToken=p2").respond_with_json(second)
    httpserver.expect_request(EPS[1], query_string="").respond_with_json({**first, "nextPageToken": "p2"})
    found = verdicts(httpserver, loaded, t)
    assert found[J.REQLOG].status == Status.FAIL and "endpoint unlogged" in found[J.REQLOG].message
    assert found[ids.CMEK].status == Status.PASS  # the org policy settles CMEK


def test_stdlib_emulator_serves_the_same_project(loaded):
    with emu.emulated_gcp("drifted") as server:
        findings, raws = runner.run_gcp(loaded)
    assert {f.check_id for f in findings if f.status == Status.FAIL} == {J.AUDIT, J.LOCATION}
    assert all(r.emulated for r in raws) and raws
    assert all(m == "GET" or p.endswith(":getIamPolicy") or p == "/v2/entries:list" for m, p in server.requests)


def test_no_credentials_gives_unknown_findings(loaded, monkeypatch, tmp_path):
    monkeypatch.delenv("QUESTIONNAIRE_GCP_URL", raising=False)
    monkeypatch.delenv("QUESTIONNAIRE_GCP_TOKEN", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    findings, raws = runner.run_gcp(loaded)
    assert raws == [] and {f.check_id for f in findings} == set(CHECKS)
    assert all(f.status == Status.UNKNOWN and "credentials" in f.message for f in findings)


def test_vertex_deployment_is_not_declared_unverifiable(loaded):
    from questionnaire.checks.aws.declared import applies

    dep = loaded.profile.deployment("ticket-summaries")
    assert not applies(dep, loaded.profile)


def test_gcp_role_lists_every_declared_permission():
    import json

    from typer.testing import CliRunner

    from questionnaire.cli import app

    res = CliRunner().invoke(app, ["gcp-role"])
    assert res.exit_code == 0
    role = json.loads(res.output)
    want = sorted({p for meta in CHECKS.values() for p in meta["permissions"]})
    assert role["includedPermissions"] == want and "logging.privateLogEntries.list" in want
    assert not any(p.endswith((".create", ".update", ".delete", ".setIamPolicy", ".predict")) for p in want)


def test_registry_names_the_vertex_checks():
    from questionnaire.checks import REGISTRY, TOPICS

    for cid, meta in CHECKS.items():
        assert REGISTRY[cid]["topic"] in TOPICS and REGISTRY[cid]["permissions"] and REGISTRY[cid]["proves"]


def test_every_call_made_is_covered_by_the_role(httpserver, loaded):
    from questionnaire.checks.gcp import custom_role
    from questionnaire.checks.gcp.collect import OPERATION_PERMISSIONS

    role = set(custom_role()["includedPermissions"])
    ops = set()
    for variant in emu.VARIANTS:
        with emu.emulated_gcp(variant):
            _findings, raws = runner.run_gcp(loaded)
        ops |= {f"{r.service.removeprefix('gcp.')}.{r.operation}" for r in raws}
    assert "cloudresourcemanager.organizations.getIamPolicy" in ops
    assert all(OPERATION_PERMISSIONS[op] in role for op in ops)


def test_catalog_knows_the_vertex_check_ids():
    from questionnaire.catalog import known_check_ids

    assert set(CHECKS) <= known_check_ids()
