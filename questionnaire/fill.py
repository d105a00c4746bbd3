"""`fill`: answer a customer's own questionnaire file in place, into a new file.

detect questions (documents/excel.py or documents/word.py) -> match each one
(matching.Matcher) -> the standard answer for the matched catalog id
(answers.build_answers) -> write (xlsx sheet-XML patcher / docx runs) through
documents/safety.py -> review report.

Questions the matcher abstains on are left empty. Answers made from the profile
alone (``source="profile"``), from FAIL/UNKNOWN checks, or with a low match
confidence are written but flagged ``needs_review``.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from questionnaire.documents import safety
from questionnaire.errors import OutputError

REVIEW_BELOW_CONFIDENCE = 0.7
WRAP_LONGER_THAN = 30

ANSWERED = "answered"
NEEDS_REVIEW = "needs_review"
UNANSWERED = "unanswered"
KEPT_NOTE = "already answered in the file"


@dataclass
class FillItem:
    location: str
    question: str
    status: str
    answer: str | None = None
    catalog_id: str | None = None
    confidence: float = 0.0
    evidence: list[str] = field(default_factory=list)
    question_id: str | None = None
    comment: str | None = None
    comment_location: str | None = None
    note: str | None = None
    asserts: str | None = None  # yes/no: the proposition answered (catalog `asserts`)
    polarity: str | None = None  # yes/no: "same" or "inverse" (the written Yes/No was flipped)
    value: str | None = None  # yes/no: the value written (Yes, No, N/A)
    source: str | None = None  # verified | declared | library

    @property
    def kept(self) -> bool:
        """Left alone because the file already had an answer there."""
        return bool(self.note and self.note.startswith(KEPT_NOTE))

    def to_dict(self) -> dict[str, Any]:
        d = {
            "location": self.location,
            "question": self.question,
            "status": self.status,
            "answer": self.answer,
            "catalog_id": self.catalog_id,
            "confidence": round(float(self.confidence), 3),
            "evidence": list(self.evidence),
            "question_id": self.question_id,
        }
        if self.comment is not None:
            d["comment"] = self.comment
            d["comment_location"] = self.comment_location
        if self.note:
            d["note"] = self.note
        d["source"] = self.source
        if self.asserts is not None:
            d.update(asserts=self.asserts, polarity=self.polarity, value=self.value)
        return d


@dataclass
class FillResult:
    input: Path
    output: Path
    kind: str
    source: str
    items: list[FillItem]

    def counts(self) -> dict[str, int]:
        c = {"found": len(self.items), ANSWERED: 0, NEEDS_REVIEW: 0, UNANSWERED: 0}
        for it in self.items:
            c[it.status] += 1
        c["left_empty"] = sum(1 for it in self.items if it.status == UNANSWERED and not it.kept)
        c["already_filled"] = c[UNANSWERED] - c["left_empty"]
        return c

    def report(self) -> dict[str, Any]:
        return {
            "input": str(self.input),
            "output": str(self.output),
            "format": self.kind,
            "source": self.source,
            "summary": self.counts(),
            "items": [it.to_dict() for it in self.items],
        }




def _yes_no_value(answer) -> str | None:
    if answer.value in ("Yes", "No"):
        return answer.value
    if answer.status == "not_applicable":
        return "N/A"
    return None


def _text_with_value(value: str, text: str) -> str:
    t = (text or "").strip()
    if not t:
        return value
    if t.lower().startswith(value.lower()):
        return t
    return f"{value}. {t}"


def plan_answer(q, answer) -> tuple[str | None, str | None, str | None]:
    """(answer cell text, comment cell text, note) for one detected question and its Answer."""
    from questionnaire.documents.excel import pick_option

    has_comment = q.comment_col is not None and q.comment_writable
    text = (answer.text or "").strip()
    if answer.kind == "yes_no":
        value = _yes_no_value(answer)
        if value is None:
            return None, None, "the standard answer has no yes/no value"
        choice = pick_option(value, q.options)
        if choice is None:
            return None, None, f"the cell's dropdown has no single option for {value!r} ({', '.join(q.options or [])})"
        if has_comment:
            return choice, text or None, None
        if q.options:
            return choice, None, "no comment column; only the dropdown value was written"
        return _text_with_value(choice, text), None, None
    if q.options:
        if has_comment and text:
            return None, text, "text answer written to the comment column; the dropdown needs a person"
        return None, None, "the answer cell only accepts dropdown values; a text answer does not fit"
    return text or None, None, None


def _load_matcher(matcher, wb=None):
    if matcher is not None:
        return matcher
    from questionnaire.catalog import load_catalog
    from questionnaire.matching import Matcher

    version = None
    if wb is not None:  # a known questionnaire version (CAIQ A1, AI-CAIQ JSON blob, HECVAT tabs) enables id matching
        from questionnaire.mapping import detect_workbook_version

        version = detect_workbook_version(wb)
    return Matcher(load_catalog(), detected_version=version)


def _load_answers(answers, profile, findings, source) -> dict[str, Any]:
    if answers is None:
        from questionnaire.answers import build_answers

        answers = build_answers(profile, findings, source=source)
    return {a.id: a for a in answers}


def fill(
    input_path: Path,
    output_path: Path,
    *,
    profile=None,
    findings=None,
    source: str = "bundle",
    overrides=None,
    report_path: Path | None = None,
    matcher=None,
    answers: Iterable | None = None,
) -> FillResult:
    input_path = Path(input_path)
    output_path = Path(output_path)
    kind = safety.check_input(input_path)
    safety.check_output_path(input_path, output_path)
    if report_path is not None:
        _check_report_path(input_path, output_path, Path(report_path))
    # find the questions first: a file problem is reported before the catalog and answers are built
    if kind in ("xlsx", "xlsm"):
        from questionnaire.documents import excel

        wb = excel.Workbook(input_path)
        try:
            questions = excel.detect_questions(wb, overrides)
        except BaseException:
            wb.close()
            raise
        doc = None
    else:
        from questionnaire.documents import word

        doc = word.open_document(input_path)
        questions = word.detect_questions(doc, input_path)
    if doc is None:
        try:
            matcher = _load_matcher(matcher, wb)
            by_id = _load_answers(answers, profile, findings, source)
            items = _fill_excel(input_path, output_path, wb, questions, matcher, by_id, source)
        finally:
            wb.close()
    else:
        matcher = _load_matcher(matcher)
        by_id = _load_answers(answers, profile, findings, source)
        items = _fill_word(input_path, output_path, doc, questions, matcher, by_id, source)
    result = FillResult(input_path, output_path, kind, source, items)
    if report_path is not None:
        from questionnaire import review_report

        review_report.write(Path(report_path), result.report(), findings)  # .json, .xlsx or .html
    return result


def _check_report_path(input_path: Path, output_path: Path, report_path: Path) -> None:
    for other, what in ((input_path, "the input"), (output_path, "the output")):
        if os.path.abspath(other) == os.path.abspath(report_path) or (
            report_path.exists() and other.exists() and os.path.samefile(other, report_path)
        ):
            raise OutputError(f"{report_path}: the report must not overwrite {what}; choose another --report path")
    if not report_path.parent.exists():
        raise OutputError(f"{report_path.parent}: folder does not exist; create it first")


def _decide(q, matcher, by_id, source) -> tuple[FillItem, str | None, str | None]:
    """The report item for a question plus (answer text, comment text) to write, if any."""
    item = FillItem(location=q.location, question=q.text, status=UNANSWERED, question_id=q.question_id)
    if q.existing not in (None, ""):
        item.note = f"{KEPT_NOTE}; left unchanged"
        return item, None, None
    if not q.writable:
        item.note = q.note
        return item, None, None
    if _takes_context(type(matcher)):
        # the section title, else the sheet name ("AI"), tells the matcher when a question sits in an AI context
        m = matcher.match(q.text, q.question_id, context=q.section or getattr(q, "sheet", None))
    else:
        m = matcher.match(q.text, q.question_id)
    item.confidence = float(m.confidence or 0.0)
    if m.catalog_id is None:
        item.note = f"no standard answer ({m.reason})" if m.reason else "no standard answer"
        return item, None, None
    answer = by_id.get(m.catalog_id)
    item.catalog_id = m.catalog_id
    if answer is None:
        item.note = f"matched {m.catalog_id} but the answer set has no such entry"
        return item, None, None
    if hasattr(answer, "as_polarity"):  # a question asking the negation of the entry's asserts: Yes/No flipped
        answer = answer.as_polarity(getattr(m, "polarity", "same"))
    text, comment, note = plan_answer(q, answer)
    item.evidence = list(getattr(answer, "evidence", []) or [])
    item.note = note
    if getattr(answer, "kind", None) == "yes_no" and getattr(answer, "asserts", None):
        item.asserts, item.polarity = answer.asserts, getattr(answer, "polarity", "same")
        item.value = _yes_no_value(answer) if text is not None else None
        if item.polarity == "inverse":
            item.note = "; ".join(x for x in (note, f"the question asks the negation of: {answer.asserts}") if x)
    if text is None and comment is None:
        return item, None, None
    text = safety.clean_text(text, where=q.location) if text is not None else None
    comment = safety.clean_text(comment, where=q.location) if comment else None
    review = text is None or (
        bool(getattr(answer, "needs_review", False))
        or source == "profile"
        or getattr(answer, "status", "") in ("contradicted", "declared")
        or item.confidence < REVIEW_BELOW_CONFIDENCE
    )
    item.status = NEEDS_REVIEW if review else ANSWERED
    item.source = "verified" if getattr(answer, "status", "") == "verified" and source != "profile" else "declared"
    item.answer = text
    item.comment = comment
    return item, text, comment


@functools.lru_cache(maxsize=None)
def _takes_context(matcher_type) -> bool:
    import inspect

    try:
        return "context" in inspect.signature(matcher_type.match).parameters
    except (TypeError, ValueError):
        return False


def _fill_excel(input_path, output_path, wb, questions, matcher, by_id, source) -> list[FillItem]:
    from questionnaire.documents import excel

    items: list[FillItem] = []
    writes: list[excel.CellWrite] = []
    for q in questions:
        item, text, comment = _decide(q, matcher, by_id, source)
        if text is not None:
            writes.append(excel.CellWrite(q.sheet, q.answer_ref, text, wrap=len(text) > WRAP_LONGER_THAN or "\n" in text))
        if (text is not None or comment is not None):
            if comment is not None and q.comment_ref:
                writes.append(excel.CellWrite(q.sheet, q.comment_ref, comment, wrap=True))
                item.comment_location = f"{excel.quote_sheet(q.sheet)}!{q.comment_ref}"
        items.append(item)
    safety.safe_write(
        input_path,
        output_path,
        lambda tmp: excel.write_cells(input_path, tmp, writes, workbook=wb),
        lambda tmp: excel.verify_cells(tmp, writes),
    )
    return items


def _fill_word(input_path, output_path, doc, questions, matcher, by_id, source) -> list[FillItem]:
    from questionnaire.documents import word

    items: list[FillItem] = []
    written: list[tuple[Any, str, str | None]] = []
    for q in questions:
        item, text, comment = _decide(q, matcher, by_id, source)
        if text is not None or comment is not None:
            word.write_answer(doc, q, text, comment)
            written.append((q, text, comment if q.comment_col is not None else None))
            if comment is not None and q.comment_col is not None:
                item.comment_location = f"{q.location}, column {q.comment_col + 1}"
            elif comment is not None:
                item.comment = None
        items.append(item)

    def verify(tmp: Path) -> None:
        check = word.open_document(tmp)
        for q, text, comment in written:
            if text is not None and text not in word.read_answer(check, q):
                raise OutputError(f"written file check failed at {q.location}; nothing was written")
            if comment and comment not in word.read_answer(check, q, q.comment_col):
                raise OutputError(f"written file check failed at {q.location} (comment); nothing was written")

    safety.safe_write(input_path, output_path, lambda tmp: doc.save(str(tmp)), verify)
    return items
