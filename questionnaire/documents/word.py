"""Word questionnaires: find question/answer cells in tables and write into them.

Two table shapes are recognised:
- a header row naming a question column and an answer column (and maybe a
  comment column); each following row is one question;
- tables without such a header where a question cell has an empty answer cell
  beside it (two cells in the row, or three with a number/ID first) or directly
  below it (one-column tables);
- a one-cell answer-box table right after a question paragraph ("3. Do you ...?").

An answer cell holding only a form prompt ("[Insert response]", "Click here to
enter text.") counts as empty; the prompt is replaced when the answer is written.

Writing edits runs inside the target cell's first paragraph (or the text of a
content control in the cell) and never assigns ``cell.text``, so styles,
content controls and the rest of the document are kept. python-docx is
imported lazily.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

from questionnaire.documents.excel import _QID_VALUE, _STRONG_ANSWER, _is_text_question, _norm, header_role, is_placeholder
from questionnaire.errors import InputFileError, OutputError


@dataclass
class WordQuestion:
    table: int  # 1-based
    row: int  # 1-based
    col: int  # grid column of the answer cell (0-based)
    text: str
    question_id: str | None = None
    section: str | None = None
    comment_col: int | None = None
    options: list[str] | None = None
    existing: str | None = None
    writable: bool = True
    note: str | None = None
    comment_writable: bool = True
    answer_row: int | None = None  # the row holding the answer cell when it is below the question (1-based)

    @property
    def location(self) -> str:
        return f"table {self.table}, row {self.answer_row or self.row}"

    @property
    def comment_ref(self):
        return self.comment_col


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _grid(tr) -> list[tuple[int, int, object]]:
    """[(first grid column, span, tc)] for one table row (w:tr)."""
    out = []
    col = 0
    W_GRIDBEFORE = _qn("w:gridBefore")
    trpr = tr.find(_qn("w:trPr"))
    if trpr is not None:
        gb = trpr.find(W_GRIDBEFORE)
        if gb is not None:
            col += int(gb.get(_qn("w:val"), "0"))
    for tc in tr.findall(_qn("w:tc")):
        span = 1
        tcpr = tc.find(_qn("w:tcPr"))
        if tcpr is not None:
            gs = tcpr.find(_qn("w:gridSpan"))
            if gs is not None:
                span = int(gs.get(_qn("w:val"), "1"))
        out.append((col, span, tc))
        col += span
    return out


def _is_vmerge_continue(tc) -> bool:
    tcpr = tc.find(_qn("w:tcPr"))
    if tcpr is None:
        return False
    vm = tcpr.find(_qn("w:vMerge"))
    return vm is not None and vm.get(_qn("w:val"), "continue") == "continue"


def tc_text(tc) -> str:
    paras = []
    t_tag, br_tag, cr_tag, tab_tag = _qn("w:t"), _qn("w:br"), _qn("w:cr"), _qn("w:tab")
    for p in tc.iter(_qn("w:p")):
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
    if tc.find(".//" + _qn("w:showingPlcHdr")) is None:
        return tc_text(tc)
    clone = copy.deepcopy(tc)
    for sdt in list(clone.iter(_qn("w:sdt"))):
        pr = sdt.find(_qn("w:sdtPr"))
        if pr is not None and pr.find(_qn("w:showingPlcHdr")) is not None:
            sdt.getparent().remove(sdt)
    return tc_text(clone)


def answer_text(tc) -> str:
    """What was already answered in a cell: '' for an empty cell or a form prompt ("[Insert response]")."""
    text = filled_text(tc)
    return "" if is_placeholder(text) else text


def _cell_at(grid, col):
    for start, span, tc in grid:
        if start <= col < start + span:
            return tc
    return None


def _tables(doc):
    """Top-level tables in body order (nested tables are not questionnaires)."""
    return [t._tbl for t in doc.tables]


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


def detect_questions(doc, path: Path | str = "document") -> list[WordQuestion]:
    tables = _tables(doc)
    if not tables:
        raise InputFileError(f"{path}: the document has no tables; put the questions in a table (question | answer) and retry")
    out: list[WordQuestion] = []
    for ti, tbl in enumerate(tables, 1):
        rows = [_grid(tr) for tr in tbl.findall(_qn("w:tr"))]
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
    p_tag = _qn("w:p")
    while el is not None:
        if el.tag == p_tag:
            text = tc_text(el)
            if text:
                return text
        elif el.tag == _qn("w:tbl"):
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


def _answer_box(ti, tbl, rows) -> list[WordQuestion]:
    """A one-cell table (an answer box) right after a question paragraph: "1. Do you ...?" then [     ]."""
    cells = [g for grid in rows for g in grid if not _is_vmerge_continue(g[2])]
    if len(rows) != 1 or len(cells) != 1:
        return []
    text = _previous_paragraph_text(tbl)
    m = _ENUM.match(text)
    qid, body = (m.group(1), text[m.end():].strip()) if m else (None, text)
    words = body.split()
    if not _is_text_question(body) or len(body) > 600:
        return []
    if not (body.rstrip().endswith("?") or (words and words[0].lower().strip(",:") in _ASKS)):
        return []
    q = WordQuestion(ti, 1, cells[0][0], body, question_id=qid)
    existing = answer_text(cells[0][2])
    if existing:
        q.existing = existing
    return [q]


def _with_header(ti, all_rows) -> list[WordQuestion] | None:
    # the header is one of the first three rows (a title row may sit above it)
    for h in range(min(3, len(all_rows))):
        roles = {}
        for start, _span, tc in all_rows[h]:
            role = header_role(tc_text(tc))
            if role and role not in roles:
                roles[role] = start
        if "answer" in roles and (len(roles) > 1 or _norm(tc_text(_cell_at(all_rows[h], roles["answer"]))) in _STRONG_ANSWER):
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
            total = sum(len(tc_text(_cell_at(r, start) or header[0][2])) for r in rows[1:30] if _cell_at(r, start) is not None)
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
        qtc, atc = _cell_at(grid, qcol), _cell_at(grid, acol)
        if qtc is None or atc is None:
            continue
        text = tc_text(qtc)
        if atc is qtc:
            if text:
                section = text  # a row merged across: section title
            continue
        if header_role(text) == "question" and header_role(tc_text(atc)) == "answer":
            continue  # repeated header row
        if not _is_text_question(text):
            if text and not tc_text(atc):
                section = text
            continue
        q = WordQuestion(ti, ri, acol, text, section=section)
        if idcol is not None:
            itc = _cell_at(grid, idcol)
            q.question_id = tc_text(itc) or None if itc is not None and itc is not qtc else None
        if _is_vmerge_continue(atc):
            q.writable, q.note = False, "answer cell is merged into the cell above"
        existing = answer_text(atc)
        if existing:
            q.existing = existing
        if ccol is not None:
            ctc = _cell_at(grid, ccol)
            if ctc is not None and ctc is not atc and not _is_vmerge_continue(ctc):
                q.comment_col = ccol
                if answer_text(ctc):
                    q.comment_writable = False
        out.append(q)
    return out


def _without_header(ti, rows) -> list[WordQuestion]:
    out = []
    for ri, grid in enumerate(rows, 1):
        cells = [g for g in grid if not _is_vmerge_continue(g[2])]
        qid = None
        if len(cells) == 3 and _QID_VALUE.match(tc_text(cells[0][2])):
            qid = tc_text(cells[0][2])  # "1.2" | question | answer
            cells = cells[1:]
        if len(cells) == 2:
            (qs, _qsp, qtc), (as_, _asp, atc) = cells
            text = tc_text(qtc)
            if _is_text_question(text) and _asks(text) and not answer_text(atc):
                out.append(WordQuestion(ti, ri, as_, text, question_id=qid))
        elif len(cells) == 1 and ri < len(rows):
            text = tc_text(cells[0][2])
            below = [g for g in rows[ri] if not _is_vmerge_continue(g[2])]
            if _is_text_question(text) and text.rstrip().endswith("?") and len(below) == 1 and not answer_text(below[0][2]):
                out.append(WordQuestion(ti, ri, below[0][0], text, answer_row=ri + 1))
    return out


def _answer_tc(doc, q: WordQuestion, col: int | None = None):
    tbl = _tables(doc)[q.table - 1]
    tr = tbl.findall(_qn("w:tr"))[(q.answer_row or q.row) - 1]
    return _cell_at(_grid(tr), q.col if col is None else col)


def set_cell_text(tc, text: str) -> None:
    """Put `text` into a table cell, keeping its paragraphs' style, run formatting and content controls."""
    from docx.text.paragraph import Paragraph

    sdt = tc.find(".//" + _qn("w:sdt"))
    if sdt is not None:
        pr = sdt.find(_qn("w:sdtPr"))
        if pr is not None:
            ph = pr.find(_qn("w:showingPlcHdr"))
            if ph is not None:
                pr.remove(ph)
        content = sdt.find(_qn("w:sdtContent"))
        if content is not None:
            ts = list(content.iter(_qn("w:t")))
            if ts:
                lines = text.split("\n")
                ts[0].text = lines[0]
                ts[0].set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                for t in ts[1:]:
                    t.text = ""
                if len(lines) > 1:
                    run = ts[0].getparent()
                    for line in lines[1:]:
                        br = run.makeelement(_qn("w:br"), {})
                        t = run.makeelement(_qn("w:t"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
                        t.text = line
                        run.append(br)
                        run.append(t)
                return
            p = content.find(".//" + _qn("w:p"))
            if p is not None:
                Paragraph(p, None).add_run(text)
                return
    if is_placeholder(tc_text(tc)):  # "[Insert response]": replace the prompt, do not append to it
        for r in list(tc.iter(_qn("w:r"))):
            r.getparent().remove(r)
    p = tc.find(_qn("w:p"))
    if p is None:
        p = tc.makeelement(_qn("w:p"), {})
        tc.append(p)
    para = Paragraph(p, None)
    runs = p.findall(_qn("w:r"))
    rpr = runs[-1].find(_qn("w:rPr")) if runs else None
    run = para.add_run(text)
    if rpr is not None:
        run._r.insert(0, copy.deepcopy(rpr))


def write_answer(doc, q: WordQuestion, answer: str | None, comment: str | None = None) -> None:
    tc = _answer_tc(doc, q)
    if tc is None:
        raise OutputError(f"{q.location}: answer cell not found")
    if answer is not None:
        set_cell_text(tc, answer)
    if comment is not None and q.comment_col is not None:
        ctc = _answer_tc(doc, q, q.comment_col)
        if ctc is not None:
            set_cell_text(ctc, comment)


def read_answer(doc, q: WordQuestion, col: int | None = None) -> str:
    tc = _answer_tc(doc, q, col)
    return tc_text(tc) if tc is not None else ""
