"""The azure: block of azure_ai_foundry deployments: structure and rules, with line numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from questionnaire.profile import check_profile, load_profile

from conftest import EXAMPLE_PROFILE, SHARED


def _problems(tmp_path: Path, text: str, severity: str = "error") -> list:
    p = tmp_path / "profile.yaml"
    p.write_text(text, encoding="utf-8")
    _, problems, _ = check_profile(p)
    return [x for x in problems if x.severity == severity]


def _line(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def _assert(problems, line: int, path: str, pattern: str) -> None:
    hits = [p for p in problems if p.line == line and p.path == path and re.search(pattern, p.message)]
    assert hits, f"expected {line} {path} ~ {pattern!r}; got:\n" + "\n".join(map(str, problems))


def _azure_index(text: str) -> int:
    return next(i for i, d in enumerate(load_profile(EXAMPLE_PROFILE).profile.deployments) if d.azure is not None)


def test_example_azure_block_loads():
    dep = next(d for d in load_profile(EXAMPLE_PROFILE).profile.deployments if d.azure is not None)
    az = dep.azure
    assert dep.platform.value == "azure_ai_foundry"
    assert az.processing.value == "regional" and az.content_filter.prompt_shields is True
    assert az.audit_logs.workspace_retention_days == 365 and az.opt_out(dep.provider_retention_days) is True


def test_contract_profile_still_valid():
    if not (SHARED / "contract" / "profile.yaml").is_file():
        pytest.skip("../shared/contract is not next to the project")
    profile, problems, _ = check_profile(SHARED / "contract" / "profile.yaml")
    assert profile is not None and not [p for p in problems if p.severity == "error"]


@pytest.mark.parametrize(
    "old,new,needle,field,pattern",
    [
        ("subscription_id: 6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", "subscription_id: not-a-guid", "subscription_id:",
         "azure.subscription_id", "not an Azure subscription id"),
        ("account: acme-support-openai", "account: acme_support!", "account: acme_support", "azure.account", "not a valid account name"),
        ("processing: regional ", "processing: data_zone ", "processing:", "azure.processing", "needs 'data_zone: eu'"),
        ("app_principal_ids: [3c9e7f1a-2b4d-4e6f-8a0b-1c2d3e4f5a6b]", "app_principal_ids: [my-app]", "app_principal_ids:",
         "azure.app_principal_ids[0]", "not an Entra ID object id"),
        ("abuse_monitoring_opt_out: true", "abuse_monitoring_opt_out: false", "abuse_monitoring_opt_out:",
         "azure.abuse_monitoring_opt_out", "provider_retention_days is 0"),
        ("regions: [swedencentral]", "regions: [Sweden Central]", "regions: [Sweden", "regions[0]", "not an Azure region name"),
    ],
)
def test_azure_rules_report_file_line(tmp_path, example_profile_text, old, new, needle, field, pattern):
    assert old in example_profile_text
    text = example_profile_text.replace(old, new)
    i = _azure_index(text)
    _assert(_problems(tmp_path, text), _line(text, needle), f"deployments[{i}].{field}", pattern)


def test_unknown_key_in_azure_block_suggests(tmp_path, example_profile_text):
    text = example_profile_text.replace("entra_id_only: true", "entra_only: true")
    i = _azure_index(text)
    _assert(_problems(tmp_path, text), _line(text, "entra_only:"), f"deployments[{i}].azure.entra_only", "did you mean 'entra_id_only'")


def test_global_processing_contradicts_no_cross_region(tmp_path, example_profile_text):
    text = example_profile_text.replace("processing: regional ", "processing: global ")
    i = _azure_index(text)
    probs = _problems(tmp_path, text)
    assert any(p.path == f"deployments[{i}].cross_region_inference" and "lets requests leave the region" in p.message for p in probs)


def test_azure_block_on_other_platform_warns(tmp_path, example_profile_text):
    text = example_profile_text.replace("platform: azure_ai_foundry", "platform: other")
    i = _azure_index(text)
    warnings = _problems(tmp_path, text, "warning")
    assert any(p.path == f"deployments[{i}].azure" and "ignored" in p.message for p in warnings)
