"""styles.xml: append wrap-text clones of cellXfs entries on demand (existing entries never change)."""

from __future__ import annotations

import re


class StylePatcher:
    """Append wrap-text clones of cellXfs entries to styles.xml on demand."""

    _XFS = re.compile(r"<((?:[\w.-]+:)?)cellXfs\b([^>]*)>(.*?)</\1cellXfs>", re.S)
    _XF = re.compile(r"<((?:[\w.-]+:)?)xf\b([^>]*?)(/>|>(.*?)</\1xf>)", re.S)

    def __init__(self, xml: str | None):
        self.xml = xml
        self.added: list[str] = []
        self.map: dict[int, int] = {}
        self._xfs: list[re.Match] = []
        self._count = 0
        if xml:
            m = self._XFS.search(xml)
            if m:
                self._xfs = list(self._XF.finditer(m.group(3)))
                self._count = len(self._xfs)

    def wrap_style(self, style: int) -> int | None:
        """Index of a style like `style` with wrap text on (None: leave the style alone)."""
        if style in self.map:
            return self.map[style]
        if not self._xfs or style >= len(self._xfs):
            return None
        xm = self._xfs[style]
        prefix, attrs, inner = xm.group(1), xm.group(2), xm.group(4) or ""
        if re.search(r'<(?:[\w.-]+:)?alignment\b[^>]*wrapText="(1|true)"', inner):
            self.map[style] = style
            return style
        am = re.search(r"<((?:[\w.-]+:)?)alignment\b([^>]*?)(/?)>", inner)
        if am:
            a_attrs = re.sub(r'\swrapText="[^"]*"', "", am.group(2))
            inner = inner[: am.start()] + f'<{am.group(1)}alignment{a_attrs} wrapText="1"{am.group(3)}>' + inner[am.end():]
        else:
            inner = f'<{prefix}alignment vertical="top" wrapText="1"/>' + inner
        attrs = re.sub(r'\sapplyAlignment="[^"]*"', "", attrs) + ' applyAlignment="1"'
        self.added.append(f"<{prefix}xf{attrs}>{inner}</{prefix}xf>")
        new = self._count + len(self.added) - 1
        self.map[style] = new
        return new

    def result(self) -> str | None:
        if not self.added or not self.xml:
            return None
        m = self._XFS.search(self.xml)
        attrs = re.sub(r'(\s)count="\d+"', rf'\g<1>count="{self._count + len(self.added)}"', m.group(2))
        new_inner = m.group(3) + "".join(self.added)
        prefix = m.group(1)
        return self.xml[: m.start()] + f"<{prefix}cellXfs{attrs}>{new_inner}</{prefix}cellXfs>" + self.xml[m.end():]
