"""Azure judges are pure: recorded ARM responses (emulator shapes, spec field names) in, findings out."""

from __future__ import annotations

import copy

import pytest

from questionnaire.checks.azure import judges, judges_access, meta
from questionnaire.checks.azure.collect import account_path, workspace_ids
from questionnaire.findings import RawResponse, Status
from questionnaire.testing.azure_emulator import OWNER, resources, workspace_id

from azure_fixtures import azure_loaded  # noqa: F401 (fixture)


def raw(body, error=None, name="x"):
    return RawResponse(service="azure", operation=name, region=None, params={"path": "/p"}, response=body,
                       timestamp="2026-01-01T00:00:00Z", error=error, path=f"raw/azure/s/{name}.json")


@pytest.fixture
def dep(azure_loaded):
    return azure_loaded.profile.deployments[0]


def data_for(dep, variant="compliant"):
    az = dep.azure
    state = copy.deepcopy(resources(az, dep.regions[0], variant))
    a = account_path(az)
    ws = workspace_id(az)
    diag = raw(state[f"{a}/providers/Microsoft.Insights/diagnosticSettings"], name="diag")
    return {
        "account": raw(state[a], name="account"),
        "deployments": [raw(state[f"{a}/deployments"], name="deployments")],
        "rai": {"acme-prompt-shields": raw(state[f"{a}/raiPolicies/acme-prompt-shields"], name="rai")},
        "pec": raw(state[f"{a}/privateEndpointConnections"], name="pec"),
        "diag": diag,
        "workspaces": {ws: raw(state[ws], name="ws")},
        "roles": [raw(state[f"{a}/providers/Microsoft.Authorization/roleAssignments"], name="roles")],
    }


def one(findings, subject=None):
    hits = [f for f in findings if f.subject == subject] if subject else findings
    assert len(hits) == 1, hits
    return hits[0]


def set_sku(data, sku):
    for d in data["deployments"][0].response["value"]:
        d["sku"]["name"] = sku


@pytest.mark.parametrize(
    "processing,zone,sku,status",
    [
        ("regional", None, "Standard", "PASS"), ("regional", None, "ProvisionedManaged", "PASS"),
        ("regional", None, "DataZoneStandard", "FAIL"), ("regional", None, "GlobalStandard", "FAIL"),
        ("regional", None, "Developer", "FAIL"), ("data_zone", "eu", "DataZoneStandard", "PASS"),
        ("data_zone", "us", "DataZoneStandard", "FAIL"), ("data_zone", "eu", "GlobalBatch", "FAIL"),
        ("global", None, "GlobalStandard", "PASS"), ("regional", None, "FutureSku", "UNKNOWN"),
    ],
)
def test_sku_against_declared_scope(dep, processing, zone, sku, status):
    from questionnaire.profile_azure import DataZone, ProcessingScope

    dep = dep.model_copy(update={"azure": dep.azure.model_copy(update={
        "processing": ProcessingScope(processing), "data_zone": DataZone(zone) if zone else None})})
    data = data_for(dep)
    set_sku(data, sku)
    assert {f.status.value for f in judges.processing_scope(dep, data)} == {status}


def test_declared_deployment_missing_fails(dep):
    data = data_for(dep)
    data["deployments"][0].response["value"].pop()
    f = one(judges.processing_scope(dep, data), "text-embedding-3-large")
    assert f.status == Status.FAIL and "does not exist" in f.message


def test_region_outside_declaration_fails(dep):
    data = data_for(dep)
    data["account"].response["location"] = "eastus"
    f = one(judges.region(dep, data))
    assert f.status == Status.FAIL and "eastus" in f.message


def test_shields_asynchronous_mode_fails(dep):
    data = data_for(dep)
    data["rai"]["acme-prompt-shields"].response["properties"]["mode"] = "Asynchronous_filter"
    assert {f.status for f in judges.prompt_shields(dep, data)} == {Status.FAIL}


def test_shields_without_policy_name_is_unknown(dep):
    data = data_for(dep)
    for d in data["deployments"][0].response["value"]:
        d["properties"].pop("raiPolicyName")
    assert {f.status for f in judges.prompt_shields(dep, data)} == {Status.UNKNOWN}


def test_abuse_monitoring_capability_absent_fails_a_no_retention_claim(dep):
    data = data_for(dep)
    caps = data["account"].response["properties"]["capabilities"]
    caps[:] = [c for c in caps if c["name"] != "ContentLogging"]
    f = one(judges.abuse_monitoring(dep, data))
    assert f.status == Status.FAIL and "abuse monitoring" in f.message


def test_abuse_monitoring_declared_on_but_off_is_a_mismatch(dep):
    dep = dep.model_copy(update={"azure": dep.azure.model_copy(update={"abuse_monitoring_opt_out": False}),
                                 "provider_retention_days": 30})
    assert one(judges.abuse_monitoring(dep, data_for(dep))).status == Status.FAIL


