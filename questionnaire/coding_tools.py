"""The coding tools whose context exclusion can be read from a checkout, and their rules."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from questionnaire.ignore_rules import Rule, parse_rule, parse_rules

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


def claude_rules(root: Path) -> tuple[list[Rule] | None, str | None]:
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


def ignore_file_rules(root: Path, name: str, nested: bool, dirs: Iterable[str]) -> list[Rule] | None:
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
