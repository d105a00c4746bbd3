"""Size and seam rules for the checks and the AWS layer (measured by benchmarks/structure_metrics.py)."""

from __future__ import annotations

import importlib

from benchmarks.structure_metrics import (
    MAX_FUNCTION,
    MAX_MODULE,
    _trees,
    check_id_homes,
    import_cycles,
    import_graph,
    long_functions,
    package_modules,
)

MODS = package_modules()
TREES = _trees(MODS)
MINE = {m for m in MODS if m.startswith(("questionnaire.checks", "questionnaire.aws"))}


def test_no_import_cycle_in_the_package():
    assert import_cycles(import_graph(MODS, TREES)) == []


def test_the_cycle_finder_finds_cycles():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_each_check_id_is_a_literal_in_exactly_one_module():
    from questionnaire.checks import REGISTRY

    homes = check_id_homes(TREES, set(REGISTRY))
    assert {i: h for i, h in homes.items() if len(h) != 1} == {}


def test_checks_and_aws_layer_stay_small():
    big = [m for m in MINE if len(MODS[m].read_text(encoding="utf-8").splitlines()) > MAX_MODULE]
    assert big == []
    assert [f for f, _ in long_functions({m: TREES[m] for m in MINE}, MAX_FUNCTION)] == []


def test_aws_checks_are_found_in_display_order():
    from questionnaire.checks.aws import CHECKS

    first, *_, last = CHECKS.values()
    assert first.module.endswith(".identity") and last.module.endswith(".declared")
    orders = [importlib.import_module(c.module).ORDER for c in CHECKS.values()]
    assert orders == sorted(orders)
