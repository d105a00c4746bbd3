"""Data written into Markdown (SUMMARY.md, answers .md, policy .md, compliance .md) is text, never markup.

Backslash escapes (valid CommonMark for any ASCII punctuation) neutralise what would turn data into
active content: ``[`` / ``]`` (links, ``![images](...)``, ``[x](javascript:...)``), ``<`` / ``>`` (raw
HTML, ``<javascript:...>`` autolinks), backticks, table pipes and backslashes themselves. No HTML
entities: a reader of the raw file sees ``>=``, not ``&gt;=``.
"""

from __future__ import annotations

from typing import Any

_ESCAPE = str.maketrans({c: "\\" + c for c in "\\`[]<>|"})


def md_block(value: Any) -> str:
    """Multi-line text (kept as paragraphs), escaped."""
    return "\n".join(line.rstrip().translate(_ESCAPE) for line in str(value).splitlines())


def md_inline(value: Any) -> str:
    """One line (whitespace collapsed), escaped: table cells, headings, list items."""
    return " ".join(str(value).split()).translate(_ESCAPE)
