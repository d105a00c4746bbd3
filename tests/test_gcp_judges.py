"""Pure Vertex judges on recorded responses (no network): each rule's PASS, FAIL and UNKNOWN."""

from __future__ import annotations

import pytest

from questionnaire.checks.gcp import judges as J
from questionnaire.checks.gcp import judges_store as S
from questionnaire.findings import RawResponse, Status
from questionnaire.profile import load_profile
from questionnaire.resources import example_profile

DEP = load_profile(example_profile()).profile.deployment("ticket-summaries")


def settings(**kw):
    return DEP.gcp.model_copy(update=kw)


def raw(response=None, error=None, op="x", url="https://x/v1/x", path="raw/gcp/p/x.json"):
    return RawResponse(service="gcp.test", operation=op, region=None, params={"url": url}, response=response,
                       timestamp="2026-12-01T00:00:00Z", error=error, path=path)


DENIED = {"code": "PERMISSION_DENIED", "http_status": "403", "message": "denied"}


@pytest.mark.parametrize("caching,resp,status", [
    ("zero_data_retention", {"disableCache": True}, Status.PASS),
    ("zero_data_retention", {}, Status.FAIL),  # proto3 JSON: an absent boolean is false
    ("zero_data_retention", {"retentionConfig": {"retentionType": "EPHEMERAL"}}, Status.FAIL),
    ("no_durable_storage", {"retentionConfig": {"retentionType": "EPHEMERAL"}}, Status.PASS),
    ("no_durable_storage", {"retentionConfig": {"retentionType": "DURABLE"}}, Status.FAIL),
    ("no_durable_storage", {"retentionConfig": {"retentionType": "SOMETHING_NEW"}}, Status.UNKNOWN),
    ("no_durable_storage", {}, Status.UNKNOWN),
])
def test_cache(caching, resp, status):
    f = S.judge_cache(settings(caching=caching), DEP, {"cache_config": raw(resp)})
    assert f.status == status and f.evidence == ("raw/gcp/p/x.json",)


def test_cache_error_is_unknown():
    f = S.judge_cache(settings(), DEP, {"cache_config": raw(error=DENIED)})
    assert f.status == Status.UNKNOWN and "gcp-role" in f.message


@pytest.mark.parametrize("resp,want,status", [
    ({"claudeFeatureConfig": {"advancedAiEnabled": False}}, False, Status.PASS),
    ({}, False, Status.PASS),
    ({"claudeFeatureConfig": {"advancedAiEnabled": True}}, False, Status.FAIL),
    ({"dataSharingEnabledProvider": "ANTHROPIC"}, False, Status.FAIL),
    ({"dataSharingEnabledProvider": "ANTHROPIC"}, True, Status.PASS),
    ({}, True, Status.FAIL),
    ({"dataSharingEnabledProvider": "SOMEONE_ELSE"}, False, Status.UNKNOWN),
])
def test_claude(resp, want, status):
    data = {"model_configs": {"anthropic/claude-sonnet-4-5@europe-west4": raw(resp), "google/gemini-2.5-pro@europe-west4": raw({})}}
    assert S.judge_claude(settings(claude_data_retention_opt_in=want), DEP, data).status == status


def test_claude_error_is_unknown_unless_another_config_proves_the_fail():
    cfgs = {"anthropic/a@l1": raw(error=DENIED), "anthropic/b@l1": raw({})}
    assert S.judge_claude(settings(), DEP, {"model_configs": cfgs}).status == Status.UNKNOWN
    cfgs["anthropic/b@l1"] = raw({"claudeFeatureConfig": {"advancedAiEnabled": True}})
    assert S.judge_claude(settings(), DEP, {"model_configs": cfgs}).status == Status.FAIL


def _eps(*endpoints):
    return {"europe-west4": raw({"endpoints": list(endpoints)})}


LOGGED = {"enabled": True, "samplingRate": 1, "bigqueryDestination": {"outputUri": "bq://p.d.t"}}


@pytest.mark.parametrize("cfg,want,status", [
    (LOGGED, True, Status.PASS),
    ({**LOGGED, "samplingRate": 0.1}, True, Status.FAIL),
    ({"enabled": True}, True, Status.FAIL),  # no destination
    (None, True, Status.FAIL),
    (None, False, Status.PASS),
    (LOGGED, False, Status.FAIL),
])
def test_request_response_logging(cfg, want, status):
    ep = {"name": "projects/1/locations/europe-west4/endpoints/9", "displayName": "e"}
    if cfg is not None:
        ep["predictRequestResponseLoggingConfig"] = cfg
    f = J.judge_reqlog(settings(request_response_logging=want), DEP, {"endpoints": _eps(ep), "model_configs": {}})
    assert f.status == status


