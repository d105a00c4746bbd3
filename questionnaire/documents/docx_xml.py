"""WordprocessingML helpers (python-docx elements): table grids, cell text, content controls. No heuristics."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

from questionnaire.documents.vocab import is_placeholder
from questionnaire.errors import InputFileError

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@functools.lru_cache(maxsize=256)
def qn(tag: str) -> str:
    """'w:p' -> Clark notation (python-docx imported on first use)."""
    from docx.oxml.ns import qn as _qn

    return _qn(tag)


    from docx.oxml.ns import qn

    return qn(tag)


def _row_cells(tr) -> list:
    """The w:tc of a row, also those wrapped in a cell-level content control (w:sdt > w:sdtContent > w:tc)."""
    out = []
    for ch in tr:
        if ch.tag == qn("w:tc"):
            out.append(ch)
        elif ch.tag == qn("w:sdt"):
            content = ch.find(qn("w:sdtContent"))
            out.extend(content.findall(qn("w:tc")) if content is not None else [])
    return out


def grid(tr) -> list[tuple[int, int, object]]:
    """[(first grid column, span, tc)] for one table row (w:tr)."""
    out = []
    col = 0
    W_GRIDBEFORE = qn("w:gridBefore")
    trpr = tr.find(qn("w:trPr"))
    if trpr is not None:
        gb = trpr.find(W_GRIDBEFORE)
        if gb is not None:
            col += int(gb.get(qn("w:val"), "0"))
    for tc in _row_cells(tr):
        span = 1
        tcpr = tc.find(qn("w:tcPr"))
        if tcpr is not None:
            gs = tcpr.find(qn("w:gridSpan"))
            if gs is not None:
                span = int(gs.get(qn("w:val"), "1"))
        out.append((col, span, tc))
        col += span
    return out


def is_vmerge_continue(tc) -> bool:
    tcpr = tc.find(qn("w:tcPr"))
    if tcpr is None:
        return False
    vm = tcpr.find(qn("w:vMerge"))
    return vm is not None and vm.get(qn("w:val"), "continue") == "continue"


def is_hmerge_continue(tc) -> bool:
    """A cell merged into the one on its left the old way (w:hMerge), not with gridSpan."""
    tcpr = tc.find(qn("w:tcPr"))
    hm = tcpr.find(qn("w:hMerge")) if tcpr is not None else None
    return hm is not None and hm.get(qn("w:val"), "continue") == "continue"


def tc_text(tc) -> str:
    paras = []
    t_tag, br_tag, cr_tag, tab_tag = qn("w:t"), qn("w:br"), qn("w:cr"), qn("w:tab")
    for p in tc.iter(qn("w:p")):
        parts = []
        for el in p.iter(t_tag, br_tag, cr_tag, tab_tag):
            if el.tag == t_tag:
                parts.append(el.text or "")
            elif el.tag == tab_tag:
                parts.append("\t")
            else:
                parts.append("\n")
        paras.append("".join(parts))
    return "\n".join(paras).strip()


def filled_text(tc) -> str:
    """Text a person typed into the cell: content-control placeholders do not count."""
    if tc.find(".//" + qn("w:showingPlcHdr")) is None:
        return tc_text(tc)
    clone = copy.deepcopy(tc)
    for sdt in list(clone.iter(qn("w:sdt"))):
        pr = sdt.find(qn("w:sdtPr"))
        if pr is not None and pr.find(qn("w:showingPlcHdr")) is not None:
            sdt.getparent().remove(sdt)
    return tc_text(clone)


def answer_text(tc) -> str:
    """What was already answered in a cell: '' for an empty cell or a form prompt ("[Insert response]")."""
    text = filled_text(tc)
    return "" if is_placeholder(text) else text


def cell_at(cells, col):
    for start, span, tc in cells:
        if start <= col < start + span:
            return tc
    return None


def body_of(doc):
    """The w:body of a python-docx Document, or of a w:document element read from a saved file."""
    element = getattr(doc, "element", None)
    if element is not None:
        return element.body
    return doc.find(qn("w:body"))


def tables(doc):
    """Top-level tables in body order (nested tables are not questionnaires): ``Document.tables``."""
    body = body_of(doc)
    return [] if body is None else [ch for ch in body if ch.tag == qn("w:tbl")]


def main_part_name(zf) -> str:
    """The main document part of a .docx package (the officeDocument relationship of _rels/.rels)."""
    from questionnaire.documents.ooxml.xmlsafe import parse_xml

    try:
        rels = parse_xml(zf.read("_rels/.rels"), "_rels/.rels")
    except KeyError:
        return "word/document.xml"
    for rel in rels:
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "word/document.xml").lstrip("/")
    return "word/document.xml"


def saved_document(path: Path):
    """The w:document element of a written .docx, parsed from its main part (no entities, no network):
    what a read-back check needs, without loading the whole package again."""
    import zipfile

    from lxml import etree

    from questionnaire.documents.ooxml.xmlsafe import DTD

    with zipfile.ZipFile(path) as zf:
        data = zf.read(main_part_name(zf))
    if DTD.search(data):
        raise InputFileError(f"{path}: the written document declares a DTD")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def open_document(path: Path):
    try:
        import docx
    except ImportError as e:  # pragma: no cover - python-docx is a dependency
        from questionnaire.errors import OptionalDependencyMissing

        raise OptionalDependencyMissing("python-docx is needed for .docx files; pip install python-docx") from e
    try:
        return docx.Document(str(path))
    except Exception as e:
        raise InputFileError(f"{path}: cannot open as a Word document ({type(e).__name__}); re-save it from Word as .docx") from e
