"""The sheet-XML patcher: replace only the target ``<c>`` elements, copy every other part unchanged.

Written cells are inline strings keeping the cell's ``s=`` style (or a wrap-text clone of it
from `StylePatcher`). `verify_cells` reopens the written package and checks every written
cell reads back as written, as text, in a well-formed part with rows and cells in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from questionnaire.documents.ooxml.calcchain import drop_entries, unlink_part
from questionnaire.documents.ooxml.package import Workbook, copy_package
from questionnaire.documents.ooxml.refs import idx_to_col, parse_ref
from questionnaire.documents.ooxml.styles import StylePatcher
from questionnaire.documents.ooxml.xmlsafe import DTD, parse_xml
from questionnaire.errors import InputFileError, OutputError


@dataclass
class CellWrite:
    sheet: str
    ref: str  # "C12"
    text: str
    wrap: bool = False
    # (a cell is there, it holds a formula, its style) when the caller knows them; None: read from the sheet
    cell: tuple[bool, bool, int] | None = None


_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text: str) -> str:
    """``xml.sax.saxutils.escape(text, {'"': "&quot;"})`` (without importing urllib with it)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace('"', "&quot;")


def _inline_cell(prefix: str, ref: str, style: int | None, text: str) -> str:
    s = f' s="{style}"' if style else ""
    body = _escape(_XML_BAD.sub("", text))
    return f'<{prefix}c r="{ref}"{s} t="inlineStr"><{prefix}is><{prefix}t xml:space="preserve">{body}</{prefix}t></{prefix}is></{prefix}c>'


# the content up to the first closing tag, as ``(.*?)</\1row>`` (re.S) would take it, matched in runs of
# text between '<' rather than one character at a time (the same matches, about twice as fast)
_ROW_RE = re.compile(r"<((?:[\w.-]+:)?)row\b([^>]*?)(/>|>([^<]*(?:<(?!/\1row>)[^<]*)*)</\1row>)")
_CELL_RE = re.compile(r"<((?:[\w.-]+:)?)c\b([^>]*?)(/>|>([^<]*(?:<(?!/\1c>)[^<]*)*)</\1c>)")
_R_ATTR = re.compile(r'(?:^|\s)r="([^"]*)"')
_S_ATTR = re.compile(r'(?:^|\s)s="(\d+)"')
_SPANS = re.compile(r'(\s)spans="(\d+):(\d+)"')


def patch_sheet_xml(xml: str, writes: dict[tuple[int, int], tuple[str, int | None]]) -> str:
    """Replace or insert the given cells ((row, col) -> (text, style or None to keep)) in a sheet XML string."""
    m = re.search(r"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>", xml)
    if not m:
        raise OutputError("sheet has no sheetData element; cannot write into it")
    prefix = m.group(1)
    by_row: dict[int, dict[int, tuple[str, int | None]]] = {}
    for (r, c), w in writes.items():
        by_row.setdefault(r, {})[c] = w
    if m.group(2) == "/":
        rows = "".join(_new_row(prefix, r, cells) for r, cells in sorted(by_row.items()))
        return xml[: m.start()] + f"<{prefix}sheetData>{rows}</{prefix}sheetData>" + xml[m.end():]
    start = m.end()
    end = xml.index(f"</{prefix}sheetData>", start)
    out: list[str] = [xml[:start]]
    pos = start
    pending = sorted(by_row)
    pi = 0
    counter = 0
    for rm in _ROW_RE.finditer(xml, start, end):
        ra = _R_ATTR.search(rm.group(2))
        counter = int(ra.group(1)) if ra else counter + 1
        while pi < len(pending) and pending[pi] < counter:
            out.append(xml[pos: rm.start()])
            pos = rm.start()
            out.append(_new_row(prefix, pending[pi], by_row[pending[pi]]))
            pi += 1
        if pi < len(pending) and pending[pi] == counter:
            out.append(xml[pos: rm.start()])
            out.append(_patch_row(rm, counter, by_row[counter]))
            pos = rm.end()
            pi += 1
    out.append(xml[pos:end])
    while pi < len(pending):
        out.append(_new_row(prefix, pending[pi], by_row[pending[pi]]))
        pi += 1
    out.append(xml[end:])
    return "".join(out)


def _new_row(prefix: str, r: int, cells: dict[int, tuple[str, int | None]]) -> str:
    body = "".join(_inline_cell(prefix, f"{idx_to_col(c)}{r}", s, t) for c, (t, s) in sorted(cells.items()))
    return f'<{prefix}row r="{r}">{body}</{prefix}row>'


