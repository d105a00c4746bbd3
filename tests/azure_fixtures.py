"""Shared Azure test fixtures: a loopback HTTPS ARM server (pytest-httpserver + trustme CA)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from questionnaire.checks.azure.client import ARM_URL_ENV, CA_ENV, TOKEN_ENV
from questionnaire.profile import load_profile
from questionnaire.testing.azure_emulator import TOKEN, ArmEmulator, profile_state, tls

from conftest import EXAMPLE_PROFILE


def azure_only_profile(tmp_path: Path, edit=None) -> Path:
    """The example profile reduced to its Azure deployment (no AWS call is made)."""
    data = yaml.safe_load(EXAMPLE_PROFILE.read_text(encoding="utf-8"))
    data["deployments"] = [d for d in data["deployments"] if d.get("platform") == "azure_ai_foundry"]
    if edit is not None:
        edit(data["deployments"][0]["azure"])
    path = tmp_path / "profile.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


class Arm:
    def __init__(self, server, ca: str) -> None:
        self.server = server
        self.ca = ca
        self.url = f"https://127.0.0.1:{server.port}"
        self.emu: ArmEmulator | None = None

    def serve(self, profile, variant: str = "compliant", page_size: int = 1, token: str = TOKEN) -> ArmEmulator:
        self.server.clear()
        self.emu = ArmEmulator(profile_state(profile, variant), page_size=page_size, base_url=self.url, token=token)
        self.server.expect_request(re.compile(r"^/.*")).respond_with_handler(self.emu.handle)
        return self.emu

    def env(self, token: str = TOKEN) -> dict[str, str]:
        return {ARM_URL_ENV: self.url, TOKEN_ENV: token, CA_ENV: self.ca}

    def methods(self) -> list[str]:
        return [req.method for req, _ in self.server.log]


@pytest.fixture(scope="module")
def arm_server(tmp_path_factory):
    from pytest_httpserver import HTTPServer

    ctx, ca = tls()
    ca_path = tmp_path_factory.mktemp("azure-ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=ctx)
    server.start()
    yield server, str(ca_path)
    server.clear()
    server.stop()


@pytest.fixture
def arm(arm_server):
    server, ca = arm_server
    server.clear()
    return Arm(server, ca)


@pytest.fixture
def azure_loaded(tmp_path):
    return load_profile(azure_only_profile(tmp_path))
