"""gitignore-style rules: parsing and matching (used for .gitignore, coding tools' ignore files and the
allow-list file)."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
