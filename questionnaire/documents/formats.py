"""The questionnaire formats `fill` can open: file kind -> `QuestionnaireFile` adapter (the one format switch)."""

from __future__ import annotations

from pathlib import Path

from questionnaire.documents.question import QuestionnaireFile


def _xlsx(path: Path, overrides, kind: str) -> QuestionnaireFile:
    from questionnaire.documents.excel import XlsxFile

    return XlsxFile(path, overrides, kind)


def _docx(path: Path, overrides, kind: str) -> QuestionnaireFile:
    from questionnaire.documents.word import DocxFile

    return DocxFile(path, overrides, kind)


OPENERS = {"xlsx": _xlsx, "xlsm": _xlsx, "docx": _docx}


def open_questionnaire(path: Path, kind: str, overrides=None) -> QuestionnaireFile:
    """Open a questionnaire of a kind `safety.check_input` returned."""
    return OPENERS[kind](Path(path), overrides, kind)
