"""One worksheet part read into a `SheetScan`: cached values, styles, merges, validations (no heuristics)."""

from __future__ import annotations

from dataclasses import dataclass, field

from questionnaire.documents.ooxml.refs import _LOCAL, local, parse_range, parse_ref
from questionnaire.documents.ooxml.xmlsafe import iterparse, text_of
from questionnaire.errors import InputFileError


@dataclass(slots=True)
class Cell:
    value: str | None  # the cached value for formula cells
    style: int
    formula: bool
    formula_text: str | None = None  # the formula itself ('' for a shared-formula child)


@dataclass
class Validation:
    ranges: list[tuple[int, int, int, int]]
    type: str
    formula1: str | None


@dataclass
class SheetScan:
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)
    row_styles: dict[int, int] = field(default_factory=dict)
    col_styles: list[tuple[int, int, int]] = field(default_factory=list)  # (min, max, style)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    protected: bool = False
    validations: list[Validation] = field(default_factory=list)
    max_row: int = 0

    def value(self, r: int, c: int) -> str | None:
        cell = self.cells.get((r, c))
        return cell.value if cell else None

    def style_of(self, r: int, c: int) -> int:
        cell = self.cells.get((r, c))
        if cell is not None:
            return cell.style
        if r in self.row_styles:
            return self.row_styles[r]
        for lo, hi, s in self.col_styles:
            if lo <= c <= hi:
                return s
        return 0

    def merge_at(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        for m in self.merges:
            if m[0] <= r <= m[2] and m[1] <= c <= m[3]:
                return m
        return None

    def validation_at(self, r: int, c: int) -> Validation | None:
        found = None
        for v in self.validations:
            for r1, c1, r2, c2 in v.ranges:
                if r1 <= r <= r2 and c1 <= c <= c2:
                    found = v  # later entries win (x14 after standard)
        return found




def scan_sheet_xml(data: bytes, shared: list[str], what: str = "sheet") -> SheetScan:
    scan = SheetScan()
    row_counter = 0
    pending: list[tuple[str | None, Cell]] = []  # cells of the current row (row number known at its end)
    try:
        known = _LOCAL  # tag -> local name, read inline: tens of thousands of elements, a handful of tags
        for _event, el in iterparse(data):
            tag = known.get(el.tag) or local(el.tag)
            if tag == "c":
                t = el.get("t", "n")
                value = None
                formula = False
                ftext = None
                for ch in el:
                    ctag = known.get(ch.tag) or local(ch.tag)
                    if ctag == "v":
                        value = ch.text
                    elif ctag == "f":
                        formula, ftext = True, ch.text or ""
                    elif ctag == "is":
                        value = text_of(ch)
                if t == "s" and value is not None:
                    try:
                        value = shared[int(value)]
                    except (ValueError, IndexError):
                        value = None
                elif t == "b" and value is not None:
                    value = "TRUE" if value.strip() in ("1", "true") else "FALSE"
                pending.append((el.get("r"), Cell(value, int(el.get("s", "0") or 0), formula, ftext)))
                el.clear()
            elif tag == "row":
                r = el.get("r")
                row_counter = int(r) if r else row_counter + 1
                col_counter = 0
                for ref, cell in pending:
                    if ref:
                        rr, col_counter = parse_ref(ref)
                    else:
                        rr, col_counter = row_counter, col_counter + 1
                    scan.cells[(rr, col_counter)] = cell
                pending.clear()
                if el.get("hidden") in ("1", "true"):
                    scan.hidden_rows.add(row_counter)
                if el.get("customFormat") in ("1", "true") and el.get("s"):
                    scan.row_styles[row_counter] = int(el.get("s"))
                scan.max_row = max(scan.max_row, row_counter)
                el.clear()
            elif tag == "col":
                if el.get("style"):
                    scan.col_styles.append((int(el.get("min", "1")), int(el.get("max", "1")), int(el.get("style"))))
            elif tag == "mergeCell":
                b = parse_range(el.get("ref", ""))
                if b:
                    scan.merges.append(b)
            elif tag == "sheetProtection":
                scan.protected = el.get("sheet") in ("1", "true")
            elif tag == "dataValidation":
                sqref = el.get("sqref")
                formula1 = None
                for ch in el:
                    ctag = local(ch.tag)
                    if ctag == "sqref":
                        sqref = ch.text
                    elif ctag == "formula1":
                        inner = [g for g in ch if local(g.tag) == "f"]
                        formula1 = (inner[0].text if inner else ch.text) or None
                ranges = [b for b in (parse_range(p) for p in (sqref or "").split()) if b]
                scan.validations.append(Validation(ranges, el.get("type", "none"), formula1))
    except InputFileError:
        raise
    except Exception as e:
        raise InputFileError(f"{what}: invalid or unsafe sheet XML ({type(e).__name__}); re-save the file from Excel") from e
    return scan

