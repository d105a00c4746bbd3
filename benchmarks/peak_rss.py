"""Peak RSS of a fresh process, as GNU time reads it.

``os.wait4``'s ru_maxrss of a child forked from a benchmark process that already holds tens of MiB
(openpyxl, boto3, a seeded emulator's clients) counts the forked image before ``exec``, so it never reads
below the benchmark itself. GNU time is a small process: the peak it reports is the command's own
(its waited-for children included). Without GNU time, the wait4 figure is used.
"""

from __future__ import annotations

import os
from pathlib import Path

GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def wrap(argv: list[str], report: Path) -> list[str]:
    """``argv`` run under GNU time, which writes the peak RSS (KiB) into ``report``; ``argv`` without it."""
    return [GNU_TIME, "-o", str(report), "-f", "%M", *argv] if GNU_TIME else list(argv)


def read(report: Path, wait4_maxrss_kib: float) -> float:
    """The peak RSS in MiB: GNU time's figure when it wrote one, else wait4's."""
    try:
        last = Path(report).read_text().strip().splitlines()[-1]  # after "Command exited with non-zero status N"
        return int(last) / 1024
    except (OSError, IndexError, ValueError):
        return wait4_maxrss_kib / 1024
