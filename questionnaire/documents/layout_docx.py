"""Where the questions are in a Word document (python-docx elements; no writing here).

Tables, each read by the first shape that fits:
- one question per table (or several stacked): a row with the question (maybe a number cell
  first), the answer cell below it, often merged across the width, maybe holding "Answer:";
- a header row naming a question and an answer column (and maybe a comment column);
- rows of question | empty answer cell (or number | question | answer);
- a one-cell answer box right after a question paragraph ("3. Do you ...?").
Paragraphs: a numbered question paragraph followed by its answer region (a content control, a
legacy form field, Yes/No checkboxes, an "Answer:" label, or at least two empty paragraphs);
checkboxes on the question's own line count too. Text already in the region is a pre-filled
answer, kept. Each table / paragraph group gets a `Detection` (found, or skipped and why).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from questionnaire.documents import docx_slots as slots
from questionnaire.documents.docx_xml import body_of, cell_at, grid, is_hmerge_continue, is_vmerge_continue, qn, tables, tc_text
from questionnaire.documents.question import Detection, Question
from questionnaire.documents.vocab import QID_VALUE, STRONG_ANSWER, header_role, is_text_question, norm
from questionnaire.errors import InputFileError


@dataclass
class TableCell:
    """The answer cell (and comment cell) of a question in a table: 1-based table/row, 0-based grid column."""

    table: int
    row: int
    col: int
    comment_col: int | None = None
    choice: bool = False  # answered by ticking a Yes/No checkbox


@dataclass
class BodyRegion:
    """Body-level elements [start, end) after a question paragraph (or the paragraph itself)."""

    start: int
    end: int
    choice: bool = False


def _fill_slot(q: Question, els: list) -> Question:
    """Options, choice and the answer already there, from the slot's content."""
    if slots.is_blank(els):  # the usual empty answer cell: no answer, options, boxes or fields to find
        q.existing, q.options, q.target.choice = None, None, False
        return q
    q.existing = slots.read(els) or None
    q.options = slots.options(els)
    q.target.choice = slots.is_choice(els)
    if not q.target.choice and slots.has_boxes(els) and not q.existing:
        q.writable, q.note = False, "checkboxes that are not a Yes/No choice: tick by hand"
    return q


def _question(ti: int, ri: int, col: int, text: str, tc, **kw) -> Question:
    q = Question(text, f"table {ti}, row {ri}", target=TableCell(ti, ri, col), **kw)
    return _fill_slot(q, [tc])


def _set_comment(q: Question, col: int) -> None:
    q.target.comment_col = col
    q.comment_location = f"{q.location}, column {col + 1}"


# "3.", "Q4)", "A.1.2", "SEC-01:" before a question paragraph
_ENUM = re.compile(r"^\s*((?:q(?:uestion)?\s?)?\d+(?:\.\d+)*[a-z]?|[a-z]{1,4}[-.]?\d+(?:\.\d+)*|[a-z])[.):]\s+", re.I)
_ASKS = frozenset("describe explain list provide outline detail specify state identify give please confirm indicate "
                  "summarise summarize name".split())
_INTERROGATIVE = frozenset("is are do does did can could will would has have had should shall must may how what which "
                           "who whom where when why".split())
_NUMBER_CELL = re.compile(r"^\s*(?:q(?:uestion)?\s?)?\d+(?:\.\d+)*[a-z]?[.):]?\s*$", re.I)


def _asks(text: str) -> bool:
    """A key-value row's left cell reads as a question ("...?", "...:", "...", or it starts with
    "Is/Do/How/Describe..."), not a label such as "Company name"."""
    t = text.rstrip()
    if t.endswith(("?", ":", ".")):
        return True
    m = _ENUM.match(t)
    words = (t[m.end():] if m else t).split()
    return bool(words) and words[0].lower().strip(",:") in (_INTERROGATIVE | _ASKS)


# a numbered paragraph asking for an answer ("4. Describe ..."); "1. Please return the form" is an instruction
_PARAGRAPH_ASKS = (_ASKS | _INTERROGATIVE) - {"please", "give", "name"}


def _reads_as_question(body: str, asks: frozenset = _ASKS | _INTERROGATIVE) -> bool:
    words = body.split()
    if not is_text_question(body) or len(body) > 600:
        return False
    return body.rstrip().endswith("?") or (bool(words) and words[0].lower().strip(",:") in asks)


def _split_enum(text: str) -> tuple[str | None, str]:
    m = _ENUM.match(text)
    return (m.group(1), text[m.end():].strip()) if m else (None, text.strip())


def _live(cells):
    """The cells of a row that hold content: merge continuations (vertical, or old-style horizontal) left out."""
    return [g for g in cells if not is_vmerge_continue(g[2]) and not is_hmerge_continue(g[2])]


