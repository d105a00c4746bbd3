"""Secrets hygiene of local repositories used with AI coding agents (read-only).

Two checks per repository:

* ``repo.secrets.not_in_files``: tracked files (``git ls-files``; a plain walk
  that skips ``.git`` when the folder is not a git repository) contain no
  credentials. A small pattern set (AWS keys, PEM private keys, OpenAI,
  Anthropic, GitHub, Slack, Stripe, Google keys, user:password@ URLs) with
  entropy checks, generic high-entropy assignments to password/secret/token
  names, and committed ``.env`` files. Binaries and files over 2 MB are skipped. Hits report file,
  line and kind, never the secret (it is masked: first 4 characters + ``***``).
* ``repo.secrets.excluded_from_agent_context``: every sensitive file present in
  the working tree (``.env*``, ``*.pem``, ``*.key``, ``credentials*``, files
  under ``secrets/``) is covered by the exclusion rules of each declared coding
  tool, and ``.env*`` files are ignored by git.

Allow-listing known fixtures: an inline ``questionnaire: allow-secret`` marker
on the line (or the line above), or a ``.questionnaire-allow-secrets`` file at
the repository root with gitignore-style paths/globs. Allow-listed paths are
also not counted as sensitive files.

Pure library code: no printing; errors are ``questionnaire.errors`` classes.
"""

from __future__ import annotations

import os
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from questionnaire.coding_tools import TOOL_KINDS, ToolKind, claude_rules, ignore_file_rules, tool_kind
from questionnaire.errors import QuestionnaireError, UserInputError
from questionnaire.findings import Finding, RawResponse, Status
from questionnaire.ignore_rules import Rule, is_excluded, parse_rules
from questionnaire.repo_secrets import SecretHit, is_env_file, is_sensitive_path, scan_text

__all__ = [
    "CHECK_EXCLUDED", "CHECK_NOT_IN_FILES", "REGISTRY_METADATA", "RepoScan", "findings_for", "is_excluded",
    "is_sensitive_path", "parse_rules", "profile_repo_findings", "scan_paths", "scan_repo", "scan_text",
    "tool_kind",
]

CHECK_NOT_IN_FILES = "repo.secrets.not_in_files"
CHECK_EXCLUDED = "repo.secrets.excluded_from_agent_context"

MAX_FILE_BYTES = 2 * 1024 * 1024
ALLOW_FILE = ".questionnaire-allow-secrets"
MAX_LISTED = 200  # cap of hits / exposures listed per repository in the evidence

# Directories never walked for sensitive files (dependency caches, VCS data).
_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".pytest_cache"}

REGISTRY_METADATA: dict[str, dict[str, Any]] = {
    CHECK_NOT_IN_FILES: {
        "topic": "coding_agents",
        "title": "No secrets in files readable by coding agents",
        "profile_field": "controls.coding_agents.no_secrets_in_readable_files",
        "iam_actions": [],
        "proves": "The tracked files of each declared repository contain no credentials "
        "(known key formats, high-entropy secret assignments, committed .env files).",
    },
    CHECK_EXCLUDED: {
        "topic": "coding_agents",
        "title": "Secrets excluded from coding agents' context",
        "profile_field": "controls.coding_agents.secrets_excluded_from_context",
        "iam_actions": [],
        "proves": "Every sensitive file in each declared repository is covered by the exclusion "
        "rules of every declared coding tool, and .env files are ignored by git.",
    },
}


# --------------------------------------------------------------------------- scanning


@dataclass
class RepoScan:
    root: Path
    name: str
    display: str
    is_git: bool = False
    files_scanned: int = 0
    skipped_binary: int = 0
    skipped_large: int = 0
    allowed: int = 0
    hits: list[SecretHit] = field(default_factory=list)
    sensitive: list[str] = field(default_factory=list)
    tools: list[dict[str, Any]] = field(default_factory=list)  # per tool: kind, status, exposed, note
    gitignore_exposed: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        """The JSON evidence record (masked; no secret text)."""
        return {
            "repository": self.display,
            "git": self.is_git,
            "files_scanned": self.files_scanned,
            "skipped_binary": self.skipped_binary,
            "skipped_large": self.skipped_large,
            "allowed": self.allowed,
            "secrets": [h.to_dict() for h in self.hits[:MAX_LISTED]],
            "secrets_total": len(self.hits),
            "sensitive_files": self.sensitive[:MAX_LISTED],
            "sensitive_files_total": len(self.sensitive),
            "env_files_not_gitignored": self.gitignore_exposed[:MAX_LISTED],
            "tools": self.tools,
        }


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False, timeout=300
    )


