"""OpenAI / Anthropic Admin API checks against pytest-httpserver (httpx is the real client; no mocks)."""

from __future__ import annotations

import json
import re
import secrets
import zipfile
from pathlib import Path

import pytest
from werkzeug.wrappers import Response

from questionnaire.checks.commercial import client as cclient
from questionnaire.checks.commercial.run import provider_of, run, verify_deployment
from questionnaire.errors import ReadOnlyViolation
from questionnaire.findings import Status
from questionnaire.profile import load_profile
from questionnaire.testing.commercial_emulator import AdminEmulator, werkzeug_handler

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "evidence" / "examples" / "acme" / "profile.yaml"
ANTHROPIC_DEP = """
  - id: support-bot
    tier: commercial_api
    platform: anthropic_api
    processor: Anthropic
    model_developers: [Anthropic]
    data_categories: [1]
    training_on_customer_data: false
    provider_retention_days: 0
    regions: [United States]
    anthropic:
      organization_id: 12345678-1234-5678-1234-567812345678
      workspace_ids: [wrkspc_drafts]
"""


def _profile(tmp_path: Path, retention: int = 30, anthropic: bool = False, drop_aws: bool = True) -> object:
    text = EXAMPLE.read_text(encoding="utf-8")
    if drop_aws:  # keep only the OpenAI deployment: no AWS call in these tests
        start = text.index("  - id: insights-assistant")
        text = text[:start] + text[text.index("  - id: marketing-drafts"):]
    text = re.sub(r"(  - id: marketing-drafts.*?provider_retention_days: )\d+", rf"\g<1>{retention}", text, count=1, flags=re.S)
    if anthropic:
        text = text.replace("# Company-wide rules", ANTHROPIC_DEP.lstrip("\n") + "\n# Company-wide rules")
    p = tmp_path / "profile.yaml"
    p.write_text(text, encoding="utf-8")
    return load_profile(p)


@pytest.fixture
def serve(httpserver, monkeypatch):
    """Point both providers at the loopback server; returns a function installing an emulator."""

    def install(emulator: AdminEmulator) -> AdminEmulator:
        httpserver.expect_request(re.compile(".*")).respond_with_handler(werkzeug_handler(emulator))
        monkeypatch.setenv("OPENAI_ADMIN_KEY", emulator.key)
        monkeypatch.setenv("ANTHROPIC_ADMIN_KEY", emulator.key)
        monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
        monkeypatch.setenv("ANTHROPIC_BASE_URL", httpserver.url_for("/").rstrip("/"))
        return emulator

    return install


def _by_id(findings):
    return {(f.deployment, f.check_id): f for f in findings}


def _only_gets(httpserver, emulator):
    assert httpserver.log and all(req.method == "GET" for req, _ in httpserver.log)
    assert emulator.refused == []


def test_compliant_openai_org_passes(tmp_path, serve, httpserver):
    emu = serve(AdminEmulator("compliant"))
    findings, raws = run(_profile(tmp_path))
    assert {f.check_id: f.status for f in findings} == {
        "commercial.organization.admin_api": Status.PASS, "commercial.retention.matches_declaration": Status.PASS,
        "commercial.members.company_domains": Status.PASS, "commercial.api_keys.owned_and_used": Status.PASS,
        "commercial.audit_log.available": Status.PASS, "commercial.residency.matches_declaration": Status.PASS,
    }
    paths = [r.path for r in raws]
    assert len(paths) == len(set(paths)) and all(p.startswith("raw/openai/marketing-drafts/") for p in paths)
    assert all(f.evidence and set(f.evidence) <= set(paths) for f in findings)
    assert all(r.emulated for r in raws)  # loopback base URL: recorded as emulated
    _only_gets(httpserver, emu)


