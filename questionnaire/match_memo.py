"""Match results remembered from one run to the next (the user cache, ``knowledge_cache``).

A sales engineer runs ``fill`` again and again on one questionnaire while reviewing it. What a
question matches is a pure function of its text (and section), of the knowledge (catalog,
phrasings, polarity and specificity rules, an answer library) and of this code: ``Memo`` keeps
those results under a key that hashes all of them, so a later run looks a question up instead of
matching it again, and a change to any input starts a new, empty memo. Values are plain tuples;
at most ``LIMIT`` questions are kept (the ones of the latest runs).
"""

from __future__ import annotations

from typing import Any

LIMIT = 30_000


class Memo:
    """question key -> result tuple for one knowledge key; ``save()`` writes what this run added."""

    def __init__(self, kind: str, key: str, limit: int = LIMIT):
        self.kind, self.key, self.limit = kind, key, limit
        self._old: dict[Any, tuple] | None = None
        self.new: dict[Any, tuple] = {}

    def _loaded(self) -> dict[Any, tuple]:
        if self._old is None:
            from questionnaire import knowledge_cache as kc

            old = kc.load(self.kind, self.key)
            self._old = old if isinstance(old, dict) else {}
        return self._old

    def get(self, k: Any) -> tuple | None:
        hit = self.new.get(k)
        return hit if hit is not None else self._loaded().get(k)

    def put(self, k: Any, value: tuple) -> None:
        if len(self.new) < self.limit:
            self.new[k] = value

    def save(self) -> None:
        """Keep this run's new results with the latest of the earlier ones (at most ``limit``)."""
        if not self.new:
            return
        from questionnaire import knowledge_cache as kc

        old = self._loaded()
        keep = max(self.limit - len(self.new), 0)
        merged = dict(list(old.items())[-keep:]) if keep else {}
        merged.update(self.new)
        kc.store(self.kind, self.key, merged)
        self._old, self.new = merged, {}
