"""Credentials in one file's text, and which paths count as sensitive (pure functions, no I/O).

A small pattern set (the token formats shared with the redactor, PEM private keys, user:password@ URLs)
with entropy checks, and generic high-entropy assignments to password/secret/token names. Hits report
line and kind, never the secret (it is masked: first 4 characters + ``***``). A line carrying the
``questionnaire: allow-secret`` marker (or below a line that does) is allow-listed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from questionnaire.secret_formats import TOKEN_FORMATS, entropy

ALLOW_MARKER = "questionnaire: allow-secret"
MAX_PER_FILE = 100  # hits reported per file

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

