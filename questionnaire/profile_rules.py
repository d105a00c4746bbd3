"""Validation of a profile's data: structure (pydantic errors as ``FILE:LINE`` problems), the version,
and the cross-field rules (categories, tiers, regions, ARNs, documents), all reported at once.

Every rule runs on the raw YAML data, defensively, so that problems are found even when the structure
has errors too. Decision (documented in the README): ``training_on_customer_data: true`` on a
deployment that handles a category requiring commercial or infrastructure terms is an **error**,
because such categories may only go to deployments that do not train on inputs.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import typing
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from questionnaire.errors import InputFileError
from questionnaire.profile_aws import aws_block_problems, aws_platform_problems
from questionnaire.profile_aws_access import cross_deployment_problems, organization_problems
from questionnaire.profile_azure import azure_problems
from questionnaire.profile_commercial import commercial_problems
from questionnaire.profile_documents import document_refusal, read_document
from questionnaire.profile_gcp import gcp_problems
from questionnaire.profile_model import INFRASTRUCTURE_PLATFORMS, SCHEMA_VERSION, Profile
from questionnaire.profile_yaml import Loc, Problem, _fmt_path, _Yaml

Add = Callable[..., None]


# --------------------------------------------------------------------------- structure


def _model_for(loc: Loc) -> type[BaseModel] | None:
    """The pydantic model whose fields live at ``loc`` (for did-you-mean)."""
    model: Any = Profile
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if model is not None else None
        if field is None:
            return None
        model = inner_model(field.annotation)
    return model


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``list[Deployment] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        m = inner_model(arg)
        if m is not None:
            return m
    return None


def _unknown_key(loc: Loc) -> str:
    model = _model_for(loc[:-1])
    msg = "unknown key"
    if model is not None:
        close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.6)
        if close:
            msg += f"; did you mean '{close[0]}'?"
        else:
            msg += f"; allowed keys: {', '.join(model.model_fields)}"
    return msg


def structural_problems(data: dict[str, Any], doc: _Yaml) -> list[Problem]:
    try:
        Profile.model_validate(data)
        return []
    except ValidationError as e:
        errors = e.errors(include_url=False)
    problems: list[Problem] = []
    for err in errors:
        etype = err["type"]
        # pydantic adds union/literal tags to loc in some cases; keep data keys only
        loc = tuple(p for p in err["loc"] if isinstance(p, int) or not str(p).startswith(("function-", "literal[")))
        path = _fmt_path(loc)
        if etype == "extra_forbidden":
            problems.append(Problem(doc.filename, doc.line(loc), path, _unknown_key(loc)))
        elif etype == "missing":
            problems.append(Problem(doc.filename, doc.line(loc[:-1]), path, "required key is missing"))
        elif loc == ("version",):
            continue  # reported by the version rule
        else:
            msg = err["msg"]
            given = err.get("input")
            if etype in ("enum", "literal_error") and given is not None:
                msg = f"{given!r} is not allowed; {msg[0].lower()}{msg[1:]}"
            problems.append(Problem(doc.filename, doc.line(loc), path, msg))
    return problems


def version_problems(data: dict[str, Any], doc: _Yaml) -> list[Problem]:
    if "version" not in data:
        return [Problem(doc.filename, 1, "version", f"missing; add `version: {SCHEMA_VERSION}` at the top")]
    v = data["version"]
    if v != SCHEMA_VERSION or isinstance(v, bool):
        return [
            Problem(
                doc.filename,
                doc.line(("version",)),
                "version",
                f"unsupported version {v!r}; this tool reads profile version {SCHEMA_VERSION}",
            )
        ]
    return []


# --------------------------------------------------------------------------- cross-field rules


def semantic_problems(data: dict[str, Any], doc: _Yaml, base_dir: Path) -> list[Problem]:
    """Cross-field rules, run defensively on the raw data."""
    P: list[Problem] = []

    def add(loc: Loc, msg: str, severity: str = "error") -> None:
        P.append(Problem(doc.filename, doc.line(loc), _fmt_path(loc), msg, severity))

    dc = data.get("data_classification")
    categories = _categories(dc, add)
    deployments = data.get("deployments")
    if isinstance(deployments, list):
        seen_ids: dict[str, int] = {}
        for i, d in enumerate(deployments):
            if isinstance(d, dict):
                _deployment_problems(d, ("deployments", i), categories, isinstance(dc, list), seen_ids, add)
        cross_deployment_problems(deployments, add)
    organization_problems(data.get("aws_organization"), add)
    _document_problems(data.get("documents"), base_dir, add)
    commercial_problems(data, add)
    _repository_problems(data.get("controls"), base_dir, add)
    return P


def _categories(dc: Any, add: Add) -> dict[int, str]:
    """Category number -> ai_use; a category defined twice is a problem."""
    categories: dict[int, str] = {}
    if isinstance(dc, list):
        seen_cat: set[int] = set()
        for i, c in enumerate(dc):
            if isinstance(c, dict) and isinstance(c.get("category"), int):
                n = c["category"]
                if n in seen_cat:
                    add(("data_classification", i, "category"), f"category {n} is defined twice")
                seen_cat.add(n)
                if isinstance(c.get("ai_use"), str):
                    categories[n] = c["ai_use"]
    return categories


def _deployment_problems(d: dict[str, Any], base: Loc, categories: dict[int, str], classified: bool,
                         seen_ids: dict[str, int], add: Add) -> None:
    did = d.get("id")
    if isinstance(did, str):
        if did in seen_ids:
            add(base + ("id",), f"duplicate deployment id '{did}' (first used by deployments[{seen_ids[did]}])")
        else:
            seen_ids[did] = base[1]
    tier, platform = d.get("tier"), d.get("platform")
    if tier == "infrastructure" and isinstance(platform, str) and platform not in INFRASTRUCTURE_PLATFORMS:
        add(
            base + ("platform",),
            f"tier 'infrastructure' needs a cloud infrastructure platform "
            f"({', '.join(sorted(INFRASTRUCTURE_PLATFORMS))}), not '{platform}'",
        )
    _category_problems(d, base, categories, classified, add)
    _duplicate_regions(d.get("regions"), base, add)
    aws_platform_problems(d, base, add)
    gcp_problems(d, base, add)
    azure_problems(d, base, add)
    aws_block_problems(d, base, add)


def _category_problems(d: dict[str, Any], base: Loc, categories: dict[int, str], classified: bool, add: Add) -> None:
    """Each category a deployment handles is defined, allowed on its tier, and not trained on."""
    cats = d.get("data_categories")
    if not isinstance(cats, list):
        return
    tier = d.get("tier")
    for j, n in enumerate(cats):
        loc = base + ("data_categories", j)
        if not isinstance(n, int) or isinstance(n, bool):
            continue
        use = categories.get(n)
        if n not in categories:
            if categories or classified:
                add(loc, f"category {n} is not defined in data_classification")
            continue
        if use == "prohibited":
            add(loc, f"category {n} has ai_use 'prohibited' and may not be used with any deployment")
        elif use == "commercial_or_infrastructure_only" and tier == "consumer":
            add(loc, f"category {n} requires a commercial or infrastructure tier; this deployment is 'consumer'")
        elif use == "infrastructure_only" and tier in ("consumer", "commercial_api"):
            add(loc, f"category {n} requires the infrastructure tier; this deployment is '{tier}'")
        if d.get("training_on_customer_data") is True and use in ("commercial_or_infrastructure_only", "infrastructure_only"):
            add(
                base + ("training_on_customer_data",),
                f"true, but category {n} may only go to deployments that do not train on inputs",
            )


def _duplicate_regions(reg: Any, base: Loc, add: Add) -> None:
    """A region listed twice is an error (it would duplicate every regional finding)."""
    if not isinstance(reg, list):
        return
    seen: set[str] = set()
    for j, r in enumerate(reg):
        if isinstance(r, str):
            if r in seen:
                add(base + ("regions", j), f"region '{r}' is listed twice")
            seen.add(r)


def _document_problems(docs: Any, base_dir: Path, add: Add) -> None:
    """``documents:`` entries are regular files inside the profile's folder, matching a declared sha256."""
    if not isinstance(docs, list):
        return
    for i, item in enumerate(docs):
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            continue
        p, why = document_refusal(base_dir, item["path"])
        if p is None:
            add(("documents", i, "path"), why or "refused")
            continue
        want = item.get("sha256")
        if isinstance(want, str) and re.fullmatch(r"[0-9a-fA-F]{64}", want):
            try:
                got = hashlib.sha256(read_document(base_dir, item["path"])).hexdigest()
            except InputFileError as e:
                add(("documents", i, "path"), str(e))
                continue
            if got != want.lower():
                add(("documents", i, "sha256"), f"does not match the file (file has {got})")


def _repository_problems(controls: Any, base_dir: Path, add: Add) -> None:
    if not isinstance(controls, dict):
        return
    ca = controls.get("coding_agents")
    if isinstance(ca, dict) and isinstance(ca.get("repositories"), list):
        for i, r in enumerate(ca["repositories"]):
            if isinstance(r, str) and not (base_dir / r).is_dir():
                add(("controls", "coding_agents", "repositories", i), f"directory not found: {r}", "warning")
