"""The questionnaire formats `fill` can open: file kind -> `QuestionnaireFile` adapter (the one format switch)."""

from __future__ import annotations

import re
from pathlib import Path

from questionnaire.documents.question import QuestionnaireFile
from questionnaire.errors import InputFileError


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


_VSAQ_ITEM = re.compile(rb'["\']?type["\']?\s*:\s*["\'](radiogroup|checkgroup|line|box)["\']')


def refuse_unfillable(path: Path) -> None:
    """A clear one-line refusal for questionnaire files `fill` cannot write into (a VSAQ definition)."""
    path = Path(path)
    if path.suffix.lower() not in (".json", ".js") or not path.is_file():
        return
    with path.open("rb") as fh:
        head = fh.read(4 * 1024 * 1024)
    items = _VSAQ_ITEM.findall(head)
    if b"questionnaire" in head and items:
        raise InputFileError(
            f"{path}: this is a Google VSAQ questionnaire definition ({len(items)} questions), not a filled-in form; "
            "fill cannot write into it: answer it in the VSAQ web app, or ask for the .xlsx/.docx version"
        )
