"""What makes `check` fast keeps its findings: the heap set aside while collecting, the helper process."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from questionnaire.checks import run_checks
from questionnaire.findings import RawResponse, Status
from questionnaire.testing.aws_fixture import emulated_account, profile_for_regions

ROOT = Path(__file__).resolve().parents[1]


def _run() -> object:
    with emulated_account("compliant"):
        return run_checks(profile_for_regions(), scan_regions=["eu-west-1", "us-east-1"])


def test_run_checks_gives_back_what_it_set_aside():
    """The heap is frozen while collecting (the cycle collector skips the modules and service models), and
    unfrozen when run_checks returns: a long-lived caller's garbage is still collected."""
    assert gc.get_freeze_count() == 0
    run = _run()
    assert gc.get_freeze_count() == 0
    assert run.findings and all(f.status == Status.PASS for f in run.findings if f.check_id.startswith("bedrock.invocation"))


def test_a_caller_that_froze_objects_keeps_them_frozen():
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        _run()
        assert gc.get_freeze_count() >= before > 0
    finally:
        gc.unfreeze()


# --------------------------------------------------------------------------- the helper process

# One fresh process (no other thread: the helper may fork) runs the emulated AWS account twice, with the helper and
# without it (QUESTIONNAIRE_HELPER=off), and prints what each run observed and recorded. ``how`` changes the helper:
# "dies" (exits at once, nothing sent), "overlap" (it also takes the declared region, whose calls the other checks
# make too), "writes" (its collector tries a write: the read-only guard refuses it in the helper as well).
SCRIPT = r"""
import dataclasses, json, os, sys
import questionnaire.checks.helper as helper
import questionnaire.checks.runner as runner
from questionnaire.checks import run_checks
from questionnaire.checks.aws import CHECKS
from questionnaire.testing.aws_fixture import aws_part, emulated_account, profile_for_regions

how = sys.argv[1]
used, recorders = [], []
real_init = runner._Run.__init__
def init(self, *a, **k):
    real_init(self, *a, **k)
    recorders.append(self.recorder)
runner._Run.__init__ = init
real_start = helper.start
def start(*a, **k):
    h = real_start(*a, **k)
    used.append(len(h.jobs) if h is not None else 0)
    return h
helper.start = start
if how == "dies":
    helper._serve = lambda *a, **k: os._exit(1)
if how == "overlap":
    helper.helper_jobs = lambda units, scans: list(scans)
if how == "writes":
    parent = os.getpid()
    RES = "bedrock.invocation_logging.only_declared_regions"
    real = CHECKS[RES].collect
    def collect(ctx, dep, region, profile):
        if os.getpid() != parent:
            ctx.call("bedrock", "delete_model_invocation_logging_configuration", region)
        return real(ctx, dep, region, profile)
    CHECKS[RES] = dataclasses.replace(CHECKS[RES], collect=collect)

def observed(run):
    raws = {r.path: [r.service, r.operation, r.region, r.params, r.response, r.error] for r in run.raw}
    return {"findings": [[f.id, f.status.value, f.message, list(f.evidence), f.observed] for f in run.findings],
            "raws": raws, "calls": dict(recorders[-1].calls), "operations": run.operations_by_check, "errors": run.errors}

out = {}
with emulated_account("compliant", aws_only=True):  # one account, read twice
    loaded = aws_part(profile_for_regions(), aws_only=True)
    for mode in ("helper", "off"):
        os.environ["QUESTIONNAIRE_HELPER"] = "on" if mode == "helper" else "off"
        try:
            run = run_checks(loaded)
        except Exception as e:
            out[mode] = {"raised": type(e).__name__, "message": str(e)}
            continue
        out[mode] = observed(run)
out["used"] = used
print(json.dumps(out, default=str, sort_keys=True))
"""


