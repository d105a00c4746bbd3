"""Command line (typer). The only place that prints, exits, or maps errors to exit codes.

Heavy libraries (boto3, openpyxl, docx, moto) are imported inside the commands
that need them so that `--help` and `validate` start fast.

Exit codes: 0 success; 1 a verified problem (FAIL findings, tampered bundle);
2 user error or could not run.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn, Optional

import typer

from questionnaire import TOOL_NAME, __version__
from questionnaire.errors import ProfileInvalid, QuestionnaireError

app = typer.Typer(
    name=TOOL_NAME,
    help=(
        "Answer AI security questionnaires from facts declared once in profile.yaml "
        "and verified read-only against the live AWS account.\n\n"
        "Typical flow: validate -> check --bundle -> verify -> answers / fill."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def err(message: str) -> None:
    """One line on stderr."""
    typer.echo(message, err=True)


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


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"{TOOL_NAME} {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Answer AI security questionnaires from a verified deployment profile."""


# --------------------------------------------------------------------------- validate / schema


@app.command()
def validate(
    profile: Path = typer.Argument(..., help="The deployment profile (profile.yaml).", show_default=False),
) -> None:
    """Validate a profile; report every problem as FILE:LINE: field.path: message.

    Exit 0 when valid (warnings are printed but do not fail), 2 when invalid.
    """
    from questionnaire.profile import check_profile

    try:
        loaded, problems, _ = check_profile(profile)
    except QuestionnaireError as e:
        fail(e)
    for p in problems:
        err(str(p))
    errors = [p for p in problems if p.severity == "error"]
    if errors or loaded is None:
        err(f"{profile}: {len(errors)} error(s); profile is not valid")
        raise typer.Exit(2)
    n_dep = len(loaded.deployments)
    warn = len(problems)
    typer.echo(
        f"{profile}: valid (version {loaded.version}, {n_dep} deployment(s), "
        f"{len(loaded.data_classification)} data categories{f', {warn} warning(s)' if warn else ''})"
    )


@app.command()
def schema(
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout."),
) -> None:
    """Print the profile's JSON Schema (for editor completion and CI)."""
    import json

    from questionnaire.profile import json_schema

    text = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
        err(f"wrote {output}")
    else:
        sys.stdout.write(text)


# --------------------------------------------------------------------------- commands added by later work
# (check, iam-policy, verify, answers, policy, fill, scan-repo, compliance, demo)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
