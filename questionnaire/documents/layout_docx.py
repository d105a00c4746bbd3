"""Where the questions are in a Word document (python-docx elements; no writing here).

Table shapes: a header row naming a question and an answer column (and maybe a comment
column), one question per row; tables without such a header where a question cell has an
empty answer cell beside it (two cells, or three with a number first) or directly below it;
a one-cell answer-box table right after a question paragraph ("3. Do you ...?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from questionnaire.documents.docx_xml import (
    answer_text,
    cell_at,
    grid,
    is_vmerge_continue,
    qn,
    tables,
    tc_text,
)
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


def _question(ti: int, ri: int, col: int, text: str, **kw) -> Question:
    return Question(text, f"table {ti}, row {ri}", target=TableCell(ti, ri, col), **kw)


def _set_comment(q: Question, col: int) -> None:
    q.target.comment_col = col
    q.comment_location = f"{q.location}, column {col + 1}"



def detect_questions(doc, path: Path | str = "document") -> list[Question]:
    tbls = tables(doc)
    if not tbls:
        raise InputFileError(f"{path}: the document has no tables; put the questions in a table (question | answer) and retry")
    out: list[Question] = []
    for ti, tbl in enumerate(tbls, 1):
        rows = [grid(tr) for tr in tbl.findall(qn("w:tr"))]
        if not rows:
            continue
        found = _with_header(ti, rows)
        if found is None:
            found = _without_header(ti, rows)
        if not found:
            found = _answer_box(ti, tbl, rows)
        out.extend(found)
    return out


# "3.", "Q4)", "A.1.2", "SEC-01:" before a question paragraph
_ENUM = re.compile(r"^\s*((?:q(?:uestion)?\s?)?\d+(?:\.\d+)*[a-z]?|[a-z]{1,4}[-.]?\d+(?:\.\d+)*|[a-z])[.):]\s+", re.I)
_ASKS = frozenset("describe explain list provide outline detail specify state identify give please confirm indicate "
                  "summarise summarize name".split())


def _previous_paragraph_text(tbl) -> str:
    """Text of the paragraph just before a table (empty paragraphs skipped; '' if a table comes first)."""
    el = tbl.getprevious()
    p_tag = qn("w:p")
    while el is not None:
        if el.tag == p_tag:
            text = tc_text(el)
            if text:
                return text
        elif el.tag == qn("w:tbl"):
            return ""
        el = el.getprevious()
    return ""


_INTERROGATIVE = frozenset("is are do does did can could will would has have had should shall must may how what which "
                           "who whom where when why".split())


def _asks(text: str) -> bool:
    """A key-value row's left cell reads as a question ("...?", "...:", "...", or it starts with
    "Is/Do/How/Describe..."), not a label such as "Company name"."""
    t = text.rstrip()
    if t.endswith(("?", ":", ".")):
        return True
    m = _ENUM.match(t)
    words = (t[m.end():] if m else t).split()
    return bool(words) and words[0].lower().strip(",:") in (_INTERROGATIVE | _ASKS)


def _answer_box(ti, tbl, rows) -> list[Question]:
    """A one-cell table (an answer box) right after a question paragraph: "1. Do you ...?" then [     ]."""
    cells = [g for grid in rows for g in grid if not is_vmerge_continue(g[2])]
    if len(rows) != 1 or len(cells) != 1:
        return []
    text = _previous_paragraph_text(tbl)
    m = _ENUM.match(text)
    qid, body = (m.group(1), text[m.end():].strip()) if m else (None, text)
    words = body.split()
    if not is_text_question(body) or len(body) > 600:
        return []
    if not (body.rstrip().endswith("?") or (words and words[0].lower().strip(",:") in _ASKS)):
        return []
    q = _question(ti, 1, cells[0][0], body, question_id=qid)
    existing = answer_text(cells[0][2])
    if existing:
        q.existing = existing
    return [q]


def _with_header(ti, all_rows) -> list[Question] | None:
    # the header is one of the first three rows (a title row may sit above it)
    for h in range(min(3, len(all_rows))):
        roles = {}
        for start, _span, tc in all_rows[h]:
            role = header_role(tc_text(tc))
            if role and role not in roles:
                roles[role] = start
        if "answer" in roles and (len(roles) > 1 or norm(tc_text(cell_at(all_rows[h], roles["answer"]))) in STRONG_ANSWER):
            break
    else:
        return None
    header, rows = all_rows[h], all_rows[h:]
    acol = roles["answer"]
    qcol = roles.get("question")
    if qcol is None or qcol >= acol:
        # the widest-text column left of the answer column
        best, score = None, 0
        for start, _s, _tc in header:
            if start >= acol:
                continue
            total = sum(len(tc_text(cell_at(r, start) or header[0][2])) for r in rows[1:30] if cell_at(r, start) is not None)
            if total > score:
                best, score = start, total
        qcol = best
    if qcol is None:
        return None
    ccol = roles.get("comment") if roles.get("comment", -1) > acol else None
    idcol = roles.get("id") if roles.get("id", 99) < qcol else None
    out = []
    section = None
    for ri, grid in enumerate(rows[1:], h + 2):
        qtc, atc = cell_at(grid, qcol), cell_at(grid, acol)
        if qtc is None or atc is None:
            continue
        text = tc_text(qtc)
        if atc is qtc:
            if text:
                section = text  # a row merged across: section title
            continue
        if header_role(text) == "question" and header_role(tc_text(atc)) == "answer":
            continue  # repeated header row
        if not is_text_question(text):
            if text and not tc_text(atc):
                section = text
            continue
        q = _question(ti, ri, acol, text, section=section)
        if idcol is not None:
            itc = cell_at(grid, idcol)
            q.question_id = tc_text(itc) or None if itc is not None and itc is not qtc else None
        if is_vmerge_continue(atc):
            q.writable, q.note = False, "answer cell is merged into the cell above"
        existing = answer_text(atc)
        if existing:
            q.existing = existing
        if ccol is not None:
            ctc = cell_at(grid, ccol)
            if ctc is not None and ctc is not atc and not is_vmerge_continue(ctc):
                _set_comment(q, ccol)
                if answer_text(ctc):
                    q.comment_writable = False
        out.append(q)
    return out


def _without_header(ti, rows) -> list[Question]:
    out = []
    for ri, grid in enumerate(rows, 1):
        cells = [g for g in grid if not is_vmerge_continue(g[2])]
        qid = None
        if len(cells) == 3 and QID_VALUE.match(tc_text(cells[0][2])):
            qid = tc_text(cells[0][2])  # "1.2" | question | answer
            cells = cells[1:]
        if len(cells) == 2:
            (qs, _qsp, qtc), (as_, _asp, atc) = cells
            text = tc_text(qtc)
            if is_text_question(text) and _asks(text) and not answer_text(atc):
                out.append(_question(ti, ri, as_, text, question_id=qid))
        elif len(cells) == 1 and ri < len(rows):
            text = tc_text(cells[0][2])
            below = [g for g in rows[ri] if not is_vmerge_continue(g[2])]
            if is_text_question(text) and text.rstrip().endswith("?") and len(below) == 1 and not answer_text(below[0][2]):
                out.append(_question(ti, ri + 1, below[0][0], text))
    return out

