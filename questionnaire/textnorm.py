"""Question text normalisation for the matcher: HTML stripped, lower-cased, synonyms folded
into concept tokens (AI/ML/LLM/generative -> ``ai``, sub-processor -> ``subprocessor``,
"how long" -> ``duration``...), stop words and questionnaire boilerplate dropped, light
stemming; and the AI-anchor test (is a question, or a section title, about AI?).
Pure Python; its only I/O is the user cache of the synonym table (``_syn_table``).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Iterable

from questionnaire.lazyre import LazyPattern, prefix_table

__all__ = ["has_ai_anchor", "is_ai_section", "normalise", "question_key", "stem", "tokens"]


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


@lru_cache(maxsize=1)
def _syn_table() -> list[tuple[LazyPattern, str, tuple[str, ...] | None]]:
    """(regex, replacement, prefixes or None) per synonym: the prefixes tell when a pattern cannot
    apply, so most texts never run (nor compile) most patterns. Working the prefixes out parses every
    pattern: they are kept in the user cache (``lazyre.prefix_table``; key: the patterns, this code)."""
    pats = [r"\b(?:" + pat + r")\b" for pat, _rep in _SYNONYMS]
    prefixes = prefix_table("synonyms", pats)
    return [(LazyPattern(p), rep, prefixes[p]) for p, (_pat, rep) in zip(pats, _SYNONYMS)]


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
    for rx, rep, prefixes in _syn_table():
        if prefixes is None:
            t = rx.compiled().sub(rep, t)
            continue
        for p in prefixes:
            if p in t:
                t = rx.compiled().sub(rep, t)
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


def question_key(text: str) -> str:
    """Two questions with this key are the same question: every word kept (the matcher's tokens drop
    boilerplate such as "reviewed and updated", which tells CAIQ questions apart), case, punctuation
    and spacing folded."""
    t = html.unescape(_TAG_RE.sub(" ", str(text or ""))).lower().replace("\u2019", "'")
    return " ".join(_KEY_SPLIT_RE.sub(" ", t).split())


_KEY_SPLIT_RE = re.compile(r"[^a-z0-9']+")
