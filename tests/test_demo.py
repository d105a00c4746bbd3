"""The offline demo end to end (moto server + Bedrock stand-in), the stand-in, the samples."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("moto.server")

from questionnaire.cli import app  # noqa: E402
from questionnaire.resources import examples_dir  # noqa: E402

SAMPLES = examples_dir() / "acme"


def _samples_module():
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


MS = _samples_module()
OUT_OF_SCOPE = set(MS.OUT_OF_SCOPE)
IN_SCOPE = [qid for _s, qid, _q, _k in MS.questions() if qid not in OUT_OF_SCOPE]
AWS_ENV = ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK", "AWS_ACCESS_KEY_ID", "AWS_CONFIG_FILE")


def _threads() -> set[str]:
    """Names of live threads; a request-handler thread still finishing its last reply gets 2 s to end
    (the server itself is shut down and its listening thread joined by the demo)."""
    for t in threading.enumerate():
        if t.name.startswith("process_request_thread") or "(process_request_thread)" in t.name:
            t.join(timeout=2)
    return {t.name for t in threading.enumerate() if t.is_alive()}


def _run_demo(out: Path, *extra: str):
    env_before = {k: os.environ.get(k) for k in AWS_ENV}
    threads_before = _threads()
    res = CliRunner().invoke(app, ["demo", "--out", str(out), *extra])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert res.exit_code == 0, res.output
    # nothing left behind: environment restored, no server thread alive, ports closed
    assert {k: os.environ.get(k) for k in AWS_ENV} == env_before
    leaked = _threads() - threads_before
    assert not leaked, leaked
    return res


def _ports(output: str) -> list[int]:
    import re

    return [int(p) for p in re.findall(r"http://127\.0\.0\.1:(\d+)", output)]


@pytest.fixture(scope="module")
def compliant(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, _run_demo(out)


@pytest.fixture(scope="module")
def drifted(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-drift")
    return out, _run_demo(out, "--drift")


def _xlsx_answers(path: Path) -> dict[str, tuple]:
    from openpyxl import load_workbook

    ws = load_workbook(path)["Vendor Assessment"]
    out = {}
    for row in ws.iter_rows(min_row=7, values_only=True):
        ref, q = row[0], row[1]
        if q:
            out[ref] = (row[2], row[3])
    return out


def _docx_answers(path: Path) -> dict[str, tuple]:
    from docx import Document

    table = Document(path).tables[0]
    out = {}
    for row in table.rows[1:]:
        cells = row.cells
        if cells[0].text != cells[1].text:  # not a merged section row
            out[cells[0].text] = (cells[2].text.strip(), cells[3].text.strip())
    return out


def test_demo_writes_every_output_and_the_bundle_verifies(compliant):
    out, res = compliant
    names = ["evidence-bundle.zip", "findings.json", "answers.xlsx", "answers.docx",
             "customer-questionnaire-filled.xlsx", "customer-questionnaire-filled.docx",
             "fill-report-xlsx.json", "fill-report-docx.json"]
    for n in names:
        assert (out / n).is_file() and (out / n).stat().st_size > 0, n
        assert str(out / n) in res.output  # the tour says where each file is
    v = CliRunner().invoke(app, ["verify", str(out / "evidence-bundle.zip")])
    assert v.exit_code == 0 and "intact" in v.output
    assert "answered by an AWS emulator" in v.output
    from questionnaire.bundle import load_bundle

    b = load_bundle(out / "evidence-bundle.zip")
    emulated = set(b.predicate["emulated"])
    # the stand-in's operations and moto's are both recorded as emulated in the manifest
    assert {"bedrock.GetGuardrail", "bedrock.ListGuardrails", "sts.GetCallerIdentity"} <= emulated
    assert not [f for f in b.findings if f.status.value == "FAIL"]
    assert "EMULATED" in res.output and "0 FAIL" in res.output


def test_demo_fills_answers_in_the_right_cells_and_leaves_out_of_scope_empty(compliant):
    out, _ = compliant
    for reader, name in ((_xlsx_answers, "xlsx"), (_docx_answers, "docx")):
        got = reader(out / f"customer-questionnaire-filled.{name}")
        assert set(got) == {qid for _s, qid, _q, _k in MS.questions()}, name
        for qid in OUT_OF_SCOPE:
            assert got[qid] == (None, None) or got[qid] == ("", ""), (name, qid, got[qid])
        for qid in IN_SCOPE:
            assert got[qid][0], (name, qid)
        assert got["D.1"][0] == "No" and got["E.1"][0] == "Yes" and got["F.2"][0] == "Yes", name
        assert "400 days" in str(got["E.2"][0])
    # the input sample is never modified
    assert _xlsx_answers(SAMPLES / "customer-questionnaire.xlsx")["E.1"] == (None, None)


def test_demo_drift_shows_fails_exit_1_and_review(drifted):
    out, res = drifted
    assert "check exit code 1" in res.output
    findings = json.loads((out / "findings.json").read_text())
    failed = {f["check_id"] for f in findings["findings"] if f["status"] == "FAIL"}
    assert {"bedrock.invocation_logging.enabled", "iam.agent_role.least_privilege",
            "bedrock.guardrail.prompt_attack_filter", "cloudtrail.trail.log_file_validation"} <= failed
    assert "FAIL    iam.agent_role.least_privilege" in res.output
    assert "contradicts the profile" in res.output
    got = _xlsx_answers(out / "customer-questionnaire-filled.xlsx")
    assert not got["E.1"][0]  # logging is off: the contradicted "Yes" is not written
    assert not got["E.3"][0]  # log encryption presupposes the logs exist (catalog `requires`, issue 16.3)
    assert got["D.4"][0] == "No"  # unaffected answers still filled
    report = json.loads((out / "fill-report-xlsx.json").read_text())
    assert report["summary"]["needs_review"] >= 1


def test_demo_verifies_the_openai_deployment_against_the_emulated_organization(compliant, drifted):
    from questionnaire.answers import build_answers
    from questionnaire.bundle import load_bundle

    def load(out):
        b = load_bundle(out / "evidence-bundle.zip")
        mine = {f.check_id: f.status.value for f in b.findings if f.deployment == "marketing-drafts"}
        answers = {a.id: a.status for a in build_answers(b.profile, b.findings, source="bundle")}
        return b, mine, answers

    b, mine, answers = load(compliant[0])
    assert len(mine) == 6 and set(mine.values()) == {"PASS"} and "declared.not_verifiable" not in mine
    assert answers["accounts.company_accounts_only"] == "verified"
    assert any(p.startswith("raw/openai/marketing-drafts/") for p in b.files) and "openai.organization.users" in b.predicate["emulated"]
    _, mine, answers = load(drifted[0])
    assert mine["commercial.members.company_domains"] == "FAIL"
    assert answers["accounts.company_accounts_only"] == "contradicted"
    assert "OPENAI_ADMIN_KEY" not in os.environ and "OPENAI_BASE_URL" not in os.environ  # restored


def _assert_interrupted_demo_cleans_up(out):
    """run_demo raises KeyboardInterrupt, leaves no thread behind and restores the AWS environment."""
    from questionnaire.demo import run_demo

    before_env = {k: os.environ.get(k) for k in AWS_ENV}
    before = _threads()
    with pytest.raises(KeyboardInterrupt):
        run_demo(out)
    assert _threads() - before == set()
    assert {k: os.environ.get(k) for k in AWS_ENV} == before_env


def test_demo_stops_servers_and_restores_env_on_error(tmp_path, monkeypatch):
    import questionnaire.testing.aws_fixture as fx

    ports: list[int] = []
    real_free_port = __import__("questionnaire.demo", fromlist=["_free_port"])._free_port

    def record_port():
        p = real_free_port()
        ports.append(p)
        return p

    def boom(*a, **k):
        raise KeyboardInterrupt  # like Ctrl-C while seeding

    monkeypatch.setattr("questionnaire.demo._free_port", record_port)
    monkeypatch.setattr(fx, "seed_account", boom)
    _assert_interrupted_demo_cleans_up(tmp_path / "o")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", ports[0]), timeout=0.5).close()


def test_standin_serves_bedrock_shapes_labelled_emulated():
    import boto3
    from botocore.exceptions import ClientError

    from questionnaire.testing.aws_fixture import BedrockExtras, MODEL_ID, guardrail
    from questionnaire.testing.bedrock_standin import EMULATED_HEADER, BedrockStandIn

    extras = BedrockExtras(models={"eu-west-1": [MODEL_ID]}, guardrails={"eu-west-1": [guardrail("eu-west-1")]},
                           inference_profiles={"eu-west-1": []})
    before = _threads()
    with BedrockStandIn(extras) as s:
        c = boto3.client("bedrock", region_name="eu-west-1", endpoint_url=s.url,
                         aws_access_key_id="testing", aws_secret_access_key="testing")
        g = c.get_guardrail(guardrailIdentifier="a1b2c3d4e5f6")
        assert g["ResponseMetadata"]["HTTPHeaders"][EMULATED_HEADER] == "bedrock-standin"
        assert g["createdAt"].year == 2025  # parsed per the service model (iso8601 timestamp)
        assert {f["type"] for f in g["contentPolicy"]["filters"]} >= {"PROMPT_ATTACK"}
        assert c.list_guardrails()["guardrails"][0]["id"] == "a1b2c3d4e5f6"
        assert c.list_foundation_models()["modelSummaries"][0]["modelId"] == MODEL_ID
        assert c.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []
        # region comes from the request signature: nothing seeded in us-east-1
        c2 = boto3.client("bedrock", region_name="us-east-1", endpoint_url=s.url,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
        assert c2.list_guardrails()["guardrails"] == []
        with pytest.raises(ClientError) as e:
            c.get_guardrail(guardrailIdentifier="nope")
        assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"
        with pytest.raises(ClientError):  # not emulated and no upstream: an error, never a made-up answer
            c.get_model_invocation_logging_configuration()
        assert s.served.count("GetGuardrail") == 2
    assert _threads() - before == set()


def test_shipped_samples_match_the_generator(tmp_path):
    from openpyxl import load_workbook

    expected = [(qid, q) for _s, qid, q, _k in MS.questions()]
    assert 20 <= len(expected) <= 30 and len(OUT_OF_SCOPE) >= 6
    ws = load_workbook(SAMPLES / "customer-questionnaire.xlsx")["Vendor Assessment"]
    shipped = [(r[0], r[1]) for r in ws.iter_rows(min_row=7, values_only=True) if r[1]]
    assert shipped == expected, "rebuild with evidence/examples/acme/make_samples.py"
    assert ws["A6"].value == "Ref" and ws.data_validations.dataValidation  # header below the title block, dropdown
    docx_refs = list(_docx_answers(SAMPLES / "customer-questionnaire.docx"))
    assert docx_refs == [qid for qid, _ in expected]


def test_ctrl_c_inside_a_cli_step_stops_the_demo_and_cleans_up(tmp_path, monkeypatch):
    """click turns Ctrl-C inside a command into exit 1; the demo must not mistake that for drift."""
    import signal

    import questionnaire.checks as checks

    real = checks.run_checks

    def interrupted(*a, **k):
        signal.raise_signal(signal.SIGINT)  # the user presses Ctrl-C during `check`
        return real(*a, **k)

    monkeypatch.setattr(checks, "run_checks", interrupted)
    _assert_interrupted_demo_cleans_up(tmp_path / "o")
    assert not (tmp_path / "o" / "answers.xlsx").exists()  # stopped after check, went no further


def test_demo_verifies_the_vertex_deployment_and_drift_fails_it(compliant, drifted):
    def vertex(out):
        findings = json.loads((out / "findings.json").read_text())["findings"]
        return {f["check_id"]: f["status"] for f in findings if f["deployment"] == "ticket-summaries"}

    ok, bad = vertex(compliant[0]), vertex(drifted[0])
    assert len(ok) == 8 and set(ok.values()) == {"PASS"}
    assert {c for c, s in bad.items() if s == "FAIL"} == {"vertex.audit_logs.data_access", "vertex.location.declared_only"}
    assert "QUESTIONNAIRE_GCP_URL" not in os.environ  # the emulated project's endpoint is gone with it


def test_demo_verifies_the_azure_deployment(compliant, drifted):
    for (out, res), want_fail in ((compliant, set()), (drifted, {"azure.deployment.processing_scope",
                                                                 "azure.deployment.prompt_shields", "azure.network.private_access"})):
        az = [f for f in json.loads((out / "findings.json").read_text())["findings"] if f["check_id"].startswith("azure.")]
        assert {f["check_id"] for f in az if f["status"] == "FAIL"} == want_fail
        assert sum(f["status"] == "PASS" for f in az) >= 8 and not [f for f in az if f["status"] == "UNKNOWN"]
        assert "azure (emulated):" in res.output
        assert not any(os.environ.get(k) for k in ("QUESTIONNAIRE_AZURE_ARM_URL", "QUESTIONNAIRE_AZURE_TOKEN"))
