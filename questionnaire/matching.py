"""Question text -> catalog entry, or abstain, with a calibrated confidence.

Pipeline for one question (``Matcher.match``):

1. ``_match_by_id``: a known question id of a known framework (CAIQ, HECVAT...)
   is looked up by ``questionnaire.mapping.match_by_question_id`` when that
   module exists; its answer (an entry or an explicit "out of scope") wins.
2. Text normalisation (``normalise``): HTML stripped, lower-cased, synonyms
   folded into concept tokens (AI/ML/LLM/generative -> ``ai``, sub-processor ->
   ``subprocessor``, "how long" -> ``duration``...), stop words and questionnaire
   boilerplate ("established, documented, approved...") dropped, light stemming.
3. Gates, per entry (precision first): the question must name the entry's own
   concept (``keywords``), must not name a concept that rules it out
   (``unless``), and, unless the entry is ``generic``, must contain an AI anchor
   term (AI, ML, LLM, generative, agent, prompt, copilot, "model" next to
   training/inference/hosting...; look-alikes such as "promptly", "user agent",
   "threat model" are folded away first). A question about "logs" or "data" in
   general therefore never reaches an AI-specific entry. An optional
   ``context`` (a section title such as "AI" or "Artificial Intelligence", not
   a questionnaire name) can supply the AI anchor for a whole section.
3b. Scope guards (``_guard``, on the raw text): abstain on AI-adjacent topics the
   catalog does not cover (ethics, bias, explainability, EU AI Act...), on negated
   questions (a Yes/No would flip), on two yes/no questions joined by "and", and on
   the customer's own duties or wh-compounds unless the entry's ``allow`` covers that
   shape (and both parts point to it). Generic entries abstain when the question is
   scoped to another system ("for your payment gateway") without an AI anchor.
4. Lexical similarity: IDF-weighted cosine between the question's tokens and
   each phrasing of the surviving entries (inverted index built once), best
   phrasing per entry.
5. Confidence: a logistic function of the best score and its margin over the
   runner-up (Platt scaling fitted on the dev split of
   ``tests/data/matching_devset.yaml``, see ``benchmarks/matching_eval.py
   --fit``). Below ``threshold`` the matcher abstains (``catalog_id=None``).

No file formats, no network, no models: pure Python. The index of step 4 (``matching_index``) is
built once per catalog and kept in the user cache (``knowledge_cache``).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from questionnaire.matching_index import Concept, IndexEntry, build_index, entry_row, found_in
from questionnaire.polarity import INVERSE, SAME, load_rules
from questionnaire.textnorm import _TAG_RE, has_ai_anchor, is_ai_section, normalise, stem, tokens
from questionnaire.specificity import load_specificity

__all__ = [
    "Match",
    "Matcher",
    "default_matcher",
    "has_ai_anchor",
    "is_ai_section",
    "normalise",
    "stem",
    "tokens",
]


@dataclass(frozen=True)
class Match:
    catalog_id: str | None  # None = abstain (leave the question for a person)
    confidence: float  # 0..1
    reason: str
    # "same": the question asks the entry's proposition (its `asserts`); "inverse": it asks
    # the negation, so a written Yes/No is flipped (questionnaire/polarity.py)
    polarity: str = "same"


# ----------------------------------------------------------------------- entries


@lru_cache(maxsize=16384)
def _prefixes(token: str) -> tuple[str, ...]:
    """The 5+ character prefixes of a token ("privileg" of "privileges"), for the concept gates."""
    return tuple(token[:k] for k in range(5, len(token)))


# ------------------------------------------------------------------ scope guards
# Question shapes where any catalog answer would be unsafe, checked on the raw
# (lower-cased) text before similarity. A wrong answer is far worse than an
# abstention, so these are deliberately broad.

# The customer's own obligations / configuration, not what we do.
_CUSTOMER_DUTY_RE = re.compile(
    r"\b(?:customers?|clients?|institutions?|tenants?|users?|subscribers?)(?: themselves)? "
    r"(?:need|needs|must|should|have|has|is required|are required|is expected|are expected|is responsible|are responsible)\b"
    r"|\bmust (?:the |our |we )?(?:customers?|clients?|institutions?|tenants?|we)\b"
    r"|\b(?:is|are) (?:the |our )?(?:customers?|clients?|institutions?|tenants?) (?:responsible|required|expected|obliged)\b"
    r"|\b(?:does|do|will) (?:the |our )?(?:customers?|clients?|institutions?|tenants?|we) (?:need|have) to\b"
    r"|\bcustomer responsibilit|\bshared responsibilit|\bthemselves\b"
)
# Two questions in one: "..., and who/how/is ...", or a second sentence asking anew.
_COMPOUND_RE = re.compile(
    r"\band (?:who|how|what|where|which|when|why|whether)\b"
    r"|\?\s+(?!if so|if yes|if not|please|e\.?g|for example|provide|describe|explain|list|include)\w+[^?]*\?"
)
# Two yes/no questions joined ("..., and do those vendors retain ...?"): no single
# entry answers both, so never allowed.
_COMPOUND_YN_RE = re.compile(r"\band (?:is|are|do|does|did|can|could|will|would|has|have|should|must)"
                             r" (?:it|they|them|those|these|the|this|that|any|you|we|there|your|our|such)\b")
# AI-adjacent topics the catalog does not cover (governance, model quality,
# regulation). A question about them must not borrow a nearby entry's answer.
_OUT_OF_SCOPE_RE = re.compile(
    r"\b(?:ethic\w*|bias\w*|fairness|explainab\w*|interpretab\w*|hallucination (?:rates?|metrics?|frequency)|model cards?|system cards?"
    r"|ai act|conformity|high.risk ai|risk classification|drift\w*|accuracy (?:of|rate|metric)\w*|red.?team\w*|copyright\w*"
    r"|incident response|impact assessment|watermark\w*|transparency notice|register of (?:all )?ai"
    r"|ai inventory|automated decision\w*|legal effects?|profiling)\b"
)

# A generic (non-AI) entry answers company-wide questions only: "secrets for
# your CI/CD pipeline" or "on the payroll system" names a system we hold no
# evidence about, unless the question is about AI anyway.
_SCOPED_RE = re.compile(r"\b(?:for|of|in|on|within|used by) (?:your|the|our|its|all|each|any) (?!(?:organi[sz]ation|company|"
                        r"product|service|application|solution|platform|ai|agents?|employees|staff)\b)[a-z]+")


def _guard(question_text: str) -> tuple[str, str] | None:
    """(kind, reason) when the question must not be answered from the catalog, or None.

    kind "customer_duty" / "compound" may still be answered by an entry whose own
    canonical question has that shape (``allow: [customer_duty]`` / ``[compound]``
    in phrasings.yaml, e.g. "do we need to opt out?", "who has access, and how?")."""
    t = " ".join(html.unescape(_TAG_RE.sub(" ", str(question_text or ""))).lower().replace("\u2019", "'").split())
    if _OUT_OF_SCOPE_RE.search(t):
        return "scope", "AI-adjacent topic the catalog does not cover (governance, model quality, regulation)"
    if _COMPOUND_YN_RE.search(t):
        return "compound_yn", "compound question (two yes/no questions)"
    if _CUSTOMER_DUTY_RE.search(t):
        return "customer_duty", "asks about the customer's own responsibilities"
    if _COMPOUND_RE.search(t):
        return "compound", "compound question (asks two things)"
    return None


# ----------------------------------------------------------------------- matcher

# Platt scaling: confidence = sigmoid(A * score + B * margin + C) for the best
# entry that passed the gates. Fitted on the dev split (benchmarks/matching_eval.py --fit).
_PLATT = (6.80, 3.92, -1.63)
# A yes/no answer is withheld when the cues give one polarity but the question is almost a
# copy (cosine >= PHRASING_NEAR) of a phrasing of the other polarity, clearly closer to it.
PHRASING_NEAR, PHRASING_MARGIN = 0.85, 0.2
DEFAULT_THRESHOLD = 0.5


class Matcher:
    """Match questionnaire questions to catalog entries, or abstain.

    ``entries``: CatalogEntry objects or dicts with ``id``, ``topic``, ``question``,
    ``kind`` and optionally ``phrasings``, ``keywords``, ``unless``, ``generic``.
    The rules (``phrasings``, ``inverse_phrasings``, ``keywords``, ``unless``, ``allow``,
    ``generic``) come with the entries: ``catalog.load_catalog()`` merges them from
    ``templates/phrasings.yaml``; an entry without them is matched on its question alone.
    """

    def __init__(
        self,
        entries: Iterable[Any],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        detected_version: str | None = None,
        use_id_mapping: bool = True,
        polarity_path: Path | None = None,
        remember: bool = False,
    ):
        """``remember``: keep text-match results in the user cache for the next run (``match_memo``)."""
        self.threshold = threshold
        self.detected_version = detected_version
        self.use_id_mapping = use_id_mapping
        self._polarity = load_rules(str(polarity_path) if polarity_path else None)
        self._specificity = load_specificity()
        self._cache: dict[tuple[str, str | None], Match] = {}
        rows = [entry_row(e) for e in entries]
        from questionnaire import knowledge_cache as kc

        index_key = kc.key("matcher", repr(rows))
        self._install(kc.cached("matcher", index_key, lambda: build_index(rows)))
        self._memo = None
        if remember:
            from questionnaire.match_memo import Memo

            rules = kc.read_bytes(Path(polarity_path)) if polarity_path else b""
            self._memo = Memo("matches", kc.key("matches", index_key, kc.data_fingerprint(), rules, repr(threshold)))

    def save_memo(self) -> None:
        """Keep this run's match results for the next run (``remember=True`` only)."""
        if self._memo is not None:
            self._memo.save()

    def _install(self, ix: dict[str, Any]) -> None:
        """The index (``build_index``: plain data, from the user cache or just built)."""
        self.entries = [IndexEntry(eid, kind, generic, [Concept(t, p) for t, p in kws], [Concept(t, p) for t, p in unl],
                               frozenset(allow))
                        for eid, kind, generic, kws, unl, allow in ix["entries"]]
        self._doc_polarity: list[str] = ix["doc_polarity"]  # per phrasing: same | inverse
        self._idf: dict[str, float] = ix["idf"]
        self._unknown: float = ix["unknown"]  # as rare as a token of one entry
        self._doc_norm: list[float] = ix["doc_norm"]
        self._doc_tokens: list[frozenset[str]] = ix["doc_tokens"]
        self._entry_docs: list[list[int]] = ix["entry_docs"]
        self._tok_entries: dict[str, frozenset[int]] = ix["tok_entries"]
        self._tok_entries_generic: dict[str, frozenset[int]] = ix["tok_entries_generic"]
        self._kw_triggers = ix["kw_triggers"]
        self._unless_triggers = ix["unless_triggers"]
        self._allow = {e.id: e.allow for e in self.entries}
        self._kind = {e.id: e.kind for e in self.entries}
        self._topic: dict[str, str] = ix["topic"]
        self._index = {e.id: i for i, e in enumerate(self.entries)}
        self._generic = {e.id: e.generic for e in self.entries}

    # -- hook: id-based matching (mapping module, when present) ----------------
    def _match_by_id(self, question_id: str | None, question_text: str) -> Match | None:
        if not question_id or not self.use_id_mapping:
            return None
        try:
            from questionnaire import mapping  # type: ignore[attr-defined]
        except ImportError:
            return None
        fn = getattr(mapping, "match_by_question_id", None)
        if fn is None:
            return None
        hit = fn(question_id, question_text, self.detected_version)
        if hit is None:
            return None
        cid = getattr(hit, "catalog_id", None)
        conf = float(getattr(hit, "confidence", 1.0))
        if cid is not None and cid not in {e.id for e in self.entries}:
            return None
        why = f"question id {question_id} mapped" + (f" to {cid}" if cid else " as out of scope")
        return Match(cid, max(0.0, min(1.0, conf)), why)

    # -- text matching ---------------------------------------------------------
    def scores(self, question_text: str, context: str | None = None) -> list[tuple[float, str]]:
        """(score, entry id) for every entry that passes the gates, best first.

        ``context`` (sheet name, section header) only counts for the AI-anchor
        gate: a question under an "Artificial Intelligence" section is about AI
        even when its own text does not say so. It adds no similarity.
        """
        toks = tokens(question_text)
        tset = frozenset(toks)
        if not tset:
            return []
        ai = has_ai_anchor(tset) or is_ai_section(context)
        tok_entries = self._tok_entries if ai else self._tok_entries_generic
        cands: set[int] = set()
        for t in tset:
            es = tok_entries.get(t)
            if es is not None:
                cands |= es
        if not cands:
            return []
        joined = " " + " ".join(toks) + " "
        prefixes = set(tset)
        for t in tset:
            if len(t) > 5:
                prefixes.update(_prefixes(t))
        qnorm = math.sqrt(sum(self._idf.get(t, self._unknown) for t in tset))
        known = [(t, self._idf[t]) for t in tset if t in self._idf]
        kw_found = found_in(self._kw_triggers, prefixes, joined)
        ruled_out = found_in(self._unless_triggers, prefixes, joined)
        out = []
        for i in cands:
            e = self.entries[i]
            if not e.generic and not ai:
                continue
            if e.keywords and i not in kw_found:
                continue
            if i in ruled_out:
                continue
            best = 0.0
            for d in self._entry_docs[i]:
                dt = self._doc_tokens[d]
                ov = 0.0
                hit = False
                for t, w in known:
                    if t in dt:
                        ov = ov + w if hit else w
                        hit = True
                if hit:
                    sc = ov / (qnorm * self._doc_norm[d])
                    if sc > best:
                        best = sc
            out.append((best, e.id))
        out.sort(key=lambda x: (-x[0], x[1]))
        return out

    @staticmethod
    def calibrate(score: float, margin: float) -> float:
        a, b, c = _PLATT
        return 1.0 / (1.0 + math.exp(-(a * score + b * margin + c)))

    def match(self, question_text: str, question_id: str | None = None, context: str | None = None) -> Match:
        """Best catalog entry for one question, or ``catalog_id=None`` (abstain).

        ``question_id``: the questionnaire's own id (e.g. ``AIGN-04``), used by the
        id mapping when available. ``context``: optional sheet/section title.
        """
        by_id = self._match_by_id(question_id, question_text)
        if by_id is not None:
            if by_id.catalog_id is None:
                return by_id
            # the mapped entry still has to fit the text: its topic, and the question's polarity
            return self._with_polarity(question_text, by_id.catalog_id, by_id.confidence, by_id.reason)
        key = (question_text[:2000], context)
        hit = self._cache.get(key)
        if hit is None and self._memo is not None:
            known = self._memo.get(key)
            if known is not None:
                hit = Match(*known)
            else:
                hit = self._match_text(question_text, context)
                self._memo.put(key, (hit.catalog_id, hit.confidence, hit.reason, hit.polarity))
            if len(self._cache) < 100_000:
                self._cache[key] = hit
        if hit is None:
            hit = self._match_text(question_text, context)
            if len(self._cache) < 100_000:
                self._cache[key] = hit
        return hit

    def _match_text(self, question_text: str, context: str | None = None) -> Match:
        guard = _guard(question_text)
        if guard is not None and guard[0] not in ("customer_duty", "compound"):
            return Match(None, 0.0, guard[1])
        ranked = self.scores(question_text, context)
        if ranked and self._generic.get(ranked[0][1]) and not has_ai_anchor(tokens(question_text)) \
                and not is_ai_section(context) and _SCOPED_RE.search(question_text.lower()):
            return Match(None, 0.0, f"closest {ranked[0][1]} is company-wide; the question is scoped to another system")
        if guard is not None and ranked:
            allow = self._allow.get(ranked[0][1], frozenset())
            if guard[0] not in allow:
                return Match(None, 0.0, f"{guard[1]}; closest {ranked[0][1]} does not cover that")
            if guard[0] == "compound":  # each part must point to the same entry (or to none)
                cut = _COMPOUND_RE.search(question_text.lower())
                if cut is not None:
                    for part in (question_text[: cut.start()], question_text[cut.start():]):
                        r = self.scores(part, context)
                        if r and r[0][1] != ranked[0][1]:
                            return Match(None, 0.0, f"{guard[1]}; its parts point to {ranked[0][1]} and {r[0][1]}")
        if not ranked:
            return Match(None, 0.0, "no catalog entry's concept (and AI context) appears in the question")
        s1, top = ranked[0]
        s2 = ranked[1][0] if len(ranked) > 1 else 0.0
        conf = round(self.calibrate(s1, s1 - s2), 3)
        runner = f", runner-up {ranked[1][1]} {s2:.2f}" if len(ranked) > 1 else ""
        if conf < self.threshold:
            return Match(None, conf, f"closest {top} (score {s1:.2f}{runner}) below threshold")
        return self._with_polarity(question_text, top, conf, f"text similarity {s1:.2f}{runner}")

    def _phrasing_scores(self, question_text: str, entry_id: str) -> dict[str, float]:
        """Best cosine similarity of the question to the entry's phrasings, per polarity."""
        tset = frozenset(tokens(question_text))
        qnorm = math.sqrt(sum(self._idf.get(t, self._unknown) for t in tset)) or 1.0
        best = {SAME: 0.0, INVERSE: 0.0}
        for d in self._entry_docs[self._index[entry_id]]:
            ov = sum(self._idf.get(t, 0.0) for t in tset & self._doc_tokens[d])
            sc = ov / (qnorm * max(self._doc_norm[d], 1e-9))
            pol = self._doc_polarity[d]
            best[pol] = max(best[pol], sc)
        return best

    def _with_polarity(self, question_text: str, top: str, conf: float, why: str) -> Match:
        """Match with the question's polarity relative to ``top``'s proposition, or abstain."""
        clash = self._specificity.conflict(question_text, top, self._topic.get(top, ""))
        if clash is not None:
            return Match(None, 0.0, f"closest {top}, but {clash}")
        d = self._polarity.decide(question_text, top, self._kind.get(top, ""))
        if d.polarity is None:
            return Match(None, 0.0, f"closest {top}, but {d.reason}")
        if self._kind.get(top) == "yes_no":
            sc = self._phrasing_scores(question_text, top)
            other = INVERSE if d.polarity == SAME else SAME
            if sc[other] >= PHRASING_NEAR and sc[other] > sc[d.polarity] + PHRASING_MARGIN:
                return Match(None, 0.0, f"closest {top}: the cues say {d.polarity} ({d.reason}) but the question "
                                        f"is closer to its {other} phrasings ({sc[other]:.2f} > {sc[d.polarity]:.2f})")
        if d.polarity == INVERSE:
            return Match(top, conf, f"{why}; {d.reason}: Yes/No inverted", INVERSE)
        return Match(top, conf, why)


_DEFAULT: Matcher | None = None


def default_matcher() -> Matcher:
    """A matcher over the shipped catalog (a broken catalog is an InputFileError, never another matcher)."""
    global _DEFAULT
    if _DEFAULT is None:
        from questionnaire.catalog import load_catalog

        _DEFAULT = Matcher(load_catalog())
    return _DEFAULT
