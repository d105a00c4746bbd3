"""Drift matrix: start from the compliant emulated account, apply ONE realistic drift, run the checks.

The check that covers the drift must be FAIL (or UNKNOWN where AWS cannot tell) and never PASS;
every other check keeps its compliant status.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import boto3
import pytest

from questionnaire.aws import emulators
from questionnaire.checks import CHECKS, run_checks
from questionnaire.findings import Status
from questionnaire.testing.aws_fixture import (ACCOUNT_ID, LOG_BUCKET, LOG_GROUP, MODEL_ID, ROLE, SECRET, TRAIL, emulated_account,
                                               invocation_event, profile_for_regions, unreachable)

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
               **{f"{t}DataDeliveryEnabled": True for t in ("text", "image", "embedding", "video", "audio")}, **over}
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


def _guardrail_applied_as_draft(extras: Any) -> None:
    """Calls of the last two weeks applied the working DRAFT, not the published version whose filters are judged."""
    def fn(params: dict[str, Any], region: str) -> Any:
        if params.get("Namespace") != "AWS/Bedrock/Guardrails":
            return None  # every other ListMetrics goes to moto
        dims = [{"Name": "GuardrailArn", "Value": extras.guardrails[region][0]["arn"]}, {"Name": "GuardrailVersion", "Value": "DRAFT"}]
        return {"Metrics": [{"Namespace": "AWS/Bedrock/Guardrails", "MetricName": "Invocations", "Dimensions": dims}]}
    extras.overrides[("cloudwatch", "ListMetrics")] = fn


def _guardrail_not_ready(extras: Any) -> None:
    extras.guardrails[REG][0]["status"] = "FAILED"


def _invoked(region: str, model_id: str = MODEL_ID) -> Callable[[Any], None]:
    """Bedrock publishes AWS/Bedrock Invocations by ModelId for every call: the evidence of use."""
    return lambda extras: _c("cloudwatch", region).put_metric_data(Namespace="AWS/Bedrock", MetricData=[
        {"MetricName": "Invocations", "Dimensions": [{"Name": "ModelId", "Value": model_id}], "Value": 1.0}])


def _called(region: str, model_id: str, name: str) -> Callable[[Any], None]:
    """A Bedrock runtime call in CloudTrail's event history only (older than the two weeks ListMetrics covers)."""
    return lambda extras: extras.events.setdefault(region, []).insert(0, invocation_event(region, model_id, name=name, days_ago=40))


def _timeouts(*regions: str) -> Callable[[Any], None]:
    def apply(extras: Any) -> None:
        for op in (("cloudwatch", "ListMetrics"), ("bedrock", "GetModelInvocationLoggingConfiguration"),
                   ("bedrock", "ListInferenceProfiles"), ("cloudtrail", "LookupEvents")):
            extras.overrides[op] = unreachable(*regions, fallback=extras.table().get(op))
    return apply


def _region_scp(*, exempt_admins: bool = False, member: bool = True) -> Callable[[Any], None]:
    """An SCP on the organization's root denying everything but IAM/STS outside eu-west-1 (AWS's region-deny
    example), optionally with the usual exemption of an admin role; the account a member (SCPs never bind the
    management account, which moto makes every account that creates an organization)."""
    def apply(extras: Any) -> None:
        org = _c("organizations", "us-east-1")
        org.create_organization(FeatureSet="ALL")
        cond: dict[str, Any] = {"StringNotEquals": {"aws:RequestedRegion": [REG]}}
        if exempt_admins:
            cond["ArnNotLike"] = {"aws:PrincipalARN": f"arn:aws:iam::{ACCOUNT_ID}:role/admin"}
        doc = {"Version": "2012-10-17", "Statement": [{"Sid": "DenyOutsideEU", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"],
                                                        "Resource": "*", "Condition": cond}]}
        pid = org.create_policy(Content=json.dumps(doc), Description="eu only", Name="eu-only",
                                Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
        org.attach_policy(PolicyId=pid, TargetId=org.list_roots()["Roots"][0]["Id"])
        if member:
            real = org.describe_organization()["Organization"]
            extras.overrides[("organizations", "DescribeOrganization")] = lambda p, r: {"Organization": {
                **real, "MasterAccountId": "210987654321", "MasterAccountArn": "arn:aws:organizations::210987654321:account"}}
        _timeouts("us-east-1")(extras)
    return apply


def _aws_managed_s3_full_access(extras: Any) -> None:
    """AmazonS3FullAccess judged by its document (s3:* on *), not by its name."""
    iam = _c("iam", "us-east-1")
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}]}
    arn = iam.create_policy(PolicyName="AmazonS3FullAccess", PolicyDocument=json.dumps(doc))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=arn)


