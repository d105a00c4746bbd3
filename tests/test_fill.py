"""fill orchestration, review report and the `fill` command (exit codes, one-line errors)."""

from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from questionnaire.cli import app
from questionnaire.documents import safety
from questionnaire.fill import fill
from tests.fixtures_docs import (
    QUESTIONNAIRES,
    KeywordMatcher,
    assert_only_cells_changed,
    fake_answers,
    make_tricky_docx,
    make_tricky_workbook,
    written_cells,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PROFILE = ROOT / "evidence" / "examples" / "acme" / "profile.yaml"
runner = CliRunner()
HAVE_ANSWERS = importlib.util.find_spec("questionnaire.answers") is not None


@pytest.fixture(scope="module")
def tricky(tmp_path_factory) -> Path:
    return make_tricky_workbook(tmp_path_factory.mktemp("fill") / "tricky.xlsx")


def test_report_contract_fields_and_counts(tricky, tmp_path):
    report_path = tmp_path / "review.json"
    result = fill(tricky, tmp_path / "o.xlsx", answers=fake_answers(needs_review_ids={"training"}),
                  matcher=KeywordMatcher(), report_path=report_path)
    report = json.loads(report_path.read_text())
    s = report["summary"]
    assert s["found"] == len(report["items"]) == 13
    assert s["answered"] + s["needs_review"] + s["unanswered"] == s["found"]
    assert s["unanswered"] == s["left_empty"] + s["already_filled"] and s["already_filled"] == 1
    for it in report["items"]:
        assert set(it) >= {"location", "question", "status", "answer", "catalog_id", "confidence", "evidence"}
        assert it["status"] in ("answered", "needs_review", "unanswered")
        assert 0 <= it["confidence"] <= 1
        if it["status"] == "unanswered":
            assert it["answer"] is None
    by = {it["location"]: it for it in report["items"]}
    assert by["Security!C9"]["evidence"] == ["check.logging:prod:eu-west-1"] and by["Security!C9"]["catalog_id"] == "logging"
    assert by["Security!C15"]["status"] == "needs_review"  # the answer itself needs review (FAIL/UNKNOWN check)
    assert by["Security!C12"]["catalog_id"] is None  # abstained -> empty
    assert result.counts() == s


def test_profile_only_answers_all_need_review(tricky, tmp_path):
    result = fill(tricky, tmp_path / "o.xlsx", answers=fake_answers(), matcher=KeywordMatcher(), source="profile")
    written = [it for it in result.items if it.answer or it.comment]
    assert written and all(it.status == "needs_review" for it in written)


def test_too_long_answer_is_refused_not_truncated(tricky, tmp_path):
    answers = fake_answers()
    answers[0].text = "x" * 40_000
    out = tmp_path / "o.xlsx"
    with pytest.raises(Exception, match="32767-character"):
        fill(tricky, out, answers=answers, matcher=KeywordMatcher())
    assert not out.exists()


def test_input_is_never_written(tricky, tmp_path):
    before = tricky.read_bytes()
    fill(tricky, tmp_path / "o.xlsx", answers=fake_answers(), matcher=KeywordMatcher())
    assert tricky.read_bytes() == before


# --------------------------------------------------------------------------- CLI


def _cli(*args):
    return runner.invoke(app, ["fill", *map(str, args)])


def _one_line_error(r) -> str:
    assert r.exit_code == 2, r.output
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.output
    return lines[0]


def test_cli_bad_inputs_exit_2_with_one_line(tricky, tmp_path):
    p = EXAMPLE_PROFILE
    xls = tmp_path / "old.xls"
    xls.write_bytes(safety.OLE2_MAGIC + b"\0" * 100)
    assert "save it as .xlsx" in _one_line_error(_cli(xls, "--profile", p, "-o", tmp_path / "o.xlsx"))
    enc = tmp_path / "enc.xlsx"
    enc.write_bytes(safety.OLE2_MAGIC + b"\0" * 100)
    assert "password" in _one_line_error(_cli(enc, "--profile", p, "-o", tmp_path / "o.xlsx"))
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(tricky.read_bytes()[:3000])
    assert "corrupted" in _one_line_error(_cli(cut, "--profile", p, "-o", tmp_path / "o.xlsx"))
    assert "must not be the input" in _one_line_error(_cli(tricky, "--profile", p, "-o", tricky))
    assert "exactly one" in _one_line_error(_cli(tricky, "-o", tmp_path / "o.xlsx"))
    from docx import Document

    d = tmp_path / "plain.docx"
    doc = Document()
    doc.add_paragraph("Do you log AI use?")
    doc.save(d)
    assert "no tables" in _one_line_error(_cli(d, "--profile", p, "-o", tmp_path / "o.docx"))
    assert "--sheet" in _one_line_error(_cli(tricky, "--profile", p, "-o", tmp_path / "o.xlsx", "--sheet", "Nope"))
    bad_bundle = tmp_path / "b.zip"
    bad_bundle.write_bytes(b"not a zip")
    r = _cli(tricky, "--bundle", bad_bundle, "-o", tmp_path / "o.xlsx")
    assert r.exit_code == 2, r.output
    assert not (tmp_path / "o.xlsx").exists()


@pytest.mark.skipif(not HAVE_ANSWERS, reason="questionnaire.answers not available yet")
def test_cli_fill_with_example_profile_end_to_end(tricky, tmp_path):
    out, rep = tmp_path / "filled.xlsx", tmp_path / "review.json"
    r = _cli(tricky, "--profile", EXAMPLE_PROFILE, "-o", out, "--report", rep)
    assert r.exit_code == 0, r.output
    assert "questions found" in r.output and "declared, not verified" in r.output
    report = json.loads(rep.read_text())
    assert report["summary"]["found"] == 13
    assert all(it["status"] != "answered" for it in report["items"])  # --profile only: needs review at best
    by = {it["location"]: it for it in report["items"]}
    assert by["Security!C12"]["answer"] is None  # background checks: not something the profile knows
    assert_only_cells_changed(tricky, out, written_cells(report))
    docx_in = make_tricky_docx(tmp_path / "q.docx")
    r = _cli(docx_in, "--profile", EXAMPLE_PROFILE, "-o", tmp_path / "filled.docx")
    assert r.exit_code == 0, r.output


@pytest.mark.skipif(not HAVE_ANSWERS or not QUESTIONNAIRES.is_dir(), reason="answers module or corpus missing")
def test_cli_fill_hecvat_ai_tab_with_real_matcher(tmp_path):
    src = QUESTIONNAIRES / "educause-hecvat-4.1.4-full-blank-metaredacted.xlsx"
    out, rep = tmp_path / "h.xlsx", tmp_path / "h.json"
    r = _cli(src, "--profile", EXAMPLE_PROFILE, "-o", out, "--report", rep, "--sheet", "AI")
    assert r.exit_code == 0, r.output
    report = json.loads(rep.read_text())
    assert report["summary"]["found"] == 31
    assert report["summary"]["needs_review"] >= 1
    assert_only_cells_changed(src, out, written_cells(report))
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