def test_drifted_openai_org_fails_members_and_retention_against_zero(tmp_path, serve, httpserver):
    emu = serve(AdminEmulator("drifted"))
    got = _by_id(run(_profile(tmp_path))[0])
    members = got[("marketing-drafts", "commercial.members.company_domains")]
    assert members.status == Status.FAIL and "mallory.private@gmail.com" in members.message
    ret = got[("marketing-drafts", "commercial.retention.matches_declaration")]
    # the default retention is 30 days: within the example's declared 30, so it stays PASS ...
    assert ret.status == Status.PASS and ret.observed["days"] == 30 and "proj_marketing" in ret.message
    # ... and contradicts a profile that declares 0
    ret0 = _by_id(run(_profile(tmp_path, retention=0))[0])[("marketing-drafts", "commercial.retention.matches_declaration")]
    assert ret0.status == Status.FAIL and "up to 30 days" in ret0.message
    _only_gets(httpserver, emu)


def test_compliant_retention_is_zero_and_passes_a_zero_declaration(tmp_path, serve):
    serve(AdminEmulator("compliant"))
    ret = _by_id(run(_profile(tmp_path, retention=0))[0])[("marketing-drafts", "commercial.retention.matches_declaration")]
    assert ret.status == Status.PASS and ret.observed["days"] == 0


def test_anthropic_compliant_and_drifted(tmp_path, serve, httpserver):
    emu = serve(AdminEmulator("compliant"))
    got = _by_id(run(_profile(tmp_path, anthropic=True))[0])
    status = {cid: f.status for (dep, cid), f in got.items() if dep == "support-bot"}
    assert status == {
        "commercial.organization.admin_api": Status.PASS, "commercial.members.company_domains": Status.PASS,
        "commercial.api_keys.owned_and_used": Status.PASS, "commercial.residency.matches_declaration": Status.PASS,
        # zero data retention is contractual, and there is no audit-log endpoint: declared, never PASS
        "commercial.retention.matches_declaration": Status.UNKNOWN, "commercial.audit_log.available": Status.UNKNOWN,
        # Claude Code (in the profile's tools): the server-managed settings of every RBAC group and the default
        "coding.agents.login_enforced": Status.PASS, "coding.agents.secrets_denied": Status.PASS,
    }
    assert "contractual" in got[("support-bot", "commercial.retention.matches_declaration")].message
    _only_gets(httpserver, emu)
    httpserver.clear()
    serve(AdminEmulator("drifted"))
    got = _by_id(run(_profile(tmp_path, anthropic=True))[0])
    assert got[("support-bot", "commercial.members.company_domains")].status == Status.FAIL
    keys = got[("support-bot", "commercial.api_keys.owned_and_used")]
    assert keys.status == Status.FAIL and "apikey_2" in keys.message
    geo = got[("support-bot", "commercial.residency.matches_declaration")]
    assert geo.status == Status.FAIL and "global" in geo.message
    login = got[("support-bot", "coding.agents.login_enforced")]
    assert login.status == Status.FAIL and "rbac_group_eng" in login.message and "default" not in login.message
    assert got[("support-bot", "coding.agents.secrets_denied")].status == Status.FAIL


def test_claude_code_server_settings_organization_mode_and_no_beta_access(tmp_path, serve, httpserver):
    emu = AdminEmulator("compliant")
    emu.anthropic["claude_code"]["configuration"]["mode"] = {"type": "organization"}
    serve(emu)
    findings, raws = run(_profile(tmp_path, anthropic=True))
    got = _by_id(findings)
    f = got[("support-bot", "coding.agents.login_enforced")]
    assert f.status == Status.UNKNOWN and "claude.ai" in f.message
    assert not any("rbac_group_default" in r.operation for r in raws)
    conf = next(r for r in raws if r.operation == "claude_code.configuration")
    assert conf.params["path"] == "/organizations/claude_code/managed_settings/configuration"
    req = next(req for req, _ in httpserver.log if req.path.endswith("/configuration"))
    assert req.headers["anthropic-beta"] == "ce-claude-code-managed-settings-2026-10-06"
    httpserver.clear()
    del emu.anthropic["claude_code"]["configuration"]  # not an Enterprise org: 404
    serve(emu)
    got = _by_id(run(_profile(tmp_path, anthropic=True))[0])
    f = got[("support-bot", "coding.agents.secrets_denied")]
    assert f.status == Status.UNKNOWN and "404" in f.message


