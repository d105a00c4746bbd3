"""CLI edge: exit codes, one-line errors, --help of every command, light start-up."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from questionnaire import __version__
from questionnaire.cli import app

from conftest import EXAMPLE_PROFILE

runner = CliRunner()


def test_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and __version__ in r.output


def test_validate_valid_profile_exit_0_one_line():
    r = runner.invoke(app, ["validate", str(EXAMPLE_PROFILE)])
    assert r.exit_code == 0, r.output
    assert "valid" in r.stdout and r.stdout.count("\n") == 1


def test_validate_invalid_profile_exit_2_file_line_path(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text(EXAMPLE_PROFILE.read_text().replace("tier: commercial_api", "tier: gold"), encoding="utf-8")
    r = runner.invoke(app, ["validate", str(bad)])
    assert r.exit_code == 2
    first = r.stderr.splitlines()[0]
    assert first.startswith(f"{bad}:") and ": deployments[1].tier: " in first
    assert "Traceback" not in r.output


@pytest.mark.parametrize("content", [b"", b"- 1\n", b"\x00\x01\x02", b"{{{{"])
def test_validate_bad_files_exit_2_no_traceback(tmp_path, content):
    bad = tmp_path / "p.yaml"
    bad.write_bytes(content)
    r = runner.invoke(app, ["validate", str(bad)])
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    assert len(r.stderr.strip().splitlines()) == 2  # the problem + the summary line


def test_validate_missing_file_and_directory(tmp_path):
    r = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 2 and "file not found" in r.stderr
    r = runner.invoke(app, ["validate", str(tmp_path)])
    assert r.exit_code == 2 and "is a directory" in r.stderr


def test_schema_prints_json_schema(tmp_path):
    r = runner.invoke(app, ["schema"])
    assert r.exit_code == 0
    schema = json.loads(r.stdout)
    assert schema["title"].startswith("questionnaire deployment profile")
    out = tmp_path / "s.json"
    assert runner.invoke(app, ["schema", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text()) == schema


def _commands():
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)


def test_every_command_has_help():
    cmds = _commands()
    assert {"validate", "schema"} <= set(cmds)
    for name in cmds:
        r = runner.invoke(app, [name, "--help"])
        assert r.exit_code == 0, name
        assert "Usage" in r.output
        group_help = runner.invoke(app, ["--help"]).output
        assert name in group_help


def test_cli_import_is_light():
    code = (
        "import sys, questionnaire.cli;"
        "heavy=[m for m in ('boto3','botocore','openpyxl','docx','moto') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_validate_does_not_import_heavy_modules():
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from questionnaire.cli import app\n"
        f"r = CliRunner().invoke(app, ['validate', {str(EXAMPLE_PROFILE)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(','.join(m for m in ('boto3','botocore','openpyxl','docx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_python_dash_m():
    r = subprocess.run([sys.executable, "-m", "questionnaire", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and __version__ in r.stdout


def test_shipped_data_is_found():
    from questionnaire import resources

    assert (resources.templates_dir() / "catalog.yaml").is_file()
    assert resources.example_profile().is_file()


def test_schema_to_unwritable_path_is_an_error_not_a_traceback(tmp_path):
    r = runner.invoke(app, ["schema", "-o", str(tmp_path / "missing-dir" / "schema.json")])
    assert r.exit_code == 2
    assert isinstance(r.exception, SystemExit)
    assert "cannot write" in r.output and "Traceback" not in r.output
