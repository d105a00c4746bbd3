"""The files a profile may list under ``documents:``: regular files inside the profile's folder.

Both ``validate`` (one problem per refused entry) and ``check --bundle`` (which
copies the files into the evidence bundle) go through :func:`read_document`, so
the bundle can never carry ``/etc/passwd``, ``/proc/self/environ``, a file
reached through a symbolic link pointing outside the folder, a device or a FIFO, nor a hidden file
(``.git/config`` holds CI tokens) or a credentials file (``.env``, ``*.pem``, ``secrets/``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from questionnaire.errors import InputFileError

MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


def document_refusal(base_dir: Path, rel: str) -> tuple[Path | None, str | None]:
    """``(resolved path, None)`` when ``rel`` may be bundled, else ``(None, why not)``."""
    if not rel or "\x00" in rel:
        return None, "empty or invalid path"
    base = Path(base_dir).resolve()
    raw = Path(rel)
    if raw.is_absolute():
        return None, f"absolute path {rel!r} refused: documents must be files inside the profile's folder"
    try:
        target = (base / raw).resolve(strict=True)
    except FileNotFoundError:
        return None, f"file not found: {rel} (relative to the profile)"
    except (OSError, RuntimeError) as e:  # loops, permission
        return None, f"{rel}: cannot be resolved ({getattr(e, 'strerror', None) or e})"
    if target != base and base not in target.parents:
        return None, f"{rel} resolves outside the profile's folder ({target}); refused"
    inside = target.relative_to(base).as_posix()
    if any(part.startswith(".") for part in inside.split("/")):
        return None, f"{rel} is a hidden file or inside a hidden folder (.git, .env, .aws, ...); refused"
    from questionnaire.repo_scan import is_sensitive_path

    if is_sensitive_path(inside):
        return None, f"{rel} looks like a credentials file (.env, *.pem, *.key, credentials*, secrets/); refused"
    try:
        st = os.stat(target)
    except OSError as e:
        return None, f"{rel}: cannot be read ({e.strerror})"
    if not stat.S_ISREG(st.st_mode):
        return None, f"{rel} is not a regular file (directory, device or FIFO); refused"
    return target, None


def read_document(base_dir: Path, rel: str) -> bytes:
    """The bytes of a ``documents:`` entry, refusing anything but a regular file inside ``base_dir``."""
    target, why = document_refusal(base_dir, rel)
    if target is None:
        raise InputFileError(f"{rel}: document listed in the profile refused: {why}")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(target, flags)
    except OSError as e:
        raise InputFileError(f"{rel}: document listed in the profile cannot be read: {e.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())  # the file opened, not the name checked (no swap in between)
        if not stat.S_ISREG(st.st_mode):
            raise InputFileError(f"{rel}: document listed in the profile is not a regular file; refused")
        if st.st_size > MAX_DOCUMENT_BYTES:
            raise InputFileError(f"{rel}: document is {st.st_size:,} bytes; at most {MAX_DOCUMENT_BYTES:,} are bundled")
        return fh.read(MAX_DOCUMENT_BYTES + 1)
