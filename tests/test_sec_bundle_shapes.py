"""issue 14 item 11 (bundles): hostile JSON shapes are reported as invalid (verify exit 1), never a crash."""

from __future__ import annotations

import json
import zipfile

import pytest
from typer.testing import CliRunner

from questionnaire.bundle import MANIFEST, SIGNATURE, SUMS, _statement, _sums, _zip_bytes, write_bundle
from questionnaire.cli import app
from questionnaire.profile import load_profile

from conftest import EXAMPLE_PROFILE
from test_bundle_fixtures import make_run

runner = CliRunner()


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return write_bundle(tmp_path_factory.mktemp("g") / "b.zip", load_profile(EXAMPLE_PROFILE), make_run())


def _rebuild(src, dst, findings=None, predicate=None):
    """Change findings.json and/or the predicate, then re-hash consistently (only the shape is wrong)."""
    with zipfile.ZipFile(src) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    if findings is not None:
        doc = json.loads(entries["findings.json"])
        findings(doc)
        entries["findings.json"] = json.dumps(doc).replace('"__DEEP__"', "[" * 5000 + "]" * 5000).encode()
    pred = json.loads(entries[MANIFEST])["predicate"]
    pred.pop("files"), pred.pop("signature")
    if predicate is not None:
        predicate(pred)
    files = {n: v for n, v in entries.items() if n not in (MANIFEST, SUMS, SIGNATURE)}
    entries[MANIFEST] = json.dumps(_statement(files, pred, signed=False)).encode()
    entries.pop(SUMS)
    entries[SUMS] = _sums(entries)
    dst.write_bytes(_zip_bytes(entries))
    return dst


def _nest(doc):
    doc["findings"][0]["observed"] = "__DEEP__"


def _set(key, value):
    def f(doc):
        doc["findings"][0][key] = value
    return f


CASES = {
    "deep findings": dict(findings=_nest),
    "subject 5": dict(findings=_set("subject", 5)),
    "dict in evidence": dict(findings=_set("evidence", [{"a": 1}])),
    "evidence a dict": dict(findings=_set("evidence", {"a": 1})),
    "status bogus": dict(findings=_set("status", "MAYBE")),
    "check_ids 7": dict(predicate=lambda p: p.__setitem__("check_ids", 7)),
    "regions dict": dict(predicate=lambda p: p.__setitem__("regions", {"a": 1})),
    "summary str": dict(predicate=lambda p: p.__setitem__("findings_summary", "all good")),
    "collector list": dict(predicate=lambda p: p.__setitem__("collector", [1])),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_shapes_are_invalid_not_a_crash(good, tmp_path, case):
    bad = _rebuild(good, tmp_path / "bad.zip", **CASES[case])
    r = runner.invoke(app, ["verify", str(bad)])
    assert r.exit_code == 1, (case, r.output, repr(r.exception))
    assert isinstance(r.exception, SystemExit)
    assert "NOT intact" in r.output and ": intact (" not in r.output
    r = runner.invoke(app, ["answers", "--bundle", str(bad), "-o", str(tmp_path / "a.md")])
    assert r.exit_code == 2 and isinstance(r.exception, SystemExit), (case, r.output)


def test_deeply_nested_manifest(good, tmp_path):
    with zipfile.ZipFile(good) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    entries[MANIFEST] = b"[" * 100000 + b"]" * 100000
    entries.pop(SUMS)
    entries[SUMS] = _sums(entries)
    bad = tmp_path / "m.zip"
    bad.write_bytes(_zip_bytes(entries))
    r = runner.invoke(app, ["verify", str(bad)])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output
