"""What ``fill --library`` reads of an answer-library entry, without the validating models.

``library.py`` validates ``library.yaml`` (pydantic models, FILE:LINE problems) and keeps a valid
file's entries in the user cache under the SHA-256 of its bytes (``cache_key``). ``fill`` run again
on an unchanged library reads those entries back as :class:`LibraryEntry` records (``remembered``)
instead of importing and running the validator. The rules an entry obeys (its Yes/No/N/A value,
staleness, whether it may be written as answered) live here once and serve both kinds of entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_LIBRARY_BYTES = 20 * 1024 * 1024
YES_NO = {"yes": "Yes", "y": "Yes", "no": "No", "n": "No", "na": "N/A", "n/a": "N/A", "n.a.": "N/A",
          "not applicable": "N/A"}


def yes_no(answer: str | None) -> str | None:
    """Yes / No / N/A when ``answer`` is one of those (any case or spacing), else None."""
    return YES_NO.get(" ".join(str(answer or "").lower().split()))


def is_stale(entry: Any, today: dt.date | None = None) -> bool:
    return entry.review_after is not None and entry.review_after < (today or dt.date.today())


def usable(entry: Any, today: dt.date | None = None) -> tuple[bool, str | None]:
    """(may be written as answered, why not): no conflicting answers, approved, not past its review date."""
    if entry.conflicts:
        return False, f"library entry {entry.id} has conflicting answers"
    if not entry.approved_by:
        return False, f"library entry {entry.id} is not approved"
    if is_stale(entry, today):
        return False, f"library entry {entry.id} is past its review date {entry.review_after}"
    return True, None


@dataclass(frozen=True)
class LibraryEntry:
    """One entry of a library already validated (the fields matching and writing use)."""

    id: str
    question: str
    answer: str
    comment: str | None
    phrasings: tuple[str, ...]
    topic: str | None
    approved_by: str | None
    review_after: dt.date | None
    conflicts: int  # how many other answers were seen for this question

    @property
    def value(self) -> str | None:
        return yes_no(self.answer)

    def is_stale(self, today: dt.date | None = None) -> bool:
        return is_stale(self, today)

    def usable(self, today: dt.date | None = None) -> tuple[bool, str | None]:
        return usable(self, today)

    @classmethod
    def of(cls, e: dict[str, Any]) -> LibraryEntry:
        """From an entry as the validated library dumps it (``model_dump(mode="json")``)."""
        review = e.get("review_after")
        return cls(e["id"], e["question"], e["answer"], e.get("comment"), tuple(e.get("phrasings") or ()),
                   e.get("topic"), e.get("approved_by"), dt.date.fromisoformat(review) if review else None,
                   len(e.get("conflicts") or ()))


def cache_key(raw: bytes) -> str:
    """The user-cache key of a valid library file's entries (its bytes, this code, the validator's version)."""
    from questionnaire import knowledge_cache as kc

    return kc.key("library", raw, kc.version_file("pydantic"))


def remembered(path: str | Path) -> list[LibraryEntry] | None:
    """The entries of ``path`` when these very bytes were validated by an earlier run, else None."""
    from questionnaire import knowledge_cache as kc

    try:
        p = Path(path)
        if not p.is_file() or p.stat().st_size > MAX_LIBRARY_BYTES:
            return None  # the validating path says what is wrong
        known = kc.load("library", cache_key(p.read_bytes()))
        if not isinstance(known, dict):
            return None
        return [LibraryEntry.of(e) for e in known["entries"]]
    except (OSError, KeyError, TypeError, ValueError):
        return None
