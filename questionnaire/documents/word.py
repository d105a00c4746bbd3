"""Word questionnaires: the docx `QuestionnaireFile` adapter and the writer.

Detection is `documents/layout_docx.py`. Writing edits runs inside the target cell's first
paragraph (or the text of a content control in the cell) and never assigns ``cell.text``, so
styles, content controls and the rest of the document are kept. python-docx is imported lazily.
"""

from __future__ import annotations

import copy
from pathlib import Path

from questionnaire.documents.docx_xml import XML_SPACE, cell_at, grid, open_document, qn, tables, tc_text
from questionnaire.documents.layout_docx import TableCell, detect_questions
from questionnaire.documents.question import Detection, Question, Write
from questionnaire.documents.vocab import is_placeholder
from questionnaire.errors import OutputError

__all__ = ["DocxFile", "detect_questions", "open_document", "read_answer", "set_cell_text", "tc_text", "write_answer"]


def _answer_tc(doc, t: TableCell, col: int | None = None):
    tbl = tables(doc)[t.table - 1]
    tr = tbl.findall(qn("w:tr"))[t.row - 1]
    return cell_at(grid(tr), t.col if col is None else col)


def set_cell_text(tc, text: str) -> None:
    """Put `text` into a table cell, keeping its paragraphs' style, run formatting and content controls."""
    from docx.text.paragraph import Paragraph

    sdt = tc.find(".//" + qn("w:sdt"))
    if sdt is not None:
        pr = sdt.find(qn("w:sdtPr"))
        if pr is not None:
            ph = pr.find(qn("w:showingPlcHdr"))
            if ph is not None:
                pr.remove(ph)
        content = sdt.find(qn("w:sdtContent"))
        if content is not None:
            ts = list(content.iter(qn("w:t")))
            if ts:
                lines = text.split("\n")
                ts[0].text = lines[0]
                ts[0].set(XML_SPACE, "preserve")
                for t in ts[1:]:
                    t.text = ""
                if len(lines) > 1:
                    run = ts[0].getparent()
                    for line in lines[1:]:
                        br = run.makeelement(qn("w:br"), {})
                        t = run.makeelement(qn("w:t"), {XML_SPACE: "preserve"})
                        t.text = line
                        run.append(br)
                        run.append(t)
                return
            p = content.find(".//" + qn("w:p"))
            if p is not None:
                Paragraph(p, None).add_run(text)
                return
    if is_placeholder(tc_text(tc)):  # "[Insert response]": replace the prompt, do not append to it
        for r in list(tc.iter(qn("w:r"))):
            r.getparent().remove(r)
    p = tc.find(qn("w:p"))
    if p is None:
        p = tc.makeelement(qn("w:p"), {})
        tc.append(p)
    para = Paragraph(p, None)
    runs = p.findall(qn("w:r"))
    rpr = runs[-1].find(qn("w:rPr")) if runs else None
    run = para.add_run(text)
    if rpr is not None:
        run._r.insert(0, copy.deepcopy(rpr))


def write_answer(doc, q: Question, answer: str | None, comment: str | None = None) -> None:
    t = q.target
    tc = _answer_tc(doc, t)
    if tc is None:
        raise OutputError(f"{q.location}: answer cell not found")
    if answer is not None:
        set_cell_text(tc, answer)
    if comment is not None and t.comment_col is not None:
        ctc = _answer_tc(doc, t, t.comment_col)
        if ctc is not None:
            set_cell_text(ctc, comment)


def read_answer(doc, q: Question, comment: bool = False) -> str:
    t = q.target
    tc = _answer_tc(doc, t, t.comment_col if comment else None)
    return tc_text(tc) if tc is not None else ""


class DocxFile:
    """A .docx questionnaire: questions found by layout_docx, answers written into runs."""

    kind = "docx"

    def __init__(self, path: Path, overrides=None, kind: str = "docx"):
        self.path = Path(path)
        self.doc = open_document(self.path)
        self.detections: list[Detection] = []
        self._plan: list[Write] = []

    def __enter__(self) -> "DocxFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        pass

    def questions(self) -> list[Question]:
        return detect_questions(self.doc, self.path)

    def version(self) -> str | None:
        return None

    def write(self, plan: list[Write], dst: Path) -> None:
        for w in plan:
            write_answer(self.doc, w.question, w.answer, w.comment)
        self._plan = plan
        self.doc.save(str(dst))

    def verify(self, path: Path) -> None:
        check = open_document(path)
        for w in self._plan:
            q = w.question
            if w.answer is not None and w.answer not in read_answer(check, q):
                raise OutputError(f"written file check failed at {q.location}; nothing was written")
            if w.comment and q.comment_location and w.comment not in read_answer(check, q, comment=True):
                raise OutputError(f"written file check failed at {q.location} (comment); nothing was written")
