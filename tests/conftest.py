from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLE_PROFILE = ROOT / "evidence" / "examples" / "acme" / "profile.yaml"
QUESTIONNAIRES = SHARED / "questionnaires"


@pytest.fixture
def example_profile_path() -> Path:
    return EXAMPLE_PROFILE


@pytest.fixture
def example_profile_text() -> str:
    return EXAMPLE_PROFILE.read_text(encoding="utf-8")
