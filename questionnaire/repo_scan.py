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

import bisect
import json
import os
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

from questionnaire.errors import QuestionnaireError, UserInputError
from questionnaire.findings import Finding, RawResponse, Status
from questionnaire.secret_formats import TOKEN_FORMATS, entropy

CHECK_NOT_IN_FILES = "repo.secrets.not_in_files"
CHECK_EXCLUDED = "repo.secrets.excluded_from_agent_context"

MAX_FILE_BYTES = 2 * 1024 * 1024
ALLOW_MARKER = "questionnaire: allow-secret"
ALLOW_FILE = ".questionnaire-allow-secrets"
MAX_PER_FILE = 100  # hits reported per file
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


# --------------------------------------------------------------------------- masking / entropy


def mask(secret: str) -> str:
    """First 4 characters + ``***``; never more of the secret."""
    return (secret[:4] if len(secret) > 8 else "") + "***"


# --------------------------------------------------------------------------- secret patterns

_PEM_RE = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY_RE = re.compile(r"^(?:[A-Za-z0-9+/=]{20,}|Proc-Type:.*|Version:.*)$")

# what follows a secret-ish name (the name is matched by substring search, see scan_text)
_AFTER_NAME_RE = re.compile(
    r"(?P<rest>[A-Za-z0-9_.\-]{0,40})[\"']?\s{0,5}(?::=|=>|=|:)\s{0,5}(?P<q>[\"'`]?)(?P<val>[^\s\"'`,;]{12,400})"
)
_PLACEHOLDER_RE = re.compile(
    r"example|changeme|change_me|placeholder|dummy|your[_\-]|xxxx|\*\*\*|redacted|todo|fixme"
    r"|^<.*>$|\{\{|\$\{|^\$|%\(|\(|\[",
    re.IGNORECASE,
)
_IDENT_CHAIN_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$|^[A-Za-z_\-]+$")

# scheme://user:password@host
_URL_CRED_RE = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://[^/\s:@'\"]{1,100}:(?P<pw>[^/\s@'\"]{1,200})@[A-Za-z0-9.\-\[]")

_ENV_EXAMPLE_SUFFIXES = {"example", "sample", "template", "dist", "defaults", "tpl", "in"}


def is_env_file(name: str) -> bool:
    """``.env`` or ``.env.<x>`` (not an example/sample/template)."""
    if name == ".env":
        return True
    if name.startswith(".env."):
        return name.split(".")[-1].lower() not in _ENV_EXAMPLE_SUFFIXES
    return False


def is_sensitive_path(rel: str) -> bool:
    p = PurePosixPath(rel)
    name = p.name
    low = name.lower()
    if is_env_file(name) or low.endswith((".pem", ".key")) or low.startswith("credentials"):
        return True
    return any(part.lower() == "secrets" for part in p.parts[:-1])


@dataclass(frozen=True)
class SecretHit:
    path: str
    line: int | None
    kind: str
    masked: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "kind": self.kind, "masked": self.masked}


_NOT_SECRET_NAME_SUFFIXES = (
    "id", "ids", "name", "names", "arn", "url", "uri", "path", "file", "type", "ttl", "length", "count",
    "region", "manager", "header", "field", "env", "var", "ref", "source", "label", "policy", "endpoint",
)
# lower-case identifiers with a path/ARN separator ("acme/insights/db-credentials", "eu-west-1:...")
_PATHLIKE_RE = re.compile(r"^[a-z0-9_.\-]+(?:[/:][a-z0-9_.\-]+)+/?$")


def _generic_ok(val: str) -> bool:
    if "://" in val and "@" not in val:
        return False  # a URL (token endpoint, docs link); user:password@host URLs are still checked
    if _PLACEHOLDER_RE.search(val) or _IDENT_CHAIN_RE.match(val) or _PATHLIKE_RE.match(val):
        return False
    if val.isdigit() or len(set(val)) < 6:
        return False
    classes = sum(
        (any(c.islower() for c in val), any(c.isupper() for c in val), any(c.isdigit() for c in val),
         any(not c.isalnum() for c in val))
    )
    return classes >= 2 and entropy(val) >= 3.2