def _answer_below(row) -> tuple[int, object] | None:
    """The answer cell of an answer row: one cell (often merged across), or "Answer:" | cell."""
    cells = _live(row)
    if len(cells) == 1:
        start, _span, tc = cells[0]
        return start, tc
    if len(cells) == 2 and slots.ANSWER_LABEL.fullmatch(tc_text(cells[0][2]) + " ") and not slots.read([cells[1][2]]):
        return cells[1][0], cells[1][2]
    return None


def _qa_rows(ti, rows) -> list[Question]:
    """Question row (number cell + question, or the question alone) with its answer row below."""
    out = []
    ri = 0
    while ri < len(rows) - 1:
        cells = _live(rows[ri])
        qid = None
        first = tc_text(cells[0][2]).strip() if cells else ""
        if len(cells) == 2 and (_NUMBER_CELL.match(first or "x") or QID_VALUE.match(first)):
            qid = tc_text(cells[0][2]).strip().rstrip(".):") or None
            cells = cells[1:]
        below = _answer_below(rows[ri + 1]) if len(cells) == 1 else None
        step = 2
        if below is not None and ri + 2 < len(rows) and slots.LABEL_ONLY.fullmatch(tc_text(below[1])) \
                and tc_text(below[1]).strip() and _answer_below(rows[ri + 2]) is not None:
            below, step = _answer_below(rows[ri + 2]), 3  # question / "Answer" label row / answer row
        text = tc_text(cells[0][2]) if len(cells) == 1 else ""
        if below is None or not is_text_question(text) or not (_asks(text) or text.rstrip().endswith("?")):
            ri += 1
            continue
        if header_role(text) == "answer" or slots.ANSWER_LABEL.match(text):
            ri += 1
            continue
        qid2, body = _split_enum(text)
        out.append(_question(ti, ri + step, below[0], body if qid is None and qid2 else text, below[1],
                             question_id=qid or qid2))
        ri += step
    return out


def _header_roles(all_rows) -> tuple[int, dict] | None:
    # the header is one of the first three rows (a title row may sit above it)
    for h in range(min(3, len(all_rows))):
        roles = {}
        for start, _span, tc in all_rows[h]:
            role = header_role(tc_text(tc))
            if role and role not in roles:
                roles[role] = start
        if "answer" in roles and (len(roles) > 1 or norm(tc_text(cell_at(all_rows[h], roles["answer"]))) in STRONG_ANSWER):
            return h, roles
    return None


def _widest_left(header, rows, acol) -> int | None:
    best, score = None, 0
    for start, _s, _tc in header:
        if start >= acol:
            continue
        total = sum(len(tc_text(cell_at(r, start) or header[0][2])) for r in rows[1:30] if cell_at(r, start) is not None)
        if total > score:
            best, score = start, total
    return best


def _with_header(ti, all_rows) -> list[Question] | None:
    found = _header_roles(all_rows)
    if found is None:
        return None
    h, roles = found
    header, rows = all_rows[h], all_rows[h:]
    acol = roles["answer"]
    qcol = roles.get("question")
    if qcol is None or qcol >= acol:
        qcol = _widest_left(header, rows, acol)  # the widest-text column left of the answer column
    if qcol is None:
        return None
    ccol = roles.get("comment") if roles.get("comment", -1) > acol else None
    idcol = roles.get("id") if roles.get("id", 99) < qcol else None
    out = []
    section = None
    for ri, cells in enumerate(rows[1:], h + 2):
        qtc, atc = cell_at(cells, qcol), cell_at(cells, acol)
        if qtc is None or atc is None:
            continue
        text = tc_text(qtc)
        if atc is qtc:
            if text:
                section = text  # a row merged across: section title
            continue
        if header_role(tc_text(atc)) == "answer" and header_role(text) == "question":
            continue  # repeated header row (the answer cell first: it is usually empty, told at once)
        if not is_text_question(text):
            if text and not tc_text(atc):
                section = text
            continue
        q = _question(ti, ri, acol, text, atc, section=section)
        if idcol is not None:
            itc = cell_at(cells, idcol)
            q.question_id = tc_text(itc) or None if itc is not None and itc is not qtc else None
        if is_vmerge_continue(atc):
            q.writable, q.note = False, "answer cell is merged into the cell above"
        if ccol is not None:
            ctc = cell_at(cells, ccol)
            if ctc is not None and ctc is not atc and not is_vmerge_continue(ctc):
                _set_comment(q, ccol)
                written = slots.read([ctc])
                if written:
                    q.comment_writable, q.existing_comment = False, written
        out.append(q)
    return out


