"""THE one way the tool writes an output file: all or nothing.

:func:`atomic_write` writes into a temp file in the target's folder, fsyncs it, lets the caller verify
it, gives it the mode a normal file would get under the umask, and moves it into place with
``os.replace``. On any error (also a full disk, a read-only folder, Ctrl-C, or SIGTERM once
:func:`terminate_cleanly` is installed) the temp file is removed and the target is untouched. It never
replaces one of the command's input files (also not through a link).
"""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Union

from questionnaire.errors import OutputError

Content = Union[bytes, str, Callable[[Path], None]]


def check_target(out: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """Refuse early what can never be written: an input file, a folder, a missing or read-only folder."""
    out = Path(out)
    for i in inputs:
        i = Path(i)
        same = os.path.abspath(i) == os.path.abspath(out)
        if not same and out.exists() and i.exists():
            try:
                same = os.path.samefile(i, out)
            except OSError:
                same = False
        if same:
            raise OutputError(f"{out}: the output must not be an input file ({i}); choose another output path")
    if out.is_dir():
        raise OutputError(f"{out}: is a folder; give a file name")
    if not out.parent.is_dir():
        raise OutputError(f"{out}: cannot write: folder does not exist; create it first")
    if not os.access(out.parent, os.W_OK | os.X_OK):
        raise OutputError(f"{out}: cannot write: folder {out.parent} is not writable")
    return out


def _mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(
    out: str | Path,
    content: Content,
    *,
    inputs: Iterable[str | Path] = (),
    verify: Callable[[Path], None] | None = None,
    what: str = "output",
) -> Path:
    """Write ``content`` (bytes, text, or ``fn(tmp_path)``) to ``out`` atomically; return ``out``."""
    inputs = tuple(inputs)
    out = check_target(out, inputs)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as e:
        raise OutputError(f"{out}: cannot write {what}: {e.strerror or e}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(content, (bytes, bytearray)):
                fh.write(content)
            elif isinstance(content, str):
                fh.write(content.encode("utf-8"))
        if callable(content):
            content(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        if verify is not None:
            verify(tmp)
        check_target(out, inputs)  # last look: an input may have been swapped in for the output meanwhile
        os.chmod(tmp, _mode())  # mkstemp makes 0600; the output gets a normal file's mode
        os.replace(tmp, out)
        _fsync_dir(out.parent)
    except OSError as e:
        failure = f"{out}: cannot write {what}: {e.strerror or e}"
        _release(e)
        raise OutputError(failure) from None
    finally:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass
    return out


def _release(exc: BaseException) -> None:
    """Free what a failed writer left open (e.g. a zip file on a full disk) now, quietly: otherwise its
    ``__del__`` fails again at exit and prints a traceback after our one-line error."""
    import gc
    import sys

    hook = sys.unraisablehook
    sys.unraisablehook = lambda *_: None
    try:
        tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
        while tb is not None:
            try:
                tb.tb_frame.clear()
            except RuntimeError:  # a frame still running
                pass
            tb = tb.tb_next
        exc.__traceback__ = None
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Terminated(SystemExit):
    """Raised in the main thread on SIGTERM so that every ``finally`` (temp files) runs."""


def terminate_cleanly() -> None:
    """Turn SIGTERM into an exception (exit 143) instead of an abrupt stop; main thread only."""

    def _raise(signum, frame):  # noqa: ARG001
        raise Terminated(128 + signum)

    try:
        signal.signal(signal.SIGTERM, _raise)
    except ValueError:  # not the main thread
        pass
