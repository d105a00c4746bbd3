"""`check` on an Azure deployment end to end (real SDK, loopback HTTPS), the token never leaks; `azure-role`."""

from __future__ import annotations

import json
import secrets
import zipfile

from typer.testing import CliRunner

from questionnaire.checks.azure import meta
from questionnaire.checks.azure.client import action_for
from questionnaire.cli import app
from questionnaire.profile import load_profile

from azure_fixtures import arm, arm_server, azure_only_profile  # noqa: F401 (fixtures)


def _check(arm, tmp_path, monkeypatch, token: str, fault: tuple[str, int] | None = None):
    path = azure_only_profile(tmp_path)
    emu = arm.serve(load_profile(path).profile, token=token)
    if fault:
        emu.fault(*fault)
    for k, v in arm.env(token).items():
        monkeypatch.setenv(k, v)
    bundle, out = tmp_path / "b.zip", tmp_path / "f.json"
    res = CliRunner().invoke(app, ["check", str(path), "--bundle", str(bundle), "--json", str(out)])
    return res, bundle, out, emu


def _everything(res, bundle, out) -> bytes:
    blob = res.output.encode() + out.read_bytes()
    with zipfile.ZipFile(bundle) as z:
        for name in z.namelist():
            blob += name.encode() + z.read(name)
    return blob


def test_check_writes_azure_evidence_and_never_the_token(arm, tmp_path, monkeypatch):
    token = "planted-" + secrets.token_hex(16)
    res, bundle, out, emu = _check(arm, tmp_path, monkeypatch, token)
    assert res.exit_code == 0, res.output
    assert "12 PASS, 0 FAIL, 0 UNKNOWN" in res.output
    assert token.encode() not in _everything(res, bundle, out)
    doc = json.loads(out.read_text())
    assert {f["check_id"] for f in doc["findings"]} == set(meta.CHECKS)
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        manifest = json.loads(z.read("manifest.json"))
    raw = [n for n in names if n.startswith("raw/azure/")]
    assert len(raw) == len(emu.requests) and all(e in names for f in doc["findings"] for e in f["evidence"])
    assert "azure.accounts.get" in manifest["predicate"]["emulated"]
    assert "declared.not_verifiable" not in {f["check_id"] for f in doc["findings"]}
    assert CliRunner().invoke(app, ["verify", str(bundle)]).exit_code == 0


def test_denied_and_failing_calls_leak_no_token_either(arm, tmp_path, monkeypatch):
    token = "planted-" + secrets.token_hex(16)
    res, bundle, out, _ = _check(arm, tmp_path, monkeypatch, token, ("/accounts/", 403))
    assert res.exit_code == 0, res.output  # UNKNOWN is not a FAIL
    assert "0 PASS, 0 FAIL, 10 UNKNOWN" in res.output  # the deployment list failed: one UNKNOWN for SKU and one for RAI
    assert token.encode() not in _everything(res, bundle, out)


def test_plain_http_arm_url_is_a_user_error(tmp_path, monkeypatch):
    monkeypatch.setenv("QUESTIONNAIRE_AZURE_ARM_URL", "http://127.0.0.1:1")
    res = CliRunner().invoke(app, ["check", str(azure_only_profile(tmp_path))])
    assert res.exit_code == 2 and "must be an https:// URL" in res.output


def test_azure_role_lists_exactly_what_the_checks_request(arm, tmp_path, monkeypatch):
    res, *_ , emu = _check(arm, tmp_path, monkeypatch, "t")
    role = json.loads(CliRunner().invoke(app, ["azure-role"]).output)
    assert role["Actions"] == meta.actions() and role["DataActions"] == [] and role["NotActions"] == []
    assert all(a.endswith("/read") for a in role["Actions"])
    used = {action_for(p).lower() for _, p in emu.requests}
    assert used == {a.lower() for a in role["Actions"]}  # every declared action is used, every call is declared
    scoped = json.loads(CliRunner().invoke(app, ["azure-role", "--profile", str(azure_only_profile(tmp_path))]).output)
    assert scoped["AssignableScopes"] == ["/subscriptions/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"]


def test_azure_deployment_without_block_stays_declared(arm, tmp_path, monkeypatch):
    from questionnaire.checks import run_checks

    import yaml

    path = azure_only_profile(tmp_path)

    data = yaml.safe_load(path.read_text())
    data["deployments"][0].pop("azure", None)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    for k, v in arm.env().items():
        monkeypatch.setenv(k, v)
    run = run_checks(load_profile(path))
    assert [(f.check_id, f.status.value) for f in run.findings] == [("declared.not_verifiable", "UNKNOWN")]
    assert arm.methods() == []
