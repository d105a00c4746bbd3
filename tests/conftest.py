from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE_PROFILE = ROOT / "evidence" / "examples" / "acme" / "profile.yaml"
QUESTIONNAIRES = SHARED / "questionnaires"


@pytest.fixture(autouse=True)
def _no_commercial_admin_keys(monkeypatch) -> None:
    """A developer's real OpenAI/Anthropic admin keys never reach a test (checks/commercial reads them)."""
    for k in ("OPENAI_ADMIN_KEY", "ANTHROPIC_ADMIN_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(k, raising=False)


@pytest.fixture
def example_profile_path() -> Path:
    return EXAMPLE_PROFILE


@pytest.fixture
def example_profile_text() -> str:
    return EXAMPLE_PROFILE.read_text(encoding="utf-8")


@pytest.fixture
def no_aws_credentials(monkeypatch, tmp_path) -> None:
    """No AWS credentials anywhere: environment, shared files or instance metadata."""
    for k in list(os.environ):
        if k.startswith("AWS_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
