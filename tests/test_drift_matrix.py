"""Drift matrix: start from the compliant emulated account, apply ONE realistic drift, run the checks.

The check that covers the drift must be FAIL (or UNKNOWN where AWS cannot tell) and never PASS;
every other check keeps its compliant status.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import boto3
import pytest

from questionnaire.checks import run_checks
from questionnaire.findings import Status
from questionnaire.testing.aws_fixture import (ACCOUNT_ID, LOG_BUCKET, LOG_GROUP, ROLE, SECRET, TRAIL, emulated_account,
                                               profile_for_regions)

REG = "eu-west-1"
SCAN = ["eu-west-1", "us-east-1"]
ROLE_CHECK = "iam.agent_role.least_privilege"


def _c(service: str, region: str = REG) -> Any:
    return boto3.client(service, region_name=region)


def _inline(statement: dict[str, Any]) -> Callable[[Any], None]:
    def apply(extras: Any) -> None:
        _c("iam", "us-east-1").put_role_policy(RoleName=ROLE, PolicyName="drift", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]}))
    return apply


def _logging(**over: Any) -> Callable[[Any], None]:
    def apply(extras: Any) -> None:
        cfg = {"s3Config": {"bucketName": LOG_BUCKET},
               "cloudWatchConfig": {"logGroupName": LOG_GROUP, "roleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/bedrock-logging"},
               "textDataDeliveryEnabled": True, **over}
        _c("bedrock", over.pop("_region", REG)).put_model_invocation_logging_configuration(loggingConfig=cfg)
    return apply


def _no_kms_group(extras: Any) -> None:  # moto lacks DisassociateKmsKey: recreate the group without a key
    logs = _c("logs")
    logs.delete_log_group(logGroupName=LOG_GROUP)
    logs.create_log_group(logGroupName=LOG_GROUP)
    logs.put_retention_policy(logGroupName=LOG_GROUP, retentionInDays=400)


def _empty_bucket_delete(extras: Any) -> None:
    s3 = _c("s3")
    s3.delete_bucket_encryption(Bucket=LOG_BUCKET)
    s3.delete_public_access_block(Bucket=LOG_BUCKET)
    s3.put_bucket_versioning(Bucket=LOG_BUCKET, VersioningConfiguration={"Status": "Suspended"})
    s3.delete_bucket(Bucket=LOG_BUCKET)


def _public_policy(extras: Any) -> None:
    _c("s3").put_bucket_policy(Bucket=LOG_BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{LOG_BUCKET}/*"}]}))


def _trail_elsewhere(extras: Any) -> None:
    _c("cloudtrail").delete_trail(Name=TRAIL)
    _c("cloudtrail", "us-east-1").create_trail(Name=TRAIL, S3BucketName="acme-cloudtrail-logs", EnableLogFileValidation=True)


def _delete_role(extras: Any) -> None:
    iam = _c("iam", "us-east-1")
    for p in iam.list_role_policies(RoleName=ROLE)["PolicyNames"]:
        iam.delete_role_policy(RoleName=ROLE, PolicyName=p)
    for p in iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=ROLE, PolicyArn=p["PolicyArn"])
    iam.delete_role(RoleName=ROLE)


def _power_user(extras: Any) -> None:
    iam = _c("iam", "us-east-1")
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}]}
    arn = iam.create_policy(PolicyName="PowerUserAccess", PolicyDocument=json.dumps(doc))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=arn)


def _group_policy(extras: Any) -> None:
    """A broad policy on a group: roles cannot be group members, so the agent role is unaffected."""
    iam = _c("iam", "us-east-1")
    iam.create_group(GroupName="admins")
    iam.put_group_policy(GroupName="admins", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))


def _endpoint(fn: Callable[[Any, str], None]) -> Callable[[Any], None]:
    def apply(extras: Any) -> None:
        ec2 = _c("ec2")
        eps = ec2.describe_vpc_endpoints()["VpcEndpoints"]
        ep = next(e for e in eps if e["ServiceName"].endswith("bedrock-runtime"))
        fn(ec2, ep["VpcEndpointId"])
    return apply


def _rotation(days: int) -> Callable[[Any], None]:
    return lambda extras: _c("secretsmanager").rotate_secret(SecretId=SECRET, RotationRules={"AutomaticallyAfterDays": days},
                                                             RotateImmediately=False)


def _xregion_profile(extras: Any) -> None:
    extras.inference_profiles[REG].append({
        "inferenceProfileName": "insights-eu", "inferenceProfileId": "p1", "status": "ACTIVE", "type": "APPLICATION",
        "inferenceProfileArn": f"arn:aws:bedrock:{REG}:{ACCOUNT_ID}:application-inference-profile/p1",
        "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"}
                   for r in (REG, "eu-central-1")]})


def _guardrail_not_ready(extras: Any) -> None:
    extras.guardrails[REG][0]["status"] = "FAILED"


# drift -> (mutation, {check id prefix: allowed non-PASS statuses})
F = Status.FAIL
DRIFTS: dict[str, tuple[Callable[[Any], None], dict[str, set[Status]]]] = {
    # invocation logging
    "logging_text_delivery_off": (_logging(textDataDeliveryEnabled=False), {"bedrock.invocation_logging.enabled": {F}}),
    "logging_other_bucket": (_logging(s3Config={"bucketName": "someone-elses-bucket"}), {"bedrock.invocation_logging.enabled": {F}}),
    "logging_other_log_group": (_logging(cloudWatchConfig={"logGroupName": "/tmp/x", "roleArn": "arn:aws:iam::1:role/x"}),
                                {"bedrock.invocation_logging.enabled": {F}}),
    "logging_deleted": (lambda x: _c("bedrock").delete_model_invocation_logging_configuration(),
                        {"bedrock.invocation_logging.enabled": {F}}),
    "logging_in_undeclared_region": (lambda x: _logging()(x) or _c("bedrock", "us-east-1").put_model_invocation_logging_configuration(
        loggingConfig={"s3Config": {"bucketName": LOG_BUCKET}, "textDataDeliveryEnabled": True}),
        {"bedrock.invocation_logging.only_declared_regions": {F}}),
    # log group
    "log_group_deleted": (lambda x: _c("logs").delete_log_group(logGroupName=LOG_GROUP),
                          {"cloudwatch.log_group.": {F}}),
    "log_group_short_retention": (lambda x: _c("logs").put_retention_policy(logGroupName=LOG_GROUP, retentionInDays=365),
                                  {"cloudwatch.log_group.retention": {F}}),
    "log_group_without_kms": (_no_kms_group, {"cloudwatch.log_group.kms_encrypted": {F}}),
    # log bucket
    "bucket_no_default_encryption": (lambda x: _c("s3").delete_bucket_encryption(Bucket=LOG_BUCKET),
                                     {"s3.log_bucket.encryption": {F}}),
    "bucket_sse_s3_only": (lambda x: _c("s3").put_bucket_encryption(Bucket=LOG_BUCKET, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}), {"s3.log_bucket.encryption": {F}}),
    "bucket_public_access_allowed": (lambda x: _c("s3").put_public_access_block(Bucket=LOG_BUCKET, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}),
        {"s3.log_bucket.public_access_blocked": {F}}),
    "bucket_policy_principal_star": (_public_policy, {"s3.log_bucket.public_access_blocked": {F}}),
    "bucket_versioning_suspended": (lambda x: _c("s3").put_bucket_versioning(Bucket=LOG_BUCKET, VersioningConfiguration={
        "Status": "Suspended"}), {"s3.log_bucket.integrity": {F}}),
    "bucket_deleted": (_empty_bucket_delete, {"s3.log_bucket.": {F}}),
    # CloudTrail
    "trail_stopped": (lambda x: _c("cloudtrail").stop_logging(Name=TRAIL), {"cloudtrail.trail.logging": {F}}),
    "trail_validation_off": (lambda x: _c("cloudtrail").update_trail(Name=TRAIL, EnableLogFileValidation=False),
                             {"cloudtrail.trail.log_file_validation": {F}}),
    "trail_deleted": (lambda x: _c("cloudtrail").delete_trail(Name=TRAIL), {"cloudtrail.trail.": {F}}),
    "trail_only_in_other_region": (_trail_elsewhere, {"cloudtrail.trail.": {F}}),
    # agent role
    "role_inline_notaction": (_inline({"NotAction": "iam:*", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_bedrock_star": (_inline({"Action": "bedrock:*", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_star_star": (_inline({"Action": "*", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_passrole_any": (_inline({"Action": "iam:PassRole", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_assumerole_any": (_inline({"Action": "sts:AssumeRole", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_iam_write": (_inline({"Action": "iam:*", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_invoke_any_model": (_inline({"Action": "bedrock:InvokeModel", "Resource": "arn:aws:bedrock:*::foundation-model/*"}),
                              {ROLE_CHECK: {F}}),
    "role_power_user": (_power_user, {ROLE_CHECK: {F}}),
    "role_deleted": (_delete_role, {ROLE_CHECK: {F}}),
    # VPC endpoint
    "endpoint_deleted": (_endpoint(lambda ec2, i: ec2.delete_vpc_endpoints(VpcEndpointIds=[i])), {"ec2.vpc_endpoint.bedrock_runtime": {F}}),
    # secrets
    "secret_rotation_interval_too_long": (_rotation(180), {"secretsmanager.secret.rotation": {F}}),
    # rotation switched off: moto cannot cancel rotation without a Lambda; covered by the "rotation_off" fixture variant
    "secret_scheduled_for_deletion": (lambda x: _c("secretsmanager").delete_secret(SecretId=SECRET, RecoveryWindowInDays=7),
                                      {"secretsmanager.secret.rotation": {F}}),
    "secret_deleted": (lambda x: _c("secretsmanager").delete_secret(SecretId=SECRET, ForceDeleteWithoutRecovery=True),
                       {"secretsmanager.secret.rotation": {F}}),
    # KMS
    "kms_rotation_off": (lambda x: _c("kms").disable_key_rotation(KeyId=_c("kms").list_keys()["Keys"][0]["KeyId"]),
                         {"kms.key_rotation.enabled": {F}}),
    # guardrails / inference
    "guardrail_deleted": (lambda x: x.guardrails[REG].clear(), {"bedrock.guardrail.": {F}}),
    "guardrail_not_ready": (_guardrail_not_ready, {"bedrock.guardrail.exists": {F}}),
    "cross_region_profile_when_declared_off": (_xregion_profile, {"bedrock.cross_region_inference.matches_declaration": {F}}),
    "declared_model_withdrawn": (lambda x: x.models[REG].pop(0), {"bedrock.models.available": {F}}),
    # not a drift of the agent role: IAM roles cannot belong to groups
    "group_policy_is_not_the_roles": (_group_policy, {}),
}


def _run(mutate: Callable[[Any], None] | None):
    from questionnaire.testing.commercial_emulator import emulated_commercial  # the OpenAI deployment stays compliant

    with emulated_account("compliant") as extras, emulated_commercial("compliant"):
        if mutate is not None:
            mutate(extras)
        run = run_checks(profile_for_regions(), scan_regions=SCAN)
    return {f.id: f for f in run.findings}


@pytest.fixture(scope="module")
def baseline():
    return _run(None)


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_one_drift_fails_its_check_and_nothing_else(baseline, drift):
    mutate, expected = DRIFTS[drift]
    after = _run(mutate)
    hit = {i: f for i, f in after.items() if f.check_id.startswith(tuple(expected))}
    if expected:
        assert hit, f"{drift}: no finding of {sorted(expected)}"
    for i, f in hit.items():
        allowed = next(v for k, v in expected.items() if f.check_id.startswith(k))
        assert f.status != Status.PASS, f"{drift}: {i} wrongly PASS ({f.message})"
        assert f.status in allowed, f"{drift}: {i} is {f.status} ({f.message})"
    # unrelated checks keep the compliant status (matching by check id: drifts may change subjects)
    base = {f.check_id: f.status for f in baseline.values()}
    for i, f in after.items():
        if i not in hit:
            assert f.status == base.get(f.check_id, f.status) == (Status.UNKNOWN if f.check_id == "declared.not_verifiable" else Status.PASS), \
                f"{drift}: unrelated {i} is {f.status} ({f.message})"
