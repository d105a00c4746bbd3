"""Where the questions are in a workbook: header rows, blocks, question / answer / comment columns.

A block starts at a header row naming an answer column ("Vendor Response", "Yes/No") or at
a label right above a Yes/No dropdown column ("Status" over a Yes,No,N/A list); a header row
repeated further down starts a new block, which may use other columns. A sheet with no such
header but a Yes/No dropdown column is read from that column. Each question row gives one
`Question`; rows that are skipped (hidden, computed by a formula, merged) are counted in the
sheet's `Detection` with the reason, and nothing is ever written outside an answer cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from questionnaire.documents.ooxml.package import SheetInfo, Workbook
from questionnaire.documents.ooxml.refs import col_to_idx, idx_to_col, quote_sheet
from questionnaire.documents.ooxml.sheet import SheetScan
from questionnaire.documents.question import Detection, Overrides, Question  # noqa: F401  (layout_xlsx.Overrides)
from questionnaire.documents.vocab import (
    PLAIN_QUESTION,
    QID_VALUE,
    STRONG_ANSWER,
    header_role,
    is_choice_list,
    is_placeholder,
    is_text_question,
    norm,
)
from questionnaire.errors import UserInputError


@dataclass
class CellTarget:
    """Where a question's answer (and comment) cells are in the package."""

    sheet: str
    row: int
    answer_col: int
    comment_col: int | None
    answer_style: int = 0
    comment_style: int = 0
    # what writing needs of the cells as they are: (a cell is there, it holds a formula), beside their styles
    answer_cell: tuple[bool, bool] = (False, False)
    comment_cell: tuple[bool, bool] = (False, False)

    @property
    def answer_ref(self) -> str:
        return f"{idx_to_col(self.answer_col)}{self.row}"

    @property
    def comment_ref(self) -> str | None:
        return f"{idx_to_col(self.comment_col)}{self.row}" if self.comment_col else None


@dataclass
class _Header:
    row: int
    answer: int
    comment: int | None
    question: int | None
    qid: int | None
    section: str | None
    by_dropdown: bool = False


