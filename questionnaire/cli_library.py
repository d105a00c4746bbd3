"""`questionnaire library import|check` (typer sub-app registered by cli.py; prints and exits like cli.py).

Exit codes: 0 ok / clean, 1 `check` found problems, 2 user error or could not run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from questionnaire.cli_edge import edge

library_app = typer.Typer(
    name="library",
    help="The company's answer library (library.yaml): import answered questionnaires, check the library.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@library_app.command("import")
@edge
def import_cmd(
    filled: list[Path] = typer.Argument(..., help="Questionnaires the company already answered (.xlsx/.xlsm/.docx).",
                                        show_default=False),
    output: Path = typer.Option(..., "-o", "--output", help="library.yaml to write (merged into when it exists).",
                                show_default=False),
    approved_by: Optional[str] = typer.Option(None, "--approved-by", help="Mark the imported answers approved by NAME."),
) -> None:
    """Turn answered questionnaires into library entries, merged into -o; conflicts are reported, not settled.

    Exit 0 on success, 2 on error.
    """
    from questionnaire.library import load_library, save_library
    from questionnaire.library_import import import_files

    existing = load_library(output) if output.exists() else None
    lib, rep = import_files(list(filled), existing, approved_by=approved_by)
    save_library(lib, output, inputs=tuple(filled))

    typer.echo(f"{len(rep.files)} file(s): {rep.questions} questions found, {rep.answered} answered; "
               f"{rep.new} new entries, {rep.same} duplicates merged, {rep.phrasings} rewordings merged as phrasings, "
               f"{len(rep.updated)} updated, {len(rep.conflicts)} conflicts")
    for line in rep.updated:
        typer.echo(f"updated: {line}")
    for line in rep.conflicts:
        typer.echo(f"conflict: {line}")
    approval = f"approved by {approved_by}" if approved_by else "unapproved (approve with --approved-by or approved_by:)"
    typer.echo(f"wrote {output} ({len(lib.entries)} entries; imported answers {approval})")


@library_app.command("check")
@edge
def check_cmd(
    library: Path = typer.Argument(..., help="The answer library (library.yaml).", show_default=False),
    profile: Optional[Path] = typer.Option(None, "--profile", help="Also report entries that contradict this profile."),
) -> None:
    """Report duplicates, conflicts, stale and unapproved entries (and contradictions with --profile).

    Exit 0 clean, 1 problems found, 2 invalid library or could not run.
    """
    from questionnaire.library import audit, load_library

    lib = load_library(library)
    prof = None
    if profile is not None:
        from questionnaire.profile import load_profile

        prof = load_profile(profile).profile
    issues = audit(lib, profile=prof)

    for i in issues:
        typer.echo(str(i))
    counts: dict[str, int] = {}
    for i in issues:
        counts[i.kind] = counts.get(i.kind, 0) + 1
    detail = ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no problems"
    typer.echo(f"{library}: {len(lib.entries)} entries; {detail}")
    raise typer.Exit(1 if issues else 0)


@library_app.command("schema")
@edge
def schema_cmd(
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the JSON Schema here instead of stdout."),
) -> None:
    """Print the JSON Schema of library.yaml (editor completion and CI validation). Exit 0, 2 on error."""
    import json

    from questionnaire.library import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
        return
    from questionnaire.documents.export import write_atomic

    write_atomic(output, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))

    typer.echo(f"wrote {output}")