def _is_git_repo(root: Path) -> bool:
    try:
        r = _git(root, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0


def _walk(root: Path) -> tuple[list[str], set[str]]:
    """All files (posix, relative) and folders under root, skipping _SKIP_DIRS and symlinks."""
    files: list[str] = []
    dirs: set[str] = set()
    stack = [("", root)]
    while stack:
        rel, path = stack.pop()
        try:
            with os.scandir(path) as it:
                for e in it:
                    r = f"{rel}/{e.name}" if rel else e.name
                    try:
                        if e.is_symlink():
                            continue
                        if e.is_dir():
                            if e.name not in _SKIP_DIRS:
                                dirs.add(r)
                                stack.append((r, Path(e.path)))
                        elif e.is_file():
                            files.append(r)
                    except OSError:
                        continue
        except OSError:
            continue
    return files, dirs


def _read_text(path: Path, scan: RepoScan) -> str | None:
    try:
        st = path.stat()
        if st.st_size > MAX_FILE_BYTES:
            scan.skipped_large += 1
            return None
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if b"\0" in data[:8192]:
        scan.skipped_binary += 1
        return None
    return data.decode("utf-8", errors="replace")


Progress = Callable[[int, int], None]



def _tracked_files(root: Path, shown: Path | str, is_git: bool, walked: list[str]) -> list[str]:
    """Files git tracks under root (relative to root); every walked file when root is not a git checkout."""
    if not is_git:
        return list(walked)
    r = _git(root, "ls-files", "-z", "--cached", "--full-name", "--", ".")
    if r.returncode != 0:
        raise UserInputError(f"{shown}: git ls-files failed: {r.stderr.decode(errors='replace').strip()[:200]}")
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode().strip()
    tracked = [p for p in r.stdout.decode("utf-8", errors="replace").split("\0") if p]
    if prefix:
        tracked = [p[len(prefix):] for p in tracked if p.startswith(prefix)]
    return tracked


def _allow_rules(root: Path) -> list[Rule]:
    af = root / ALLOW_FILE
    if not af.is_file():
        return []
    return parse_rules(af.read_text(encoding="utf-8", errors="replace"), "", ALLOW_FILE)


def _scan_tracked(scan: RepoScan, tracked: list[str], allow_rules: list[Rule], progress: Progress | None) -> None:
    """Secrets in tracked files (and committed .env files) into scan.hits."""
    total = len(tracked)
    for i, rel in enumerate(tracked, 1):
        if progress and (i % 500 == 0 or i == total):
            progress(i, total)
        if allow_rules and is_excluded(allow_rules, rel):
            scan.allowed += 1
            continue
        fp = scan.root / rel
        if not fp.is_file() or fp.is_symlink():
            continue
        if is_env_file(PurePosixPath(rel).name):
            scan.hits.append(SecretHit(rel, None, "committed-env-file" if scan.is_git else "env-file", "***"))
        text = _read_text(fp, scan)
        if text is None:
            continue
        scan.files_scanned += 1
        hits, allowed = scan_text(text, rel)
        scan.hits.extend(hits)
        scan.allowed += allowed


def _env_not_gitignored(scan: RepoScan, dirs: set[str]) -> list[str]:
    """The sensitive .env* files that git does not ignore."""
    env_files = [p for p in scan.sensitive if is_env_file(PurePosixPath(p).name)]
    if not env_files:
        return []
    if scan.is_git:
        r = _git(scan.root, "check-ignore", "-z", "--stdin", stdin="\0".join(env_files).encode() + b"\0")
        ignored = {p for p in r.stdout.decode("utf-8", errors="replace").split("\0") if p}
        return [p for p in env_files if p not in ignored]
    rules = ignore_file_rules(scan.root, ".gitignore", True, dirs) or []
    return [p for p in env_files if not is_excluded(rules, p)]


def _tool_entry(scan: RepoScan, declared: str, tk: ToolKind | None, dirs: set[str]) -> dict[str, Any]:
    """One coding tool's verdict on the sensitive files: status, exposed files, note."""
    entry: dict[str, Any] = {"tool": declared, "kind": tk.kind if tk else None}
    if tk is None:
        entry.update(status="UNKNOWN", exposed=[], note="unrecognised tool: no known exclusion mechanism to check")
    elif tk.exclusion_file is None:
        entry.update(status="UNKNOWN" if scan.sensitive else "PASS", exposed=[], note=tk.hint)
    else:
        problem = None
        if tk.kind == "claude_code":
            rules, problem = claude_rules(scan.root)
        else:
            rules = ignore_file_rules(scan.root, tk.exclusion_file, tk.nested, dirs)
        exposed = [p for p in scan.sensitive if not is_excluded(rules or [], p)]
        note = problem or (f"{tk.exclusion_file} missing" if rules is None else f"rules from {tk.exclusion_file}")
        entry.update(
            status="FAIL" if exposed else "PASS",
            exposed=exposed[:MAX_LISTED],
            exposed_total=len(exposed),
            exclusion_file=tk.exclusion_file,
            note=note,
        )
    return entry


def _tool_entries(scan: RepoScan, tools: list[str] | None, dirs: set[str]) -> list[dict[str, Any]]:
    """The declared tools (or, when none is named, those configured in the repository), once per kind."""
    if tools:
        kinds: list[tuple[str, ToolKind | None]] = [(t, tool_kind(t)) for t in tools]
    else:
        kinds = [(tk.label, tk) for tk in TOOL_KINDS if tk.exclusion_file and (scan.root / tk.exclusion_file).is_file()]
    seen: set[str] = set()
    entries = []
    for declared, tk in kinds:
        key = tk.kind if tk else declared
        if key not in seen:
            seen.add(key)
            entries.append(_tool_entry(scan, declared, tk, dirs))
    return entries


def scan_repo(
    path: Path | str,
    tools: list[str] | None = None,
    *,
    display: str | None = None,
    progress: Progress | None = None,
) -> RepoScan:
    """Scan one repository. ``tools`` are free-text tool names (None/[]: tools configured in the repo)."""
    root = Path(path)
    if not root.is_dir():
        raise UserInputError(f"{path}: not a directory")
    name = root.resolve().name or "repo"
    scan = RepoScan(root=root, name=name, display=display or str(path))
    scan.is_git = _is_git_repo(root)
    walked, dirs = _walk(root)
    tracked = _tracked_files(root, path, scan.is_git, walked)
    allow_rules = _allow_rules(root)
    _scan_tracked(scan, tracked, allow_rules, progress)
    # sensitive files present in the working tree
    present = set(walked) | {p for p in tracked if (root / p).is_file()}
    scan.sensitive = sorted(
        p for p in present if is_sensitive_path(p) and not (allow_rules and is_excluded(allow_rules, p))
    )
    scan.gitignore_exposed = _env_not_gitignored(scan, dirs)
    scan.tools = _tool_entries(scan, tools, dirs)
    return scan


# --------------------------------------------------------------------------- findings


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _short(items: list[str], n: int = 3) -> str:
    s = ", ".join(items[:n])
    return s + (f" (+{len(items) - n} more)" if len(items) > n else "")


def findings_for(
    scan: RepoScan,
    *,
    subject: str | None = None,
    declared_no_secrets: Any = None,
    declared_excluded: Any = None,
) -> tuple[list[Finding], RawResponse]:
    subject = subject or scan.name
    raw = RawResponse(
        service="repo",
        operation="scan",
        region=None,
        params={"repository": scan.display, "tools": [t["tool"] for t in scan.tools]},
        response=scan.record(),
        timestamp=_now(),
        path=f"raw/global/repo/{subject}-scan.json",
    )
    ev = (raw.path,)

    # not_in_files
    n = len(scan.hits)
    if n:
        listed = [f"{h.path}:{h.line} {h.kind}" if h.line else f"{h.path} {h.kind}" for h in scan.hits]
        msg = f"{n} secret(s) in tracked files: {_short(listed)}"
        st = Status.FAIL
    else:
        msg = f"no secrets in {scan.files_scanned} tracked file(s)"
        if scan.allowed:
            msg += f" ({scan.allowed} allow-listed)"
        st = Status.PASS
    observed = {"secrets": n, "files_scanned": scan.files_scanned, "allowed": scan.allowed}
    f1 = Finding(CHECK_NOT_IN_FILES, None, None, st, declared_no_secrets, observed, msg, ev, subject)

    # excluded_from_agent_context
    fails = [t for t in scan.tools if t["status"] == "FAIL"]
    unknown = [t for t in scan.tools if t["status"] == "UNKNOWN"]
    parts: list[str] = []
    if scan.gitignore_exposed:
        parts.append(f".env file(s) not ignored by git: {_short(scan.gitignore_exposed)}")
    for t in fails:
        parts.append(f"exposed to {t['tool']}: {_short(t['exposed'])} ({t['note']})")
    if parts:
        st2 = Status.FAIL
        msg2 = "; ".join(parts)
    elif not scan.sensitive:
        st2 = Status.PASS
        msg2 = "no sensitive files (.env*, *.pem, *.key, credentials*, secrets/) in the repository"
    elif not scan.tools:
        st2 = Status.UNKNOWN
        msg2 = (f"{len(scan.sensitive)} sensitive file(s) but no coding tool named or configured; "
                "declare controls.coding_agents.tools or pass --tool")
    elif unknown:
        st2 = Status.UNKNOWN
        msg2 = "; ".join(f"{t['tool']}: {t['note']}" for t in unknown)
    else:
        st2 = Status.PASS
        msg2 = f"{len(scan.sensitive)} sensitive file(s) excluded for " + ", ".join(t["tool"] for t in scan.tools)
    observed2 = {
        "sensitive_files": len(scan.sensitive),
        "env_not_gitignored": len(scan.gitignore_exposed),
        "tools": {t["tool"]: t["status"] for t in scan.tools},
    }
    f2 = Finding(CHECK_EXCLUDED, None, None, st2, declared_excluded, observed2, msg2, ev, subject)
    return [f1, f2], raw


def _unique_subjects(names: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for n in names:
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n}-{seen[n]}")
    return out


def scan_paths(
    paths: list[Path | str],
    tools: list[str] | None = None,
    *,
    declared_no_secrets: Any = None,
    declared_excluded: Any = None,
    progress: Callable[[str, int, int], None] | None = None,
    base_dir: Path | None = None,
) -> tuple[list[Finding], list[RawResponse]]:
    findings: list[Finding] = []
    raws: list[RawResponse] = []
    resolved = [(p, (base_dir / p) if base_dir else Path(p)) for p in paths]
    subjects = _unique_subjects([Path(r).resolve().name or "repo" for _, r in resolved])
    for (shown, real), subject in zip(resolved, subjects):
        cb = (lambda d, t, s=subject: progress(s, d, t)) if progress else None
        scan = scan_repo(real, tools, display=str(shown), progress=cb)
        fs, raw = findings_for(
            scan, subject=subject, declared_no_secrets=declared_no_secrets, declared_excluded=declared_excluded
        )
        findings.extend(fs)
        raws.append(raw)
    return findings, raws


def profile_repo_findings(loaded: Any, progress: Any = None) -> tuple[list[Finding], list[RawResponse]]:
    """Findings and evidence for ``controls.coding_agents.repositories`` (relative to the profile).

    A repository that is missing yields UNKNOWN findings instead of stopping the whole check.
    """
    ca = loaded.profile.controls.coding_agents
    if ca is None or not ca.repositories:
        return [], []
    findings: list[Finding] = []
    raws: list[RawResponse] = []
    base = Path(loaded.base_dir)
    subjects = _unique_subjects([(base / r).resolve().name or "repo" for r in ca.repositories])
    for repo, subject in zip(ca.repositories, subjects):
        real = base / repo
        if not real.is_dir():
            msg = f"repository not found: {repo} (relative to the profile)"
            for cid, decl in ((CHECK_NOT_IN_FILES, ca.no_secrets_in_readable_files),
                              (CHECK_EXCLUDED, ca.secrets_excluded_from_context)):
                findings.append(Finding(cid, None, None, Status.UNKNOWN, decl, None, msg, (), subject))
            continue
        try:
            scan = scan_repo(real, list(ca.tools), display=repo)
        except (QuestionnaireError, OSError) as e:
            msg = f"repository {repo} could not be scanned: {e}"
            for cid, decl in ((CHECK_NOT_IN_FILES, ca.no_secrets_in_readable_files),
                              (CHECK_EXCLUDED, ca.secrets_excluded_from_context)):
                findings.append(Finding(cid, None, None, Status.UNKNOWN, decl, None, msg, (), subject))
            continue
        fs, raw = findings_for(
            scan,
            subject=subject,
            declared_no_secrets=ca.no_secrets_in_readable_files,
            declared_excluded=ca.secrets_excluded_from_context,
        )
        findings.extend(fs)
        raws.append(raw)
    return findings, raws