def test_request_response_logging_with_nothing_to_inspect_is_unknown():
    f = J.judge_reqlog(settings(), DEP, {"endpoints": _eps(), "model_configs": {}})
    assert f.status == Status.UNKNOWN


@pytest.mark.parametrize("perimeter,status", [
    ({"status": {"resources": ["projects/42"], "restrictedServices": ["aiplatform.googleapis.com"]}}, Status.PASS),
    ({"status": {"resources": ["projects/42"], "restrictedServices": ["storage.googleapis.com"]}}, Status.FAIL),
    ({"status": {"resources": ["projects/7"], "restrictedServices": ["aiplatform.googleapis.com"]}}, Status.FAIL),
    ({"spec": {"resources": ["projects/42"], "restrictedServices": ["aiplatform.googleapis.com"]}}, Status.FAIL),  # dry run only
    ({"perimeterType": "PERIMETER_TYPE_BRIDGE", "status": {"resources": ["projects/42"], "restrictedServices": ["aiplatform.googleapis.com"]}}, Status.FAIL),
])
def test_vpc_sc(perimeter, status):
    data = {"perimeter": raw(perimeter), "project": raw({"name": "projects/42"})}
    assert S.judge_vpcsc(settings(), DEP, data).status == status


FLOOR = {"enableFloorSettingEnforcement": True, "integratedServices": ["AI_PLATFORM"], "aiPlatformFloorSetting": {"inspectAndBlock": True},
         "filterConfig": {"piAndJailbreakFilterSettings": {"filterEnforcement": "ENABLED"}}}


@pytest.mark.parametrize("change,status", [
    ({}, Status.PASS),
    ({"enableFloorSettingEnforcement": False}, Status.FAIL),
    ({"integratedServices": []}, Status.FAIL),
    ({"aiPlatformFloorSetting": {"inspectOnly": True}}, Status.FAIL),
    ({"filterConfig": {"piAndJailbreakFilterSettings": {"filterEnforcement": "DISABLED"}}}, Status.FAIL),
    ({"filterConfig": {}}, Status.FAIL),
])
def test_model_armor(change, status):
    assert S.judge_armor(settings(), DEP, {"floor_setting": raw({**FLOOR, **change})}).status == status


@pytest.mark.parametrize("policy,status", [
    ({"spec": {"rules": [{"values": {"deniedValues": ["is:aiplatform.googleapis.com"]}}]}}, Status.PASS),
    ({"spec": {"rules": [{"denyAll": True}]}}, Status.PASS),
    ({"spec": {"rules": [{"values": {"deniedValues": ["bigquery.googleapis.com"]}}]}}, Status.UNKNOWN),  # nothing stored to inspect
])
def test_cmek_policy(policy, status):
    data = {"org_policy": raw(policy), "endpoints": _eps(), "cached_contents": {"europe-west4": raw({})}}
    assert S.judge_cmek(settings(), DEP, data).status == status


def test_audit_needs_both_data_log_types():
    one = raw({"auditConfigs": [{"service": "allServices", "auditLogConfigs": [{"logType": "DATA_READ"}]}]})
    iam = {"project": one, "ancestors": [], "walk": [raw({"projectId": "p"})]}  # no parent: nothing inherited
    f = J.judge_audit(settings(), DEP, {"iam": iam})
    assert f.status == Status.FAIL and "DATA_READ" in f.message
    assert J.judge_audit(settings(data_access_audit_logs=False), DEP, {"iam": iam}).status == Status.PASS


def test_location_entries_outside_the_declared_locations_fail_even_when_audit_is_unknown():
    entry = {"protoPayload": {"resourceName": "projects/p/locations/us-central1/publishers/google/models/m"}}
    iam = {"project": raw(error=DENIED), "ancestors": [], "walk": []}
    f = J.judge_location(settings(), DEP, {"audit_log": raw({"entries": [entry]}), "iam": iam})
    assert f.status == Status.FAIL and "us-central1" in f.message
    allowed = settings(locations=["europe-west4", "us-central1"])
    assert J.judge_location(allowed, DEP, {"audit_log": raw({"entries": [entry]}), "iam": iam}).status == Status.UNKNOWN
