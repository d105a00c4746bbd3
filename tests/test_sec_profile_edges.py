"""issue 14 items 11, 12 (profile): duplicate keys, duplicate regions, deep nesting, control characters."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from questionnaire.cli import app
from questionnaire.profile import check_profile

from conftest import EXAMPLE_PROFILE

runner = CliRunner()


def _write(tmp_path, text):
    p = tmp_path / "profile.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _line(text, needle, nth=1):
    lines = [i for i, ln in enumerate(text.splitlines(), 1) if needle in ln]
    return lines[nth - 1]


def test_duplicate_key_is_a_file_line_error(tmp_path):
    base = EXAMPLE_PROFILE.read_text(encoding="utf-8")
    text = base.replace("  name: Acme Analytics GmbH\n", "  name: Acme Analytics GmbH\n  name: Evil Corp\n", 1)
    p = _write(tmp_path, text)
    profile, problems, _ = check_profile(p)
    assert profile is None
    dup = [x for x in problems if "duplicate key 'name'" in x.message]
    assert len(dup) == 1 and dup[0].line == _line(text, "name: Evil Corp") and dup[0].path == "organization.name"
    r = runner.invoke(app, ["validate", str(p)])
    assert r.exit_code == 2 and f"{p}:{dup[0].line}: organization.name: duplicate key 'name'" in r.output


def test_region_listed_twice_is_an_error(tmp_path):
    text = EXAMPLE_PROFILE.read_text(encoding="utf-8").replace("regions: [eu-west-1]", "regions: [eu-west-1, eu-west-1]", 1)
    profile, problems, _ = check_profile(_write(tmp_path, text))
    assert profile is None
    assert any("listed twice" in x.message and x.path.endswith("regions[1]") for x in problems)


@pytest.mark.parametrize("depth", [40, 600, 3000])
def test_deep_nesting_is_one_line_not_a_traceback(tmp_path, depth):
    text = "version: 1\nx: " + "[" * depth + "]" * depth + "\n"
    p = _write(tmp_path, text)
    r = runner.invoke(app, ["validate", str(p)])
    assert r.exit_code == 2 and r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "nested" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("char", ["\\0", "\\e", "\\x07", "\\r"])
def test_control_characters_in_values_are_refused(tmp_path, char):
    text = EXAMPLE_PROFILE.read_text(encoding="utf-8").replace(
        "  product: Acme Insights", f'  product: "Acme{char}Insights"', 1)
    p = _write(tmp_path, text)
    profile, problems, _ = check_profile(p)
    assert profile is None and any("control character" in x.message and x.path == "organization.product" for x in problems)
    for args in (["answers", "--profile", str(p), "-o", str(tmp_path / "a.docx")],
                 ["policy", "--profile", str(p), "-o", str(tmp_path / "p.docx")]):
        r = runner.invoke(app, args)
        assert r.exit_code == 2 and isinstance(r.exception, SystemExit), (args, repr(r.exception))
