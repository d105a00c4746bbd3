"""What makes `check` fast keeps its findings: the heap set aside while collecting, the helper process."""

from __future__ import annotations

import gc

from questionnaire.checks import run_checks
from questionnaire.findings import Status
from questionnaire.testing.aws_fixture import emulated_account, profile_for_regions


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
