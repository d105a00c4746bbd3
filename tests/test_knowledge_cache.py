"""The user cache of derived knowledge (knowledge_cache) and what relies on it: a changed catalog is
rebuilt (its key is its content), a corrupt cache file is ignored, an unwritable cache folder only
costs time; the filled files are reopened with openpyxl and compared cell by cell. Also: the
prefix-filtered regexes (lazyre) give exactly the results of the plain regexes, and remembered
match results equal fresh ones."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from questionnaire import botocore_data, catalog, knowledge_cache as kc, polarity, specificity, textnorm
from questionnaire.answers import build_answers
from questionnaire.fill import fill
from questionnaire.lazyre import FirstOf, LazyPattern, match_prefixes
from questionnaire.matching import Matcher
from questionnaire.profile import load_profile
from questionnaire.resources import templates_dir
from tests.conftest import EXAMPLE_PROFILE

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Is customer data used to train the AI models?",
    "Are all AI model invocations logged centrally?",
    "Do you perform background checks on all employees?",
    "How long do you retain the AI invocation logs?",
]


def _forget_in_process() -> None:
    """Drop what this process derived, so the next load goes to the user cache (or rebuilds)."""
    catalog._load_cached.cache_clear()
    polarity.load_rules.cache_clear()
    specificity.load_specificity.cache_clear()
    textnorm._syn_table.cache_clear()
    botocore_data.endpoints.cache_clear()


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("QUESTIONNAIRE_CACHE", raising=False)
    _forget_in_process()
    yield tmp_path / "xdg" / "questionnaire"
    _forget_in_process()


@pytest.fixture(scope="module")
def profile():
    return load_profile(EXAMPLE_PROFILE).profile


def _questionnaire(path: Path, questions: list[str] = QUESTIONS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Security"
    ws.append(["ID", "Question", "Answer", "Comments"])
    for i, q in enumerate(questions, 1):
        ws.append([f"Q-{i}", q, None, None])
    wb.save(path)
    return path


def _cells(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["Security"]
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]


def _fill(src: Path, out: Path, prof, templates: Path | None = None) -> list[tuple]:
    if templates is None:
        fill(src, out, profile=prof, source="profile")  # the CLI's path: matcher, answers and memos cached
    else:
        entries = catalog.load_catalog(templates)
        fill(src, out, profile=prof, source="profile", matcher=Matcher(entries),
             answers=build_answers(prof, None, source="profile", entries=entries))
    return _cells(out)


def test_a_changed_catalog_is_rebuilt_and_the_filled_file_shows_it(cache, tmp_path, profile):
    templates = tmp_path / "templates"
    shutil.copytree(templates_dir(), templates)
    src = _questionnaire(tmp_path / "q.xlsx")
    before = _fill(src, tmp_path / "a.xlsx", profile, templates)
    assert before[0][2] in ("Yes", "No") and before[0][3]  # the training question, with its explanation
    assert len(list(cache.glob("catalog-*.bin"))) == 1
    assert _fill(src, tmp_path / "b.xlsx", profile, templates) == before  # read back from the cache
    data = yaml.safe_load((templates / "catalog.yaml").read_text(encoding="utf-8"))
    entry = next(e for e in data["entries"] if e["id"] == "training.customer_data_used")
    entry["template"] = "CACHE-MARKER " + entry["template"]
    (templates / "catalog.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    after = _fill(src, tmp_path / "c.xlsx", profile, templates)
    assert "CACHE-MARKER" in after[0][3] and "CACHE-MARKER" not in before[0][3]
    assert after[1:] == before[1:]
    assert len(list(cache.glob("catalog-*.bin"))) == 2  # a new key; the old value is never used for it


def test_corrupt_cache_files_are_ignored_and_rebuilt(cache, tmp_path, profile):
    src = _questionnaire(tmp_path / "q.xlsx")
    first = _fill(src, tmp_path / "a.xlsx", profile)
    files = sorted(cache.glob("*.bin"))
    kinds = {p.name.rsplit("-", 1)[0] for p in files}
    assert {"catalog", "matcher", "polarity", "specificity", "matches", "answers"} <= kinds
    for i, p in enumerate(files):  # truncated, bit-flipped, garbage, empty
        data = p.read_bytes()
        p.write_bytes([data[: len(data) // 2], data[:-1] + bytes([data[-1] ^ 1]), b"not a cache file", b""][i % 4])
    _forget_in_process()
    assert _fill(src, tmp_path / "b.xlsx", profile) == first
    catalog_file = next(cache.glob("catalog-*.bin"))
    assert kc.load("catalog", _catalog_key()) is not None, catalog_file  # rewritten whole


def _catalog_key() -> str:
    t = templates_dir()
    return kc.key("catalog", (t / "catalog.yaml").read_bytes(), b"+" + (t / "phrasings.yaml").read_bytes())


def test_an_unwritable_cache_folder_only_costs_time(tmp_path, monkeypatch, profile):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "below"))  # mkdir fails, whoever runs the test
    _forget_in_process()
    src = _questionnaire(tmp_path / "q.xlsx")
    got = _fill(src, tmp_path / "a.xlsx", profile)
    monkeypatch.setenv("QUESTIONNAIRE_CACHE", "off")
    _forget_in_process()
    assert got == _fill(src, tmp_path / "b.xlsx", profile)
    assert got[0][2] in ("Yes", "No") and got[2][2] is None  # AI question answered, background check left empty
    assert not (blocker.parent / "below").exists()
    _forget_in_process()


def test_a_cache_file_must_check_out(cache):
    k = kc.key("unit", b"data")
    assert kc.key("unit", b"data") == k != kc.key("unit", b"datb") != kc.key("other", b"data")
    kc.store("unit", k, {"a": (1, 2.5, None, frozenset({"x"}))})
    assert kc.load("unit", k) == {"a": (1, 2.5, None, frozenset({"x"}))}
    assert kc.load("unit", kc.key("unit", b"datb")) is None
    path = next(cache.glob("unit-*.bin"))
    raw = path.read_bytes()
    path.write_bytes(b"QNC0" + raw[4:])  # another format
    assert kc.load("unit", k) is None
    path.write_bytes(raw[:-2] + b"xx")  # payload no longer matches its checksum
    assert kc.load("unit", k) is None
    assert kc.cached("unit", k, lambda: [1]) == [1] and kc.load("unit", k) == [1]


def _texts() -> list[str]:
    data = yaml.safe_load((ROOT / "tests" / "data" / "matching_devset.yaml").read_text(encoding="utf-8"))
    texts = [q["text"] for q in data["questions"]][:250]
    return texts + ["is it not the case that we never bypass prompts", "Do you not allow, without consent, training?"]


def test_prefix_filtered_patterns_find_exactly_what_the_regexes_find():
    rules = polarity.load_rules()
    pats = [rx.pattern for rx in rules.ignore + rules.frames + rules.abstain + rules.negation]
    pats += [rx.pattern for sides in rules.pairs.values() for side in sides.values() for _src, rx in side]
    texts = [polarity.prepare(t) for t in _texts()]
    for p in pats:
        plain, lazy = re.compile(p), LazyPattern(p, prefixes=match_prefixes(p))
        for t in texts:
            assert [m.span() for m in plain.finditer(t)] == [m.span() for m in lazy.finditer(t)], (p, t)
            assert plain.sub("#", t) == lazy.sub("#", t)
    union = re.compile("|".join(f"(?:{rx.pattern})" for rx in rules.abstain))
    first = FirstOf(LazyPattern(rx.pattern, prefixes=match_prefixes(rx.pattern)) for rx in rules.abstain)
    for t in texts + ["zero", "unless otherwise except", "is not the case"]:
        a, b = union.search(t), first.search(t)
        assert (a and (a.span(), a.group(0))) == (b and (b.span(), b.group(0))), t


def test_remembered_matches_equal_fresh_ones(cache):
    entries = catalog.load_catalog()
    fresh = Matcher(entries)
    first = Matcher(entries, remember=True)
    texts = _texts()
    want = [fresh.match(t) for t in texts]
    assert [first.match(t) for t in texts] == want
    first.save_memo()
    again = Matcher(entries, remember=True)
    assert again._memo.get((texts[0][:2000], None)) is not None  # read back, not matched again
    assert [again.match(t) for t in texts] == want


def test_old_files_are_pruned_per_kind_and_only_of_that_kind(cache):
    kc.store("unit-sub", kc.key("unit-sub", b"0"), [0])
    for i in range(kc.KEEP_PER_KIND + 2):
        kc.store("unit", kc.key("unit", str(i)), [i])
    assert len(list(cache.glob("unit-sub-*.bin"))) == 1  # a kind whose name starts like "unit" is not touched
    assert kc.load("unit-sub", kc.key("unit-sub", b"0")) == [0]
    assert len([p for p in cache.glob("unit-*.bin") if not p.name.startswith("unit-sub-")]) == kc.KEEP_PER_KIND
    assert kc.load("unit", kc.key("unit", str(kc.KEEP_PER_KIND + 1))) == [kc.KEEP_PER_KIND + 1]
