"""A helper process for the residency scan: the scanned regions nothing else reads, collected on another core.

A run's time is mostly botocore's CPU work (a client per service and region, signing, parsing), and the
threads of one process share one core. The scan reads ~20 regions with three clients each, so the regions
where no other check reads are collected by a forked copy of the run while this process does the rest.

Only where forking is safe and worth it: Linux (macOS's system libraries are not fork-safe), one account,
no thread but the calling one (a fork copies that thread only: a lock another thread holds would stay held
in the copy), at least :data:`MIN_JOBS` (scan check, region) collections, and ``QUESTIONNAIRE_HELPER`` not
``off``.

The helper inherits the run by the fork (profile, read-only guard, recorder and its cache, emulators),
makes clients of its own (never this process's pooled connections), collects its jobs with its own
threads and sends back through a pipe what it collected and recorded: the new responses (cache entries),
call counts, operations per check, collector errors, or the QuestionnaireError a collector raised (raised
here). Merged, a call both processes made keeps this process's response, and the helper's references
point to it, so every call has one response and one bundle path. A helper that fails (no result, an
unreadable one) changes nothing but the time: its jobs are collected here.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NoReturn

from questionnaire.errors import QuestionnaireError
from questionnaire.findings import RawResponse

MIN_JOBS = 6  # fewer scan collections than this are not worth a fork
ENV = "QUESTIONNAIRE_HELPER"

Job = tuple[int, str]  # (unit index, region)


def helper_jobs(units: list[Any], scans: list[Job]) -> list[Job]:
    """The scan collections in regions where no other unit collects (nothing this process reads there)."""
    busy = {u.col_region for u in units}
    return [(i, r) for i, r in scans if r not in busy]


def usable(run: Any, jobs: list[Job]) -> bool:
    return (len(jobs) >= MIN_JOBS and run.accounts is None and sys.platform.startswith("linux") and hasattr(os, "fork")
            and threading.active_count() == 1 and os.environ.get(ENV, "").strip().lower() not in ("off", "0", "no", "false"))


def start(run: Any, units: list[Any], scans: list[Job], max_workers: int) -> Helper | None:
    """Fork the helper for :func:`helper_jobs` (None: not usable, or the fork failed)."""
    jobs = helper_jobs(units, scans)
    if not usable(run, jobs):
        return None
    before = (dict(run.recorder.calls), len(run.errors))
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:
        os.close(read_end)
        _serve(run, units, jobs, max_workers, write_end, before)
    os.close(write_end)
    return Helper(pid, read_end, jobs)


def _serve(run: Any, units: list[Any], jobs: list[Job], max_workers: int, fd: int, before: tuple) -> NoReturn:
    """The helper's whole life: collect, send, exit (``os._exit``: none of the parent's exit handlers run twice)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent reports it, the helper just ends
        run.forget_clients()
        got: dict[Job, Any] = {}

        def one(job: Job) -> None:
            got[job] = run.collect_one(units[job[0]], job[1])

        try:
            with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="helper") as pool:
                for f in [pool.submit(one, j) for j in jobs]:
                    f.result()
            payload: tuple = ("ok", got, _recorded(run, before))
        except QuestionnaireError as e:
            payload = ("raise", e)
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        code = 0
    finally:
        os._exit(code)


def _recorded(run: Any, before: tuple) -> tuple:
    """What the helper knows and did since the fork: every response by cache key (also those the parent had made,
    which the helper's collectors may have been given), call counts, operations per check, collector errors."""
    calls, n_errors = before
    rec = run.recorder
    counts = {k: n - calls.get(k, 0) for k, n in rec.calls.items() if n != calls.get(k, 0)}
    return dict(rec._cache), counts, rec.operations_by_check, run.errors[n_errors:]


class Helper:
    """The parent's handle on a forked helper."""

    def __init__(self, pid: int, fd: int, jobs: list[Job]) -> None:
        self.pid, self.fd, self.jobs = pid, fd, jobs

    def others(self, scans: list[Job]) -> list[Job]:
        """The scan collections left to this process."""
        mine = set(self.jobs)
        return [j for j in scans if j not in mine]

    def join(self, run: Any) -> tuple[dict[Job, Any], list[Job]]:
        """(what the helper collected, the jobs to collect here because it failed), its recording merged into ``run``."""
        try:
            with os.fdopen(self.fd, "rb") as src:
                data = src.read()
        finally:
            self._reap()
        try:
            payload = pickle.loads(data) if data else None
        except Exception:  # noqa: BLE001 - cut short: collected here instead
            payload = None
        if payload is None:
            return {}, list(self.jobs)
        if payload[0] == "raise":
            raise payload[1]
        _, got, recorded = payload
        merge(run, got, recorded)
        return got, []

    def abandon(self) -> None:
        """This process failed: stop the helper, keep nothing of it."""
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.close(self.fd)
        except OSError:
            pass
        self._reap()

    def _reap(self) -> None:
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def merge(run: Any, got: dict[Job, Any], recorded: tuple) -> None:
    """Add the helper's recording to the run's. A response the run has too (made before the fork, or by both
    processes) stays the run's: ``got`` is re-pointed to it."""
    responses, counts, operations, errors = recorded
    rec = run.recorder
    same: dict[int, RawResponse] = {}
    with rec._lock:
        for key, raw in responses.items():
            mine = rec._cache.get(key)
            if mine is None:
                rec._cache[key] = raw
                rec.raw.append(raw)
            else:
                same[id(raw)] = mine
        rec.calls.update(counts)
        for check_id, ops in operations.items():
            rec.operations_by_check.setdefault(check_id, set()).update(ops)
    run.errors.extend(errors)
    if same:
        for job in got:
            got[job] = _repoint(got[job], same)


def _repoint(value: Any, same: dict[int, RawResponse]) -> Any:
    """``value`` with every response in ``same`` (by identity) replaced by its counterpart; lists and dicts in place."""
    if isinstance(value, RawResponse):
        return same.get(id(value), value)
    if isinstance(value, dict):
        for k, v in value.items():
            value[k] = _repoint(v, same)
    elif isinstance(value, list):  # also Pages (its attributes stay)
        value[:] = [_repoint(v, same) for v in value]
    elif isinstance(value, tuple):
        return tuple(_repoint(v, same) for v in value)
    return value
