"""Read-only view of an xlsx/xlsm package: sheets, defined names, shared strings, cell styles, dropdown lists.

Every XML part is parsed without DTDs/entities (defusedxml, or expat after refusing any
declaration). Only rows that exist in a sheet's XML are visited. No layout heuristics here.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from questionnaire.documents.ooxml.refs import local, parse_range
from questionnaire.documents.ooxml.sheet import SheetScan, Validation, scan_sheet_xml
from questionnaire.documents.ooxml.xmlsafe import iterparse, parse_xml, text_of
from questionnaire.errors import InputFileError

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass
class SheetInfo:
    name: str
    index: int
    part: str
    state: str  # visible | hidden | veryHidden
    sheet_id: int | None = None  # the workbook's sheetId (calcChain's i)


@dataclass
class XfInfo:
    locked: bool
    wrap: bool


class Workbook:
    """Read-only view of an xlsx/xlsm package, enough to find questions and dropdowns."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile as e:
            raise InputFileError(f"{path}: corrupted file ({e}); re-save it from Excel") from e
        self.names = set(self._zip.namelist())
        self.sheets: list[SheetInfo] = []
        self.defined_names: dict[tuple[str, int | None], str] = {}
        self._scans: dict[str, SheetScan] = {}
        self._options: dict[tuple[int, str], list[str] | None] = {}
        self._load_workbook()

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "Workbook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def read(self, name: str) -> bytes:
        return self._zip.read(name)

    # -- workbook.xml + rels
    def _workbook_part(self) -> str:
        rels = parse_xml(self.read("_rels/.rels"), f"{self.path}: _rels/.rels")
        for rel in rels:
            if rel.get("Type", "").endswith("/officeDocument"):
                return rel.get("Target", "xl/workbook.xml").lstrip("/")
        return "xl/workbook.xml"

    def _load_workbook(self) -> None:
        wb_part = self._workbook_part()
        if wb_part not in self.names:
            raise InputFileError(f"{self.path}: no workbook part; is this really an Excel file?")
        base = posixpath.dirname(wb_part)
        rels_part = posixpath.join(base, "_rels", posixpath.basename(wb_part) + ".rels")
        targets: dict[str, str] = {}
        if rels_part in self.names:
            for rel in parse_xml(self.read(rels_part), f"{self.path}: {rels_part}"):
                t = rel.get("Target", "")
                targets[rel.get("Id", "")] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(base, t))
        root = parse_xml(self.read(wb_part), f"{self.path}: {wb_part}")
        for el in root.iter():
            tag = local(el.tag)
            if tag == "sheet":
                rid = el.get(f"{{{REL_NS}}}id") or next((v for k, v in el.attrib.items() if local(k) == "id"), None)
                part = targets.get(rid or "", "")
                sid = el.get("sheetId")
                self.sheets.append(SheetInfo(el.get("name", ""), len(self.sheets), part, el.get("state", "visible"),
                                             int(sid) if sid and sid.isdigit() else None))
            elif tag == "definedName":
                sheet_id = el.get("localSheetId")
                self.defined_names[(el.get("name", "").lower(), int(sheet_id) if sheet_id is not None else None)] = (el.text or "").strip()

    @cached_property
    def shared_strings(self) -> list[str]:
        """The shared strings, parsed when first needed (a read-back check of inline cells never needs them)."""
        return self._load_shared_strings()

    @cached_property
    def xfs(self) -> list[XfInfo]:
        """The cell formats (locked, wrapped), parsed when first needed."""
        return self._load_styles()

    def bad_member(self) -> str | None:
        """The first part whose bytes fail their CRC (every part is decompressed), or None."""
        return bad_member(self._zip)

    def _load_shared_strings(self) -> list[str]:
        part = next((n for n in self.names if n.lower().endswith("sharedstrings.xml")), None)
        if not part:
            return []
        out: list[str] = []
        for event, el in iterparse(self.read(part)):
            if local(el.tag) == "si":
                out.append(text_of(el))
                el.clear()
        return out

    def part_named(self, basename: str) -> str | None:
        """The xl/ part with this file name (case-insensitive), e.g. calcChain.xml."""
        return next((n for n in self.names if n.lower() == f"xl/{basename.lower()}"), None)

    def styles_part(self) -> str | None:
        return next((n for n in self.names if n.lower().endswith("styles.xml") and n.startswith("xl/")), None)

    def _load_styles(self) -> list[XfInfo]:
        part = self.styles_part()
        if not part:
            return []
        root = parse_xml(self.read(part), f"{self.path}: {part}")
        out: list[XfInfo] = []
        for el in root:
            if local(el.tag) == "cellXfs":
                for xf in el:
                    locked, wrap = True, False
                    for ch in xf:
                        if local(ch.tag) == "protection":
                            locked = ch.get("locked", "1") not in ("0", "false")
                        elif local(ch.tag) == "alignment":
                            wrap = ch.get("wrapText", "0") in ("1", "true")
                    out.append(XfInfo(locked, wrap))
        return out

    def xf(self, style: int) -> XfInfo:
        return self.xfs[style] if 0 <= style < len(self.xfs) else XfInfo(True, False)

    def sheet(self, name: str) -> SheetInfo | None:
        for s in self.sheets:
            if s.name == name:
                return s
        for s in self.sheets:
            if s.name.lower() == name.lower():
                return s
        return None

    # -- sheets
    def scan(self, sheet: SheetInfo) -> SheetScan:
        if sheet.part not in self._scans:
            if sheet.part not in self.names:
                raise InputFileError(f"{self.path}: sheet {sheet.name!r} has no data part; re-save the file")
            self._scans[sheet.part] = scan_sheet_xml(self.read(sheet.part), self.shared_strings, f"{self.path}: {sheet.part}")
        return self._scans[sheet.part]

    # -- dropdowns
    def list_options(self, sheet: SheetInfo, validation: Validation | None) -> list[str] | None:
        """Allowed values of a list validation, or None when there is none / it cannot be resolved."""
        if validation is None or validation.type != "list" or not validation.formula1:
            return None
        key = (sheet.index, validation.formula1)
        if key not in self._options:
            self._options[key] = self._resolve_list(sheet, validation.formula1)
        found = self._options[key]
        return list(found) if found else None

    def _resolve_list(self, sheet: SheetInfo, formula1: str) -> list[str] | None:
        f = formula1.strip().lstrip("=")
        if f.startswith('"') and f.endswith('"'):
            return [p.strip() for p in f[1:-1].split(",") if p.strip()]
        ref = f
        for _ in range(3):  # names pointing at names
            if re.fullmatch(r"[A-Za-z_\\][\w.\\]*", ref) and not re.fullmatch(r"\$?[A-Za-z]{1,3}\$?\d+", ref):
                target = self.defined_names.get((ref.lower(), sheet.index)) or self.defined_names.get((ref.lower(), None))
                if not target:
                    return None
                ref = target.lstrip("=")
            else:
                break
        m = re.fullmatch(r"(?:'((?:[^']|'')+)'|([^'!]+))!(.+)", ref)
        if m:
            sheet_name = (m.group(1) or "").replace("''", "'") or m.group(2)
            rng = m.group(3)
            target_sheet = self.sheet(sheet_name)
        else:
            rng, target_sheet = ref, sheet
        bounds = parse_range(rng) if target_sheet else None
        if not bounds:
            return None
        scan = self.scan(target_sheet)
        r1, c1, r2, c2 = bounds
        values = []
        for (r, c), cell in sorted(scan.cells.items()):
            if r1 <= r <= r2 and c1 <= c <= c2 and cell.value not in (None, ""):
                values.append(str(cell.value).strip())
        return values or None


def copy_package(src: Path, dst: Path, replaced: dict[str, bytes], drop: str | None = None) -> None:
    """Copy the zip package ``src`` to ``dst`` entry by entry (same names, order, dates and compression),
    with the bytes of the parts in ``replaced`` swapped in and the part ``drop`` left out."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename == drop:
                continue
            data = replaced.get(info.filename)
            if data is None:
                data = zin.read(info)
            zout.writestr(info, data, compress_type=info.compress_type)


def bad_member(zf: zipfile.ZipFile) -> str | None:
    """The first part of an open package whose bytes fail their CRC (every part is decompressed), or None."""
    try:
        return zf.testzip()
    except Exception as e:  # noqa: BLE001 - zlib.error, BadZipFile, EOFError...: a part that does not decompress
        return f"(one part does not decompress: {type(e).__name__})"
