"""Questions found in a questionnaire file and read back on the next run on the same bytes
(documents.remembered): the second fill finds the very same questions (every field, targets, options,
detections, the CAIQ version) without detecting again, writes byte-identical parts, and any change to the
file or to the overrides detects for real. What the xlsx writer reads of a cell (formula, style) at
detection gives the same bytes as reading the sheet at write time. Files are reopened cell by cell."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import asdict
from pathlib import Path

import openpyxl
import pytest

from questionnaire import knowledge_cache as kc
from questionnaire.documents import remembered
from questionnaire.documents.excel import CellWrite, XlsxFile, write_cells
from questionnaire.documents.question import Overrides
from questionnaire.documents.word import DocxFile
from questionnaire.fill import fill
from tests.fixtures_docs import KeywordMatcher, fake_answers, make_tricky_docx, make_tricky_workbook


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("QUESTIONNAIRE_CACHE", raising=False)
    return tmp_path / "xdg" / "questionnaire"


def _as_data(questions) -> list[dict]:
    return [asdict(q) | {"target": (type(q.target).__name__, asdict(q.target))} for q in questions]


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_the_second_run_reads_the_same_questions_back_without_detecting(cache, tmp_path, kind, monkeypatch):
    src = (make_tricky_workbook if kind == "xlsx" else make_tricky_docx)(tmp_path / f"q.{kind}")
    adapter = XlsxFile if kind == "xlsx" else DocxFile
    with adapter(src) as f:
        first = remembered.questions(f, src)
        first_detections, first_version = list(f.detections), f.version()
    assert first and list(cache.glob("questions-*.bin"))

    def no_detection(self):
        raise AssertionError("detected again")

    monkeypatch.setattr(adapter, "questions", no_detection)
    with adapter(src) as f:
        again = remembered.questions(f, src)
        assert f.detections == first_detections and f.version() == first_version
    assert _as_data(again) == _as_data(first)


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_filled_files_are_the_same_whether_the_questions_were_remembered_or_not(cache, tmp_path, kind):
    src = (make_tricky_workbook if kind == "xlsx" else make_tricky_docx)(tmp_path / f"q.{kind}")
    outs = []
    for i in range(2):  # the first run detects, the second reads back
        out = tmp_path / f"out{i}.{kind}"
        fill(src, out, answers=fake_answers(), matcher=KeywordMatcher(), source="bundle")
        outs.append(out)
    with zipfile.ZipFile(outs[0]) as a, zipfile.ZipFile(outs[1]) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist())
    if kind == "xlsx":
        wa, wb = openpyxl.load_workbook(outs[0]), openpyxl.load_workbook(outs[1])
        for sa, sb in zip(wa.worksheets, wb.worksheets):
            for ra, rb in zip(sa.iter_rows(), sb.iter_rows()):
                assert [(c.value, c.style_id) for c in ra] == [(c.value, c.style_id) for c in rb]


def test_a_changed_file_or_other_overrides_detect_again(cache, tmp_path):
    src = make_tricky_workbook(tmp_path / "q.xlsx")
    with XlsxFile(src) as f:
        before = remembered.questions(f, src)
    edited = tmp_path / "edited.xlsx"
    wb = openpyxl.load_workbook(src)
    ws = wb[before[0].target.sheet]
    ws.cell(before[0].target.row, 2).value = "Do you encrypt backups of customer data at rest?"
    wb.save(edited)
    with XlsxFile(edited) as f:
        after = remembered.questions(f, edited)
    assert [q.text for q in after] != [q.text for q in before]
    assert any(q.text == "Do you encrypt backups of customer data at rest?" for q in after)
    only = Overrides(sheet=before[0].target.sheet)
    with XlsxFile(src, only) as f:
        some = remembered.questions(f, src, only)
    assert {q.target.sheet for q in some} == {before[0].target.sheet}
    assert len(some) < len(before) or {q.target.sheet for q in before} == {before[0].target.sheet}


def test_with_the_cache_off_every_run_detects(tmp_path, monkeypatch):
    monkeypatch.setenv("QUESTIONNAIRE_CACHE", "off")
    src = make_tricky_workbook(tmp_path / "q.xlsx")
    calls = []
    real = XlsxFile.questions

    def counting(self):
        calls.append(1)
        return real(self)

    monkeypatch.setattr(XlsxFile, "questions", counting)
    for _ in range(2):
        with XlsxFile(src) as f:
            remembered.questions(f, src)
    assert len(calls) == 2 and kc.cache_dir() is None


def test_a_snapshot_of_another_shape_is_ignored_and_detection_runs(cache, tmp_path):
    src = make_tricky_workbook(tmp_path / "q.xlsx")
    with XlsxFile(src) as f:
        first = remembered.questions(f, src)
    k = kc.key(remembered.KIND, "xlsx", hashlib.sha256(src.read_bytes()).digest(), repr(None), kc.data_fingerprint())
    assert kc.load(remembered.KIND, k) is not None  # the key remembered.questions uses
    kc.store(remembered.KIND, k, (((("only", "two"), "CellTarget", ()),), (), None))  # a shape this code cannot restore
    with XlsxFile(src) as f:
        again = remembered.questions(f, src)
    assert _as_data(again) == _as_data(first)


def test_what_detection_read_of_a_cell_writes_the_same_bytes_as_reading_the_sheet(tmp_path):
    src = make_tricky_workbook(tmp_path / "q.xlsx")
    with XlsxFile(src) as f:
        qs = [q for q in f.questions() if q.writable]
    known, unknown = [], []
    for q in qs:
        t = q.target
        known.append(CellWrite(t.sheet, t.answer_ref, "Yes, and a longer explanation than thirty characters", wrap=True,
                               cell=(*t.answer_cell, t.answer_style)))
        unknown.append(CellWrite(t.sheet, t.answer_ref, "Yes, and a longer explanation than thirty characters", wrap=True))
        if t.comment_ref:
            known.append(CellWrite(t.sheet, t.comment_ref, "why", cell=(*t.comment_cell, t.comment_style)))
            unknown.append(CellWrite(t.sheet, t.comment_ref, "why"))
    write_cells(src, tmp_path / "known.xlsx", known)
    write_cells(src, tmp_path / "unknown.xlsx", unknown)
    with zipfile.ZipFile(tmp_path / "known.xlsx") as a, zipfile.ZipFile(tmp_path / "unknown.xlsx") as b:
        assert all(a.read(n) == b.read(n) for n in a.namelist())


REAL = ["csa-caiq-v4.0.3-blank.xlsx", "csa-ai-caiq-v1.1.0-stop-guessing.xlsx",
        "educause-hecvat-4.1.4-full-blank-metaredacted.xlsx", "owasp-samm-2.0-assessment-toolbox.xlsx"]


@pytest.mark.parametrize("name", REAL)
def test_real_questionnaires_fill_the_same_with_the_cache_off_and_on_a_re_run(name, tmp_path, monkeypatch):
    """The real forms of ../shared (skipped where absent): no cache, then a first and a second warm run, give the
    same report and byte-identical parts."""
    from benchmarks.real_recall import QDIR
    from tests.conftest import EXAMPLE_PROFILE
    from questionnaire.profile import load_profile

    src = QDIR / name
    if not src.is_file():
        pytest.skip(f"{src} not available")
    prof = load_profile(EXAMPLE_PROFILE).profile
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    results = []
    for i, cache in enumerate(("off", "on", "on")):
        if cache == "off":
            monkeypatch.setenv("QUESTIONNAIRE_CACHE", "off")
        else:
            monkeypatch.delenv("QUESTIONNAIRE_CACHE", raising=False)
        out = tmp_path / f"out{i}.xlsx"
        r = fill(src, out, profile=prof, source="profile")
        results.append((out, [(it.location, it.status, it.answer, it.comment, it.note) for it in r.items]))
    assert results[0][1] == results[1][1] == results[2][1]
    assert results[0][1]  # questions were found
    with zipfile.ZipFile(results[0][0]) as a, zipfile.ZipFile(results[2][0]) as b:
        assert a.namelist() == b.namelist() and all(a.read(n) == b.read(n) for n in a.namelist())
