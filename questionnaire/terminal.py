"""What reaches a terminal: data from profiles, AWS responses and questionnaires is printed as text.

ESC, CR and every other control character (C0 and C1, except newline) are stripped so that data cannot
move the cursor, rewrite earlier lines or change the terminal's state; rich markup in data (``[/b]``,
``[link=...]``) is escaped so that it is shown, never interpreted.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: object) -> str:
    """``text`` with control characters removed (newlines kept, tabs become spaces)."""
    return _CONTROL.sub("", str(text).replace("\t", " "))


def markup_safe(text: object) -> str:
    """``clean(text)`` escaped for rich markup."""
    from rich.markup import escape

    return escape(clean(text))
