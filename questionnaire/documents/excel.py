"""Excel questionnaires: layout detection and the sheet-XML patcher.

Reading: the package is read directly (defusedxml for every XML part): workbook
sheets and defined names, shared strings, cell styles (locked / wrap), and for
each sheet the cells with their *cached* values (so formula-driven question
texts are visible), hidden rows, merged ranges, protection and data
validations, including x14 extension validations in ``extLst`` that openpyxl
drops. Only rows that exist in the XML are visited, so a ``<dimension>`` of
``A1:L1048576`` costs nothing.

Writing: only the target ``<c>`` elements of the target sheets are replaced
(inline strings, the cell's ``s=`` style kept; a wrap-text clone of a
``cellXfs`` entry is appended to styles.xml only when a written text needs it).
Every other package part is copied unchanged.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from xml.sax.saxutils import escape

from xml.etree import ElementTree as _ET

from defusedxml import ElementTree as DET

from questionnaire.errors import InputFileError, OutputError, UserInputError

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# --------------------------------------------------------------------------- cell references


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


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --------------------------------------------------------------------------- package model


@dataclass
class Cell:
    value: str | None
    style: int
    formula: bool


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


@dataclass
class SheetInfo:
    name: str
    index: int
    part: str
    state: str  # visible | hidden | veryHidden


@dataclass
class XfInfo:
    locked: bool
    wrap: bool


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _iterparse(data: bytes, events=("end",)):
    """Fast C iterparse for big parts, after refusing any DTD/entity declaration in the whole part.

    Without a DTD expat expands only the five predefined entities, so this is as safe as
    defusedxml (which hooks the slow pure-Python parser) for parts this large.
    """
    if _DTD.search(data):
        raise InputFileError("a package part declares a DTD/entities (possible XML entity bomb); refusing it")
    return _ET.iterparse(io.BytesIO(data), events=events)


def _parse_xml(data: bytes, what: str):
    try:
        return DET.fromstring(data)
    except Exception as e:  # defusedxml raises on DTDs/entities, ParseError on garbage
        raise InputFileError(f"{what}: invalid or unsafe XML ({type(e).__name__}); re-save the file from Excel") from e


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
        self.shared_strings = self._load_shared_strings()
        self.xfs = self._load_styles()

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
        rels = _parse_xml(self.read("_rels/.rels"), f"{self.path}: _rels/.rels")
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
            for rel in _parse_xml(self.read(rels_part), f"{self.path}: {rels_part}"):
                t = rel.get("Target", "")
                targets[rel.get("Id", "")] = t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(base, t))
        root = _parse_xml(self.read(wb_part), f"{self.path}: {wb_part}")
        for el in root.iter():
            tag = _local(el.tag)
            if tag == "sheet":
                rid = el.get(f"{{{REL_NS}}}id") or next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
                part = targets.get(rid or "", "")
                self.sheets.append(SheetInfo(el.get("name", ""), len(self.sheets), part, el.get("state", "visible")))
            elif tag == "definedName":
                local = el.get("localSheetId")
                self.defined_names[(el.get("name", "").lower(), int(local) if local is not None else None)] = (el.text or "").strip()

    def _load_shared_strings(self) -> list[str]:
        part = next((n for n in self.names if n.lower().endswith("sharedstrings.xml")), None)
        if not part:
            return []
        out: list[str] = []
        for event, el in _iterparse(self.read(part)):
            if _local(el.tag) == "si":
                out.append(_text_of(el))
                el.clear()
        return out

    def styles_part(self) -> str | None:
        return next((n for n in self.names if n.lower().endswith("styles.xml") and n.startswith("xl/")), None)

    def _load_styles(self) -> list[XfInfo]:
        part = self.styles_part()
        if not part:
            return []
        root = _parse_xml(self.read(part), f"{self.path}: {part}")
        out: list[XfInfo] = []
        for el in root:
            if _local(el.tag) == "cellXfs":
                for xf in el:
                    locked, wrap = True, False
                    for ch in xf:
                        if _local(ch.tag) == "protection":
                            locked = ch.get("locked", "1") not in ("0", "false")
                        elif _local(ch.tag) == "alignment":
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


def _text_of(el) -> str:
    """Concatenate <t> texts of a shared/inline string, skipping phonetic runs."""
    parts: list[str] = []

    def walk(node) -> None:
        for ch in node:
            tag = _local(ch.tag)
            if tag == "t":
                parts.append(ch.text or "")
            elif tag in ("rPh", "phoneticPr"):
                continue
            else:
                walk(ch)

    if _local(el.tag) == "t":
        return el.text or ""
    walk(el)
    return "".join(parts)


def scan_sheet_xml(data: bytes, shared: list[str], what: str = "sheet") -> SheetScan:
    scan = SheetScan()
    row_counter = 0
    pending: list[tuple[str | None, Cell]] = []  # cells of the current row (row number known at its end)
    try:
        for _event, el in _iterparse(data):
            tag = _local(el.tag)
            if tag == "c":
                t = el.get("t", "n")
                value = None
                formula = False
                for ch in el:
                    ctag = _local(ch.tag)
                    if ctag == "v":
                        value = ch.text
                    elif ctag == "f":
                        formula = True
                    elif ctag == "is":
                        value = _text_of(ch)
                if t == "s" and value is not None:
                    try:
                        value = shared[int(value)]
                    except (ValueError, IndexError):
                        value = None
                elif t == "b" and value is not None:
                    value = "TRUE" if value.strip() in ("1", "true") else "FALSE"
                pending.append((el.get("r"), Cell(value, int(el.get("s", "0") or 0), formula)))
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
                    ctag = _local(ch.tag)
                    if ctag == "sqref":
                        sqref = ch.text
                    elif ctag == "formula1":
                        inner = [g for g in ch if _local(g.tag) == "f"]
                        formula1 = (inner[0].text if inner else ch.text) or None
                ranges = [b for b in (parse_range(p) for p in (sqref or "").split()) if b]
                scan.validations.append(Validation(ranges, el.get("type", "none"), formula1))
    except InputFileError:
        raise
    except Exception as e:
        raise InputFileError(f"{what}: invalid or unsafe sheet XML ({type(e).__name__}); re-save the file from Excel") from e
    return scan


# --------------------------------------------------------------------------- layout detection

_WS = re.compile(r"\s+")
_NOT_HEADER_CHAR = re.compile(r"[^\w/#?]+")
_SPACED_SLASH = re.compile(r" ?/ ?")


def _norm(text: str | None) -> str:
    t = _WS.sub(" ", _NOT_HEADER_CHAR.sub(" ", (text or "").lower())).strip()
    return _SPACED_SLASH.sub("/", t)  # "Yes / No / N/A" is "yes/no/n/a"


_ANSWER = re.compile(
    r"\b(answers?|responses?|reply|replies|yes/no(/n/?a)?|y/n|compliant|compliance status|vendor answers?)\b"
)
_ANSWER_EXCLUDE = re.compile(
    r"\b(guidance|analyst|score|scoring|weight|example|expected|institution|reviewer|auditor|"
    r"options?|choices|allowed|possible|valid)\b"  # "Response Options": the list of values, not the answer
)
_STRONG_ANSWER = {
    "answer", "answers", "response", "responses", "vendor answer", "vendor answers", "vendor response",
    "supplier response", "supplier answer", "your answer", "your response", "yes/no", "yes/no/na", "yes/no/n/a", "y/n",
}
_COMMENT = re.compile(
    r"\b(comments?|additional information|additional info|additional details|supporting (details|information|evidence)|"
    r"evidence|explanation|explain|notes|justification|implementation description|remarks|details|description|rationale|"
    r"interview notes|supporting documentation|documentation|clarifications?|elaboration)\b"
)
_COMMENT_EXCLUDE = re.compile(r"\b(analyst|reviewer|auditor|institution|guidance|internal|csc|customer responsibilit)")
_QUESTION = re.compile(r"\b(questions?|requirements?|query|queries|control questions?|question text)\b")
_PLAIN_QUESTION = {"question", "questions", "question text", "control question", "requirement", "requirements"}
_ID = re.compile(r"^(id|#|no|nr|ref|reference|number|item|q#|qid|new id|question id|question #|question no|control id|\w+ id)$")
_QID_VALUE = re.compile(r"^[A-Za-z&]{1,12}[-_. ]?\d+([-.]\d+)*[A-Za-z]?$|^[A-Z][\w&]*(-[\w&]+){1,5}$|^\d+(\.\d+)*\.?$")


# text a form puts in an empty answer cell ("Please select", "[Insert response]", "Click here to enter text")
_PLACEHOLDER = re.compile(
    r"(?:please )?(?:click (?:or tap )?here (?:to )?)?(?:select|choose|pick|enter|type|insert|fill in)"
    r"(?: (?:one|an?|option|item|value|your|the|answer|response|text|here|from|list|drop ?down|below|yes/no(?:/n/?a)?))*"
)


def is_placeholder(text: str | None) -> bool:
    """True for a prompt left in an answer cell by the form's author, not an answer."""
    t = _WS.sub(" ", re.sub(r"[^a-z/ ]+", " ", (text or "").lower())).strip()
    return bool(t) and len(t) <= 60 and _PLACEHOLDER.fullmatch(t) is not None


