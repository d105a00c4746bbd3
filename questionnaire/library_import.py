"""`library import`: questionnaires the company already answered -> library entries.

Each file is read with the same layout detection as `fill` (``documents.formats``:
``questions()`` with each question's ``existing`` answer and, where the layout has a comment /
explanation column, its ``existing_comment``). An answered question becomes an entry
(unapproved unless ``approved_by``) whose ``comment`` is that explanation (the text `fill`
writes beside the entry's Yes/No), merged into the library:

- same question (``library.question_key``) and the same answer: one entry, one more source (an
  explanation the entry lacks is taken; a credited import over an entry already in the library
  replaces it, like an answer);
- a reworded question (similarity >= MERGE_SCORE to an entry, same polarity, same answer):
  one entry, the wording added to its ``phrasings``;
- same question, another answer: a conflict, recorded on the entry (``conflicts``) and
  reported, never settled by picking one; except that an import credited to a person
  (``approved_by``) over an entry already in the library is a correction: it replaces
  the answer (the loop fill -> correct by hand -> import back) and is reported as updated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from questionnaire.library import Conflict, Entry, Library, Source, entry_id, question_key, yes_no

MERGE_SCORE = 0.9


@dataclass
class ImportReport:
    files: list[str] = field(default_factory=list)
    questions: int = 0  # found by layout detection
    answered: int = 0  # with an answer in the file
    new: int = 0
    same: int = 0  # same question, same answer: merged into one entry
    phrasings: int = 0  # reworded question merged as a phrasing
    updated: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def _same_answer(a: str, b: str) -> bool:
    va, vb = yes_no(a), yes_no(b)
    if va or vb:
        return va == vb
    return " ".join(a.split()).lower() == " ".join(b.split()).lower()


def _clean_answer(text: str) -> str:
    return yes_no(text) or str(text).strip()


Item = tuple[str, str, "str | None", Source]  # (question, answer, explanation or None, where)


def read_answered(path: Path) -> tuple[int, list[tuple[str, str, Source]]]:
    """(questions found, [(question, answer, source)] for the answered ones) of one filled file."""
    found, items = read_filled(path)
    return found, [(q, a, src) for q, a, _comment, src in items]


def read_filled(path: Path) -> tuple[int, list[Item]]:
    """(questions found, [(question, answer, explanation, source)] for the answered ones) of one filled
    file; the explanation is the comment cell's text, None when the layout has no comment column or the
    cell is empty."""
    from questionnaire.documents import safety
    from questionnaire.documents.formats import open_questionnaire

    path = Path(path)
    kind = safety.check_input(path)
    out = []
    with open_questionnaire(path, kind) as qfile:
        questions = qfile.questions()
    for q in questions:
        if q.existing in (None, "") or not str(q.existing).strip() or not q.text.strip():
            continue
        src = Source(file=path.name, sheet=q.container, cell=q.location, question_id=q.question_id)
        comment = str(q.existing_comment).strip() if q.existing_comment not in (None, "") else None
        out.append((" ".join(q.text.split()), _clean_answer(str(q.existing)), comment or None, src))
    return len(questions), out


class _Merger:
    def __init__(self, lib: Library, approved_by: str | None, today: dt.date):
        self.lib = lib
        self.approved_by = approved_by
        self.today = today
        self.report = ImportReport()
        self.by_key: dict[str, Entry] = {}
        for e in lib.entries:
            for t in [e.question, *e.phrasings]:
                self.by_key.setdefault(question_key(t), e)
        self.preexisting = {e.id for e in lib.entries}
        self.ids = {e.id for e in lib.entries}

    def _approve(self, e: Entry) -> None:
        if self.approved_by and not e.approved_by:
            e.approved_by, e.approved_on = self.approved_by, self.today

    def _add_source(self, e: Entry, src: Source) -> None:
        if src not in e.sources:
            e.sources.append(src)

    def _conflict(self, e: Entry, answer: str, src: Source) -> None:
        if not any(_same_answer(c.answer, answer) for c in e.conflicts):
            e.conflicts.append(Conflict(answer=answer, source=src))
        self.report.conflicts.append(f"{e.id}: {e.answer[:40]!r} ({_where(e.sources)}) vs {answer[:40]!r} "
                                     f"({src.file} {src.cell}): {e.question[:70]!r}")

    def _explain(self, e: Entry, comment: str | None, correction: bool = False) -> None:
        """Take the file's explanation when the entry has none (or when a person corrects the entry)."""
        if comment and (not e.comment or correction):
            e.comment = comment

    def add_file(self, items: list[Item]) -> None:
        from questionnaire.library_match import LibraryMatcher

        similar = LibraryMatcher(self.lib) if self.lib.entries else None
        for question, answer, comment, src in items:
            e = self.by_key.get(question_key(question))
            if e is not None:
                self._merge_same(e, answer, comment, src)
                continue
            hit = similar.match(question) if similar is not None else None
            if hit is not None and hit.entry is not None and hit.polarity == "same" \
                    and hit.confidence >= MERGE_SCORE and _same_answer(hit.entry.answer, answer):
                e = self.by_key.get(question_key(hit.entry.question)) or hit.entry
                e.phrasings.append(question)
                self.by_key[question_key(question)] = e
                self._add_source(e, src)
                self._explain(e, comment)
                self._approve(e)
                self.report.phrasings += 1
                continue
            self._new(question, answer, comment, src)

    def _merge_same(self, e: Entry, answer: str, comment: str | None, src: Source) -> None:
        correction = bool(self.approved_by) and e.id in self.preexisting and src.file not in {s.file for s in e.sources}
        if _same_answer(e.answer, answer):
            self._add_source(e, src)
            self._explain(e, comment, correction)
            self._approve(e)
            self.report.same += 1
        elif correction:
            self.report.updated.append(f"{e.id}: {e.answer[:40]!r} -> {answer[:40]!r} by {self.approved_by}")
            e.answer, e.approved_by, e.approved_on = answer, self.approved_by, self.today
            e.conflicts = []
            self._explain(e, comment, correction)
            self._add_source(e, src)
            self.preexisting.discard(e.id)  # a second answer in this run is a conflict again
        else:
            self._conflict(e, answer, src)

    def _new(self, question: str, answer: str, comment: str | None, src: Source) -> None:
        eid = entry_id(question)
        n = 2
        while eid in self.ids:
            eid, n = f"{entry_id(question)}-{n}", n + 1
        e = Entry(id=eid, question=question, answer=answer, comment=comment, sources=[src])
        self._approve(e)
        self.ids.add(eid)
        self.lib.entries.append(e)
        self.by_key[question_key(question)] = e
        self.report.new += 1


def _where(sources: list[Source]) -> str:
    return f"{sources[0].file} {sources[0].cell}" if sources else "library"


def import_files(paths: list[Path], library: Library | None = None, *, approved_by: str | None = None,
                 today: dt.date | None = None) -> tuple[Library, ImportReport]:
    """Merge every answered question of ``paths`` into ``library`` (a new one when None)."""
    lib = library.model_copy(deep=True) if library is not None else Library()
    m = _Merger(lib, approved_by, today or dt.date.today())
    for p in paths:
        found, items = read_filled(Path(p))
        m.report.files.append(str(p))
        m.report.questions += found
        m.report.answered += len(items)
        m.add_file(items)
    return lib, m.report
