"""Inputs validated by an earlier run and read back from the user cache (profile_memo, library_entry,
knowledge_cache.yaml_file): a second `fill` with the same profile and library does not validate them
again, writes exactly the same cells, and any change to the file (or to a document it pins) takes the
validating path again, with its errors. Filled files are reopened with openpyxl cell by cell."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from questionnaire import knowledge_cache as kc, profile_memo
from questionnaire.cli import app
from questionnaire.library_entry import LibraryEntry, remembered
from tests.conftest import EXAMPLE_PROFILE
from tests.test_knowledge_cache import _cells, _questionnaire as write_questionnaire

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Is customer data used to train the AI models?",
    "Are all AI model invocations logged centrally?",
    "Do you perform background checks on all employees?",
    "Is physical access to your offices badge controlled?",
]
LIBRARY = """\
entries:
  - id: lib-background
    question: Do you perform background checks on all employees?
    answer: "Yes"
    comment: Criminal and employment checks before the first day.
    approved_by: Dana Reviewer
    approved_on: 2026-01-10
    review_after: 2099-01-01
  - id: lib-badges
    question: Is physical access to your offices badge controlled?
    answer: "No"
    phrasings: [Do your offices use badge readers?]
"""


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("QUESTIONNAIRE_CACHE", raising=False)
    return folder / "questionnaire"


def _questionnaire(path: Path) -> Path:
    return write_questionnaire(path, QUESTIONS)


def _profile_copy(tmp_path: Path, text: str | None = None) -> Path:
    folder = tmp_path / "company"
    folder.mkdir(exist_ok=True)
    p = folder / "profile.yaml"
    p.write_text(text if text is not None else EXAMPLE_PROFILE.read_text(encoding="utf-8"), encoding="utf-8")
    return p


def _fill(src: Path, out: Path, profile: Path, *extra: str):
    return CliRunner().invoke(app, ["fill", str(src), "--profile", str(profile), "-o", str(out), *extra])


def test_a_second_fill_reads_the_profile_back_and_writes_the_same_cells(cache, tmp_path):
    src, prof = _questionnaire(tmp_path / "q.xlsx"), _profile_copy(tmp_path)
    assert profile_memo.recall(prof) is None  # never validated yet
    first = _fill(src, tmp_path / "a.xlsx", prof)
    assert first.exit_code == 0, first.output
    known = profile_memo.recall(prof)
    assert known is not None
    from questionnaire.profile import load_profile
    from questionnaire.redaction import redact_profile

    assert known.model_dump_json() == redact_profile(load_profile(prof).profile).model_dump_json()
    second = _fill(src, tmp_path / "b.xlsx", prof)
    assert second.exit_code == 0, second.output
    assert _cells(tmp_path / "a.xlsx") == _cells(tmp_path / "b.xlsx")
    assert any(row[2] for row in _cells(tmp_path / "b.xlsx"))  # answers were written, not an empty copy


def test_a_remembered_profile_is_validated_when_more_than_its_json_is_needed(cache, tmp_path):
    prof = _profile_copy(tmp_path)
    assert _fill(_questionnaire(tmp_path / "q.xlsx"), tmp_path / "a.xlsx", prof).exit_code == 0
    known = profile_memo.recall(prof)
    assert known is not None and known._profile is None
    assert known.organization.name  # an attribute of the Profile: validated now
    assert known._profile is not None
    assert profile_memo.unwrap(known) is known._profile


def test_an_edited_profile_is_validated_again_and_its_error_reported(cache, tmp_path):
    src, prof = _questionnaire(tmp_path / "q.xlsx"), _profile_copy(tmp_path)
    assert _fill(src, tmp_path / "a.xlsx", prof).exit_code == 0
    text = prof.read_text(encoding="utf-8")
    assert "version: 1" in text
    prof.write_text(text.replace("version: 1", "version: 7", 1), encoding="utf-8")
    assert profile_memo.recall(prof) is None
    r = _fill(src, tmp_path / "b.xlsx", prof)
    assert r.exit_code == 2
    assert "profile.yaml:" in r.output and "version" in r.output
    assert not (tmp_path / "b.xlsx").exists()


def test_a_pinned_document_that_changes_invalidates_the_remembered_profile(cache, tmp_path):
    folder = tmp_path / "company"
    folder.mkdir()
    (folder / "dpa.pdf").write_bytes(b"%PDF-1.4 signed agreement")
    digest = hashlib.sha256(b"%PDF-1.4 signed agreement").hexdigest()
    text = EXAMPLE_PROFILE.read_text(encoding="utf-8")
    assert "\ndocuments:" not in text
    prof = _profile_copy(tmp_path, text + f"documents:\n  - path: dpa.pdf\n    title: DPA\n    sha256: {digest}\n")
    src = _questionnaire(tmp_path / "q.xlsx")
    assert _fill(src, tmp_path / "a.xlsx", prof).exit_code == 0
    assert profile_memo.recall(prof) is not None
    (folder / "dpa.pdf").write_bytes(b"%PDF-1.4 another agreement")
    assert profile_memo.recall(prof) is None  # same profile bytes, but what it pins changed
    r = _fill(src, tmp_path / "b.xlsx", prof)
    assert r.exit_code == 2 and "does not match the file" in r.output
    (folder / "dpa.pdf").unlink()
    assert profile_memo.recall(prof) is None


def test_nothing_is_remembered_with_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("QUESTIONNAIRE_CACHE", "off")
    prof = _profile_copy(tmp_path)
    assert _fill(_questionnaire(tmp_path / "q.xlsx"), tmp_path / "a.xlsx", prof).exit_code == 0
    monkeypatch.delenv("QUESTIONNAIRE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert profile_memo.recall(prof) is None


def test_a_remembered_library_gives_the_same_cells_and_the_same_rules(cache, tmp_path):
    src, prof = _questionnaire(tmp_path / "q.xlsx"), _profile_copy(tmp_path)
    lib = tmp_path / "library.yaml"
    lib.write_text(LIBRARY, encoding="utf-8")
    assert remembered(lib) is None
    first = _fill(src, tmp_path / "a.xlsx", prof, "--library", str(lib))
    assert first.exit_code == 0, first.output
    entries = remembered(lib)
    assert [e.id for e in entries] == ["lib-background", "lib-badges"]
    from questionnaire.library import load_library

    for plain, model in zip(entries, load_library(lib).entries):
        assert isinstance(plain, LibraryEntry)
        assert (plain.value, plain.usable(), plain.is_stale()) == (model.value, model.usable(), model.is_stale())
        assert plain.phrasings == tuple(model.phrasings) and plain.review_after == model.review_after
    second = _fill(src, tmp_path / "b.xlsx", prof, "--library", str(lib))
    assert second.exit_code == 0, second.output
    cells = _cells(tmp_path / "b.xlsx")
    assert cells == _cells(tmp_path / "a.xlsx")
    assert cells[2][2] == "Yes"  # approved library entry
    assert cells[3][2] == "No"  # unapproved: written, needs review (default --library-unapproved review)
    lib.write_text(LIBRARY.replace("id: lib-badges", "id: lib-background"), encoding="utf-8")  # duplicate id
    assert remembered(lib) is None
    r = _fill(src, tmp_path / "c.xlsx", prof, "--library", str(lib))
    assert r.exit_code == 2 and "library.yaml:" in r.output


def test_shipped_yaml_is_read_back_and_problems_keep_the_readers_message(cache, tmp_path):
    data = tmp_path / "words.yaml"
    data.write_text("a: [1, 2]\nb: text\n", encoding="utf-8")
    assert kc.yaml_file(data) == {"a": [1, 2], "b": "text"}
    assert list(cache.glob("yaml-words-*.bin"))
    assert kc.yaml_file(data) == {"a": [1, 2], "b": "text"}  # from the cache
    data.write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(kc.DataFileProblem, match="expected ',' or ']'"):
        kc.yaml_file(data)
    with pytest.raises(kc.DataFileProblem, match="No such file"):
        kc.yaml_file(tmp_path / "missing.yaml")


def test_a_warm_fill_does_not_import_the_validators(tmp_path):
    """What makes a re-run fast: the second process never imports the profile or library models."""
    src, prof = _questionnaire(tmp_path / "q.xlsx"), _profile_copy(tmp_path)
    lib = tmp_path / "library.yaml"
    lib.write_text(LIBRARY, encoding="utf-8")
    _two_fresh_fills(tmp_path, [str(src), "--profile", str(prof), "--library", str(lib)],
                     ("questionnaire.profile_model", "questionnaire.library", "yaml"))


def _two_fresh_fills(tmp_path: Path, args: list[str], modules: tuple[str, ...]) -> None:
    """Two fresh processes ``fill ARGS -o outN.xlsx`` on one user cache: the first imports the profile models,
    the second none of ``modules``, and both write the same cells."""
    code = (
        "import json, sys\nfrom questionnaire.cli import main\n"
        f"sys.argv = ['questionnaire', 'fill', *{args!r}, '-o', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        f"print(json.dumps([m for m in {modules!r} if m in sys.modules]))\n"
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"), PYTHONPATH=str(ROOT))
    env.pop("QUESTIONNAIRE_CACHE", None)
    runs = [subprocess.run([sys.executable, "-c", code, str(tmp_path / f"out{i}.xlsx")], env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=120) for i in range(2)]
    for r in runs:
        assert r.returncode == 0, r.stderr
    assert "questionnaire.profile_model" in json.loads(runs[0].stdout.splitlines()[-1])  # the first run validates
    assert json.loads(runs[1].stdout.splitlines()[-1]) == []
    assert _cells(tmp_path / "out0.xlsx") == _cells(tmp_path / "out1.xlsx")


# --------------------------------------------------------------------------- a verified bundle's profile


def _bundle(tmp_path: Path) -> Path:
    from questionnaire.bundle import write_bundle
    from questionnaire.profile import load_profile
    from tests.test_bundle_fixtures import make_run

    return write_bundle(tmp_path / "evidence.zip", load_profile(EXAMPLE_PROFILE), make_run())


def _fill_bundle(src: Path, out: Path, bundle: Path):
    return CliRunner().invoke(app, ["fill", str(src), "--bundle", str(bundle), "-o", str(out)])


def test_a_bundle_is_verified_every_time_and_only_its_profile_parse_is_remembered(cache, tmp_path):
    import zipfile

    from questionnaire.bundle import load_bundle
    from questionnaire.profile_memo import KnownProfile

    src, bundle = _questionnaire(tmp_path / "q.xlsx"), _bundle(tmp_path)
    first = _fill_bundle(src, tmp_path / "a.xlsx", bundle)
    assert first.exit_code == 0, first.output
    b = load_bundle(bundle, recall=True)
    assert isinstance(b.profile, KnownProfile)  # the parse is remembered by the profile bytes
    from questionnaire.redaction import redact_profile

    assert b.profile.model_dump_json() == redact_profile(load_bundle(bundle).profile).model_dump_json()
    second = _fill_bundle(src, tmp_path / "b.xlsx", bundle)
    assert second.exit_code == 0, second.output
    assert _cells(tmp_path / "a.xlsx") == _cells(tmp_path / "b.xlsx")
    # tampering after a warm run is still caught: findings.json edited, nothing re-hashed
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bundle) as zin, zipfile.ZipFile(tampered, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "findings.json":
                data = data.replace(b'"FAIL"', b'"PASS"').replace(b"declared", b"Declared", 1)
            zout.writestr(info, data)
    r = _fill_bundle(src, tmp_path / "c.xlsx", tampered)
    assert r.exit_code == 2 and "bundle does not verify" in r.output
    assert not (tmp_path / "c.xlsx").exists()


def test_a_warm_fill_from_a_bundle_does_not_import_the_profile_models(tmp_path):
    src, bundle = _questionnaire(tmp_path / "q.xlsx"), _bundle(tmp_path)
    _two_fresh_fills(tmp_path, [str(src), "--bundle", str(bundle)], ("questionnaire.profile_model", "yaml"))