@dataclass
class _Skips:
    """Rows of a sheet that looked like questions but were not taken, by reason."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, reason: str) -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1

    def text(self) -> str | None:
        return "; ".join(f"{n} {why}" for why, n in sorted(self.counts.items())) or None


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


class _Dropdowns:
    """Columns whose cells carry a Yes / No (/ N/A) list validation, by row range."""

    def __init__(self, wb: Workbook, sheet: SheetInfo, scan: SheetScan):
        self.ranges: dict[int, list[tuple[int, int]]] = {}
        for v in scan.validations:
            if v.type != "list" or not is_choice_list(wb.list_options(sheet, v)):
                continue
            for r1, c1, r2, c2 in v.ranges:
                for c in range(c1, min(c2, c1 + 50) + 1):
                    self.ranges.setdefault(c, []).append((r1, r2))

    def at(self, r: int, c: int) -> bool:
        return any(r1 <= r <= r2 for r1, r2 in self.ranges.get(c, ()))


def _row_texts(scan: SheetScan) -> dict[int, dict[int, str]]:
    by_row: dict[int, dict[int, str]] = {}
    for (r, c), cell in scan.cells.items():
        if cell.value and len(cell.value) <= 100:
            by_row.setdefault(r, {})[c] = cell.value
    return by_row


def _dropdown_answer(cells: dict[int, str], r: int, drops: _Dropdowns) -> int | None:
    """A label right above a Yes/No dropdown that starts below it ("Status", "Implemented?")."""
    for c, v in sorted(cells.items()):
        if drops.at(r + 1, c) and not drops.at(r, c) and header_role(v) in (None, "answer") \
                and not is_placeholder(v) and norm(v) not in ("yes", "no", "n/a", "na"):
            return c
    return None


# answer headers of process checklists ("Status", "Fulfilled", "In place"): taken only between a
# question/id column on the left and a comment column on the right
_WEAK_ANSWER = re.compile(r"^(status|fulfilled|met|in place|implemented|done|achieved|satisfied|complied)\??$")


def _weak_answer(cells: dict[int, str], roles: dict[str, list[int]]) -> int | None:
    for c, v in sorted(cells.items()):
        if _WEAK_ANSWER.match(norm(v)):
            left = any(x < c for x in roles.get("question", []) + roles.get("id", []))
            right = any(x > c for x in roles.get("comment", []))
            if left and right:
                return c
    return None


def _header_at(r: int, cells: dict[int, str], drops: _Dropdowns) -> _Header | None:
    roles: dict[str, list[int]] = {}
    for c, v in sorted(cells.items()):
        role = header_role(v)
        if role:
            roles.setdefault(role, []).append(c)
    by_dropdown = False
    if "answer" in roles:
        cands = roles["answer"]
        strong = [c for c in cands if norm(cells[c]) in STRONG_ANSWER]
        answer = strong[0] if strong else min(cands, key=lambda c: (len(cells[c]), c))
        if not strong and not (set(roles) - {"answer"}):
            return None
    else:
        answer = _dropdown_answer(cells, r, drops)
        if answer is None:
            answer = _weak_answer(cells, roles)
            if answer is None:
                return None
        elif not (set(roles) & {"question", "comment", "id"}):
            return None
        else:
            by_dropdown = True
    if any(QID_VALUE.match(str(cells[c]).strip()) for c in cells if c < answer):
        return None  # a data row (it carries a question id)
    comment = next((c for c in roles.get("comment", []) if c > answer), None)
    question = next((c for c in roles.get("question", []) if c < answer), None)
    qid = next((c for c in roles.get("id", []) if c < answer), None)
    section_cells = [
        cells[c] for c in sorted(cells)
        if c < answer and (header_role(cells[c]) is None
                           or (header_role(cells[c]) == "question" and norm(cells[c]) not in PLAIN_QUESTION))
    ]
    return _Header(r, answer, comment, question, qid, section_cells[0].strip() if section_cells else None, by_dropdown)


def _find_headers(scan: SheetScan, drops: _Dropdowns) -> list[_Header]:
    by_row = _row_texts(scan)
    return [h for h in (_header_at(r, by_row[r], drops) for r in sorted(by_row)) if h is not None]


def _dropdown_only_header(scan: SheetScan, drops: _Dropdowns) -> _Header | None:
    """No header row at all: the leftmost Yes/No dropdown column with question text on its left."""
    for c in sorted(drops.ranges):
        first = min(r1 for r1, _r2 in drops.ranges[c])
        rows = [r for (r, cc), cell in scan.cells.items() if cc < c and r >= first and cell.value
                and drops.at(r, c) and is_text_question(cell.value)]
        if len(set(rows)) >= 2:
            return _Header(max(first - 1, 0), c, None, None, None, None, True)
    return None


# columns beside the question that carry long text but are not the question
_NOT_QUESTION_HEADER = re.compile(
    r"\b(guidance|instructions?|help|hints?|examples?|expected|explanat\w*|notes?|rationale|purpose|"
    r"why we ask|scoring|weight\w*|mapping|mapped|crosswalk)\b"
)


def _non_question_cols(scan: SheetScan, header_row: int, answer: int) -> set[int]:
    out = set()
    for c in range(1, answer):
        t = norm(scan.value(header_row, c)) if header_row else ""
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
        n = sum(1 for r in rows[:60] if QID_VALUE.match((scan.value(r, c) or "").strip()))
        if n > best_n:
            best, best_n = c, n
    return best if best_n >= max(2, len(rows[:60]) // 4) else None


def detect_sheets(wb: Workbook, overrides: Overrides | None = None) -> tuple[list[Question], list[Detection]]:
    """Questions on every visible sheet (or the one named by --sheet), and what was made of each sheet."""
    ov = overrides or Overrides()
    notes: list[Detection] = []
    if ov.sheet:
        sheet = wb.sheet(ov.sheet)
        if sheet is None:
            names = ", ".join(repr(s.name) for s in wb.sheets)
            raise UserInputError(f"--sheet {ov.sheet!r} not found; the workbook has: {names}")
        sheets = [sheet]
    else:
        sheets = [s for s in wb.sheets if s.state == "visible"]
        notes += [Detection(f"sheet {s.name!r}", 0, skipped=f"{s.state} sheet") for s in wb.sheets if s.state != "visible"]
    out: list[Question] = []
    for sheet in sheets:
        found, note = _detect_sheet(wb, sheet, ov)
        out.extend(found)
        notes.append(note)
    return out, notes


def detect_questions(wb: Workbook, overrides: Overrides | None = None) -> list[Question]:
    return detect_sheets(wb, overrides)[0]


def _headers_for(wb: Workbook, sheet: SheetInfo, scan: SheetScan, ov: Overrides,
                 drops: _Dropdowns) -> list[_Header]:
    headers = _find_headers(scan, drops)
    a_over = _col_opt(ov.answer_col, "--answer-col")
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
    if not headers and not ov.any_column():
        h = _dropdown_only_header(scan, drops)
        headers = [h] if h else []
    if any(h.answer == 0 for h in headers):
        if ov.header_row and not a_over:
            raise UserInputError(
                f"sheet {sheet.name!r}: row {ov.header_row} has no answer column header; add --answer-col"
            )
        return []
    return headers


def _layout_text(headers: list[_Header]) -> str:
    rows = ", ".join(str(h.row) for h in headers[:8]) + (", ..." if len(headers) > 8 else "")
    cols = sorted({idx_to_col(h.answer) for h in headers})
    how = " (recognised by its Yes/No dropdown)" if any(h.by_dropdown for h in headers) else ""
    kind = f"header row {rows}" if len(headers) == 1 else f"{len(headers)} blocks, header rows {rows}"
    return f"{kind}; answer column {'/'.join(cols)}{how}"


def _detect_sheet(wb: Workbook, sheet: SheetInfo, ov: Overrides) -> tuple[list[Question], Detection]:
    scan = wb.scan(sheet)
    where = f"sheet {sheet.name!r}"
    drops = _Dropdowns(wb, sheet, scan)
    headers = _headers_for(wb, sheet, scan, ov, drops)
    if not headers:
        return [], Detection(where, 0, skipped="no answer column: no header names one and no Yes/No dropdown")
    q_over = _col_opt(ov.question_col, "--question-col")
    c_over = _col_opt(ov.comment_col, "--comment-col")
    all_rows = sorted({r for (r, _c) in scan.cells})
    out: list[Question] = []
    skips = _Skips()
    section: str | None = None
    for i, h in enumerate(headers):
        end = headers[i + 1].row if i + 1 < len(headers) else scan.max_row + 1
        rows = [r for r in all_rows if h.row < r < end]
        qcol = q_over or _pick_question_col(scan, rows, h.answer, h.question, h.qid,
                                            _non_question_cols(scan, h.row, h.answer))
        if qcol is None or qcol == h.answer:
            skips.add(f"block(s) without a question column (header row {h.row})")
            continue
        spec = _Block(qcol, h.answer, c_over if c_over else h.comment,
                      _pick_id_col(scan, rows, qcol, h.qid if h.qid != qcol else None))
        section = h.section or section
        for r in rows:
            if i + 1 < len(headers) and end - r <= 2 and _block_title(scan, r, h.answer):
                section = _section_row(scan, r, h.answer) or section
                continue  # the title of the next block, just above its header row
            if h.by_dropdown and not drops.at(r, h.answer):
                if is_text_question(scan.value(r, qcol) or ""):
                    skips.add("row(s) outside the Yes/No dropdown that identifies the answer column")
                continue  # the column is an answer column only where the dropdown is
            q = _question_at(wb, sheet, scan, r, spec, section, skips)
            if q is None:
                section = _section_row(scan, r, h.answer) or section
                continue
            out.append(q)
    return out, Detection(where, len(out), layout=_layout_text(headers), skipped=skips.text())


def _block_title(scan: SheetScan, r: int, answer: int) -> bool:
    texts = [str(v).strip() for v in (scan.value(r, c) for c in range(1, answer)) if v and str(v).strip()]
    return len(texts) == 1 and not texts[0].endswith("?") and len(texts[0].split()) <= 8 \
        and scan.value(r, answer) in (None, "")


def _section_row(scan: SheetScan, r: int, answer: int) -> str | None:
    texts = [str(v).strip() for v in (scan.value(r, c) for c in range(1, answer)) if v and str(v).strip()]
    if (
        len(texts) == 1
        and scan.value(r, answer) in (None, "")
        and len(texts[0].split()) <= 8
        and not texts[0].endswith("?")
        and not QID_VALUE.match(texts[0])
    ):
        return texts[0]  # section row between questions
    return None


@dataclass
class _Block:
    qcol: int
    acol: int
    ccol: int | None
    qid_col: int | None


# a formula that only puts a constant default in the cell: ="", ="Select", =IF(TRUE,"","")
_CONSTANT_FORMULA = re.compile(r'^\s*=?\s*"[^"]{0,40}"\s*$')


def _formula_answer(cell) -> str | None:
    """Why a formula answer cell is not an input (None: it only holds a constant default prompt)."""
    f = cell.formula_text or ""
    if _CONSTANT_FORMULA.match(f) and (cell.value in (None, "") or is_placeholder(cell.value)):
        return None
    return "answer cell computed by a formula"


def _question_at(wb, sheet, scan, r, spec: _Block, section, skips: _Skips) -> Question | None:
    text = (scan.value(r, spec.qcol) or "").strip()
    if not text:
        return None
    if r in scan.hidden_rows:
        skips.add("hidden row(s)") if is_text_question(text) else None
        return None
    qid = (scan.value(r, spec.qid_col) or "").strip() if spec.qid_col else None
    if spec.qid_col and not qid:
        return None  # layout has IDs: rows without one are sub-rows / section titles
    if qid and qid.startswith("#"):
        return None  # #REF! and friends
    if not is_text_question(text):
        return None
    acell = scan.cells.get((r, spec.acol))
    if acell is not None and acell.formula:
        why = _formula_answer(acell)
        if why:
            skips.add(why)
            return None
    m = scan.merge_at(r, spec.acol)
    if m is not None and (m[0], m[1]) != (r, spec.acol) and m[1] <= spec.qcol:
        return None  # a title merged across the row
    return _make_question(wb, sheet, scan, r, spec, text, qid, section, acell, m)


def _make_question(wb, sheet, scan, r, spec: _Block, text, qid, section, acell, m) -> Question:
    t = CellTarget(sheet.name, r, spec.acol, spec.ccol)
    q = Question(text, f"{quote_sheet(sheet.name)}!{t.answer_ref}", qid or None, section, sheet.name,
                 target=t)
    if m is not None and (m[0], m[1]) != (r, spec.acol):
        q.writable, q.note = False, "answer cell is merged into another cell"
    if m is not None and spec.ccol is not None and m[1] <= spec.ccol <= m[3]:
        t.comment_col = None  # answer merged across the comment column
    if t.comment_col is not None:
        cm = scan.merge_at(r, t.comment_col)
        ccell = scan.cells.get((r, t.comment_col))
        if (cm is not None and (cm[0], cm[1]) != (r, t.comment_col)) or (ccell is not None and ccell.formula):
            t.comment_col = None
        elif ccell is not None and ccell.value not in (None, "") and not is_placeholder(ccell.value):
            q.comment_writable, q.existing_comment = False, ccell.value
    t.answer_style = scan.style_of(r, spec.acol)
    t.answer_cell = (acell is not None, bool(acell is not None and acell.formula))
    if t.comment_col is not None:
        t.comment_style = scan.style_of(r, t.comment_col)
        t.comment_cell = (ccell is not None, bool(ccell is not None and ccell.formula))
    if scan.protected:
        if wb.xf(t.answer_style).locked:
            q.writable, q.note = False, "answer cell is locked on a protected sheet"
        if t.comment_col is not None and wb.xf(t.comment_style).locked:
            t.comment_col = None
    if t.comment_col is not None:
        q.comment_location = f"{quote_sheet(sheet.name)}!{t.comment_ref}"
    if acell is not None and acell.value not in (None, "") and not is_placeholder(acell.value):
        q.existing = acell.value
    q.options = wb.list_options(sheet, scan.validation_at(r, spec.acol))
    return q
