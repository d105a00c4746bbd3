"""Reading a profile file: size and encoding limits, YAML with a map from path to line number, problems.

Every profile problem is a :class:`Problem` printed as ``FILE:LINE: path: message``; the line comes from
:meth:`LineMappedYaml.line`, so rules that run on plain data can still point at the line. No pydantic here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from questionnaire.errors import InputFileError

MAX_PROFILE_BYTES = 1024 * 1024
MAX_YAML_NODES = 100_000
MAX_YAML_DEPTH = 32
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    path: str
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        loc = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {loc}{prefix}{self.message}"


Loc = tuple[Any, ...]


def _fmt_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _FileProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message)


_TOO_DEEP = f"YAML is nested too deeply; a profile nests at most {MAX_YAML_DEPTH} levels"


class _Yaml:
    """YAML → plain data plus a map from path to line number (1-based)."""

    def __init__(self, text: str, filename: str) -> None:
        import yaml

        self.filename = filename
        self.lines: dict[Loc, int] = {}
        self.problems: list[tuple[int, Loc, str]] = []  # duplicate keys, control characters
        self._count = 0
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except RecursionError:
            raise _FileProblem(1, _TOO_DEEP) from None
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            line = mark.line + 1 if mark else 1
            what = e.problem or e.context or "syntax error"
            raise _FileProblem(line, f"not valid YAML: {what}") from None
        except yaml.YAMLError as e:
            raise _FileProblem(1, f"not valid YAML: {e}") from None
        self.root = node
        try:
            self.data = None if node is None else self._convert(node, ())
        except RecursionError:
            raise _FileProblem(1, _TOO_DEEP) from None

    def _convert(self, node: Any, loc: Loc) -> Any:
        import yaml

        self._count += 1
        if self._count > MAX_YAML_NODES:
            raise _FileProblem(
                node.start_mark.line + 1,
                f"YAML expands to more than {MAX_YAML_NODES} nodes (alias bomb?); refusing to load",
            )
        if len(loc) > MAX_YAML_DEPTH:
            raise _FileProblem(node.start_mark.line + 1, f"nested more than {MAX_YAML_DEPTH} levels deep; refusing to load")
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self._convert(v, loc + (i,)) for i, v in enumerate(node.value)]
        value = self._scalar(node)
        if isinstance(value, str) and _CONTROL_CHARS.search(value):
            self.problems.append((node.start_mark.line + 1, loc, "contains a control character (NUL, ESC, ...); remove it"))
        return value

    def _mapping(self, node: Any, loc: Loc) -> dict[Any, Any]:
        import yaml

        out: dict[Any, Any] = {}
        first: dict[Any, int] = {}
        for k_node, v_node in node.value:
            key = self._scalar(k_node) if isinstance(k_node, yaml.ScalarNode) else str(k_node.value)
            if key != "<<" and isinstance(key, (str, int, float, bool)) and key in first:
                self.problems.append((k_node.start_mark.line + 1, loc + (key,),
                                      f"duplicate key '{key}' (first at line {first[key]}); each key may appear once"))
            elif key != "<<" and isinstance(key, (str, int, float, bool)):
                first[key] = k_node.start_mark.line + 1
            if key == "<<":  # merge keys: flatten
                merged = self._convert(v_node, loc)
                if isinstance(merged, dict):
                    for mk, mv in merged.items():
                        out.setdefault(mk, mv)
                continue
            self.lines[loc + (key,)] = k_node.start_mark.line + 1
            out[key] = self._convert(v_node, loc + (key,))
            self.lines[loc + (key,)] = k_node.start_mark.line + 1
        return out

    @staticmethod
    def _scalar(node: Any) -> Any:
        import yaml

        loader = yaml.SafeLoader("")
        try:
            return loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            return node.value
        finally:
            loader.dispose()

    def line(self, loc: Loc) -> int:
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc, 1)


LineMappedYaml = _Yaml


def _read_text(path: Path) -> tuple[bytes, str]:
    """Read a profile file, refusing what is not a small UTF-8 text file."""
    if not path.exists():
        raise InputFileError(f"{path}: file not found")
    if path.is_dir():
        raise InputFileError(f"{path}: is a directory, expected a profile.yaml file")
    size = path.stat().st_size
    if size > MAX_PROFILE_BYTES:
        raise _FileProblem(1, f"file is {size:,} bytes; a profile may be at most 1 MB")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputFileError(f"{path}: cannot read: {e.strerror}") from None
    if not raw.strip():
        raise _FileProblem(1, "file is empty; expected a YAML profile starting with `version: 1`")
    if b"\x00" in raw[:8192]:
        raise _FileProblem(1, "binary file, not a YAML profile")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise _FileProblem(line, "not UTF-8 text (binary file?); save the profile as UTF-8") from None
    return raw, text
