"""The answer catalog: `templates/catalog.yaml` (+ `templates/phrasings.yaml`).

One entry per standard question. The catalog is data; this module loads it,
merges the real-world phrasings (owned by matching) and validates every entry
so that a broken catalog fails loudly with a one-line message naming the entry.

Validating compiles every template; the validated entries and the compiled templates are kept
in the user cache (``knowledge_cache``) under the hash of both files and of the code, so a
later run with the same catalog reads them back instead of parsing, validating and compiling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from questionnaire.errors import InputFileError

KINDS = ("yes_no", "text")
YES_NO = ("Yes", "No")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_ALLOWED_KEYS = {"id", "topic", "question", "asserts", "kind", "profile_fields", "checks", "requires", "template", "value",
                 "per_deployment",
                 "claim", "applies"}


@dataclass(frozen=True)
class CatalogEntry:
    """One standard question and how to answer it.

    ``value`` (yes_no only) is a Jinja expression over the answer facts that is
    true for "Yes"; ``claim`` is the value that asserts a control or a
    reassuring fact (e.g. "No" for "is customer data used for training?"), or
    None; ``applies`` is an optional expression, false = not applicable.
    """

    id: str
    topic: str
    question: str
    kind: str
    profile_fields: tuple[str, ...]
    checks: tuple[str, ...]
    template: str
    value: str | None = None
    claim: str | None = None
    applies: str | None = None
    phrasings: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    asserts: str | None = None  # yes_no: the proposition "Yes" is the truth of
    requires: tuple[str, ...] = ()  # checks the claim presupposes (all must PASS to verify it)
    # "customer" (catalog: true): a claim about every deployment that handles customer data; "all": about every
    # deployment. Verified only when a cited check covers each one; answers also carry a status per deployment.
    per_deployment: str = ""
    # matching rules from phrasings.yaml (see its header)
    inverse_phrasings: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    generic: bool = False

    @property
    def all_checks(self) -> tuple[str, ...]:
        """``checks`` then ``requires``: every check whose FAIL contradicts the answer."""
        return self.checks + tuple(c for c in self.requires if c not in self.checks)


def _field_exists(dotted: str) -> bool:
    """Does ``deployments[].aws.models`` name a field of the Profile model?"""
    from pydantic import BaseModel

    from questionnaire.profile import Profile, inner_model

    model: Any = Profile
    for part in dotted.split("."):
        name = part[:-2] if part.endswith("[]") else part
        if model is None or not (isinstance(model, type) and issubclass(model, BaseModel)):
            return False
        f = model.model_fields.get(name)
        if f is None:
            return False
        model = inner_model(f.annotation)
    return True


def _load_yaml(path: Path, text: str | None = None) -> Any:
    import yaml

    from questionnaire.knowledge_cache import yaml_load

    try:
        return yaml_load(path.read_text(encoding="utf-8") if text is None else text)
    except OSError as e:
        raise InputFileError(f"{path}: cannot read: {e.strerror}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise InputFileError(f"{path}{where}: not valid YAML: {getattr(e, 'problem', None) or e}") from None


def _phrasings(path: Path, text: str | None = None) -> dict[str, dict[str, Any]]:
    """id -> {"phrasings": [...], "keywords": [...], ...}; tolerant of the two obvious shapes."""
    if text is None and not path.is_file():
        return {}
    data = _load_yaml(path, text)
    if data is None:
        return {}
    if isinstance(data, dict):
        for key in ("phrasings", "entries"):
            if isinstance(data.get(key), (dict, list)):
                data = data[key]
                break
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k != "version"}
    out: dict[str, dict[str, Any]] = {}
    if isinstance(data, dict):
        items = [({"id": k, **v} if isinstance(v, dict) else {"id": k, "phrasings": v}) for k, v in data.items()]
    elif isinstance(data, list):
        items = data
    else:
        raise InputFileError(f"{path}: expected a mapping of catalog id -> phrasings")
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise InputFileError(f"{path}: every item needs an 'id'")
        out[item["id"]] = item
    return out


_RULE_KEYS = {"id", "phrasings", "inverse_phrasings", "keywords", "unless", "allow", "generic"}


def known_check_ids() -> frozenset[str]:
    """The check ids of ``questionnaire.checks.REGISTRY`` (the one list; no boto3 import)."""
    from questionnaire.checks import REGISTRY

    return frozenset(REGISTRY)


def parse_catalog(data: Any, source: str = "catalog.yaml", phrasings: dict[str, dict[str, Any]] | None = None) -> list[CatalogEntry]:
    """Validate catalog data; raise InputFileError naming the first bad entry."""
    from questionnaire.rendering import add_code

    entries, codes = _parse_catalog(data, source, phrasings)
    add_code(codes)
    return entries


def _parse_catalog(data: Any, source: str, phrasings: dict[str, dict[str, Any]] | None) -> tuple[list[CatalogEntry], dict]:
    """(entries, compiled templates: (kind, source) -> code) of valid catalog data."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise InputFileError(f"{source}: expected a mapping with an 'entries' list")
    phrasings = phrasings or {}
    known = known_check_ids()
    entries: list[CatalogEntry] = []
    codes: dict[tuple[str, str], Any] = {}
    seen: set[str] = set()
    for i, raw in enumerate(data["entries"]):
        where = f"{source}: entry {i + 1}"
        if not isinstance(raw, dict):
            raise InputFileError(f"{where}: expected a mapping")
        eid = raw.get("id")
        if not isinstance(eid, str) or not _ID_RE.match(eid):
            raise InputFileError(f"{where}: 'id' must look like topic.name (got {eid!r})")
        where = f"{source}: {eid}"
        if eid in seen:
            raise InputFileError(f"{where}: duplicate id")
        seen.add(eid)
        entries.append(_parse_entry(raw, where, known, phrasings.get(eid, {}), codes))
    return entries, codes


