"""Evidence bundle: round trip, contents, determinism, tampering, signatures, redaction, summary."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from questionnaire.bundle import (
    PREDICATE_TYPE,
    STATEMENT_TYPE,
    _zip_bytes,
    bundle_bytes,
    load_bundle,
    verify,
    write_bundle,
)
from questionnaire.cli import app
from questionnaire.errors import BundleError, InputFileError, OptionalDependencyMissing, OutputError, UserInputError
from questionnaire.findings import Status
from questionnaire.profile import load_profile

from conftest import EXAMPLE_PROFILE
from test_bundle_fixtures import ACCOUNT, PLANTED, make_run

runner = CliRunner()


@pytest.fixture(scope="module")
def loaded():
    return load_profile(EXAMPLE_PROFILE)


@pytest.fixture(scope="module")
def good(tmp_path_factory, loaded) -> Path:
    out = tmp_path_factory.mktemp("b") / "evidence.zip"
    return write_bundle(out, loaded, make_run())


def _entries(path_or_bytes) -> dict[str, bytes]:
    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with zipfile.ZipFile(src) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _sums(entries: dict[str, bytes]) -> bytes:
    return "".join(
        f"{hashlib.sha256(entries[n]).hexdigest()}  {n}\n" for n in sorted(entries) if n != "SHA256SUMS"
    ).encode()


def _rewrite(src: Path, dst: Path, mutate) -> Path:
    entries = _entries(src)
    mutate(entries)
    dst.write_bytes(_zip_bytes(entries))
    return dst


# ----------------------------------------------------------------------------- round trip and contents


def test_round_trip_verify_ok_and_load(good, loaded):
    assert verify(good) == []
    b = load_bundle(good)
    assert b.profile_bytes == loaded.raw_bytes
    assert b.profile.organization.name == "Acme Analytics GmbH"
    assert len(b.findings) == len(make_run().findings)
    assert b.digest == hashlib.sha256(_entries(good)["manifest.json"]).hexdigest()
    assert b.identity == {"account": ACCOUNT, "arn": make_run().identity["arn"]}
    assert b.regions == ["eu-west-1", "eu-central-1", "us-east-1"]


def test_contents_layout_and_manifest_shape(good, loaded):
    e = _entries(good)
    run = make_run()
    names = set(e)
    assert {"profile.yaml", "profile.json", "findings.json", "SUMMARY.md", "summary.html", "manifest.json", "SHA256SUMS"} <= names
    assert {r.path for r in run.raw} <= names
    assert list(e) == sorted(e)  # sorted entries
    assert e["profile.yaml"] == loaded.raw_bytes
    assert json.loads(e["profile.json"]) == loaded.profile.normalised()
    m = json.loads(e["manifest.json"])
    assert m["_type"] == STATEMENT_TYPE and m["predicateType"] == PREDICATE_TYPE
    subject = {s["name"]: s["digest"]["sha256"] for s in m["subject"]}
    assert set(subject) == names - {"manifest.json", "SHA256SUMS"}
    for n, d in subject.items():
        assert hashlib.sha256(e[n]).hexdigest() == d
        assert m["predicate"]["files"][n] == {"sha256": d, "size": len(e[n])}
    p = m["predicate"]
    assert p["tool"]["name"] == "questionnaire"
    assert p["profile"]["sha256"] == loaded.sha256
    assert p["collector"] == run.identity
    assert (p["started"], p["ended"]) == (run.started, run.ended)
    assert p["check_ids"] == run.check_ids and p["errors"] == [] and p["emulated"] == []
    assert set(p["redactions"]) == {r.path for r in run.raw} | {"findings.json", "profile.yaml", "profile.json"}
    # SHA256SUMS covers every entry, including the manifest, in sha256sum format
    assert e["SHA256SUMS"] == _sums(e)
    raw = json.loads(e[run.raw[0].path])
    assert {"service", "operation", "region", "params", "timestamp", "request_id", "response"} <= set(raw)
    findings = json.loads(e["findings.json"])
    assert findings["summary"] == {"PASS": 16, "FAIL": 0, "UNKNOWN": 1}
    assert all(ev in names for f in findings["findings"] for ev in f["evidence"])


def test_sha256sum_c_works_after_unzip(good, tmp_path):
    with zipfile.ZipFile(good) as zf:
        zf.extractall(tmp_path)
    r = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "manifest.json: OK" in r.stdout


def test_deterministic_byte_identical(tmp_path, loaded):
    a = write_bundle(tmp_path / "a.zip", loaded, make_run()).read_bytes()
    b = write_bundle(tmp_path / "b.zip", loaded, make_run()).read_bytes()
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as zf:
        for info in zf.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert (info.external_attr >> 16) == 0o100644
    drifted = bundle_bytes(loaded, make_run(drift=True))
    assert drifted != a


def test_drifted_account_records_fails(tmp_path, loaded):
    out = write_bundle(tmp_path / "d.zip", loaded, make_run(drift=True))
    b = load_bundle(out)
    fails = [f for f in b.findings if f.status is Status.FAIL]
    assert {f.check_id for f in fails} == {"bedrock.invocation_logging.enabled", "secretsmanager.secret.rotation"}
    assert b.predicate["findings_summary"]["FAIL"] == 2
    md = b.files["SUMMARY.md"].decode()
    from questionnaire.summary import check_title

    title = check_title("bedrock.invocation_logging.enabled")
    assert f"| FAIL | {title} | insights-assistant | eu-west-1 | invocation logging is off |" in md
    # FAIL rows come first in the table
    table = [l for l in md.splitlines() if l.startswith("| PASS") or l.startswith("| FAIL") or l.startswith("| UNKNOWN")]
    assert table[0].startswith("| FAIL") and table[1].startswith("| FAIL")


def test_emulated_run_is_recorded_plainly(tmp_path, loaded):
    out = write_bundle(tmp_path / "e.zip", loaded, make_run(emulated=True))
    b = load_bundle(out)
    assert b.predicate["emulator_used"] is True and "sts:GetCallerIdentity" in b.predicate["emulated"]
    assert json.loads(b.files["raw/global/sts/GetCallerIdentity.json"])["emulated"] is True
    assert "emulator" in b.files["SUMMARY.md"].decode() and "emulator" in b.files["summary.html"].decode()


def test_documents_are_bundled(tmp_path):
    (tmp_path / "evidence").mkdir()
    doc = tmp_path / "evidence" / "AWS DPA.pdf"
    doc.write_bytes(b"%PDF-1.4 fake dpa\n")
    text = EXAMPLE_PROFILE.read_text(encoding="utf-8") + (
        "\ndocuments:\n  - path: evidence/AWS DPA.pdf\n    title: AWS Data Processing Addendum\n"
        f"    sha256: {hashlib.sha256(doc.read_bytes()).hexdigest()}\n"
    )
    (tmp_path / "profile.yaml").write_text(text, encoding="utf-8")
    lp = load_profile(tmp_path / "profile.yaml")
    out = write_bundle(tmp_path / "b.zip", lp, make_run())
    b = load_bundle(out)
    assert b.files["documents/AWS_DPA.pdf"] == doc.read_bytes()
    assert b.predicate["documents"][0]["title"] == "AWS Data Processing Addendum"
    # the document changed after validation: refuse rather than bundle something else
    doc.write_bytes(b"changed")
    with pytest.raises(InputFileError, match="does not match the sha256"):
        write_bundle(tmp_path / "c.zip", lp, make_run())


def test_write_errors(tmp_path, loaded):
    with pytest.raises(OutputError, match="folder does not exist"):
        write_bundle(tmp_path / "nope" / "b.zip", loaded, make_run())
    with pytest.raises(OutputError, match="is a directory"):
        write_bundle(tmp_path, loaded, make_run())
    run = make_run()
    run.raw[1].path = run.raw[0].path
    with pytest.raises(OutputError, match="share the bundle path"):
        write_bundle(tmp_path / "x.zip", loaded, run)
    run = make_run()
    run.raw[0].path = "raw/../../etc/passwd.json"
    with pytest.raises(OutputError, match="is not raw/"):
        write_bundle(tmp_path / "x.zip", loaded, run)
    assert not (tmp_path / "x.zip").exists() and not list(tmp_path.glob(".bundle-*"))


def test_raw_without_path_gets_documented_name(tmp_path, loaded):
    run = make_run()
    for r in run.raw:
        r.path = ""
    e = _entries(bundle_bytes(loaded, run))
    assert "raw/global/sts/GetCallerIdentity.json" in e
    assert "raw/eu-west-1/logs/DescribeLogGroups.json" in e and "raw/eu-west-1/logs/DescribeLogGroups-3.json" in e


# ----------------------------------------------------------------------------- redaction


def test_planted_secrets_never_reach_the_zip(good):
    data = good.read_bytes()
    e = _entries(good)
    blob = b"\n".join(e.values())
    for name, secret in PLANTED.items():
        assert secret.encode() not in blob, name
        assert secret.encode() not in data, name
    m = json.loads(e["manifest.json"])["predicate"]
    assert m["redactions"]["raw/global/s3/GetBucketTagging.json"] == 3
    assert m["redactions"]["raw/global/iam/GetRolePolicy.json"] == 1
    assert m["redactions"]["raw/eu-central-1/cloudtrail/DescribeTrails.json"] == 0
    assert m["redactions_total"] == sum(m["redactions"].values()) >= 11
    # what is not secret stays readable evidence
    tagging = json.loads(e["raw/global/s3/GetBucketTagging.json"])
    assert {"Key": "owner", "Value": "platform"} in tagging["response"]["TagSet"]
    policy = json.loads(json.loads(e["raw/global/iam/GetRolePolicy.json"])["response"]["PolicyDocument"])
    assert policy["Statement"][0]["Action"] == ["bedrock:InvokeModel"]


def test_planted_secrets_in_moto_resources(tmp_path, loaded):
    """Real API responses (moto) with secrets in tags and descriptions: none reach the zip."""
    boto3 = pytest.importorskip("boto3")
    from moto import mock_aws

    from questionnaire.findings import RawResponse

    secret_tag = "Pl4nted-Tag-Secret"
    secret_desc = "Pl4nted-Desc-Secret"
    key_id = "AKIAZZZZZZZZZZZZZZZZ"
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        s3.create_bucket(Bucket="acme-bedrock-invocation-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_bucket_tagging(
            Bucket="acme-bedrock-invocation-logs",
            Tagging={"TagSet": [{"Key": "db_password", "Value": secret_tag}, {"Key": "note", "Value": f"key {key_id}"}]},
        )
        sm = boto3.client("secretsmanager", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        sm.create_secret(Name="acme/insights/db-credentials", SecretString="never-read",
                         Description=f"password={secret_desc}", Tags=[{"Key": "token", "Value": secret_tag}])
        responses = [
            ("s3", "GetBucketTagging", None, {"Bucket": "acme-bedrock-invocation-logs"},
             s3.get_bucket_tagging(Bucket="acme-bedrock-invocation-logs")),
            ("secretsmanager", "DescribeSecret", "eu-west-1", {"SecretId": "acme/insights/db-credentials"},
             sm.describe_secret(SecretId="acme/insights/db-credentials")),
            ("secretsmanager", "ListSecrets", "eu-west-1", {}, sm.list_secrets()),
        ]
    run = make_run(planted=False)
    for service, op, region, params, resp in responses:
        meta = resp.pop("ResponseMetadata", {})
        r = RawResponse(service, op, region, params, resp, "2026-11-28T10:00:00Z", meta.get("RequestId"), emulated=True)
        r.path = f"raw/{region or 'global'}/{service}/{op}-moto.json"
        run.raw.append(r)
    out = write_bundle(tmp_path / "m.zip", loaded, run)
    blob = b"\n".join(_entries(out).values())
    for s in (secret_tag, secret_desc, key_id, "never-read"):
        assert s.encode() not in blob
    b = load_bundle(out)
    assert b.predicate["redactions"]["raw/eu-west-1/secretsmanager/DescribeSecret-moto.json"] == 2
    described = b.raw("raw/eu-west-1/secretsmanager/DescribeSecret-moto.json")["response"]
    assert described["Name"] == "acme/insights/db-credentials"


# ----------------------------------------------------------------------------- tampering


def _tamper_cases():
    def modify(e):
        e["findings.json"] = e["findings.json"].replace(b'"FAIL": 0', b'"FAIL": 0 ')

    def modify_and_sums(e):
        e["raw/global/iam/GetRolePolicy.json"] += b" "
        e["SHA256SUMS"] = _sums(e)

    def modify_sums_and_manifest(e):
        e["findings.json"] += b"\n"
        m = json.loads(e["manifest.json"])
        for s in m["subject"]:
            if s["name"] == "findings.json":
                s["digest"]["sha256"] = hashlib.sha256(e["findings.json"]).hexdigest()
        e["manifest.json"] = (json.dumps(m, sort_keys=True, indent=2) + "\n").encode()
        sums = _sums(e).decode().splitlines()
        old = next(l for l in _entries_good_sums(e) if l.endswith("  manifest.json"))
        e["SHA256SUMS"] = ("\n".join(old if l.endswith("  manifest.json") else l for l in sums) + "\n").encode()

    def add(e):
        e["raw/eu-west-1/bedrock/Extra.json"] = b"{}\n"

    def remove(e):
        del e["raw/us-east-1/cloudtrail/DescribeTrails.json"]

    def rename(e):
        e["raw/us-east-1/cloudtrail/Renamed.json"] = e.pop("raw/us-east-1/cloudtrail/DescribeTrails.json")

    def remove_manifest(e):
        del e["manifest.json"]

    def bad_sums(e):
        e["SHA256SUMS"] = b"not a checksum line\n" + e["SHA256SUMS"]

    return [
        (modify, ["modified: findings.json (sha256 does not match SHA256SUMS and manifest.json)"]),
        (modify_and_sums, ["modified: raw/global/iam/GetRolePolicy.json (sha256 does not match manifest.json)"]),
        (modify_sums_and_manifest, ["manifest.json: its sha256 does not match SHA256SUMS (manifest modified)"]),
        (add, ["added: raw/eu-west-1/bedrock/Extra.json (not listed in SHA256SUMS or manifest.json)"]),
        (remove, ["removed: raw/us-east-1/cloudtrail/DescribeTrails.json"]),
        (rename, ["renamed: raw/us-east-1/cloudtrail/DescribeTrails.json -> raw/us-east-1/cloudtrail/Renamed.json"]),
        (remove_manifest, ["removed: manifest.json (the manifest is missing)"]),
        (bad_sums, ["SHA256SUMS line 1: not '<sha256>  <file>'"]),
    ]


_GOOD_SUMS: list[str] = []


def _entries_good_sums(e):
    return _GOOD_SUMS


@pytest.mark.parametrize("mutate, expected", _tamper_cases(), ids=lambda x: getattr(x, "__name__", ""))
def test_tampering_is_detected(good, tmp_path, mutate, expected):
    _GOOD_SUMS[:] = _entries(good)["SHA256SUMS"].decode().splitlines()
    bad = _rewrite(good, tmp_path / "bad.zip", mutate)
    problems = verify(bad)
    for line in expected:
        assert line in problems, problems
    with pytest.raises(BundleError) as ei:
        load_bundle(bad)
    assert ei.value.problems == problems and ei.value.exit_code == 1


def test_several_problems_each_listed_by_cli(good, tmp_path):
    def mutate(e):
        e["profile.yaml"] += b"# edited\n"
        del e["summary.html"]
        e["evil.txt"] = b"x"

    bad = _rewrite(good, tmp_path / "bad.zip", mutate)
    r = runner.invoke(app, ["verify", str(bad)])
    assert r.exit_code == 1
    lines = r.stderr.splitlines()
    assert "error: modified: profile.yaml (sha256 does not match SHA256SUMS and manifest.json)" in lines
    assert "error: removed: summary.html" in lines
    assert "error: added: evil.txt (not listed in SHA256SUMS or manifest.json)" in lines
    assert "Traceback" not in r.output


def test_cli_verify_ok_prints_who_when_what(good):
    r = runner.invoke(app, ["verify", str(good)])
    assert r.exit_code == 0, r.output
    assert "intact" in r.stdout and "Acme Analytics GmbH" in r.stdout and ACCOUNT in r.stdout
    assert "2026-11-28T10:00:00Z" in r.stdout and "16 PASS, 0 FAIL, 1 UNKNOWN" in r.stdout
    assert "not signed" in r.stdout


def test_cli_verify_missing_file_exit_2(tmp_path):
    r = runner.invoke(app, ["verify", str(tmp_path / "none.zip")])
    assert r.exit_code == 2 and "file not found" in r.stderr


# ----------------------------------------------------------------------------- signatures


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    d = tmp_path_factory.mktemp("keys")
    out = {}
    for name in ("good", "other"):
        k = Ed25519PrivateKey.generate()
        (d / f"{name}.pem").write_bytes(
            k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        (d / f"{name}.pub").write_bytes(
            k.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        )
        out[name] = (d / f"{name}.pem", d / f"{name}.pub")
    return out


def test_signed_bundle_verifies_with_key_and_is_deterministic(tmp_path, loaded, keys):
    priv, pub = keys["good"]
    a = write_bundle(tmp_path / "s.zip", loaded, make_run(), sign_key=priv)
    assert bundle_bytes(loaded, make_run(), sign_key=priv) == a.read_bytes()
    b = load_bundle(a, key=pub)
    assert b.signed and b.signature_checked
    assert "manifest.sig" in b.files and len(b.files["manifest.sig"]) == 64
    r = runner.invoke(app, ["verify", str(a), "--key", str(pub)])
    assert r.exit_code == 0 and "signature valid" in r.stdout
    r = runner.invoke(app, ["verify", str(a)])
    assert r.exit_code == 0 and "signature not checked" in r.stdout


def test_signature_problems(tmp_path, loaded, keys, good):
    priv, pub = keys["good"]
    _, other_pub = keys["other"]
    signed = write_bundle(tmp_path / "s.zip", loaded, make_run(), sign_key=priv)
    assert "signature: manifest.sig does not verify with the given public key" in verify(signed, key=other_pub)
    assert "signature: the bundle is not signed (manifest.sig is missing)" in verify(good, key=pub)

    # consistent re-hash of a modified manifest passes checksums, but not the signature
    def forge(e):
        m = json.loads(e["manifest.json"])
        m["predicate"]["regions"] = ["eu-west-1"]
        e["manifest.json"] = (json.dumps(m, sort_keys=True, indent=2) + "\n").encode()
        e["SHA256SUMS"] = _sums(e)

    forged = _rewrite(signed, tmp_path / "f.zip", forge)
    assert verify(forged) == []  # without the key only consistency can be checked
    assert verify(forged, key=pub) == ["signature: manifest.sig does not verify with the given public key"]

    def strip(e):
        del e["manifest.sig"]
        e["SHA256SUMS"] = _sums(e)

    stripped = _rewrite(signed, tmp_path / "n.zip", strip)
    assert "signature: the manifest says the bundle is signed, but manifest.sig is missing" in verify(stripped)
    r = runner.invoke(app, ["verify", str(signed), "--key", str(other_pub)])
    assert r.exit_code == 1 and "does not verify" in r.stderr


def test_bad_keys(tmp_path, loaded, keys):
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    junk = tmp_path / "junk.pem"
    junk.write_text("not a key")
    with pytest.raises(UserInputError, match="not a PEM private key"):
        bundle_bytes(loaded, make_run(), sign_key=junk)
    ec_key = tmp_path / "ec.pem"
    ec_key.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(UserInputError, match="not an Ed25519 key"):
        bundle_bytes(loaded, make_run(), sign_key=ec_key)
    with pytest.raises(InputFileError, match="not found"):
        bundle_bytes(loaded, make_run(), sign_key=tmp_path / "missing.pem")
    with pytest.raises(UserInputError, match="not a PEM public key"):
        verify(tmp_path / "whatever.zip", key=junk)


def test_sign_without_cryptography_is_a_clear_error(monkeypatch, loaded, tmp_path):
    for name in [m for m in sys.modules if m == "cryptography" or m.startswith("cryptography.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "cryptography", None)
    with pytest.raises(OptionalDependencyMissing, match=r"pip install 'questionnaire\[sign\]'"):
        write_bundle(tmp_path / "s.zip", loaded, make_run(), sign_key=tmp_path / "k.pem")
    assert not (tmp_path / "s.zip").exists()


# ----------------------------------------------------------------------------- summary


def test_summary_topics_escaping_and_masking(tmp_path):
    text = EXAMPLE_PROFILE.read_text(encoding="utf-8").replace(
        "name: Acme Analytics GmbH", 'name: "Acme <script>alert(1)</script> | GmbH"'
    )
    (tmp_path / "profile.yaml").write_text(text, encoding="utf-8")
    lp = load_profile(tmp_path / "profile.yaml")
    e = _entries(bundle_bytes(lp, make_run(), mask_account=True))
    html = e["summary.html"].decode()
    md = e["SUMMARY.md"].decode()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\\<script\\>" in md and "&lt;" not in md and "\\|" in md  # escaped, not HTML-escaped
    # self-contained: no external assets
    for bad in ("<link", "<script", "src=", "@import", "url("):
        assert bad not in html
    # masked account in the human summary (the manifest keeps the collector identity)
    for doc in (html, md):
        assert ACCOUNT not in doc and "********9012" in doc
    assert json.loads(e["manifest.json"])["predicate"]["summary_account_masked"] is True
    # every answer topic is present with declared facts
    for label in ("Training on customer data", "Processors and model developers", "Data residency and regions",
                  "Auditability and logging", "Vendor agreements"):
        assert f"### {label}" in md and f"<h3>{label}</h3>" in html
    assert "insights-assistant: trains on customer data: no" in md
    assert "insights-assistant: tier / platform: infrastructure / aws_bedrock" in md
    assert "marketing-drafts: data processing agreement: OpenAI Data Processing Addendum" in md
    # findings grouped by topic: log retention is auditability, regions are residency
    audit = md.split("### Auditability and logging")[1].split("###")[0]
    assert "cloudwatch.log_group.retention" in audit or "retention" in audit
    assert "**PASS**" in audit


def test_summary_topic_grouping_uses_registry_metadata():
    from questionnaire.summary import topic_of

    reg = {"x.custom": {"topic": "logging"}, "y.custom": type("M", (), {"topic": "residency"})()}
    assert topic_of("x.custom", reg) == "auditability"
    assert topic_of("y.custom", reg) == "residency"
    # no prefix-to-topic fallback (issue 15): the registry is the one source of topics
    assert topic_of("cloudtrail.trail.logging", {}) == "other"
    assert topic_of("cloudtrail.trail.logging") == "auditability"
    assert topic_of("bedrock.cross_region_inference.matches_declaration") == "residency"
    assert topic_of("identity.account_matches") == "processor"
    assert topic_of("bedrock.guardrail.exists") == "other"


def test_evidence_references_must_exist(tmp_path, loaded, good):
    run = make_run()
    run.findings[0] = type(run.findings[0])(**{**run.findings[0].__dict__, "evidence": ("raw/global/sts/Nope.json",)})
    with pytest.raises(OutputError, match="cites raw/global/sts/Nope.json"):
        write_bundle(tmp_path / "x.zip", loaded, run)

    def dangling(e):  # a consistent bundle (sums + manifest rebuilt) whose findings cite a missing file
        import questionnaire.bundle as qb

        d = json.loads(e["findings.json"])
        d["findings"][0]["evidence"] = ["raw/global/sts/Nope.json"]
        e["findings.json"] = qb.canonical_json(d)
        m = json.loads(e["manifest.json"])
        files = {n: v for n, v in e.items() if n not in ("manifest.json", "SHA256SUMS")}
        e["manifest.json"] = qb.canonical_json(qb._statement(files, m["predicate"], signed=False))
        e["SHA256SUMS"] = _sums(e)

    bad = _rewrite(good, tmp_path / "d.zip", dangling)
    assert verify(bad) == [
        "findings.json: finding identity.account_matches:insights-assistant:global cites raw/global/sts/Nope.json, which is not in the bundle"
    ]


def test_check_option_helpers_fail_early_and_write(tmp_path, loaded, keys, capsys):
    from questionnaire.bundle import check_output_path
    from questionnaire.bundle import write_bundle
    from questionnaire.cli import _bundle_prepare

    with pytest.raises(OutputError, match="refusing to overwrite the profile"):
        check_output_path(loaded.path, loaded)
    priv, pub = keys["good"]
    with pytest.raises(UserInputError, match="--sign needs --bundle"):
        _bundle_prepare(None, loaded, priv)
    with pytest.raises(OutputError, match="folder does not exist"):
        _bundle_prepare(tmp_path / "no" / "b.zip", loaded, None)
    assert _bundle_prepare(None, loaded, None) is None
    key = _bundle_prepare(tmp_path / "b.zip", loaded, priv)
    write_bundle(tmp_path / "b.zip", loaded, make_run(), mask_account=True, sign_key=key)
    b = load_bundle(tmp_path / "b.zip", key=pub)
    assert b.signature_checked and ACCOUNT not in b.files["SUMMARY.md"].decode()


def test_deterministic_across_processes(tmp_path):
    code = (
        "import sys, hashlib; sys.path.insert(0, 'tests');"
        "from test_bundle_fixtures import make_run;"
        "from questionnaire.profile import load_profile; from questionnaire.bundle import bundle_bytes;"
        "print(hashlib.sha256(bundle_bytes(load_profile('evidence/examples/acme/profile.yaml'), make_run(emulated=True))).hexdigest())"
    )
    root = Path(__file__).resolve().parents[1]
    digests = {
        subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
                       env={**__import__("os").environ, "PYTHONHASHSEED": seed}).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(digests) == 1 and len(digests.pop()) == 64
