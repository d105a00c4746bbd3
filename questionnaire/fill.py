"""`fill`: answer a customer's own questionnaire file in place, into a new file.

open the file as a `QuestionnaireFile` (documents/formats.py) -> its questions -> match each one
(matching.Matcher) -> the standard answer for the matched catalog id
(answers.build_answers) -> ``write(plan)`` and ``verify`` through
documents/safety.py -> review report.

Questions the matcher abstains on are left empty. Answers made from the profile
alone (``source="profile"``), from FAIL/UNKNOWN checks, or with a low match
confidence are written but flagged ``needs_review``.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from questionnaire.documents import safety
from questionnaire.errors import OutputError

REVIEW_BELOW_CONFIDENCE = 0.7

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
    library_id: str | None = None  # source library: the library.yaml entry written
    approved_by: str | None = None  # source library: who approved that entry (None: unapproved)

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
        if self.library_id is not None:
            d.update(library_id=self.library_id, approved_by=self.approved_by)
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
    detection: list[dict[str, Any]] = field(default_factory=list)  # per sheet / table: found, layout, skipped

    def counts(self) -> dict[str, int]:
        c = {"found": len(self.items), ANSWERED: 0, NEEDS_REVIEW: 0, UNANSWERED: 0}
        for it in self.items:
            c[it.status] += 1
        c["left_empty"] = sum(1 for it in self.items if it.status == UNANSWERED and not it.kept)
        c["already_filled"] = c[UNANSWERED] - c["left_empty"]
        return c

    def detection_lines(self, limit: int = 15) -> list[str]:
        """One line per sheet / table group: what was found, and what was skipped and why."""
        lines = []
        for d in self.detection[:limit]:
            line = f"  {d['where']}: {d['found']} found" + (f" ({d['layout']})" if d.get("layout") else "")
            lines.append(line + (f"; skipped: {d['skipped']}" if d.get("skipped") else ""))
        if len(self.detection) > limit:
            lines.append(f"  ... and {len(self.detection) - limit} more (see --report)")
        return lines

    def report(self) -> dict[str, Any]:
        return {
            "input": str(self.input),
            "output": str(self.output),
            "format": self.kind,
            "source": self.source,
            "summary": self.counts(),
            "detection": list(self.detection),
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
    from questionnaire.documents.vocab import pick_option

    has_comment = q.has_comment
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


def _load_matcher(matcher, wb=None, version: str | None = None):
    """The given matcher, else the catalog's, told the questionnaire version of `wb` (or `version`)."""
    if matcher is not None:
        return matcher
    from questionnaire.catalog import load_catalog
    from questionnaire.matching import Matcher

    if wb is not None:
        from questionnaire.mapping import detect_workbook_version

        version = detect_workbook_version(wb)
    # a known questionnaire version (CAIQ A1, AI-CAIQ JSON blob, HECVAT tabs) enables id matching;
    # text matches are remembered for the next run on this questionnaire (match_memo)
    return Matcher(load_catalog(), detected_version=version, remember=True)


def _load_answers(answers, profile, findings, source):
    """Catalog id -> Answer: the given answers, else the catalog's, each rendered when first matched."""
    if answers is None:
        from questionnaire.answers import AnswerSet

        return AnswerSet(profile, findings, source=source, remember=True)
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
    library=None,  # a library_match.LibraryMatcher: answers what the catalog does not
) -> FillResult:
    input_path = Path(input_path)
    output_path = Path(output_path)
    from questionnaire.documents.formats import open_questionnaire, refuse_unfillable

    refuse_unfillable(input_path)
    kind = safety.check_input(input_path)
    safety.check_output_path(input_path, output_path)
    if report_path is not None:
        _check_report_path(input_path, output_path, Path(report_path))
    # find the questions first: a file problem is reported before the catalog and answers are built
    with _no_cycle_collection(), open_questionnaire(input_path, kind, overrides) as qfile:
        from questionnaire.documents.remembered import questions as remembered_questions

        questions = remembered_questions(qfile, input_path, overrides)  # found by an earlier run on these bytes, or now
        matcher = _load_matcher(matcher, version=qfile.version() if matcher is None else None)
        by_id = _load_answers(answers, profile, findings, source)
        items, plan = _decide_all(questions, matcher, by_id, source, library)
        safety.safe_write(input_path, output_path, lambda tmp: qfile.write(plan, tmp), qfile.verify)
    for m in (matcher, library, by_id):
        if hasattr(m, "save_memo"):
            m.save_memo()
    result = FillResult(input_path, output_path, kind, source, items, [d.to_dict() for d in qfile.detections])
    if report_path is not None:
        from questionnaire import review_report

        review_report.write(Path(report_path), result.report(), findings)  # .json, .xlsx or .html
    return result


