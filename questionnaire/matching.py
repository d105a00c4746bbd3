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

No file formats, no network, no models: pure Python (+ yaml for the loader).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from questionnaire.polarity import INVERSE, SAME, load_rules
from questionnaire.specificity import load_specificity

__all__ = [
    "Match",
    "Matcher",
    "default_matcher",
    "has_ai_anchor",
    "is_ai_section",
    "load_entries",
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


# --------------------------------------------------------------------------- text

_TAG_RE = re.compile(r"<[^>]+>")
_SPLIT_RE = re.compile(r"[^a-z0-9]+")

# Multi-word phrases and spellings folded into one concept token. Applied to the
# lower-cased text with hyphens/slashes turned into spaces, longest first.
_SYNONYMS: list[tuple[str, str]] = [
    # the developer of a model, before "foundation model" becomes a bare AI anchor
    (r"(?:foundation|base|frontier|ai) model (?:vendors?|providers?|developers?|labs?|makers?)", "model vendor"),
    # AI anchors
    (r"artificial intelligence", "ai"),
    (r"generative ai", "ai"),
    (r"gen ai|genai", "ai"),
    (r"machine learning", "ai"),
    (r"large language models?", "ai"),
    (r"language models?", "ai"),
    (r"foundation models?", "ai"),
    (r"llms?", "ai"),
    (r"ml", "ai"),
    (r"chat ?gpt|gpt ?\d*|chatbots?", "ai"),
    (r"ai models?|ai systems?|ai services?|ai tools?|ai features?|ai functionality|ai capabilities", "ai"),
    (r"ai ai", "ai"),
    # look like AI anchors but are not
    (r"prompt(?:ly)?(?= (?:notif\w*|notice|respon\w*|action|attention|payment|manner|basis|report\w*|inform\w*))|promptly", "timely"),
    (r"(?:user|endpoint|monitoring|antivirus|anti virus|security|edr|backup|insurance|travel|registered|law enforcement) agents?", "softwareagent"),
    (r"(?:administrative|executive|personal|teaching|research) assistants?", "staffassistant"),
    (r"browser (?:plugins?|plug ins?|extensions?)", "browserextension"),
    # coding assistants
    (r"(?:ai )?(?:coding|code|programming) (?:assistants?|agents?|tools?)|pair programm\w*|copilot|claude code|codewhisperer|code generation tools?|code completion tools?", "codingassistant ai"),
    # processors, agreements
    (r"sub ?processors?|sub processing", "subprocessor"),
    (r"third parties|third party|3rd party|3rd parties", "third party"),
    (r"data processing (?:agreement|addendum)s?", "dpa"),
    (r"model (?:vendors?|providers?|developers?|labs?|makers?)", "model vendor"),
    # privacy / data
    (r"personally identifiable information|personal information|personal data|\bpii\b", "pii"),
    (r"fine ?tun\w*|finetun\w*", "finetune"),
    (r"retrain\w*", "train"),
    (r"opt(?:ing|ed)? ?out", "opt out"),
    (r"opt(?:ing|ed)? ?in", "opt in"),
    (r"data residency|data locali[sz]ation", "residency"),
    (r"regions?|regional", "region"),
    (r"countr(?:y|ies)", "country"),
    (r"european economic area|european union|\beu\b|\beea\b|europe(?:an)?", "eea"),
    (r"united states|usa|us(?= (?:based|regions?|data cent\w*|east|west))|(?<=in the |to the )us(?! to)", "united states"),
    (r"classif\w*", "classif"),
    (r"retention|retain\w*", "retain"),
    (r"how long|for how long|how many days|period of time|time period", "duration"),
    # security controls
    (r"prompt injections?|jailbreak\w*|prompt attacks?", "promptinjection"),
    (r"human in the loop|human oversight|human review|human intervention|human approval|human involvement", "humanloop human"),
    (r"least privileged?|minimum (?:necessary )?privileges?|need to know", "least privilege"),
    (r"private ?link|private endpoints?|vpc endpoints?|private network\w*|private connectivity", "privatenetwork"),
    (r"in transit|tls|ssl|https", "transit"),
    (r"secrets? manag\w*|key vault|hashicorp vault", "secretsmanager"),
    (r"api keys?|access keys?|access tokens?|service account keys?", "credential"),
    (r"credentials?", "credential"),
    (r"secrets?", "secret"),
    (r"acceptable use|acceptable usage", "acceptable use"),
    (r"hard ?coded", "hardcod"),
    (r"licen[cs]\w*", "licence"),
    (r"sign(?:s|ed|ing)? off", "signoff"),
    (r"audit trails?", "audit trail"),
    (r"e ?mails?", "email"),
    (r"logs|logged|logging", "log"),
]


def _match_prefixes(pattern: str, k: int = 3) -> tuple[str, ...] | None:
    """Every string that the first ``k`` characters of a match of ``pattern`` can be
    (shorter when the match is shorter), or None when that cannot be worked out.

    Used as an exact pre-filter: a pattern none of whose prefixes occurs in the text
    cannot match it, so its (comparatively slow) ``re.sub`` is skipped."""
    try:
        from re import _constants as C, _parser as P  # Python >= 3.11
    except ImportError:  # pragma: no cover
        try:
            import sre_constants as C  # type: ignore[no-redef]
            import sre_parse as P  # type: ignore[no-redef]
        except ImportError:
            return None
    limit = 4000
    word = {chr(c) for c in range(128) if chr(c).isalnum()} | {"_"}
    cats = {C.CATEGORY_DIGIT: set("0123456789"), C.CATEGORY_WORD: word, C.CATEGORY_SPACE: set(" \t\n\r\f\v")}

    def cat(a: set[str], b: set[str]) -> set[str]:
        out = {x if len(x) >= k else (x + y)[:k] for x in a for y in (b if len(x) < k else ("",))}
        if len(out) > limit:
            raise ValueError
        return out

    def seq(items) -> set[str]:
        acc = {""}
        for op, av in items:
            if all(len(x) >= k for x in acc):
                break
            acc = cat(acc, one(op, av))
        return acc

    def one(op, av) -> set[str]:
        if op is C.LITERAL:
            return {chr(av)}
        if op is C.IN:
            chars: set[str] = set()
            for iop, iav in av:
                if iop is C.LITERAL:
                    chars.add(chr(iav))
                elif iop is C.RANGE:
                    chars.update(chr(c) for c in range(iav[0], iav[1] + 1))
                elif iop is C.CATEGORY and iav in cats:
                    chars |= cats[iav]
                else:
                    raise ValueError
            return chars
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            return {""}  # zero width
        if op is C.SUBPATTERN:
            return seq(av[-1])
        if op is C.BRANCH:
            return set().union(*(seq(b) for b in av[1]))
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            lo, hi, body = av
            part = seq(body)
            out, acc = set(), {""}
            for r in range(0, min(hi, lo + k) + 1):
                if r >= lo:
                    out |= acc
                acc = cat(acc, part)
            if hi > lo + k:
                out |= acc
            return out
        raise ValueError

    try:
        parsed = P.parse(pattern)
        if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
            return None
        return tuple(sorted(seq(list(parsed))))
    except Exception:
        return None


# (regex, replacement, prefixes or None): the prefixes tell when a pattern cannot apply
_SYN_RE = [
    (rx, rep, _match_prefixes(rx.pattern))
    for rx, rep in ((re.compile(r"\b(?:" + pat + r")\b"), rep) for pat, rep in _SYNONYMS)
]

_STOP = frozenset(
    """
    a an the of to in on for by with and or nor be been being is are was were will would shall should
    can could may might must do does did done have has had having it its this that these those there
    their them they you your yours we our ours us i me my he she his her as at from into about than then
    so such any all each every some own same also no yes if when while what which who whom
    whose why how where e g eg ie i e etc please provide describe list whether per via between
    but only just more most very one two both either neither
    established establish documented document approved approve communicated communicate applied apply
    evaluated evaluate maintained maintain reviewed review updated update annually least significant
    changes change defined define implemented implement procedures procedure technical measures measure
    processes organization organisation organizational organisational solution solutions product products
    company vendor's ensure ensured appropriate relevant applicable accordance according necessary
    """.split()
)
# not stop words despite the list above: concept words we need
_KEEP = frozenset({"which", "describe", "list", "how", "where", "who"})

_SUFFIXES = (
    "izations", "ization", "isations", "isation", "ational", "ations", "ation", "ments", "ment",
    "ingly", "ings", "ing", "ities", "ity", "ions", "ion", "ies", "ied", "ed",
    "age", "es", "s", "ly",
)

_AI_ANCHORS = frozenset({"ai", "codingassistant", "agent", "plugin", "prompt", "promptinjection", "assistant",
                         "adversarial", "finetune", "model", "bedrock", "openai", "anthropic", "claude", "inference"})
# "model" alone is too weak (risk model, threat model, SSRM): it counts only next to these
_MODEL_CONTEXT = frozenset({"train", "vendor", "output", "inference", "host", "prompt", "improve", "improvement"})


_REPLACE = {"ies": "y", "ied": "y", "ations": "at", "ation": "at", "isations": "is", "isation": "is",
            "izations": "iz", "ization": "iz"}


_IRREGULAR = {"use": "use", "used": "use", "uses": "use", "using": "use", "usage": "use", "data": "data",
              "ai": "ai", "access": "access", "process": "process", "address": "address"}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light suffix stripper (same on questions and phrasings)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word.endswith("ss") and len(word) <= 6:
        return word
    for suf in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            if suf == "s" and word.endswith(("ss", "us", "is")):
                continue
            if suf in ("ion", "ions") and word[-len(suf) - 1] != "t":
                continue  # region, opinion; but protection -> protect
            return word[: -len(suf)] + _REPLACE.get(suf, "")
    if word.endswith("e") and len(word) >= 4:  # store/stored, type/types, employee/employees
        word = word[:-1]
    return word


def normalise(text: str) -> str:
    """Lower-cased, HTML-free, synonym-folded text (before stop words / stemming)."""
    t = html.unescape(_TAG_RE.sub(" ", str(text or "")))
    t = t.lower().replace("\u2019", "'").replace("'s ", " ")
    t = _SPLIT_RE.sub(" ", t)
    for rx, rep, prefixes in _SYN_RE:
        if prefixes is None:
            t = rx.sub(rep, t)
            continue
        for p in prefixes:
            if p in t:
                t = rx.sub(rep, t)
                break
    return " ".join(t.split())


def tokens(text: str) -> list[str]:
    """Normalised, stop-word-free, stemmed tokens of ``text``."""
    return list(_tokens_of(str(text or "")))


@lru_cache(maxsize=8192)
def _tokens_of(text: str) -> tuple[str, ...]:
    out = []
    for w in normalise(text).split():
        if w in _STOP and w not in _KEEP:
            continue
        if len(w) == 1 and not w.isdigit():
            continue
        out.append(stem(w))
    return tuple(out)


_STRONG_ANCHORS = frozenset(stem(w) for w in _AI_ANCHORS - {"model", "inference"})
_MODEL_CTX_STEMS = frozenset(stem(w) for w in _MODEL_CONTEXT | {"inference"})


def has_ai_anchor(toks: Iterable[str]) -> bool:
    """True when the (stemmed) tokens place the question in an AI context."""
    s = set(toks)
    if s & _STRONG_ANCHORS:
        return True
    return "model" in s and bool(s & _MODEL_CTX_STEMS)


@lru_cache(maxsize=1024)
def is_ai_section(title: str | None) -> bool:
    """A short section/sheet title that is mostly about AI ("AI", "Artificial
    Intelligence", "AI governance"), not a questionnaire name that merely
    contains "AI" ("AI-CAIQv1.1.0", where backups and pentests are asked too)."""
    if not title:
        return False
    toks = set(tokens(title))
    if not toks or len(toks) > 4 or any(ch.isdigit() for t in toks for ch in t):  # "AI-CAIQv1.1.0"
        return False
    anchors = {t for t in toks if has_ai_anchor([t])}
    return len(anchors) * 2 >= len(toks)


# ----------------------------------------------------------------------- entries


def _get(entry: Any, name: str, default: Any = None) -> Any:
    if isinstance(entry, dict):
        return entry.get(name, default)
    val = getattr(entry, name, None)
    if val is None:
        extra = getattr(entry, "extra", None)
        if isinstance(extra, dict):
            val = extra.get(name)
    return default if val is None else val


def _templates_dir() -> Path:
    try:
        from questionnaire.resources import templates_dir

        return templates_dir()
    except Exception:  # pragma: no cover - only when used outside the package
        return Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=4)