def _without_header(ti, rows) -> list[Question]:
    out = []
    for ri, cells in enumerate(rows, 1):
        cells = _live(cells)
        qid = None
        if len(cells) == 3 and QID_VALUE.match(tc_text(cells[0][2])):
            qid = tc_text(cells[0][2])  # "1.2" | question | answer
            cells = cells[1:]
        if len(cells) == 2:
            (_qs, _qsp, qtc), (as_, _asp, atc) = cells
            text = tc_text(qtc)
            if is_text_question(text) and _asks(text) and (not slots.read([atc]) or slots.choice_options([atc])):
                out.append(_question(ti, ri, as_, text, atc, question_id=qid))
    return out


def _previous_paragraph_text(tbl) -> str:
    """Text of the paragraph just before a table (empty paragraphs skipped; '' if a table comes first)."""
    el = tbl.getprevious()
    while el is not None:
        if el.tag == qn("w:p"):
            text = tc_text(el)
            if text:
                return text
        elif el.tag == qn("w:tbl"):
            return ""
        el = el.getprevious()
    return ""


def _is_answer_box(tbl) -> bool:
    rows = [grid(tr) for tr in tbl.findall(qn("w:tr"))]
    return len(rows) == 1 and len(_live(rows[0])) == 1


def _question_above(tbl) -> tuple[str | None, str] | None:
    """The question an answer box answers: the paragraph just above it, or a numbered question at most
    three paragraphs up with only guidance text between ("3. Describe ...", "Consider ...", [box])."""
    qid, body = _split_enum(_previous_paragraph_text(tbl))
    if _reads_as_question(body):
        return qid, body
    el, seen = tbl.getprevious(), 0
    while el is not None and el.tag == qn("w:p") and seen < 4:
        found = _question_paragraph(el)
        if found is not None:
            return found
        seen += bool(tc_text(el))
        el = el.getprevious()
    return None


def _answer_box(ti, tbl, rows) -> list[Question]:
    """A one-cell table (an answer box) right after a question paragraph: "1. Do you ...?" then [     ]."""
    cells = [g for cells in rows for g in _live(cells)]
    if len(rows) != 1 or len(cells) != 1:
        return []
    found = _question_above(tbl)
    if found is None:
        return []
    qid, body = found
    return [_question(ti, 1, cells[0][0], body, cells[0][2], question_id=qid)]


def _detect_table(ti, tbl) -> tuple[list[Question], str]:
    """The table's questions and its shape (or "skipped: why")."""
    rows = [grid(tr) for tr in tbl.findall(qn("w:tr"))]
    if not rows:
        return [], "skipped: a table without rows"
    header = _with_header(ti, rows)  # a header naming the columns wins when it gives questions
    if header:
        return header, "question | answer header"
    found = _qa_rows(ti, rows)
    if found:
        return found, "question row + answer row below"
    found, name = header or [], "question | answer header"
    if header is None:
        found, name = _without_header(ti, rows), "question | answer rows"
    if not found:
        found, name = _answer_box(ti, tbl, rows), "answer box after a question paragraph"
    if not found:
        return [], _why_not(tbl, rows)
    return found, name


def _why_not(tbl, rows) -> str:
    """Why a table gave no question (said in the detection notes)."""
    cells = [g for cells in rows for g in _live(cells)]
    if all(not slots.read([tc]) for _s, _sp, tc in cells) and _reads_as_question(
            _split_enum(_previous_paragraph_text(tbl))[1]):
        return f"skipped: an empty table of {len(cells)} cells after a question; which cell is the answer is unclear"
    return "skipped: no question with an answer cell recognised"


# --------------------------------------------------------------------------- paragraphs

_HEADING = re.compile(r"^(heading|title|subtitle|toc)", re.I)


def _style(p) -> str:
    ppr = p.find(qn("w:pPr"))
    st = ppr.find(qn("w:pStyle")) if ppr is not None else None
    return st.get(qn("w:val"), "") if st is not None else ""


def _numbered(p) -> bool:
    ppr = p.find(qn("w:pPr"))
    return ppr is not None and ppr.find(qn("w:numPr")) is not None


def _question_paragraph(p) -> tuple[str | None, str] | None:
    """(number, question) when a body paragraph is a numbered question."""
    if p.tag != qn("w:p") or _HEADING.match(_style(p)):
        return None
    text = tc_text(p)
    boxes = slots.boxes([p])
    if boxes:
        text = text.split(next(c for c in text if c in slots.UNCHECKED + slots.CHECKED), 1)[0] \
            if any(c in slots.UNCHECKED + slots.CHECKED for c in text) else text
    qid, body = _split_enum(text)
    if qid is None and not _numbered(p):
        return None
    return (qid, body) if _reads_as_question(body, _PARAGRAPH_ASKS) else None


