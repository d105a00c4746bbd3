"""Excel questionnaires: the xlsx/xlsm `QuestionnaireFile` adapter.

Reading and patching the package is `documents/ooxml/` (no heuristics); where the questions
are is `documents/layout_xlsx.py`. This module ties them to the questionnaire-file protocol
(`documents/question.py`) and re-exports the names callers use.
"""

from __future__ import annotations

from pathlib import Path

from questionnaire.documents.layout_xlsx import CellTarget, Overrides, detect_questions, detect_sheets
from questionnaire.documents.ooxml.package import SheetInfo, Workbook, XfInfo
from questionnaire.documents.ooxml.patch import CellWrite, check_patched_part, patch_sheet_xml, verify_cells, write_cells
from questionnaire.documents.ooxml.refs import col_to_idx, idx_to_col, parse_range, parse_ref, quote_sheet
from questionnaire.documents.ooxml.sheet import Cell, SheetScan, Validation, scan_sheet_xml
from questionnaire.documents.question import Detection, FileAdapter, Question, Write
from questionnaire.documents.vocab import header_role, is_placeholder, pick_option

__all__ = [
    "Cell", "CellTarget", "CellWrite", "Overrides", "Question", "SheetInfo", "SheetScan", "Validation", "Workbook",
    "XfInfo", "XlsxFile", "check_patched_part", "col_to_idx", "detect_questions", "header_role", "idx_to_col",
    "is_placeholder", "parse_range", "parse_ref", "patch_sheet_xml", "pick_option", "quote_sheet", "scan_sheet_xml",
    "verify_cells", "write_cells",
]

WRAP_LONGER_THAN = 30


class XlsxFile(FileAdapter):
    """An xlsx/xlsm questionnaire: questions found by layout_xlsx, answers written by the sheet-XML patcher."""

    def __init__(self, path: Path, overrides: Overrides | None = None, kind: str = "xlsx"):
        self.path = Path(path)
        self.kind = kind
        self.overrides = overrides
        self.workbook = Workbook(self.path)
        self.detections: list[Detection] = []
        self._writes: list[CellWrite] = []
        self._version: tuple[str | None] | None = None

    TARGETS = (CellTarget,)

    def close(self) -> None:
        self.workbook.close()

    def questions(self) -> list[Question]:
        found, self.detections = detect_sheets(self.workbook, self.overrides)
        return found

    def version(self) -> str | None:
        if self._version is None:
            from questionnaire.mapping import detect_workbook_version

            self._version = (detect_workbook_version(self.workbook),)
        return self._version[0]

    def extra(self):
        return self.version()

    def restore_extra(self, extra) -> None:
        self._version = (extra,)

    def write(self, plan: list[Write], dst: Path) -> None:
        writes: list[CellWrite] = []
        for w in plan:
            t: CellTarget = w.question.target
            if w.answer is not None:
                writes.append(CellWrite(t.sheet, t.answer_ref, w.answer,
                                        wrap=len(w.answer) > WRAP_LONGER_THAN or "\n" in w.answer,
                                        cell=(*t.answer_cell, t.answer_style)))
            if w.comment is not None and t.comment_ref:
                writes.append(CellWrite(t.sheet, t.comment_ref, w.comment, wrap=True,
                                        cell=(*t.comment_cell, t.comment_style)))
        self._writes = writes
        write_cells(self.path, dst, writes, workbook=self.workbook)

    def verify(self, path: Path) -> None:
        verify_cells(path, self._writes)
