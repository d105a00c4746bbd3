"""Progress of a long run on stderr: accounts done / total, API calls and errors, at most every few seconds."""

from __future__ import annotations

import threading
import time
from typing import Callable


class Progress:
    def __init__(self, total: int, emit: Callable[[str], None] | None, *, calls: Callable[[], int] = lambda: 0,
                 every: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.emit, self.calls, self.every, self.clock = total, emit, calls, every, clock
        self.done = 0
        self.errors = 0
        self._lock = threading.Lock()
        self._last = clock()

    def error(self, n: int = 1) -> None:
        with self._lock:
            self.errors += n

    def line(self) -> str:
        return f"accounts {self.done}/{self.total} done, {self.calls():,} API calls, {self.errors} error(s)"

    def account_done(self) -> None:
        with self._lock:
            self.done += 1
            now = self.clock()
            due = self.done == self.total or now - self._last >= self.every
            if due:
                self._last = now
        if due and self.emit is not None:
            self.emit(self.line())