def test_claude_code_settings_env_block_is_not_recorded(tmp_path, serve):
    emu = AdminEmulator("compliant")
    emu.anthropic["claude_code"]["rbac_group_default"]["settings"] = dict(emu.anthropic["claude_code"]["rbac_group_default"]["settings"],
                                                                         env={"SOME_TOKEN": "planted-env-value-1234"})  # questionnaire: allow-secret
    serve(emu)
    _, raws = run(_profile(tmp_path, anthropic=True))
    assert "planted-env-value-1234" not in json.dumps([r.to_dict() for r in raws])


def test_anthropic_wrong_organization_fails(tmp_path, serve):
    emu = AdminEmulator("compliant")
    emu.anthropic["me"]["id"] = "87654321-4321-8765-4321-876543218765"
    serve(emu)
    got = _by_id(run(_profile(tmp_path, anthropic=True))[0])
    assert got[("support-bot", "commercial.organization.admin_api")].status == Status.FAIL


@pytest.mark.parametrize("status", [401, 403, 404, 429, 500, 503])
def test_api_errors_give_unknown_never_pass(tmp_path, httpserver, monkeypatch, status):
    body = {"error": {"type": "error", "message": f"status {status}"}}
    httpserver.expect_request(re.compile(".*")).respond_with_json(body, status=status)
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "test-key-errors")
    monkeypatch.setenv("ANTHROPIC_ADMIN_KEY", "test-key-errors")
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    monkeypatch.setenv("ANTHROPIC_BASE_URL", httpserver.url_for("/").rstrip("/"))
    loaded = _profile(tmp_path, anthropic=True)
    findings = []
    for dep in [d for d in loaded.profile.deployments if provider_of(d) is not None]:
        findings += verify_deployment(loaded.profile, dep, backoff=0)[0]
    assert findings and all(f.status == Status.UNKNOWN for f in findings)
    assert any(f"({status})" in f.message or f"({status}" in f.message for f in findings)
    if status in (429, 500, 503):  # retried (2 retries) before giving up
        per_path = {}
        for req, _ in httpserver.log:
            per_path[req.path] = per_path.get(req.path, 0) + 1
        assert per_path["/v1/organization/data_retention"] == 3


def test_transport_failure_gives_unknown(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "k")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # discard port: connection refused
    findings, _ = run(_profile(tmp_path))
    assert findings and all(f.status == Status.UNKNOWN for f in findings)
    assert any("unreachable" in f.message for f in findings)


def test_pagination_follows_cursors_openai_and_anthropic(tmp_path, serve, httpserver, monkeypatch):
    monkeypatch.setattr(cclient, "PAGE_LIMIT", 2)
    emu = AdminEmulator("compliant")
    for n in range(5):
        emu.openai["users"].append({"object": "organization.user", "id": f"user-x{n}", "email": f"x{n}@acme.example", "role": "reader", "added_at": 1})
        emu.anthropic["users"].append({"type": "user", "id": f"user_x{n}", "email": f"x{n}@acme.example", "role": "user", "added_at": "2026-01-01T00:00:00Z"})
    emu.openai["users"].append({"object": "organization.user", "id": "user-last", "email": "last@gmail.com", "role": "reader", "added_at": 1})
    serve(emu)
    findings, raws = run(_profile(tmp_path, anthropic=True))
    got = _by_id(findings)
    # the personal address is on the 5th page: found only if every page was read
    assert got[("marketing-drafts", "commercial.members.company_domains")].status == Status.FAIL
    assert got[("support-bot", "commercial.members.company_domains")].status == Status.PASS
    user_pages = [r for r in raws if r.operation == "organization.users"]
    assert len(user_pages) == 5 and user_pages[1].params["after"] == "user-bob"
    assert [r.path for r in user_pages][:2] == ["raw/openai/marketing-drafts/organization.users.json",
                                                "raw/openai/marketing-drafts/organization.users-2.json"]
    an_pages = [r for r in raws if r.operation == "organizations.users"]
    assert len(an_pages) == 4 and an_pages[1].params["after_id"] == "user_bob"
    assert all(r.path for r in raws) and len({r.path for r in raws}) == len(raws)


