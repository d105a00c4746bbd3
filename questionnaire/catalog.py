"""The answer catalog: `templates/catalog.yaml` (+ `templates/phrasings.yaml`).

One entry per standard question. The catalog is data; this module loads it,
merges the real-world phrasings (owned by matching) and validates every entry
so that a broken catalog fails loudly with a one-line message naming the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from questionnaire.errors import InputFileError

KINDS = ("yes_no", "text")
YES_NO = ("Yes", "No")

# docs/INTERFACES.md, "Check ids (stable)". Kept here so the catalog validates
# without importing the checks package (which needs boto3).
KNOWN_CHECK_IDS = frozenset(
    {
        "identity.account_matches",
        "bedrock.models.available",
        "bedrock.invocation_logging.enabled",
        "bedrock.invocation_logging.only_declared_regions",
        "bedrock.cross_region_inference.matches_declaration",
        "cloudwatch.log_group.retention",
        "cloudwatch.log_group.kms_encrypted",
        "s3.log_bucket.encryption",
        "s3.log_bucket.integrity",
        "s3.log_bucket.public_access_blocked",
        "cloudtrail.trail.logging",
        "cloudtrail.trail.covers_region",
        "cloudtrail.trail.log_file_validation",
        "kms.key_rotation.enabled",
        "bedrock.guardrail.exists",
        "bedrock.guardrail.prompt_attack_filter",
        "bedrock.guardrail.pii_filter",
        "ec2.vpc_endpoint.bedrock_runtime",
        "iam.agent_role.least_privilege",
        "secretsmanager.secret.rotation",
        "declared.not_verifiable",
        "repo.secrets.not_in_files",
        "repo.secrets.excluded_from_agent_context",
    }
)

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_ALLOWED_KEYS = {"id", "topic", "question", "asserts", "kind", "profile_fields", "checks", "requires", "template", "value",
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
    extra: dict[str, Any] = field(default_factory=dict)  # anything else phrasings.yaml gives
    asserts: str | None = None  # yes_no: the proposition "Yes" is the truth of
    requires: tuple[str, ...] = ()  # checks the claim presupposes (all must PASS to verify it)

    @property
    def all_checks(self) -> tuple[str, ...]:
        """``checks`` then ``requires``: every check whose FAIL contradicts the answer."""
        return self.checks + tuple(c for c in self.requires if c not in self.checks)


def _field_exists(dotted: str) -> bool:
    """Does ``deployments[].aws.models`` name a field of the Profile model?"""
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


def _load_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputFileError(f"{path}: cannot read: {e.strerror}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise InputFileError(f"{path}{where}: not valid YAML: {getattr(e, 'problem', None) or e}") from None


def _phrasings(path: Path) -> dict[str, dict[str, Any]]:
    """id -> {"phrasings": [...], "keywords": [...], ...}; tolerant of the two obvious shapes."""
    if not path.is_file():
        return {}
    data = _load_yaml(path)
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


def parse_catalog(data: Any, source: str = "catalog.yaml", phrasings: dict[str, dict[str, Any]] | None = None) -> list[CatalogEntry]:
    """Validate catalog data; raise InputFileError naming the first bad entry."""
    from jinja2 import TemplateSyntaxError

    from questionnaire.answers import environment

    env = environment()
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise InputFileError(f"{source}: expected a mapping with an 'entries' list")
    phrasings = phrasings or {}
    entries: list[CatalogEntry] = []
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
        checks = raw.get("checks") or []
        if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
            raise InputFileError(f"{where}: 'checks' must be a list of check ids")
        requires = raw.get("requires") or []
        if not isinstance(requires, list) or not all(isinstance(c, str) for c in requires):
            raise InputFileError(f"{where}: 'requires' must be a list of check ids")
        for c in [*checks, *requires]:
            if c not in KNOWN_CHECK_IDS:
                raise InputFileError(f"{where}: unknown check id '{c}'")
        asserts = raw.get("asserts")
        if kind == "yes_no" and (not isinstance(asserts, str) or not asserts.strip()):
            raise InputFileError(f"{where}: yes_no entries need 'asserts' (the proposition Yes is the truth of)")
        if kind != "yes_no" and asserts is not None:
            raise InputFileError(f"{where}: 'asserts' is only for yes_no entries")
        value, claim = raw.get("value"), raw.get("claim")
        if kind == "yes_no":
            if not isinstance(value, str) or not value.strip():
                raise InputFileError(f"{where}: yes_no entries need a 'value' expression (true = Yes)")
            if claim is not None and claim not in YES_NO:
                raise InputFileError(f"{where}: 'claim' must be Yes, No or null (got {claim!r})")
        elif value is not None or claim is not None:
            raise InputFileError(f"{where}: 'value' and 'claim' are only for yes_no entries")
        applies = raw.get("applies")
        if applies is not None and not isinstance(applies, str):
            raise InputFileError(f"{where}: 'applies' must be an expression")
        try:
            env.from_string(raw["template"])
            for expr in (value, applies):
                if expr:
                    env.compile_expression(expr)
        except TemplateSyntaxError as e:
            raise InputFileError(f"{where}: template syntax error: {e.message}") from None
        ph = phrasings.get(eid, {})
        extra = {k: v for k, v in ph.items() if k not in ("id", "phrasings", "keywords")}
        if not all(isinstance(p, str) for p in ph.get("inverse_phrasings") or []):
            raise InputFileError(f"{where}: phrasings.yaml: 'inverse_phrasings' must be a list of questions")
        entries.append(
            CatalogEntry(
                id=eid,
                topic=raw["topic"],
                question=" ".join(raw["question"].split()),
                kind=kind,
                profile_fields=tuple(fields),
                checks=tuple(checks),
                template=raw["template"],
                value=value,
                claim=claim,
                applies=applies,
                phrasings=tuple(str(p) for p in (ph.get("phrasings") or [])),
                keywords=tuple(str(k) for k in (ph.get("keywords") or [])),
                extra=extra,
                asserts=" ".join(asserts.split()) if asserts else None,
                requires=tuple(requires),
            )
        )
    return entries


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=8)
def _load_cached(catalog_path: str, phrasings_path: str, _stamps: Any = None) -> tuple[CatalogEntry, ...]:
    path = Path(catalog_path)
    return tuple(parse_catalog(_load_yaml(path), path.name, _phrasings(Path(phrasings_path))))


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