def _region_end(body: list, i: int) -> int:
    j = i + 1
    while j < len(body):
        el = body[j]
        if el.tag == qn("w:sdt"):
            j += 1
            continue
        if el.tag != qn("w:p") or _HEADING.match(_style(el)) or _question_paragraph(el) is not None:
            break
        j += 1
    return j


def _has_slot(region: list) -> bool:
    """A content control, a form field or an "Answer:" label marks an answer region."""
    for el in region:
        if el.tag == qn("w:sdt") or el.find(".//" + qn("w:sdt")) is not None or el.find(".//" + qn("w:ffData")) is not None:
            return True
        if slots.ANSWER_LABEL.match(tc_text(el) + " "):
            return True
    return False


def _paragraph_questions(body: list, skips: dict) -> list[tuple[int, Question]]:
    out = []
    pnum = {id(el): n for n, el in enumerate((e for e in body if e.tag == qn("w:p")), 1)}
    for i, el in enumerate(body):
        found = _question_paragraph(el)
        if found is None:
            continue
        qid, text = found
        loc = f"paragraph {pnum[id(el)]}"
        if slots.choice_options([el]):
            region = BodyRegion(i, i + 1)  # "3. Do you ...?  ☐ Yes  ☐ No" on one line
        else:
            j = _region_end(body, i)
            els = body[i + 1:j]
            if not els:
                if j < len(body) and body[j].tag != qn("w:tbl"):
                    skips["numbered question with no answer space after it"] = skips.get(
                        "numbered question with no answer space after it", 0) + 1
                continue
            if j < len(body) and body[j].tag == qn("w:tbl") and _is_answer_box(body[j]) and not _has_slot(els):
                continue  # guidance text, then the answer box: the table's question
            blank = all(el2.tag == qn("w:p") and not tc_text(el2).strip() for el2 in els)
            if blank and len(els) < 2:
                key = "numbered question followed by one empty line only (not clearly an answer space)"
                skips[key] = skips.get(key, 0) + 1
                continue
            if not blank and not _has_slot(els) and not slots.choice_options(els):
                pass  # text after the question: a pre-filled answer, kept
            region = BodyRegion(i + 1, j)
        q = Question(text, loc, question_id=qid, target=region)
        _fill_slot(q, body[region.start:region.end])
        out.append((i, q))
    return out


def _table_notes(per_table: list[tuple[int, int, str | None]]) -> list[Detection]:
    """Tables of one shape in one line; tables with no question grouped by the reason (up to 10 listed)."""
    notes: list[Detection] = []
    groups: dict[str, list[tuple[int, int]]] = {}
    for ti, n, shape in per_table:
        groups.setdefault(shape or "", []).append((ti, n))
    for shape, items in groups.items():
        tis = [ti for ti, _ in items]
        if len(tis) > 2 and tis == list(range(tis[0], tis[-1] + 1)):
            where = f"{len(tis)} tables ({tis[0]}-{tis[-1]})"
        else:
            shown = ", ".join(str(t) for t in tis[:10]) + (f" and {len(tis) - 10} more" if len(tis) > 10 else "")
            where = f"table{'s' if len(tis) > 1 else ''} {shown}"
        if shape.startswith("skipped: "):
            notes.append(Detection(where, 0, skipped=shape[9:]))
        else:
            notes.append(Detection(where, sum(n for _, n in items), layout=shape))
    return notes


def detect_document(doc, path: Path | str = "document") -> tuple[list[Question], list[Detection]]:
    body = list(body_of(doc))
    tbls = tables(doc)
    index = {id(t): i for i, t in enumerate(body)}
    found: list[tuple[int, Question]] = []
    per_table = []
    for ti, tbl in enumerate(tbls, 1):
        qs, shape = _detect_table(ti, tbl)
        found += [(index.get(id(tbl), 0), q) for q in qs]
        per_table.append((ti, len(qs), shape))
    skips: dict[str, int] = {}
    paras = _paragraph_questions(body, skips)
    if not tbls and not paras:
        raise InputFileError(f"{path}: the document has no tables and no numbered questions with answer space; "
                             "put the questions in a table (question | answer) and retry")
    notes = _table_notes(per_table)
    if paras or skips:
        notes.append(Detection("numbered paragraphs", len(paras), layout="question paragraph + answer space below",
                               skipped="; ".join(f"{n} {why}" for why, n in sorted(skips.items())) or None))
    found += paras
    found.sort(key=lambda x: x[0])
    return [q for _, q in found], notes


def detect_questions(doc, path: Path | str = "document") -> list[Question]:
    return detect_document(doc, path)[0]