def test_has_more_without_cursor_is_unknown(tmp_path, httpserver, monkeypatch):
    def handler(request):
        if request.path.endswith("/users"):
            return Response(json.dumps({"object": "list", "data": [], "has_more": True}), content_type="application/json")
        return werkzeug_handler(AdminEmulator("compliant", key="k"))(request)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handler)
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "k")
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    got = _by_id(run(_profile(tmp_path))[0])
    f = got[("marketing-drafts", "commercial.members.company_domains")]
    assert f.status == Status.UNKNOWN and "pagination" in f.message


def test_get_only_guard_refuses_other_methods_before_sending(httpserver):
    httpserver.expect_request(re.compile(".*")).respond_with_json({})
    with cclient.AdminClient(cclient.OPENAI, "k", httpserver.url_for("/v1")) as c:
        for method in ("POST", "DELETE", "PUT", "PATCH"):
            with pytest.raises(ReadOnlyViolation):
                c._http.request(method, httpserver.url_for("/v1/organization/users"))
        c.get("organization/users")
    assert [req.method for req, _ in httpserver.log] == ["GET"]
    with pytest.raises(ReadOnlyViolation):
        cclient.guard("post", "https://api.openai.com/v1/organization/admin_api_keys")


def test_missing_key_is_unknown_without_any_request(tmp_path, monkeypatch, httpserver):
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    findings, raws = run(_profile(tmp_path))
    assert raws == [] and httpserver.log == []
    assert len(findings) == 6 and all(f.status == Status.UNKNOWN and "OPENAI_ADMIN_KEY is not set" in f.message for f in findings)


def test_stale_and_orphaned_project_keys_fail(tmp_path, serve):
    emu = AdminEmulator("compliant")
    key = emu.openai["project_keys"]["proj_marketing"][0]
    emu.openai["project_keys"]["proj_marketing"] = [
        dict(key, id="key_left", owner_project_access="inactive"),
        dict(key, id="key_stale", last_used_at=key["last_used_at"] - 200 * 86400),
        key,
    ]
    serve(emu)
    f = _by_id(run(_profile(tmp_path))[0])[("marketing-drafts", "commercial.api_keys.owned_and_used")]
    assert f.status == Status.FAIL and "key_left" in f.message and "key_stale" in f.message and "key_marketing" not in f.message


def test_unknown_retention_type_and_global_residency(tmp_path, serve):
    emu = AdminEmulator("compliant")
    emu.openai["data_retention"]["type"] = "something_new"
    emu.openai["projects"][0]["residency"] = "GLOBAL"
    serve(emu)
    got = _by_id(run(_profile(tmp_path))[0])
    assert got[("marketing-drafts", "commercial.retention.matches_declaration")].status == Status.UNKNOWN
    assert got[("marketing-drafts", "commercial.residency.matches_declaration")].status == Status.FAIL


