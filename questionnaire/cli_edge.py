"""The one error edge of the command line: output helpers and the decorator that turns a command's
QuestionnaireError into one line (or the profile's problems) and its exit code, never a traceback."""

from __future__ import annotations

import functools
from typing import NoReturn

import typer

from questionnaire.errors import ProfileInvalid, QuestionnaireError
from questionnaire.terminal import clean


def err(message: str) -> None:
    """One line on stderr (control characters stripped: data never drives the terminal)."""
    typer.echo(clean(message), err=True)


def say(message: str = "", nl: bool = True) -> None:
    """stdout, control characters stripped."""
    typer.echo(clean(message), nl=nl)


def fail(exc: QuestionnaireError) -> NoReturn:
    if isinstance(exc, ProfileInvalid):
        for p in exc.problems:
            err(str(p))
    else:
        problems = getattr(exc, "problems", None)
        if problems and len(problems) > 1:
            for p in problems:
                err(f"error: {p}")
        else:
            err(f"error: {exc}")
    raise typer.Exit(exc.exit_code)


def edge(command):
    """THE error edge: a command's QuestionnaireError becomes one line (or the profile's problems) and
    its exit code (2 user error / could not run, 1 verified problem), never a traceback."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except QuestionnaireError as e:
            fail(e)

    return run


def skip_last_collection() -> None:
    """At exit, set everything alive aside (``gc.freeze``): the interpreter's last cycle collection over what a
    check run made (boto3 clients, sessions, service models), and freeing it, took ~0.1 s, for memory the
    operating system frees anyway. Registered once per process (the other exit handlers still run and the
    standard streams are still flushed)."""
    import atexit
    import gc

    if not getattr(skip_last_collection, "registered", False):
        atexit.register(gc.freeze)
        skip_last_collection.registered = True  # type: ignore[attr-defined]
