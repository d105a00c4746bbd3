#!/usr/bin/env python3
"""Structure targets of the release, measured (issue 15), plus one behaviour that depends on structure.

    PYTHONPATH=$PWD python benchmarks/structure_metrics.py

Static (the package's source is parsed, not run), then two things that need the package imported:

- modules over 500 lines, functions over 80 lines;
- import cycles between the package's modules (imports inside functions count; ``from pkg import sub``
  is an import of ``pkg.sub``; a package's ``__init__`` is a module like any other);
- check ids (the ids of ``questionnaire.checks.REGISTRY``, not any dotted string) that are string
  literals in more than one module of the package, and ids that are a literal in none;
- how the AWS checks are found (the ``checks/aws/`` modules and the ``@check`` definitions in them);
- modules doing atomic writes (``os.replace`` / ``mkstemp`` / ``NamedTemporaryFile``): the target is one;
- exit code and first line of ``answers``, ``fill`` and ``compliance`` on one corrupt bundle (the target:
  the same for all three, exit 2, one line).

Exit 0 always: it reports, it does not judge.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "questionnaire"
MAX_MODULE, MAX_FUNCTION = 500, 80


def package_modules(pkg: Path = PKG) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the package."""
    out = {}
    for path in sorted(pkg.rglob("*.py")):
        parts = list(path.relative_to(pkg.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _trees(mods: dict[str, Path]) -> dict[str, ast.Module]:
    return {m: ast.parse(p.read_text(encoding="utf-8")) for m, p in mods.items()}


def long_functions(trees: dict[str, ast.Module], limit: int = MAX_FUNCTION) -> list[tuple[str, int]]:
    found = [(f"{m}:{n.lineno} {n.name}", n.end_lineno - n.lineno + 1) for m, t in trees.items() for n in ast.walk(t)
             if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > limit]
    return sorted(found, key=lambda x: -x[1])


def _imported(module: str, is_package: bool, node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    return [f"{prefix}.{a.name}" for a in node.names]  # a name, or a submodule of the prefix


def import_graph(mods: dict[str, Path], trees: dict[str, ast.Module]) -> dict[str, set[str]]:
    """module -> the package modules it imports (the longest module each import names)."""
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, tree in trees.items():
        for node in ast.walk(tree):
            for target in _imported(m, mods[m].name == "__init__.py", node):
                while target and target not in mods:
                    target = target.rpartition(".")[0]
                if target and target != m:
                    graph[m].add(target)
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (iterative Kosaraju: two depth-first passes)."""
    order: list[str] = []
    seen: set[str] = set()
    for start in graph:
        if start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(sorted(graph[start])))]
        while stack:
            node, children = stack[-1]
            nxt = next((c for c in children if c not in seen), None)
            if nxt is None:
                order.append(node)
                stack.pop()
            else:
                seen.add(nxt)
                stack.append((nxt, iter(sorted(graph[nxt]))))
    reverse: dict[str, set[str]] = {m: set() for m in graph}
    for m, targets in graph.items():
        for t in targets:
            reverse[t].add(m)
    groups, assigned = [], set()
    for start in reversed(order):
        if start in assigned:
            continue
        group, todo = [], [start]
        assigned.add(start)
        while todo:
            node = todo.pop()
            group.append(node)
            for prev in reverse[node] - assigned:
                assigned.add(prev)
                todo.append(prev)
        if len(group) > 1:
            groups.append(sorted(group))
    return groups


def check_id_homes(trees: dict[str, ast.Module], ids: set[str]) -> dict[str, list[str]]:
    """Check id -> the package modules where it is a string literal."""
    homes: dict[str, list[str]] = {i: [] for i in ids}
    for m, tree in trees.items():
        literals = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        for i in literals & ids:
            homes[i].append(m)
    return homes


def atomic_writers(mods: dict[str, Path]) -> list[str]:
    return [m for m, p in mods.items() if any(t in p.read_text(encoding="utf-8") for t in ("mkstemp(", "NamedTemporaryFile(", "os.replace("))]


def corrupt_bundle_behaviour() -> list[str]:
    out = []
    with tempfile.TemporaryDirectory() as d:
        bundle = Path(d) / "corrupt.zip"
        bundle.write_bytes(b"PK\x03\x04 this is not a whole zip")
        q = ROOT / "evidence" / "examples" / "acme" / "customer-questionnaire.xlsx"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        runs = {
            "answers": ["answers", "--bundle", str(bundle), "-o", str(Path(d) / "a.md")],
            "fill": ["fill", str(q), "--bundle", str(bundle), "-o", str(Path(d) / "f.xlsx")],
            "compliance": ["compliance", "--bundle", str(bundle), "--framework", "soc2", "-o", str(Path(d) / "c.md")],
        }
        for name, argv in runs.items():
            r = subprocess.run([sys.executable, "-m", "questionnaire", *argv], capture_output=True, text=True, env=env)
            lines = [line for line in (r.stderr + r.stdout).splitlines() if line.strip()]
            out.append(f"{name}: exit {r.returncode}, {len(lines)} line(s): {lines[0] if lines else ''}")
    return out


def _list(items: list[str]) -> str:
    return ", ".join(items) or "none"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    mods = package_modules()
    trees = _trees(mods)
    sizes = sorted(((len(p.read_text(encoding="utf-8").splitlines()), m) for m, p in mods.items()), reverse=True)
    print(f"modules: {len(mods)}; over {MAX_MODULE} lines:", _list([f"{m} {n}" for n, m in sizes if n > MAX_MODULE]))
    print(f"functions over {MAX_FUNCTION} lines:", _list([f"{name} {n}" for name, n in long_functions(trees)]))
    print("import cycles:", "; ".join(" <-> ".join(c) for c in import_cycles(import_graph(mods, trees))) or "none")

    from questionnaire.checks import REGISTRY
    from questionnaire.checks.aws import CHECKS

    homes = check_id_homes(trees, set(REGISTRY))
    spread = {i: h for i, h in sorted(homes.items()) if len(h) > 1}
    print(f"check ids (REGISTRY): {len(REGISTRY)}; a literal in more than one module: {len(spread)}"
          + "".join(f"\n  {i}: {', '.join(h)}" for i, h in spread.items()))
    print("check ids that are a literal in no module:", _list([i for i, h in sorted(homes.items()) if not h]))
    aws_modules = sorted({c.module for c in CHECKS.values()})
    print(f"AWS checks: {len(CHECKS)} defined with @check in {len(aws_modules)} modules of questionnaire.checks.aws (pkgutil)")
    print("modules doing atomic writes:", _list(atomic_writers(mods)))
    for line in corrupt_bundle_behaviour():
        print("corrupt bundle ->", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
