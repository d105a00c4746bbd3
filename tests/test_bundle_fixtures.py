"""Shared builders for the bundle tests and benchmark: a CheckRun-shaped object with
raw responses shaped like real AWS responses (secrets planted in a few of them).

No tests here; imported by tests/test_bundle*.py and benchmarks/bundle_bench.py.
"""

from __future__ import annotations

import json

from questionnaire.checks.runner import CheckRun
from questionnaire.findings import Finding, RawResponse, Status

ACCOUNT = "123456789012"
ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/auditor/sales-engineer"

# planted secrets: none of these may appear anywhere in a bundle
PLANTED = {
    "access_key": "AKIAIOSFODNN7EXAMPLE",
    "session_key": "ASIAY34FZKBOKMUTVV7A",
    "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "tag_password": "Tr0ub4dor&3-horse",
    "policy_password": "correct-horse-battery",
    "description_password": "Sup3rS3cretPw",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "pem_body": "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM9Oi",
    "presigned_sig": "f7a3c2b19d8e4f60a5b4c3d2e1f00998877665544332211aabbccddeeff0011",
    "session_token": "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample",
    "url_password": "dbpassw0rd",
}


# the real run record: the bundle writer reads nothing else
FakeRun = CheckRun


def _raw(service, operation, region, params, response, n=0, emulated=False):
    r = RawResponse(
        service=service,
        operation=operation,
        region=region,
        params=params,
        response=response,
        timestamp="2026-11-28T10:00:00Z",
        request_id=f"req-{service}-{operation}-{region or 'global'}-{n}",
        emulated=emulated,
    )
    r.path = f"raw/{region or 'global'}/{service}/{operation}{'-' + str(n) if n else ''}.json"
    return r


