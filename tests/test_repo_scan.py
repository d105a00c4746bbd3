"""repo_scan: secrets in tracked files and exclusion from coding agents' context.

Every planted secret is BUILT at run time from pieces, so this file itself
contains nothing secret-looking (the project scans itself).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from questionnaire import repo_scan as rs
from questionnaire import repo_secrets
from questionnaire.cli import app
from questionnaire.errors import UserInputError
from questionnaire.findings import Status

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")

# --------------------------------------------------------------------------- planted secrets (built at run time)

AWS_KEY = "AK" + "IA" + "Q3EGRTY7ZK2MXW4B"
PEM = "-----BEGIN RSA " + "PRIVATE KEY-----\n" + "MIIEowIBAAKCAQEAx7" + "Hk2Lm9Qp4Rt8Vw3Zb6Nc1Df5" + "\n-----END RSA " + "PRIVATE KEY-----\n"
OPENAI = "sk-" + "proj-" + "Vb7Nq2Lx9Kt4Wm8Rz3Hp6Ys1Dc5Fg0Jk"
OPENAI_LEGACY = "sk-" + "Vb7Nq2Lx9Kt4Wm8Rz3Hp6Ys1Dc5Fg0JkQ2aB7"
ANTHROPIC = "sk-" + "ant-" + "api03-" + "Qw8Er5Ty2Ui9Op6As3Df0Gh7Jk4Lz1Xc8Vb5Nm2"
GITHUB = "gh" + "p_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5"
GITHUB_PAT = "github" + "_pat_" + "11ABCDEFG0" + "Qw8Er5Ty2Ui9Op6As3Df0Gh7Jk4Lz1Xc8Vb5"
SLACK = "xo" + "xb-" + "2841957302-5829301847-" + "Qw8Er5Ty2Ui9Op6As3Df"
STRIPE = "sk" + "_live_" + "Qw8Er5Ty2Ui9Op6As3Df0Gh7"
GOOGLE = "AI" + "za" + "Sy" + "Qw8Er5Ty2Ui9Op6As3Df0Gh7Jk4Lz1Xc9"
GENERIC = "Zq8" + "Rt5Yu2Io9Pa6Sd3Fg"

ALL_SECRETS = [AWS_KEY, "MIIEowIBAAKCAQEAx7", OPENAI, OPENAI_LEGACY, ANTHROPIC, GITHUB, GITHUB_PAT, SLACK, STRIPE,
               GOOGLE, GENERIC]

FORMATS = [
    ("aws-access-key-id", f'aws_key_value = "{AWS_KEY}"\n'),
    ("private-key", PEM),
    ("openai-api-key", f"OPENAI = '{OPENAI}'\n"),
    ("openai-api-key", f"client = make({OPENAI_LEGACY!r})\n"),
    ("anthropic-api-key", f"ANTHROPIC={ANTHROPIC}\n"),
    ("github-token", f"token {GITHUB}\n"),
    ("github-token", f"x: {GITHUB_PAT}\n"),
    ("slack-token", f"hook = '{SLACK}'\n"),
    ("stripe-secret-key", f"const k = `{STRIPE}`;\n"),
    ("google-api-key", f"maps({GOOGLE!r})\n"),
    ("generic-secret", f"db_password: {GENERIC}\n"),
    ("generic-secret", f'{{"apiToken": "{GENERIC}"}}\n'),
    ("url-credentials", f"DATABASE_PASSWORD_URL=postgres://app:{GENERIC}@db:5432/app\n"),
]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def make_repo(root: Path, files: dict[str, str | bytes], *, untracked: dict[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    _git(root, "init", "-q", ".")
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        (p.write_bytes if isinstance(content, bytes) else p.write_text)(content)
    if files:
        _git(root, "add", "-A")
        _git(root, "-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "init")
    for rel, content in (untracked or {}).items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    return root


def all_text(findings, raws) -> str:
    return json.dumps([f.to_dict() for f in findings]) + json.dumps([r.to_dict() for r in raws])


def by_check(findings):
    return {f.check_id: f for f in findings}


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("kind,content", FORMATS, ids=[f"{k}-{i}" for i, (k, _) in enumerate(FORMATS)])
def test_each_format_is_found_with_line_and_masked(tmp_path, kind, content):
    repo = make_repo(tmp_path / "r", {"README.md": "hello\n", "src/app.txt": "line one\n" + content})
    findings, raws = rs.scan_paths([repo])
    f = by_check(findings)[rs.CHECK_NOT_IN_FILES]
    assert f.status is Status.FAIL
    hits = raws[0].response["secrets"]
    assert [(h["path"], h["line"], h["kind"]) for h in hits] == [("src/app.txt", 2, kind)]
    assert hits[0]["masked"].endswith("***") and len(hits[0]["masked"]) <= 7
    text = all_text(findings, raws)
    for s in ALL_SECRETS:
        assert s not in text


@pytest.mark.parametrize("line", [
    'key = "' + "AK" + "IA" + "IOSFODNN7" + "EXAMPLE" + '"',  # AWS documentation example
    "OPENAI = 'sk-" + "x" * 32 + "'",  # low-entropy placeholder
    'password = os.environ["DB_PASSWORD"]',
    "token: ${GITHUB_TOKEN_FROM_ENVIRONMENT}",
    "secret_key = settings.SECRET_KEY_VALUE",
    "max_tokens: 4096000000000",
    '"SecretId": "acme/insights/db-credentials"',
    "password: changeme-please-1234",
    "token_endpoint: https://login.microsoftonline.com/common/oauth2/v2.0/token",
    "docs_token = 'https://Example.org/Docs/Tokens?v=2'",
    "DATABASE_URL=postgres://user:password@localhost:5432/app",
    "git clone ssh://git@github.com/acme/app.git",
    "-----BEGIN " + "PRIVATE KEY----- is the header of a PEM file",
])
def test_placeholders_and_references_are_not_secrets(line):
    hits, allowed = rs.scan_text(line + "\n", "f.py")
    assert hits == [] and allowed == 0


def test_inline_marker_and_allow_file(tmp_path):
    repo = make_repo(tmp_path / "r", {
        "a.py": f'k = "{AWS_KEY}"  # questionnaire: allow-secret\n',
        "b.py": f"# questionnaire: allow-secret\nk = '{GITHUB}'\n",
        "fixtures/key.pem": PEM,
        "c.py": f"x = 1\n\nk = '{STRIPE}'\n",
        rs.ALLOW_FILE: "# known fixtures\nfixtures/\n",
    })
    scan = rs.scan_repo(repo)
    assert [(h.path, h.line, h.kind) for h in scan.hits] == [("c.py", 3, "stripe-secret-key")]
    assert scan.allowed == 3
    assert scan.sensitive == []  # allow-listed fixture is not a sensitive file


def test_committed_env_fails_and_ignored_env_only_needs_exclusion(tmp_path):
    committed = make_repo(tmp_path / "committed", {".env": "DEBUG=1\n", "x.py": "print(1)\n"})
    s1 = rs.scan_repo(committed)
    assert [(h.path, h.kind) for h in s1.hits] == [(".env", "committed-env-file")]
    assert s1.gitignore_exposed == [".env"]

    ignored = make_repo(
        tmp_path / "ignored", {".gitignore": ".env*\n!.env.example\n", ".env.example": "DB_PASSWORD=\n"},
        untracked={".env": f"DB_PASSWORD={GENERIC}\n", ".env.local": "X=1\n"},
    )
    findings, raws = rs.scan_paths([ignored], ["Claude Code"])
    f = by_check(findings)
    assert f[rs.CHECK_NOT_IN_FILES].status is Status.PASS
    ex = f[rs.CHECK_EXCLUDED]
    assert ex.status is Status.FAIL  # no .claude/settings.json
    assert raws[0].response["sensitive_files"] == [".env", ".env.local"]  # not .env.example
    assert raws[0].response["env_files_not_gitignored"] == []
    assert "exposed to Claude Code: .env, .env.local" in ex.message
    assert GENERIC not in all_text(findings, raws)


def test_env_not_gitignored_is_reported(tmp_path):
    repo = make_repo(tmp_path / "r", {"a.py": "x=1\n"}, untracked={".env": "X=1\n"})
    (repo / ".cursorignore").write_text(".env\n")
    findings, _ = rs.scan_paths([repo], ["Cursor"])
    ex = by_check(findings)[rs.CHECK_EXCLUDED]
    assert ex.status is Status.FAIL
    assert ex.message.startswith(".env file(s) not ignored by git: .env")


def test_binary_and_large_files_are_skipped(tmp_path):
    big = ("x = 1\n" * (rs.MAX_FILE_BYTES // 6 + 10)) + f"k = '{GITHUB}'\n"
    repo = make_repo(tmp_path / "r", {"img.bin": b"\x89PNG\0\0" + AWS_KEY.encode(), "big.txt": big, "ok.txt": "hi\n"})
    scan = rs.scan_repo(repo)
    assert scan.hits == []
    assert (scan.skipped_binary, scan.skipped_large, scan.files_scanned) == (1, 1, 1)


def test_untracked_files_are_not_scanned_but_plain_folders_are_walked(tmp_path):
    repo = make_repo(tmp_path / "r", {"a.txt": "hi\n"}, untracked={"scratch.txt": f"k = '{GITHUB}'\n"})
    assert rs.scan_repo(repo).hits == []

    plain = tmp_path / "plain"
    (plain / ".git").mkdir(parents=True)
    (plain / ".git" / "config").write_text(f"k = '{GITHUB}'\n")  # .git is skipped
    (plain / "node_modules").mkdir()
    (plain / "node_modules" / "x.js").write_text(f"k = '{GITHUB}'\n")  # dependency caches are skipped
    (plain / "sub").mkdir()
    (plain / "sub" / "conf.ini").write_text(f"api_key = {GENERIC}\n")
    scan = rs.scan_repo(plain)
    assert not scan.is_git
    assert [(h.path, h.line, h.kind) for h in scan.hits] == [("sub/conf.ini", 1, "generic-secret")]


def test_not_a_directory_is_a_user_error(tmp_path):
    with pytest.raises(UserInputError, match="not a directory"):
        rs.scan_repo(tmp_path / "missing")


# --------------------------------------------------------------------------- gitignore rules


@pytest.mark.parametrize("rules,path,expected", [
    (".env", "a/b/.env", True),
    ("/.env", "a/.env", False),
    ("/.env", ".env", True),
    (".env*\n!.env.example", ".env.example", False),
    (".env*\n!.env.example", ".env.prod", True),
    ("secrets/", "x/secrets/db.txt", True),
    ("secrets/**", "secrets/a/b.txt", True),
    ("secrets/**", "x/secrets/a.txt", False),
    ("**/secrets/**", "x/secrets/a.txt", True),
    ("*.pem", "deep/dir/cert.pem", True),
    ("config/*.key", "config/sub/a.key", False),
    ("config/**/*.key", "config/sub/a.key", True),
    ("cred[a-z]*", "credentials.json", True),
    ("# comment\n\n", ".env", False),
    ("secrets/\n!secrets/ok.txt", "secrets/ok.txt", True),  # parent excluded: cannot re-include
])
def test_gitignore_semantics(rules, path, expected):
    assert rs.is_excluded(rs.parse_rules(rules), path) is expected


# --------------------------------------------------------------------------- tools


@pytest.mark.parametrize("name,kind", [
    ("Claude Code on the company Team plan", "claude_code"),
    ("GitHub Copilot Business", "copilot"),
    ("Cursor Business", "cursor"),
    ("Gemini Code Assist Standard", "gemini_code_assist"),
    ("Gemini CLI", "gemini_cli"),
    ("aider with Bedrock", "aider"),
    ("Windsurf", "windsurf"),
    ("Acme in-house bot", None),
])
def test_tool_names_map_to_kinds(name, kind):
    tk = rs.tool_kind(name)
    assert (tk.kind if tk else None) == kind


SENSITIVE_TREE = {".env": "X=1\n", "certs/server.pem": "not a key\n", "secrets/db.txt": "x\n",
                  "config/credentials.json": "{}\n", "a.key": "x\n"}
SENSITIVE = [".env", "a.key", "certs/server.pem", "config/credentials.json", "secrets/db.txt"]


def _tree(tmp_path: Path, extra: dict[str, str]) -> Path:
    repo = make_repo(tmp_path / "r", {".gitignore": ".env\n", "README.md": "x\n"}, untracked=SENSITIVE_TREE)
    for rel, content in extra.items():
        p = repo / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    return repo


FULL_IGNORE = ".env*\n*.pem\n*.key\ncredentials*\nsecrets/\n"
PARTIAL_IGNORE = ".env\n*.pem\n"


@pytest.mark.parametrize("tool,file", [
    ("Cursor", ".cursorignore"), ("Aider", ".aiderignore"), ("Gemini Code Assist", ".aiexclude"),
    ("Gemini CLI", ".geminiignore"), ("Windsurf", ".codeiumignore"),
])
@pytest.mark.parametrize("variant", ["absent", "full", "partial"])
def test_ignore_file_tools(tmp_path, tool, file, variant):
    extra = {} if variant == "absent" else {file: FULL_IGNORE if variant == "full" else PARTIAL_IGNORE}
    findings, raws = rs.scan_paths([_tree(tmp_path, extra)], [tool])
    ex = by_check(findings)[rs.CHECK_EXCLUDED]
    entry = raws[0].response["tools"][0]
    assert raws[0].response["sensitive_files"] == SENSITIVE
    if variant == "full":
        assert ex.status is Status.PASS and entry["exposed"] == []
    elif variant == "absent":
        assert ex.status is Status.FAIL and entry["exposed"] == SENSITIVE and f"{file} missing" in ex.message
    else:
        assert ex.status is Status.FAIL
        assert entry["exposed"] == ["a.key", "config/credentials.json", "secrets/db.txt"]


def test_aiexclude_in_subfolder_applies_there(tmp_path):
    repo = _tree(tmp_path, {".aiexclude": ".env\n*.key\ncredentials*\n*.pem\n", "secrets/.aiexclude": "*\n"})
    scan = rs.scan_repo(repo, ["Gemini Code Assist"])
    assert scan.tools[0]["status"] == "PASS"


def _claude(deny) -> dict[str, str]:
    return {".claude/settings.json": json.dumps({"permissions": {"allow": ["Read(./**)"], "deny": deny}})}


@pytest.mark.parametrize("deny,exposed", [
    (["Read(./.env)", "Read(./.env.*)", "Read(./secrets/**)", "Read(**/*.pem)", "Read(*.key)",
      "Read(**/credentials*)", "Bash(curl:*)"], []),
    (["Read(./.env)", "Read(./secrets/**)"], ["a.key", "certs/server.pem", "config/credentials.json"]),
    (["Edit(./.env)", "Read(~/.aws/**)"], SENSITIVE),  # Edit rules and home paths do not protect the repo
    (["Read"], []),  # deny every read
    ([], SENSITIVE),
])
def test_claude_code_deny_rules(tmp_path, deny, exposed):
    scan = rs.scan_repo(_tree(tmp_path, _claude(deny)), ["Claude Code on the company Team plan"])
    assert scan.tools[0]["exposed"] == exposed
    assert scan.tools[0]["status"] == ("FAIL" if exposed else "PASS")


def test_claude_absolute_paths_and_bad_json(tmp_path):
    repo = _tree(tmp_path, {})
    root = str(repo.resolve())
    (repo / ".claude").mkdir()
    (repo / ".claude" / "settings.json").write_text(json.dumps({"permissions": {"deny": [
        f"Read(/{root}/**)"]}}))
    assert rs.scan_repo(repo, ["Claude Code"]).tools[0]["status"] == "PASS"
    (repo / ".claude" / "settings.json").write_text("{not json")
    scan = rs.scan_repo(repo, ["Claude Code"])
    assert scan.tools[0]["status"] == "FAIL" and "not valid JSON" in scan.tools[0]["note"]


def test_copilot_is_unknown_with_hint_and_fail_wins(tmp_path):
    repo = _tree(tmp_path, {".cursorignore": FULL_IGNORE})
    findings, _ = rs.scan_paths([repo], ["GitHub Copilot Business", "Cursor"])
    ex = by_check(findings)[rs.CHECK_EXCLUDED]
    assert ex.status is Status.UNKNOWN and "organisation" in ex.message
    findings, _ = rs.scan_paths([repo], ["GitHub Copilot Business", "Aider"])
    assert by_check(findings)[rs.CHECK_EXCLUDED].status is Status.FAIL


def test_no_sensitive_files_passes_even_for_copilot(tmp_path):
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    findings, _ = rs.scan_paths([repo], ["GitHub Copilot Business", "Cursor"])
    assert {f.check_id: f.status for f in findings} == {
        rs.CHECK_NOT_IN_FILES: Status.PASS, rs.CHECK_EXCLUDED: Status.PASS}


def test_without_tools_uses_configured_tools_or_is_unknown(tmp_path):
    repo = _tree(tmp_path, {})
    ex = by_check(rs.scan_paths([repo])[0])[rs.CHECK_EXCLUDED]
    assert ex.status is Status.UNKNOWN and "--tool" in ex.message
    (repo / ".cursorignore").write_text(FULL_IGNORE)
    scan = rs.scan_repo(repo)
    assert [(t["kind"], t["status"]) for t in scan.tools] == [("cursor", "PASS")]


# --------------------------------------------------------------------------- evidence, profile, CLI


def test_evidence_path_ids_and_unique_subjects(tmp_path):
    a = make_repo(tmp_path / "one" / "app", {"x.txt": "x\n"})
    b = make_repo(tmp_path / "two" / "app", {"x.txt": "x\n"})
    findings, raws = rs.scan_paths([a, b])
    assert [r.path for r in raws] == ["raw/global/repo/app-scan.json", "raw/global/repo/app-2-scan.json"]
    assert findings[0].id == "repo.secrets.not_in_files:-:global:app"
    assert findings[2].subject == "app-2" and findings[2].evidence == ("raw/global/repo/app-2-scan.json",)
    json.dumps(raws[0].to_dict())  # serialisable


def test_profile_repo_findings(tmp_path):
    import yaml

    from questionnaire.profile import load_profile
    from questionnaire.resources import example_profile

    make_repo(tmp_path / "repos" / "svc", {"a.py": f"k = '{ANTHROPIC}'\n"})
    data = yaml.safe_load(example_profile().read_text())
    data.setdefault("controls", {}).setdefault("coding_agents", {})
    data["controls"]["coding_agents"].update(
        tools=["Claude Code on the company Team plan"], repositories=["repos/svc", "repos/missing"],
        no_secrets_in_readable_files=True, secrets_excluded_from_context=True)
    data.pop("documents", None)
    prof = tmp_path / "profile.yaml"
    prof.write_text(yaml.safe_dump(data))
    findings, raws = rs.profile_repo_findings(load_profile(prof))
    got = {(f.check_id, f.subject): f for f in findings}
    assert got[(rs.CHECK_NOT_IN_FILES, "svc")].status is Status.FAIL
    assert got[(rs.CHECK_NOT_IN_FILES, "svc")].declared is True
    assert got[(rs.CHECK_EXCLUDED, "svc")].status is Status.PASS  # no sensitive files
    assert got[(rs.CHECK_NOT_IN_FILES, "missing")].status is Status.UNKNOWN
    assert [r.path for r in raws] == ["raw/global/repo/svc-scan.json"]
    assert raws[0].params == {"repository": "repos/svc", "tools": ["Claude Code on the company Team plan"]}
    assert ANTHROPIC not in all_text(findings, raws)


def test_cli_exit_codes_and_no_secret_in_output(tmp_path):
    runner = CliRunner()
    dirty = make_repo(tmp_path / "dirty", {f"f{i}.txt": c for i, (_, c) in enumerate(FORMATS)} | {".env": "A=1\n"})
    clean = make_repo(tmp_path / "clean", {"a.py": "x = 1\n"})
    out = tmp_path / "out.json"
    r = runner.invoke(app, ["scan-repo", str(dirty), str(clean), "--json", str(out), "--tool", "Claude Code"])
    assert r.exit_code == 1, r.output
    assert "FAIL    repo.secrets.not_in_files [dirty]" in r.output
    assert "PASS    repo.secrets.not_in_files [clean]" in r.output
    doc = json.loads(out.read_text())
    assert doc["summary"]["FAIL"] == 2 and len(doc["findings"]) == 4
    assert doc["evidence"]["raw/global/repo/dirty-scan.json"]["secrets_total"] == len(FORMATS) + 1
    blob = r.output + out.read_text()
    for s in ALL_SECRETS:
        assert s not in blob

    r = runner.invoke(app, ["scan-repo", str(clean)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["scan-repo", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "not a directory" in r.output
    r = runner.invoke(app, ["scan-repo", str(clean), "--json", str(tmp_path / "no" / "dir" / "x.json")])
    assert r.exit_code == 2 and "cannot write" in r.output


def test_project_scans_itself_clean_of_repo_scan_files():
    """This module and its tests contain no literal secret-looking strings."""
    root = Path(__file__).resolve().parents[1]
    for rel in ("questionnaire/repo_scan.py", "questionnaire/repo_secrets.py", "questionnaire/ignore_rules.py",
                "questionnaire/coding_tools.py", "tests/test_repo_scan.py", "benchmarks/scan_bench.py"):
        p = root / rel
        if p.exists():
            hits, _ = rs.scan_text(p.read_text(), rel)
            assert hits == [], [(h.line, h.kind) for h in hits]


def test_whole_project_passes_its_own_secret_scan():
    """`questionnaire scan-repo .` on this checkout: the only planted credentials
    are in the test files named in .questionnaire-allow-secrets."""
    root = Path(__file__).resolve().parents[1]
    if not (root / ".git").exists():
        pytest.skip("not a git checkout (e.g. an sdist)")
    scan = rs.scan_repo(root)
    assert scan.is_git and scan.files_scanned > 50
    assert scan.hits == [], [h.to_dict() for h in scan.hits]
    assert scan.allowed >= 1


def test_run_checks_and_bundle_carry_repo_findings_without_the_secret(tmp_path):
    """A profile without AWS deployments: run_checks makes no AWS call, only the repo scan."""
    import yaml

    pytest.importorskip("questionnaire.checks")
    bundle_mod = pytest.importorskip("questionnaire.bundle")
    from questionnaire.checks import run_checks
    from questionnaire.profile import load_profile
    from questionnaire.resources import example_profile

    make_repo(tmp_path / "svc", {"a.py": f"k = '{ANTHROPIC}'\n"}, untracked={".env": f"T={GENERIC}\n"})
    data = yaml.safe_load(example_profile().read_text())
    data["deployments"] = [d for d in data["deployments"] if d.get("platform") != "aws_bedrock"]
    data["controls"]["coding_agents"].update(tools=["Cursor"], repositories=["svc"])
    data.pop("documents", None)
    prof = tmp_path / "profile.yaml"
    prof.write_text(yaml.safe_dump(data))
    loaded = load_profile(prof)
    run = run_checks(loaded)
    got = {f.check_id: f for f in run.findings if f.check_id.startswith("repo.")}
    assert got[rs.CHECK_NOT_IN_FILES].status is Status.FAIL
    assert got[rs.CHECK_EXCLUDED].status is Status.FAIL  # .env not gitignored, no .cursorignore
    assert [r.path for r in run.raw] == ["raw/global/repo/svc-scan.json"]
    assert set(got[rs.CHECK_NOT_IN_FILES].evidence) <= {r.path for r in run.raw}

    out = bundle_mod.write_bundle(tmp_path / "b.zip", loaded, run)
    import zipfile

    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        blob = b"".join(z.read(n) for n in names)
    assert any(n.endswith("raw/global/repo/svc-scan.json") for n in names), names
    for s in (ANTHROPIC, GENERIC):
        assert s.encode() not in blob
    b = bundle_mod.load_bundle(out)
    assert {f.check_id for f in b.findings} >= {rs.CHECK_NOT_IN_FILES, rs.CHECK_EXCLUDED}


def test_progress_is_reported_and_ends_at_total(tmp_path):
    repo = make_repo(tmp_path / "r", {f"d/f{i}.txt": "x\n" for i in range(1203)})
    calls = []
    rs.scan_repo(repo, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(500, 1203), (1000, 1203), (1203, 1203)]


def test_pathological_files_stay_linear_and_hits_are_capped():
    # they finish (no catastrophic backtracking); how fast is measured in benchmarks/scan_bench.py, not here
    for text in ("password" * 250_000, "token=abc " * 100_000, ("a" * 39 + "secret") * 40_000,
                 "x" * 500_000 + " password = " + GENERIC + "\n"):
        rs.scan_text(text, "f")
    hits, _ = rs.scan_text(("\n" + f"api_secret: {GENERIC}") * 300, "f")
    assert len(hits) == repo_secrets.MAX_PER_FILE and [h.line for h in hits[:3]] == [2, 3, 4]


def test_unicode_before_a_secret_keeps_positions_right():
    text = "\u0130" * 50 + "\n" + f"db_password = '{GENERIC}'\n"  # 'İ'.lower() is two characters
    hits, _ = rs.scan_text(text, "f")
    assert [(h.line, h.kind, h.masked) for h in hits] == [(2, "generic-secret", GENERIC[:4] + "***")]
