"""The structural redactor: what it removes, what it must leave alone, and the counts."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from questionnaire.redaction import redact, redact_with_kinds, secret_key_name


def _flat(value) -> str:
    return json.dumps(value)


@pytest.mark.parametrize(
    "text, secret, kind",
    [
        ("key AKIAIOSFODNN7EXAMPLE in text", "AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"),
        ("temp ASIAY34FZKBOKMUTVV7A here", "ASIAY34FZKBOKMUTVV7A", "aws-access-key-id"),
        ("aws_secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY.", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret-access-key"),
        ("t IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD x", "IQoJb3JpZ2luX2VjEJr", "aws-session-token"),
        ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----", "MIIEvQIBADANBgkq", "pem"),
        ("bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "dozjgNryP4J3jVmNHl0w5N", "jwt"),
        ("https://b.s3.amazonaws.com/k?X-Amz-Date=1&X-Amz-Signature=0a1b2c3d4e5f&X-Amz-Expires=60", "0a1b2c3d4e5f", "url-signature"),
        ("https://x.cloudfront.net/a?Expires=1&Signature=AbC~dEf-123&Key-Pair-Id=K", "AbC~dEf-123", "url-signature"),
        ("?X-Amz-Security-Token=FQoDYXdzEXAMPLE%2Fabc&x=1", "FQoDYXdzEXAMPLE", "url-signature"),
        ("jdbc postgres://app:hunter22@db:5432/x", "hunter22", "url-password"),
        ("admin password=Sup3rS3cret, please rotate", "Sup3rS3cret", "password"),
        ("api_key: sk-live-abcdef123", "sk-live-abcdef123", "password"),
    ],
)
def test_patterns_in_free_text(text, secret, kind):
    out, kinds = redact_with_kinds({"Description": text})
    assert secret not in out["Description"]
    assert f"[REDACTED:{kind}]" in out["Description"]
    assert kinds.get(kind, 0) >= 1


def test_secret_field_names_and_pagination_tokens():
    data = {
        "SecretAccessKey": "abc",
        "SessionToken": "def",
        "MasterUserPassword": "ghi",
        "client_secret": "jkl",
        "Token": "mno",
        "NextToken": "page-2",
        "ClientRequestToken": "idem-1",
        "PasswordLastUsed": "2026-01-01T00:00:00Z",
        "RequireSymbols": True,
        "MinimumPasswordLength": 14,
        "SecretId": "acme/insights/db-credentials",
        "Name": "acme/insights/db-credentials",
    }
    out, n = redact(data)
    assert n == 5
    for k in ("SecretAccessKey", "SessionToken", "MasterUserPassword", "client_secret", "Token"):
        assert out[k] == "[REDACTED:secret-field]"
    for k in ("NextToken", "ClientRequestToken", "PasswordLastUsed", "MinimumPasswordLength", "SecretId", "Name", "RequireSymbols"):
        assert out[k] == data[k]
    assert data["SecretAccessKey"] == "abc"  # the input is not modified


def test_tag_pairs_with_secret_keys():
    tags = {"TagSet": [{"Key": "DB_PASSWORD", "Value": "p4ss"}, {"Key": "team", "Value": "data"},
                       {"key": "github-token", "value": "ghp_x"}, {"Key": "api_key", "Value": ""}]}
    out, n = redact(tags)
    assert n == 2
    assert out["TagSet"][0]["Value"] == "[REDACTED:tagged-secret]"
    assert out["TagSet"][1]["Value"] == "data"
    assert out["TagSet"][2]["value"] == "[REDACTED:tagged-secret]"
    assert out["TagSet"][3]["Value"] == ""


def test_policy_document_json_string_and_url_encoded():
    policy = {"Statement": [{"Effect": "Allow", "Condition": {"StringEquals": {"db:password": "letmein42"}},
                             "Resource": "arn:aws:s3:::acme-logs/*"}]}
    out, n = redact({"PolicyDocument": json.dumps(policy), "Encoded": quote(json.dumps(policy), safe="")})
    assert n == 2
    assert "letmein42" not in _flat(out)
    inner = json.loads(out["PolicyDocument"])
    assert inner["Statement"][0]["Resource"] == "arn:aws:s3:::acme-logs/*"  # structure kept
    assert "REDACTED" in out["Encoded"] and out["Encoded"].startswith("%7B")


def test_clean_json_string_left_byte_identical():
    s = json.dumps({"Version": "2012-10-17", "Statement": []}, indent=4)
    out, n = redact({"Policy": s})
    assert n == 0 and out["Policy"] == s


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::123456789012:role/insights-assistant",
        "da39a3ee5e6b4b0d3255bfef95601890afd80709",  # sha1 hex, 40 chars
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "/aws/bedrock/invocations",
        "2026-11-28T10:00:00Z",
        "acme-bedrock-invocation-logs",
        "Password policy requires 14 characters",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme/insights/db-credentials-IrsPXR",
        "secret:acme/x-AbCdEf",
    ],
)
def test_ordinary_evidence_is_not_redacted(value):
    out, n = redact({"Value": value, "list": [value]})
    assert n == 0 and out == {"Value": value, "list": [value]}


def test_nested_counts_and_keys():
    data = {"a": [{"b": {"c": "AKIAIOSFODNN7EXAMPLE AKIAIOSFODNN7EXAMPL2"}}], "AKIAIOSFODNN7EXAMPLE": 1}
    out, kinds = redact_with_kinds(data)
    assert kinds == {"aws-access-key-id": 3}
    assert "AKIA" not in _flat(out)


def test_secret_key_name():
    assert secret_key_name("aws_secret_access_key") and secret_key_name("Password")
    assert not secret_key_name("NextToken") and not secret_key_name("KmsKeyId") and not secret_key_name("SecretId")