def test_audit_logs_disabled_category_fails(dep):
    data = data_for(dep)
    for s in data["diag"].response["value"]:
        s["properties"]["logs"] = [{"categoryGroup": "audit", "enabled": False}, {"category": "Trace", "enabled": True}]
    assert one(judges_access.audit_logs(dep, data)).status == Status.FAIL
    assert workspace_ids(data["diag"]) == []
    assert one(judges_access.retention(dep, data)).status == Status.FAIL


def test_audit_to_storage_only_leaves_retention_unknown(dep):
    data = data_for(dep)
    props = data["diag"].response["value"][0]["properties"]
    props.pop("workspaceId")
    props["storageAccountId"] = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/logs"
    assert one(judges_access.audit_logs(dep, data)).status == Status.PASS
    assert one(judges_access.retention(dep, data)).status == Status.UNKNOWN


def test_short_workspace_retention_fails(dep):
    data = data_for(dep)
    next(iter(data["workspaces"].values())).response["properties"]["retentionInDays"] = 30
    f = one(judges_access.retention(dep, data))
    assert f.status == Status.FAIL and "only 30 days" in f.message


def test_workspace_ids_must_be_arm_workspace_ids(dep):
    data = data_for(dep)
    data["diag"].response["value"][0]["properties"]["workspaceId"] = "https://attacker.example/x"
    assert workspace_ids(data["diag"]) == []


def test_network_deny_acl_without_ip_rules_and_approved_endpoint_passes(dep):
    data = data_for(dep, "drifted")
    props = data["account"].response["properties"]
    props["networkAcls"]["defaultAction"] = "Deny"
    assert one(judges_access.private_access(dep, data)).status == Status.PASS
    props["networkAcls"]["ipRules"] = [{"value": "203.0.113.0/24"}]
    assert one(judges_access.private_access(dep, data)).status == Status.FAIL


def test_pending_private_endpoint_is_not_enough(dep):
    data = data_for(dep)
    for c in data["pec"].response["value"]:
        c["properties"]["privateLinkServiceConnectionState"]["status"] = "Pending"
    f = one(judges_access.private_access(dep, data))
    assert f.status == Status.FAIL and "no approved private endpoint" in f.message


def test_local_auth_and_cmk(dep):
    data = data_for(dep)
    props = data["account"].response["properties"]
    props["disableLocalAuth"] = False
    props["encryption"] = {"keySource": "Microsoft.CognitiveServices"}
    assert one(judges_access.entra_only(dep, data)).status == Status.FAIL
    assert one(judges_access.customer_key(dep, data)).status == Status.FAIL


def test_app_with_owner_fails_and_custom_role_is_unknown(dep):
    data = data_for(dep)
    ra = data["roles"][0].response["value"][0]["properties"]
    ra["roleDefinitionId"] = ra["roleDefinitionId"].rsplit("/", 1)[0] + "/" + OWNER
    f = one(judges_access.least_privilege(dep, data))
    assert f.status == Status.FAIL and "Owner" in f.message
    ra["roleDefinitionId"] = ra["roleDefinitionId"].rsplit("/", 1)[0] + "/11111111-2222-4333-8444-555555555555"
    assert one(judges_access.least_privilege(dep, data)).status == Status.UNKNOWN


def test_human_owner_is_not_the_app(dep):
    # the emulated subscription has a User with Owner at subscription scope: not an application principal
    assert one(judges_access.least_privilege(dep, data_for(dep))).status == Status.PASS
    no_ids = dep.model_copy(update={"azure": dep.azure.model_copy(update={"app_principal_ids": []})})
    assert one(judges_access.least_privilege(no_ids, data_for(dep))).status == Status.PASS


def test_every_judge_turns_a_failed_call_into_unknown(dep):
    from questionnaire.checks.azure.run import JUDGES

    for _, _, fn in JUDGES:
        data = data_for(dep)
        err = {"code": "AuthorizationFailed", "message": "no", "status": "403"}
        for k in ("account", "diag", "pec"):
            data[k] = raw(None, err, k)
        data["deployments"] = [raw(None, err, "deployments")]
        data["roles"] = [raw(None, err, "roles")]
        out = fn(dep, data)
        assert out and {f.status for f in out} == {Status.UNKNOWN}, fn.__name__
        assert all("access denied" in f.message for f in out)


def test_metadata_is_complete():
    from questionnaire.checks import REGISTRY, TOPICS

    for cid, m in meta.CHECKS.items():
        assert REGISTRY[cid]["permissions"] == m["permissions"] and m["topic"] in TOPICS
        assert all(a.endswith("/read") for a in m["permissions"])