def _trust_anyone(extras: Any) -> None:
    _c("iam", "us-east-1").update_assume_role_policy(RoleName=ROLE, PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))


def _star_on_page_2(extras: Any) -> None:
    """ListRolePolicies answers in two pages (IsTruncated/Marker); the policy granting * is on the second."""
    _inline({"Action": "*", "Resource": "*"})(extras)
    pages = {None: {"PolicyNames": ["invoke-declared-models"], "IsTruncated": True, "Marker": "page-2"},
             "page-2": {"PolicyNames": ["drift"], "IsTruncated": False}}
    extras.overrides[("iam", "ListRolePolicies")] = lambda params, region: pages[params.get("Marker")]


def _guardrail_on_page_2(extras: Any) -> None:
    real = extras.table()[("bedrock", "ListGuardrails")]

    def fn(params: dict[str, Any], region: str) -> dict[str, Any]:
        if params.get("guardrailIdentifier"):
            return real(params, region)
        return real(params, region) if params.get("nextToken") == "p2" else {"guardrails": [], "nextToken": "p2"}
    extras.overrides[("bedrock", "ListGuardrails")] = fn


def _guardrail_version(version: str, fn: Callable[[dict[str, Any]], None]) -> Callable[[Any], None]:
    def apply(extras: Any) -> None:
        for v, policies in extras.guardrails[REG][0]["versions"].items():
            if version in (v, "*"):
                fn(policies)
    return apply


def _strip_filters(p: dict[str, Any]) -> None:
    p["contentPolicy"] = {"filters": [f for f in p["contentPolicy"]["filters"] if f["type"] != "PROMPT_ATTACK"]}
    p["sensitiveInformationPolicy"] = {"piiEntities": [], "regexes": []}


def _detect_only(p: dict[str, Any]) -> None:
    next(f for f in p["contentPolicy"]["filters"] if f["type"] == "PROMPT_ATTACK")["inputAction"] = "NONE"


def _pii_off(p: dict[str, Any]) -> None:
    for e in p["sensitiveInformationPolicy"]["piiEntities"]:
        e.update(inputEnabled=False, outputEnabled=False)


def _selectors(**kw: Any) -> Callable[[Any], None]:
    return lambda extras: _c("cloudtrail").put_event_selectors(TrailName=TRAIL, **kw)


def _trail_status(**fields: Any) -> Callable[[Any], None]:
    """moto cannot produce delivery errors: GetTrailStatus answers like a trail whose bucket policy broke."""
    def apply(extras: Any) -> None:
        extras.overrides[("cloudtrail", "GetTrailStatus")] = lambda params, region: {
            "IsLogging": True, "LatestDeliveryAttemptTime": "2026-01-01T00:00:00Z", **fields}
    return apply


def _large_payload_bucket_public(extras: Any) -> None:
    """Large payloads go to another bucket that has no public access block (17.6)."""
    s3 = _c("s3")
    s3.create_bucket(Bucket="acme-bedrock-large-payloads", CreateBucketConfiguration={"LocationConstraint": REG})
    _logging(cloudWatchConfig={"logGroupName": LOG_GROUP, "roleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/bedrock-logging",
                               "largeDataDeliveryS3Config": {"bucketName": "acme-bedrock-large-payloads"}})(extras)


def _pab_only_at_account_level(extras: Any) -> None:
    _c("s3").delete_public_access_block(Bucket=LOG_BUCKET)
    _c("s3control").put_public_access_block(AccountId=ACCOUNT_ID, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})


