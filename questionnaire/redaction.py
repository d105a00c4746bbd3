"""Structural redaction of API responses before they are written to a bundle.

The tool never asks for secret values (no ``GetSecretValue``, ever), but API
responses can still carry credentials by accident: a tag named ``db-password``,
a description with an access key, a policy document with a password in a
condition, a presigned URL. :func:`redact` walks a JSON-like value and replaces

- values of keys whose *name* says they are secret (``Password``,
  ``SecretAccessKey``, ``SessionToken``, ``client_secret``, ...), but not
  pagination tokens (``NextToken``) or metadata (``PasswordLastUsed``);
- the ``Value`` of ``{"Key": ..., "Value": ...}`` pairs (tags, parameters,
  environment variables) whose key names a secret;
- inside every string: AWS access key ids (AKIA/ASIA), secret access keys,
  STS session tokens, PEM blocks, JWTs, presigned-URL signatures
  (``X-Amz-Signature``, ``X-Amz-Security-Token``, ``Signature=``), passwords in
  URLs (``scheme://user:pw@host``) and ``password=...``-style assignments;
- strings that are themselves JSON (policy documents, also URL-encoded) are
  parsed, redacted recursively and re-serialised.

Each replaced value becomes ``[REDACTED:<kind>]`` and is counted, so the
manifest can say how many values were redacted in each file. Pure Python, no
I/O.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import quote, unquote

MARK = "[REDACTED:{}]"
_MAX_NESTED_JSON = 1024 * 1024  # do not try to parse strings larger than this as JSON

# ----------------------------------------------------------------------------- key names


def _norm(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


# normalised key names that end like a secret...
_SECRET_SUFFIXES = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "secretkey",
    "secretaccesskey",
    "sessiontoken",
    "securitytoken",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "authtoken",
    "bearertoken",
    "apikey",
    "privatekey",
    "secretstring",
    "secretbinary",
    "token",
    "connectionstring",
    "authorization",
)
_SECRET_EXACT = frozenset({"pwd", "pass", "credentials", "credential", "cookie", "setcookie"})
# ...except these, which are pagination cursors or idempotency keys, not secrets
_NOT_SECRET = frozenset(
    {
        "nexttoken",
        "continuationtoken",
        "nextcontinuationtoken",
        "paginationtoken",
        "startingtoken",
        "clienttoken",
        "clientrequesttoken",
        "idempotencytoken",
        "nextpagetoken",
        "pagetoken",
        "marker",
        "nextmarker",
    }
)
# substrings that make a *tag key* (Key/Value pairs) sensitive
_TAG_SENSITIVE = ("password", "passwd", "secret", "token", "apikey", "privatekey", "credential", "pwd")

_PAIR_NAME_KEYS = ("Key", "key", "TagKey", "Name", "name", "ParameterKey", "ParameterName", "OptionName")
_PAIR_VALUE_KEYS = ("Value", "value", "TagValue", "ParameterValue", "OptionValue")


def secret_key_name(key: str) -> bool:
    """True when a dict key's name says its (string) value is a secret."""
    n = _norm(key)
    if not n or n in _NOT_SECRET:
        return False
    return n in _SECRET_EXACT or n.endswith(_SECRET_SUFFIXES)


def _sensitive_tag_key(name: str) -> bool:
    n = _norm(name)
    return bool(n) and n not in _NOT_SECRET and any(s in n for s in _TAG_SENSITIVE)


# ----------------------------------------------------------------------------- value patterns

_B64 = r"A-Za-z0-9/+="
_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    # (kind, pattern, group to replace; 0 = whole match)
    ("pem", re.compile(r"-----BEGIN [A-Z0-9 ]{1,64}-----.*?(?:-----END [A-Z0-9 ]{1,64}-----|$)", re.S), 0),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), 0),
    ("aws-access-key-id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"), 0),
    # STS session tokens start with these base64 prefixes
    ("aws-session-token", re.compile(rf"(?:FwoGZXIvYXdzE|IQoJb3JpZ2lu|FQoGZXIvYXdzE)[{_B64}]{{20,}}"), 0),
    (
        "url-signature",
        re.compile(r"(?i)(?:[?&;]|\b)(?:X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|Signature)=([^&\s\"'<>]+)"),
        1,
    ),
    ("url-password", re.compile(r"(?i)\b[a-z][a-z0-9+.-]{1,20}://[^/\s:@]{1,256}:([^@\s/]{1,256})@"), 1),
    (
        "password",
        re.compile(
            r"(?i)(?<![:/])\b(?:password|passwd|pwd|passphrase|secret|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)"
            r"(?:\s*=\s*|\s*:\s+)([^\s,;&\"'<>]{3,})"
        ),
        1,
    ),
    # a bare 40-character AWS secret access key: mixed case + digits, not hex
    ("aws-secret-access-key", re.compile(rf"(?<![{_B64}])[{_B64}]{{40}}(?![{_B64}])"), 0),
]


