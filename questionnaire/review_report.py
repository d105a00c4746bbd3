"""The review report of `fill --report`, by extension: ``.json`` (the contract's shape),
``.xlsx`` (one row per question, status coloured, filters on the header) or ``.html``
(the same table, self-contained, every value escaped, each finding id linked to its line
of the bundle's summary, reproduced at the end of the page).

People review in Excel or a browser: each row shows the question, what was written, the
proposition the Yes/No answers (``asserts``) and whether the question asked it or its
negation (``polarity``), so a reviewer sees at a glance why "No" was written.
openpyxl is imported only by the xlsx writer.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any, Callable, Iterable

COLUMNS = [
    ("Location", "location", 16),
    ("Question", "question", 60),
    ("Status", "status", 14),
    ("Answer", "answer", 50),
    ("Proposition", "asserts", 40),
    ("Polarity", "polarity", 10),
    ("Source", "source", 10),
    ("Confidence", "confidence", 11),
    ("Evidence (finding ids)", "evidence", 40),
    ("Note", "note", 40),
    ("Catalog id", "catalog_id", 26),
    ("Library entry", "library_id", 18),
    ("Approved by", "approved_by", 18),
]
STATUS_FILL = {"answered": "C6EFCE", "needs_review": "FFEB9C", "unanswered": "E7E6E6"}
FORMATS = (".json", ".xlsx", ".html", ".htm")

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def report_format(path: Path) -> str:
    """"json", "xlsx" or "html" from the file name (anything else is JSON, as before)."""
    ext = Path(path).suffix.lower()
    return {".xlsx": "xlsx", ".html": "html", ".htm": "html"}.get(ext, "json")


def write(path: Path, data: dict[str, Any], findings: Iterable[Any] | None = None) -> None:
    """Write the report ``data`` (``FillResult.report()``) in the format of ``path``."""
    fmt = report_format(path)
    if fmt == "xlsx":
        _atomic(path, lambda tmp: _write_xlsx(tmp, data))
    elif fmt == "html":
        text = render_html(data, findings)
        _atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    else:
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        _atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _atomic(path: Path, produce: Callable[[Path], Any]) -> None:
    from questionnaire.documents.export import write_atomic  # the one atomic writer (temp file, umask mode)

    write_atomic(path, produce)


def _cell(item: dict[str, Any], key: str) -> Any:
    v = item.get(key)
    if key == "evidence":
        return ", ".join(v or [])
    if key == "confidence":
        return round(float(v or 0.0), 3)
    if key == "answer" and item.get("comment"):
        return f"{v or ''}\n{item['comment']}".strip()
    return "" if v is None else str(v)


def _write_xlsx(path: Path, data: dict[str, Any]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from questionnaire.documents.safety import write_cell

    wb = Workbook()
    ws = wb.active
    ws.title = "Review"
    ws.append([c[0] for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for item in data.get("items", []):
        row = ws.max_row + 1
        for col, (_title, key, _w) in enumerate(COLUMNS, 1):
            value = _cell(item, key)
            c = write_cell(ws, row, col, _ILLEGAL_XML.sub("", value) if isinstance(value, str) else value)
            if isinstance(value, str):
                c.alignment = Alignment(wrap_text=True, vertical="top")
        colour = STATUS_FILL.get(str(item.get("status")))
        if colour:
            ws.cell(row=row, column=3).fill = PatternFill("solid", start_color=colour, end_color=colour)
    for col, (_t, _k, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = width
    ws.auto_filter.ref = ws.dimensions
    ws.freeze_panes = "A2"
    summary = wb.create_sheet("Summary")
    rows = [(str(k), v) for k, v in (data.get("summary") or {}).items()]
    rows += [(k, "" if data[k] is None else str(data[k])) for k in ("input", "output", "format", "source") if k in data]
    for r, (k, v) in enumerate(rows, 1):  # paths may start with '=': the one cell writer keeps them text
        write_cell(summary, r, 1, k)
        write_cell(summary, r, 2, v)
    wb.save(str(path))


_CSS = """body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3;position:sticky;top:0}td.answered{background:#c6efce}td.needs_review{background:#ffeb9c}
td.unanswered{background:#e7e6e6}td.PASS{background:#c6efce}td.FAIL{background:#ffc7ce}td.UNKNOWN{background:#ffeb9c}
.inverse{font-weight:bold}code{font-size:12px}"""


def _anchor(fid: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_.:-]", "_", fid)


def render_html(data: dict[str, Any], findings: Iterable[Any] | None = None) -> str:
    """The report as one self-contained HTML page (inline CSS, no scripts, everything escaped)."""
    e = html.escape
    known = {}
    for f in findings or []:
        fid = getattr(f, "id", None) or (f.get("id") if isinstance(f, dict) else None)
        if fid:
            known[str(fid)] = f
    counts = ", ".join(f"{e(str(k))}: {e(str(v))}" for k, v in (data.get("summary") or {}).items())
    head = "".join(f"<th>{e(t)}</th>" for t, _k, _w in COLUMNS)
    rows = []
    for item in data.get("items", []):
        cells = []
        for _t, key, _w in COLUMNS:
            if key == "evidence":
                links = [f'<a href="#{e(_anchor(x))}"><code>{e(x)}</code></a>' if x in known else f"<code>{e(x)}</code>"
                         for x in item.get("evidence") or []]
                cells.append(f"<td>{'<br>'.join(links)}</td>")
            elif key == "status":
                st = str(item.get("status") or "")
                cells.append(f'<td class="{e(st)}">{e(st)}</td>')
            elif key == "polarity":
                pol = str(item.get("polarity") or "")
                cells.append(f'<td class="{e(pol)}">{e(pol)}</td>')
            else:
                cells.append(f"<td>{e(str(_cell(item, key))).replace(chr(10), '<br>')}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Questionnaire review report</title>"
        f"<style>{_CSS}</style></head><body>\n<h1>Questionnaire review report</h1>\n"
        f"<p>{e(str(data.get('input') or ''))} &rarr; {e(str(data.get('output') or ''))}; answers from "
        f"{e(str(data.get('source') or ''))}. {counts}</p>\n"
        f"<table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n"
        + _findings_html(known) + "</body></html>\n"
    )


def _findings_html(known: dict[str, Any]) -> str:
    """The bundle summary's lines (one per finding) that the evidence links point to."""
    if not known:
        return ""
    e = html.escape

    def g(f: Any, name: str) -> str:
        v = f.get(name) if isinstance(f, dict) else getattr(f, name, None)
        return "" if v is None else str(getattr(v, "value", v))

    rows = "\n".join(
        f'<tr id="{e(_anchor(fid))}"><td class="{e(g(f, "status"))}">{e(g(f, "status"))}</td><td><code>{e(fid)}</code></td>'
        f"<td>{e(g(f, 'deployment'))}</td><td>{e(g(f, 'region'))}</td><td>{e(g(f, 'message'))}</td></tr>"
        for fid, f in sorted(known.items())
    )
    return ("<h2>Findings (the lines of the evidence bundle's summary)</h2>\n<table><thead><tr><th>Status</th>"
            "<th>Finding id</th><th>Deployment</th><th>Region</th><th>Finding</th></tr></thead><tbody>\n"
            f"{rows}\n</tbody></table>\n")
