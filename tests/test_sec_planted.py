"""issue 14 items 2, 5, 6: one secret of every format, planted everywhere, appears in no output.

Planted into the emulated account (Secrets Manager tags and description, a KMS key description, a
guardrail name, an AWS error message), the profile (a value and a comment) and a declared repository;
then every output is grepped: every member of the bundle, ``check --json``, the console of every
command, answers exports (md/json/xlsx/docx, from the bundle and from the profile), ``fill`` output and
report, ``compliance`` and ``policy`` files and ``scan-repo --json``. The secrets are generated at run
time (the project passes its own secret scan).
"""

from __future__ import annotations

import base64
import io
import json
import random
import string
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from questionnaire.cli import app

from conftest import EXAMPLE_PROFILE

runner = CliRunner()
_rng = random.Random(1414)
_ALNUM = string.ascii_letters + string.digits


def _r(n: int, alphabet: str = _ALNUM) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


# value -> how it is written where it is planted ("{}" is the value)
PLANTED: dict[str, tuple[str, str]] = {
    "github-classic": ("gh" + "p_" + _r(36), "{}"),
    "github-fine-grained": ("github" + "_pat_" + _r(22) + "_" + _r(40), "{}"),
    "slack": ("xo" + "xb-" + _r(12, string.digits) + "-" + _r(24), "{}"),
    "stripe": ("sk" + "_live_" + _r(24), "{}"),
    "anthropic": ("sk-" + "ant-api03-" + _r(40), "{}"),
    "openai-project": ("sk-" + "proj-" + _r(40), "{}"),
    "openai-admin": ("sk-" + "admin-" + _r(40), "{}"),
    "openai-legacy": ("sk-" + _r(48), "{}"),
    "google": ("AI" + "za" + _r(35), "{}"),
    "npm": ("np" + "m_" + _r(36), "{}"),
    "huggingface": ("h" + "f_" + _r(36), "{}"),
    "gitlab": ("glp" + "at-" + _r(20), "{}"),
    "sendgrid": ("S" + "G." + _r(22) + "." + _r(43), "{}"),
    "azure-account-key": (_r(40) + "==", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={};EndpointSuffix=x"),
    "aws-access-key": ("AK" + "IA" + _r(16, string.ascii_uppercase + string.digits), "{}"),
    "aws-session-key": ("AS" + "IA" + _r(16, string.ascii_uppercase + string.digits), "{}"),
    "aws-secret-key": (_r(17) + "/" + _r(12) + "+" + _r(9), "aws_secret_access_key={}"),
    "db-password": (_r(18), "DB_PASSWORD={}"),
    "secret-key": (_r(20), "secret_key: {}"),
    "basic-auth": (base64.b64encode(("ci:" + _r(14)).encode()).decode(), "Authorization: Basic {}"),
    "bearer": (_r(34), "Authorization: Bearer {}"),
    "pem": (_r(64, string.ascii_letters + string.digits + "+/"),
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----"),
}
TAGGED = {key: _r(15) for key in ("db-pw", "DB_PASS", "password", "api_token", "client-secret")}


def _free_text(keys) -> str:
    return " ; ".join(PLANTED[k][1].format(PLANTED[k][0]) for k in keys)


ALL_TEXT = list(PLANTED)
ONE_LINE = [k for k in PLANTED if k != "pem"]


def _values() -> dict[str, str]:
    out = {k: v for k, (v, _) in PLANTED.items()}
    out.update({f"tag {k}": v for k, v in TAGGED.items()})
    return out


def _plant_account(extras) -> None:
    import boto3

    from questionnaire.aws import EmulatedError
    from questionnaire.testing.aws_fixture import SECRET

    sm = boto3.client("secretsmanager", region_name="eu-west-1")
    sm.update_secret(SecretId=SECRET, Description=_free_text(ALL_TEXT))
    sm.tag_resource(SecretId=SECRET, Tags=[{"Key": k, "Value": v} for k, v in TAGGED.items()])
    kms = boto3.client("kms", region_name="eu-west-1")
    for k in kms.list_keys()["Keys"]:
        kms.update_key_description(KeyId=k["KeyId"], Description=_free_text(ONE_LINE[:9]))
    # into observed values of findings: a guardrail regex name and an inline policy name
    home = extras.guardrails["eu-west-1"][0]
    home["policies"]["sensitiveInformationPolicy"]["regexes"] = [
        {"name": "leak " + _free_text(ONE_LINE), "pattern": "x", "action": "BLOCK"}]
    from questionnaire.testing.aws_fixture import AGENT_POLICY, ROLE

    boto3.client("iam", region_name="us-east-1").put_role_policy(
        RoleName=ROLE, PolicyName="p-" + PLANTED["github-classic"][0], PolicyDocument=json.dumps(AGENT_POLICY))
    g = dict(extras.guardrails["eu-west-1"][0])
    g.update(id="zz9", arn=g["arn"].replace(g["id"], "zz9"), name="ops " + _free_text(ONE_LINE[9:]))
    extras.guardrails["eu-west-1"].append(g)

    def denied(params, region):
        raise EmulatedError("AccessDeniedException", "caller presented " + _free_text(ONE_LINE), 403)

    extras.inference_profiles.clear()
    extras.denied = denied  # type: ignore[attr-defined]


def _profile(tmp: Path) -> Path:
    text = EXAMPLE_PROFILE.read_text(encoding="utf-8")
    text = text.replace("  product: Acme Insights", "  product: Acme Insights " + PLANTED["npm"][0], 1)
    text = "# deploy with " + _free_text(ONE_LINE) + "\n" + text
    text = text.replace(
        "    repository_access: task_scoped", "    repository_access: task_scoped\n    repositories: [repo]", 1
    )
    assert PLANTED["npm"][0] in text and "repositories: [repo]" in text
    repo = tmp / "repo"
    repo.mkdir()
    (repo / "settings.py").write_text(
        "\n".join(f"{k.upper().replace('-', '_')}_VALUE = \"{v}\"" for k, (v, _) in PLANTED.items() if k != "pem")
        + "\n" + PLANTED["pem"][1].format(PLANTED["pem"][0]) + "\n",
        encoding="utf-8",
    )
    (repo / ".env").write_text(_free_text(["db-password", "secret-key"]).replace(" ; ", "\n") + "\n", encoding="utf-8")
    p = tmp / "profile.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def _blobs(path: Path) -> list[tuple[str, bytes]]:
    data = path.read_bytes()
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [(f"{path.name}!{n}", zf.read(n)) for n in zf.namelist()]
    return [(path.name, data)]


def _leaks(name: str, data: bytes) -> list[str]:
    text = data.decode("utf-8", "replace")
    found = []
    for what, value in _values().items():
        middle = value[len(value) // 2 - 6: len(value) // 2 + 6]
        if value in text or middle in text:
            found.append(f"{what} in {name}")
    return found


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    from questionnaire.aws import emulators
    from questionnaire.resources import examples_dir
    from questionnaire.testing.aws_fixture import emulated_account

    tmp = tmp_path_factory.mktemp("planted")
    prof = _profile(tmp)
    consoles: list[tuple[str, str]] = []

    def run(args, codes=(0, 1)):
        res = runner.invoke(app, [str(a) for a in args])
        assert res.exit_code in codes, (args, res.output, res.exception)
        consoles.append((" ".join(map(str, args[:1])), res.output + (res.stderr if res.stderr_bytes is not None else "")))
        return res

    bundle, js = tmp / "evidence.zip", tmp / "findings.json"
    with emulated_account("compliant") as extras:
        _plant_account(extras)
        with emulators({("bedrock", "ListInferenceProfiles"): extras.denied}):
            res = run(["check", prof, "--json", js, "--bundle", bundle, "--region", "eu-west-1"])
    run(["verify", bundle])
    files = [bundle, js]
    for ext in ("md", "json", "xlsx", "docx"):
        run(["answers", "--bundle", bundle, "-o", tmp / f"answers.{ext}"])
        run(["answers", "--profile", prof, "-o", tmp / f"answers-profile.{ext}"])
        files += [tmp / f"answers.{ext}", tmp / f"answers-profile.{ext}"]
    for ext in ("xlsx", "docx"):
        src = examples_dir() / "acme" / f"customer-questionnaire.{ext}"
        run(["fill", src, "-o", tmp / f"filled.{ext}", "--bundle", bundle, "--report", tmp / f"report-{ext}.json"])
        files += [tmp / f"filled.{ext}", tmp / f"report-{ext}.json"]
    for ext in ("md", "json", "xlsx"):
        run(["compliance", "--framework", "soc2", "--bundle", bundle, "-o", tmp / f"compliance.{ext}"])
        files.append(tmp / f"compliance.{ext}")
    run(["compliance", "--framework", "iso42001", "--bundle", bundle])
    for ext in ("md", "docx"):
        run(["policy", "--profile", prof, "-o", tmp / f"policy.{ext}"])
        files.append(tmp / f"policy.{ext}")
    run(["scan-repo", tmp / "repo", "--json", tmp / "scan.json"])
    files.append(tmp / "scan.json")
    return {"files": files, "consoles": consoles, "bundle": bundle, "check": res}


def test_planting_reached_the_pipeline(outputs):
    """The test can fail: the planted values really were in what the tool saw."""
    with zipfile.ZipFile(outputs["bundle"]) as zf:
        manifest = json.loads(zf.read("manifest.json"))["predicate"]
        secret = json.loads(next(zf.read(n) for n in zf.namelist() if n.endswith("DescribeSecret.json")))
        findings = zf.read("findings.json").decode()
        repo = [n for n in zf.namelist() if n.startswith("raw/global/repo/")]
        denied = zf.read("raw/eu-west-1/bedrock/ListInferenceProfiles.json").decode()
    assert manifest["redactions_total"] >= 40
    assert sum(t["Value"] == "[REDACTED:tagged-secret]" for t in secret["response"]["Tags"]) == len(TAGGED)
    assert "[REDACTED:" in secret["response"]["Description"] and "[REDACTED:" in findings, findings
    assert "caller presented [REDACTED:" in denied and repo
    assert "[REDACTED:" in outputs["files"][1].read_text()  # check --json: the same redactor
    assert "FAIL" in outputs["check"].output  # the repository scan found the planted secrets


def test_no_output_carries_a_planted_secret(outputs):
    leaks = []
    for f in outputs["files"]:
        assert f.exists(), f
        for name, data in _blobs(f):
            leaks += _leaks(name, data)
    for name, text in outputs["consoles"]:
        leaks += _leaks(f"console of {name}", text.encode())
    assert leaks == []


def test_evidence_paths_and_ids_are_never_redacted(outputs):
    with zipfile.ZipFile(outputs["bundle"]) as zf:
        doc = json.loads(zf.read("findings.json"))
        names = set(zf.namelist())
    for f in doc["findings"]:
        assert "REDACTED" not in f["id"] + f["check_id"] + "".join(f["evidence"])
        assert all(e in names for e in f["evidence"])