def _patch_row(rm: re.Match, r: int, cells: dict[int, tuple[str, int | None]]) -> str:
    prefix, attrs, inner = rm.group(1), rm.group(2), rm.group(4) or ""
    lo_c, hi_c = min(cells), max(cells)
    sm = _SPANS.search(attrs)
    if sm:
        a, b = int(sm.group(2)), int(sm.group(3))
        if lo_c < a or hi_c > b:
            attrs = attrs[: sm.start()] + f'{sm.group(1)}spans="{min(a, lo_c)}:{max(b, hi_c)}"' + attrs[sm.end():]
    pending = sorted(cells)
    pi = 0
    out: list[str] = []
    pos = 0
    col_counter = 0
    for cm in _CELL_RE.finditer(inner):
        ra = _R_ATTR.search(cm.group(2))
        if ra:
            col_counter = parse_ref(ra.group(1))[1]
        else:
            col_counter += 1
        while pi < len(pending) and pending[pi] < col_counter:
            c = pending[pi]
            text, style = cells[c]
            out.append(inner[pos: cm.start()])
            pos = cm.start()
            out.append(_inline_cell(prefix, f"{idx_to_col(c)}{r}", style, text))
            pi += 1
        if pi < len(pending) and pending[pi] == col_counter:
            text, style = cells[col_counter]
            if style is None:
                sa = _S_ATTR.search(cm.group(2))
                style = int(sa.group(1)) if sa else None
            out.append(inner[pos: cm.start()])
            out.append(_inline_cell(prefix, f"{idx_to_col(col_counter)}{r}", style, text))
            pos = cm.end()
            pi += 1
    out.append(inner[pos:])
    while pi < len(pending):
        c = pending[pi]
        text, style = cells[c]
        out.append(_inline_cell(prefix, f"{idx_to_col(c)}{r}", style, text))
        pi += 1
    return f"<{prefix}row{attrs}>{''.join(out)}</{prefix}row>"




def write_cells(src: Path, dst: Path, writes: list[CellWrite], workbook: Workbook | None = None) -> None:
    """Copy the package src -> dst, replacing only the given cells (reuses an open `workbook` of src)."""
    if workbook is not None:
        _write_cells(workbook, src, dst, writes)
        return
    with Workbook(src) as wb:
        _write_cells(wb, src, dst, writes)


def _write_cells(wb: Workbook, src: Path, dst: Path, writes: list[CellWrite]) -> None:
    styles_part = wb.styles_part()
    styles = StylePatcher(wb.read(styles_part).decode("utf-8") if styles_part else None)
    per_part: dict[str, dict[tuple[int, int], tuple[str, int | None]]] = {}
    formulas: set[tuple[int, str]] = set()
    sheets: dict[str, tuple] = {}
    for w in writes:
        if w.sheet not in sheets:
            sheet = wb.sheet(w.sheet)
            if sheet is None:
                raise OutputError(f"sheet {w.sheet!r} not found in {src}")
            sheets[w.sheet] = (sheet, None)
        sheet, scan = sheets[w.sheet]
        r, c = parse_ref(w.ref)
        if w.cell is not None:
            exists, formula, base = w.cell
        else:
            if scan is None:  # the sheet is read only when a write does not say what is in its cell
                scan = wb.scan(sheet)
                sheets[w.sheet] = (sheet, scan)
            old = scan.cells.get((r, c))
            exists, formula, base = old is not None, bool(old is not None and old.formula), scan.style_of(r, c)
        if formula:
            formulas.add((sheet.sheet_id, f"{idx_to_col(c)}{r}"))
        style = None
        if w.wrap and not wb.xf(base).wrap:
            style = styles.wrap_style(base)
        if style is None and not exists:
            style = base or None  # new cell: inherit row/column style
        per_part.setdefault(sheet.part, {})[(r, c)] = (w.text, style)
    patched: dict[str, bytes] = {}
    for part, cells in per_part.items():
        patched[part] = patch_sheet_xml(wb.read(part).decode("utf-8"), cells).encode("utf-8")
    new_styles = styles.result()
    if new_styles is not None and styles_part:
        patched[styles_part] = new_styles.encode("utf-8")
    dropped = _patch_calc_chain(wb, formulas, patched) if formulas else None
    copy_package(src, dst, patched, drop=dropped)


