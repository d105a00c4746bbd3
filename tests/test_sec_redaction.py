"""issue 14 items 2 and 6: shape-only rules never touch paths and ids; every token format is redacted."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from questionnaire.cli import app
from questionnaire.redaction import redact, redact_text
from questionnaire.secret_formats import TOKEN_FORMATS

from test_sec_planted import PLANTED, TAGGED

runner = CliRunner()


@pytest.mark.parametrize(
    "value",
    [
        "raw/global/s3/GetObjectLockConfiguration",
        "raw/global/s3/GetObjectLockConfiguration.json",
        "raw/global/repo/AcmeInsightsBackendApi24/scan.json",
        "AcmeInsightsBackendApi24AcmeInsightsBack",
        "GetObjectLockConfigurationResponseData12",
        "arn:aws:bedrock:eu-west-1:123456789012:guardrail/a1b2c3d4e5f6",
        "secrets:\n    manager: aws_secrets_manager",
        "Secret: acme/insights/db-credentials",
        "see raw/global/s3/GetObjectLockConfiguration",
        "models/anthropic/Claude35SonnetV2Model/v1x",
        "arn:aws:iam::123456789012:role/service-role/AcmeInsightsBackendApi24Role",
    ],
)
def test_shape_only_rules_leave_paths_and_identifiers(value):
    out, n = redact({"message": value, "evidence": [value], "id": value, "path": value})
    assert n == 0 and out["message"] == value


def test_protected_fields_are_never_rewritten():
    f = {"id": "x:" + "AK" + "IA" + "ABCDEFGHIJKLMNOP", "check_id": "c", "evidence": ["raw/eu-west-1/s3/x.json"], "path": "p"}
    out, n = redact(f)
    assert out == f and n == 0


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_every_planted_format_is_redacted(name):
    value, how = PLANTED[name]
    text = "before " + how.format(value) + " after"
    from collections import Counter

    assert value not in redact_text(text, Counter())


@pytest.mark.parametrize("key", sorted(TAGGED))
def test_tag_keys_name_secret_values(key):
    out, n = redact({"Tags": [{"Key": key, "Value": TAGGED[key]}]})
    assert n == 1 and TAGGED[key] not in str(out)


def test_one_list_of_formats_shared_with_scan_repo():
    import questionnaire.repo_scan as rs

    assert not hasattr(rs, "_TOKEN_PATTERNS")
    kinds = {f.kind for f in TOKEN_FORMATS}
    assert {"github-token", "slack-token", "stripe-secret-key", "anthropic-api-key", "openai-api-key",
            "google-api-key", "npm-token", "aws-access-key-id"} <= kinds
    hits, _ = rs.scan_text("x = '" + PLANTED["npm"][0] + "'\n", "a.py")
    assert [h.kind for h in hits] == ["npm-token"]


def test_log_bucket_without_versioning_still_writes_the_bundle(tmp_path):
    """Item 2 as reported: the evidence path raw/global/s3/GetObjectLockConfiguration was taken for a key."""
    from questionnaire.resources import example_profile
    from questionnaire.testing.aws_fixture import emulated_account

    out = tmp_path / "b.zip"
    with emulated_account("bucket_drift"):
        res = runner.invoke(app, ["check", str(example_profile()), "--bundle", str(out), "--region", "eu-west-1"])
    assert res.exit_code == 1, res.output
    assert out.exists() and "FAIL" in res.output


@pytest.mark.parametrize("text", [
    "note wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY here",  # AWS's documented example key, no context
    '"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
    "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12",
])
def test_bare_aws_secret_keys_standing_alone(text):
    from collections import Counter

    out = redact_text(text, Counter())
    assert "wJalrXUtnFEMI" not in out and "[REDACTED:aws-secret-access-key]" in out


def test_redacted_profile_yaml_stays_a_valid_profile():
    """Flow-style YAML (``secrets: [a/b]``) is not a secret assignment; a redaction never breaks the profile."""
    from questionnaire.profile import profile_from_bytes
    from questionnaire.redaction import redact_profile_text

    from conftest import EXAMPLE_PROFILE

    raw = EXAMPLE_PROFILE.read_bytes()
    flow = raw.replace(b"secrets: [acme/insights/db-credentials]", b"secrets: [acme/insights/db-credentials]  # flow")
    out, n = redact_profile_text(flow)
    assert n == 0 and out == flow
    key = "AK" + "IA" + "Q3EGZ7XKJ5W2NB4T"
    planted = raw.replace(b"  product: Acme Insights", b"  product: Acme Insights " + key.encode(), 1)
    out, n = redact_profile_text(planted)
    assert n == 1 and key.encode() not in out
    profile_from_bytes(out)
