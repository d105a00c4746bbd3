"""WordprocessingML helpers (python-docx elements): table grids, cell text, content controls. No heuristics."""

from __future__ import annotations

import copy
import functools
from pathlib import Path

from questionnaire.documents.vocab import is_placeholder
from questionnaire.errors import InputFileError

XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NAMESPACES = {"w": W_NS}


@functools.lru_cache(maxsize=256)
def qn(tag: str) -> str:
    """'w:p' -> Clark notation '{...wordprocessingml/2006/main}p' (what python-docx's ``qn`` gives)."""
    prefix, name = tag.split(":", 1)
    return f"{{{_NAMESPACES[prefix]}}}{name}"


W_TC, W_SDT, W_SDT_CONTENT = qn("w:tc"), qn("w:sdt"), qn("w:sdtContent")
W_TRPR, W_TCPR, W_GRID_BEFORE, W_GRID_SPAN, W_VAL = qn("w:trPr"), qn("w:tcPr"), qn("w:gridBefore"), qn("w:gridSpan"), qn("w:val")
W_VMERGE, W_HMERGE = qn("w:vMerge"), qn("w:hMerge")


def child(el, tag: str):
    """The first child of ``el`` with ``tag`` (``el.find(tag)`` without ElementPath: several times faster)."""
    for ch in el:
        if ch.tag == tag:
            return ch
    return None


def _row_cells(tr) -> list:
    """The w:tc of a row, also those wrapped in a cell-level content control (w:sdt > w:sdtContent > w:tc)."""
    out = []
    for ch in tr:
        if ch.tag == W_TC:
            out.append(ch)
        elif ch.tag == W_SDT:
            content = child(ch, W_SDT_CONTENT)
            if content is not None:
                out.extend(c for c in content if c.tag == W_TC)
    return out


def grid(tr) -> list[tuple[int, int, object]]:
    """[(first grid column, span, tc)] for one table row (w:tr)."""
    out = []
    col = 0
    trpr = child(tr, W_TRPR)
    if trpr is not None:
        gb = child(trpr, W_GRID_BEFORE)
        if gb is not None:
            col += int(gb.get(W_VAL, "0"))
    for tc in _row_cells(tr):
        span = 1
        tcpr = child(tc, W_TCPR)
        if tcpr is not None:
            gs = child(tcpr, W_GRID_SPAN)
            if gs is not None:
                span = int(gs.get(W_VAL, "1"))
        out.append((col, span, tc))
        col += span
    return out


def is_vmerge_continue(tc) -> bool:
    tcpr = child(tc, W_TCPR)
    if tcpr is None:
        return False
    vm = child(tcpr, W_VMERGE)
    return vm is not None and vm.get(W_VAL, "continue") == "continue"


def is_hmerge_continue(tc) -> bool:
    """A cell merged into the one on its left the old way (w:hMerge), not with gridSpan."""
    tcpr = child(tc, W_TCPR)
    hm = child(tcpr, W_HMERGE) if tcpr is not None else None
    return hm is not None and hm.get(W_VAL, "continue") == "continue"


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
    """The w:body of a python-docx Document, a DocxPackage, or a w:document element."""
    return getattr(doc, "element", doc).find(qn("w:body"))


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


def _parse_part(data: bytes, what: str):
    """A WordprocessingML part as an lxml tree: no DTD (refused), no entities, no network."""
    from lxml import etree

    from questionnaire.documents.ooxml.xmlsafe import DTD

    if DTD.search(data):
        raise InputFileError(f"{what}: the document part declares a DTD/entities (possible XML entity bomb); refusing it")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


def saved_document(path: Path):
    """The w:document element of a written .docx, parsed from its main part (no entities, no network):
    what a read-back check needs, without loading the whole package again."""
    import zipfile

    from questionnaire.documents.ooxml.package import bad_member

    with zipfile.ZipFile(path) as zf:
        data = zf.read(main_part_name(zf))
        bad = bad_member(zf)  # the parts copied unchanged: decompressed, CRC checked
    if bad is not None:
        raise InputFileError(f"{path}: part {bad} does not read back")
    return _parse_part(data, str(path))


WML_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _content_type(zf, part: str) -> str | None:
    """The content type ``[Content_Types].xml`` gives ``part`` (an Override, else the extension's Default)."""
    from questionnaire.documents.ooxml.xmlsafe import parse_xml

    types = parse_xml(zf.read("[Content_Types].xml"), "[Content_Types].xml")
    default = None
    for el in types:
        name = el.tag.rsplit("}", 1)[-1]
        if name == "Override" and el.get("PartName", "").lstrip("/") == part:
            return el.get("ContentType")
        if name == "Default" and el.get("Extension", "").lower() == part.rsplit(".", 1)[-1].lower():
            default = el.get("ContentType")
    return default


class DocxPackage:
    """A .docx opened for filling: its main document part parsed alone (``element``, the w:document),
    every other part left as bytes and copied unchanged by ``save``. The same acceptance as python-docx's
    ``Document()``: the main part must be a Word document (not a template or a macro document)."""

    def __init__(self, path: Path):
        import zipfile

        self.path = Path(path)
        try:
            with zipfile.ZipFile(self.path) as zf:
                self.part = main_part_name(zf)
                ctype = _content_type(zf, self.part)
                data = zf.read(self.part)
            if ctype != WML_MAIN:
                raise InputFileError(f"{path}: cannot open as a Word document (its main part is {ctype or 'untyped'}); "
                                     "re-save it from Word as .docx")
            self.element = _parse_part(data, str(path))
        except InputFileError:
            raise
        except Exception as e:
            raise InputFileError(f"{path}: cannot open as a Word document ({type(e).__name__}); "
                                 "re-save it from Word as .docx") from e

    def save(self, dst: Path) -> None:
        from lxml import etree

        from questionnaire.documents.ooxml.package import copy_package

        data = etree.tostring(self.element, xml_declaration=True, encoding="UTF-8", standalone=True)
        copy_package(self.path, Path(dst), {self.part: data})


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
