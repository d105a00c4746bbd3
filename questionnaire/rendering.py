"""The one Jinja environment for catalog templates, with its filters (region names, EEA
membership, "a, b and c", days...). Used by the catalog (to validate and compile templates
when it loads) and by the answers (to render them): its own module, so neither imports the
other. Template source comes only from the catalog; profile values are data.

Templates are compiled once to Python code (``template_code`` / ``expression_code``, what
``Environment.from_string`` / ``compile_expression`` do); the catalog keeps that code in the
user cache and hands it back with ``add_code``, so a run builds a template object only for
the entries it renders (``template`` / ``expression``) and compiles nothing it has cached.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable


def _vocabulary() -> dict[str, Any]:
    """templates/vocabulary.yaml: EEA regions and names, tier and platform words (data, not code)."""
    from questionnaire.knowledge_cache import yaml_file
    from questionnaire.resources import templates_dir

    return yaml_file(templates_dir() / "vocabulary.yaml")


_VOCABULARY = _vocabulary()
EEA_CLOUD_REGIONS = frozenset(r for regions in _VOCABULARY["eea_cloud_regions"].values() for r in regions)
EEA_NAMES = frozenset(str(n).lower() for n in _VOCABULARY["eea_names"])
TIER_TEXT: dict[str, str] = dict(_VOCABULARY["tier_text"])
PLATFORM_TEXT: dict[str, str] = dict(_VOCABULARY["platform_text"])
SENSITIVE_USE = tuple(_VOCABULARY["sensitive_use"])


# --------------------------------------------------------------------------- filters (pure)


def _region_descriptions() -> dict[str, str]:
    """Region code -> description from botocore's endpoints.json (botocore is not imported)."""
    from questionnaire.botocore_data import region_descriptions

    return region_descriptions()


def region_name(code: str) -> str:
    """'eu-west-1' -> 'Europe (Ireland)'; anything unknown is returned unchanged."""
    return _region_descriptions().get(str(code), str(code))


def region_label(code: str) -> str:
    """'eu-west-1' -> 'eu-west-1 (Europe, Ireland)'; 'United States' -> 'United States'."""
    name = region_name(code)
    if name == code:
        return str(code)
    return f"{code} ({name.replace(' (', ', ').rstrip(')')})"


def in_eea(region: str) -> bool:
    r = str(region).strip()
    return r in EEA_CLOUD_REGIONS or r.lower() in EEA_NAMES


def join_and(items: Iterable[Any], last: str = "and") -> str:
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def days(n: Any) -> str:
    if n is None:
        return "an unspecified period"
    return "1 day" if n == 1 else f"{n} days"


def humanize(s: Any) -> str:
    """'external_communications' -> 'external communications'."""
    return str(s).replace("_", " ")


FILTERS = {
    "region_name": region_name,
    "region": region_label,
    "join_and": join_and,
    "days": days,
    "humanize": humanize,
    "nodot": lambda s: str(s).rstrip(". "),
    "tier_text": lambda t: TIER_TEXT.get(str(t), humanize(t)),
    "platform_text": lambda p: PLATFORM_TEXT.get(str(p), humanize(p)),
}


@lru_cache(maxsize=1)
def environment():
    """The one Jinja environment: StrictUndefined, no autoescape (plain text out)."""
    from jinja2 import Environment, StrictUndefined

    env = Environment(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    return env


# --------------------------------------------------------------------------- compiled templates

TEMPLATE, EXPRESSION = "t", "e"
_CODE: dict[tuple[str, str], Any] = {}  # (TEMPLATE | EXPRESSION, source) -> code object


def template_code(source: str):
    """The code ``environment().from_string(source)`` runs; a syntax error is a TemplateSyntaxError."""
    return environment().compile(source)


def expression_code(source: str):
    """The code of ``environment().compile_expression(source)`` (the same parse, the same checks)."""
    from jinja2 import nodes
    from jinja2.exceptions import TemplateSyntaxError
    from jinja2.parser import Parser

    env = environment()
    parser = Parser(env, source, state="variable")
    try:
        expr = parser.parse_expression()
        if not parser.stream.eos:
            raise TemplateSyntaxError("chunk after expression", parser.stream.current.lineno, None, None)
        expr.set_environment(env)
    except TemplateSyntaxError:
        env.handle_exception(source=source)
    body = [nodes.Assign(nodes.Name("result", "store"), expr, lineno=1)]
    return env.compile(nodes.Template(body, lineno=1))


def add_code(codes: dict[tuple[str, str], Any]) -> None:
    """Code compiled earlier (by ``template_code`` / ``expression_code``, kept in the user cache)."""
    _CODE.update(codes)


def _from_code(kind: str, source: str):
    from jinja2 import Template

    env = environment()
    code = _CODE.get((kind, source))
    if code is None:
        code = template_code(source) if kind == TEMPLATE else expression_code(source)
    return Template.from_code(env, code, env.make_globals(None), None)


@lru_cache(maxsize=None)
def template(source: str):
    """``environment().from_string(source)``, built once per process."""
    return _from_code(TEMPLATE, source)


@lru_cache(maxsize=None)
def expression(source: str):
    """``environment().compile_expression(source, undefined_to_none=False)``, built once per process."""
    from jinja2.environment import TemplateExpression

    return TemplateExpression(_from_code(EXPRESSION, source), False)