def scan_text(text: str, rel: str) -> tuple[list[SecretHit], int]:
    """Return (hits, allowed_count) for one file's text."""
    hits: list[SecretHit] = []
    allowed = 0
    if not text:
        return hits, 0
    lines: list[str] | None = None
    spans: list[tuple[int, int]] = []

    newlines: list[int] | None = None

    def line_of(pos: int) -> int:
        nonlocal newlines
        if newlines is None:
            newlines = [m.start() for m in re.finditer("\n", text)]
        return bisect.bisect_left(newlines, pos) + 1

    def is_allowed(lineno: int) -> bool:
        nonlocal lines
        if ALLOW_MARKER not in text:
            return False
        if lines is None:
            lines = text.split("\n")
        here = lines[lineno - 1] if lineno - 1 < len(lines) else ""
        above = lines[lineno - 2] if lineno >= 2 else ""
        return ALLOW_MARKER in here or ALLOW_MARKER in above

    def add(kind: str, start: int, end: int, secret: str) -> None:
        nonlocal allowed
        if len(spans) >= MAX_PER_FILE:
            return  # a file this full of secrets is reported by its first MAX_PER_FILE
        for s, e in spans:
            if start < e and s < end:
                return
        spans.append((start, end))
        ln = line_of(start)
        if is_allowed(ln):
            allowed += 1
            return
        hits.append(SecretHit(rel, ln, kind, mask(secret)))

    for fmt in TOKEN_FORMATS:  # the one list of token formats, shared with the redactor
        if not any(p in text for p in fmt.prefixes):
            continue
        for m in fmt.regex.finditer(text):
            tok = m.group(0)
            if "EXAMPLE" in tok.upper() or entropy(fmt.body(tok)) < fmt.min_entropy:
                continue
            add(fmt.kind, m.start(), m.end(), tok)

    if "PRIVATE KEY" in text:
        for m in _PEM_RE.finditer(text):
            rest = text[m.end():m.end() + 200].lstrip("\r\n").split("\n", 1)[0].strip()
            if _PEM_BODY_RE.match(rest):
                add("private-key", m.start(), m.end(), "-----BEGIN")

    if "://" in text and "@" in text:
        for m in _URL_CRED_RE.finditer(text):
            pw = m.group("pw")
            if len(pw) >= 8 and not _PLACEHOLDER_RE.search(pw) and entropy(pw) >= 3.0:
                add("url-credentials", m.start("pw"), m.end("pw"), pw)

    low = text.translate(_ASCII_LOWER)  # same length as text (str.lower() may not be)
    for kw in _KEYWORDS:
        i = low.find(kw)
        while i != -1:
            m = _AFTER_NAME_RE.match(text, i + len(kw))
            if m:
                ns = i
                while ns > 0 and i - ns < 40 and (text[ns - 1].isalnum() or text[ns - 1] in "_.-"):
                    ns -= 1
                name = re.sub(r"[^a-z]", "", low[ns:m.end("rest")])
                # SecretId, token_url, arn:...:secret:name -> names of secrets, not values
                if not name.endswith(_NOT_SECRET_NAME_SUFFIXES) and text[ns - 1:ns] != ":":
                    val = m.group("val")
                    if _generic_ok(val):
                        add("generic-secret", m.start("val"), m.end("val"), val)
            i = low.find(kw, i + len(kw))
    return hits, allowed


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_KEYWORDS = ("password", "passwd", "pwd", "secret", "token", "apikey", "api_key", "api-key", "accesskey",
             "access_key", "access-key", "authkey", "auth_key", "auth-key", "credential", "privatekey",
             "private_key", "private-key")


# --------------------------------------------------------------------------- gitignore-style rules


@dataclass(frozen=True)
class Rule:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool
    base: str  # "" = repository root, else "sub/dir"
    source: str


