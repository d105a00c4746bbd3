"""The matcher's index over catalog entries: concepts (keywords / unless), the phrasings' tokens,
IDF weights, norms and inverted indexes, as plain data so ``knowledge_cache`` can keep it
between runs (``Matcher`` builds it once per catalog content and code, then loads it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable

from questionnaire.polarity import INVERSE, SAME
from questionnaire.textnorm import tokens


def field_of(entry: Any, name: str, default: Any = None) -> Any:
    if isinstance(entry, dict):
        return entry.get(name, default)
    val = getattr(entry, name, None)
    return default if val is None else val


class Concept:
    """A keyword: "a + b" = every part present; each part a (normalised) phrase."""

    __slots__ = ("parts", "text")

    def __init__(self, text: str, parts: Iterable[tuple[str, ...]] | None = None):
        self.text = text
        if parts is None:
            parts = [tuple(tokens(p)) for p in text.split("+")]
        self.parts = [tuple(p) for p in parts if p]

    def compiled(self) -> tuple[frozenset[str], tuple[str, ...]] | None:
        """How to test the concept on a question: (single tokens that must all be among the
        question's tokens and their 5+ character prefixes, so "privileg" finds "privileges";
        phrases " a b " that must all occur contiguously in " tok tok ... "); None when the
        concept has no parts and can never match."""
        if not self.parts:
            return None
        singles = frozenset(p[0] for p in self.parts if len(p) == 1)
        phrases = tuple(" " + " ".join(p) + " " for p in self.parts if len(p) > 1)
        return singles, phrases


def concept_triggers(entries: list["IndexEntry"], attr: str) -> dict[str, list[tuple[int, frozenset[str], tuple[str, ...]]]]:
    """token -> (entry index, single tokens, phrases) of each concept in ``attr`` ("keywords"
    or "unless"), filed under one token the question must contain for the concept to be found
    (a single part, else the first word of its first phrase). ``found_in`` then tests only the
    concepts whose token is present."""
    out: dict[str, list[tuple[int, frozenset[str], tuple[str, ...]]]] = {}
    for i, e in enumerate(entries):
        for c in getattr(e, attr):
            comp = c.compiled()
            if comp is None:
                continue
            singles, phrases = comp
            key = max(singles, key=lambda t: (len(t), t)) if singles else phrases[0].split()[0]
            out.setdefault(key, []).append((i, singles, phrases))
    return out


def found_in(triggers, prefixes: set[str], joined: str) -> set[int]:
    """Entries with at least one concept found in the question (see ``concept_triggers``)."""
    hit: set[int] = set()
    for p in prefixes:
        for i, singles, phrases in triggers.get(p, ()):
            if i in hit:
                continue
            if singles <= prefixes and all(ph in joined for ph in phrases):
                hit.add(i)
    return hit


@dataclass
class IndexEntry:
    id: str
    kind: str
    generic: bool
    keywords: list[Concept]
    unless: list[Concept]
    allow: frozenset[str] = frozenset()  # guard kinds this entry may still answer


def entry_row(e: Any) -> tuple:
    """What the index is built from, for one entry (a CatalogEntry or a dict): also its cache key."""
    return (str(field_of(e, "id")), str(field_of(e, "kind", "")), str(field_of(e, "topic", "")), str(field_of(e, "question", "")),
            tuple(str(p) for p in (field_of(e, "phrasings") or [])),
            tuple(str(p) for p in (field_of(e, "inverse_phrasings") or [])),
            tuple(str(k) for k in (field_of(e, "keywords") or [])), tuple(str(k) for k in (field_of(e, "unless") or [])),
            tuple(str(a) for a in (field_of(e, "allow") or [])), bool(field_of(e, "generic")))


def build_index(rows: list[tuple]) -> dict[str, Any]:
    """The matcher's index of the entries (``entry_row`` each) as plain data (kept in the user cache):
    entries with their concepts, the phrasings' tokens, IDF over entries, norms, inverted indexes."""
    entries: list[IndexEntry] = []
    doc_polarity: list[str] = []
    docs: list[tuple[int, list[str]]] = []  # (entry index, tokens)
    for eid, kind, _topic, question, phrasings, inverse, keywords, unless, allow, generic in rows:
        phr = [(question, SAME)] + [(p, SAME) for p in phrasings] + [(p, INVERSE) for p in inverse]
        idx = len(entries)
        entries.append(IndexEntry(eid, kind, generic, [Concept(k) for k in keywords], [Concept(k) for k in unless],
                              frozenset(allow)))
        for p, pol in phr:
            t = sorted(set(tokens(p)))
            if t:
                docs.append((idx, t))
                doc_polarity.append(pol)
    # IDF over entries (how well a token discriminates between entries)
    n = max(len(entries), 1)
    df: dict[str, int] = {}
    for tok in {(i, t) for i, ts in docs for t in ts}:
        df[tok[1]] = df.get(tok[1], 0) + 1
    idf = {t: math.log(1.0 + n / c) for t, c in df.items()}
    entry_docs: list[list[int]] = [[] for _ in entries]
    # token -> entries with a phrasing containing it (the generic index is used when the
    # question has no AI anchor); candidates are gated first, then scored per phrasing
    tok_entries: dict[str, set[int]] = {}
    tok_entries_generic: dict[str, set[int]] = {}
    for d, (i, ts) in enumerate(docs):
        entry_docs[i].append(d)
        for t in ts:
            tok_entries.setdefault(t, set()).add(i)
            if entries[i].generic:
                tok_entries_generic.setdefault(t, set()).add(i)
    return {
        "entries": [(e.id, e.kind, e.generic, [(c.text, tuple(c.parts)) for c in e.keywords],
                     [(c.text, tuple(c.parts)) for c in e.unless], tuple(sorted(e.allow))) for e in entries],
        "doc_polarity": doc_polarity,
        "idf": idf,
        "unknown": math.log(1.0 + n),
        "doc_norm": [math.sqrt(sum(idf[t] for t in ts)) for _, ts in docs],
        "doc_tokens": [frozenset(ts) for _, ts in docs],
        "entry_docs": entry_docs,
        "tok_entries": {t: frozenset(es) for t, es in tok_entries.items()},
        "tok_entries_generic": {t: frozenset(es) for t, es in tok_entries_generic.items()},
        "kw_triggers": concept_triggers(entries, "keywords"),
        "unless_triggers": concept_triggers(entries, "unless"),
        "topic": {r[0]: r[2] for r in rows},
    }
