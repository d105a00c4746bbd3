"""The AWS checks: one module per service, each defining its checks with ``@check`` (``registry.py``).

The modules are found with ``pkgutil`` (a new module needs no other step) and listed in the order of
their module-level ``ORDER`` (the display order of findings, the summary and ``list-checks``), then
in definition order inside a module.
"""

from __future__ import annotations

import importlib
import pkgutil

from questionnaire.checks.registry import Check, defined_in


def _load() -> dict[str, Check]:
    modules = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__) if not m.ispkg]
    orders = [getattr(m, "ORDER", None) for m in modules]
    if None in orders or len(set(orders)) != len(orders):
        raise RuntimeError(f"every module of {__name__} needs its own ORDER: {dict(zip((m.__name__ for m in modules), orders))}")
    modules.sort(key=lambda m: m.ORDER)
    return {c.id: c for m in modules for c in defined_in(m.__name__)}


# id -> Check, in display order
CHECKS: dict[str, Check] = _load()