def _id_list(raw: dict[str, Any], key: str, where: str, known: frozenset[str]) -> list[str]:
    ids = raw.get(key) or []
    if not isinstance(ids, list) or not all(isinstance(c, str) for c in ids):
        raise InputFileError(f"{where}: '{key}' must be a list of check ids")
    for c in ids:
        if c not in known:
            raise InputFileError(f"{where}: unknown check id '{c}' (not in questionnaire.checks.REGISTRY)")
    return ids


def _check_shape(raw: dict[str, Any], where: str) -> str:
    unknown = set(raw) - _ALLOWED_KEYS
    if unknown:
        raise InputFileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("topic", "question", "kind", "template"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise InputFileError(f"{where}: '{key}' is required and must be text")
    kind = raw["kind"]
    if kind not in KINDS:
        raise InputFileError(f"{where}: kind must be one of {', '.join(KINDS)} (got {kind!r})")
    fields = raw.get("profile_fields")
    if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
        raise InputFileError(f"{where}: 'profile_fields' must be a non-empty list of dotted paths")
    for f in fields:
        if not _field_exists(f):
            raise InputFileError(f"{where}: profile field '{f}' does not exist in the profile schema")
    asserts, value, claim = raw.get("asserts"), raw.get("value"), raw.get("claim")
    if kind == "yes_no":
        if not isinstance(asserts, str) or not asserts.strip():
            raise InputFileError(f"{where}: yes_no entries need 'asserts' (the proposition Yes is the truth of)")
        if not isinstance(value, str) or not value.strip():
            raise InputFileError(f"{where}: yes_no entries need a 'value' expression (true = Yes)")
        if claim is not None and claim not in YES_NO:
            raise InputFileError(f"{where}: 'claim' must be Yes, No or null (got {claim!r})")
    elif asserts is not None or value is not None or claim is not None:
        raise InputFileError(f"{where}: 'asserts', 'value' and 'claim' are only for yes_no entries")
    if raw.get("applies") is not None and not isinstance(raw["applies"], str):
        raise InputFileError(f"{where}: 'applies' must be an expression")
    return kind


def _check_templates(raw: dict[str, Any], where: str, codes: dict[tuple[str, str], Any]) -> None:
    """Compile the entry's template and expressions into ``codes`` (a syntax error names the entry)."""
    from jinja2 import TemplateSyntaxError

    from questionnaire.rendering import EXPRESSION, TEMPLATE, expression_code, template_code

    try:
        codes[(TEMPLATE, raw["template"])] = template_code(raw["template"])
        for expr in (raw.get("value"), raw.get("applies")):
            if expr:
                codes[(EXPRESSION, expr)] = expression_code(expr)
    except TemplateSyntaxError as e:
        raise InputFileError(f"{where}: template syntax error: {e.message}") from None


def _rules(ph: dict[str, Any], where: str) -> dict[str, Any]:
    """The typed matching rules of one entry from phrasings.yaml."""
    unknown = set(ph) - _RULE_KEYS
    if unknown:
        raise InputFileError(f"{where}: phrasings.yaml: unknown key(s) {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for key in ("phrasings", "inverse_phrasings", "keywords", "unless", "allow"):
        items = ph.get(key) or []
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            raise InputFileError(f"{where}: phrasings.yaml: '{key}' must be a list of text")
        out[key] = tuple(items)
    out["generic"] = bool(ph.get("generic", False))
    return out


def _parse_entry(raw: dict[str, Any], where: str, known: frozenset[str], ph: dict[str, Any],
                 codes: dict[tuple[str, str], Any]) -> CatalogEntry:
    kind = _check_shape(raw, where)
    checks = _id_list(raw, "checks", where, known)
    requires = _id_list(raw, "requires", where, known)
    _check_templates(raw, where, codes)
    asserts = raw.get("asserts")
    return CatalogEntry(
        id=raw["id"],
        topic=raw["topic"],
        question=" ".join(raw["question"].split()),
        kind=kind,
        profile_fields=tuple(raw["profile_fields"]),
        checks=tuple(checks),
        template=raw["template"],
        value=raw.get("value"),
        claim=raw.get("claim"),
        applies=raw.get("applies"),
        asserts=" ".join(asserts.split()) if asserts else None,
        requires=tuple(requires),
        per_deployment=_per_deployment(raw.get("per_deployment"), where),
        **_rules(ph, where),
    )


def _per_deployment(value: Any, where: str) -> str:
    if value in (None, False):
        return ""
    if value is True or value == "customer":
        return "customer"
    if value == "all":
        return "all"
    raise InputFileError(f"{where}: per_deployment must be true, 'customer' or 'all', not {value!r}")


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


_FIELDS = tuple(f.name for f in fields(CatalogEntry))


@lru_cache(maxsize=8)
def _load_cached(catalog_path: str, phrasings_path: str, _stamps: Any = None) -> tuple[CatalogEntry, ...]:
    from questionnaire import knowledge_cache as kc
    from questionnaire.rendering import add_code

    path, ph_path = Path(catalog_path), Path(phrasings_path)
    raw = kc.read_bytes(path)
    ph_raw = kc.read_bytes(ph_path) if ph_path.is_file() else None
    k = kc.key("catalog", raw, b"-" if ph_raw is None else b"+" + ph_raw)
    hit = kc.load("catalog", k)
    if hit is not None:
        rows, codes = hit
        add_code({(kind, src): code for kind, src, code in codes})
        return tuple(CatalogEntry(**dict(zip(_FIELDS, row))) for row in rows)
    text = _decode(path, raw)
    phrasings = _phrasings(ph_path, _decode(ph_path, ph_raw)) if ph_raw is not None else {}
    entries, codes = _parse_catalog(_load_yaml(path, text), path.name, phrasings)
    add_code(codes)
    kc.store("catalog", k, ([tuple(getattr(e, f) for f in _FIELDS) for e in entries],
                            [(kind, src, code) for (kind, src), code in codes.items()]))
    return tuple(entries)


def _decode(path: Path, raw: bytes) -> str:
    """The text ``path.read_text(encoding="utf-8")`` gives (universal newlines)."""
    try:
        return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        raise InputFileError(f"{path}: not UTF-8 text") from None


def load_catalog(templates: str | Path | None = None) -> list[CatalogEntry]:
    """All catalog entries, phrasings merged from phrasings.yaml when present."""
    from questionnaire.resources import templates_dir

    base = Path(templates) if templates else templates_dir()
    cat, ph = base / "catalog.yaml", base / "phrasings.yaml"
    return list(_load_cached(str(cat), str(ph), (_stamp(cat), _stamp(ph))))


def entry_by_id(entry_id: str) -> CatalogEntry:
    for e in load_catalog():
        if e.id == entry_id:
            return e
    raise KeyError(entry_id)
