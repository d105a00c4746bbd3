"""The `answers` and `policy` commands end to end (CliRunner, real files)."""

from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from questionnaire.cli import app
from questionnaire.profile import load_profile

from answers_fixtures import EXAMPLE, drifted_findings

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def drifted_bundle(tmp_path_factory):
    from questionnaire.bundle import write_bundle

    loaded = load_profile(EXAMPLE)
    findings = [replace(f, evidence=()) for f in drifted_findings()]
    fake_run = SimpleNamespace(
        findings=findings, raw=[], identity={"account": "123456789012", "arn": "arn:aws:iam::123456789012:user/t"},
        started="2026-11-28T12:00:00Z", ended="2026-11-28T12:00:05Z", regions=["eu-west-1"],
        check_ids=sorted({f.check_id for f in findings}), errors=[], emulated=[],
    )
    out = tmp_path_factory.mktemp("b") / "bundle.zip"
    write_bundle(out, loaded, fake_run)
    return out


def test_answers_from_profile_json(tmp_path):
    out = tmp_path / "answers.json"
    r = run("answers", "--profile", EXAMPLE, "-o", out)
    assert r.exit_code == 0, r.output
    assert "declared, not verified" in r.output and f"wrote {out}" in r.output
    doc = json.loads(out.read_text())
    assert doc["source"] == "profile" and doc["bundle_digest"] is None
    assert doc["profile_sha256"] == load_profile(EXAMPLE).sha256
    assert all(a["status"] == "declared" for a in doc["answers"])
    assert all("not verified" in a["text"] for a in doc["answers"])


def test_answers_from_bundle_xlsx(tmp_path, drifted_bundle):
    from openpyxl import load_workbook

    from questionnaire.bundle import load_bundle

    out = tmp_path / "answers.xlsx"
    r = run("answers", "--bundle", drifted_bundle, "-o", out)
    assert r.exit_code == 0, r.output
    assert "contradicted" in r.output
    wb = load_workbook(out)
    assert wb["Cover"]["B6"].value == load_bundle(drifted_bundle).digest
    statuses = {row[0]: row[5] for row in wb["Answers"].iter_rows(min_row=2, values_only=True)}
    assert statuses["audit.invocation_logging"] == "Contradicted (needs review)"
    assert statuses["audit.log_integrity"] == "Verified"


def test_answers_argument_errors(tmp_path):
    r = run("answers", "-o", tmp_path / "a.json")
    assert r.exit_code == 2 and "exactly one of --bundle" in r.output
    r = run("answers", "--profile", EXAMPLE, "-o", tmp_path / "a.pdf")
    assert r.exit_code == 2 and "unknown output format" in r.output
    r = run("answers", "--profile", tmp_path / "missing.yaml", "-o", tmp_path / "a.json")
    assert r.exit_code == 2 and "file not found" in r.output
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    r = run("answers", "--bundle", bad, "-o", tmp_path / "a.json")
    assert r.exit_code == 2 and not (tmp_path / "a.json").exists()


def test_answers_never_overwrites_the_input(tmp_path):
    prof = tmp_path / "profile.md"
    prof.write_bytes(EXAMPLE.read_bytes())
    r = run("answers", "--profile", prof, "-o", prof)
    assert r.exit_code == 2 and "must not be an input file" in r.output
    assert prof.read_bytes() == EXAMPLE.read_bytes()


def test_policy_command(tmp_path):
    from docx import Document

    out = tmp_path / "policy.docx"
    r = run("policy", "--profile", EXAMPLE, "-o", out)
    assert r.exit_code == 0, r.output
    assert Document(out).paragraphs[0].text == "Acme Analytics GmbH: AI-use policy"
    r = run("policy", "--profile", EXAMPLE, "-o", tmp_path / "policy.txt")
    assert r.exit_code == 2 and "use .docx or .md" in r.output
