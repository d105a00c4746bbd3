"""issue 14 items 11, 12 (CLI): one line + exit 2 instead of tracebacks; nothing partial left behind;
Markdown data neutralised; inputs never overwritten."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile

import pytest
from typer.testing import CliRunner

from questionnaire.cli import app

from conftest import EXAMPLE_PROFILE, ROOT

runner = CliRunner()
SAMPLE = ROOT / "evidence" / "examples" / "acme" / "customer-questionnaire.xlsx"


def _py(code: str, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)


def _one_line_exit_2(r):
    assert r.exit_code == 2, r.output
    assert isinstance(r.exception, SystemExit), repr(r.exception)
    assert len([ln for ln in r.output.splitlines() if ln.startswith("error:")]) == 1, r.output


def test_fill_into_proc_is_one_line(tmp_path):
    _one_line_exit_2(runner.invoke(app, ["fill", str(SAMPLE), "--profile", str(EXAMPLE_PROFILE), "-o", "/proc/filled.xlsx"]))


def test_answers_and_policy_into_proc_are_one_line():
    _one_line_exit_2(runner.invoke(app, ["answers", "--profile", str(EXAMPLE_PROFILE), "-o", "/proc/a.xlsx"]))
    _one_line_exit_2(runner.invoke(app, ["policy", "--profile", str(EXAMPLE_PROFILE), "-o", "/proc/p.md"]))
    _one_line_exit_2(runner.invoke(app, ["compliance", "--framework", "soc2", "--profile", str(EXAMPLE_PROFILE), "-o", "/proc/c.md"]))


def test_fill_report_unwritable_is_refused_before_the_filled_file_is_written(tmp_path):
    out = tmp_path / "filled.xlsx"
    r = runner.invoke(app, ["fill", str(SAMPLE), "--profile", str(EXAMPLE_PROFILE), "-o", str(out),
                            "--report", str(tmp_path / "missing" / "r.json")])
    _one_line_exit_2(r)
    assert not out.exists()


def test_check_bad_region_is_one_line(no_aws_credentials):
    r = runner.invoke(app, ["check", str(EXAMPLE_PROFILE), "--region", "bad_region!"])
    _one_line_exit_2(r)
    assert "bad_region!" in r.output


def test_check_bundle_into_proc_is_one_line():
    from questionnaire.testing.aws_fixture import emulated_account

    with emulated_account("compliant"):
        r = runner.invoke(app, ["check", str(EXAMPLE_PROFILE), "--bundle", "/proc/b.zip", "--region", "eu-west-1"])
    _one_line_exit_2(r)


def test_check_json_refuses_to_overwrite_the_profile(tmp_path, no_aws_credentials):
    p = tmp_path / "profile.yaml"
    p.write_bytes(EXAMPLE_PROFILE.read_bytes())
    r = runner.invoke(app, ["check", str(p), "--json", str(p)])
    _one_line_exit_2(r)
    assert p.read_bytes() == EXAMPLE_PROFILE.read_bytes()


def test_full_disk_leaves_nothing(tmp_path):
    """RLIMIT_FSIZE makes every write past 8 KB fail with EFBIG, like a full disk."""
    r = _py(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))
        sys.argv = ["questionnaire", "answers", "--profile", {str(EXAMPLE_PROFILE)!r}, "-o", "answers.docx"]
        from questionnaire.cli import main
        main()
    """, tmp_path)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and r.stderr.count("error:") == 1, r.stderr
    assert sorted(os.listdir(tmp_path)) == []


def test_sigterm_during_a_write_removes_the_temp_file(tmp_path):
    r = _py(f"""
        import os, signal, sys
        import questionnaire.documents.export as ex
        real = ex.write_md
        def slow(*a):
            real(*a)
            os.kill(os.getpid(), signal.SIGTERM)  # arrives after the temp file is written, before the rename
        ex.write_md = slow
        sys.argv = ["questionnaire", "answers", "--profile", {str(EXAMPLE_PROFILE)!r}, "-o", "answers.md"]
        from questionnaire.cli import main
        main()
    """, tmp_path)
    assert r.returncode == 128 + 15, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    assert sorted(os.listdir(tmp_path)) == []


HOSTILE_MD = "Acme ![x](https://evil.invalid/p.png) [click](javascript:alert(1)) <img src=x onerror=alert(1)> >= 5"


def test_markdown_outputs_neutralise_images_links_and_html(tmp_path):
    from questionnaire.bundle import write_bundle
    from questionnaire.profile import load_profile

    from test_bundle_fixtures import make_run

    text = EXAMPLE_PROFILE.read_text(encoding="utf-8").replace("  product: Acme Insights", f"  product: '{HOSTILE_MD}'", 1)
    p = tmp_path / "profile.yaml"
    p.write_text(text, encoding="utf-8")
    b = write_bundle(tmp_path / "b.zip", load_profile(p), make_run())
    with zipfile.ZipFile(b) as zf:
        summary = zf.read("SUMMARY.md").decode()
    for args, name in ((["answers", "--profile", str(p), "-o", str(tmp_path / "a.md")], "a.md"),
                       (["policy", "--profile", str(p), "-o", str(tmp_path / "p.md")], "p.md")):
        assert runner.invoke(app, args).exit_code == 0
    outputs = {"SUMMARY.md": summary, "a.md": (tmp_path / "a.md").read_text(), "p.md": (tmp_path / "p.md").read_text()}
    for name, md in outputs.items():
        if "Acme !" not in md and "evil.invalid" not in md:
            continue  # this output does not show the product
        plain = md.replace("\\<", "").replace("\\[", "").replace("\\]", "")  # what stays active
        for active in ("](", "<img", "![", "[click"):
            assert active not in plain, (name, active)
        assert "&gt;" not in md and "&lt;" not in md, name
    assert "evil.invalid" in summary and "\\>= 5" in summary  # shown as text, no HTML entities
