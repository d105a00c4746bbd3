"""issue 15 (the parts owned here): one module does atomic writes; the demo never drives the CLI."""

from __future__ import annotations

import ast

from conftest import ROOT

PKG = ROOT / "questionnaire"
PENDING = {"fill.py"}  # documents/fill is the layout helper's: moves to atomic_write at merge


def _calls(path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            out.add(f"{node.func.value.id}.{node.func.attr}")
    return out


def test_only_atomic_py_replaces_files():
    writers = sorted(p.relative_to(PKG).as_posix() for p in PKG.rglob("*.py")
                     if {"os.replace", "tempfile.mkstemp"} & _calls(p) and p.name not in PENDING)
    assert writers == ["atomic.py"]


def test_demo_does_not_import_the_cli():
    tree = ast.parse((PKG / "demo.py").read_text(encoding="utf-8"))
    mods = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert "questionnaire.cli" not in mods and "typer.testing" not in mods


def test_commands_have_one_error_edge():
    """One `except QuestionnaireError` for every command (cli_edge.edge); the command modules have none."""
    assert (PKG / "cli_edge.py").read_text(encoding="utf-8").count("except QuestionnaireError") == 1
    for module in ("cli.py", "cli_library.py"):
        assert "except QuestionnaireError" not in (PKG / module).read_text(encoding="utf-8"), module