def test_planted_key_never_reaches_bundle_console_or_messages(tmp_path, httpserver, monkeypatch):
    """The admin key is echoed back by the server (error body and a 200 body): it must appear nowhere."""
    from typer.testing import CliRunner

    from questionnaire.cli import app

    planted = "sk-admin-" + secrets.token_hex(24)
    emu = AdminEmulator("compliant", key=planted)
    emu.openai["projects"][0]["name"] = f"echo {planted}"
    inner = werkzeug_handler(emu)

    def handler(request):
        if request.path.endswith("/audit_logs"):  # an error response that echoes the key
            body = {"error": {"type": "invalid_request_error", "message": f"Incorrect API key provided: {planted}"}}
            return Response(json.dumps(body), status=403, content_type="application/json", headers={"x-request-id": planted})
        return inner(request)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handler)
    monkeypatch.setenv("OPENAI_ADMIN_KEY", planted)
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    profile = _profile(tmp_path).path
    bundle, findings = tmp_path / "b.zip", tmp_path / "f.json"
    res = CliRunner().invoke(app, ["check", str(profile), "--bundle", str(bundle), "--json", str(findings)])
    assert res.exit_code in (0, 1), res.output
    assert planted not in res.output
    assert planted not in findings.read_text(encoding="utf-8")
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        assert any(n.startswith("raw/openai/") for n in names)
        for n in names:
            assert planted.encode() not in z.read(n), n
        audit = json.loads(z.read("raw/openai/marketing-drafts/organization.audit_logs.json"))
    assert "[REDACTED" in json.dumps(audit) and audit["error"]["code"] == "HTTP403"
    doc = json.loads(findings.read_text(encoding="utf-8"))
    audit_f = [f for f in doc["findings"] if f["check_id"] == "commercial.audit_log.available"][0]
    assert audit_f["status"] == "UNKNOWN" and "403" in audit_f["message"]


def test_profile_commercial_fields_validate_with_file_and_line(tmp_path):
    from questionnaire.profile import check_profile

    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("  security_contact: security@acme.example\n",
                        "  security_contact: security@acme.example\n  email_domains: [acme.example, not a domain]\n")
    text = text.replace("      separate_model_vendor_agreement: false\n\n  - id: ticket-summaries",
                        "      separate_model_vendor_agreement: false\n    openai:\n      organization_id: acme\n      project_ids: [proj_x, p2]\n\n  - id: ticket-summaries")
    p = tmp_path / "p.yaml"
    p.write_text(text, encoding="utf-8")
    _, problems, _ = check_profile(p)
    errs = {(pr.path, pr.line) for pr in problems if pr.severity == "error"}
    lines = text.splitlines()
    assert ("organization.email_domains[1]", next(i for i, ln in enumerate(lines, 1) if "email_domains" in ln)) in errs
    assert ("deployments[1].openai.organization_id", next(i for i, ln in enumerate(lines, 1) if "organization_id: acme" in ln)) in errs
    assert any(path == "deployments[1].openai.project_ids[1]" for path, _ in errs)
    assert not any(path == "deployments[1].openai.project_ids[0]" for path, _ in errs)


def test_package_init_imports_no_http_library():
    import subprocess
    import sys

    code = ("import sys; import questionnaire.checks.commercial as c; from questionnaire.checks import REGISTRY; "
            "assert 'httpx' not in sys.modules, 'httpx imported'; assert 'commercial.members.company_domains' in REGISTRY; "
            "sys.modules['httpx'] = None\n"
            "from questionnaire.errors import OptionalDependencyMissing\n"
            "import questionnaire.checks.commercial.client as cc\ntry:\n    cc._httpx()\nexcept OptionalDependencyMissing as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert "pip install 'questionnaire[commercial]'" in out.stdout and len(out.stdout.strip().splitlines()) == 1


def test_plain_http_to_a_remote_host_is_refused_before_any_request(tmp_path, monkeypatch):
    from questionnaire.errors import UserInputError

    monkeypatch.setenv("OPENAI_ADMIN_KEY", "k-plain-http")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://proxy.example/v1")
    with pytest.raises(UserInputError) as e:
        run(_profile(tmp_path))
    assert "https" in str(e.value) and "k-plain-http" not in str(e.value)


def test_provider_block_on_another_platform_is_a_warning(tmp_path):
    from questionnaire.profile import check_profile

    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "      separate_model_vendor_agreement: false\n\n  - id: ticket-summaries",
        "      separate_model_vendor_agreement: false\n    anthropic:\n      workspace_ids: [wrkspc_x]\n\n  - id: ticket-summaries")
    p = tmp_path / "p.yaml"
    p.write_text(text, encoding="utf-8")
    profile, problems, _ = check_profile(p)
    assert profile is not None
    assert any(pr.severity == "warning" and pr.path == "deployments[1].anthropic" and "ignored" in pr.message for pr in problems)
