"""Checks against the emulated example account (moto in-process + Bedrock extras)."""

from __future__ import annotations

import pytest

from questionnaire import aws
from questionnaire.checks import CHECKS, REGISTRY, TOPICS, run_checks
from questionnaire.errors import WrongAccountError
from questionnaire.findings import Status
from questionnaire.testing.aws_fixture import VARIANTS, emulated_account, profile_for_regions, undeclared_region
from questionnaire.testing.commercial_emulator import emulated_commercial

DECLARED = ["eu-west-1"]
SCAN = ["eu-west-1", "us-east-1"]  # one undeclared region is enough for the residency scan


def _run(variant: str, regions=("eu-west-1",), **kw):
    with emulated_account(variant, regions), emulated_commercial("compliant"):  # the OpenAI deployment: checks/commercial
        return run_checks(profile_for_regions(regions), scan_regions=kw.pop("scan", SCAN), **kw)


def _status(run) -> dict[str, Status]:
    return {f.id: f.status for f in run.findings}


@pytest.fixture(scope="module")
def compliant():
    return _run("compliant")


def test_compliant_account_passes_everything(compliant):
    bad = [f"{f.id}: {f.message}" for f in compliant.findings if f.status != Status.PASS and (f.check_id not in CHECKS or CHECKS[f.check_id].scope != "profile")]
    assert bad == []
    ids = {f.check_id for f in compliant.findings}
    # every check ran (declared.not_verifiable has nothing left to say: every deployment is verified; the agent checks
    # need aws.agent_ids, which the example profile does not declare: test_drift_matrix)
    assert {i for i in ids if i in CHECKS} == set(CHECKS) - {"declared.not_verifiable", "bedrock.agent.uses_declared_role_and_guardrail",
                                                            "bedrock.agent.human_approval"} - {
        c for c in CHECKS if CHECKS[c].scope == "account"} and ids <= set(REGISTRY)  # account scope: with --org only
    assert compliant.identity == {"account": "123456789012", "arn": compliant.identity["arn"]}
    assert compliant.errors == []
    # evidence points at raw responses with deterministic, unique bundle paths
    paths = [r.path for r in compliant.raw]
    assert len(paths) == len(set(paths)) and all(p.startswith("raw/") and p.endswith(".json") for p in paths)
    for f in compliant.findings:
        assert set(f.evidence) <= set(paths)
        if f.check_id not in CHECKS or CHECKS[f.check_id].scope != "profile":
            assert f.evidence, f.id
    assert "bedrock.ListGuardrails" in compliant.emulated


def test_openai_deployment_is_verified_by_the_commercial_provider(compliant):
    f = [f for f in compliant.findings if f.deployment == "marketing-drafts"]
    assert f and all(x.check_id.startswith("commercial.") and x.status == Status.PASS for x in f)


FLIPS = {
    "logging_off": ["bedrock.invocation_logging.enabled:insights-assistant:eu-west-1"],
    "validation_off": ["cloudtrail.trail.log_file_validation:insights-assistant:eu-west-1"],
    "trail_stopped": ["cloudtrail.trail.logging:insights-assistant:eu-west-1"],
    "admin_policy": ["iam.agent_role.least_privilege:insights-assistant:global"],
    "rotation_off": ["secretsmanager.secret.rotation:insights-assistant:eu-west-1:acme/insights/db-credentials"],
    "undeclared_region_logging": ["bedrock.invocation_logging.only_declared_regions:insights-assistant:global"],
    "no_guardrail_filters": ["bedrock.guardrail.prompt_attack_filter:insights-assistant:eu-west-1",
                             "bedrock.guardrail.pii_filter:insights-assistant:eu-west-1"],
    "no_endpoint": ["ec2.vpc_endpoint.bedrock_runtime:insights-assistant:eu-west-1"],
    "short_retention": ["cloudwatch.log_group.retention:insights-assistant:eu-west-1"],
    "bucket_drift": ["s3.log_bucket.encryption:insights-assistant:global", "s3.log_bucket.integrity:insights-assistant:global",
                     "s3.log_bucket.public_access_blocked:insights-assistant:global"],
}


@pytest.mark.parametrize("variant", sorted(FLIPS))
def test_drifted_account_flips_exactly_the_expected_findings(compliant, variant):
    run = _run(variant)
    before, after = _status(compliant), _status(run)
    failed = {i for i, s in after.items() if s == Status.FAIL}
    if variant == "rotation_off":  # KMS rotation is off too: one more FAIL, whose id includes the key id
        kms = {i for i in failed if i.startswith("kms.key_rotation.enabled:")}
        assert len(kms) == 1
        failed -= kms
    assert failed == set(FLIPS[variant])
    for i in FLIPS[variant]:
        assert before[i] == Status.PASS


def test_every_variant_is_covered():
    assert set(VARIANTS) - {"compliant"} == set(FLIPS)


def test_access_denied_on_one_service_gives_unknown_only_there():
    def deny(params, region):
        raise aws.EmulatedError("AccessDeniedException", "User is not authorized to perform: logs:DescribeLogGroups", 400)

    with emulated_account("compliant"):
        with aws.emulators({("logs", "DescribeLogGroups"): deny}):
            run = run_checks(profile_for_regions(), scan_regions=SCAN)
    st = {f.check_id: f.status for f in run.findings if f.check_id != "kms.key_rotation.enabled"}
    for cid in ("cloudwatch.log_group.retention", "cloudwatch.log_group.kms_encrypted"):
        assert st[cid] == Status.UNKNOWN, cid
    # the bucket key is still verified; the log group's key cannot be, and says so
    assert Status.UNKNOWN in {f.status for f in run.findings if f.check_id == "kms.key_rotation.enabled"}
    others = {c: s for c, s in st.items()
              if not c.startswith(("cloudwatch.", "kms.", "declared.", "commercial.")) and c in CHECKS and CHECKS[c].scope != "profile"}
    assert set(others.values()) == {Status.PASS}
    msg = next(f.message for f in run.findings if f.check_id == "cloudwatch.log_group.retention")
    assert "access denied" in msg and "logs:DescribeLogGroups" in msg