def _phrasings_file(path: str) -> dict[str, dict[str, Any]]:
    import yaml

    p = Path(path)
    if not p.is_file():
        return {}
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    ph = data.get("phrasings", data) if isinstance(data, dict) else {}
    return {k: (v if isinstance(v, dict) else {"phrasings": v}) for k, v in ph.items()}


def load_entries(templates: Path | None = None) -> list[dict[str, Any]]:
    """catalog.yaml + phrasings.yaml as plain dicts (no dependency on catalog.py)."""
    import yaml

    base = Path(templates) if templates else _templates_dir()
    cat = yaml.safe_load((base / "catalog.yaml").read_text(encoding="utf-8"))
    ph = _phrasings_file(str(base / "phrasings.yaml"))
    out = []
    for e in cat["entries"]:
        d = dict(e)
        d.update({k: v for k, v in ph.get(e["id"], {}).items() if k != "id"})
        out.append(d)
    return out


class _Concept:
    """A keyword: "a + b" = every part present; each part a (normalised) phrase."""

    __slots__ = ("parts", "text")

    def __init__(self, text: str):
        self.text = text
        self.parts = [tuple(tokens(p)) for p in text.split("+")]
        self.parts = [p for p in self.parts if p]

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


def _concept_triggers(entries: list["_Entry"], attr: str) -> dict[str, list[tuple[int, frozenset[str], tuple[str, ...]]]]:
    """token -> (entry index, single tokens, phrases) of each concept in ``attr`` ("keywords"
    or "unless"), filed under one token the question must contain for the concept to be found
    (a single part, else the first word of its first phrase). ``_found_in`` then tests only the
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


def _found_in(triggers, prefixes: set[str], joined: str) -> set[int]:
    """Entries with at least one concept found in the question (see ``_concept_triggers``)."""
    hit: set[int] = set()
    for p in prefixes:
        for i, singles, phrases in triggers.get(p, ()):
            if i in hit:
                continue
            if singles <= prefixes and all(ph in joined for ph in phrases):
                hit.add(i)
    return hit


@dataclass
class _Entry:
    id: str
    kind: str
    generic: bool
    keywords: list[_Concept]
    unless: list[_Concept]
    allow: frozenset[str] = frozenset()  # guard kinds this entry may still answer


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
    Missing phrasings/rules are taken from ``templates/phrasings.yaml``.
    """

    def __init__(
        self,
        entries: Iterable[Any],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        detected_version: str | None = None,
        phrasings_path: Path | None = None,
        use_id_mapping: bool = True,
        polarity_path: Path | None = None,
    ):
        self.threshold = threshold
        self.detected_version = detected_version
        self.use_id_mapping = use_id_mapping
        extra = _phrasings_file(str(phrasings_path or (_templates_dir() / "phrasings.yaml")))
        self.entries: list[_Entry] = []
        self._doc_polarity: list[str] = []  # per phrasing: same | inverse
        self._polarity = load_rules(str(polarity_path) if polarity_path else None)
        self._specificity = load_specificity()
        entries_list = list(entries)
        docs: list[tuple[int, list[str]]] = []  # (entry index, tokens)
        for e in entries_list:
            eid = str(_get(e, "id"))
            fallback = extra.get(eid, {})

            def rule(name: str, _e: Any = e, _f: dict = fallback) -> Any:
                v = _get(_e, name)
                return v if v not in (None, (), []) else _f.get(name)

            phr = [(str(_get(e, "question", "")), SAME)] + [(str(p), SAME) for p in (rule("phrasings") or [])]
            phr += [(str(p), INVERSE) for p in (rule("inverse_phrasings") or [])]
            kws = [_Concept(str(k)) for k in (rule("keywords") or [])]
            unl = [_Concept(str(k)) for k in (rule("unless") or [])]
            idx = len(self.entries)
            allow = frozenset(str(a) for a in (rule("allow") or []))
            self.entries.append(_Entry(eid, str(_get(e, "kind", "")), bool(rule("generic")), kws, unl, allow))
            for p, pol in phr:
                t = sorted(set(tokens(p)))
                if t:
                    docs.append((idx, t))
                    self._doc_polarity.append(pol)
        # IDF over entries (how well a token discriminates between entries)
        n = max(len(self.entries), 1)
        df: dict[str, int] = {}
        for tok in {(i, t) for i, ts in docs for t in ts}:
            df[tok[1]] = df.get(tok[1], 0) + 1
        self._idf = {t: math.log(1.0 + n / c) for t, c in df.items()}
        self._unknown = math.log(1.0 + n)  # as rare as a token of one entry
        self._doc_norm = [math.sqrt(sum(self._idf[t] for t in ts)) for _, ts in docs]
        self._doc_tokens = [frozenset(ts) for _, ts in docs]
        self._entry_docs: list[list[int]] = [[] for _ in self.entries]
        # token -> entries with a phrasing containing it (the generic index is used when the
        # question has no AI anchor); candidates are gated first, then scored per phrasing
        tok_entries: dict[str, set[int]] = {}
        tok_entries_generic: dict[str, set[int]] = {}
        for d, (i, ts) in enumerate(docs):
            self._entry_docs[i].append(d)
            for t in ts:
                tok_entries.setdefault(t, set()).add(i)
                if self.entries[i].generic:
                    tok_entries_generic.setdefault(t, set()).add(i)
        self._tok_entries = {t: frozenset(es) for t, es in tok_entries.items()}
        self._tok_entries_generic = {t: frozenset(es) for t, es in tok_entries_generic.items()}
        self._kw_triggers = _concept_triggers(self.entries, "keywords")
        self._unless_triggers = _concept_triggers(self.entries, "unless")
        self._cache: dict[tuple[str, str | None], Match] = {}
        self._allow = {e.id: e.allow for e in self.entries}
        self._kind = {e.id: e.kind for e in self.entries}
        self._topic = {str(_get(e, "id")): str(_get(e, "topic", "")) for e in entries_list}
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
            prefixes.update(t[:k] for k in range(5, len(t)))
        qnorm = math.sqrt(sum(self._idf.get(t, self._unknown) for t in tset))
        known = [(t, self._idf[t]) for t in tset if t in self._idf]
        kw_found = _found_in(self._kw_triggers, prefixes, joined)
        ruled_out = _found_in(self._unless_triggers, prefixes, joined)
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
    """A matcher over the shipped catalog (catalog.py when available, else the YAML)."""
    global _DEFAULT
    if _DEFAULT is None:
        try:
            from questionnaire.catalog import load_catalog

            entries: list[Any] = list(load_catalog())
        except Exception:
            entries = load_entries()
        _DEFAULT = Matcher(entries)
    return _DEFAULT
