"""Azure checks with the real SDK (azure-mgmt-cognitiveservices pipeline) against a loopback HTTPS ARM server."""

from __future__ import annotations

import pytest

from questionnaire.checks.azure import meta
from questionnaire.checks.azure.run import run
from questionnaire.findings import Status

from azure_fixtures import arm, arm_server, azure_loaded  # noqa: F401 (fixtures)


def by_check(findings):
    out: dict[str, list] = {}
    for f in findings:
        out.setdefault(f.check_id, []).append(f)
    return out


def statuses(findings) -> dict[tuple[str, str | None], str]:
    return {(f.check_id, f.subject): f.status.value for f in findings}


def test_compliant_subscription_all_pass_and_only_gets(arm, azure_loaded):
    emu = arm.serve(azure_loaded.profile)
    findings, raws = run(azure_loaded, env=arm.env(), retry_total=0)
    assert set(by_check(findings)) == set(meta.CHECKS)
    assert [f for f in findings if f.status != Status.PASS] == []
    assert len(findings) == 12
    # the read-only guarantee, asserted on the server: every request that arrived was a GET
    assert arm.methods() and set(arm.methods()) == {"GET"}
    assert all(m == "GET" for m, _ in emu.requests)
    paths = [r.path for r in raws]
    assert len(paths) == len(set(paths)) == len(emu.requests)
    assert all(p.startswith("raw/azure/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b/rg-support-ai.acme-support-openai.") for p in paths)
    assert all(r.emulated for r in raws)
    for f in findings:
        assert f.evidence and set(f.evidence) <= set(paths)


def test_drifted_subscription_fails_sku_shields_network(arm, azure_loaded):
    arm.serve(azure_loaded.profile, "drifted")
    findings, _ = run(azure_loaded, env=arm.env(), retry_total=0)
    st = statuses(findings)
    assert st[(meta.SKU, "gpt-4o-support")] == "FAIL"
    assert st[(meta.SKU, "text-embedding-3-large")] == "PASS"
    assert st[(meta.RAI, "gpt-4o-support")] == "FAIL"
    assert st[(meta.NETWORK, None)] == "FAIL"
    sku = next(f for f in findings if f.check_id == meta.SKU and f.status == Status.FAIL)
    assert "GlobalStandard" in sku.message and sku.observed["sku"] == "GlobalStandard"
    assert {k for k, v in st.items() if v == "FAIL"} == {(meta.SKU, "gpt-4o-support"), (meta.RAI, "gpt-4o-support"),
                                                          (meta.RAI, "text-embedding-3-large"), (meta.NETWORK, None)}


def test_pagination_follows_next_link(arm, azure_loaded):
    emu = arm.serve(azure_loaded.profile, page_size=1)
    findings, raws = run(azure_loaded, env=arm.env(), retry_total=0)
    subjects = {f.subject for f in findings if f.check_id == meta.SKU}
    assert subjects == {"gpt-4o-support", "text-embedding-3-large"}
    deployment_gets = [p for m, p in emu.requests if p.endswith("/deployments")]
    assert len(deployment_gets) == 2  # first page and the nextLink page
    assert any(r.path.endswith("deployments.list-2.json") for r in raws)


def test_one_page_when_the_list_fits(arm, azure_loaded):
    emu = arm.serve(azure_loaded.profile, page_size=10)
    run(azure_loaded, env=arm.env(), retry_total=0)
    assert len([p for m, p in emu.requests if p.endswith("/deployments")]) == 1


@pytest.mark.parametrize(
    "part,status,unknown,words",
    [
        ("/roleassignments", 403, {meta.RBAC}, "access denied"),
        ("/accounts/acme-support-openai", 404, set(meta.CHECKS), "not found"),
        ("/deployments", 429, {meta.SKU, meta.RAI}, "throttled"),
        ("/diagnosticsettings", 500, {meta.DIAG, meta.RETENTION}, "server error 500"),
        ("/workspaces/", 503, {meta.RETENTION}, "server error 503"),
        ("/privateendpointconnections", 403, {meta.NETWORK}, "access denied"),
        ("/raipolicies/", 404, {meta.RAI}, "not found"),
    ],
)
def test_errors_are_unknown_never_pass(arm, azure_loaded, part, status, unknown, words):
    arm.serve(azure_loaded.profile).fault(part, status)
    findings, raws = run(azure_loaded, env=arm.env(), retry_total=0)
    got = {f.check_id for f in findings if f.status == Status.UNKNOWN}
    assert got == unknown
    assert all(f.status == Status.PASS for f in findings if f.check_id not in unknown)
    for f in findings:
        if f.check_id in unknown:
            assert words in f.message and f.message.startswith("not verified")
    assert any(r.error and r.error["status"] == str(status) for r in raws)


