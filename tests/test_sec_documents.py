"""issue 14 item 1: `documents:` accepts only regular files inside the profile's folder."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import zipfile

import pytest

from questionnaire.bundle import write_bundle
from questionnaire.errors import InputFileError
from questionnaire.profile import Profile, load_profile

from conftest import EXAMPLE_PROFILE, ROOT
from test_bundle_fixtures import make_run

HOSTILE = ["/etc/passwd", "../../../../proc/self/environ", "link-out.txt", "adir", "afifo", "sub/../../outside.txt",
           ".git/config", "deploy.pem"]


def _folder(tmp_path):
    base = tmp_path / "prof"
    base.mkdir()
    (tmp_path / "outside.txt").write_text("AWS_SECRET_ACCESS_KEY=outside\n", encoding="utf-8")
    (base / "link-out.txt").symlink_to(tmp_path / "outside.txt")
    (base / "adir").mkdir()
    (base / "sub").mkdir()
    os.mkfifo(base / "afifo")
    (base / "dpa.txt").write_text("signed dpa\n", encoding="utf-8")
    (base / ".git").mkdir()
    (base / ".git" / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3M=\n", encoding="utf-8")
    (base / "deploy.pem").write_text("-----BEGIN PRIVATE KEY-----\n", encoding="utf-8")
    (base / "link-in.txt").symlink_to(base / "dpa.txt")  # a link that stays inside is fine
    return base


def _profile_text(entries):
    docs = "".join(f"  - path: {e!r}\n    title: doc {i}\n" for i, e in enumerate(entries))
    return EXAMPLE_PROFILE.read_text(encoding="utf-8") + "\ndocuments:\n" + docs


def test_validate_refuses_each_entry_in_one_line(tmp_path):
    base = _folder(tmp_path)
    text = _profile_text(HOSTILE + ["dpa.txt", "link-in.txt"])
    prof = base / "profile.yaml"
    prof.write_text(text, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([sys.executable, "-m", "questionnaire", "validate", str(prof)],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 2
    lines = [ln for ln in p.stderr.splitlines() if ".path:" in ln]
    assert len(lines) == len(HOSTILE), p.stderr
    lines_of = {e: text.splitlines().index(f"  - path: {e!r}") + 1 for e in HOSTILE}
    for i, entry in enumerate(HOSTILE):
        want = f"{prof}:{lines_of[entry]}: documents[{i}].path: "
        assert any(ln.startswith(want) for ln in lines), (want, p.stderr)
    assert f"documents[{len(HOSTILE)}]" not in p.stderr and f"documents[{len(HOSTILE) + 1}]" not in p.stderr
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize("entry", HOSTILE)
def test_bundle_never_copies_a_refused_entry(tmp_path, entry):
    """Defence in depth: even a profile that skipped validation cannot make the bundle read it."""
    base = _folder(tmp_path)
    prof = base / "profile.yaml"
    prof.write_text(_profile_text(["dpa.txt"]), encoding="utf-8")
    loaded = load_profile(prof)
    data = loaded.profile.model_dump(mode="json")
    data["documents"] = [{"path": entry, "title": "x"}]
    loaded = dataclasses.replace(loaded, profile=Profile.model_validate(data))
    out = tmp_path / "b.zip"
    with pytest.raises(InputFileError, match="refused"):
        write_bundle(out, loaded, make_run())
    assert not out.exists()


def test_inside_files_and_inside_links_are_bundled(tmp_path):
    base = _folder(tmp_path)
    prof = base / "profile.yaml"
    prof.write_text(_profile_text(["dpa.txt", "link-in.txt"]), encoding="utf-8")
    out = write_bundle(tmp_path / "b.zip", load_profile(prof), make_run())
    with zipfile.ZipFile(out) as zf:
        docs = sorted(n for n in zf.namelist() if n.startswith("documents/"))
        assert docs == ["documents/dpa.txt", "documents/link-in.txt"]
        assert zf.read("documents/dpa.txt") == b"signed dpa\n"
