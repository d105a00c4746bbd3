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

from questionnaire.secret_formats import TOKEN_FORMATS, entropy

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
_TAG_SENSITIVE = ("password", "passwd", "secret", "token", "apikey", "privatekey", "credential", "pwd", "passphrase")
_TAG_SENSITIVE_ENDS = ("pw", "pass", "accesskey", "authkey")  # db-pw, DB_PASS, aws_access_key

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
    return bool(n) and n not in _NOT_SECRET and (any(s in n for s in _TAG_SENSITIVE) or n.endswith(_TAG_SENSITIVE_ENDS))


# ----------------------------------------------------------------------------- value patterns

_B64 = r"A-Za-z0-9/+="
_SECRET_NAME = (
    r"(?:password|passwd|passphrase|pwd|db[_-]?pass|db[_-]?pw|secret[_-]?key|secret|api[_-]?key|access[_-]?token"
    r"|auth[_-]?token|refresh[_-]?token|client[_-]?secret|private[_-]?key|account[_-]?key|shared[_-]?access[_-]?key"
    r"|token)"
)
# (kind, pattern, group to replace; 0 = whole match). Token formats come from secret_formats (one list).
_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    ("pem", re.compile(r"-----BEGIN [A-Z0-9 ]{1,64}-----.*?(?:-----END [A-Z0-9 ]{1,64}-----|$)", re.S), 0),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), 0),
    *[(f.kind, f.regex, 0) for f in TOKEN_FORMATS],
    # STS session tokens start with these base64 prefixes
    ("aws-session-token", re.compile(rf"(?:FwoGZXIvYXdzE|IQoJb3JpZ2lu|FQoGZXIvYXdzE)[{_B64}]{{20,}}"), 0),
    (
        "url-signature",
        re.compile(r"(?i)(?:[?&;]|\b)(?:X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|Signature)=([^&\s\"'<>]+)"),
        1,
    ),
    ("url-password", re.compile(r"(?i)\b[a-z][a-z0-9+.-]{1,20}://[^/\s:@]{1,256}:([^@\s/]{1,256})@"), 1),
    ("authorization", re.compile(r"(?i)\bauthorization[\"']?\s*[:=]\s*[\"']?(?:basic|bearer|token|digest)?\s*([A-Za-z0-9._~+/-]{6,}=*)"), 1),
    ("authorization", re.compile(r"\b(?:Basic|Bearer|basic|bearer)\s+([A-Za-z0-9._~+/-]{12,}=*)"), 1),
    # an AWS secret access key after its name (the value may contain '/')
    (
        "aws-secret-access-key",
        re.compile(rf"(?i)(?:aws_?secret(?:_?access)?(?:_?key)?|secret_?access_?key)[\"']?\s*[:=]?\s*[\"']?([{_B64}]{{40}})(?![{_B64}])"),
        1,
    ),
    # ... or right after an access key id (the pair as it is usually pasted)
    (
        "aws-secret-access-key",
        re.compile(rf"(?:\[REDACTED:aws-access-key-id\]|(?:AKIA|ASIA)[A-Z0-9]{{16}})[^A-Za-z0-9+=]{{1,10}}([{_B64}]{{40}})(?![{_B64}])"),
        1,
    ),
    (
        "password",
        re.compile(
            rf"(?i){_SECRET_NAME}[A-Za-z0-9_-]{{0,20}}[\"']?(?:[ \t]*=[ \t]*|[ \t]*:[ \t]+|(?<=[\"'])[ \t]*:[ \t]*)[\"']?([^\s,;&\"'<>]{{3,}})"
        ),
        1,
    ),
    # a token cut off by a length limit (error messages are truncated): its prefix at the very end
    ("truncated-token", re.compile(
        r"(?<![A-Za-z0-9])(?:" + "|".join(re.escape(p) for f in TOKEN_FORMATS for p in f.prefixes) + r")[A-Za-z0-9_\-]{4,}$"
    ), 0),
    # shape only: a bare 40-character AWS secret access key. Never a path (no '/' in or around it),
    # never an identifier (high entropy, mixed case and digits, no long run of one letter case).
    ("aws-secret-access-key", re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9+=]{40}(?![A-Za-z0-9/+=])"), 0),
    # ... or one with '/' standing alone as a word (whitespace or quotes around it), never raw/... paths
    ("aws-secret-access-key", re.compile(r"(?<![^\s\"'`(])[A-Za-z0-9+][A-Za-z0-9/+]{38}[A-Za-z0-9+=](?=$|[\s\"'`),.;])"), 0),
]
_SHAPE_ONLY = len(_PATTERNS) - 2
_SHAPE_SLASH = len(_PATTERNS) - 1
_PATHLIKE = re.compile(r"^(?:arn:|[a-z0-9_.\-]+(?:[/:][a-z0-9_.\-]+)+/?$|[/.~])")
_WORD_RUN = re.compile(r"[a-z]{7,}")  # CamelCase identifiers and words; random keys rarely have one


def _looks_like_secret_key(s: str) -> bool:
    if re.fullmatch(r"[0-9a-fA-F]{40}", s):  # sha1 / hex digests
        return False
    if not (re.search(r"[a-z]", s) and re.search(r"[A-Z]", s) and re.search(r"[0-9]", s)):
        return False
    return not _WORD_RUN.search(s) and entropy(s) >= 4.2


