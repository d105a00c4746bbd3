"""Where shipped data lives: templates (catalog, mappings) and the example set.

In a wheel, ``templates/`` and ``evidence/examples/`` are installed inside the
package (``questionnaire/templates``, ``questionnaire/examples``); in a source
checkout they sit next to the package.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for c in candidates:
        if c.is_dir():
            return c
    return candidates[-1]


def templates_dir() -> Path:
    return _first_existing(_PKG / "templates", _PKG.parent / "templates")


def examples_dir() -> Path:
    return _first_existing(_PKG / "examples", _PKG.parent / "evidence" / "examples")


def example_profile() -> Path:
    return examples_dir() / "acme" / "profile.yaml"