def _endpoint_private_dns_off(extras: Any) -> None:
    ec2 = _c("ec2")
    ep = next(e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e["ServiceName"].endswith("bedrock-runtime"))
    ec2.delete_vpc_endpoints(VpcEndpointIds=[ep["VpcEndpointId"]])
    ec2.create_vpc_endpoint(VpcId=ep["VpcId"], ServiceName=ep["ServiceName"], VpcEndpointType="Interface", PrivateDnsEnabled=False)


def with_profile(old: str, new: str) -> Any:
    """The example profile with one text replacement (optional fields the contract profile does not set)."""
    from questionnaire.profile import LoadedProfile, profile_from_bytes

    base = profile_for_regions()
    raw = base.raw_bytes.replace(old.encode(), new.encode(), 1)
    assert raw != base.raw_bytes, old
    return LoadedProfile(profile=profile_from_bytes(raw), path=base.path, raw_bytes=raw)


def _secret_rotation_failing(extras: Any) -> None:
    """Rotation on, but the rotation Lambda has been failing: the last rotation is 200 days old, the next long overdue.
    (moto always reports a fresh rotation: DescribeSecret answers as Secrets Manager does for such a secret.)"""
    import datetime as dt

    now = dt.datetime.now(dt.timezone.utc)
    arn = _c("secretsmanager").describe_secret(SecretId=SECRET)["ARN"]
    extras.overrides[("secretsmanager", "DescribeSecret")] = lambda params, region: {
        "ARN": arn, "Name": SECRET, "RotationEnabled": True, "RotationLambdaARN": f"arn:aws:lambda:{REG}:{ACCOUNT_ID}:function:rotate",
        "RotationRules": {"AutomaticallyAfterDays": 30}, "LastRotatedDate": now - dt.timedelta(days=200),
        "NextRotationDate": now - dt.timedelta(days=170), "LastChangedDate": now - dt.timedelta(days=200)}


def _log_group_key() -> str:
    return next(g["kmsKeyId"] for g in _c("logs").describe_log_groups()["logGroups"] if g["logGroupName"] == LOG_GROUP)


def _key_policy_open(extras: Any) -> None:
    _c("kms").put_key_policy(KeyId=_log_group_key().rsplit("/", 1)[-1], PolicyName="default", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]}))


def _distilled_from_logs(extras: Any) -> None:
    """A model distilled from the invocation logs (moto cannot create customization jobs without S3 training data)."""
    import datetime as dt

    when = dt.datetime(2026, 1, 10, tzinfo=dt.timezone.utc)
    job = {"jobArn": f"arn:aws:bedrock:{REG}:{ACCOUNT_ID}:model-customization-job/x1", "jobName": "distil-insights",
           "baseModelArn": f"arn:aws:bedrock:{REG}::foundation-model/{MODEL_ID}", "status": "Completed", "creationTime": when,
           "customizationType": "DISTILLATION"}
    detail = {**job, "outputModelName": "insights-small", "roleArn": f"arn:aws:iam::{ACCOUNT_ID}:role/x",
              "trainingDataConfig": {"invocationLogsConfig": {"invocationLogSource": {"s3Uri": f"s3://{LOG_BUCKET}/"}}},
              "outputDataConfig": {"s3Uri": "s3://acme-models/"}}
    extras.overrides[("bedrock", "ListModelCustomizationJobs")] = lambda p, r: {"modelCustomizationJobSummaries": [job] if r == REG else []}
    extras.overrides[("bedrock", "GetModelCustomizationJob")] = lambda p, r: detail


def _fine_tuned_model(extras: Any) -> None:
    import datetime as dt

    extras.overrides[("bedrock", "ListCustomModels")] = lambda p, r: {"modelSummaries": [{
        "modelArn": f"arn:aws:bedrock:{REG}:{ACCOUNT_ID}:custom-model/x", "modelName": "insights-ft",
        "creationTime": dt.datetime(2026, 1, 10, tzinfo=dt.timezone.utc), "baseModelArn": "arn:b", "baseModelName": "b",
        "customizationType": "FINE_TUNING"}] if r == REG else []}


