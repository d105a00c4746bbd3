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


@pytest.fixture
def closing_endpoint(monkeypatch):
    """An endpoint that accepts each connection and closes it at once: AWS_ENDPOINT_URL points at it, fake
    credentials are set; yields a list whose length is the number of connections made (attempts, not time)."""
    import socket
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(64)
    seen: list[int] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            seen.append(1)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{srv.getsockname()[1]}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    yield seen
    srv.close()
