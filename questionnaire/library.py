"""The company's answer library (`library.yaml`): answers people approved, reused by `fill`.

A top-level ``entries:`` list; each entry has at least ``id``, ``question`` and ``answer``
(``Yes`` / ``No`` / ``N/A`` or a text). Validated like the profile: every problem is a
``FILE:LINE: path: message`` (the profile's YAML line map, ``profile._Yaml``); a key given
twice in one mapping is an error. Verified facts (the catalog) always win over the library:
see ``library_match`` and ``fill``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from questionnaire.errors import ProfileInvalid, UserInputError
from questionnaire.textnorm import question_key  # noqa: F401  (library.question_key: where it always was)

from questionnaire.library_entry import MAX_LIBRARY_BYTES, YES_NO, cache_key, yes_no  # noqa: F401  (library.yes_no etc.)
from questionnaire import library_entry as _rules


class LibraryInvalid(ProfileInvalid):
    """library.yaml has validation problems (same FILE:LINE output as a profile)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    file: str
    sheet: Optional[str] = None  # sheet (xlsx) or table (docx)
    cell: Optional[str] = None  # the location as the review report shows it
    question_id: Optional[str] = None


class Conflict(_Strict):
    answer: str
    source: Optional[Source] = None


class Entry(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    comment: Optional[str] = None  # explanation written beside a Yes/No
    phrasings: list[str] = Field(default_factory=list)
    topic: Optional[str] = None
    tags: list[str] = Field(default_factory=list)
    owner: Optional[str] = None
    approved_by: Optional[str] = None
    approved_on: Optional[dt.date] = None
    review_after: Optional[dt.date] = None
    sources: list[Source] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)  # other answers seen for this question

    @property
    def value(self) -> str | None:
        """Yes / No / N/A when the answer is one of those, else None (a text answer)."""
        return yes_no(self.answer)

    def is_stale(self, today: dt.date | None = None) -> bool:
        return _rules.is_stale(self, today)

    def usable(self, today: dt.date | None = None) -> tuple[bool, str | None]:
        """(may be written as answered, why not)."""
        return _rules.usable(self, today)


class Library(_Strict):
    version: int = 1
    entries: list[Entry] = Field(default_factory=list)


def json_schema() -> dict[str, Any]:
    schema = Library.model_json_schema()
    schema["title"] = "questionnaire answer library (library.yaml)"
    return schema


def entry_id(question: str) -> str:
    return "lib-" + hashlib.sha1(question_key(question).encode("utf-8")).hexdigest()[:10]


# --------------------------------------------------------------------------- loading


def _duplicate_keys(node: Any, doc: Any, loc: tuple = ()) -> list:
    """A key given twice in one mapping (YAML keeps the last one silently): one Problem each."""
    import yaml

    from questionnaire.profile import Problem, _fmt_path

    out = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k, v in node.value:
            key = str(k.value)
            if key in seen:
                out.append(Problem(doc.filename, k.start_mark.line + 1, _fmt_path(loc + (key,)),
                                   "duplicate key; each key may appear once"))
            seen.add(key)
            out += _duplicate_keys(v, doc, loc + (key,))
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out += _duplicate_keys(v, doc, loc + (i,))
    return out


def _model_problems(data: Any, doc: Any) -> list:
    from questionnaire.profile import Problem, _fmt_path

    try:
        Library.model_validate(data)
        return []
    except ValidationError as e:
        errors = e.errors(include_url=False)
    out = []
    for err in errors:
        loc = tuple(err["loc"])
        msg = {"extra_forbidden": "unknown key", "missing": "required key is missing"}.get(err["type"], err["msg"])
        line = doc.line(loc[:-1] if err["type"] == "missing" else loc)
        out.append(Problem(doc.filename, line, _fmt_path(loc), msg))
    return out


def _semantic_problems(data: dict, doc: Any) -> list:
    from questionnaire.profile import Problem

    out = []
    ids: dict[str, int] = {}
    for i, e in enumerate(data.get("entries") or []):
        if not isinstance(e, dict):
            continue
        eid = str(e.get("id", ""))
        if eid in ids:
            out.append(Problem(doc.filename, doc.line(("entries", i, "id")), f"entries[{i}].id",
                               f"id {eid!r} is also used by entries[{ids[eid]}]; ids must be unique"))
        ids.setdefault(eid, i)
    return out


