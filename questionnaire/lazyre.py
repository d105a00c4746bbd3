"""Regular expressions compiled the first time they are used, and skipped when they cannot match.

The shipped rules (polarity, specificity, synonyms) hold hundreds of patterns, of which one
questionnaire uses a few; compiling all of them is most of what loading the rules costs, and
running all of them on every question most of what matching costs. ``LazyPattern`` compiles on
first use and, given the pattern's possible match prefixes (``match_prefixes``, worked out once
and kept in the user cache by ``prefix_table``), answers "no match" without running the regex
when none of those prefixes occurs in the text: an exact test, the results are the same.
``FirstOf`` is the ``search`` of the union ``a|b|c`` computed from its alternatives, each
skipped the same way (the union itself is never compiled).
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator


class LazyPattern:
    """Stands in for ``re.compile(pattern, flags)``: same methods, same results."""

    __slots__ = ("pattern", "flags", "prefixes", "_rx")

    def __init__(self, pattern: str, flags: int = 0, prefixes: tuple[str, ...] | None = None):
        self.pattern = pattern
        self.flags = flags
        self.prefixes: tuple[str, ...] | None = None
        self._rx: re.Pattern[str] | None = None
        self.set_prefixes(prefixes)

    def set_prefixes(self, prefixes: tuple[str, ...] | None) -> None:
        """The strings a match can start with (``match_prefixes``); None: unknown (always run)."""
        self.prefixes = None if prefixes is None or "" in prefixes else tuple(prefixes)

    def compiled(self) -> re.Pattern[str]:
        if self._rx is None:
            self._rx = re.compile(self.pattern, self.flags)
        return self._rx

    def absent(self, s: str) -> bool:
        """True when the pattern cannot match anywhere in ``s`` (no possible prefix of a match occurs)."""
        pre = self.prefixes
        if pre is None:
            return False
        for p in pre:
            if p in s:
                return False
        return True

    def search(self, s: str, *args):
        return None if self.absent(s) else self.compiled().search(s, *args)

    def match(self, s: str, *args):
        return None if self.absent(s) else self.compiled().match(s, *args)

    def fullmatch(self, s: str, *args):
        return None if self.absent(s) else self.compiled().fullmatch(s, *args)

    def finditer(self, s: str, *args) -> Iterator[re.Match[str]]:
        return iter(()) if self.absent(s) else self.compiled().finditer(s, *args)

    def findall(self, s: str, *args) -> list:
        return [] if self.absent(s) else self.compiled().findall(s, *args)

    def sub(self, repl, s: str, *args) -> str:
        return s if self.absent(s) else self.compiled().sub(repl, s, *args)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


class FirstOf:
    """``re.compile("|".join(f"(?:{p})" for p in patterns)).search`` from the alternatives: the union's
    match is the leftmost one, and at that position the first alternative (in order) matching there,
    which is the alternative with the smallest (start of its own leftmost match, place in the list).
    Only alternatives one of whose match prefixes occurs in the text are run."""

    __slots__ = ("alternatives", "_always", "_by_prefix")

    def __init__(self, alternatives: Iterable):
        self.alternatives = tuple(alternatives)
        self._always: list[int] = []  # prefixes unknown: always run
        self._by_prefix: dict[str, list[int]] = {}  # a possible match prefix -> the alternatives it starts
        for i, rx in enumerate(self.alternatives):
            pre = getattr(rx, "prefixes", None)
            if not pre:
                self._always.append(i)
                continue
            for p in pre:
                self._by_prefix.setdefault(p, []).append(i)

    def _candidates(self, s: str) -> list[int]:
        found = set(self._always)
        for p, alts in self._by_prefix.items():
            if p in s:
                found.update(alts)
        return sorted(found)

    def search(self, s: str):
        best = None
        for i in self._candidates(s):
            rx = self.alternatives[i]
            m = (rx.compiled() if isinstance(rx, LazyPattern) else rx).search(s)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
                if m.start() == 0:
                    break
        return best


class PatternSet:
    """Makes the patterns of one rules file: ``re.compile`` for data not validated yet (a bad pattern
    raises), else ``LazyPattern``s whose prefixes ``finish`` fills in from one ``prefix_table``."""

    def __init__(self, kind: str, lazy: bool):
        self.kind, self.lazy = kind, lazy
        self.made: list[LazyPattern] = []

    def __call__(self, pattern: str):
        if not self.lazy:
            return re.compile(pattern)
        rx = LazyPattern(pattern)
        self.made.append(rx)
        return rx

    def finish(self) -> None:
        if self.made:
            table = prefix_table(self.kind, [rx.pattern for rx in self.made])
            for rx in self.made:
                rx.set_prefixes(table[rx.pattern])


def union_prefixes(rxs: Iterable) -> tuple[str, ...] | None:
    """The prefixes of ``a|b|c`` from those of its alternatives (None when one is unknown)."""
    out: set[str] = set()
    for rx in rxs:
        pre = getattr(rx, "prefixes", None)
        if pre is None:
            return None
        out.update(pre)
    return tuple(sorted(out))


def prefix_table(kind: str, patterns: list[str]) -> dict[str, tuple[str, ...] | None]:
    """pattern -> ``match_prefixes(pattern)`` for every pattern, from the user cache when it has them."""
    from questionnaire import knowledge_cache as kc

    pats = list(dict.fromkeys(patterns))
    found = kc.cached(f"{kind}-prefixes", kc.key(f"{kind}-prefixes", repr(pats)),
                      lambda: [match_prefixes(p) for p in pats])
    return {p: None if pre is None else tuple(pre) for p, pre in zip(pats, found)}


def match_prefixes(pattern: str, k: int = 3) -> tuple[str, ...] | None:
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
