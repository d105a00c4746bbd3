"""The one topics vocabulary (``templates/topics.yaml``): topics of checks and catalog entries, and the
summary section each is reported under."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from questionnaire.errors import InputFileError
from questionnaire.resources import templates_dir

__all__ = ["SECTIONS", "TOPICS", "section_of"]


@lru_cache(maxsize=None)
def _vocabulary() -> dict[str, Any]:
    from questionnaire.knowledge_cache import DataFileProblem, yaml_file

    path = templates_dir() / "topics.yaml"
    try:
        data = yaml_file(path)
    except DataFileProblem as e:
        raise InputFileError(f"{path}: cannot read the topics vocabulary ({e})") from None
    sections, topics, aliases = (data or {}).get("sections"), (data or {}).get("topics"), (data or {}).get("aliases") or {}
    if not isinstance(sections, dict) or not isinstance(topics, dict) or not isinstance(aliases, dict):
        raise InputFileError(f"{path}: expected mappings 'sections', 'topics' and 'aliases'")
    bad = sorted({s for s in topics.values() if s not in sections} | {t for t in aliases.values() if t not in topics})
    if bad:
        raise InputFileError(f"{path}: unknown section or topic {bad[0]!r}")
    return {"sections": [(str(k), str(v)) for k, v in sections.items()], "topics": dict(topics), "aliases": dict(aliases)}


# topic names every check and catalog entry may use
TOPICS: frozenset[str] = frozenset(_vocabulary()["topics"])
# (section key, heading) of the summary, in order
SECTIONS: list[tuple[str, str]] = _vocabulary()["sections"]


def section_of(topic: Any) -> str | None:
    """The summary section of a topic (or of one of its aliases, or of a section name); None if unknown."""
    if not isinstance(topic, str):
        return None
    t = topic.strip().lower().replace(" ", "_").replace("-", "_")
    vocab = _vocabulary()
    t = vocab["aliases"].get(t, t)
    if t in vocab["topics"]:
        return vocab["topics"][t]
    return t if t in dict(vocab["sections"]) else None
