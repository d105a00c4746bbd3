"""aws.py: read-only guard, JSON-safe recording, call cache, retries, fail-fast errors."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

import questionnaire.checks  # noqa: F401 - registers the checks whose declared actions form the allow-list
from questionnaire import aws
from questionnaire.errors import CredentialsError, EndpointError, ReadOnlyViolation


@pytest.fixture
def moto_env(monkeypatch):
    from moto import mock_aws

    for k, v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "eu-west-1"}.items():
        monkeypatch.setenv(k, v)
    with mock_aws():
        yield


@pytest.mark.parametrize(
    "service,method,params",
    [
        ("bedrock", "put_model_invocation_logging_configuration", {"loggingConfig": {"textDataDeliveryEnabled": True}}),
        ("s3", "delete_bucket", {"Bucket": "b"}),
        ("secretsmanager", "get_secret_value", {"SecretId": "x"}),  # Get-prefixed, but secret material
        ("iam", "attach_role_policy", {"RoleName": "r", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
    ],
)
def test_guard_refuses_mutating_and_secret_operations(moto_env, service, method, params):
    ctx = aws.AwsContext()
    with pytest.raises(ReadOnlyViolation, match="read-only"):
        ctx.call(service, method, "eu-west-1", **params)
    assert ctx.recorder.calls == {}  # refused before anything was sent


def test_guard_does_not_send_the_request(moto_env):
    import boto3

    boto3.client("s3", region_name="eu-west-1").create_bucket(
        Bucket="keep-me", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    client = aws.make_client(boto3.session.Session(), "s3", "eu-west-1")
    with pytest.raises(ReadOnlyViolation):
        client.delete_bucket(Bucket="keep-me")
    assert [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]] == ["keep-me"]


def test_read_only_rule():
    assert aws.is_read_only("sts", "GetCallerIdentity")
    assert aws.is_read_only("logs", "DescribeLogGroups")
    assert not aws.is_read_only("ec2", "DescribeInstances")  # a read, but no check declares it
    assert not aws.is_read_only("kms", "ScheduleKeyDeletion")
    assert not aws.is_read_only("secretsmanager", "GetSecretValue")


def test_json_safe_and_recording(moto_env):
    assert aws.json_safe({"ResponseMetadata": {"RequestId": "r"}, "t": dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), "b": b"xy"}) == {
        "t": "2025-01-02T03:04:05Z",
        "b": "<2 bytes>",
    }
    ctx = aws.AwsContext()
    raw = ctx.call("sts", "get_caller_identity", "eu-west-1", record_region=None)
    assert raw.service == "sts" and raw.operation == "GetCallerIdentity" and raw.region is None
    assert raw.request_id and raw.error is None and "ResponseMetadata" not in raw.response
    assert raw.response["Account"] == "123456789012" and raw.emulated is True


def test_cache_makes_each_call_once(moto_env):
    ctx = aws.AwsContext()
    a = ctx.call("logs", "describe_log_groups", "eu-west-1", logGroupNamePrefix="/x")
    b = ctx.call("logs", "describe_log_groups", "eu-west-1", logGroupNamePrefix="/x")
    c = ctx.call("logs", "describe_log_groups", "eu-west-1", logGroupNamePrefix="/y")
    assert a is b and c is not a
    assert sum(ctx.recorder.calls.values()) == 2 and len(ctx.recorder.raw) == 2


def _throttle_handler(times: list[int], fail_first: int):
    from botocore.awsrequest import AWSResponse

    class _Raw:
        def __init__(self, body):
            self.body = body

        def stream(self, **_):
            yield self.body

    def handler(request=None, **_):
        times.append(1)
        if len(times) <= fail_first:
            body = b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
            return AWSResponse(request.url, 400, {"x-amzn-requestid": "t"}, _Raw(body))
        return None

    return handler


@pytest.mark.parametrize("fail_first,expect_error", [(1, None), (99, "ThrottlingException")])
def test_throttled_call_is_retried_then_unknown(moto_env, monkeypatch, fail_first, expect_error):
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, ctx: 0)
    ctx = aws.AwsContext()
    client = ctx.client("logs", "eu-west-1")
    times: list[int] = []
    client.meta.events.register_first("before-send.cloudwatch-logs.DescribeLogGroups", _throttle_handler(times, fail_first))
    raw = ctx.call("logs", "describe_log_groups", "eu-west-1")
    assert (raw.error or {}).get("code") == expect_error
    if fail_first == 1:
        assert len(times) == 2  # retried once, then succeeded
    else:
        assert 2 <= len(times) <= aws.MAX_ATTEMPTS + 1  # retried, but bounded


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_unreachable_endpoint_fails_fast(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with pytest.raises(EndpointError, match="cannot reach"):
        aws.identity(aws.AwsContext(), "eu-west-1")


def test_a_dropped_connection_is_retried_a_bounded_number_of_times(closing_endpoint):
    # fails fast = a bounded number of attempts with short timeouts (how long it takes is not asserted here)
    with pytest.raises(EndpointError, match="cannot reach"):
        aws.identity(aws.AwsContext(), "eu-west-1")
    assert len(closing_endpoint) == 1 + aws.MAX_ATTEMPTS  # botocore's max_attempts counts the retries
    cfg = aws.AwsContext().client("sts", "eu-west-1").meta.config
    assert cfg.connect_timeout <= 5 and cfg.read_timeout <= 60


def test_no_credentials(no_aws_credentials):
    with pytest.raises(CredentialsError, match="no AWS credentials"):
        aws.identity(aws.AwsContext(), "eu-west-1")