# drift -> (mutation, {check id prefix: allowed non-PASS statuses})
F = Status.FAIL
U = Status.UNKNOWN
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
    # invocation logging data types, large payloads (17.6)
    "logging_image_delivery_off": (_logging(imageDataDeliveryEnabled=False), {"bedrock.invocation_logging.enabled": {F}}),
    "logging_video_delivery_off": (_logging(videoDataDeliveryEnabled=False), {"bedrock.invocation_logging.enabled": {F}}),
    "logging_large_payload_bucket_public": (_large_payload_bucket_public, {"bedrock.invocation_logging.enabled": {F}}),
    "bucket_lifecycle_expires_before_retention": (lambda x: _c("s3").put_bucket_lifecycle_configuration(
        Bucket=LOG_BUCKET, LifecycleConfiguration={"Rules": [{"ID": "cleanup", "Status": "Enabled", "Filter": {"Prefix": ""},
                                                              "Expiration": {"Days": 90}}]}), {"s3.log_bucket.retention": {F}}),
    # not a drift (17.9): the account-level public access block covers the bucket
    "public_access_blocked_at_account_level": (_pab_only_at_account_level, {}),
    # residency (14.3, 17.2): use without logging, unreachable regions
    "bedrock_invoked_in_undeclared_region_without_logging": (_invoked("us-east-1"),
                                                             {"bedrock.invocation_logging.only_declared_regions": {F}}),
    "undeclared_region_times_out": (_timeouts("us-east-1"), {"bedrock.invocation_logging.only_declared_regions": {U}}),
    "every_region_times_out": (_timeouts(*SCAN), {"bedrock.invocation_logging.only_declared_regions": {U},
                                                 "bedrock.invocation_logging.enabled": {U},
                                                 "bedrock.cross_region_inference.matches_declaration": {U},
                                                 "bedrock.guardrail.applied_to_calls": {U}}),
    # where Bedrock is used, from CloudTrail's event history (17: LookupEvents): a call 40 days ago, no metric left
    "converse_in_undeclared_region_per_cloudtrail": (_called("us-east-1", MODEL_ID, "Converse"),
                                                     {"bedrock.invocation_logging.only_declared_regions": {F}}),
    "global_profile_invoked_per_cloudtrail": (_called(REG, "global." + MODEL_ID, "ConverseStream"),
                                              {"bedrock.cross_region_inference.matches_declaration": {F}}),
    # region restriction by SCP (17): a region that cannot be read is blocked when an SCP denies Bedrock there
    "undeclared_region_times_out_but_scp_denies_bedrock_there": (_region_scp(), {}),
    "scp_with_an_exempted_role_blocks_nothing": (_region_scp(exempt_admins=True),
                                                 {"bedrock.invocation_logging.only_declared_regions": {U}}),
    "scp_does_not_bind_the_management_account": (_region_scp(member=False),
                                                  {"bedrock.invocation_logging.only_declared_regions": {U}}),
    # cross-region inference (17.1): a system-defined profile invoked
    "system_defined_eu_profile_invoked": (_invoked(REG, "eu." + MODEL_ID), {"bedrock.cross_region_inference.matches_declaration": {F}}),
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
    # CloudTrail event selectors and delivery (17.5)
    "trail_write_only_management_events": (_selectors(EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]),
                                           {"cloudtrail.trail.covers_region": {F}}),
    "trail_management_events_excluded": (_selectors(EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": False}]),
                                         {"cloudtrail.trail.covers_region": {F}}),
    "trail_data_only_advanced_selectors": (_selectors(AdvancedEventSelectors=[{"Name": "s3", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]),
        {"cloudtrail.trail.covers_region": {F}}),
    "trail_delivery_error": (_trail_status(LatestDeliveryError="AccessDenied"), {"cloudtrail.trail.logging": {F}}),
    "trail_digest_delivery_error": (_trail_status(LatestDigestDeliveryError="AccessDenied"),
                                    {"cloudtrail.trail.log_file_validation": {F}}),
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
    # agent role (17.3)
    "role_s3_star_on_any": (_inline({"Action": "s3:*", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_get_secret_value_on_any": (_inline({"Action": "secretsmanager:GetSecretValue", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_kms_decrypt_on_any": (_inline({"Action": "kms:Decrypt", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_lambda_update_code_on_any": (_inline({"Action": "lambda:UpdateFunctionCode", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_update_assume_role_policy": (_inline({"Action": "iam:UpdateAssumeRolePolicy", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_ssm_get_parameter_on_any": (_inline({"Action": "ssm:GetParameter*", "Resource": "*"}), {ROLE_CHECK: {F}}),
    "role_not_resource": (_inline({"Action": "s3:GetObject", "NotResource": "arn:aws:s3:::acme-insights-data/*"}), {ROLE_CHECK: {F}}),
    "role_aws_managed_s3_full_access": (_aws_managed_s3_full_access, {ROLE_CHECK: {F}}),
    "role_trusts_any_principal": (_trust_anyone, {ROLE_CHECK: {F}}),
    # pagination (14.4, 17.12)
    "role_star_policy_on_page_2": (_star_on_page_2, {ROLE_CHECK: {F}}),
    "guardrail_on_page_2_is_found": (_guardrail_on_page_2, {}),
    # VPC endpoint
    "endpoint_deleted": (_endpoint(lambda ec2, i: ec2.delete_vpc_endpoints(VpcEndpointIds=[i])), {"ec2.vpc_endpoint.bedrock_runtime": {F}}),
    "endpoint_private_dns_off": (_endpoint_private_dns_off, {"ec2.vpc_endpoint.bedrock_runtime": {F}}),
    # secrets
    "secret_rotation_interval_too_long": (_rotation(180), {"secretsmanager.secret.rotation": {F}}),
    # rotation switched off: moto cannot cancel rotation without a Lambda; covered by the "rotation_off" fixture variant
    "secret_rotation_failing_for_months": (_secret_rotation_failing, {"secretsmanager.secret.rotation": {F}}),
    "secret_scheduled_for_deletion": (lambda x: _c("secretsmanager").delete_secret(SecretId=SECRET, RecoveryWindowInDays=7),
                                      {"secretsmanager.secret.rotation": {F}}),
    "secret_deleted": (lambda x: _c("secretsmanager").delete_secret(SecretId=SECRET, ForceDeleteWithoutRecovery=True),
                       {"secretsmanager.secret.rotation": {F}}),
    # KMS
    "kms_rotation_off": (lambda x: _c("kms").disable_key_rotation(KeyId=_c("kms").list_keys()["Keys"][0]["KeyId"]),
                         {"kms.key_rotation.enabled": {F}}),
    # KMS key state and policy; AWS managed key (17.10)
    "kms_key_pending_deletion": (lambda x: _c("kms").schedule_key_deletion(KeyId=_log_group_key().rsplit("/", 1)[-1], PendingWindowInDays=7),
                                 {"kms.log_key.enabled_and_private": {F}}),
    "kms_key_policy_open_to_anyone": (_key_policy_open, {"kms.log_key.enabled_and_private": {F}}),
    "bucket_sse_kms_with_aws_managed_key": (lambda x: _c("s3").put_bucket_encryption(Bucket=LOG_BUCKET, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}), {}),
    # training, opt-out, API keys (17: new verifiable facts)
    "model_distilled_from_invocation_logs": (_distilled_from_logs, {"bedrock.customization.none_on_customer_data": {F}}),
    "fine_tuned_custom_model": (_fine_tuned_model, {"bedrock.customization.none_on_customer_data": {U}}),
    "ai_opt_out_policy_removed": (lambda x: setattr(x, "ai_opt_out", None), {"organizations.ai_services_opt_out": {U}}),
    "ai_opt_out_policy_opts_in": (lambda x: setattr(x, "ai_opt_out", "optIn"), {"organizations.ai_services_opt_out": {F}}),
    "long_term_bedrock_api_key": (lambda x: x.bedrock_api_keys.append({
        "UserName": "ci-bot", "Status": "Active", "ServiceUserName": "ci-bot-at-123456789012", "ServiceSpecificCredentialId": "ACCAEXAMPLE1",
        "ServiceName": "bedrock.amazonaws.com", "CreateDate": "2026-01-01T00:00:00Z"}), {"iam.bedrock_api_keys.none_long_term": {F}}),
    # guardrails / inference
    "guardrail_deleted": (lambda x: x.guardrails[REG].clear(), {"bedrock.guardrail.": {F}}),
    "guardrail_not_ready": (_guardrail_not_ready, {"bedrock.guardrail.exists": {F}}),
    # guardrail applied to real calls (17.4): CloudWatch shows which version calls used
    "guardrail_calls_apply_the_draft_not_the_published_version": (_guardrail_applied_as_draft, {"bedrock.guardrail.applied_to_calls": {F}}),
    # guardrails (17.4): the published version in use lacks the filters the DRAFT has; detect only; PII disabled both ways
    "guardrail_version_in_use_has_no_filters": (_guardrail_version("1", _strip_filters),
                                                {"bedrock.guardrail.prompt_attack_filter": {F}, "bedrock.guardrail.pii_filter": {F}}),
    "guardrail_prompt_attack_detect_only": (_guardrail_version("*", _detect_only), {"bedrock.guardrail.prompt_attack_filter": {F}}),
    "guardrail_pii_disabled_both_ways": (_guardrail_version("*", _pii_off), {"bedrock.guardrail.pii_filter": {F}}),
    "cross_region_profile_when_declared_off": (_xregion_profile, {"bedrock.cross_region_inference.matches_declaration": {F}}),
    "declared_model_access_not_granted": (lambda x: x.access.setdefault(REG, {}).update({MODEL_ID: {
        "authorizationStatus": "NOT_AUTHORIZED", "agreementAvailability": {"status": "NOT_AVAILABLE"}}}), {"bedrock.models.available": {F}}),
    "declared_model_withdrawn": (lambda x: x.models[REG].pop(0), {"bedrock.models.available": {F}}),
    # not a drift of the agent role: IAM roles cannot belong to groups
    "group_policy_is_not_the_roles": (_group_policy, {}),
}


def _run(mutate: Callable[[Any], None] | None, loaded: Any = None):
    with emulated_account("compliant") as extras:
        if mutate is not None:
            mutate(extras)
        with emulators(extras.overrides):
            run = run_checks(loaded or profile_for_regions(), scan_regions=SCAN)
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
            profile_scope = f.check_id in CHECKS and CHECKS[f.check_id].scope == "profile"  # provider checks: PASS
            assert f.status == base.get(f.check_id, f.status) == (Status.UNKNOWN if profile_scope else Status.PASS), \
                f"{drift}: unrelated {i} is {f.status} ({f.message})"


def test_endpoint_in_another_vpc_than_the_declared_one_fails():
    """17.7: with aws.vpc_ids declared, an endpoint in some other VPC does not count."""
    loaded = with_profile("private_endpoint: true", "private_endpoint: true\n      vpc_ids: [vpc-0123456789abcdef0]")
    f = next(f for f in _run(None, loaded).values() if f.check_id == "ec2.vpc_endpoint.bedrock_runtime")
    assert f.status == Status.FAIL and "not in the declared VPC" in f.message, f.message


def test_agent_runtime_endpoint_is_required_with_agents():
    loaded = with_profile("private_endpoint: true", "private_endpoint: true\n      private_endpoint_services: [bedrock-runtime, bedrock-agent-runtime]")
    f = next(f for f in _run(None, loaded).values() if f.check_id == "ec2.vpc_endpoint.bedrock_runtime")
    assert f.status == Status.FAIL and "bedrock-agent-runtime" in f.message, f.message


def test_declared_application_inference_profile_is_not_a_false_fail():
    """17.11: an application inference profile ARN in aws.models is looked up as a profile, not as a model id."""
    arn = f"arn:aws:bedrock:{REG}:{ACCOUNT_ID}:application-inference-profile/insights1"

    def add(extras: Any) -> None:
        extras.inference_profiles[REG].append({
            "inferenceProfileName": "insights", "inferenceProfileId": "insights1", "inferenceProfileArn": arn, "status": "ACTIVE",
            "type": "APPLICATION", "models": [{"modelArn": f"arn:aws:bedrock:{REG}::foundation-model/{MODEL_ID}"}]})
    loaded = with_profile(f"- {MODEL_ID}", f"- {arn}")
    f = next(f for f in _run(add, loaded).values() if f.check_id == "bedrock.models.available")
    assert f.status == Status.PASS, f.message


# --------------------------------------------------------------------------- Bedrock agents (17.3, 17 new facts)

AGENT_CHECKS = ("bedrock.agent.uses_declared_role_and_guardrail", "bedrock.agent.human_approval")
ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/{ROLE}"


def _agent_run(role: str = ROLE_ARN, guardrail: bool = True, groups: Any = None, answers: bool = False) -> dict[str, Any]:
    from questionnaire.testing.aws_fixture import action_group

    if groups is None:
        groups = [action_group("billing", [("refund_payment", "Refund a customer payment", True),
                                           ("get_invoice", "Read an invoice", False)])]
    with emulated_account("compliant") as extras:
        created = _c("bedrock-agent").create_agent(agentName="insights", agentResourceRoleArn=role, foundationModel=MODEL_ID)["agent"]
        agent = created["agentId"]
        if guardrail:  # moto keeps no guardrailConfiguration: GetAgent answers as Bedrock does for an agent with one
            body = {"agent": {**created, "guardrailConfiguration": {"guardrailIdentifier": "a1b2c3d4e5f6", "guardrailVersion": "1"}}}
            extras.overrides[("bedrock-agent", "GetAgent")] = lambda params, region: body
        extras.action_groups[agent] = groups
        loaded = with_profile("private_endpoint: true", f"private_endpoint: true\n      agent_ids: [{agent}]")
        with emulators(extras.overrides):
            run = run_checks(loaded, scan_regions=SCAN)
    if answers:
        from questionnaire.answers import build_answers

        return {a.id: a for a in build_answers(loaded.profile, run.findings)}
    return {f.check_id: f for f in run.findings if f.check_id in AGENT_CHECKS}


def test_human_approval_answer_rests_on_the_agents_check_only_where_agents_are_declared():
    """Cited where it applies: verified by the agents' confirmations, contradicted by a missing one, and for a
    profile without Bedrock agents declared exactly as before (the check applies to no deployment there)."""
    from questionnaire.answers import build_answers
    from questionnaire.testing.aws_fixture import action_group

    assert _agent_run(answers=True)["agents.human_approval"].status == "verified"
    bad = [action_group("billing", [("refund_payment", "Refund a customer payment", False)])]
    assert _agent_run(groups=bad, answers=True)["agents.human_approval"].status == "contradicted"
    with emulated_account("compliant") as extras:
        with emulators(extras.overrides):
            run = run_checks(profile_for_regions(), scan_regions=SCAN)
    a = {a.id: a for a in build_answers(profile_for_regions().profile, run.findings)}["agents.human_approval"]
    assert a.status == "declared" and a.value == "Yes" and "no automated check covers this" in a.text, a.text


def test_agent_with_declared_role_guardrail_and_confirmations_passes():
    got = _agent_run()
    assert {c: f.status for c, f in got.items()} == {c: Status.PASS for c in AGENT_CHECKS}, [f.message for f in got.values()]


def test_agent_running_as_another_role_fails():
    f = _agent_run(role=f"arn:aws:iam::{ACCOUNT_ID}:role/admin")[AGENT_CHECKS[0]]
    assert f.status == Status.FAIL and "role/admin" in f.message


def test_agent_without_the_declared_guardrail_fails():
    assert _agent_run(guardrail=False)[AGENT_CHECKS[0]].status == Status.FAIL


def test_agent_payment_action_without_confirmation_fails():
    from questionnaire.testing.aws_fixture import action_group

    f = _agent_run(groups=[action_group("billing", [("refund_payment", "Refund a customer payment", False)]),
                           action_group("mail", [("send_email", "Email a customer", True)])])[AGENT_CHECKS[1]]
    assert f.status == Status.FAIL and "refund_payment" in f.message, f.message


def test_agent_actions_returned_to_the_application_are_unknown():
    from questionnaire.testing.aws_fixture import action_group

    f = _agent_run(groups=[action_group("ops", [("delete_record", "Delete a record", False)], return_control=True)])[AGENT_CHECKS[1]]
    assert f.status == Status.UNKNOWN, f.message
