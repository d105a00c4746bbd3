"""`compliance`: per-control coverage from a real (emulated) check run's bundle, and from a profile."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from questionnaire.cli import app

from conftest import EXAMPLE_PROFILE

runner = CliRunner()


@pytest.fixture(scope="module")
def drifted_bundle(tmp_path_factory):
    pytest.importorskip("moto")
    from questionnaire.bundle import write_bundle
    from questionnaire.checks.runner import run_checks
    from questionnaire.testing.aws_fixture import emulated_account, profile_for_regions

    with emulated_account("logging_off"):
        loaded = profile_for_regions()
        run = run_checks(loaded, scan_regions=["eu-west-1"])
    # findings carry their mapped controls (annotate_findings in the runner)
    f = next(f for f in run.findings if f.check_id == "bedrock.invocation_logging.enabled")
    assert "A.8.15" in f.controls["iso27001"] and f.to_dict()["controls"]["iso27001"]
    out = tmp_path_factory.mktemp("c") / "evidence.zip"
    return write_bundle(out, loaded, run)


def test_bundle_findings_keep_controls(drifted_bundle):
    from questionnaire.bundle import load_bundle

    b = load_bundle(drifted_bundle)
    f = next(f for f in b.findings if f.check_id == "cloudtrail.trail.logging")
    assert "164.312(b)" in f.controls["hipaa"]


def test_compliance_from_bundle_json(drifted_bundle, tmp_path):
    out = tmp_path / "iso.json"
    r = runner.invoke(app, ["compliance", "--bundle", str(drifted_bundle), "--framework", "iso27001", "-o", str(out)])
    assert r.exit_code == 0, r.output
    rep = json.loads(out.read_text())
    assert rep["verified"] and rep["version"] == "2022"
    rows = {row["control"]: row for row in rep["controls"]}
    logging = {c["id"]: c["status"] for c in rows["A.8.15"]["checks"]}
    assert logging["bedrock.invocation_logging.enabled"] == "FAIL"  # the drifted account has invocation logging off
    assert logging["cloudtrail.trail.logging"] == "PASS"
    answers = {a["id"]: a["status"] for a in rows["A.8.15"]["answers"]}
    assert answers["audit.invocation_logging"] == "contradicted"
    assert "A.6.3" in rep["not_covered"] and not rows["A.6.3"]["covered"]


def test_compliance_from_profile_markdown_and_xlsx(tmp_path):
    r = runner.invoke(app, ["compliance", "--profile", str(EXAMPLE_PROFILE), "--framework", "gdpr"])
    assert r.exit_code == 0, r.output
    assert "Not covered by this tool" in r.output and "Art. 47" in r.output.split("Not covered")[1]
    assert "`vendor.dpa` declared" in r.output and "not run" in r.output
    out = tmp_path / "eu.xlsx"
    r = runner.invoke(app, ["compliance", "--profile", str(EXAMPLE_PROFILE), "--framework", "eu-ai-act", "-o", str(out)])
    assert r.exit_code == 0, r.output
    import openpyxl

    ws = openpyxl.load_workbook(out).active
    rows = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["Art. 27"][2] == "not covered by this tool"
    assert "audit.invocation_logging" in rows["Art. 26(6)"][4]


@pytest.mark.parametrize(
    "args, msg",
    [
        (["--framework", "nope"], "unknown framework"),
        (["--framework", "soc2", "--bundle", "x.zip"], "exactly one"),
        (["--framework", "soc2", "-o", "out.txt"], ".md, .xlsx or .json"),
    ],
)
def test_compliance_errors(args, msg, tmp_path):
    args = [str(tmp_path / a) if a.endswith(".txt") else a for a in args]
    r = runner.invoke(app, ["compliance", "--profile", str(EXAMPLE_PROFILE), *args])
    assert r.exit_code == 2
    assert msg in r.output
