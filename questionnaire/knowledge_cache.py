"""A per-user cache of knowledge derived from shipped data: built once, reused by every later run.

What is cached is plain data (``marshal``: dicts, lists, tuples, sets, strings, numbers and
compiled template code), never a decision about a user's file: the validated catalog with its
compiled templates, the matcher's index, the polarity and specificity rules, an answer
library's index. Each value is stored under a key that is the SHA-256 of everything it was
derived from (the data files' bytes, the source code of this package, the Python version, the
versions of jinja2 and PyYAML), so a cached value is never stale: change one byte of a catalog
and the key changes and the value is rebuilt.

Where: ``$XDG_CACHE_HOME/questionnaire`` (default ``~/.cache/questionnaire``); never next to
the installed package. A missing or unwritable cache folder only means every run rebuilds; a
file that is truncated, corrupted or of another format is ignored (its checksum does not
match) and rebuilt. ``QUESTIONNAIRE_CACHE=off`` turns the cache off.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

FORMAT = b"QNC1"  # file magic + format version: bump when the layout of a cached value changes
_DIGEST = 32
KEEP_PER_KIND = 4  # older files of one kind are removed when a new one is stored
_PKG = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """The folder of this tool's cache, or None when caching is off or there is no home folder."""
    if os.environ.get("QUESTIONNAIRE_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "questionnaire"
    home = os.path.expanduser("~")
    if not home or home == "~":
        return None
    return Path(home) / ".cache" / "questionnaire"


def version_file(package: str) -> bytes:
    """The bytes of a dependency's ``__init__.py`` (it holds its version), found without importing it."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
        origin = spec.origin if spec is not None else None
        return Path(origin).read_bytes() if origin else b""
    except (ImportError, OSError, ValueError):
        return b""


def _hash_tree(h: Any, base: Path, wanted: Callable[[str], bool]) -> None:
    """Feed every wanted file under ``base`` (relative name and bytes, in a fixed order) into ``h``."""
    for root, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if wanted(name):
                path = os.path.join(root, name)
                h.update(os.path.relpath(path, base).encode() + b"\0")
                try:
                    with open(path, "rb") as fh:
                        h.update(fh.read())
                except OSError:
                    h.update(b"?")


@lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    """SHA-256 of this package's source code, the Python version and the jinja2 / PyYAML versions."""
    h = hashlib.sha256(FORMAT + sys.implementation.cache_tag.encode() + bytes(str(sys.version_info[:3]), "ascii"))
    _hash_tree(h, _PKG, lambda name: name.endswith(".py"))
    for dep in ("jinja2", "yaml"):
        h.update(version_file(dep))
    return h.digest()


@lru_cache(maxsize=1)
def data_fingerprint() -> bytes:
    """SHA-256 of every shipped data file (``templates/``: catalog, rules, vocabulary, mappings): part of
    the key of anything derived from several of them (remembered matches and answers)."""
    from questionnaire.resources import templates_dir

    h = hashlib.sha256()
    _hash_tree(h, templates_dir(), lambda name: True)
    return h.digest()


def key(kind: str, *parts: bytes | str) -> str:
    """The cache key of a value of ``kind`` derived from ``parts`` (file contents, options)."""
    h = hashlib.sha256(code_fingerprint() + kind.encode() + b"\0")
    for p in parts:
        b = p.encode("utf-8") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "big") + b)
    return h.hexdigest()


def _path(folder: Path, kind: str, k: str) -> Path:
    return folder / f"{kind}-{k[:40]}.bin"


def load(kind: str, k: str) -> Any | None:
    """The value stored under ``k``, or None (no cache, no such file, or a file that does not check out)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(_path(folder, kind, k), "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    head = len(FORMAT) + _DIGEST
    if len(data) < head or data[: len(FORMAT)] != FORMAT:
        return None
    payload = data[head:]
    if hashlib.sha256(payload).digest() != data[len(FORMAT):head]:
        return None  # truncated or corrupted: ignored, rebuilt by the caller
    was = gc.isenabled()
    gc.disable()  # unmarshalling builds many containers; no cycle collector passes over them meanwhile
    try:
        stored_kind, stored_key, value = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    finally:
        if was:
            gc.enable()
    return value if (stored_kind, stored_key) == (kind, k) else None


def store(kind: str, k: str, value: Any) -> None:
    """Keep ``value`` under ``k``; silently skipped when the folder cannot be written."""
    from questionnaire.atomic import atomic_write
    from questionnaire.errors import QuestionnaireError

    folder = cache_dir()
    if folder is None:
        return
    try:
        payload = marshal.dumps((kind, k, value))
    except ValueError:  # not plain data: a programming error, but never a reason to fail a run
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(_path(folder, kind, k), FORMAT + hashlib.sha256(payload).digest() + payload, what="cache")
    except (OSError, QuestionnaireError):
        return
    _prune(folder, kind)


def _prune(folder: Path, kind: str) -> None:
    """Keep the newest ``KEEP_PER_KIND`` files of ``kind`` (not of a kind whose name starts the same)."""
    mine = re.compile(re.escape(kind) + r"-[0-9a-f]{40}\.bin")
    try:
        olds = sorted((p for p in folder.iterdir() if mine.fullmatch(p.name)), key=lambda p: p.stat().st_mtime,
                      reverse=True)
        for p in olds[KEEP_PER_KIND:]:
            p.unlink()
    except OSError:
        pass


def cached(kind: str, k: str, build: Callable[[], Any]) -> Any:
    """The value under ``k``, else ``build()`` (stored for the next run)."""
    value = load(kind, k)
    if value is None:
        value = build()
        store(kind, k, value)
    return value


def read_bytes(path: Path) -> bytes:
    """A data file's bytes (for a key); an unreadable file is an InputFileError like a YAML problem."""
    from questionnaire.errors import InputFileError

    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise InputFileError(f"{path}: cannot read: {e.strerror}") from None


def yaml_load(text: str) -> Any:
    """``yaml.safe_load`` with libyaml's CSafeLoader when PyYAML has it (same result, ~10x faster)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError:
        if loader is yaml.SafeLoader:
            raise
    return yaml.safe_load(text)  # the pure-Python loader's error, with its line and message


class DataFileProblem(Exception):
    """A data file that cannot be read or is not valid YAML (the message is the reader's own)."""


def yaml_file(path: Path) -> Any:
    """A shipped YAML data file's content: parsed once, then read back from the cache while its bytes
    are unchanged (values marshal cannot hold, such as dates, are simply parsed every time).
    Raises DataFileProblem (an unreadable file, a YAML error) with the reader's message."""
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise DataFileProblem(str(e)) from None
    kind = "yaml-" + Path(path).stem

    def parse() -> Any:
        import yaml

        try:
            return yaml_load(raw.decode("utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            raise DataFileProblem(str(e)) from None

    return cached(kind, key(kind, raw), parse)

