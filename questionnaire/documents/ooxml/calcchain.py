"""xl/calcChain.xml: drop the entries of formula cells an answer replaced (Excel repairs a file whose
calculation chain names a cell that no longer holds a formula). With no entry left the part goes,
with its content-type override and its workbook relationship."""

from __future__ import annotations

import posixpath
import re

_CHAIN = re.compile(r"<((?:[\w.-]+:)?)calcChain\b([^>]*)>(.*)</\1calcChain>", re.S)
_ENTRY = re.compile(r"<(?:[\w.-]+:)?c\b([^>]*?)/>")
_I = re.compile(r'\si="(\d+)"')
_R = re.compile(r'\sr="([^"]+)"')


def drop_entries(xml: str, cells: set[tuple[int, str]]) -> str | None:
    """calcChain.xml without the entries of `cells` ({(sheetId, "D10")}); None when none is left.

    An entry without ``i`` belongs to the sheet of the entry before it, so kept entries get an
    explicit ``i`` once anything is dropped."""
    m = _CHAIN.search(xml)
    if m is None:
        return xml
    prefix, attrs, body = m.group(1), m.group(2), m.group(3)
    kept: list[str] = []
    current = None
    for e in _ENTRY.finditer(body):
        a = e.group(1)
        im = _I.search(a)
        if im:
            current = int(im.group(1))
        rm = _R.search(a)
        if rm and (current, rm.group(1).replace("$", "")) in cells:
            continue
        if im is None and current is not None:
            a = f' i="{current}"' + a
        kept.append(f"<{prefix}c{a}/>")
    if not kept:
        return None
    return xml[: m.start()] + f"<{prefix}calcChain{attrs}>{''.join(kept)}</{prefix}calcChain>" + xml[m.end():]


def unlink_part(content_types: str, rels: str, part: str) -> tuple[str, str]:
    """[Content_Types].xml and workbook rels without the override / relationship of `part`."""
    name = re.escape("/" + part)
    content_types = re.sub(rf'<(?:[\w.-]+:)?Override\b[^>]*PartName="{name}"[^>]*/>', "", content_types)
    base = re.escape(posixpath.basename(part))
    rels = re.sub(rf'<(?:[\w.-]+:)?Relationship\b[^>]*Target="(?:/?xl/)?{base}"[^>]*/>', "", rels)
    return content_types, rels
