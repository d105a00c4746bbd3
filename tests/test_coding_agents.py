"""Coding agents' managed settings (Claude Code, Codex, Cursor): real files, judged; check and scan-repo --machine."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from questionnaire import coding_agents as ca
from questionnaire.cli import app
from questionnaire.findings import Status

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "evidence" / "examples" / "acme" / "profile.yaml"
ORG = "11111111-2222-3333-4444-555555555555"
GOOD = {"forceLoginMethod": "claudeai", "forceLoginOrgUUID": ORG,
        "permissions": {"deny": ["Read(./.env)", "Read(./.env.*)"]},
        "env": {"ANTHROPIC_API_KEY": "planted-secret-value-in-env-block"}}


def _claude(tmp_path: Path, data: dict, dropins: dict[str, dict] | None = None) -> Path:
    d = tmp_path / "claude-code"
    d.mkdir(exist_ok=True)
    p = d / "managed-settings.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    for name, extra in (dropins or {}).items():
        (d / "managed-settings.d").mkdir(exist_ok=True)
        (d / "managed-settings.d" / name).write_text(json.dumps(extra), encoding="utf-8")
    return p


def _status(findings) -> dict[str, Status]:
    return {f"{f.check_id}|{f.subject}": f.status for f in findings}


def test_claude_managed_settings_pass_and_record_no_env_block(tmp_path):
    findings, raws = ca.agent_findings(_claude(tmp_path, GOOD), expected_org=ORG)
    assert _status(findings) == {f"{ca.LOGIN}|machine:claude_code": Status.PASS, f"{ca.DENY}|machine:claude_code": Status.PASS}
    text = json.dumps([r.to_dict() for r in raws])
    assert "planted-secret-value-in-env-block" not in text and "forceLoginOrgUUID" in text


@pytest.mark.parametrize("change, check, why", [
    ({"forceLoginOrgUUID": []}, ca.LOGIN, "not set"),               # an empty list fails closed
    ({"forceLoginMethod": None}, ca.LOGIN, "personal logins"),
    ({"forceLoginOrgUUID": "99999999-2222-3333-4444-555555555555"}, ca.LOGIN, "does not include"),
    ({"permissions": {"deny": ["Read(./.env)"]}}, ca.DENY, ".env.local"),
])
def test_claude_drift_fails(tmp_path, change, check, why):
    findings, _ = ca.agent_findings(_claude(tmp_path, {**GOOD, **change}), expected_org=ORG)
    f = next(f for f in findings if f.check_id == check)
    assert f.status == Status.FAIL and why in f.message


def test_claude_dropin_deny_rules_merge(tmp_path):
    base = {**GOOD, "permissions": {"deny": ["Read(./.env)"]}}
    p = _claude(tmp_path, base, {"10-secrets.json": {"permissions": {"deny": ["Read(**/.env.*)"]}}})
    findings, raws = ca.agent_findings(p)
    assert _status(findings)[f"{ca.DENY}|machine:claude_code"] == Status.PASS
    assert len(raws[0].response["files"]) == 2


def test_claude_env_credential_first_is_unknown(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-not-real")
    findings, raws = ca.agent_findings(_claude(tmp_path, GOOD), env=True)
    f = next(f for f in findings if f.check_id == ca.LOGIN)
    assert f.status == Status.UNKNOWN and "ANTHROPIC_API_KEY" in f.message and "sk-ant-not-real" not in json.dumps(raws[0].to_dict())


def test_missing_and_broken_files_are_unknown(tmp_path):
    findings, _ = ca.agent_findings(tmp_path / "nope.json", tmp_path / "nope.toml")
    assert set(_status(findings).values()) == {Status.UNKNOWN}
    assert any(".codex/config.toml cannot set or override login" in f.message for f in findings)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert all(f.status == Status.UNKNOWN and "unreadable" in f.message for f in ca.agent_findings(bad)[0])


@pytest.mark.parametrize("toml, status", [
    ('forced_login_method = "chatgpt"\nforced_chatgpt_workspace_id = "ws-acme"\n', Status.PASS),
    ('forced_login_method = "chatgpt"\nforced_chatgpt_workspace_id = ["ws-acme", "ws-two"]\n', Status.PASS),
    ('forced_login_method = "chatgpt"\n', Status.FAIL),
    ('forced_login_method = "chatgpt"\nforced_chatgpt_workspace_id = "ws-other"\n', Status.FAIL),
    ('model = "gpt-5"\n', Status.FAIL),
    ('forced_login_method = "api"\n', Status.UNKNOWN),
])
def test_codex_managed_config(tmp_path, toml, status):
    p = tmp_path / "managed_config.toml"
    p.write_text(toml, encoding="utf-8")
    findings, _ = ca.agent_findings(codex=p, expected_workspace="ws-acme")
    assert [f.status for f in findings] == [status]


def test_check_reads_the_files_named_in_the_profile(tmp_path):
    _claude(tmp_path, {**GOOD, "forceLoginOrgUUID": [ORG]})
    (tmp_path / "codex.toml").write_text('forced_login_method = "chatgpt"\n', encoding="utf-8")
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text[:text.index("  - id: insights-assistant")] + text[text.index("  - id: marketing-drafts"):]
    text = text.replace("    repository_access: task_scoped", "    repository_access: task_scoped\n    managed_settings:\n"
                        f"      claude_code: claude-code/managed-settings.json\n      claude_org_uuid: {ORG}\n      codex: codex.toml")
    prof = tmp_path / "profile.yaml"
    prof.write_text(text, encoding="utf-8")
    bundle, out = tmp_path / "b.zip", tmp_path / "f.json"
    res = CliRunner().invoke(app, ["check", str(prof), "--bundle", str(bundle), "--json", str(out)])
    assert res.exit_code == 1, res.output  # the Codex file forces no workspace: FAIL
    got = {(f["check_id"], f["subject"]): f["status"] for f in json.loads(out.read_text())["findings"]}
    assert got[(ca.LOGIN, "profile:claude_code")] == "PASS" and got[(ca.DENY, "profile:claude_code")] == "PASS"
    assert got[(ca.LOGIN, "profile:codex")] == "FAIL"
    with zipfile.ZipFile(bundle) as z:
        assert "raw/global/machine/profile-claude_code-managed-settings.json" in z.namelist()
        assert b"planted-secret-value-in-env-block" not in b"".join(z.read(n) for n in z.namelist())
    from questionnaire.answers import build_answers
    from questionnaire.bundle import load_bundle

    b = load_bundle(bundle)
    a = {x.id: x for x in build_answers(b.profile, b.findings, source="bundle")}["coding.company_accounts"]
    assert a.status == "contradicted" and "forced_chatgpt_workspace_id" in a.text


def test_scan_repo_machine(monkeypatch, tmp_path):
    monkeypatch.setitem(ca.CLAUDE_PATHS, ca._platform(), str(_claude(tmp_path, GOOD)))
    res = CliRunner().invoke(app, ["scan-repo", "--machine", "--tool", "Claude Code", "--tool", "Cursor"])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("PASS") and "[machine:cursor]" in lines[2] and "dashboard" in lines[2]
    res = CliRunner().invoke(app, ["scan-repo"])
    assert res.exit_code == 2