def test_every_api_error_gives_unknown_never_pass():
    def deny(params, region):
        raise aws.EmulatedError("AccessDenied", "denied", 403)

    services = ["bedrock", "logs", "s3", "cloudtrail", "kms", "ec2", "iam", "secretsmanager", "cloudwatch", "account", "organizations", "s3control"]
    with emulated_account("compliant"):
        with aws.emulators({(s, "*"): deny for s in services}):
            run = run_checks(profile_for_regions(), scan_regions=SCAN)
    for f in run.findings:
        if f.check_id not in CHECKS:  # other providers (Azure: its own emulator) are not denied here
            continue
        if f.check_id == "identity.account_matches":
            assert f.status == Status.PASS
        else:
            assert f.status == Status.UNKNOWN, (f.id, f.message)


def test_wrong_account_stops_the_run():
    from questionnaire.profile import LoadedProfile, profile_from_bytes

    base = profile_for_regions()
    raw = base.raw_bytes.replace(b"123456789012", b"210987654321")
    loaded = LoadedProfile(profile=profile_from_bytes(raw), path=base.path, raw_bytes=raw)
    with emulated_account("compliant"):
        with pytest.raises(WrongAccountError, match="210987654321"):
            run_checks(loaded, scan_regions=SCAN)


def test_region_option_limits_the_run(compliant):
    with emulated_account("undeclared_region_logging"):
        run = run_checks(profile_for_regions(), regions=["eu-west-1", undeclared_region(["eu-west-1"])])
    assert run.regions == ["eu-west-1"]
    f = next(f for f in run.findings if f.check_id == "bedrock.invocation_logging.only_declared_regions")
    assert f.status == Status.FAIL and "us-east-1" in f.message


def test_three_regions_concurrently():
    regions = ["eu-west-1", "eu-central-1", "eu-west-3"]
    seen: list[str] = []
    run = _run("compliant", regions, scan=regions, progress=seen.append)
    assert run.regions == sorted(regions)
    assert {f.region for f in run.findings if f.check_id == "bedrock.guardrail.exists"} == set(regions)
    assert all(f.status == Status.PASS for f in run.findings if f.check_id not in CHECKS or CHECKS[f.check_id].scope != "profile")
    assert sorted(s.split(":")[0] for s in seen) == sorted(regions)


def test_registry_is_complete():
    for cid, meta in REGISTRY.items():
        assert meta["topic"] in TOPICS and meta["title"] and meta["proves"] and meta["profile_field"], cid
        if meta["scope"] not in ("profile", "repo"):
            assert meta.get("iam_actions") or meta.get("permissions"), f"{cid} declares no IAM actions / permissions"


def test_iam_policy_covers_every_operation_called(compliant):
    """Every boto3 operation a check made during a full run is covered by its declared iam_actions."""
    drift = _run("bucket_drift")  # also exercises GetObjectLockConfiguration
    for run in (compliant, drift):
        assert run.operations_by_check
        for cid, ops in run.operations_by_check.items():
            declared = set(CHECKS[cid].iam_actions)
            for op in ops:
                service, operation = op.split(".")
                assert aws.iam_action(service, operation) in declared, f"{cid} calls {op} but does not declare it"
                assert aws.is_read_only(service, operation)


def _residency(run):
    return next(f for f in run.findings if f.check_id == "bedrock.invocation_logging.only_declared_regions")


def test_scan_covers_only_the_enabled_regions():
    """17.2: account:ListRegions (ENABLED, ENABLED_BY_DEFAULT) decides the scan; opt-in regions never enabled are skipped."""
    with emulated_account("compliant") as extras:
        extras.enabled_regions = ["eu-west-1", "eu-central-1", "us-east-1"]
        run = run_checks(profile_for_regions())
    f = _residency(run)
    assert f.status == Status.PASS, f.message
    assert f.observed["regions_scanned"] == ["eu-central-1", "eu-west-1", "us-east-1"]
    assert f.observed["region_list"] == "account:ListRegions"
    assert any(p.startswith("raw/global/account/ListRegions") for p in f.evidence)


def test_scan_falls_back_to_describe_regions_without_opt_in_regions():
    with emulated_account("compliant"):  # moto has no account:ListRegions: ec2:DescribeRegions lists the enabled ones
        run = run_checks(profile_for_regions())
    f = _residency(run)
    assert f.observed["region_list"] == "ec2:DescribeRegions"
    assert "ap-east-1" not in f.observed["regions_scanned"] and "eu-west-1" in f.observed["regions_scanned"]
    assert f.status == Status.PASS, f.message


def test_secret_in_a_later_declared_region_is_found():
    """17.8: the secret lives in the second declared region; it is found there, not reported missing."""
    with emulated_account("compliant", ("eu-west-1", "eu-central-1")):
        run = run_checks(profile_for_regions(["eu-central-1", "eu-west-1"]), scan_regions=["eu-central-1", "eu-west-1"])
    f = next(f for f in run.findings if f.check_id == "secretsmanager.secret.rotation")
    assert f.status == Status.PASS and f.region == "eu-west-1", f.message
