"""Per-control coverage of one framework: supporting checks and answers, their status, and gaps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from questionnaire.errors import UserInputError


def compliance_report(fw, findings, answers) -> dict[str, Any]:
    """``fw``: a mapping.Framework; ``findings``: list[Finding] or None; ``answers``: list[Answer]."""
    by_check: dict[str, list[str]] = {}
    for f in findings or []:
        by_check.setdefault(f.check_id, []).append(f.status.value if hasattr(f.status, "value") else str(f.status))
    ans = {a.id: a for a in answers}
    rows = []
    for cid, title in fw.controls.items():
        checks, entries = [], []
        for key, ids in fw.map.items():
            if cid not in ids:
                continue
            if key in ans:
                a = ans[key]
                entries.append({"id": key, "status": a.status, "value": a.value, "needs_review": a.needs_review})
            else:
                st = by_check.get(key)
                status = ("FAIL" if "FAIL" in st else "UNKNOWN" if "UNKNOWN" in st else "PASS") if st else "not run"
                checks.append({"id": key, "status": status})
        rows.append({"control": cid, "title": title, "covered": bool(checks or entries), "checks": checks, "answers": entries})
    return {
        "framework": fw.name,
        "name": fw.title,
        "version": fw.version,
        "source": fw.source,
        "verified": findings is not None,
        "controls": rows,
        "not_covered": [r["control"] for r in rows if not r["covered"]],
    }


def _markdown(rep: dict[str, Any]) -> str:
    from questionnaire.markdown_text import md_inline

    lines = [f"# {rep['name']} {rep['version']}: coverage", "", f"Source: {rep['source']}", ""]
    if not rep["verified"]:
        lines += ["Made from the profile only: answers are declared, checks were not run.", ""]
    lines += ["| Control | Title | Checks | Answers |", "|---|---|---|---|"]
    for r in rep["controls"]:
        if not r["covered"]:
            continue
        c = ", ".join(f"`{x['id']}` {x['status']}" for x in r["checks"]) or "-"
        a = ", ".join(f"`{x['id']}` {x['status']}" for x in r["answers"]) or "-"
        lines.append(f"| {md_inline(r['control'])} | {md_inline(r['title'])} | {c} | {a} |")
    lines += ["", "## Not covered by this tool", ""]
    lines += [f"- {md_inline(r['control'])} {md_inline(r['title'])}" for r in rep["controls"] if not r["covered"]] or ["(none)"]
    return "\n".join(lines) + "\n"


def write_report(rep: dict[str, Any], out: Path, inputs: tuple[Path, ...] = ()) -> None:
    from questionnaire.atomic import atomic_write

    ext = Path(out).suffix.lower()
    if ext == ".json":
        atomic_write(out, json.dumps(rep, indent=2) + "\n", inputs=inputs)
    elif ext == ".md":
        atomic_write(out, _markdown(rep), inputs=inputs)
    elif ext == ".xlsx":
        atomic_write(out, lambda tmp: _write_xlsx(rep, tmp), inputs=inputs)
    else:
        raise UserInputError(f"{out}: output must end in .md, .xlsx or .json")


def _write_xlsx(rep: dict[str, Any], path: Path) -> None:
    from openpyxl import Workbook

    from questionnaire.documents.safety import write_cell

    wb = Workbook()
    ws = wb.active
    ws.title = "Coverage"
    rows = [["Control", "Title", "Covered", "Checks", "Answers"]]
    for r in rep["controls"]:
        rows.append([r["control"], r["title"], "yes" if r["covered"] else "not covered by this tool",
                     ", ".join(f"{x['id']} {x['status']}" for x in r["checks"]),
                     ", ".join(f"{x['id']} {x['status']}" for x in r["answers"])])
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row, start=1):
            write_cell(ws, i, j, value)
    wb.save(path)


def markdown(rep: dict[str, Any]) -> str:
    return _markdown(rep)
