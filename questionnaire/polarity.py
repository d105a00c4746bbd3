"""Polarity of a question relative to the proposition its catalog entry asserts.

``same``: the question asks the entry's ``asserts`` ("Is consumer AI prohibited?");
``inverse``: it asks the negation ("Are staff allowed to use consumer AI?"), so the
written Yes/No is flipped; ``None``: abstain (the cues conflict, the question joins both
polarities, a double negation, a negation in a subordinate clause...).

The cues (negations, antonym pairs, frames, abstain cues) and each entry's wording are
data: ``templates/polarity.yaml`` (its header documents the decision rules). Pure: no
I/O besides loading that file once.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, TypeVar

from questionnaire.errors import InputFileError
from questionnaire.lazyre import FirstOf, LazyPattern, PatternSet, union_prefixes

SAME = "same"
INVERSE = "inverse"
POLARITIES = (SAME, INVERSE)
SIDES = ("positive", "negative", "topic")

_TAG_RE = re.compile(r"<[^>]+>")
_PUNCT_RE = re.compile(r"[^a-z0-9 ]+")

Pattern = re.Pattern[str]
T = TypeVar("T")


def _word(pattern: str, make=re.compile) -> Pattern:
    return make(r"(?<![a-z0-9])(?:" + pattern + r")(?![a-z0-9])")


@dataclass(frozen=True)
class Decision:
    polarity: str | None  # None = abstain
    reason: str
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    ignore: tuple[Pattern, ...]
    frames: tuple[Pattern, ...]
    abstain: tuple[Pattern, ...]
    negation: tuple[Pattern, ...]
    subordinators: frozenset[str]
    pairs: dict[str, dict[str, tuple[tuple[str, Pattern], ...]]]  # pair -> side -> (source, regex)
    entries: dict[str, dict[str, Any]]  # id -> {"pairs": {pair: side}, "default": same|abstain}
    unscanned: frozenset[str] = frozenset()  # pairs whose negative words do not make other entries abstain
    # what is derived from these rules once (unions, the foreign poles per declared pairs, library signatures)
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def negation_rx(self) -> Pattern | LazyPattern:
        """The union of the negation cues (for ``finditer``), compiled when first needed."""
        if "negation" not in self.memo:
            rxs = self.negation
            self.memo["negation"] = LazyPattern("|".join(f"(?:{rx.pattern})" for rx in rxs) or r"(?!)",
                                                prefixes=union_prefixes(rxs) if rxs else None)
        return self.memo["negation"]

    @property
    def abstain_rx(self) -> FirstOf:
        """The ``search`` of the union of the abstain cues."""
        if "abstain" not in self.memo:
            self.memo["abstain"] = FirstOf(self.abstain)
        return self.memo["abstain"]

    def foreign_rx(self, declared: tuple[str, ...]) -> FirstOf | None:
        """The ``search`` of the union of the negative poles of the scanned pairs not in ``declared``."""
        key = ("foreign", declared)
        if key not in self.memo:
            rxs = [rx for pair, sides in self.pairs.items() if pair not in declared and pair not in self.unscanned
                   for _src, rx in sides["negative"]]
            self.memo[key] = FirstOf(rxs) if rxs else None
        return self.memo[key]

    def decide(self, question: str, entry_id: str, kind: str = "yes_no") -> Decision:
        return decide(self, question, entry_id, kind)


_CANNOT_RE = re.compile(r"\bcan't\b|\bcannot\b")
_WONT_RE = re.compile(r"\bwon't\b")
_NT_RE = re.compile(r"n't\b")


@lru_cache(maxsize=4096)
def prepare(text: str) -> str:
    """Lower-cased text, HTML stripped, contractions expanded, punctuation as spaces."""
    t = html.unescape(_TAG_RE.sub(" ", str(text or ""))).lower().replace("\u2019", "'")
    t = _CANNOT_RE.sub("can not", t)
    t = _WONT_RE.sub("will not", t)
    t = _NT_RE.sub(" not", t)
    t = _PUNCT_RE.sub(" ", t.replace("'s ", " "))
    return " ".join(t.split())


def _strip(rules: Rules, t: str) -> str:
    for rx in rules.ignore:
        t = rx.sub(" ", t)
    t = " ".join(t.split())
    changed = True
    while changed:
        changed = False
        for rx in rules.frames:
            m = rx.match(t)
            if m and m.end() > 0:
                t = t[m.end():].strip()
                changed = True
    return t


def _consume(t: str, terms: list[tuple[str, str, Pattern]]) -> tuple[str, list[tuple[str, str, str]]]:
    """Find the pole terms, longest match first; overlapping shorter matches are dropped
    and every hit is blanked out, so "protected against tampering" is one cue and no
    negation cue matches inside "not permitted". -> (rest, [(pair, side, text)])."""
    found = [(m.start(), m.end(), pair, side) for pair, side, rx in terms for m in rx.finditer(t)]
    found.sort(key=lambda x: (x[0] - x[1], x[0]))
    taken: list[tuple[int, int, str, str]] = []
    for f in found:
        if all(f[1] <= a or f[0] >= b for a, b, _, _ in taken):
            taken.append(f)
    taken.sort()
    rest, hits, pos = [], [], 0
    for a, b, pair, side in taken:
        rest.append(t[pos:a] + " # ")
        hits.append((pair, side, t[a:b]))
        pos = b
    rest.append(t[pos:])
    return "".join(rest), hits


def _negations(rules: Rules, t: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0).strip()) for m in rules.negation_rx.finditer(t)]


def _foreign_negative(rules: Rules, rest: str, declared: dict[str, str]) -> str | None:
    """A negative pole of a pair the entry is not worded in (it may negate something)."""
    rx = rules.foreign_rx(tuple(sorted(declared)))
    m = rx.search(rest) if rx is not None else None
    return m.group(0) if m else None


def decide(rules: Rules, question: str, entry_id: str, kind: str = "yes_no") -> Decision:
    """The polarity of ``question`` for the entry ``entry_id`` (see templates/polarity.yaml)."""
    t = _strip(rules, prepare(question))
    m = rules.abstain_rx.search(t)
    if m:
        return Decision(None, f"'{m.group(0).strip()}' makes a yes/no answer unsafe", (m.group(0).strip(),))
    spec = rules.entries.get(entry_id)
    if kind != "yes_no" or spec is None:
        neg = _negations(rules, t)
        if neg:
            return Decision(None, f"negated question ('{neg[0][1]}'): the answer could be inverted", (neg[0][1],))
        return Decision(SAME, "no negation")
    declared: dict[str, str] = spec["pairs"]
    terms = [(p, s, rx) for p in declared for s in ("positive", "negative") for _src, rx in rules.pairs[p][s]]
    rest, hits = _consume(t, terms)
    foreign = _foreign_negative(rules, rest, declared)
    if foreign:
        return Decision(None, f"'{foreign}' may negate a concept the answer does not cover", (foreign,))
    flips: list[str] = []
    poles: list[str] = []
    for pair, side in declared.items():
        if side == "topic":
            continue
        found = {s for p, s, _ in hits if p == pair}
        words = [w for p, _s, w in hits if p == pair]
        if len(found) == 2:
            return Decision(None, f"the question joins both sides of '{pair}' ({', '.join(words)})", tuple(words))
        if found:
            poles.extend(words)
            if found != {side}:
                flips.append(" ".join(words))  # one flip per pair, however many of its words
    neg = _negations(rules, rest)
    if not poles and spec["default"] != SAME:
        return Decision(None, "the question names neither side of the proposition", tuple(w for _, w in neg))
    for pos, word in neg:
        if set(rest[:pos].split()) & rules.subordinators:
            return Decision(None, f"negation '{word}' inside a subordinate clause", (word,))
    flips.extend(w for _, w in neg)
    cues = tuple(poles) + tuple(w for _, w in neg)
    if len(flips) >= 2:
        return Decision(None, f"double negation ({', '.join(flips)})", cues)
    if flips:
        return Decision(INVERSE, f"asks the negation ('{flips[0]}')", cues)
    return Decision(SAME, "asks the proposition" + (f" ('{poles[0]}')" if poles else ""), cues)


def flip(value: str | None) -> str | None:
    """"Yes" <-> "No"; anything else (N/A, None) unchanged."""
    return {"Yes": "No", "No": "Yes"}.get(value or "", value)


def _patterns(path: Path, data: dict[str, Any], key: str, make=re.compile) -> tuple[Pattern, ...]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise InputFileError(f"{path}: '{key}' must be a list of patterns")
    try:
        return tuple(make("^(?:" + i + r")\b" if key == "frames" else i) for i in items)
    except re.error as e:
        raise InputFileError(f"{path}: '{key}': bad pattern: {e}") from None


def _pairs(path: Path, data: dict[str, Any], make=re.compile) -> tuple[dict[str, dict[str, tuple[tuple[str, Pattern], ...]]], frozenset[str]]:
    pairs: dict[str, dict[str, tuple[tuple[str, Pattern], ...]]] = {}
    unscanned = set()
    for name, sides in (data.get("pairs") or {}).items():
        if not isinstance(sides, dict) or not {"positive", "negative"} <= set(sides) <= {"positive", "negative", "scan"}:
            raise InputFileError(f"{path}: pair '{name}' needs 'positive' and 'negative' lists (and optionally 'scan')")
        try:
            pairs[name] = {s: tuple((p, _word(p, make)) for p in sides[s]) for s in ("positive", "negative")}
        except re.error as e:
            raise InputFileError(f"{path}: pair '{name}': bad pattern: {e}") from None
        if sides.get("scan", True) is False:
            unscanned.add(name)
    return pairs, frozenset(unscanned)


def _compile(path: Path, data: dict[str, Any], lazy: bool = False) -> Rules:
    """The rules of ``data``; ``lazy``: data validated before (patterns compiled when first used)."""
    make = PatternSet("polarity", lazy)
    pairs, unscanned = _pairs(path, data, make)
    entries: dict[str, dict[str, Any]] = {}
    for eid, spec in (data.get("entries") or {}).items():
        spec = spec or {}
        ps = dict(spec.get("pairs") or {})
        for p, side in ps.items():
            if p not in pairs or side not in SIDES:
                raise InputFileError(f"{path}: entry '{eid}': unknown pair '{p}' or side '{side}'")
        default = spec.get("default", SAME)
        if default not in (SAME, "abstain"):
            raise InputFileError(f"{path}: entry '{eid}': default must be same or abstain")
        entries[eid] = {"pairs": ps, "default": default}
    subs = frozenset(str(s) for s in data.get("subordinators") or [])
    rules = Rules(_patterns(path, data, "ignore", make), _patterns(path, data, "frames", make),
                  _patterns(path, data, "abstain", make), _patterns(path, data, "negation", make), subs, pairs, entries,
                  unscanned)
    make.finish()
    return rules


def load_yaml_mapping(path: Path, text: str | None = None) -> dict[str, Any]:
    """A shipped data file (templates/*.yaml) as a mapping; any problem is a one-line InputFileError."""
    import yaml

    from questionnaire.knowledge_cache import yaml_load

    try:
        data = yaml_load(path.read_text(encoding="utf-8") if text is None else text)
    except OSError as e:
        raise InputFileError(f"{path}: cannot read: {e.strerror}") from None
    except yaml.YAMLError as e:
        raise InputFileError(f"{path}: not valid YAML: {' '.join(str(e).split())}") from None
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: expected a mapping")
    return data


def load_validated(path: Path, kind: str, build: Callable[[Path, dict[str, Any], bool], T]) -> T:
    """``build(path, data, lazy)`` of a shipped YAML mapping. Content an earlier run validated is read
    back from the user cache and built with ``lazy=True`` (patterns compiled when first used); other
    content is parsed and built with ``lazy=False``, which checks every pattern (an InputFileError
    when one is bad), and kept for the next run."""
    from questionnaire import knowledge_cache as kc

    raw = kc.read_bytes(path)
    k = kc.key(kind, raw)
    hit = kc.load(kind, k)
    if isinstance(hit, dict):
        return build(path, hit, True)
    try:
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not UTF-8 text") from None
    data = load_yaml_mapping(path, text)
    built = build(path, data, False)
    kc.store(kind, k, data)
    return built


@lru_cache(maxsize=4)
def load_rules(path: str | None = None) -> Rules:
    """templates/polarity.yaml, compiled (an unreadable or malformed file is an InputFileError)."""
    from questionnaire.resources import templates_dir

    p = Path(path) if path else templates_dir() / "polarity.yaml"
    return load_validated(p, "polarity", _compile)
