"""Environment patching for the emulators (AWS, Google Cloud, OpenAI/Anthropic): one helper, no cycle."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


@contextmanager
def patched_environ(values: dict[str, str], remove: tuple[str, ...] = ()) -> Iterator[None]:
    """Set ``values`` and unset ``remove`` in os.environ; restore everything on exit."""
    import os

    saved = {k: os.environ.get(k) for k in set(values) | set(remove)}
    try:
        for k in remove:
            os.environ.pop(k, None)
        os.environ.update(values)
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