def _both(how: str = "plain") -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("QUESTIONNAIRE_HELPER", None)
    proc = subprocess.run([sys.executable, "-c", SCRIPT, how], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _same_run(a: dict, b: dict) -> None:
    assert a["findings"] == b["findings"]
    assert a["raws"].keys() == b["raws"].keys()
    for path, (service, op, region, params, response, error) in a["raws"].items():
        assert b["raws"][path][:4] == [service, op, region, params], path
        assert (b["raws"][path][5] or {}).get("code") == (error or {}).get("code"), path
    assert a["operations"] == b["operations"] and a["errors"] == b["errors"] == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the helper process is Linux only")
def test_the_helper_collects_the_same_findings_with_the_same_calls():
    out = _both()
    assert out["used"][0] >= 6 and out["used"][1] == 0  # the scan's undeclared regions went to the helper, then none
    _same_run(out["helper"], out["off"])
    assert out["helper"]["calls"] == out["off"]["calls"]  # not one call more or less
    scanned = next(f for f in out["helper"]["findings"] if f[0].startswith("bedrock.invocation_logging.only_declared_regions"))
    assert scanned[1] == "PASS" and len(scanned[4]["regions_scanned"]) >= 7


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the helper process is Linux only")
def test_a_helper_that_dies_changes_nothing_but_the_time():
    out = _both("dies")
    assert out["used"][0] >= 6
    _same_run(out["helper"], out["off"])
    assert out["helper"]["calls"] == out["off"]["calls"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the helper process is Linux only")
def test_a_call_both_processes_make_keeps_one_response_and_one_path():
    """The helper also takes the declared region: the residency scan there calls what the cross-region and logging
    checks call here. Both processes send it (counted twice: both were made), one response is kept."""
    out = _both("overlap")
    _same_run(out["helper"], out["off"])
    twice = {k for k, n in out["helper"]["calls"].items() if n > out["off"]["calls"].get(k, 0)}
    assert twice and all(k.startswith("eu-west-1/") for k in twice)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the helper process is Linux only")
def test_the_read_only_guard_holds_in_the_helper():
    out = _both("writes")
    assert out["helper"]["raised"] == "ReadOnlyViolation" and "DeleteModelInvocationLoggingConfiguration" in out["helper"]["message"]
    assert out["used"][0] >= 6


def test_merge_keeps_the_runs_response_for_a_call_both_made():
    from questionnaire.aws import Pages, Recorder
    from questionnaire.checks.helper import merge

    def raw(op: str) -> RawResponse:
        return RawResponse("bedrock", op, "eu-west-1", {}, {"x": 1}, "2026-01-01T00:00:00Z")

    class Run:
        recorder, errors, accounts = Recorder(), [], None

    run = Run()
    mine = raw("GetModelInvocationLoggingConfiguration")
    run.recorder._cache[("a",)] = mine
    run.recorder.raw.append(mine)
    theirs, new = raw("GetModelInvocationLoggingConfiguration"), raw("ListGuardrails")
    got = {(0, "us-east-1"): {"logging": theirs, "pages": Pages([theirs, new])}}
    merge(run, got, ({("a",): theirs, ("b",): new}, {"us-east-1/bedrock.ListGuardrails": 1}, {"c": {"bedrock.ListGuardrails"}},
                     ["c (d, us-east-1): collector error: X"]))
    data = got[(0, "us-east-1")]
    assert data["logging"] is mine and data["pages"][0] is mine and data["pages"][1] is new
    assert isinstance(data["pages"], Pages) and run.recorder.raw == [mine, new]
    assert run.recorder.calls == {"us-east-1/bedrock.ListGuardrails": 1} and run.errors == ["c (d, us-east-1): collector error: X"]
    assert run.recorder.operations_by_check == {"c": {"bedrock.ListGuardrails"}}


def test_check_makes_its_clients_without_importing_boto3():
    """Clients come from a guarded botocore session; boto3 (resources, transfer managers) is imported only when a
    caller asks for ``ctx.session``, which is the boto3 session over the same guarded botocore session."""
    code = ("import sys; import questionnaire.checks; from questionnaire.aws import AwsContext; ctx = AwsContext(); "
            "c = ctx.client('bedrock', 'eu-west-1'); print('boto3' in sys.modules, type(ctx.core).__module__)")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout.split()
    assert out == ["False", "botocore.session"]


def test_the_boto3_session_of_a_context_is_guarded():
    from questionnaire.aws import AwsContext
    from questionnaire.errors import ReadOnlyViolation

    ctx = AwsContext()
    assert ctx.session._session is ctx.core  # one botocore session, one guard
    with pytest.raises(ReadOnlyViolation):
        ctx.session.client("bedrock", region_name="eu-west-1").delete_guardrail(guardrailIdentifier="g")
