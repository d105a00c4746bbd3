"""issue 14 item 10: an unsigned bundle proves integrity only; --key / --require-signature insist on authenticity."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from typer.testing import CliRunner

from questionnaire.bundle import MANIFEST, SIGNATURE, SUMS, _statement, _sums, _zip_bytes, write_bundle
from questionnaire.cli import app
from questionnaire.profile import load_profile

from conftest import EXAMPLE_PROFILE, ROOT
from test_bundle_fixtures import make_run

runner = CliRunner()
COMMANDS = {
    "answers": lambda out: ["answers", "-o", str(out / "a.md")],
    "fill": lambda out: ["fill", str(ROOT / "evidence/examples/acme/customer-questionnaire.xlsx"), "-o", str(out / "f.xlsx")],
    "compliance": lambda out: ["compliance", "--framework", "soc2", "-o", str(out / "c.md")],
}


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    d = tmp_path_factory.mktemp("keys")
    k = Ed25519PrivateKey.generate()
    (d / "k.pem").write_bytes(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
    (d / "k.pub").write_bytes(k.public_key().public_bytes(serialization.Encoding.PEM,
                                                          serialization.PublicFormat.SubjectPublicKeyInfo))
    return d / "k.pem", d / "k.pub"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory, keys):
    d = tmp_path_factory.mktemp("b")
    loaded = load_profile(EXAMPLE_PROFILE)
    unsigned = write_bundle(d / "u.zip", loaded, make_run())
    signed = write_bundle(d / "s.zip", loaded, make_run(), sign_key=keys[0])
    return {"unsigned": unsigned, "signed": signed, "forged": _forge(unsigned, d / "forged.zip"), "dir": d}


def _forge(src, dst):
    """FAIL -> PASS, then re-hash everything consistently (what anyone can do to an unsigned bundle)."""
    with zipfile.ZipFile(src) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    doc = json.loads(entries["findings.json"])
    for f in doc["findings"]:
        f["status"] = "PASS"
    doc["summary"] = {"PASS": len(doc["findings"]), "FAIL": 0, "UNKNOWN": 0}
    entries["findings.json"] = (json.dumps(doc, sort_keys=True, indent=2) + "\n").encode()
    pred = json.loads(entries[MANIFEST])["predicate"]
    pred.pop("files"), pred.pop("signature")
    files = {n: v for n, v in entries.items() if n not in (MANIFEST, SUMS, SIGNATURE)}
    entries[MANIFEST] = (json.dumps(_statement(files, pred, signed=False), sort_keys=True, indent=2) + "\n").encode()
    entries.pop(SUMS)
    entries[SUMS] = _sums(entries)
    dst.write_bytes(_zip_bytes(entries))
    return dst


def test_verify_says_unsigned_is_integrity_only(bundles, keys):
    r = runner.invoke(app, ["verify", str(bundles["forged"])])
    assert r.exit_code == 0 and "integrity only, not authenticity" in r.output
    r = runner.invoke(app, ["verify", str(bundles["signed"]), "--key", str(keys[1])])
    assert r.exit_code == 0 and "authentic" in r.output and "integrity only" not in r.output


@pytest.mark.parametrize("cmd", sorted(COMMANDS))
def test_commands_say_unsigned(bundles, cmd, tmp_path):
    r = runner.invoke(app, COMMANDS[cmd](tmp_path) + ["--bundle", str(bundles["forged"])])
    assert r.exit_code == 0, r.output
    assert "unsigned: integrity only, not authenticity" in r.output


@pytest.mark.parametrize("cmd", sorted(COMMANDS))
def test_key_refuses_the_forged_unsigned_bundle(bundles, keys, cmd, tmp_path):
    r = runner.invoke(app, COMMANDS[cmd](tmp_path) + ["--bundle", str(bundles["forged"]), "--key", str(keys[1])])
    assert r.exit_code == 2 and "not signed" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, COMMANDS[cmd](tmp_path) + ["--bundle", str(bundles["forged"]), "--require-signature"])
    assert r.exit_code == 2 and "--require-signature needs --key" in r.output


@pytest.mark.parametrize("cmd", sorted(COMMANDS))
def test_key_accepts_the_signed_bundle(bundles, keys, cmd, tmp_path):
    r = runner.invoke(app, COMMANDS[cmd](tmp_path) + ["--bundle", str(bundles["signed"]), "--key", str(keys[1]),
                                                      "--require-signature"])
    assert r.exit_code == 0, r.output
    assert "signature valid" in r.output


def test_tampered_bundle_same_line_and_exit_2_everywhere(bundles, tmp_path):
    """Item 12: compliance exits 2 like answers and fill, with the same message."""
    with zipfile.ZipFile(bundles["unsigned"]) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    entries["findings.json"] = entries["findings.json"].replace(b'"FAIL"', b'"PASS"')
    bad = tmp_path / "bad.zip"
    bad.write_bytes(_zip_bytes(entries))
    lines = {}
    for cmd, args in COMMANDS.items():
        r = runner.invoke(app, args(tmp_path) + ["--bundle", str(bad)])
        assert r.exit_code == 2, (cmd, r.output)
        lines[cmd] = [ln for ln in r.output.splitlines() if ln.startswith("error:")]
        assert len(lines[cmd]) == 1, (cmd, r.output)
    assert len({tuple(v) for v in lines.values()}) == 1, lines