def _fast(text: str) -> Library | None:
    """A valid library parsed with libyaml (fast for thousands of entries), or None when anything is off
    (no libyaml, a syntax error, an alias or merge key, a duplicate key or id, a schema problem): then the
    line-numbered path below reports the problems."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    try:
        root = yaml.compose(text, Loader=loader)
        stack, seen = [root], set()
        while stack:
            n = stack.pop()
            if id(n) in seen:
                return None  # an alias: the guarded reader counts what it expands to
            seen.add(id(n))
            if isinstance(n, yaml.MappingNode):
                keys = [str(k.value) for k, _v in n.value]
                if len(set(keys)) != len(keys) or "<<" in keys:
                    return None
                stack += [x for kv in n.value for x in kv]
            elif isinstance(n, yaml.SequenceNode):
                stack += n.value
        lib = Library.model_validate(yaml.load(text, Loader=loader))
    except (yaml.YAMLError, ValidationError, TypeError, ValueError):
        return None
    return lib if len({e.id for e in lib.entries}) == len(lib.entries) else None


def check_library(path: str | Path) -> tuple[Library | None, list]:
    """(library or None, problems). Raises UserInputError only when the file cannot be opened."""
    from questionnaire.profile import Problem, _FileProblem, _Yaml

    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise UserInputError(f"{path}: file not found" if not path.exists() else f"{path}: not a file")
    if path.stat().st_size > MAX_LIBRARY_BYTES:
        return None, [Problem(name, 1, "", "file is larger than 20 MB; split the library")]
    from questionnaire import knowledge_cache as kc

    try:
        raw = path.read_bytes()
        k = cache_key(raw)
        known = kc.load("library", k)  # this content validated by an earlier run: its entries as data
        if isinstance(known, dict):
            return Library.model_validate(known), []
        text = raw.decode("utf-8-sig")
        lib = _fast(text)
        if lib is not None:
            kc.store("library", k, lib.model_dump(mode="json"))
            return lib, []
        doc = _Yaml(text, name)
    except UnicodeDecodeError:
        return None, [Problem(name, 1, "", "not UTF-8 text; save library.yaml as UTF-8")]
    except _FileProblem as fp:
        return None, [Problem(name, fp.line, "", fp.message)]
    if not isinstance(doc.data, dict):
        return None, [Problem(name, 1, "", "expected a mapping with an `entries:` list at the top level")]
    problems = _duplicate_keys(doc.root, doc) + _model_problems(doc.data, doc) + _semantic_problems(doc.data, doc)
    problems.sort(key=lambda p: (p.line, p.path))
    if problems:
        return None, problems
    lib = Library.model_validate(doc.data)
    kc.store("library", k, lib.model_dump(mode="json"))
    return lib, []


def load_library(path: str | Path) -> Library:
    lib, problems = check_library(path)
    if lib is None:
        raise LibraryInvalid(problems)
    return lib


def dump_text(lib: Library) -> str:
    import yaml

    data = lib.model_dump(mode="json", exclude_defaults=True)
    data = {"version": lib.version, **data}
    return ("# answer library: see README (library import / check / fill --library)\n"
            + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))


def save_library(lib: Library, out: Path, inputs: tuple[Path, ...] = ()) -> Path:
    """Atomic write (temp file beside ``out``, then replace); never onto one of ``inputs``."""
    from questionnaire.documents.export import write_atomic

    text = dump_text(lib)
    return write_atomic(Path(out), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"), tuple(inputs))


# --------------------------------------------------------------------------- check


@dataclass(frozen=True)
class Issue:
    kind: str  # duplicate | conflict | stale | unapproved | contradicts_profile
    entry_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.kind}: {self.message}"


def audit(lib: Library, *, profile=None, today: dt.date | None = None) -> list[Issue]:
    """Every problem of a valid library: duplicates, conflicts, stale, unapproved, and (with a
    profile) entries answering a proposition the catalog owns with another value."""
    out: list[Issue] = []
    seen: dict[str, str] = {}
    for e in lib.entries:
        for text in [e.question, *e.phrasings]:
            k = question_key(text)
            if k in seen and seen[k] != e.id:
                out.append(Issue("duplicate", e.id, f"same question as {seen[k]}: {text[:80]!r}"))
            seen.setdefault(k, e.id)
        if e.conflicts:
            others = ", ".join(sorted({repr(c.answer[:40]) for c in e.conflicts}))
            out.append(Issue("conflict", e.id, f"answer {e.answer[:40]!r} but also {others}"))
        if e.is_stale(today):
            out.append(Issue("stale", e.id, f"past its review date {e.review_after}"))
        if not e.approved_by:
            out.append(Issue("unapproved", e.id, "no approved_by"))
    if profile is not None:
        out += _profile_contradictions(lib, profile)
    return out


def _profile_contradictions(lib: Library, profile) -> list[Issue]:
    """Entries the catalog matcher maps to one of its yes/no entries, with the other value."""
    from questionnaire.answers import build_answers
    from questionnaire.catalog import load_catalog
    from questionnaire.matching import Matcher

    matcher = Matcher(load_catalog())
    answers = {a.id: a for a in build_answers(profile, None, source="profile")}
    out = []
    for e in lib.entries:
        if e.value not in ("Yes", "No"):
            continue
        m = matcher.match(e.question)
        a = answers.get(m.catalog_id) if m.catalog_id else None
        if a is None or a.kind != "yes_no" or a.value not in ("Yes", "No"):
            continue
        truth = a.as_polarity(m.polarity).value
        if truth != e.value:
            out.append(Issue("contradicts_profile", e.id,
                             f"answers {e.value} but the profile's {a.id} ({a.asserts or a.question}) gives {truth}"))
    return out


def as_answers(lib: Library, today: dt.date | None = None) -> list:
    """The library as answers.Answer rows (`answers --library`): status declared (remembered, not
    verified); unapproved, stale or conflicting entries need review."""
    from questionnaire.answers import Answer

    out = []
    for e in lib.entries:
        ok, why = e.usable(today)
        v = e.value
        kind = "yes_no" if v else "text"
        status = "not_applicable" if v == "N/A" else "declared"
        text = e.answer if not v else (f"{v}. {e.comment}" if e.comment else v)
        if why:
            text = f"{text} [{why}]"
        out.append(Answer(e.id, e.topic or "library", e.question, kind, v if v != "N/A" else None, text, status,
                          not ok, asserts=e.question if v else None))
    return out