@contextmanager
def _no_cycle_collection():
    """No cyclic garbage collection while one file is filled: it makes little cyclic garbage, but the
    collector would scan the loaded knowledge and every parsed cell again and again (a third of the time
    on 5,000 questions). Collection is back on afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _check_report_path(input_path: Path, output_path: Path, report_path: Path) -> None:
    for other, what in ((input_path, "the input"), (output_path, "the output")):
        if os.path.abspath(other) == os.path.abspath(report_path) or (
            report_path.exists() and other.exists() and os.path.samefile(other, report_path)
        ):
            raise OutputError(f"{report_path}: the report must not overwrite {what}; choose another --report path")
    if not report_path.parent.exists():
        raise OutputError(f"{report_path.parent}: folder does not exist; create it first")


def _decide(q, matcher, by_id, source, library=None) -> tuple[FillItem, str | None, str | None]:
    """The report item for a question plus (answer text, comment text) to write, if any."""
    item = FillItem(location=q.location, question=q.text, status=UNANSWERED, question_id=q.question_id)
    if q.existing not in (None, ""):
        item.note = f"{KEPT_NOTE}; left unchanged"
        return item, None, None
    if not q.writable:
        item.note = q.note
        return item, None, None
    # the section title, else the sheet name ("AI"), tells the matcher when a question sits in an AI context
    m = matcher.match(q.text, q.question_id, context=q.section or q.container)
    item.confidence = float(m.confidence or 0.0)
    if m.catalog_id is None:
        item.note = f"no standard answer ({m.reason})" if m.reason else "no standard answer"
        if library is not None:
            return _from_library(q, item, library)
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
    if library is not None and item.value in ("Yes", "No"):
        hit = library.match(q.text, q.section or q.container)
        if hit.entry is not None and hit.value in ("Yes", "No") and hit.value != item.value:
            item.note = "; ".join(x for x in (item.note, f"conflict: library entry {hit.entry.id} says {hit.value}; "
                                              "the catalog answer was kept") if x)
    return item, text, comment


def _from_library(q, item: FillItem, library) -> tuple[FillItem, str | None, str | None]:
    """A question the catalog does not answer, from the answer library (library_match.LibraryMatcher)."""
    hit = library.match(q.text, q.section or q.container)
    if hit.entry is None:
        item.note += f"; no library answer ({hit.reason})"
        return item, None, None
    item.library_id, item.approved_by, item.confidence = hit.entry.id, hit.entry.approved_by, hit.confidence
    if not hit.usable and library.unapproved == "skip":
        item.note = f"left empty: {hit.why_not}"
        return item, None, None
    answer = hit.answer()
    text, comment, note = plan_answer(q, answer)
    if text is None and comment is None:
        item.note = note
        return item, None, None
    item.answer = safety.clean_text(text, where=q.location) if text is not None else None
    item.comment = safety.clean_text(comment, where=q.location) if comment else None
    item.status = ANSWERED if hit.usable and text is not None else NEEDS_REVIEW
    item.source = "library"
    if answer.kind == "yes_no":
        item.asserts, item.polarity, item.value = hit.entry.question, hit.polarity, hit.value
    item.note = "; ".join(x for x in (note, hit.reason, hit.why_not) if x)
    return item, item.answer, item.comment


def _decide_all(questions, matcher, by_id, source, library=None) -> tuple[list[FillItem], list]:
    """Report items for every question and the plan of answers to write."""
    from questionnaire.documents.question import Write

    items: list[FillItem] = []
    plan: list[Write] = []
    for q in questions:
        item, text, comment = _decide(q, matcher, by_id, source, library)
        if text is not None or comment is not None:
            plan.append(Write(q, text, comment))
            if comment is not None and q.comment_location:
                item.comment_location = q.comment_location
            else:
                item.comment = None
        items.append(item)
    return items, plan
