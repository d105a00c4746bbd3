"""Safe XML parsing for package parts (no DTDs, no entities)."""

from __future__ import annotations

import io
import re
from xml.etree import ElementTree as _ET

from defusedxml import ElementTree as DET

from questionnaire.documents.ooxml.refs import local
from questionnaire.errors import InputFileError

DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def iterparse(data: bytes, events=("end",)):
    """Fast C iterparse for big parts, after refusing any DTD/entity declaration in the whole part.

    Without a DTD expat expands only the five predefined entities, so this is as safe as
    defusedxml (which hooks the slow pure-Python parser) for parts this large.
    """
    if DTD.search(data):
        raise InputFileError("a package part declares a DTD/entities (possible XML entity bomb); refusing it")
    return _ET.iterparse(io.BytesIO(data), events=events)


def parse_xml(data: bytes, what: str):
    try:
        return DET.fromstring(data)
    except Exception as e:  # defusedxml raises on DTDs/entities, ParseError on garbage
        raise InputFileError(f"{what}: invalid or unsafe XML ({type(e).__name__}); re-save the file from Excel") from e



def text_of(el) -> str:
    """Concatenate <t> texts of a shared/inline string, skipping phonetic runs."""
    parts: list[str] = []

    def walk(node) -> None:
        for ch in node:
            tag = local(ch.tag)
            if tag == "t":
                parts.append(ch.text or "")
            elif tag in ("rPh", "phoneticPr"):
                continue
            else:
                walk(ch)

    if local(el.tag) == "t":
        return el.text or ""
    if len(el) == 1 and local(el[0].tag) == "t":  # the usual <is><t>text</t></is>
        return el[0].text or ""
    walk(el)
    return "".join(parts)

