"""Word questionnaires: the docx `QuestionnaireFile` adapter and the writer.

Detection is `documents/layout_docx.py`. Writing edits runs inside the target cell's first
paragraph (or the text of a content control in the cell) and never assigns ``cell.text``, so
styles, content controls and the rest of the document are kept. python-docx is imported lazily.
"""

from __future__ import annotations

from pathlib import Path

from questionnaire.documents import docx_slots as slots
from questionnaire.documents.docx_slots import set_cell_text
from questionnaire.documents.docx_xml import DocxPackage, body_of, cell_at, grid, open_document, qn, saved_document, tables, tc_text
from questionnaire.documents.layout_docx import BodyRegion, TableCell, detect_document, detect_questions
from questionnaire.documents.question import Detection, FileAdapter, Question, Write
from questionnaire.errors import OutputError

__all__ = ["DocxFile", "detect_document", "detect_questions", "open_document", "read_answer", "set_cell_text", "tc_text", "write_answer"]


def slot_elements(doc, target, comment: bool = False, rows: dict | None = None) -> list:
    """The elements of a question's answer slot (or comment cell) in `doc` (a python-docx Document or a
    saved w:document element); ``rows``: a dict the caller keeps per document (table -> its w:tr, (table,
    row) -> the row's grid), so thousands of slots do not each search the table again."""
    if isinstance(target, BodyRegion):
        body = list(body_of(doc))
        return body[target.start:target.end]
    cells = rows.get((target.table, target.row)) if rows is not None else None
    if cells is None:  # the row's grid, kept for the comment cell and the next question of the row
        trs = rows.get(target.table) if rows is not None else None
        if trs is None:
            trs = tables(doc)[target.table - 1].findall(qn("w:tr"))
            if rows is not None:
                rows[target.table] = trs
        cells = grid(trs[target.row - 1])
        if rows is not None:
            rows[(target.table, target.row)] = cells
    tc = cell_at(cells, target.comment_col if comment else target.col)
    if tc is None:
        return []
    return [tc]


def write_answer(doc, q: Question, answer: str | None, comment: str | None = None, rows: dict | None = None) -> None:
    els = slot_elements(doc, q.target, rows=rows)
    if not els:
        raise OutputError(f"{q.location}: answer cell not found")
    if answer is not None:
        if q.target.choice:
            if not slots.choose(els, answer):
                raise OutputError(f"{q.location}: no unticked box or dropdown entry {answer!r}")
        else:
            slots.write_text(els, answer)
    if comment is not None and q.comment_location:
        ctc = slot_elements(doc, q.target, comment=True, rows=rows)
        if ctc:
            slots.set_cell_text(ctc[0], comment)


def read_answer(doc, q: Question, comment: bool = False, rows: dict | None = None) -> str:
    els = slot_elements(doc, q.target, comment, rows)
    if not els:
        return ""
    if comment or not q.target.choice:
        return tc_text(els[0]) if len(els) == 1 else "\n".join(tc_text(e) for e in els)
    return slots.read(els)


class DocxFile(FileAdapter):
    """A .docx questionnaire: questions found by layout_docx, answers written into runs."""

    kind = "docx"
    TARGETS = (TableCell, BodyRegion)

    def __init__(self, path: Path, overrides=None, kind: str = "docx"):
        self.path = Path(path)
        self.doc = DocxPackage(self.path)  # the main part alone; python-docx is not needed to fill
        self.detections: list[Detection] = []
        self._plan: list[Write] = []

    def questions(self) -> list[Question]:
        found, self.detections = detect_document(self.doc, self.path)
        return found

    def version(self) -> str | None:
        return None

    def write(self, plan: list[Write], dst: Path) -> None:
        rows: dict = {}
        for w in plan:
            write_answer(self.doc, w.question, w.answer, w.comment, rows)
        self._plan = plan
        self.doc.save(Path(dst))

    def verify(self, path: Path) -> None:
        """Read every written slot back from the saved file's document part (parsed alone, not the package)."""
        try:
            check = saved_document(path)
        except Exception as e:
            raise OutputError(f"written file does not reopen cleanly ({type(e).__name__}); nothing was written") from e
        rows: dict = {}
        for w in self._plan:
            q = w.question
            got = read_answer(check, q, rows=rows)
            if w.answer is not None and (got != w.answer if q.target.choice else w.answer not in got):
                raise OutputError(f"written file check failed at {q.location}; nothing was written")
            if w.comment and q.comment_location and w.comment not in read_answer(check, q, comment=True, rows=rows):
                raise OutputError(f"written file check failed at {q.location} (comment); nothing was written")
