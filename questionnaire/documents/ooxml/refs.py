"""Cell references and sheet names of SpreadsheetML (no heuristics)."""

from __future__ import annotations

import functools
import re


@functools.lru_cache(maxsize=4096)
def col_to_idx(col: str) -> int:
    n = 0
    for ch in col.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(col)
        n = n * 26 + ord(ch) - 64
    return n


def idx_to_col(idx: int) -> str:
    s = ""
    while idx:
        idx, rem = divmod(idx - 1, 26)
        s = chr(65 + rem) + s
    return s


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@functools.lru_cache(maxsize=65536)
def parse_ref(ref: str) -> tuple[int, int]:
    m = _REF.match(ref.strip())
    if not m:
        raise ValueError(ref)
    return int(m.group(2)), col_to_idx(m.group(1))


def parse_range(text: str) -> tuple[int, int, int, int] | None:
    """'A1:B3' or 'A1' -> (r1, c1, r2, c2); whole columns 'A:A' -> rows 1..1048576."""
    text = text.strip().replace("$", "")
    parts = text.split(":")
    try:
        if len(parts) == 1:
            r, c = parse_ref(parts[0])
            return r, c, r, c
        a, b = parts
        if a.isalpha() and b.isalpha():
            return 1, col_to_idx(a), 1048576, col_to_idx(b)
        r1, c1 = parse_ref(a)
        r2, c2 = parse_ref(b)
        return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)
    except ValueError:
        return None



@functools.lru_cache(maxsize=1024)
def quote_sheet(name: str) -> str:
    return name if _PLAIN_NAME.fullmatch(name) else "'" + name.replace("'", "''") + "'"


_PLAIN_NAME = re.compile(r"[A-Za-z_][\w.]*")
_LOCAL: dict[str, str] = {}


def local(tag: str) -> str:
    """'{namespace}c' -> 'c' (remembered: a sheet has a handful of distinct tags and many elements)."""
    name = _LOCAL.get(tag)
    if name is None:
        name = tag.rsplit("}", 1)[-1]
        if len(_LOCAL) < 4096:
            _LOCAL[tag] = name
    return name
