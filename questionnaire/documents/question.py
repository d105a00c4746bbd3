"""The one `Question` type and the questionnaire-file protocol shared by the xlsx and docx adapters.

`fill` only sees this: ``open_questionnaire(path, kind, overrides)`` returns a
`QuestionnaireFile`; its ``questions()`` are `Question`s; ``write(plan, dst)`` writes a list of
`Write`s into a copy and ``verify(dst)`` reopens that copy and checks each written answer.

Locations are the strings the report shows: ``'Sheet 1'!C12`` (xlsx) or ``table 3, row 2``
(docx). ``comment_location`` is the same kind of string for the explanation cell, or None when
the layout has none. ``target`` is the adapter's own address of the cells (opaque to `fill`).
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, fields
from pathlib import Path
from typing import Any, Protocol


@dataclass
class Overrides:
    """Where the user says the questions are (``fill --sheet/--question-col/...``)."""

    sheet: str | None = None
    question_col: str | None = None
    answer_col: str | None = None
    comment_col: str | None = None
    header_row: int | None = None

    def any_column(self) -> bool:
        return bool(self.question_col or self.answer_col or self.comment_col or self.header_row)


@dataclass
class Question:
    text: str
    location: str
    question_id: str | None = None
    section: str | None = None  # section title (context for the matcher)
    container: str | None = None  # the sheet name (context when there is no section)
    options: list[str] | None = None  # allowed values (dropdown, checkbox labels); None = free text
    existing: str | None = None  # answer already in the file: never changed
    writable: bool = True
    note: str | None = None  # why it is not writable
    comment_location: str | None = None
    comment_writable: bool = True
    existing_comment: str | None = None  # explanation already in the comment cell (what `library import` reads)
    target: Any = None

    @property
    def has_comment(self) -> bool:
        return self.comment_location is not None and self.comment_writable


@dataclass
class Write:
    question: Question
    answer: str | None
    comment: str | None = None


@dataclass
class Detection:
    """What detection made of one sheet / table / region: found N questions, or skipped and why."""

    where: str
    found: int
    layout: str | None = None
    skipped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"where": self.where, "found": self.found}
        if self.layout:
            d["layout"] = self.layout
        if self.skipped:
            d["skipped"] = self.skipped
        return d


class QuestionnaireFile(Protocol):
    kind: str
    detections: list[Detection]

    def questions(self) -> list[Question]: ...

    def version(self) -> str | None:
        """A known questionnaire version (enables id matching), or None."""

    def write(self, plan: list[Write], dst: Path) -> None: ...

    def verify(self, path: Path) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> "QuestionnaireFile": ...

    def __exit__(self, *exc) -> None: ...


class FileAdapter:
    """Context-manager plumbing shared by the adapters (``with open_questionnaire(...) as f``), and the
    questions found as plain data (``snapshot`` / ``restore``: what ``documents.remembered`` keeps)."""

    TARGETS: tuple[type, ...] = ()  # the classes of this kind's Question.target
    detections: list[Detection]

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        pass

    def snapshot(self, questions: list[Question]) -> tuple:
        """The questions found, this file's detections and ``extra()`` as tuples, lists and strings."""
        names = [f.name for f in fields(Question) if f.name != "target"]
        qs = tuple((tuple(getattr(q, n) for n in names), type(q.target).__name__, astuple(q.target)) for q in questions)
        return qs, tuple(astuple(d) for d in self.detections), self.extra()

    def restore(self, data: tuple) -> list[Question]:
        """The questions of a ``snapshot`` (this file's detections and extra restored with them)."""
        qs, detections, extra = data
        targets = {cls.__name__: cls for cls in self.TARGETS}
        names = [f.name for f in fields(Question) if f.name != "target"]
        out = []
        for values, kind, target in qs:
            q = Question(**dict(zip(names, values, strict=True)))
            q.target = targets[kind](*target)
            out.append(q)
        self.detections = [Detection(*d) for d in detections]
        self.restore_extra(extra)
        return out

    def extra(self):
        """What else a later run needs without detecting again (plain data)."""
        return None

    def restore_extra(self, extra) -> None:
        pass
