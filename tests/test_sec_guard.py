"""issue 14 item 9: the read-only guard is an allow-list of the operations the registered checks declare,
installed on the session (clients and resources), and refuses everything else before a request is sent."""

from __future__ import annotations

import pytest

import questionnaire.checks as checks
from questionnaire import aws, aws_guard
from questionnaire.errors import ReadOnlyViolation


@pytest.fixture
def moto_env(monkeypatch):
    from moto import mock_aws

    from questionnaire.testing.aws_fixture import fake_credentials_env

    for k, v in fake_credentials_env().items():
        monkeypatch.setenv(k, v)
    with mock_aws():
        yield


def _services() -> list[str]:
    return sorted({op.split(".")[0] for op in aws.allowed_operations()})


def test_allow_list_is_derived_from_the_declared_actions():
    ops = aws.allowed_operations()
    declared = {a for c in checks.CHECKS.values() for a in c.iam_actions}
    assert "s3.GetBucketEncryption" in ops and "s3:GetEncryptionConfiguration" in declared
    assert "s3.GetObjectLockConfiguration" in ops and "s3.GetPublicAccessBlock" in ops
    assert "sts.GetCallerIdentity" in ops
    assert len(ops) <= len(declared) + 1
    for op in ops:
        assert aws.iam_action(*op.split(".")) in declared | {"sts:GetCallerIdentity"}, op


def test_a_new_check_extends_the_allow_list_without_another_step():
    extra = lambda: ["logs:DescribeMetricFilters", "logs:GetLogEvents", "bedrock:List*"]  # noqa: E731
    assert not aws.is_read_only("logs", "DescribeMetricFilters")
    aws.allow_declared_actions(extra)
    try:
        assert aws.is_read_only("logs", "DescribeMetricFilters")
        assert not aws.is_read_only("logs", "GetLogEvents")  # declared, but never allowed
        assert not aws.is_read_only("bedrock", "ListEvaluationJobs")  # wildcards are not exact operations
    finally:
        aws_guard._ACTION_SOURCES.remove(extra)


@pytest.mark.parametrize("op", sorted(aws.NEVER_ALLOWED))
def test_sensitive_reads_are_never_allowed(op):
    assert not aws.is_read_only(*op.split(".", 1))


def test_every_other_operation_of_every_service_used_is_refused_before_sending(moto_env):
    """For each service the checks use: every operation of the botocore model not on the allow-list."""
    ctx = aws.AwsContext()
    allowed = aws.allowed_operations()
    refused = 0
    for service in _services():
        client = ctx.client(service, "eu-west-1")
        for op in client.meta.service_model.operation_names:
            if f"{service}.{op}" in allowed:
                continue
            method = next(m for m, o in client.meta.method_to_api_mapping.items() if o == op)
            if service == "s3control":  # resolves its endpoint from its parameters before any hook: never sent either
                from botocore.exceptions import ParamValidationError

                with pytest.raises((ReadOnlyViolation, ParamValidationError)):
                    getattr(client, method)(AccountId="123456789012")
                continue
            with pytest.raises(ReadOnlyViolation):
                getattr(client, method)()
            refused += 1
    assert refused > 1000  # e.g. logs:GetLogEvents, ssm/lambda/ec2 reads, every write
    assert ctx.recorder.calls == {}  # nothing was sent


def test_guard_is_on_the_session_so_resources_are_covered(moto_env):
    import boto3

    boto3.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="keep-me", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    ctx = aws.AwsContext()
    s3 = ctx.session.resource("s3", region_name="eu-west-1")
    with pytest.raises(ReadOnlyViolation):
        s3.Bucket("keep-me").delete()
    with pytest.raises(ReadOnlyViolation):
        list(s3.Bucket("keep-me").objects.all())  # ListObjects: a read, but not declared
    with pytest.raises(ReadOnlyViolation):
        ctx.session.client("logs", region_name="eu-west-1").get_log_events(logGroupName="g", logStreamName="s")
    assert [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]] == ["keep-me"]


@pytest.mark.parametrize("variant", ["compliant", "drifted", "bucket_drift"])
def test_every_operation_a_collector_calls_is_allowed(variant):
    from questionnaire.checks import run_checks
    from questionnaire.testing.aws_fixture import emulated_account, profile_for_regions

    with emulated_account(variant):
        run = run_checks(profile_for_regions(["eu-west-1"]), regions=["eu-west-1"])
    assert not [e for e in run.errors if "read-only" in e or "ReadOnlyViolation" in e]
    assert not [f for f in run.findings if "ReadOnlyViolation" in f.message or "read-only" in f.message]
    called = {op for ops in run.operations_by_check.values() for op in ops}
    assert called and called <= aws.allowed_operations()
