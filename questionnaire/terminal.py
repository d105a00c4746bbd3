"""What reaches a terminal: data from profiles, AWS responses and questionnaires is printed as text
(also the findings table of `check`).

ESC, CR and every other control character (C0 and C1, except newline) are stripped so that data cannot
move the cursor, rewrite earlier lines or change the terminal's state; rich markup in data (``[/b]``,
``[link=...]``) is escaped so that it is shown, never interpreted.
"""

from __future__ import annotations

import re
import sys

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: object) -> str:
    """``text`` with control characters removed (newlines kept, tabs become spaces)."""
    return _CONTROL.sub("", str(text).replace("\t", " "))


def markup_safe(text: object) -> str:
    """``clean(text)`` escaped for rich markup."""
    from rich.markup import escape

    return escape(clean(text))


_STATUS_STYLE = {"PASS": "green", "FAIL": "bold red", "UNKNOWN": "yellow"}


def _print_plain(by_dep: dict) -> None:
    """One line per finding, tab-separated, under a ``deployment: <id>`` line (CI logs, pipes, files)."""
    out = []
    for dep, items in by_dep.items():
        out.append(f"deployment: {clean(dep)}")
        for f in items:
            check = f.check_id + (f" [{f.subject}]" if f.subject else "")
            out.append("\t".join(clean(x).replace("\n", " ") for x in (f.status.value, check, f.region or "global", f.message)))
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))
    sys.stdout.flush()


def print_findings_table(findings) -> None:
    """Findings grouped by deployment, coloured by status (a rich table on a terminal; plain lines otherwise)."""
    by_dep: dict = {}
    for f in findings:
        by_dep.setdefault(f.deployment or "-", []).append(f)
    if not sys.stdout.isatty():
        _print_plain(by_dep)  # no table layout to compute (and rich not even imported) for output nobody sees as a table
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=False)
    for dep, items in by_dep.items():
        table = Table(title=f"deployment: {markup_safe(dep)}", title_justify="left", show_lines=False)
        table.add_column("status", no_wrap=True, min_width=7)
        table.add_column("check", overflow="fold", ratio=2)
        table.add_column("region", no_wrap=True, min_width=9)
        table.add_column("message", ratio=3)
        for f in items:
            s = f.status.value
            check = f.check_id + (f" [{f.subject}]" if f.subject else "")
            table.add_row(f"[{_STATUS_STYLE[s]}]{s}[/]", markup_safe(check), markup_safe(f.region or "global"),
                          markup_safe(f.message), style=None)
        console.print(table)
