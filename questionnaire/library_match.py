"""Question -> library entry, or abstain: the catalog matcher's machinery applied to library.yaml.

1. Same question: the question's normalised key (``library.question_key``) is the key of an
   entry's question or phrasing -> that entry, polarity same (the text is the same).
2. Else similarity: the matcher's IDF cosine over the entries (every entry generic: the
   AI-anchor gate does not apply; ``LibraryMatcher.scores``), calibrated like the catalog; below the threshold, or a
   runner-up too close, -> abstain.
3. Guards: the catalog's compound / customer-duty shapes abstain unless the entry's own
   question has that shape.
4. Polarity relative to the entry's wording, with the cues of ``templates/polarity.yaml``:
   an abstain cue, both poles of one antonym pair, a pole the entry does not name, a
   negation in a subordinate clause -> abstain; one flip (a negation more or less, or the
   other pole of a pair) -> inverse (Yes/No flipped); two -> abstain.
Pure: no file formats.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from typing import TYPE_CHECKING

from questionnaire.polarity import INVERSE, SAME, _consume, _strip, load_rules, prepare
from questionnaire.textnorm import question_key

if TYPE_CHECKING:  # the pydantic models are imported by whoever loads a library
    from questionnaire.library import Entry, Library
    from questionnaire.library_entry import LibraryEntry

SKIP, REVIEW = "skip", "review"
UNAPPROVED_MODES = (SKIP, REVIEW)
THRESHOLD = 0.75  # calibrated confidence needed for a similarity match
MIN_SCORE = 0.6  # and a cosine at least this high
MIN_MARGIN = 0.05  # over the runner-up entry
MIN_COVERAGE = 0.8  # IDF-weighted share of each text's words the other has (both ways, best phrasing)
_NEGATION_WORDS = "not never no without none nobody nothing neither nor cannot"


@dataclass(frozen=True)
class LibraryHit:
    entry: Entry | None  # None = abstain
    confidence: float
    reason: str
    polarity: str = SAME
    usable: bool = False  # approved, fresh, no conflict
    why_not: str | None = None

    @property
    def value(self) -> str | None:
        """The Yes/No/N/A to write (flipped for an inverse question)."""
        if self.entry is None:
            return None
        v = self.entry.value
        if self.polarity == INVERSE:
            return {"Yes": "No", "No": "Yes"}.get(v or "", v)
        return v

    def answer(self):
        """An answers.Answer for ``fill.plan_answer`` (status declared: remembered, not verified)."""
        from questionnaire.answers import Answer

        e = self.entry
        v = self.value
        if v is None:
            return Answer(e.id, e.topic or "library", e.question, "text", None, e.answer, "declared", not self.usable)
        status = "not_applicable" if v == "N/A" else "declared"
        return Answer(e.id, e.topic or "library", e.question, "yes_no", v, e.comment or "", status,
                      not self.usable, asserts=e.question, polarity=self.polarity)


def _all_terms(rules) -> list:
    """(pair, side, regex) of every antonym pair of ``rules``, built once."""
    if "library_terms" not in rules.memo:
        rules.memo["library_terms"] = [(p, s, rx) for p, sides in rules.pairs.items() for s in ("positive", "negative")
                                       for _src, rx in sides[s]]
    return rules.memo["library_terms"]


def _signature(rules, text: str) -> tuple[str | None, list[str], dict[str, str], str | None]:
    """(abstain cue, the word after each negation outside subordinate clauses, pair -> side, problem);
    remembered per text (library questions are compared again and again)."""
    sigs = rules.memo.setdefault("library_signatures", {})
    if text not in sigs:
        if len(sigs) > 50_000:
            sigs.clear()
        sigs[text] = _compute_signature(rules, text)
    return sigs[text]


def _compute_signature(rules, text: str) -> tuple[str | None, list[str], dict[str, str], str | None]:
    t = _strip(rules, prepare(text))
    m = rules.abstain_rx.search(t)
    if m:
        return m.group(0).strip(), [], {}, None
    rest, hits = _consume(t, _all_terms(rules))
    sides: dict[str, str] = {}
    for pair, side, _w in hits:
        if sides.get(pair, side) != side:
            return None, [], {}, f"joins both sides of '{pair}'"
        sides[pair] = side
    neg = []
    for mm in rules.negation_rx.finditer(rest):
        if set(rest[: mm.start()].split()) & rules.subordinators:
            return None, [], {}, f"negation '{mm.group(0).strip()}' inside a subordinate clause"
        neg.append((rest[mm.end():].split() or [""])[0])
    return None, neg, sides, None


def relative_polarity(rules, question: str, entry_text: str) -> tuple[str | None, str]:
    """(same | inverse | None = abstain, reason) of ``question`` against ``entry_text``."""
    qa, qn, qs, qp = _signature(rules, question)
    ea, en, es, ep = _signature(rules, entry_text)
    if qp or ep:
        return None, qp or f"the library question {ep}"
    if qa or ea:
        if qa == ea:
            return SAME, f"both say '{qa}'"
        return None, f"'{qa or ea}' makes a yes/no answer unsafe"
    flips = []
    for pair in set(qs) | set(es):
        if pair not in qs or pair not in es:
            return None, f"'{pair}' is named by only one of the question and the library entry"
        if qs[pair] != es[pair]:
            flips.append(pair)
    d = abs(len(qn) - len(en))
    if d > 1:
        return None, "negations differ by more than one"
    if d:  # the extra negation must bear on words both texts have ("for users not using SSO, ..." does not)
        more, other = (qn, entry_text) if len(qn) > len(en) else (en, question)
        words = set(prepare(other).split())
        missing = [w for w in more if w and w not in words and w != "#"]
        if missing:
            return None, f"a negation bears on '{missing[0]}', which only one of the texts has"
    flips += ["negation"] * d
    if len(flips) >= 2:
        return None, f"double negation ({', '.join(flips)})"
    if flips:
        return INVERSE, f"asks the negation ({flips[0]})"
    return SAME, "same polarity"


class LibraryMatcher:
    """Library entries indexed once: exact question keys, and an inverted index of the matcher's tokens
    (``textnorm.tokens``) with the matcher's IDF weighting and cosine (``Matcher.scores`` with every
    entry generic and no keyword gates, computed from posting lists so 2,000 entries stay fast) and its
    calibration (``Matcher.calibrate``)."""

    def __init__(self, library: Library | list[LibraryEntry], *, unapproved: str = REVIEW, today: dt.date | None = None,
                 remember: bool = False):
        """``remember``: keep match results in the user cache for the next run (``match_memo``)."""
        from questionnaire import knowledge_cache as kc

        self.unapproved = unapproved
        self.today = today
        entries = getattr(library, "entries", library)  # a Library, or its entries (library_entry.remembered)
        self.entries = {e.id: e for e in entries}
        self._rules = load_rules()
        rows = [(e.id, e.question, tuple(e.phrasings), e.answer) for e in entries]
        k = kc.key("library-index", repr(rows))
        ix = kc.cached("library-index", k, lambda: _build_index(rows))
        self._by_key: dict[str, str] = ix["by_key"]
        self._neg_tokens: frozenset[str] = ix["neg_tokens"]
        self._idf: dict[str, float] = ix["idf"]
        self._idf_unknown: float = ix["idf_unknown"]
        self._doc_entry: list[str] = ix["doc_entry"]
        self._doc_norm: list[float] = ix["doc_norm"]
        self._mask: dict[str, int] = ix["mask"]  # token -> docs, as bits
        self._memo = None
        if remember:
            from questionnaire.match_memo import Memo

            self._memo = Memo("library-matches", kc.key("library-matches", k, kc.data_fingerprint()))

    def save_memo(self) -> None:
        """Keep this run's match results for the next run (``remember=True`` only)."""
        if self._memo is not None:
            self._memo.save()

    def scores(self, text: str, top: int = 2) -> list[tuple[float, str]]:
        """The ``top`` (cosine, entry id), best first, best phrasing per entry: the matcher's scoring (IDF
        overlap / norms), exact, computed on bit sets: the docs are split into classes by which question
        tokens they contain (one overlap per class); in a class the lowest docs (smallest norm) score best,
        so only the first docs of each class up to two distinct entries can be among the top two."""
        import heapq

        from questionnaire.textnorm import tokens

        tset = sorted(set(tokens(text)))
        if not tset:
            return []
        qnorm = math.sqrt(sum(self._idf.get(t, self._idf_unknown) for t in tset))
        known = [(self._idf[t], self._mask[t]) for t in tset if t in self._mask]
        union = 0
        for _w, m in known:
            union |= m
        classes = [(0.0, union)] if union else []
        for w, m in known:
            classes = [c for ov, cm in classes for c in ((ov + w, cm & m), (ov, cm & ~m)) if c[1]]
        best: dict[str, float] = {}
        norm, entry_of = self._doc_norm, self._doc_entry
        for ov, cm in classes:
            seen: set[str] = set()
            while cm and len(seen) < top:
                low = cm & -cm
                d = low.bit_length() - 1
                eid = entry_of[d]
                seen.add(eid)
                sc = ov / (qnorm * norm[d])
                if sc > best.get(eid, 0.0):
                    best[eid] = sc
                cm ^= low
        return [(-neg, eid) for neg, eid in heapq.nsmallest(top, ((-sc, eid) for eid, sc in best.items()))]

    def coverage(self, text: str, entry: Entry) -> float:
        """How much of each text the other covers (IDF-weighted, the lower of the two ways), best phrasing:
        a question naming "privacy" where the entry says "information security" stays low."""
        from questionnaire.textnorm import tokens

        def weight(ts) -> float:
            return sum(self._idf.get(t, self._idf_unknown) for t in ts) or 1e-9

        q = frozenset(tokens(text)) - self._neg_tokens
        best = 0.0
        for other in [entry.question, *entry.phrasings]:
            d = frozenset(tokens(other)) - self._neg_tokens
            both = q & d
            best = max(best, min(weight(both) / weight(q), weight(both) / weight(d)))
        return best

    def _hit(self, entry: Entry, conf: float, reason: str, polarity: str) -> LibraryHit:
        ok, why = entry.usable(self.today)
        return LibraryHit(entry, conf, reason, polarity, ok, why)

    def match(self, text: str, context: str | None = None) -> LibraryHit:
        """The entry answering ``text``, or abstain. ``context`` (section / sheet) is accepted like the
        catalog matcher's but unused: library entries have no AI-anchor gate."""
        eid = self._by_key.get(question_key(text))
        if eid is not None:
            return self._hit(self.entries[eid], 1.0, "same question as the library entry", SAME)
        if self._memo is None:
            return self._similar(text)
        known = self._memo.get(text)
        if known is not None:  # (entry id or None, confidence, reason, polarity); approval is checked today
            eid, conf, reason, pol = known
            return self._hit(self.entries[eid], conf, reason, pol) if eid else LibraryHit(None, conf, reason, pol)
        hit = self._similar(text)
        self._memo.put(text, (hit.entry.id if hit.entry else None, hit.confidence, hit.reason, hit.polarity))
        return hit

    def _similar(self, text: str) -> LibraryHit:
        from questionnaire.matching import Matcher, _guard

        ranked = self.scores(text)
        if not ranked:
            return LibraryHit(None, 0.0, "no library entry shares its words")
        s1, top = ranked[0]
        s2 = ranked[1][0] if len(ranked) > 1 else 0.0
        conf = round(Matcher.calibrate(s1, s1 - s2), 3)
        if conf < THRESHOLD or s1 < MIN_SCORE or s1 - s2 < MIN_MARGIN:
            return LibraryHit(None, conf, f"closest library entry {top} (score {s1:.2f}, runner-up {s2:.2f}) too weak")
        entry = self.entries[top]
        cov = self.coverage(text, entry)
        if cov < MIN_COVERAGE:
            return LibraryHit(None, conf, f"closest library entry {top} covers only {cov:.0%} of the question's words")
        guard = _guard(text)
        if guard is not None and guard[0] != "scope":
            own = _guard(entry.question)
            if own is None or own[0] != guard[0]:
                return LibraryHit(None, 0.0, f"{guard[1]}; library entry {top} does not cover that")
        if entry.value is None:  # a text answer: any negation could change what is asked
            pol, why = relative_polarity(self._rules, text, entry.question)
            if pol != SAME:
                return LibraryHit(None, 0.0, f"closest library entry {top}, but {why}")
            return self._hit(entry, conf, f"similar to library entry {top} ({s1:.2f})", SAME)
        pol, why = self._best_polarity(text, entry)
        if pol is None:
            return LibraryHit(None, 0.0, f"closest library entry {top}, but {why}")
        if pol == INVERSE and entry.value == "N/A":
            return LibraryHit(None, 0.0, f"library entry {top} is N/A and the question asks its negation")
        return self._hit(entry, conf, f"similar to library entry {top} ({s1:.2f}); {why}", pol)

    def _best_polarity(self, text: str, entry: Entry) -> tuple[str | None, str]:
        """Polarity against the entry's question and each phrasing: they must agree."""
        seen = {relative_polarity(self._rules, text, t) for t in [entry.question, *entry.phrasings]}
        pols = {p for p, _ in seen}
        if len(pols) == 1 and None not in pols:
            return next(iter(seen))
        if None in pols:
            return None, next(w for p, w in seen if p is None)
        return None, "the library entry's phrasings disagree on the polarity"