def _skip(idx: int, kind: str, value: str) -> bool:
    """True when a match is not a secret after all."""
    if value.startswith("[REDACTED") or value.startswith("<redacted"):
        return True
    if idx == _SHAPE_ONLY:
        return not _looks_like_secret_key(value)
    if idx == _SHAPE_SLASH:
        parts = value.split("/")
        if len(parts) < 2 or len(parts) > 5 or "" in parts or value.startswith("raw/"):
            return True
        return not _looks_like_secret_key(value.replace("/", ""))
    if kind == "password":
        return (bool(_PATHLIKE.match(value)) or value.endswith(":") or value[:1] in "[{"
                or value.lower() in ("true", "false", "none", "null", "required"))
    if kind == "authorization":
        return not re.search(r"[0-9+/=]", value)
    return False


def redact_text(text: str, counts: Counter[str], mark: str = MARK) -> str:
    """Replace secret-looking substrings of ``text``; count each replacement by kind."""
    for idx, (kind, pattern, group) in enumerate(_PATTERNS):
        if idx in (_SHAPE_ONLY, _SHAPE_SLASH) and len(text) < 40:
            continue

        def repl(m: re.Match[str], kind: str = kind, group: int = group, idx: int = idx) -> str:
            value = m.group(group)
            if value is None or _skip(idx, kind, value):
                return m.group(0)
            counts[kind] += 1
            if group == 0:
                return mark.format(kind)
            start, end = m.span(group)
            base = m.start(0)
            whole = m.group(0)
            return whole[: start - base] + mark.format(kind) + whole[end - base :]

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
                out = _walk(inner, sub, MAX_DEPTH // 2)
                if not sub:
                    return s
                counts.update(sub)
                text = json.dumps(out, ensure_ascii=False)
                return quote(text, safe="") if encoded else text
    return redact_text(s, counts)


# fields that hold bundle paths and identifiers: never rewritten (a finding must keep citing its evidence)
PROTECTED_KEYS = frozenset({"evidence", "path", "id", "check_id"})
MAX_DEPTH = 200


def _walk(value: Any, counts: Counter[str], depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        counts["too-deep"] += 1
        return MARK.format("too-deep")
    if isinstance(value, str):
        return _redact_string(value, counts)
    if isinstance(value, (list, tuple)):
        return [_walk(v, counts, depth + 1) for v in value]
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
            if k in PROTECTED_KEYS:
                out[k] = v
                continue
            key = _redact_string(k, counts) if isinstance(k, str) else k
            if k == pair_value_key and isinstance(v, str) and v:
                counts["tagged-secret"] += 1
                out[key] = MARK.format("tagged-secret")
            elif isinstance(k, str) and secret_key_name(k) and isinstance(v, str) and v and not v.startswith("[REDACTED"):
                counts["secret-field"] += 1
                out[key] = MARK.format("secret-field")
            else:
                out[key] = _walk(v, counts, depth + 1)
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


# ----------------------------------------------------------------------------- the tool's own outputs

YAML_MARK = "<redacted:{}>"  # a YAML plain scalar may start with '<' (not with '[')


def redact_findings(findings: list) -> list:
    """The findings as every output shows them (console, ``--json``, bundle): values redacted, ids kept."""
    from questionnaire.findings import Finding

    out = []
    for f in findings:
        clean, n = redact(f.to_dict())
        out.append(Finding.from_dict(clean) if n else f)
    return out


def redact_lines(lines: list[str]) -> list[str]:
    """Free text (warnings, error messages) before it is printed or written."""
    counts: Counter[str] = Counter()
    return [redact_text(str(line), counts) for line in lines]


def redact_profile_text(raw: bytes) -> tuple[bytes, int]:
    """``profile.yaml`` with secrets replaced by ``<redacted:kind>``, still a valid profile.

    The text is redacted in place (comments and layout kept); should that ever change the profile's
    structure, the redacted data is written as plain YAML instead (comments lost, never a secret).
    """
    from questionnaire.profile import profile_from_bytes

    counts: Counter[str] = Counter()
    text = raw.decode("utf-8-sig")
    out = redact_text(text, counts, YAML_MARK)
    if not counts:
        return raw, 0
    try:
        profile_from_bytes(out.encode("utf-8"))
        return out.encode("utf-8"), sum(counts.values())
    except Exception:  # noqa: BLE001 - any parse/validation failure: fall back to structural redaction
        import yaml

        clean, n = redact(yaml.safe_load(text))
        dumped = yaml.safe_dump(clean, sort_keys=False, allow_unicode=True).encode("utf-8")
        profile_from_bytes(dumped)  # raises if even that is not a profile (never write something unreadable)
        return dumped, n


def redact_profile(profile: Any) -> Any:
    """A copy of a Profile whose string values are redacted (answers, policy, fill read from it)."""
    data = profile.model_dump(mode="json")
    clean, n = redact(data)
    if not n:
        return profile
    try:
        return type(profile).model_validate(clean)
    except ValueError:
        from questionnaire.errors import UserInputError

        raise UserInputError(
            "the profile holds a value that looks like a credential in a field that cannot hold a redaction "
            "mark; remove the credential from profile.yaml"
        ) from None
