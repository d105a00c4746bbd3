"""The gcp: block of google_vertex deployments: structure and FILE:LINE problems."""

from __future__ import annotations

import re

from questionnaire.profile import check_profile

GCP_START = "    gcp:\n      project_id: acme-vertex-prod\n"


def problems_for(tmp_path, text):
    p = tmp_path / "profile.yaml"
    p.write_text(text, encoding="utf-8")
    return check_profile(p)[1]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def has(problems, line: int, path: str, pattern: str, severity: str = "error") -> bool:
    return any(p.line == line and p.path == path and p.severity == severity and re.search(pattern, p.message) for p in problems)


def test_example_vertex_deployment_is_loaded(example_profile_path):
    profile, problems, _ = check_profile(example_profile_path)
    assert problems == []
    gcp = profile.deployment("ticket-summaries").gcp
    assert gcp.project_id == "acme-vertex-prod" and gcp.caching == "zero_data_retention"
    assert gcp.allowed_locations(["x"]) == ["europe-west4"] and not gcp.global_endpoint_allowed


def test_bad_values_point_at_their_lines(tmp_path, example_profile_text):
    assert GCP_START in example_profile_text
    text = (example_profile_text
            .replace("project_id: acme-vertex-prod", "project_id: Acme_Prod")
            .replace("locations: [europe-west4]", "locations: [europe-west4, global, Frankfurt]")
            .replace("vpc_sc_perimeter: accessPolicies/123456789/servicePerimeters/acme_ai", "vpc_sc_perimeter: acme_ai")
            .replace("models: [google/gemini-2.5-pro, anthropic/claude-sonnet-4-5]", "models: [gemini-2.5-pro]"))
    problems = problems_for(tmp_path, text)
    base = "deployments[2].gcp"
    assert has(problems, line_of(text, "project_id: Acme_Prod"), f"{base}.project_id", "not a Google Cloud project id")
    assert has(problems, line_of(text, "locations: [europe"), f"{base}.locations[1]", "global_endpoint_allowed")
    assert has(problems, line_of(text, "locations: [europe"), f"{base}.locations[2]", "not a Vertex AI location")
    assert has(problems, line_of(text, "vpc_sc_perimeter: acme_ai"), f"{base}.vpc_sc_perimeter", "servicePerimeters")
    assert has(problems, line_of(text, "models: [gemini"), f"{base}.models[0]", "publisher/model")
    assert all(str(p).startswith(f"{tmp_path / 'profile.yaml'}:{p.line}: ") for p in problems)


def test_unknown_key_and_bad_enum_in_gcp_block(tmp_path, example_profile_text):
    text = example_profile_text.replace("      cmek: true", "      cmk: true").replace("caching: zero_data_retention", "caching: never")
    problems = problems_for(tmp_path, text)
    assert has(problems, line_of(text, "cmk: true"), "deployments[2].gcp.cmk", "did you mean 'cmek'")
    assert has(problems, line_of(text, "caching: never"), "deployments[2].gcp.caching", "'never' is not allowed")


def test_gcp_block_on_other_platform_and_vertex_without_block_warn(tmp_path, example_profile_text):
    text = example_profile_text.replace("platform: google_vertex", "platform: other")
    problems = problems_for(tmp_path, text)
    assert has(problems, line_of(text, GCP_START.splitlines()[0]), "deployments[2].gcp", "ignored", "warning")
    start = example_profile_text.index(GCP_START)
    end = example_profile_text.index("\n\n", start)
    no_block = example_profile_text[:start] + example_profile_text[end + 1:]
    problems = problems_for(tmp_path, no_block)
    assert any(p.path == "deployments[2]" and p.severity == "warning" and "without a 'gcp:' block" in p.message for p in problems)


def test_unverifiable_global_claim_warns(tmp_path, example_profile_text):
    text = example_profile_text.replace("data_access_audit_logs: true", "data_access_audit_logs: false")
    problems = problems_for(tmp_path, text)
    assert has(problems, line_of(text, "global_endpoint_allowed: false"), "deployments[2].gcp.global_endpoint_allowed",
               "cannot be verified", "warning")
