"""`questionnaire check` and `iam-policy` end to end (moto server through AWS_ENDPOINT_URL, and in-process)."""

from __future__ import annotations

import json
import socket

import pytest
from typer.testing import CliRunner

from questionnaire.cli import app
from questionnaire.resources import example_profile

runner = CliRunner()


@pytest.fixture
def moto_server(monkeypatch):
    from moto.server import ThreadedMotoServer

    from questionnaire.aws import emulators
    from questionnaire.testing.aws_fixture import fake_credentials_env, seed_account

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    for k, v in fake_credentials_env().items():
        monkeypatch.setenv(k, v)
    try:
        yield seed_account, emulators
    finally:
        server.stop()


def test_check_against_moto_server_json_and_table(moto_server, tmp_path):
    seed_account, emulators = moto_server
    extras = seed_account("compliant", ["eu-west-1"])
    out = tmp_path / "findings.json"
    with emulators(extras.table()):
        res = runner.invoke(app, ["check", str(example_profile()), "--json", str(out), "--region", "eu-west-1", "--region", "us-east-1"])
    assert res.exit_code == 0, res.output
    assert "0 FAIL" in res.stdout and "deployment: insights-assistant" in res.stdout and "deployment: marketing-drafts" in res.stdout
    doc = json.loads(out.read_text())
    assert doc["summary"]["FAIL"] == 0 and doc["summary"]["PASS"] >= 20
    for f in doc["findings"]:
        for key in ("id", "check_id", "deployment", "region", "status", "declared", "observed", "message", "evidence"):
            assert key in f
    assert doc["identity"]["account"] == "123456789012"
    logging = next(f for f in doc["findings"] if f["check_id"] == "bedrock.invocation_logging.enabled")
    assert logging["evidence"] == ["raw/eu-west-1/bedrock/GetModelInvocationLoggingConfiguration.json"]


def test_check_drifted_account_exits_1(monkeypatch, tmp_path):
    from questionnaire.testing.aws_fixture import emulated_account

    with emulated_account("admin_policy"):
        res = runner.invoke(app, ["check", str(example_profile()), "--region", "eu-west-1"])
    assert res.exit_code == 1, res.output
    assert "1 FAIL" in res.stdout and "iam.agent_role.least_privilege" in res.stdout


def test_check_wrong_account_exits_2(tmp_path):
    from questionnaire.testing.aws_fixture import emulated_account

    p = tmp_path / "profile.yaml"
    p.write_text(example_profile().read_text().replace("123456789012", "210987654321"))
    with emulated_account("compliant"):
        res = runner.invoke(app, ["check", str(p)])
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "210987654321" in lines[0] and "123456789012" in lines[0]


def test_check_unreachable_endpoint_exits_2_quickly(monkeypatch):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    res = runner.invoke(app, ["check", str(example_profile())])
    assert res.exit_code == 2 and "cannot reach" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_check_stops_after_the_identity_attempts_when_the_endpoint_drops(closing_endpoint):
    from questionnaire.aws import MAX_ATTEMPTS

    res = runner.invoke(app, ["check", str(example_profile())])
    assert res.exit_code == 2 and "cannot reach" in res.output
    assert len(closing_endpoint) == 1 + MAX_ATTEMPTS  # the identity preflight only: nothing else is tried


def test_check_no_credentials_exits_2(no_aws_credentials):
    res = runner.invoke(app, ["check", str(example_profile())])
    assert res.exit_code == 2 and "no AWS credentials" in res.output


def test_check_invalid_profile_exits_2(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("version: 1\n")
    res = runner.invoke(app, ["check", str(p)])
    assert res.exit_code == 2


def test_iam_policy_is_generated_from_the_checks():
    from questionnaire.checks import CHECKS

    res = runner.invoke(app, ["iam-policy"])
    assert res.exit_code == 0
    pol = json.loads(res.stdout)
    actions = set(pol["Statement"][0]["Action"])
    assert actions == {a for c in CHECKS.values() for a in c.iam_actions}
    assert all(a.split(":")[1].startswith(("Get", "List", "Describe", "Lookup")) for a in actions)
    assert "secretsmanager:GetSecretValue" not in actions


def test_cli_import_stays_light():
    import subprocess
    import sys

    code = "import sys, questionnaire.cli; print([m for m in ('boto3','botocore','moto','rich.table') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