def test_throttling_is_retried_by_the_sdk_then_unknown(arm, azure_loaded):
    emu = arm.serve(azure_loaded.profile).fault("/deployments", 429)
    findings, _ = run(azure_loaded, env=arm.env(), retry_total=2)
    assert len([p for _, p in emu.requests if p.endswith("/deployments")]) == 3  # 1 + 2 retries (Retry-After: 0)
    assert {f.status for f in findings if f.check_id == meta.SKU} == {Status.UNKNOWN}


def test_wrong_token_is_unknown(arm, azure_loaded):
    arm.serve(azure_loaded.profile, token="the-right-token")
    findings, _ = run(azure_loaded, env=arm.env(token="a-wrong-token"), retry_total=0)
    assert {f.status for f in findings} == {Status.UNKNOWN}
    assert all("not authenticated" in f.message for f in findings)


def test_no_credentials_gives_unknown_without_requests(arm, azure_loaded):
    from azure.core.exceptions import ClientAuthenticationError

    class NoCredential:
        def get_token(self, *scopes, **kw):
            raise ClientAuthenticationError("DefaultAzureCredential failed to retrieve a token")

    arm.serve(azure_loaded.profile)
    env = arm.env()
    env.pop("QUESTIONNAIRE_AZURE_TOKEN")
    findings, raws = run(azure_loaded, env=env, credential=NoCredential(), retry_total=0)
    assert raws == [] and arm.methods() == []
    assert {f.status for f in findings} == {Status.UNKNOWN} and len(findings) == len(meta.CHECKS)
    assert "no Azure credentials" in findings[0].message


def test_undeclared_controls_are_not_checked(arm, tmp_path):
    from azure_fixtures import azure_only_profile
    from questionnaire.profile import load_profile

    def edit(az):
        az.update(private_network=False, entra_id_only=False, customer_managed_key=False)
        az.pop("content_filter")
        az.pop("audit_logs")

    loaded = load_profile(azure_only_profile(tmp_path, edit))
    emu = arm.serve(loaded.profile)
    findings, _ = run(loaded, env=arm.env(), retry_total=0)
    assert {f.check_id for f in findings} == {meta.REGION, meta.SKU, meta.ABUSE, meta.RBAC}
    asked = " ".join(p.lower() for _, p in emu.requests)
    assert "raipolicies" not in asked and "diagnosticsettings" not in asked and "privateendpoint" not in asked


def test_unreachable_endpoint_is_unknown(azure_loaded, arm):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**arm.env(), "QUESTIONNAIRE_AZURE_ARM_URL": f"https://127.0.0.1:{port}"}
    findings, raws = run(azure_loaded, env=env, retry_total=0)
    assert {f.status for f in findings} == {Status.UNKNOWN}
    assert all("endpoint unreachable" in f.message for f in findings)
    assert raws and all(r.error["code"] == "ServiceRequestError" for r in raws)


def test_two_deployments_on_one_account_share_one_collection(arm, tmp_path):
    import yaml

    from azure_fixtures import azure_only_profile
    from questionnaire.profile import load_profile

    path = azure_only_profile(tmp_path)
    data = yaml.safe_load(path.read_text())
    twin = {**data["deployments"][0], "id": "support-copilot-2"}
    data["deployments"].append(twin)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    loaded = load_profile(path)
    emu = arm.serve(loaded.profile)
    findings, raws = run(loaded, env=arm.env(), retry_total=0)
    assert len(raws) == len({r.path for r in raws}) == len(emu.requests)  # collected once
    assert {f.deployment for f in findings} == {"support-copilot", "support-copilot-2"}
    assert len(findings) == 24 and {f.status for f in findings} == {Status.PASS}