def make_run(regions=("eu-west-1", "eu-central-1", "us-east-1"), *, drift=False, emulated=False, planted=True) -> FakeRun:
    p = PLANTED if planted else {k: "clean" for k in PLANTED}
    raws: list[RawResponse] = []
    findings: list[Finding] = []
    raws.append(_raw("sts", "GetCallerIdentity", None, {}, {"Account": ACCOUNT, "Arn": ARN, "UserId": "AROAEXAMPLE:se"}, emulated=emulated))
    findings.append(
        Finding("identity.account_matches", "insights-assistant", None, Status.PASS, ACCOUNT, ACCOUNT,
                f"credentials belong to account {ACCOUNT} as declared", (raws[-1].path,))
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["bedrock:InvokeModel"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:RequestTag/password": p["policy_password"]}}},
        ],
    }
    raws.append(_raw("iam", "GetRolePolicy", None, {"RoleName": "insights-assistant", "PolicyName": "inline"},
                     {"RoleName": "insights-assistant", "PolicyName": "inline", "PolicyDocument": json.dumps(policy)},
                     emulated=emulated))
    findings.append(Finding("iam.agent_role.least_privilege", "insights-assistant", None, Status.PASS, True, True,
                            "role allows only bedrock:InvokeModel", (raws[-1].path,)))
    raws.append(_raw("s3", "GetBucketTagging", None, {"Bucket": "acme-bedrock-invocation-logs"},
                     {"TagSet": [{"Key": "owner", "Value": "platform"}, {"Key": "db-password", "Value": p["tag_password"]},
                                 {"Key": "note", "Value": f"ci key {p['access_key']} / {p['secret_key']}"}]},
                     emulated=emulated))
    raws.append(_raw("s3", "GetBucketEncryption", None, {"Bucket": "acme-bedrock-invocation-logs"},
                     {"ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {
                         "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}}]}},
                     emulated=emulated))
    findings.append(Finding("s3.log_bucket.encryption", "insights-assistant", None, Status.PASS, True, "aws:kms",
                            "bucket encrypted with SSE-KMS", (raws[-1].path, raws[-2].path)))
    raws.append(_raw("secretsmanager", "DescribeSecret", "eu-west-1", {"SecretId": "acme/insights/db-credentials"},
                     {"Name": "acme/insights/db-credentials", "RotationEnabled": not drift,
                      "Description": f"postgres://app:{p['url_password']}@db.internal:5432/app password={p['description_password']}",
                      "Tags": [{"Key": "api_token", "Value": p["jwt"]}]},
                     emulated=emulated))
    findings.append(Finding("secretsmanager.secret.rotation", "insights-assistant", "eu-west-1",
                            Status.FAIL if drift else Status.PASS, 90, None if drift else 90,
                            "rotation is disabled" if drift else "rotates every 90 days", (raws[-1].path,),
                            subject="acme/insights/db-credentials"))
    raws.append(_raw("acm", "GetCertificate", "eu-west-1", {"CertificateArn": "arn:x"},
                     {"Certificate": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
                      "Chain": f"-----BEGIN RSA PRIVATE KEY-----\n{p['pem_body']}\n-----END RSA PRIVATE KEY-----",
                      "DownloadUrl": f"https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4&X-Amz-Signature={p['presigned_sig']}",
                      "Credentials": {"AccessKeyId": p["session_key"], "SessionToken": p["session_token"]}},
                     emulated=emulated))
    models = [{"modelId": f"anthropic.claude-model-{i}-v1:0", "modelArn": f"arn:aws:bedrock:eu-west-1::foundation-model/m{i}",
               "providerName": "Anthropic", "inputModalities": ["TEXT"], "outputModalities": ["TEXT"],
               "responseStreamingSupported": True, "inferenceTypesSupported": ["ON_DEMAND"]} for i in range(60)]
    for region in regions:
        raws.append(_raw("bedrock", "ListFoundationModels", region, {}, {"modelSummaries": models}, emulated=emulated))
        findings.append(Finding("bedrock.models.available", "insights-assistant", region, Status.PASS,
                                ["anthropic.claude-3-5-sonnet-20240620-v1:0"], ["anthropic.claude-3-5-sonnet-20240620-v1:0"],
                                "declared model is available", (raws[-1].path,)))
        enabled = not (drift and region == regions[0])
        raws.append(_raw("bedrock", "GetModelInvocationLoggingConfiguration", region, {},
                         {"loggingConfig": {"s3Config": {"bucketName": "acme-bedrock-invocation-logs"},
                                            "cloudWatchConfig": {"logGroupName": "/aws/bedrock/invocations"}} if enabled else {}},
                         emulated=emulated))
        findings.append(Finding("bedrock.invocation_logging.enabled", "insights-assistant", region,
                                Status.PASS if enabled else Status.FAIL, True, enabled,
                                "invocation logging is on" if enabled else "invocation logging is off", (raws[-1].path,)))
        for n in range(1, 4):
            raws.append(_raw("logs", "DescribeLogGroups", region, {"logGroupNamePrefix": "/aws/bedrock"},
                             {"logGroups": [{"logGroupName": "/aws/bedrock/invocations", "retentionInDays": 400,
                                             "kmsKeyId": f"arn:aws:kms:{region}:{ACCOUNT}:key/k", "storedBytes": n}]},
                             n=n, emulated=emulated))
        findings.append(Finding("cloudwatch.log_group.retention", "insights-assistant", region, Status.PASS, 400, 400,
                                "retention 400 days", (raws[-1].path,)))
        raws.append(_raw("cloudtrail", "DescribeTrails", region, {},
                         {"trailList": [{"Name": "acme-org-trail", "IsMultiRegionTrail": True, "LogFileValidationEnabled": True}]},
                         emulated=emulated))
        findings.append(Finding("cloudtrail.trail.covers_region", "insights-assistant", region, Status.PASS, True, True,
                                "trail is multi-region", (raws[-1].path,)))
    findings.append(Finding("declared.not_verifiable", "marketing-drafts", None, Status.UNKNOWN, False, None,
                            "OpenAI API: declared, cannot be verified in AWS"))
    check_ids = sorted({f.check_id for f in findings})
    return FakeRun(
        findings=findings,
        raw=raws,
        identity={"account": ACCOUNT, "arn": ARN},
        started="2026-11-28T10:00:00Z",
        ended="2026-11-28T10:00:07Z",
        regions=list(regions),
        check_ids=check_ids,
        errors=[],
        emulated=sorted({f"{r.service}:{r.operation}" for r in raws}) if emulated else [],
    )
