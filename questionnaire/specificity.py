"""Specificity: a broader entry does not answer a question about another topic.

A question naming a concept (audit, logging, retention, residency, training, network,
secrets, governance, staff competence...) outside the matched entry's topic is not
answered by that entry: the matcher abstains (issue 16.4). "Do you use AI to review log
files?" asks about AI as a tool for something else and is answered by no entry but the
general ones, and by those only when the purpose names no other topic's concept.
Concepts, per-entry extra coverage and the tool-use pattern are data:
``templates/specificity.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from questionnaire.errors import InputFileError
from questionnaire.lazyre import PatternSet
from questionnaire.polarity import load_validated, prepare


@dataclass(frozen=True)
class Specificity:
    concepts: dict[str, re.Pattern[str]]
    covers: dict[str, frozenset[str]]
    tool_use: tuple[re.Pattern[str], ...]
    general: frozenset[str]

    def conflict(self, question: str, entry_id: str, topic: str) -> str | None:
        """Why ``entry_id`` (of ``topic``) must not answer ``question``, or None."""
        t = prepare(question)
        covered = {topic} | self.covers.get(entry_id, frozenset())
        tool = next((m for rx in self.tool_use for m in [rx.search(t)] if m), None)
        if tool is not None and entry_id not in self.general:
            return f"the question asks about using AI for something else ('{tool.group(0).strip()}')"
        for name, rx in self.concepts.items():
            if name in covered:
                continue
            m = rx.search(t)
            if m:
                return f"the question names '{m.group(0)}' ({name}), outside {entry_id}'s topic"
        return None


def _compile(path: Path, data: dict[str, Any], lazy: bool = False) -> Specificity:
    make = PatternSet("specificity", lazy)
    try:
        concepts = {str(k): make(r"(?<![a-z0-9])(?:" + "|".join(v) + r")(?![a-z0-9])")
                    for k, v in (data.get("concepts") or {}).items()}
        tool = tuple(make(p) for p in data.get("tool_use") or [])
    except (re.error, TypeError) as e:
        raise InputFileError(f"{path}: bad pattern: {e}") from None
    covers = {str(k): frozenset(str(x) for x in (v or [])) for k, v in (data.get("covers") or {}).items()}
    make.finish()
    return Specificity(concepts, covers, tool, frozenset(str(g) for g in data.get("general") or []))


@lru_cache(maxsize=4)
def load_specificity(path: str | None = None) -> Specificity:
    """templates/specificity.yaml, compiled (an unreadable or malformed file is an InputFileError)."""
    from questionnaire.resources import templates_dir

    p = Path(path) if path else templates_dir() / "specificity.yaml"
    return load_validated(p, "specificity", _compile)