def header_role(text: str | None) -> str | None:
    t = _norm(text)
    if not t or len(t) > 100 or t.endswith("?"):
        return None  # headers are labels, not questions
    if _ID.match(t):
        return "id"
    if _ANSWER.search(t) and not _ANSWER_EXCLUDE.search(t):
        return "answer"
    if _COMMENT.search(t) and not _COMMENT_EXCLUDE.search(t):
        return "comment"
    if _QUESTION.search(t):
        return "question"
    return None


@dataclass
class Overrides:
    sheet: str | None = None
    question_col: str | None = None
    answer_col: str | None = None
    comment_col: str | None = None
    header_row: int | None = None

    def any_column(self) -> bool:
        return bool(self.question_col or self.answer_col or self.comment_col or self.header_row)


@dataclass
class Question:
    sheet: str
    row: int
    text: str
    question_id: str | None
    answer_col: int
    comment_col: int | None
    section: str | None = None
    options: list[str] | None = None  # allowed dropdown values of the answer cell
    existing: str | None = None  # answer already present
    writable: bool = True
    note: str | None = None
    comment_writable: bool = True
    answer_style: int = 0
    comment_style: int = 0

    @property
    def location(self) -> str:
        return f"{quote_sheet(self.sheet)}!{idx_to_col(self.answer_col)}{self.row}"

    @property
    def answer_ref(self) -> str:
        return f"{idx_to_col(self.answer_col)}{self.row}"

    @property
    def comment_ref(self) -> str | None:
        return f"{idx_to_col(self.comment_col)}{self.row}" if self.comment_col else None