def _looks_like_secret_key(s: str) -> bool:
    if re.fullmatch(r"[0-9a-fA-F]{40}", s):  # sha1 / hex digests
        return False
    if "/" in s and all(re.fullmatch(r"[a-z0-9-]*|(?:[A-Z][a-z]+)+", part) for part in s.split("/")):
        return False  # an evidence path such as 1/bedrock/GetFoundationModelAvailability (words, not random)
    return bool(re.search(r"[a-z]", s) and re.search(r"[A-Z]", s) and re.search(r"[0-9]", s))


def redact_text(text: str, counts: Counter[str]) -> str:
    """Replace secret-looking substrings of ``text``; count each replacement by kind."""
    for kind, pattern, group in _PATTERNS:
        if kind == "aws-secret-access-key" and len(text) < 40:
            continue

        def repl(m: re.Match[str], kind: str = kind, group: int = group) -> str:
            value = m.group(group)
            if value is None or value.startswith("[REDACTED"):
                return m.group(0)
            if kind == "aws-secret-access-key" and not _looks_like_secret_key(value):
                return m.group(0)
            counts[kind] += 1
            if group == 0:
                return MARK.format(kind)
            start, end = m.span(group)
            base = m.start(0)
            whole = m.group(0)
            return whole[: start - base] + MARK.format(kind) + whole[end - base :]

        text = pattern.sub(repl, text)
    return text


# ----------------------------------------------------------------------------- structure


def _redact_string(s: str, counts: Counter[str]) -> str:
    stripped = s.strip()
    if stripped and len(s) <= _MAX_NESTED_JSON:
        # a JSON document inside a string (policy documents, tag values, descriptions)
        encoded = stripped[:3].upper() in ("%7B", "%5B")
        candidate = unquote(stripped) if encoded else stripped
        if candidate[:1] in "{[":
            try:
                inner = json.loads(candidate)
            except ValueError:
                inner = None
            if isinstance(inner, (dict, list)):
                sub: Counter[str] = Counter()
                out = _walk(inner, sub)
                if not sub:
                    return s
                counts.update(sub)
                text = json.dumps(out, ensure_ascii=False)
                return quote(text, safe="") if encoded else text
    return redact_text(s, counts)


def _walk(value: Any, counts: Counter[str]) -> Any:
    if isinstance(value, str):
        return _redact_string(value, counts)
    if isinstance(value, (list, tuple)):
        return [_walk(v, counts) for v in value]
    if isinstance(value, dict):
        # {"Key": "db_password", "Value": "..."} pairs (tags, parameters, env vars)
        pair_value_key = None
        for nk in _PAIR_NAME_KEYS:
            name = value.get(nk)
            if isinstance(name, str) and _sensitive_tag_key(name):
                pair_value_key = next((vk for vk in _PAIR_VALUE_KEYS if vk in value), None)
                break
        out: dict[Any, Any] = {}
        for k, v in value.items():
            key = _redact_string(k, counts) if isinstance(k, str) else k
            if k == pair_value_key and isinstance(v, str) and v:
                counts["tagged-secret"] += 1
                out[key] = MARK.format("tagged-secret")
            elif isinstance(k, str) and secret_key_name(k) and isinstance(v, str) and v and not v.startswith("[REDACTED"):
                counts["secret-field"] += 1
                out[key] = MARK.format("secret-field")
            else:
                out[key] = _walk(v, counts)
        return out
    return value


def redact(value: Any) -> tuple[Any, int]:
    """Return ``(redacted copy, number of values redacted)``; the input is not changed."""
    counts: Counter[str] = Counter()
    out = _walk(value, counts)
    return out, sum(counts.values())


def redact_with_kinds(value: Any) -> tuple[Any, dict[str, int]]:
    """Like :func:`redact` but with the count per kind (``{"aws-access-key-id": 2, ...}``)."""
    counts: Counter[str] = Counter()
    out = _walk(value, counts)
    return out, dict(sorted(counts.items()))
