"""Hostile and broken zips: rejected from the central directory, one clear line each, exit 1,
nothing extracted anywhere."""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from questionnaire.bundle import MAX_ENTRIES, bundle_bytes, verify
from questionnaire.cli import app
from questionnaire.profile import load_profile

from conftest import EXAMPLE_PROFILE
from test_bundle_fixtures import make_run

runner = CliRunner()


def _zip(entries, *, mutate_infos=None) -> bytes:
    """entries: list of (ZipInfo or name, data)."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in entries:
                zf.writestr(info, data)
            if mutate_infos:
                mutate_infos(zf.infolist())
    return buf.getvalue()


def _symlink(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = 0o120777 << 16
    return info


def _huge_sizes(infos):
    for info in infos:  # the central directory claims 110 MB each, stored (ratio 1)
        info.file_size = info.compress_size = 110 * 1024 * 1024


CASES = {
    "dotdot": ([("../evil.txt", b"x"), ("manifest.json", b"{}")], None, "entry '../evil.txt': path escapes the bundle ('..')"),
    "nested_dotdot": ([("raw/../../evil.txt", b"x")], None, "entry 'raw/../../evil.txt': path escapes the bundle ('..')"),
    "absolute": ([("/etc/evil", b"x")], None, "entry '/etc/evil': absolute path"),
    "windows_absolute": ([("C:/evil", b"x")], None, "entry 'C:/evil': absolute path"),
    "duplicate": ([("findings.json", b"a"), ("findings.json", b"b")], None, "entry 'findings.json': duplicate name"),
    "symlink": ([(_symlink("profile.yaml"), "/etc/passwd")], None, "entry 'profile.yaml': symbolic link"),
    "ratio": ([("raw/big.json", b"\0" * (2 * 1024 * 1024))], None, "entry 'raw/big.json': compression ratio over 100 (zip bomb?)"),
    "total": ([("a.json", b"x"), ("b.json", b"y")], _huge_sizes, "zip expands to 230,686,720 bytes; at most 209,715,200 are allowed"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_zip_rejected_from_central_directory(tmp_path, case, monkeypatch):
    entries, mutate, expected = CASES[case]
    z = tmp_path / "work" / "hostile.zip"
    z.parent.mkdir()
    z.write_bytes(_zip(entries, mutate_infos=mutate))
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *a, **k):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *a, **k)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    problems = verify(z)
    assert expected in problems
    assert opened == []  # rejected before any member was read
    r = runner.invoke(app, ["verify", str(z)])
    assert r.exit_code == 1 and f"error: {expected}" in r.stderr.splitlines()
    assert "Traceback" not in r.output
    # nothing extracted anywhere near the zip
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["hostile.zip", "work"]


def test_too_many_entries(tmp_path):
    z = tmp_path / "many.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        for i in range(MAX_ENTRIES + 1):
            zf.writestr(f"f{i}", b"")
    assert verify(z) == ["zip has 10,001 entries; at most 10,000 are allowed"]


@pytest.fixture(scope="module")
def good_bytes() -> bytes:
    return bundle_bytes(load_profile(EXAMPLE_PROFILE), make_run())


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda g: b"", "empty file, not a zip"),
        (lambda g: b"profile:\n  just text\n" * 20, "not a zip file"),
        (lambda g: g[: len(g) // 2], "truncated or corrupt zip"),
        (lambda g: g[:-30], "truncated or corrupt zip"),
    ],
    ids=["empty", "text", "half", "cut_directory"],
)
def test_non_zip_and_truncated(tmp_path, good_bytes, make, expected):
    z = tmp_path / "b.zip"
    z.write_bytes(make(good_bytes))
    problems = verify(z)
    assert len(problems) == 1 and expected in problems[0], problems
    r = runner.invoke(app, ["verify", str(z)])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert len([l for l in r.stderr.splitlines() if l.startswith("error: ")]) == 1


def test_corrupted_member_data_is_one_line(tmp_path, good_bytes):
    data = bytearray(good_bytes)
    with zipfile.ZipFile(io.BytesIO(good_bytes)) as zf:
        info = zf.getinfo("findings.json")
    # flip bytes inside the compressed data of findings.json (local header is 30 + name bytes)
    start = info.header_offset + 30 + len(info.filename) + 5
    for i in range(start, start + 8):
        data[i] ^= 0xFF
    z = tmp_path / "c.zip"
    z.write_bytes(bytes(data))
    problems = verify(z)
    assert any(p.startswith("entry 'findings.json': ") for p in problems), problems
    assert all("\n" not in p for p in problems)


def test_random_zip_is_not_a_bundle(tmp_path):
    z = tmp_path / "r.zip"
    z.write_bytes(_zip([("hello.txt", b"hi")]))
    assert verify(z) == [f"{z}: not an evidence bundle (manifest.json and SHA256SUMS are missing)"]


def test_directory_argument(tmp_path):
    r = runner.invoke(app, ["verify", str(tmp_path)])
    assert r.exit_code == 2 and "is a directory" in r.stderr
    assert os.listdir(tmp_path) == []