def quote_sheet(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z_][\w.]*", name) else "'" + name.replace("'", "''") + "'"


@dataclass
class _Header:
    row: int
    answer: int
    comment: int | None
    question: int | None
    qid: int | None
    section: str | None


def _col_opt(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    v = value.strip()
    if v.isdigit():
        return int(v)
    try:
        return col_to_idx(v)
    except ValueError:
        raise UserInputError(f"{name} {value!r} is not a column; use a letter such as C") from None


def _find_headers(scan: SheetScan) -> list[_Header]:
    by_row: dict[int, dict[int, str]] = {}
    for (r, c), cell in scan.cells.items():
        if cell.value and len(cell.value) <= 100:
            by_row.setdefault(r, {})[c] = cell.value
    headers = []
    for r in sorted(by_row):
        roles: dict[str, list[int]] = {}
        for c, v in sorted(by_row[r].items()):
            role = header_role(v)
            if role:
                roles.setdefault(role, []).append(c)
        if "answer" not in roles:
            continue
        cands = roles["answer"]
        strong = [c for c in cands if _norm(by_row[r][c]) in _STRONG_ANSWER]
        answer = strong[0] if strong else min(cands, key=lambda c: (len(by_row[r][c]), c))
        if any(_QID_VALUE.match(str(by_row[r][c]).strip()) for c in by_row[r] if c < answer):
            continue  # a data row (it carries a question id)
        if not strong and not (set(roles) - {"answer"}):
            continue
        comment = next((c for c in roles.get("comment", []) if c > answer), None)
        question = next((c for c in roles.get("question", []) if c < answer), None)
        qid = next((c for c in roles.get("id", []) if c < answer), None)
        section_cells = [
            by_row[r][c] for c in sorted(by_row[r])
            if c < answer and (header_role(by_row[r][c]) is None
                               or (header_role(by_row[r][c]) == "question" and _norm(by_row[r][c]) not in _PLAIN_QUESTION))
        ]
        headers.append(_Header(r, answer, comment, question, qid, section_cells[0].strip() if section_cells else None))
    return headers


def _is_text_question(text: str) -> bool:
    t = text.strip()
    return len(t) >= 8 and (t.endswith("?") or len(t.split()) >= 3)


# columns beside the question that carry long text but are not the question
_NOT_QUESTION_HEADER = re.compile(
    r"\b(guidance|instructions?|help|hints?|examples?|expected|explanat\w*|notes?|rationale|purpose|"
    r"why we ask|scoring|weight\w*|mapping|mapped|crosswalk)\b"
)


def _non_question_cols(scan: SheetScan, header_row: int, answer: int) -> set[int]:
    out = set()
    for c in range(1, answer):
        t = _norm(scan.value(header_row, c)) if header_row else ""
        if t and _NOT_QUESTION_HEADER.search(t) and header_role(t) != "question":
            out.add(c)
    return out


def _pick_question_col(scan: SheetScan, rows: list[int], answer: int, hint: int | None, qid: int | None,
                       skip: set[int] = frozenset()) -> int | None:
    scores: dict[int, float] = {}
    for r in rows[:60]:
        for c in range(1, answer):
            if c in skip:
                continue
            v = scan.value(r, c)
            if v and " " in v.strip() and len(v.strip()) >= 12:
                scores[c] = scores.get(c, 0) + min(len(v), 200) + (50 if v.strip().endswith("?") else 0)
    if qid in scores:
        del scores[qid]
    if not scores:
        return hint
    best = max(scores, key=lambda c: scores[c])
    if hint in scores and scores[hint] >= 0.5 * scores[best]:
        return hint
    return best


def _pick_id_col(scan: SheetScan, rows: list[int], question: int, hint: int | None) -> int | None:
    if hint is not None and hint < question:
        return hint
    best, best_n = None, 0
    for c in range(1, question):
        n = sum(1 for r in rows[:60] if _QID_VALUE.match((scan.value(r, c) or "").strip()))
        if n > best_n:
            best, best_n = c, n
    return best if best_n >= max(2, len(rows[:60]) // 4) else None


def detect_questions(wb: Workbook, overrides: Overrides | None = None) -> list[Question]:
    """Find answerable questions on every visible sheet (or the one named by --sheet)."""
    ov = overrides or Overrides()
    if ov.sheet:
        sheet = wb.sheet(ov.sheet)
        if sheet is None:
            names = ", ".join(s.name for s in wb.sheets)
            raise UserInputError(f"--sheet {ov.sheet!r} not found; the workbook has: {names}")
        sheets = [sheet]
    else:
        sheets = [s for s in wb.sheets if s.state == "visible"]
    out: list[Question] = []
    for sheet in sheets:
        out.extend(_detect_sheet(wb, sheet, ov))
    return out


def _detect_sheet(wb: Workbook, sheet: SheetInfo, ov: Overrides) -> list[Question]:
    scan = wb.scan(sheet)
    headers = _find_headers(scan)
    q_over = _col_opt(ov.question_col, "--question-col")
    a_over = _col_opt(ov.answer_col, "--answer-col")
    c_over = _col_opt(ov.comment_col, "--comment-col")
    if ov.header_row:
        found = next((h for h in headers if h.row == ov.header_row), None)
        headers = [found or _Header(ov.header_row, a_over or 0, None, None, None, None)]
    if a_over:
        if not headers:
            headers = [_Header(0, a_over, None, None, None, None)]
        for h in headers:
            h.answer = a_over
            if h.comment is not None and h.comment <= a_over:
                h.comment = None
    if not headers or any(h.answer == 0 for h in headers):
        if ov.header_row and not a_over:
            raise UserInputError(
                f"sheet {sheet.name!r}: row {ov.header_row} has no answer column header; add --answer-col"
            )
        return []
    all_rows = sorted({r for (r, _c) in scan.cells})
    out: list[Question] = []
    section: str | None = None
    for i, h in enumerate(headers):
        end = headers[i + 1].row if i + 1 < len(headers) else scan.max_row + 1
        rows = [r for r in all_rows if h.row < r < end]
        qcol = q_over or _pick_question_col(scan, rows, h.answer, h.question, h.qid,
                                            _non_question_cols(scan, h.row, h.answer))
        if qcol is None or qcol == h.answer:
            continue
        comment = c_over if c_over else h.comment
        qid_col = _pick_id_col(scan, rows, qcol, h.qid if h.qid != qcol else None)
        section = h.section or section
        for r in rows:
            q = _question_at(wb, sheet, scan, r, qcol, h.answer, comment, qid_col, section)
            if q is None:
                texts = [str(v).strip() for v in (scan.value(r, c) for c in range(1, h.answer)) if v and str(v).strip()]
                if (
                    len(texts) == 1
                    and scan.value(r, h.answer) in (None, "")
                    and len(texts[0].split()) <= 8
                    and not texts[0].endswith("?")
                    and not _QID_VALUE.match(texts[0])
                ):
                    section = texts[0]  # section row between questions
                continue
            out.append(q)
    return out


def _question_at(wb, sheet, scan, r, qcol, acol, ccol, qid_col, section) -> Question | None:
    text = (scan.value(r, qcol) or "").strip()
    if not text or r in scan.hidden_rows:
        return None
    qid = (scan.value(r, qid_col) or "").strip() if qid_col else None
    if qid_col and not qid:
        return None  # layout has IDs: rows without one are sub-rows / section titles
    if qid and qid.startswith("#"):
        return None  # #REF! and friends
    if not _is_text_question(text):
        return None
    acell = scan.cells.get((r, acol))
    if acell is not None and acell.formula:
        return None  # computed, not an input
    q = Question(sheet.name, r, text, qid or None, acol, ccol, section)
    m = scan.merge_at(r, acol)
    if m is not None and (m[0], m[1]) != (r, acol):
        if m[1] <= qcol:
            return None  # a title merged across the row
        q.writable = False
        q.note = "answer cell is merged into another cell"
    if m is not None and ccol is not None and m[1] <= ccol <= m[3]:
        q.comment_col = None  # answer merged across the comment column
    if q.comment_col is not None:
        cm = scan.merge_at(r, q.comment_col)
        ccell = scan.cells.get((r, q.comment_col))
        if (cm is not None and (cm[0], cm[1]) != (r, q.comment_col)) or (ccell is not None and ccell.formula):
            q.comment_col = None
        elif ccell is not None and ccell.value not in (None, "") and not is_placeholder(ccell.value):
            q.comment_writable = False
    q.answer_style = scan.style_of(r, acol)
    if q.comment_col is not None:
        q.comment_style = scan.style_of(r, q.comment_col)
    if scan.protected:
        if wb.xf(q.answer_style).locked:
            q.writable = False
            q.note = "answer cell is locked on a protected sheet"
        if q.comment_col is not None and wb.xf(q.comment_style).locked:
            q.comment_col = None
    if acell is not None and acell.value not in (None, "") and not is_placeholder(acell.value):
        q.existing = acell.value
    q.options = wb.list_options(sheet, scan.validation_at(r, acol))
    return q


# --------------------------------------------------------------------------- dropdown values

_CHOICE_WORDS = {
    "Yes": ("yes", "y", "true", "compliant", "implemented", "agree"),
    "No": ("no", "n", "false", "not compliant", "non compliant", "noncompliant", "not implemented", "disagree"),
    "N/A": ("n/a", "na", "not applicable", "n a", "none applicable"),
}


def pick_option(value: str, options: Iterable[str] | None) -> str | None:
    """Map Yes / No / N/A to the exact spelling a dropdown allows; None if absent or ambiguous."""
    if options is None:
        return value
    opts = list(options)
    words = _CHOICE_WORDS.get(value, (value.lower(),))
    norm = {o: re.sub(r"\s+", " ", re.sub(r"[^a-z0-9/ ]", " ", o.lower())).strip() for o in opts}
    exact = [o for o in opts if norm[o] in words]
    if exact:
        return exact[0]
    prefixed = []
    for o in opts:
        n = norm[o]
        for w in words:
            if n.startswith(w + " ") and (w not in ("n", "y")):
                prefixed.append(o)
                break
    return prefixed[0] if len(prefixed) == 1 else None


# --------------------------------------------------------------------------- the patcher


@dataclass
class CellWrite:
    sheet: str
    ref: str  # "C12"
    text: str
    wrap: bool = False


_XML_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _inline_cell(prefix: str, ref: str, style: int | None, text: str) -> str:
    s = f' s="{style}"' if style else ""
    body = escape(_XML_BAD.sub("", text), {'"': "&quot;"})
    return f'<{prefix}c r="{ref}"{s} t="inlineStr"><{prefix}is><{prefix}t xml:space="preserve">{body}</{prefix}t></{prefix}is></{prefix}c>'


_ROW_RE = re.compile(r"<((?:[\w.-]+:)?)row\b([^>]*?)(/>|>(.*?)</\1row>)", re.S)
_CELL_RE = re.compile(r"<((?:[\w.-]+:)?)c\b([^>]*?)(/>|>(.*?)</\1c>)", re.S)
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


class StylePatcher:
    """Append wrap-text clones of cellXfs entries to styles.xml on demand."""

    _XFS = re.compile(r"<((?:[\w.-]+:)?)cellXfs\b([^>]*)>(.*?)</\1cellXfs>", re.S)
    _XF = re.compile(r"<((?:[\w.-]+:)?)xf\b([^>]*?)(/>|>(.*?)</\1xf>)", re.S)

    def __init__(self, xml: str | None):
        self.xml = xml
        self.added: list[str] = []
        self.map: dict[int, int] = {}
        self._xfs: list[re.Match] = []
        self._count = 0
        if xml:
            m = self._XFS.search(xml)
            if m:
                self._xfs = list(self._XF.finditer(m.group(3)))
                self._count = len(self._xfs)

    def wrap_style(self, style: int) -> int | None:
        """Index of a style like `style` with wrap text on (None: leave the style alone)."""
        if style in self.map:
            return self.map[style]
        if not self._xfs or style >= len(self._xfs):
            return None
        xm = self._xfs[style]
        prefix, attrs, inner = xm.group(1), xm.group(2), xm.group(4) or ""
        if re.search(r'<(?:[\w.-]+:)?alignment\b[^>]*wrapText="(1|true)"', inner):
            self.map[style] = style
            return style
        am = re.search(r"<((?:[\w.-]+:)?)alignment\b([^>]*?)(/?)>", inner)
        if am:
            a_attrs = re.sub(r'\swrapText="[^"]*"', "", am.group(2))
            inner = inner[: am.start()] + f'<{am.group(1)}alignment{a_attrs} wrapText="1"{am.group(3)}>' + inner[am.end():]
        else:
            inner = f'<{prefix}alignment vertical="top" wrapText="1"/>' + inner
        attrs = re.sub(r'\sapplyAlignment="[^"]*"', "", attrs) + ' applyAlignment="1"'
        self.added.append(f"<{prefix}xf{attrs}>{inner}</{prefix}xf>")
        new = self._count + len(self.added) - 1
        self.map[style] = new
        return new

    def result(self) -> str | None:
        if not self.added or not self.xml:
            return None
        m = self._XFS.search(self.xml)
        attrs = re.sub(r'(\s)count="\d+"', rf'\g<1>count="{self._count + len(self.added)}"', m.group(2))
        new_inner = m.group(3) + "".join(self.added)
        prefix = m.group(1)
        return self.xml[: m.start()] + f"<{prefix}cellXfs{attrs}>{new_inner}</{prefix}cellXfs>" + self.xml[m.end():]


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
    for w in writes:
        sheet = wb.sheet(w.sheet)
        if sheet is None:
            raise OutputError(f"sheet {w.sheet!r} not found in {src}")
        r, c = parse_ref(w.ref)
        style = None
        if w.wrap:
            scan = wb.scan(sheet)
            base = scan.style_of(r, c)
            if not wb.xf(base).wrap:
                style = styles.wrap_style(base)
        if style is None and (r, c) not in wb.scan(sheet).cells:
            style = wb.scan(sheet).style_of(r, c) or None  # new cell: inherit row/column style
        per_part.setdefault(sheet.part, {})[(r, c)] = (w.text, style)
    patched: dict[str, bytes] = {}
    for part, cells in per_part.items():
        patched[part] = patch_sheet_xml(wb.read(part).decode("utf-8"), cells).encode("utf-8")
    new_styles = styles.result()
    if new_styles is not None and styles_part:
        patched[styles_part] = new_styles.encode("utf-8")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = patched.get(info.filename)
            if data is None:
                data = zin.read(info)
            zout.writestr(info, data, compress_type=info.compress_type)


_T_TEXT = re.compile(r"<(?:[\w.-]+:)?t\b[^>]*>(.*?)</(?:[\w.-]+:)?t>|<(?:[\w.-]+:)?t\b[^>]*/>", re.S)
_V_TEXT = re.compile(r"<(?:[\w.-]+:)?v\b[^>]*>(.*?)</(?:[\w.-]+:)?v>", re.S)


def _unescape(text: str) -> str:
    from xml.sax.saxutils import unescape

    return unescape(text, {"&quot;": '"', "&apos;": "'"})


def _check_patched_part(data: bytes, cells: dict[tuple[int, int], str], what: str) -> None:
    """Well-formed (expat, no DTD), rows ascending, cells of touched rows ascending and unique,
    and each written cell holds exactly the written text as a string (never a formula)."""
    import xml.parsers.expat

    if _DTD.search(data):
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
            ca = _R_ATTR.search(cm.group(2))
            col = parse_ref(ca.group(1))[1] if ca else col + 1
            if col <= last_col:
                raise OutputError(f"{what}: cells out of order or repeated in row {counter}; nothing was written")
            last_col = col
            if (counter, col) in cells:
                body = cm.group(4) or ""
                if 't="inlineStr"' not in cm.group(2) or re.search(r"<(?:[\w.-]+:)?f\b", body):
                    raise OutputError(f"{what}: {idx_to_col(col)}{counter} was not written as text; nothing was written")
                seen[(counter, col)] = "".join(_unescape(m.group(1) or "") for m in _T_TEXT.finditer(body))
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
                _check_patched_part(wb.read(part), cells, part)
            sp = wb.styles_part()
            if sp:
                _parse_xml(wb.read(sp), sp)
    except InputFileError as e:
        raise OutputError(f"written file does not reopen cleanly ({e}); nothing was written") from e