def _patch_calc_chain(wb: Workbook, formulas: set[tuple[int, str]], patched: dict[str, bytes]) -> str | None:
    """Drop calcChain entries of replaced formula cells; the name of the part to leave out, if it empties."""
    part = wb.part_named("calcChain.xml")
    if part is None:
        return None
    chain = drop_entries(wb.read(part).decode("utf-8"), formulas)
    if chain is not None:
        patched[part] = chain.encode("utf-8")
        return None
    rels_part = "xl/_rels/workbook.xml.rels"
    if "[Content_Types].xml" not in wb.names or rels_part not in wb.names:
        raise OutputError("cannot update the calculation chain of this workbook; nothing was written")
    ct, rels = unlink_part(wb.read("[Content_Types].xml").decode("utf-8"), wb.read(rels_part).decode("utf-8"), part)
    patched["[Content_Types].xml"], patched[rels_part] = ct.encode("utf-8"), rels.encode("utf-8")
    return part


_T_TEXT = re.compile(r"<(?:[\w.-]+:)?t\b[^>]*>(.*?)</(?:[\w.-]+:)?t>|<(?:[\w.-]+:)?t\b[^>]*/>", re.S)


def _unescape(text: str) -> str:
    """``xml.sax.saxutils.unescape(text, {"&quot;": '"', "&apos;": "'"})``."""
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
    return text.replace("&amp;", "&")


_F_TAG = re.compile(r"<(?:[\w.-]+:)?f\b")


def check_patched_part(data: bytes, cells: dict[tuple[int, int], str], what: str) -> None:
    """Well-formed (expat, no DTD), rows ascending, cells of touched rows ascending and unique,
    and each written cell holds exactly the written text as a string (never a formula)."""
    import xml.parsers.expat

    if DTD.search(data):
        raise OutputError(f"{what}: written part declares a DTD; nothing was written")
    try:
        xml.parsers.expat.ParserCreate().Parse(data, True)
    except xml.parsers.expat.ExpatError as e:
        raise OutputError(f"{what}: written part is not well-formed XML ({e}); nothing was written") from e
    text = data.decode("utf-8")
    wanted_rows = {r for r, _c in cells}
    seen: dict[tuple[int, int], str] = {}
    last_row = 0
    counter = 0
    for rm in _ROW_RE.finditer(text):
        ra = _R_ATTR.search(rm.group(2))
        counter = int(ra.group(1)) if ra else counter + 1
        if counter <= last_row:
            raise OutputError(f"{what}: rows out of order at row {counter}; nothing was written")
        last_row = counter
        if counter not in wanted_rows:
            continue
        last_col, col = 0, 0
        for cm in _CELL_RE.finditer(rm.group(4) or ""):
            attrs = cm.group(2)
            ca = _R_ATTR.search(attrs)
            col = parse_ref(ca.group(1))[1] if ca else col + 1
            if col <= last_col:
                raise OutputError(f"{what}: cells out of order or repeated in row {counter}; nothing was written")
            last_col = col
            if (counter, col) in cells:
                body = cm.group(4) or ""
                if 't="inlineStr"' not in attrs or _F_TAG.search(body):
                    raise OutputError(f"{what}: {idx_to_col(col)}{counter} was not written as text; nothing was written")
                got = "".join(m.group(1) or "" for m in _T_TEXT.finditer(body))
                seen[(counter, col)] = _unescape(got) if "&" in got else got
    for key, want in cells.items():
        if seen.get(key) != _XML_BAD.sub("", want):
            raise OutputError(f"written file check failed at {what} {idx_to_col(key[1])}{key[0]}; nothing was written")


def verify_cells(path: Path, writes: list[CellWrite]) -> None:
    """Reopen a written package and check every written cell reads back as written."""
    try:
        with Workbook(path) as wb:
            per_part: dict[str, dict[tuple[int, int], str]] = {}
            for w in writes:
                per_part.setdefault(wb.sheet(w.sheet).part, {})[parse_ref(w.ref)] = w.text
            for part, cells in per_part.items():
                check_patched_part(wb.read(part), cells, part)
            for sp in (wb.styles_part(), wb.part_named("calcChain.xml"), "[Content_Types].xml"):
                if sp and sp in wb.names:
                    parse_xml(wb.read(sp), sp)
            bad = wb.bad_member()  # every other part: decompressed and its CRC checked (they are copies)
            if bad is not None:
                raise OutputError(f"written file check failed: part {bad} does not read back; nothing was written")
    except InputFileError as e:
        raise OutputError(f"written file does not reopen cleanly ({e}); nothing was written") from e
