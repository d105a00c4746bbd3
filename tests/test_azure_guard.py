"""The Azure read-only guard (GET only, declared actions only, ARM host only), settings and the lazy SDK import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from questionnaire.checks.azure import client as arm_client
from questionnaire.checks.azure import meta
from questionnaire.checks.azure.client import ReadOnlyViolation, action_for, check_request, make_client, settings
from questionnaire.errors import OptionalDependencyMissing, UserInputError
from questionnaire.testing.azure_emulator import TOKEN

from azure_fixtures import arm, arm_server, azure_loaded  # noqa: F401 (fixtures)

A = "/subscriptions/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/resourceGroups/rg-support-ai/providers/Microsoft.CognitiveServices/accounts/acme-support-openai"
HOST = "management.azure.com"


def test_action_for_maps_arm_paths_to_read_actions():
    assert action_for(A) == meta.ACCOUNT_READ
    assert action_for(A + "/deployments") == meta.DEPLOYMENTS_READ
    assert action_for(A + "/raiPolicies/p1") == meta.RAI_READ
    assert action_for(A + "/providers/Microsoft.Insights/diagnosticSettings") == meta.DIAG_READ
    assert action_for(A + "/providers/Microsoft.Authorization/roleAssignments") == meta.ROLES_READ
    assert action_for("/subscriptions/x") is None


@pytest.mark.parametrize(
    "method,url,words",
    [
        ("POST", f"https://{HOST}{A}/listKeys", "GET only"),
        ("PUT", f"https://{HOST}{A}", "GET only"),
        ("PATCH", f"https://{HOST}{A}", "GET only"),
        ("DELETE", f"https://{HOST}{A}/deployments/d1", "GET only"),
        ("GET", f"https://{HOST}{A}/listKeys", "key material"),
        ("GET", f"https://evil.example{A}", "only the ARM endpoint"),
        ("GET", f"http://{HOST}{A}", "only the ARM endpoint"),
        ("GET", f"https://{HOST}/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/x", "not among the checks' declared actions"),
        ("GET", f"https://{HOST}/subscriptions/s/resourceGroups/r", "no resource type"),
    ],
)
def test_guard_refuses(method, url, words):
    with pytest.raises(ReadOnlyViolation, match=words):
        check_request(method, url, HOST, meta.actions())


def test_guard_allows_declared_gets():
    for path in (A, A + "/deployments", A + "/providers/Microsoft.Authorization/roleAssignments"):
        check_request("GET", f"https://{HOST}{path}?api-version=1", HOST, meta.actions())


def test_sdk_list_keys_is_refused_before_any_byte_is_sent(arm, azure_loaded):
    arm.serve(azure_loaded.profile)
    cfg = settings(arm.env())
    client = make_client(cfg, "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", meta.actions(), retry_total=0,
                         credential=arm_client.StaticTokenCredential(TOKEN))
    with pytest.raises(ReadOnlyViolation, match="GET only"):
        client.sdk.accounts.list_keys("rg-support-ai", "acme-support-openai")
    with pytest.raises(ReadOnlyViolation, match="GET only"):
        client.sdk.accounts.begin_delete("rg-support-ai", "acme-support-openai")
    with pytest.raises(ReadOnlyViolation, match="not among"):
        client.get("/subscriptions/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/providers/Microsoft.Storage/storageAccounts", "2023-01-01")
    assert arm.methods() == []  # nothing reached the server
    # the same client still reads: the real SDK's typed GET goes through the guard
    acct = client.sdk.accounts.get("rg-support-ai", "acme-support-openai")
    assert acct.location == "swedencentral" and acct.properties.disable_local_auth is True
    assert arm.methods() == ["GET"]


def test_next_link_to_another_host_is_refused(arm, azure_loaded):
    emu = arm.serve(azure_loaded.profile, page_size=1)
    emu.base_url = "https://attacker.example"  # nextLink pointing elsewhere: the token must not follow it
    cfg = settings(arm.env())
    client = make_client(cfg, "s", meta.actions(), retry_total=0, credential=arm_client.StaticTokenCredential(TOKEN))
    with pytest.raises(ReadOnlyViolation, match="only the ARM endpoint"):
        client.get_pages(A + "/deployments", meta.CS_API)


def test_settings_require_https_and_existing_ca(tmp_path):
    with pytest.raises(UserInputError, match="must be an https:// URL"):
        settings({"QUESTIONNAIRE_AZURE_ARM_URL": "http://127.0.0.1:8443"})
    with pytest.raises(UserInputError, match="not a file"):
        settings({"REQUESTS_CA_BUNDLE": str(tmp_path / "missing.pem")})
    cfg = settings({})
    assert cfg.url == "https://management.azure.com" and cfg.token is None and not cfg.emulated
    cfg = settings({"QUESTIONNAIRE_AZURE_ARM_URL": "https://127.0.0.1:9/", "QUESTIONNAIRE_AZURE_TOKEN": "tok-123"})
    assert cfg.emulated and cfg.url == "https://127.0.0.1:9" and "tok-123" not in repr(cfg)


def test_missing_extra_is_one_line(monkeypatch, azure_loaded, arm):
    from questionnaire.checks.azure.run import run

    monkeypatch.setitem(sys.modules, "azure.mgmt.cognitiveservices", None)
    with pytest.raises(OptionalDependencyMissing) as e:
        run(azure_loaded, env=arm.env())
    assert str(e.value) == arm_client.INSTALL_HINT and "\n" not in str(e.value)
    assert "pip install 'questionnaire[azure]'" in str(e.value)


def test_provider_package_imports_no_sdk_and_validate_stays_light(example_profile_path):
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from questionnaire.cli import app\n"
        "import questionnaire.checks\n"
        f"r = CliRunner().invoke(app, ['validate', {str(example_profile_path)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m == 'azure' or m.startswith('azure.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
