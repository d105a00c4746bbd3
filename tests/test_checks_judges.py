"""Judges with recorded responses (no network), shapes checked against botocore's service models;
collectors for APIs moto lacks tested with botocore's Stubber."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from questionnaire.checks import CHECKS
from questionnaire.checks.aws import bedrock, guardrail, iam, residency, secretsmanager
from questionnaire.findings import RawResponse, Status
from questionnaire.profile import load_profile
from questionnaire.resources import example_profile

PROFILE = load_profile(example_profile()).profile
DEP = PROFILE.deployments[0]
REG = "eu-west-1"
ACCT = "123456789012"
KEY = f"arn:aws:kms:{REG}:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def R(service: str, op: str, response: Any = None, error: str | None = None, region: str | None = REG) -> RawResponse:
    return RawResponse(service, op, region, {}, None if error else (response or {}), "2025-01-01T00:00:00Z", "req",
                       {"code": error, "message": "x"} if error else None, path=f"raw/{region or 'global'}/{service}/{op}.json")


DENIED = "AccessDeniedException"


def P(*raws: RawResponse):
    from questionnaire.aws import Pages

    return Pages(raws)


def with_aws(**update: Any):
    return DEP.model_copy(update={"aws": DEP.aws.model_copy(update=update)})


def guardrail_resp(filters=True, pa=None, pii=None) -> dict[str, Any]:
    from questionnaire.testing.aws_fixture import guardrail as g

    x = g(REG, filters=filters)
    out = {"name": x["name"], "guardrailId": x["id"], "guardrailArn": x["arn"], "version": x["version"], "status": x["status"],
           "createdAt": "2025-01-15T09:00:00Z", "updatedAt": "2025-01-15T09:00:00Z",
           "blockedInputMessaging": "no", "blockedOutputsMessaging": "no"}
    out.update(x["policies"])
    if pa is not None:
        out["contentPolicy"] = {"filters": [pa]}
    if pii is not None:
        out["sensitiveInformationPolicy"] = {"piiEntities": pii, "regexes": []}
    return out


def applied(*versions: str) -> dict[str, Any]:
    arn = guardrail_resp()["guardrailArn"]
    metrics = [{"Namespace": "AWS/Bedrock/Guardrails", "MetricName": "Invocations",
                "Dimensions": [{"Name": "GuardrailArn", "Value": arn}, {"Name": "GuardrailVersion", "Value": v}]} for v in versions]
    return {"list": R("bedrock", "ListGuardrails", GLIST), "guardrail": R("bedrock", "GetGuardrail", guardrail_resp()),
            "applied": R("cloudwatch", "ListMetrics", {"Metrics": metrics})}


GLIST = {"guardrails": [{"id": "a1b2c3d4e5f6", "arn": f"arn:aws:bedrock:{REG}:{ACCT}:guardrail/a1b2c3d4e5f6", "status": "READY",
                         "name": "insights-guardrail", "version": "DRAFT", "createdAt": "x", "updatedAt": "x"}]}
LOGCFG = {"loggingConfig": {"s3Config": {"bucketName": "acme-bedrock-invocation-logs"},
                            "cloudWatchConfig": {"logGroupName": "/aws/bedrock/invocations", "roleArn": "arn:aws:iam::1:role/x"},
                            **{f"{t}DataDeliveryEnabled": True for t in ("text", "image", "embedding", "video", "audio")}}}
GROUP = {"logGroups": [{"logGroupName": "/aws/bedrock/invocations", "retentionInDays": 400, "kmsKeyId": KEY}]}
TRAIL = {"trailList": [{"Name": "acme-org-trail", "TrailARN": f"arn:aws:cloudtrail:{REG}:{ACCT}:trail/acme-org-trail",
                        "IsMultiRegionTrail": True, "HomeRegion": REG, "LogFileValidationEnabled": True}]}
SINGLE = {"trailList": [dict(TRAIL["trailList"][0], IsMultiRegionTrail=False, HomeRegion="us-east-1", LogFileValidationEnabled=False)]}
APP_PROFILE = {"inferenceProfileSummaries": [{
    "inferenceProfileName": "insights-app", "inferenceProfileArn": f"arn:aws:bedrock:{REG}:{ACCT}:application-inference-profile/abc",
    "inferenceProfileId": "abc", "status": "ACTIVE", "type": "APPLICATION", "createdAt": "x", "updatedAt": "x",
    "models": [{"modelArn": f"arn:aws:bedrock:{r}::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"} for r in (REG, "eu-central-1")]}]}
M = "anthropic.claude-3-5-sonnet-20240620-v1:0"
APP_ARN = f"arn:aws:bedrock:{REG}:{ACCT}:application-inference-profile/abc"


def avail(error=None, **over):
    return R("bedrock", "GetFoundationModelAvailability", {"modelId": M, "agreementAvailability": {"status": "AVAILABLE"},
             "authorizationStatus": "AUTHORIZED", "entitlementAvailability": "AVAILABLE", "regionAvailability": "AVAILABLE", **over},
             error=error)


MODELS = {"modelSummaries": [{"modelArn": "arn:x", "modelId": "anthropic.claude-3-5-sonnet-20240620-v1:0", "providerName": "Anthropic"}]}
SSE_KMS = {"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY}}]}}
PAB_ON = {"PublicAccessBlockConfiguration": {f: True for f in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}}
SECRET = {"Name": "acme/insights/db-credentials", "RotationEnabled": True, "RotationRules": {"AutomaticallyAfterDays": 30}}
ADMIN_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
GOOD_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel",
                                                     "Resource": "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"}]}


TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"},
                                                  "Action": "sts:AssumeRole"}]}


def iam_data(inline_doc=GOOD_DOC, version_error=None, managed_doc=GOOD_DOC, name="p", trust=TRUST):
    att = R("iam", "ListAttachedRolePolicies", {"AttachedPolicies": [{"PolicyName": "p", "PolicyArn": "arn:aws:iam::1:policy/p"}]}, region=None)
    pol = R("iam", "GetPolicy", {"Policy": {"DefaultVersionId": "v1"}}, region=None)
    ver = R("iam", "GetPolicyVersion", {"PolicyVersion": {"Document": managed_doc}}, error=version_error, region=None)
    role = R("iam", "GetRole", {"Role": {"RoleName": "insights-assistant", "AssumeRolePolicyDocument": trust}}, region=None)
    return {"role": role, "attached": P(att), "inline": P(R("iam", "ListRolePolicies", {"PolicyNames": ["i"]}, region=None)),
            "managed": [{"name": name, "arn": "arn:aws:iam::1:policy/p", "policy": pol, "version": ver}],
            "inline_docs": [{"name": "i", "doc": R("iam", "GetRolePolicy", {"PolicyDocument": inline_doc}, region=None)}]}


OPEN_POLICY = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*"}]}'
OWN_POLICY = '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"}]}'


def kms_data(rot=True, error=None, state="Enabled", policy=OWN_POLICY, key=KEY, manager="CUSTOMER"):
    aws_managed = manager == "AWS"
    return {"sources": {"groups": R("logs", "DescribeLogGroups", GROUP)},
            "keys": [{"source": "log group", "key": key, "aws_managed": aws_managed,
                      "resolved": R("kms", "DescribeKey", {"KeyMetadata": {"KeyId": "k", "Arn": KEY, "KeyState": state, "KeyManager": manager}}),
                      "rotation": None if aws_managed else R("kms", "GetKeyRotationStatus", {"KeyRotationEnabled": rot}, error=error),
                      "policy": None if aws_managed else R("kms", "GetKeyPolicy", {"Policy": policy, "PolicyName": "default"})}]}


ALL_MGMT = {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}


def trail(resp=TRAIL, logging=True, status_error=None, selectors=ALL_MGMT, **status):
    return {"trails": R("cloudtrail", "DescribeTrails", resp),
            "status": R("cloudtrail", "GetTrailStatus", {"IsLogging": logging, **status}, error=status_error),
            "selectors": R("cloudtrail", "GetEventSelectors", selectors)}


def metrics(*model_ids: str, region: str = REG, error: str | None = None):
    return P(R("cloudwatch", "ListMetrics", {"Metrics": [{"Namespace": "AWS/Bedrock", "MetricName": "Invocations",
                                                          "Dimensions": [{"Name": "ModelId", "Value": m}]} for m in model_ids]},
               error=error, region=region))


def scan(**per_region):
    """region -> logging response, or (logging response, metrics pages)."""
    out = {}
    for r, v in per_region.items():
        lg, mt = v if isinstance(v, tuple) else (v, metrics(region=r, error=v.error["code"] if v.error else None))
        out[r] = {"logging": lg, "metrics": mt}
    return {"regions": out}


def xr(profiles: RawResponse, mt=None):
    return {"profiles": P(profiles), "metrics": mt if mt is not None else metrics()}


def custom(jobs=(), detail=None):
    d = [R("bedrock", "GetModelCustomizationJob", detail)] if detail else []
    return {"jobs": P(R("bedrock", "ListModelCustomizationJobs", {"modelCustomizationJobSummaries": list(jobs)})),
            "custom": P(R("bedrock", "ListCustomModels", {"modelSummaries": []})),
            "imported": P(R("bedrock", "ListImportedModels", {"modelSummaries": []})), "details": d}


def agent(role="arn:aws:iam::123456789012:role/insights-assistant", error=None):
    a = R("bedrock-agent", "GetAgent", {"agent": {"agentId": "A1", "agentName": "insights", "agentResourceRoleArn": role,
                                                  "guardrailConfiguration": {"guardrailIdentifier": "a1b2c3d4e5f6", "guardrailVersion": "1"}}},
          error=error)
    return {"agents": {"A1": a}, "guardrail": {"guardrail": R("bedrock", "GetGuardrail", guardrail_resp())}}


def approval(confirm, error=None):
    from questionnaire.testing.aws_fixture import action_group

    g = action_group("billing", [("refund_payment", "Refund a payment", confirm)])
    return {"A1": {"list": P(R("bedrock-agent", "ListAgentActionGroups", {"actionGroupSummaries": [{"actionGroupId": g["actionGroupId"]}]})),
                   "groups": [R("bedrock-agent", "GetAgentActionGroup", {"agentActionGroup": g}, error=error)]}}


# (check id, deployment, data, expected status)
CASES: list[tuple[str, Any, dict[str, Any], Status]] = [
    ("identity.account_matches", DEP, {"identity": R("sts", "GetCallerIdentity", {"Account": ACCT, "Arn": "a"}, region=None)}, Status.PASS),
    ("identity.account_matches", DEP, {"identity": R("sts", "GetCallerIdentity", {"Account": "999999999999"}, region=None)}, Status.FAIL),
    ("identity.account_matches", DEP, {"identity": R("sts", "GetCallerIdentity", error="ExpiredToken", region=None)}, Status.UNKNOWN),
    ("bedrock.models.available", DEP, {"models": R("bedrock", "ListFoundationModels", MODELS), "access": {M: avail()}}, Status.PASS),
    # 17.11: offered is not access granted; a declared application inference profile ARN is not a false FAIL
    ("bedrock.models.available", DEP, {"models": R("bedrock", "ListFoundationModels", MODELS),
                                       "access": {M: avail(authorizationStatus="NOT_AUTHORIZED")}}, Status.FAIL),
    ("bedrock.models.available", DEP, {"models": R("bedrock", "ListFoundationModels", MODELS), "access": {M: avail(error=DENIED)}}, Status.UNKNOWN),
    ("bedrock.models.available", with_aws(models=[APP_ARN]), {"models": R("bedrock", "ListFoundationModels", MODELS), "access": {
        APP_ARN: R("bedrock", "GetInferenceProfile", APP_PROFILE["inferenceProfileSummaries"][0])}}, Status.PASS),
    ("bedrock.models.available", DEP, {"models": R("bedrock", "ListFoundationModels", {"modelSummaries": []})}, Status.FAIL),
    ("bedrock.models.available", DEP, {"models": R("bedrock", "ListFoundationModels", error="UnsupportedOperation")}, Status.UNKNOWN),
    ("bedrock.invocation_logging.enabled", DEP, {"logging": R("bedrock", "GetModelInvocationLoggingConfiguration", LOGCFG)}, Status.PASS),
    ("bedrock.invocation_logging.enabled", DEP, {"logging": R("bedrock", "GetModelInvocationLoggingConfiguration",
                                                                {"loggingConfig": dict(LOGCFG["loggingConfig"], textDataDeliveryEnabled=False)})}, Status.FAIL),
    ("bedrock.invocation_logging.enabled", DEP, {"logging": R("bedrock", "GetModelInvocationLoggingConfiguration", {})}, Status.FAIL),
    ("bedrock.invocation_logging.enabled", DEP, {"logging": R("bedrock", "GetModelInvocationLoggingConfiguration", error="ThrottlingException")}, Status.UNKNOWN),
    ("bedrock.invocation_logging.only_declared_regions", DEP, scan(**{REG: R("bedrock", "G", LOGCFG), "us-east-1": R("bedrock", "G", {}, region="us-east-1"),
                                                                      "me-south-1": R("bedrock", "G", error="UnrecognizedClientException", region="me-south-1")}), Status.PASS),
    ("bedrock.invocation_logging.only_declared_regions", DEP, scan(**{REG: R("bedrock", "G", LOGCFG), "us-east-1": R("bedrock", "G", LOGCFG, region="us-east-1")}), Status.FAIL),
    ("bedrock.invocation_logging.only_declared_regions", DEP, scan(**{REG: R("bedrock", "G", LOGCFG), "us-east-1": R("bedrock", "G", error=DENIED, region="us-east-1")}), Status.UNKNOWN),
    # 14.3 / 17.2: unreachable is not "not in use"; every region failing is UNKNOWN; an SCP deny is evidence of a block;
    # Bedrock invoked (metrics) in an undeclared region without any logging configuration FAILs
    ("bedrock.invocation_logging.only_declared_regions", DEP, scan(**{REG: R("bedrock", "G", LOGCFG),
                                                                      "us-east-1": R("bedrock", "G", error="EndpointUnreachable", region="us-east-1")}), Status.UNKNOWN),
    ("bedrock.invocation_logging.only_declared_regions", DEP, scan(**{REG: R("bedrock", "G", error="EndpointUnreachable"),
                                                                      "us-east-1": R("bedrock", "G", error="EndpointUnreachable", region="us-east-1")}), Status.UNKNOWN),
    ("bedrock.invocation_logging.only_declared_regions", DEP, scan(**{REG: R("bedrock", "G", LOGCFG), "us-east-1": (
        R("bedrock", "G", {}, region="us-east-1"), metrics("anthropic.claude-3-haiku-20240307-v1:0", region="us-east-1"))}), Status.FAIL),
    ("bedrock.invocation_logging.only_declared_regions", DEP, scan(**{REG: R("bedrock", "G", LOGCFG), "us-east-1": (
        R("bedrock", "G", {}, region="us-east-1"), metrics(region="us-east-1", error="Throttling"))}), Status.UNKNOWN),
    ("bedrock.cross_region_inference.matches_declaration", DEP, xr(R("bedrock", "ListInferenceProfiles", {"inferenceProfileSummaries": []})), Status.PASS),
    ("bedrock.cross_region_inference.matches_declaration", DEP, xr(R("bedrock", "ListInferenceProfiles", APP_PROFILE)), Status.FAIL),
    ("bedrock.cross_region_inference.matches_declaration", with_aws(models=["eu.anthropic.claude-3-5-sonnet-20240620-v1:0"]),
     xr(R("bedrock", "ListInferenceProfiles", error=DENIED)), Status.FAIL),
    ("bedrock.cross_region_inference.matches_declaration", DEP, xr(R("bedrock", "ListInferenceProfiles", error=DENIED)), Status.UNKNOWN),
    # hole 17.1: a system-defined eu. profile invoked although declared off; global.* against an EU-only declaration
    ("bedrock.cross_region_inference.matches_declaration", DEP,
     xr(R("bedrock", "ListInferenceProfiles", {"inferenceProfileSummaries": []}), metrics("eu.anthropic.claude-3-5-sonnet-20240620-v1:0")), Status.FAIL),
    ("bedrock.cross_region_inference.matches_declaration", DEP.model_copy(update={"cross_region_inference": True}),
     xr(R("bedrock", "ListInferenceProfiles", {"inferenceProfileSummaries": []}), metrics("global.anthropic.claude-sonnet-4-v1:0")), Status.FAIL),
    ("bedrock.cross_region_inference.matches_declaration", DEP.model_copy(update={"cross_region_inference": True}),
     xr(R("bedrock", "ListInferenceProfiles", {"inferenceProfileSummaries": []}), metrics("eu.anthropic.claude-3-5-sonnet-20240620-v1:0")), Status.PASS),
    ("bedrock.cross_region_inference.matches_declaration", DEP.model_copy(update={"cross_region_inference": True}),
     xr(R("bedrock", "ListInferenceProfiles", error=DENIED)), Status.UNKNOWN),
    ("cloudwatch.log_group.retention", DEP, {"groups": R("logs", "DescribeLogGroups", GROUP)}, Status.PASS),
    ("cloudwatch.log_group.retention", DEP, {"groups": R("logs", "DescribeLogGroups", {"logGroups": [dict(GROUP["logGroups"][0], retentionInDays=30)]})}, Status.FAIL),
    ("cloudwatch.log_group.retention", DEP, {"groups": R("logs", "DescribeLogGroups", error=DENIED)}, Status.UNKNOWN),
    ("cloudwatch.log_group.kms_encrypted", DEP, {"groups": R("logs", "DescribeLogGroups", GROUP)}, Status.PASS),
    ("cloudwatch.log_group.kms_encrypted", DEP, {"groups": R("logs", "DescribeLogGroups", {"logGroups": [{"logGroupName": "/aws/bedrock/invocations"}]})}, Status.FAIL),
    ("cloudwatch.log_group.kms_encrypted", DEP, {"groups": R("logs", "DescribeLogGroups", error=DENIED)}, Status.UNKNOWN),
    ("s3.log_bucket.encryption", DEP, {"encryption": R("s3", "GetBucketEncryption", SSE_KMS, region=None)}, Status.PASS),
    ("s3.log_bucket.encryption", DEP, {"encryption": R("s3", "GetBucketEncryption", error="ServerSideEncryptionConfigurationNotFoundError", region=None)}, Status.FAIL),
    ("s3.log_bucket.encryption", DEP, {"encryption": R("s3", "GetBucketEncryption", error="AccessDenied", region=None)}, Status.UNKNOWN),
    # 17.9: Object Lock without a default retention protects nothing by default
    ("s3.log_bucket.integrity", DEP, {"versioning": R("s3", "GetBucketVersioning", {}, region=None),
                                      "object_lock": R("s3", "GetObjectLockConfiguration", {"ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled"}}, region=None)}, Status.FAIL),
    ("s3.log_bucket.integrity", DEP, {"versioning": R("s3", "GetBucketVersioning", {"Status": "Enabled"}, region=None),
                                      "object_lock": R("s3", "GetObjectLockConfiguration", {"ObjectLockConfiguration": {
                                          "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 400}}}}, region=None)}, Status.PASS),
    # 17.9: the account-level public access block counts (no bucket-level block)
    ("s3.log_bucket.public_access_blocked", DEP, {"pab": R("s3", "GetPublicAccessBlock", error="NoSuchPublicAccessBlockConfiguration", region=None),
                                                  "account_pab": R("s3control", "GetPublicAccessBlock", PAB_ON, region=None)}, Status.PASS),
    ("s3.log_bucket.public_access_blocked", DEP, {"pab": R("s3", "GetPublicAccessBlock", error="NoSuchPublicAccessBlockConfiguration", region=None),
                                                  "account_pab": R("s3control", "GetPublicAccessBlock", error="NoSuchPublicAccessBlockConfiguration", region=None)}, Status.FAIL),
    # 17.6: S3 lifecycle retention
    ("s3.log_bucket.retention", DEP, {"lifecycle": R("s3", "GetBucketLifecycleConfiguration", error="NoSuchLifecycleConfiguration", region=None)}, Status.PASS),
    ("s3.log_bucket.retention", DEP, {"lifecycle": R("s3", "GetBucketLifecycleConfiguration", {"Rules": [
        {"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 90}}]}, region=None)}, Status.FAIL),
    ("s3.log_bucket.retention", DEP, {"lifecycle": R("s3", "GetBucketLifecycleConfiguration", error=DENIED, region=None)}, Status.UNKNOWN),
    ("s3.log_bucket.integrity", DEP, {"versioning": R("s3", "GetBucketVersioning", {"Status": "Suspended"}, region=None),
                                      "object_lock": R("s3", "GetObjectLockConfiguration", error="ObjectLockConfigurationNotFoundError", region=None)}, Status.FAIL),
    ("s3.log_bucket.integrity", DEP, {"versioning": R("s3", "GetBucketVersioning", error="AccessDenied", region=None),
                                      "object_lock": R("s3", "GetObjectLockConfiguration", error="AccessDenied", region=None)}, Status.UNKNOWN),
    ("s3.log_bucket.public_access_blocked", DEP, {"pab": R("s3", "GetPublicAccessBlock", PAB_ON, region=None)}, Status.PASS),
    ("s3.log_bucket.public_access_blocked", DEP, {"pab": R("s3", "GetPublicAccessBlock", {"PublicAccessBlockConfiguration": dict(PAB_ON["PublicAccessBlockConfiguration"], BlockPublicPolicy=False)}, region=None)}, Status.FAIL),
    ("s3.log_bucket.public_access_blocked", DEP, {"pab": R("s3", "GetPublicAccessBlock", error="AccessDenied", region=None)}, Status.UNKNOWN),
    ("cloudtrail.trail.logging", DEP, trail(), Status.PASS),
    ("cloudtrail.trail.logging", DEP, trail(logging=False), Status.FAIL),
    ("cloudtrail.trail.logging", DEP, {"trails": R("cloudtrail", "DescribeTrails", {"trailList": []})}, Status.FAIL),
    ("cloudtrail.trail.logging", DEP, trail(status_error=DENIED), Status.UNKNOWN),
    ("cloudtrail.trail.covers_region", DEP, trail(), Status.PASS),
    ("cloudtrail.trail.covers_region", DEP, trail(SINGLE), Status.FAIL),
    ("cloudtrail.trail.covers_region", DEP, {"trails": R("cloudtrail", "DescribeTrails", error=DENIED)}, Status.UNKNOWN),
    ("cloudtrail.trail.log_file_validation", DEP, trail(), Status.PASS),
    ("cloudtrail.trail.log_file_validation", DEP, trail(SINGLE), Status.FAIL),
    ("cloudtrail.trail.log_file_validation", DEP, {"trails": R("cloudtrail", "DescribeTrails", error="ThrottlingException")}, Status.UNKNOWN),
    # 17.5: event selectors and delivery errors
    ("cloudtrail.trail.covers_region", DEP, trail(selectors={"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]}), Status.FAIL),
    ("cloudtrail.trail.covers_region", DEP, trail(selectors={"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]}), Status.FAIL),
    ("cloudtrail.trail.covers_region", DEP, trail(selectors={"AdvancedEventSelectors": [
        {"Name": "s3 data", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]}), Status.FAIL),
    ("cloudtrail.trail.covers_region", DEP, trail(selectors={"AdvancedEventSelectors": [
        {"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}]}), Status.PASS),
    ("cloudtrail.trail.covers_region", DEP, dict(trail(), selectors=R("cloudtrail", "GetEventSelectors", error=DENIED)), Status.UNKNOWN),
    ("cloudtrail.trail.logging", DEP, trail(LatestDeliveryError="AccessDenied"), Status.FAIL),
    ("cloudtrail.trail.log_file_validation", DEP, trail(LatestDigestDeliveryError="NoSuchBucket"), Status.FAIL),
    ("kms.key_rotation.enabled", DEP, kms_data(), Status.PASS),
    ("kms.key_rotation.enabled", DEP, kms_data(rot=False), Status.FAIL),
    ("kms.key_rotation.enabled", DEP, kms_data(error=DENIED), Status.UNKNOWN),
    # 17.10: the AWS managed aws/s3 key rotates by itself (no false FAIL); key state and key policy
    ("kms.key_rotation.enabled", DEP, kms_data(key="alias/aws/s3", manager="AWS"), Status.PASS),
    ("kms.log_key.enabled_and_private", DEP, kms_data(), Status.PASS),
    ("kms.log_key.enabled_and_private", DEP, kms_data(state="PendingDeletion"), Status.FAIL),
    ("kms.log_key.enabled_and_private", DEP, kms_data(policy=OPEN_POLICY), Status.FAIL),
    ("kms.log_key.enabled_and_private", DEP, {"sources": {"groups": R("logs", "DescribeLogGroups", error=DENIED)}, "keys": []}, Status.UNKNOWN),
    ("kms.key_rotation.enabled", DEP, {"sources": {"groups": R("logs", "DescribeLogGroups", error=DENIED)}, "keys": []}, Status.UNKNOWN),
    ("bedrock.guardrail.exists", DEP, {"list": R("bedrock", "ListGuardrails", GLIST), "guardrail": R("bedrock", "GetGuardrail", guardrail_resp())}, Status.PASS),
    ("bedrock.guardrail.exists", DEP, {"list": R("bedrock", "ListGuardrails", {"guardrails": []})}, Status.FAIL),
    ("bedrock.guardrail.exists", DEP, {"list": R("bedrock", "ListGuardrails", error="UnsupportedOperation")}, Status.UNKNOWN),
    # applied to calls (17.4): CloudWatch AWS/Bedrock/Guardrails by GuardrailVersion; none is "declared" (UNKNOWN)
    ("bedrock.guardrail.applied_to_calls", DEP, applied("DRAFT", "1"), Status.PASS),
    ("bedrock.guardrail.applied_to_calls", DEP, applied("1"), Status.FAIL),  # only v1 applied; the judged version is DRAFT
    ("bedrock.guardrail.applied_to_calls", DEP, applied(), Status.UNKNOWN),
    ("bedrock.guardrail.applied_to_calls", DEP, {**applied(), "applied": R("cloudwatch", "ListMetrics", error=DENIED)}, Status.UNKNOWN),
    ("bedrock.guardrail.prompt_attack_filter", DEP, {"list": R("bedrock", "ListGuardrails", GLIST), "guardrail": R("bedrock", "GetGuardrail", guardrail_resp())}, Status.PASS),
    ("bedrock.guardrail.prompt_attack_filter", DEP, {"list": R("bedrock", "ListGuardrails", GLIST), "guardrail": R("bedrock", "GetGuardrail", guardrail_resp(False))}, Status.FAIL),
    ("bedrock.guardrail.prompt_attack_filter", DEP, {"list": R("bedrock", "ListGuardrails", GLIST), "guardrail": R("bedrock", "GetGuardrail", error=DENIED)}, Status.UNKNOWN),
    ("bedrock.guardrail.pii_filter", DEP, {"list": R("bedrock", "ListGuardrails", GLIST), "guardrail": R("bedrock", "GetGuardrail", guardrail_resp())}, Status.PASS),
    ("bedrock.guardrail.pii_filter", DEP, {"list": R("bedrock", "ListGuardrails", GLIST), "guardrail": R("bedrock", "GetGuardrail", guardrail_resp(False))}, Status.FAIL),
    ("bedrock.guardrail.pii_filter", DEP, {"list": R("bedrock", "ListGuardrails", error=DENIED)}, Status.UNKNOWN),
    # 17.4: detect-only prompt-attack filter; PII entities disabled both ways / detect only
    ("bedrock.guardrail.prompt_attack_filter", DEP, {"list": R("bedrock", "ListGuardrails", GLIST), "guardrail": R("bedrock", "GetGuardrail", guardrail_resp(
        pa={"type": "PROMPT_ATTACK", "inputStrength": "HIGH", "outputStrength": "NONE", "inputAction": "NONE"}))}, Status.FAIL),
    ("bedrock.guardrail.pii_filter", DEP, {"list": R("bedrock", "ListGuardrails", GLIST), "guardrail": R("bedrock", "GetGuardrail", guardrail_resp(
        pii=[{"type": "EMAIL", "action": "ANONYMIZE", "inputEnabled": False, "outputEnabled": False},
             {"type": "NAME", "action": "BLOCK", "inputAction": "NONE", "outputAction": "NONE"}]))}, Status.FAIL),
    ("ec2.vpc_endpoint.bedrock_runtime", DEP, {"endpoints": R("ec2", "DescribeVpcEndpoints", {"VpcEndpoints": [
        {"VpcEndpointId": "vpce-1", "VpcEndpointType": "Interface", "State": "available", "PrivateDnsEnabled": True,
         "ServiceName": f"com.amazonaws.{REG}.bedrock-runtime"}]})}, Status.PASS),
    # 17.7: private DNS off; only the control-plane (bedrock) endpoint exists
    ("ec2.vpc_endpoint.bedrock_runtime", DEP, {"endpoints": R("ec2", "DescribeVpcEndpoints", {"VpcEndpoints": [
        {"VpcEndpointId": "vpce-1", "VpcEndpointType": "Interface", "State": "available", "PrivateDnsEnabled": False,
         "ServiceName": f"com.amazonaws.{REG}.bedrock-runtime"}]})}, Status.FAIL),
    ("ec2.vpc_endpoint.bedrock_runtime", DEP, {"endpoints": R("ec2", "DescribeVpcEndpoints", {"VpcEndpoints": [
        {"VpcEndpointId": "vpce-1", "VpcEndpointType": "Interface", "State": "available", "PrivateDnsEnabled": True,
         "ServiceName": f"com.amazonaws.{REG}.bedrock"}]})}, Status.FAIL),
    ("ec2.vpc_endpoint.bedrock_runtime", DEP, {"endpoints": R("ec2", "DescribeVpcEndpoints", {"VpcEndpoints": [
        {"VpcEndpointId": "vpce-1", "VpcEndpointType": "Interface", "State": "pendingAcceptance", "ServiceName": f"com.amazonaws.{REG}.bedrock-runtime"}]})}, Status.FAIL),
    ("ec2.vpc_endpoint.bedrock_runtime", DEP, {"endpoints": R("ec2", "DescribeVpcEndpoints", error="UnauthorizedOperation")}, Status.UNKNOWN),
    ("iam.agent_role.least_privilege", DEP, iam_data(), Status.PASS),
    ("iam.agent_role.least_privilege", DEP, iam_data(inline_doc=ADMIN_DOC), Status.FAIL),
    ("iam.agent_role.least_privilege", DEP, iam_data(version_error="AccessDenied"), Status.UNKNOWN),
    # 17.3: an AWS managed policy judged by its document (AmazonS3FullAccess), a trust policy open to anyone
    ("iam.agent_role.least_privilege", DEP, iam_data(name="AmazonS3FullAccess", managed_doc={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}]}), Status.FAIL),
    ("iam.agent_role.least_privilege", DEP, iam_data(trust={"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
                                                                           "Action": "sts:AssumeRole"}]}), Status.FAIL),
    ("iam.agent_role.least_privilege", DEP, iam_data(trust={"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"},
                                                                           "Action": "sts:AssumeRole"}]}), Status.FAIL),
    ("secretsmanager.secret.rotation", DEP, {"acme/insights/db-credentials": R("secretsmanager", "DescribeSecret", SECRET)}, Status.PASS),
    ("secretsmanager.secret.rotation", DEP, {"acme/insights/db-credentials": R("secretsmanager", "DescribeSecret", dict(SECRET, RotationRules={"AutomaticallyAfterDays": 120}))}, Status.FAIL),
    ("secretsmanager.secret.rotation", DEP, {"acme/insights/db-credentials": R("secretsmanager", "DescribeSecret", error="ResourceNotFoundException")}, Status.FAIL),
    ("secretsmanager.secret.rotation", DEP, {"acme/insights/db-credentials": R("secretsmanager", "DescribeSecret", error=DENIED)}, Status.UNKNOWN),
    ("declared.not_verifiable", PROFILE.deployments[1], {}, Status.UNKNOWN),
    ("bedrock.provider_retention.declared_only", DEP, {}, Status.UNKNOWN),
    # 17 new facts: customization, AI opt-out, API keys, agents
    ("bedrock.customization.none_on_customer_data", DEP, custom(), Status.PASS),
    ("bedrock.customization.none_on_customer_data", DEP, custom(jobs=[{"jobArn": "arn:j", "jobName": "distil"}],
                                                                 detail={"jobName": "distil", "trainingDataConfig": {
                                                                     "invocationLogsConfig": {"invocationLogSource": {"s3Uri": "s3://logs/"}}}}), Status.FAIL),
    ("bedrock.customization.none_on_customer_data", DEP, custom(jobs=[{"jobArn": "arn:j", "jobName": "ft"}],
                                                                 detail={"jobName": "ft", "trainingDataConfig": {"s3Uri": "s3://data/train.jsonl"}}), Status.UNKNOWN),
    ("organizations.ai_services_opt_out", DEP, {"policy": R("organizations", "DescribeEffectivePolicy", {"EffectivePolicy": {
        "PolicyContent": '{"services": {"default": {"opt_out_policy": "optOut"}}}'}}, region=None)}, Status.PASS),
    ("organizations.ai_services_opt_out", DEP, {"policy": R("organizations", "DescribeEffectivePolicy", {"EffectivePolicy": {
        "PolicyContent": '{"services": {"default": {"opt_out_policy": "optIn"}}}'}}, region=None)}, Status.FAIL),
    ("organizations.ai_services_opt_out", DEP, {"policy": R("organizations", "DescribeEffectivePolicy", error=DENIED, region=None)}, Status.UNKNOWN),
    ("iam.bedrock_api_keys.none_long_term", DEP, {"keys": P(R("iam", "ListServiceSpecificCredentials", {"ServiceSpecificCredentials": []}, region=None))}, Status.PASS),
    ("iam.bedrock_api_keys.none_long_term", DEP, {"keys": P(R("iam", "ListServiceSpecificCredentials", {"ServiceSpecificCredentials": [
        {"UserName": "ci", "Status": "Active", "ServiceSpecificCredentialId": "ACCA1", "ServiceName": "bedrock.amazonaws.com"}]}, region=None))}, Status.FAIL),
    ("iam.bedrock_api_keys.none_long_term", DEP, {"keys": P(R("iam", "ListServiceSpecificCredentials", error=DENIED, region=None))}, Status.UNKNOWN),
    ("bedrock.agent.uses_declared_role_and_guardrail", DEP, agent(), Status.PASS),
    ("bedrock.agent.uses_declared_role_and_guardrail", DEP, agent(role="arn:aws:iam::123456789012:role/admin"), Status.FAIL),
    ("bedrock.agent.uses_declared_role_and_guardrail", DEP, agent(error=DENIED), Status.UNKNOWN),
    ("bedrock.agent.human_approval", DEP, approval(True), Status.PASS),
    ("bedrock.agent.human_approval", DEP, approval(False), Status.FAIL),
    ("bedrock.agent.human_approval", DEP, approval(True, error=DENIED), Status.UNKNOWN),
]


def judged(cid: str, dep: Any, data: dict[str, Any], region: str | None = REG):
    region = None if CHECKS[cid].scope in ("global", "scan", "profile") else region
    return CHECKS[cid].judge(PROFILE, dep, region, data)


def _org_cases() -> list[tuple[str, Status]]:
    from test_org_judges import ORG_JUDGE_CASES  # the account-scope checks (one finding per account, no deployment)

    return ORG_JUDGE_CASES


JUDGE_CASES = [(cid, s) for cid, _, _, s in CASES]


@pytest.mark.parametrize("cid,dep,data,expected", CASES, ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_judge(cid, dep, data, expected):
    out = judged(cid, dep, data)
    assert out and {f.status for f in out} == {expected}, [f.message for f in out]
    for f in out:
        assert f.check_id == cid and f.deployment == dep.id and f.message
        if expected == Status.UNKNOWN and CHECKS[cid].scope != "profile":
            assert f.message.startswith("not verified") or "cannot be compared" in f.message
        if CHECKS[cid].scope != "profile":
            assert f.evidence and all(p.startswith("raw/") for p in f.evidence)


def test_judge_cases_cover_every_check():
    cases = JUDGE_CASES + _org_cases()
    assert {c for c, _ in cases} == set(CHECKS)
    for cid in CHECKS:
        want = {Status.UNKNOWN} if CHECKS[cid].scope == "profile" else {Status.PASS, Status.FAIL, Status.UNKNOWN}
        assert {s for c, s in cases if c == cid} == want, cid


def test_judges_are_pure_and_never_pass_on_error():
    # same input twice -> same output; no AWS involved (no session was ever created here)
    for cid, dep, data, _ in CASES:
        assert judged(cid, dep, data) == judged(cid, dep, data)


@pytest.mark.parametrize(
    "doc,problem",
    [
        ({"Statement": [{"Effect": "Allow", "Action": ["iam:Put*"], "Resource": "*"}]}, "IAM write"),
        ({"Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}, "IAM write"),
        ({"Statement": {"Effect": "Allow", "Action": "bedrock:Invoke*", "Resource": "*"}}, "any model"),
        ({"Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "arn:aws:bedrock:*::foundation-model/*"}]}, "any model"),
        ({"Statement": [{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}]}, "NotAction"),
        ({"Statement": [{"Effect": "Allow", "Action": "*:*", "Resource": "*"}]}, "every action"),
        # 17.3: dangerous actions on any resource, NotResource
        ({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, "every s3 action"),
        ({"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}, "any resource"),
        ({"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}, "any resource"),
        ({"Statement": [{"Effect": "Allow", "Action": "lambda:UpdateFunctionCode", "Resource": "*"}]}, "any resource"),
        ({"Statement": [{"Effect": "Allow", "Action": "iam:UpdateAssumeRolePolicy", "Resource": "*"}]}, "IAM write"),
        ({"Statement": [{"Effect": "Allow", "Action": "ssm:GetParameter*", "Resource": "*"}]}, "any resource"),
        ({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::x/*"}]}, "NotResource"),
    ],
)
def test_iam_policy_parser_flags(doc, problem):
    assert any(problem in p for p in iam.problems_in(doc, "p"))


def test_iam_policy_parser_accepts_specific_and_deny():
    assert iam.problems_in(GOOD_DOC, "p") == []
    assert iam.problems_in({"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, "p") == []
    assert iam.problems_in({"Statement": [{"Effect": "Allow", "Action": "iam:GetRole", "Resource": "*"}]}, "p") == []
    # url-encoded string documents (the raw IAM API form) are parsed too
    assert iam._doc('%7B%22Statement%22%3A%5B%5D%7D') == {"Statement": []}


def test_secret_schedule_expression():
    assert secretsmanager.interval_days({"RotationRules": {"ScheduleExpression": "rate(10 days)"}}) == 10
    assert secretsmanager.interval_days({"RotationRules": {"ScheduleExpression": "cron(0 0 1 * ? *)"}}) is None
    out = judged("secretsmanager.secret.rotation", DEP, {"s": R("secretsmanager", "DescribeSecret",
                 {"RotationEnabled": True, "RotationRules": {"ScheduleExpression": "cron(0 0 1 * ? *)"}})})
    assert out[0].status == Status.UNKNOWN


def test_cross_region_prefixes():
    assert bedrock.is_cross_region_id("eu.anthropic.claude-3-5-sonnet-20240620-v1:0")
    assert bedrock.is_cross_region_id("arn:aws:bedrock:eu-west-1:1:inference-profile/global.anthropic.x")
    assert not bedrock.is_cross_region_id("anthropic.claude-3-5-sonnet-20240620-v1:0")
    assert bedrock.base_model_id("apac.amazon.nova-pro-v1:0") == "amazon.nova-pro-v1:0"


# --------------------------------------------------------------------------- shapes and Stubber


def _check_shape(value: Any, shape: Any, where: str) -> None:
    if shape.type_name == "structure":
        assert isinstance(value, dict), where
        unknown = set(value) - set(shape.members) - {"ResponseMetadata"}
        assert not unknown, f"{where}: keys not in the API model: {unknown}"
        missing = set(shape.required_members) - set(value)
        assert not missing, f"{where}: required keys missing: {missing}"
        for k, v in value.items():
            if k in shape.members:
                _check_shape(v, shape.members[k], f"{where}.{k}")
    elif shape.type_name == "list":
        assert isinstance(value, list), where
        for i, v in enumerate(value):
            _check_shape(v, shape.member, f"{where}[{i}]")
    elif shape.type_name == "timestamp":
        assert isinstance(value, dt.datetime), where
    elif shape.type_name == "string":
        assert isinstance(value, str), where
        if shape.enum:
            assert value in shape.enum, f"{where}: {value!r} not in {shape.enum}"


@pytest.mark.parametrize("operation,params", [("ListFoundationModels", {}), ("ListGuardrails", {}),
                                              ("GetGuardrail", {"guardrailIdentifier": "a1b2c3d4e5f6"}),
                                              ("ListInferenceProfiles", {"typeEquals": "APPLICATION"})])
def test_emulated_bedrock_responses_match_the_api_model(operation, params):
    import botocore.session

    from questionnaire.testing.aws_fixture import BedrockExtras, guardrail as g

    extras = BedrockExtras(models={REG: ["anthropic.claude-3-5-sonnet-20240620-v1:0"]}, guardrails={REG: [g(REG)]},
                           inference_profiles={REG: []})
    model = botocore.session.get_session().get_service_model("bedrock").operation_model(operation)
    body = extras.table()[("bedrock", operation)](params, REG)
    _check_shape(body, model.output_shape, operation)
    if operation == "GetGuardrail":
        filt = body["contentPolicy"]["filters"][0]
        assert filt["type"] == "PROMPT_ATTACK"


def test_guardrail_collector_with_stubber(monkeypatch):
    from botocore.stub import Stubber

    from questionnaire.aws import AwsContext

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    ctx = AwsContext()
    client = ctx.client("bedrock", REG)
    when = dt.datetime(2025, 1, 15, tzinfo=dt.timezone.utc)
    summary = dict(GLIST["guardrails"][0], createdAt=when, updatedAt=when)
    full = dict(guardrail_resp(), createdAt=when, updatedAt=when)
    with Stubber(client) as stub:
        # the guardrail is on page 2 of the listing (14.4); the version in use is the highest published one (17.4)
        stub.add_response("list_guardrails", {"guardrails": [], "nextToken": "p2"}, {"maxResults": 1000})
        stub.add_response("list_guardrails", {"guardrails": [summary]}, {"maxResults": 1000, "nextToken": "p2"})
        stub.add_response("list_guardrails", {"guardrails": [summary, dict(summary, version="1"), dict(summary, version="2")]},
                          {"maxResults": 1000, "guardrailIdentifier": "a1b2c3d4e5f6"})
        stub.add_response("get_guardrail", dict(full, version="2"), {"guardrailIdentifier": "a1b2c3d4e5f6", "guardrailVersion": "2"})
        data = guardrail.collect(ctx, DEP, REG, PROFILE)
        stub.assert_no_pending_responses()
    assert data["guardrail"].response["createdAt"] == "2025-01-15T00:00:00Z"
    for cid in ("bedrock.guardrail.exists", "bedrock.guardrail.prompt_attack_filter", "bedrock.guardrail.pii_filter"):
        assert CHECKS[cid].judge(PROFILE, DEP, REG, data)[0].status == Status.PASS


def test_guardrail_collector_not_found_with_stubber(monkeypatch):
    from botocore.stub import Stubber

    from questionnaire.aws import AwsContext

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    ctx = AwsContext()
    with Stubber(ctx.client("bedrock", REG)) as stub:
        stub.add_response("list_guardrails", {"guardrails": []}, {"maxResults": 1000})
        data = guardrail.collect(ctx, DEP, REG, PROFILE)
    assert "guardrail" not in data
    assert CHECKS["bedrock.guardrail.exists"].judge(PROFILE, DEP, REG, data)[0].status == Status.FAIL


def test_cross_region_collector_with_stubber(monkeypatch):
    from botocore.stub import Stubber

    from questionnaire.aws import AwsContext

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    ctx = AwsContext()
    when = dt.datetime(2025, 1, 15, tzinfo=dt.timezone.utc)
    resp = {"inferenceProfileSummaries": [dict(APP_PROFILE["inferenceProfileSummaries"][0], createdAt=when, updatedAt=when)]}
    page2 = {"inferenceProfileSummaries": []}
    with Stubber(ctx.client("bedrock", REG)) as stub, Stubber(ctx.client("cloudwatch", REG)) as cw:
        stub.add_response("list_inference_profiles", {**resp, "nextToken": "t2"}, {"typeEquals": "APPLICATION", "maxResults": 1000})
        stub.add_response("list_inference_profiles", page2, {"typeEquals": "APPLICATION", "maxResults": 1000, "nextToken": "t2"})
        cw.add_response("list_metrics", {"Metrics": []}, {"Namespace": "AWS/Bedrock", "MetricName": "Invocations"})
        data = residency.collect_xregion(ctx, DEP, REG, PROFILE)
        stub.assert_no_pending_responses()
    assert len(data["profiles"]) == 2 and data["profiles"].complete  # nextToken followed (17.12)
    out = CHECKS[residency.XREGION].judge(PROFILE, DEP, REG, data)
    assert out[0].status == Status.FAIL and "insights-app" in out[0].message


def test_scp_explicit_deny_is_evidence_that_a_region_is_blocked():
    deny = {"code": "AccessDeniedException", "message": "User: arn:aws:sts::1:assumed-role/x is not authorized to perform: "
            "cloudwatch:ListMetrics with an explicit deny in a service control policy"}
    lg = R("bedrock", "G", {}, region="ap-south-1")
    mt = R("cloudwatch", "ListMetrics", {}, region="ap-south-1")
    lg.error, lg.response, mt.error, mt.response = deny, None, deny, None
    data = scan(**{REG: R("bedrock", "G", LOGCFG), "ap-south-1": (lg, P(mt))})
    f = judged("bedrock.invocation_logging.only_declared_regions", DEP, data)[0]
    assert f.status == Status.PASS and f.observed["blocked_by_explicit_deny"] == ["ap-south-1"], f.message
    assert "explicit deny" in f.message
    # a plain AccessDenied (no explicit deny) cannot tell
    lg.error = mt.error = {"code": "AccessDeniedException", "message": "not authorized"}
    assert judged("bedrock.invocation_logging.only_declared_regions", DEP, data)[0].status == Status.UNKNOWN


def test_per_region_log_destinations():
    """17.6: AWS needs the log bucket in each logging config's region; aws.invocation_logging.destinations says which."""
    from questionnaire.profile import LogDestination

    il = DEP.aws.invocation_logging.model_copy(update={"destinations": {"eu-central-1": LogDestination(s3_bucket="acme-logs-euc1")}})
    dep = DEP.model_copy(update={"regions": ["eu-west-1", "eu-central-1"], "aws": DEP.aws.model_copy(update={"invocation_logging": il})})
    cfg = {"loggingConfig": dict(LOGCFG["loggingConfig"], s3Config={"bucketName": "acme-logs-euc1"})}
    data = {"logging": R("bedrock", "GetModelInvocationLoggingConfiguration", cfg, region="eu-central-1")}
    assert judged("bedrock.invocation_logging.enabled", dep, data, region="eu-central-1")[0].status == Status.PASS
    # the home region still uses the default bucket; the other region's bucket there is a drift
    assert judged("bedrock.invocation_logging.enabled", dep, data, region="eu-west-1")[0].status == Status.FAIL


def test_an_html_error_page_is_named_not_printed():
    from questionnaire.checks import reason
    from questionnaire.findings import RawResponse

    raw = RawResponse(service="organizations", operation="DescribeEffectivePolicy", region=None, params={}, response=None,
                      timestamp="2026-01-01T00:00:00Z", error={"code": "500", "message": "<!doctype html>\n<html><body>x</body>"})
    why = reason(raw)
    assert "<" not in why and "HTML page" in why and why.startswith("organizations:DescribeEffectivePolicy failed: 500")