def _translate(pat: str) -> str:
    i, n, out = 0, len(pat), []
    while i < n:
        c = pat[i]
        if c == "*":
            if pat[i:i + 2] == "**":
                # "**/" -> any leading dirs; "/**" at end -> everything inside; lone "**" -> anything
                if pat[i:i + 3] == "**/":
                    out.append("(?:.*/)?")
                    i += 3
                    continue
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pat.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                cls = pat[i + 1:j].replace("\\", "\\\\")
                if cls.startswith("!"):
                    cls = "^" + cls[1:]
                out.append(f"[{cls}]")
                i = j
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pat[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def parse_rule(line: str, base: str = "", source: str = "") -> Rule | None:
    """One gitignore line -> Rule (None for blanks and comments)."""
    s = line.rstrip("\n").rstrip("\r")
    if not s.strip() or s.startswith("#"):
        return None
    s = s.rstrip() if not s.endswith("\\ ") else s
    negate = s.startswith("!")
    if negate:
        s = s[1:]
    if s.startswith("\\"):
        s = s[1:]
    dir_only = s.endswith("/")
    s = s.rstrip("/")
    if not s:
        return None
    anchored = "/" in s
    s = s.lstrip("/")
    body = _translate(s)
    if not anchored:
        body = "(?:.*/)?" + body
    return Rule(re.compile(f"^{body}$"), negate, dir_only, base, source)


def parse_rules(text: str, base: str = "", source: str = "") -> list[Rule]:
    rules = []
    for line in text.splitlines():
        r = parse_rule(line, base, source)
        if r:
            rules.append(r)
    return rules


def _verdict(rules: list[Rule], path: str, is_dir: bool) -> bool | None:
    result = None
    for r in rules:
        if r.base:
            if not path.startswith(r.base + "/"):
                continue
            rel = path[len(r.base) + 1:]
        else:
            rel = path
        if r.dir_only and not is_dir:
            continue
        if r.regex.match(rel):
            result = not r.negate
    return result


def is_excluded(rules: list[Rule], path: str) -> bool:
    """gitignore semantics: a file is excluded when it or one of its parent folders is."""
    if not rules:
        return False
    parts = path.split("/")
    for k in range(1, len(parts)):
        if _verdict(rules, "/".join(parts[:k]), True):
            return True
    return bool(_verdict(rules, path, False))


# --------------------------------------------------------------------------- coding tools


@dataclass(frozen=True)
class ToolKind:
    kind: str
    label: str
    keywords: tuple[str, ...]
    exclusion_file: str | None  # None: cannot be checked from the repository
    nested: bool = False  # exclusion files also honoured in subfolders
    hint: str = ""


TOOL_KINDS: list[ToolKind] = [
    ToolKind("claude_code", "Claude Code", ("claude",), ".claude/settings.json"),
    ToolKind("cursor", "Cursor", ("cursor",), ".cursorignore"),
    ToolKind("gemini_cli", "Gemini CLI", ("gemini cli", "gemini-cli"), ".geminiignore"),
    ToolKind("gemini_code_assist", "Gemini Code Assist", ("gemini", "duet", "android studio"), ".aiexclude", True),
    ToolKind("aider", "Aider", ("aider",), ".aiderignore"),
    ToolKind("windsurf", "Windsurf", ("windsurf", "codeium"), ".codeiumignore"),
    ToolKind("jetbrains_ai", "JetBrains AI Assistant", ("jetbrains", "junie"), ".aiignore"),
    ToolKind(
        "copilot", "GitHub Copilot", ("copilot",), None,
        hint="GitHub Copilot content exclusion is an organisation/repository setting on github.com "
        "(Settings > Copilot > Content exclusion); it cannot be verified from the checkout",
    ),
]


def tool_kind(name: str) -> ToolKind | None:
    """Map a free-text tool name ("Claude Code on the company Team plan") to a ToolKind."""
    low = name.lower()
    for tk in TOOL_KINDS:
        if any(k in low for k in tk.keywords):
            return tk
    key = low.replace(" ", "_").replace("-", "_")
    for tk in TOOL_KINDS:
        if key == tk.kind:
            return tk
    return None


def _claude_rules(root: Path) -> tuple[list[Rule] | None, str | None]:
    """Read deny rules of .claude/settings.json as gitignore rules; (None, problem) when unreadable."""
    f = root / ".claude" / "settings.json"
    if not f.is_file():
        return None, None
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return None, f".claude/settings.json is not valid JSON ({type(e).__name__})"
    deny = ((data or {}).get("permissions") or {}).get("deny") if isinstance(data, dict) else None
    rules: list[Rule] = []
    root_abs = str(root.resolve()).replace(os.sep, "/")
    for entry in deny or []:
        if not isinstance(entry, str):
            continue
        m = re.fullmatch(r"\s*Read(?:\((.*)\))?\s*", entry)
        if not m:
            continue
        pat = (m.group(1) or "").strip()
        if pat in ("", "*", "**", "./**", "/**"):
            pat = "*"
        elif pat.startswith("//"):
            absolute = pat[1:]
            if not absolute.startswith(root_abs + "/"):
                continue
            pat = "/" + absolute[len(root_abs) + 1:]
        elif pat.startswith("~"):
            continue  # home-relative: outside the repository
        elif pat.startswith("./"):
            pat = "/" + pat[2:]
        r = parse_rule(pat, "", f".claude/settings.json: {entry}")
        if r:
            rules.append(r)
    return rules, None


def _ignore_file_rules(root: Path, name: str, nested: bool, dirs: Iterable[str]) -> list[Rule] | None:
    """Rules of a gitignore-style file at the root (and, if nested, in subfolders); None when absent."""
    found = False
    rules: list[Rule] = []
    for d in ([""] + sorted(dirs) if nested else [""]):
        f = root / d / name if d else root / name
        if f.is_file():
            found = True
            try:
                text = f.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            rules.extend(parse_rules(text, d, f"{d + '/' if d else ''}{name}"))
    return rules if found else None


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
    if scan.is_git:
        r = _git(root, "ls-files", "-z", "--cached", "--full-name", "--", ".")
        if r.returncode != 0:
            raise UserInputError(f"{path}: git ls-files failed: {r.stderr.decode(errors='replace').strip()[:200]}")
        prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode().strip()
        tracked = [p for p in r.stdout.decode("utf-8", errors="replace").split("\0") if p]
        if prefix:
            tracked = [p[len(prefix):] for p in tracked if p.startswith(prefix)]
    else:
        tracked = list(walked)

    allow_rules: list[Rule] = []
    af = root / ALLOW_FILE
    if af.is_file():
        allow_rules = parse_rules(af.read_text(encoding="utf-8", errors="replace"), "", ALLOW_FILE)

    # -- secrets in tracked files
    total = len(tracked)
    for i, rel in enumerate(tracked, 1):
        if progress and (i % 500 == 0 or i == total):
            progress(i, total)
        if allow_rules and is_excluded(allow_rules, rel):
            scan.allowed += 1
            continue
        fp = root / rel
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

    # -- sensitive files present in the working tree
    present = set(walked) | {p for p in tracked if (root / p).is_file()}
    scan.sensitive = sorted(
        p for p in present if is_sensitive_path(p) and not (allow_rules and is_excluded(allow_rules, p))
    )
    env_files = [p for p in scan.sensitive if is_env_file(PurePosixPath(p).name)]

    # -- .gitignore covers .env*
    if env_files:
        if scan.is_git:
            r = _git(root, "check-ignore", "-z", "--stdin", stdin="\0".join(env_files).encode() + b"\0")
            ignored = {p for p in r.stdout.decode("utf-8", errors="replace").split("\0") if p}
            scan.gitignore_exposed = [p for p in env_files if p not in ignored]
        else:
            rules = _ignore_file_rules(root, ".gitignore", True, dirs) or []
            scan.gitignore_exposed = [p for p in env_files if not is_excluded(rules, p)]

    # -- each tool's exclusion rules
    kinds: list[tuple[str, ToolKind | None]] = []
    if tools:
        kinds = [(t, tool_kind(t)) for t in tools]
    else:
        for tk in TOOL_KINDS:
            if tk.exclusion_file and (root / tk.exclusion_file).is_file():
                kinds.append((tk.label, tk))
    seen: set[str] = set()
    for declared, tk in kinds:
        key = tk.kind if tk else declared
        if key in seen:
            continue
        seen.add(key)
        entry: dict[str, Any] = {"tool": declared, "kind": tk.kind if tk else None}
        if tk is None:
            entry.update(status="UNKNOWN", exposed=[], note="unrecognised tool: no known exclusion mechanism to check")
        elif tk.exclusion_file is None:
            entry.update(status="UNKNOWN" if scan.sensitive else "PASS", exposed=[], note=tk.hint)
        else:
            problem = None
            if tk.kind == "claude_code":
                rules, problem = _claude_rules(root)
            else:
                rules = _ignore_file_rules(root, tk.exclusion_file, tk.nested, dirs)
            exposed = [p for p in scan.sensitive if not is_excluded(rules or [], p)]
            note = problem or (f"{tk.exclusion_file} missing" if rules is None else f"rules from {tk.exclusion_file}")
            entry.update(
                status="FAIL" if exposed else "PASS",
                exposed=exposed[:MAX_LISTED],
                exposed_total=len(exposed),
                exclusion_file=tk.exclusion_file,
                note=note,
            )
        scan.tools.append(entry)
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