def _build_index(rows: list[tuple]) -> dict:
    """The index of the library entries ((id, question, phrasings, answer) each) as plain data (kept in
    the user cache): exact question keys, IDF, docs in ascending norm, token -> docs bit masks."""
    from questionnaire.textnorm import tokens

    by_key: dict[str, str] = {}
    docs: list[tuple[str, frozenset[str]]] = []  # (entry id, tokens of one phrasing)
    for eid, question, phrasings, _answer in rows:
        for text in [question, *phrasings]:
            by_key.setdefault(question_key(text), eid)
            ts = frozenset(tokens(text))
            if ts:
                docs.append((eid, ts))
    df: dict[str, int] = {}
    for t in {(eid, t) for eid, ts in docs for t in ts}:
        df[t[1]] = df.get(t[1], 0) + 1
    n = max(len(rows), 1)
    idf = {t: math.log(1.0 + n / c) for t, c in df.items()}
    # docs in ascending norm: within docs sharing the same question tokens, a lower bit scores higher
    docs.sort(key=lambda d: sum(idf[t] for t in d[1]))
    postings: dict[str, list[int]] = {}
    for d, (_eid, ts) in enumerate(docs):
        for t in ts:
            postings.setdefault(t, []).append(d)
    return {"by_key": by_key, "neg_tokens": frozenset(tokens(_NEGATION_WORDS)), "idf": idf,
            "idf_unknown": math.log(1.0 + n), "doc_entry": [eid for eid, _ in docs],
            "doc_norm": [math.sqrt(sum(idf[t] for t in ts)) for _, ts in docs],
            "mask": {t: sum(1 << d for d in ds) for t, ds in postings.items()}}


def open_library(path, unapproved: str = REVIEW) -> LibraryMatcher:
    """A matcher over a validated library.yaml (`fill --library`); its results are remembered for the
    next run. A file whose bytes an earlier run validated is read back from the user cache."""
    from questionnaire.errors import UserInputError
    from questionnaire.library_entry import remembered

    if unapproved not in UNAPPROVED_MODES:
        raise UserInputError(f"--library-unapproved must be one of {', '.join(UNAPPROVED_MODES)}, not {unapproved!r}")
    entries = remembered(path)
    if entries is None:
        from questionnaire.library import load_library

        entries = load_library(path)
    return LibraryMatcher(entries, unapproved=unapproved, remember=True)
