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
        from questionnaire.errors import OutputError

        try:
            output.write_text(text, encoding="utf-8")
        except OSError as e:
            fail(OutputError(f"cannot write {output}: {e.strerror or e}"))
        err(f"wrote {output}")
    else:
        sys.stdout.write(text)


# --------------------------------------------------------------------------- verify (evidence bundle)


@app.command()
def verify(
    bundle: Path = typer.Argument(..., help="The evidence bundle (.zip) written by `check --bundle`.", show_default=False),
    key: Optional[Path] = typer.Option(
        None, "--key", help="Ed25519 public key (PEM) to check the bundle's signature (needs the [sign] extra)."
    ),
) -> None:
    """Check a bundle's integrity: every file against SHA256SUMS and manifest.json, and the signature.

    Exit 0 with a summary (who, when, what) when intact; 1 naming each problem when
    a file was modified, added, removed or renamed, or the zip is hostile or broken.
    Nothing is extracted to disk.
    """
    from questionnaire.bundle import load_bundle
    from questionnaire.errors import BundleError

    try:
        b = load_bundle(bundle, key=key)
    except BundleError as e:
        for p in e.problems:
            err(f"error: {p}")
        err(f"{bundle}: NOT intact ({len(e.problems)} problem(s))")
        raise typer.Exit(1)
    except QuestionnaireError as e:
        fail(e)
    pred = b.predicate
    counts = pred.get("findings_summary") or {}
    who = b.identity
    sig = "signature valid" if b.signature_checked else ("signed, signature not checked (pass --key)" if b.signed else "not signed")
    typer.echo(f"{bundle}: intact ({len(b.files)} files, manifest sha256 {b.digest[:16]}..., {sig})")
    typer.echo(f"  who:  {b.profile.organization.name}; account {who.get('account') or '?'} as {who.get('arn') or '?'}")
    typer.echo(f"  when: {b.started or '?'} to {b.ended or '?'}")
    typer.echo(
        f"  what: {len(pred.get('check_ids') or [])} checks in {', '.join(b.regions) or 'no regions'}: "
        f"{counts.get('PASS', 0)} PASS, {counts.get('FAIL', 0)} FAIL, {counts.get('UNKNOWN', 0)} UNKNOWN; "
        f"{pred.get('redactions_total', 0)} value(s) redacted"
    )
    if pred.get("emulated"):
        typer.echo(f"  note: {len(pred['emulated'])} operation(s) were answered by an AWS emulator, not a real account")


def _bundle_prepare(bundle: Optional[Path], loaded, sign: Optional[Path]):
    """For `check --bundle`: validate the output path and load the signing key BEFORE calling AWS.

    Returns the signing key object (or None). Raises QuestionnaireError subclasses.
    """
    if sign is not None and bundle is None:
        from questionnaire.errors import UserInputError

        raise UserInputError("--sign needs --bundle OUT.zip (the signature covers the bundle's manifest)")
    if bundle is None:
        return None
    from questionnaire.bundle import check_output_path, load_signing_key

    check_output_path(bundle, loaded)
    return load_signing_key(sign) if sign is not None else None


def _bundle_write(bundle: Path, loaded, run, *, mask_account: bool, sign_key) -> None:
    """For `check --bundle`: write the bundle and say so on stderr (stdout stays the findings table)."""
    from questionnaire.bundle import write_bundle

    path = write_bundle(bundle, loaded, run, mask_account=mask_account, sign_key=sign_key)
    err(f"wrote evidence bundle {path} ({path.stat().st_size:,} bytes{', signed' if sign_key is not None else ''})")


# --------------------------------------------------------------------------- fill


@app.command()
def fill(
    questionnaire: Path = typer.Argument(..., help="The customer's .xlsx/.xlsm/.docx questionnaire (never modified).", show_default=False),
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the filled copy (same extension).", show_default=False),
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="Verified evidence bundle (answers are verified)."),
    profile: Optional[Path] = typer.Option(None, "--profile", help="Profile only (answers are declared: all need review)."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write the review report here: .json, .xlsx or .html (by extension)."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="Only this sheet (also a hidden one)."),
    question_col: Optional[str] = typer.Option(None, "--question-col", help="Column letter of the questions."),
    answer_col: Optional[str] = typer.Option(None, "--answer-col", help="Column letter of the answers."),
    comment_col: Optional[str] = typer.Option(None, "--comment-col", help="Column letter for explanations."),
    header_row: Optional[int] = typer.Option(None, "--header-row", min=1, help="Row number of the header row."),
    library: Optional[Path] = typer.Option(None, "--library", help="Answer library (library.yaml) for what the catalog does not answer."),
    library_unapproved: str = typer.Option("review", "--library-unapproved", help="Unapproved or stale library answers: review (written, needs_review) or skip (left empty)."),
) -> None:
    """Fill a customer's questionnaire into a new file; leave what cannot be answered empty.

    Exit 0 on success, 2 on error.
    """
    from questionnaire.errors import BundleError, UserInputError

    try:
        if (bundle is None) == (profile is None):
            raise UserInputError("give exactly one of --bundle B.zip (verified) or --profile P (declared)")
        from questionnaire.documents.excel import Overrides
        from questionnaire.fill import fill as run_fill

        if bundle is not None:
            from questionnaire.bundle import load_bundle

            try:
                b = load_bundle(bundle)
            except BundleError as e:
                detail = "; ".join(e.problems) if len(e.problems) > 1 else str(e)
                raise UserInputError(f"bundle does not verify ({detail}); run `questionnaire verify {bundle}`") from e
            prof, findings, source = b.profile, b.findings, "bundle"
        else:
            from questionnaire.profile import load_profile

            prof, findings, source = load_profile(profile).profile, None, "profile"
        overrides = Overrides(sheet, question_col, answer_col, comment_col, header_row)
        from questionnaire.library_match import open_library

        lib = open_library(library, library_unapproved) if library is not None else None
        result = run_fill(
            questionnaire, output, profile=prof, findings=findings, source=source, overrides=overrides, report_path=report,
            library=lib,
        )
    except QuestionnaireError as e:
        if e.exit_code != 2:
            err(f"error: {e}")
            raise typer.Exit(2)
        fail(e)
    c = result.counts()
    typer.echo(
        f"{questionnaire}: {c['found']} questions found, {c['answered']} answered, "
        f"{c['needs_review']} need review, {c['left_empty']} left empty"
        + (f", {c['already_filled']} already filled (unchanged)" if c["already_filled"] else "")
    )
    for line in result.detection_lines():
        typer.echo(line)
    if c["found"] == 0:
        err("no questions found; point at them with --sheet, --header-row, --question-col and --answer-col")
    if source == "profile":
        typer.echo("answers come from the profile only (declared, not verified): every written answer needs review")
    review = [it for it in result.items if it.status == "needs_review"]
    empty = [it for it in result.items if it.status == "unanswered" and not it.kept]
    def _locations(items: list, limit: int = 40) -> str:
        shown = ", ".join(it.location for it in items[:limit])
        return shown + (f", ... and {len(items) - limit} more (see --report)" if len(items) > limit else "")

    if review:
        typer.echo("needs review: " + _locations(review))
    if empty:
        typer.echo("left empty (answer by hand): " + _locations(empty))
    typer.echo(f"wrote {output}" + (f" and review report {report}" if report else ""))


# --------------------------------------------------------------------------- answers / policy


def _answer_inputs(bundle: Optional[Path], profile: Optional[Path]):
    """(profile, findings, source, meta-kwargs, input paths) from --bundle or --profile."""
    from questionnaire.errors import UserInputError

    if (bundle is None) == (profile is None):
        raise UserInputError("give exactly one of --bundle B.zip (verified) or --profile P (declared)")
    if bundle is not None:
        from questionnaire.bundle import load_bundle

        b = load_bundle(bundle)
        return b.profile, b.findings, "bundle", {"bundle_digest": b.digest}, (bundle,)
    from questionnaire.profile import load_profile

    loaded = load_profile(profile)
    return loaded.profile, None, "profile", {"profile_sha256": loaded.sha256}, (profile,)


@app.command()
def answers(
    output: Path = typer.Option(..., "-o", "--output", help="Output file: .xlsx, .docx, .md or .json.", show_default=False),
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="Verified evidence bundle (answers are verified)."),
    profile: Optional[Path] = typer.Option(None, "--profile", help="Profile only (answers are declared, not verified)."),
    library: Optional[Path] = typer.Option(None, "--library", help="Also include the answer library (library.yaml)."),
) -> None:
    """Write the complete standard answer set; the format follows the extension of -o.

    Exit 0 on success, 2 on error.
    """
    try:
        from questionnaire.answers import build_answers, summary
        from questionnaire.documents.export import ExportMeta, export_answers

        prof, findings, source, extra, inputs = _answer_inputs(bundle, profile)
        result = build_answers(prof, findings, source=source)
        if library is not None:
            from questionnaire.library import as_answers, load_library

            result += as_answers(load_library(library))
            inputs += (library,)
        meta = ExportMeta(
            organization=prof.organization.name,
            product=prof.organization.product,
            source=source,
            tool_version=__version__,
            **extra,
        )
        export_answers(result, output, meta=meta, findings=findings, inputs=inputs)
    except QuestionnaireError as e:
        if e.exit_code != 2:
            err(f"error: {e}")
            raise typer.Exit(2)
        fail(e)
    s = summary(result)
    typer.echo(
        f"{s['total']} answers: {s['verified']} verified, {s['contradicted']} contradicted, "
        f"{s['declared']} declared, {s['not_applicable']} not applicable; {s['needs_review']} need review"
    )
    if source == "profile":
        typer.echo("answers come from the profile only: declared, not verified")
    typer.echo(f"wrote {output}")


@app.command()
def policy(
    output: Path = typer.Option(..., "-o", "--output", help="Output file: .docx or .md.", show_default=False),
    profile: Path = typer.Option(..., "--profile", help="The deployment profile (profile.yaml).", show_default=False),
) -> None:
    """Write the company's one-page AI-use policy, generated from the profile.

    Exit 0 on success, 2 on error.
    """
    try:
        from questionnaire.policy import write_policy
        from questionnaire.profile import load_profile

        write_policy(load_profile(profile).profile, output, inputs=(profile,))
    except QuestionnaireError as e:
        fail(e)
    typer.echo(f"wrote {output}")


# --------------------------------------------------------------------------- scan-repo


@app.command("scan-repo")
def scan_repo_cmd(
    paths: list[Path] = typer.Argument(..., help="Repository checkouts to scan.", show_default=False, metavar="PATH"),
    json_out: Optional[Path] = typer.Option(
        None, "--json", metavar="OUT", help="Write the findings (and masked evidence) as JSON."
    ),
    tool: Optional[list[str]] = typer.Option(
        None, "--tool", metavar="NAME", help="A coding tool to check exclusions for, e.g. 'Claude Code', 'Cursor' (repeatable). "
        "Default: the tools configured in each repository."
    ),
) -> None:
    """Scan repositories for secrets in tracked files and for secrets exposed to coding agents.

    Never prints a secret (masked). Exit 0 no FAIL, 1 at least one FAIL, 2 could not run.
    """
    import json as _json

    from questionnaire.findings import findings_document
    from questionnaire.repo_scan import scan_paths

    show = sys.stderr.isatty()

    def progress(subject: str, done: int, total: int) -> None:
        if show and total >= 2000:
            sys.stderr.write(f"\r{subject}: {done}/{total} files" + ("\n" if done == total else ""))
            sys.stderr.flush()

    try:
        findings, raws = scan_paths(list(paths), list(tool or []), progress=progress)
        if json_out is not None:
            doc = findings_document(findings, evidence={r.path: r.response for r in raws})
            try:
                json_out.write_text(_json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
            except OSError as e:
                from questionnaire.errors import OutputError

                raise OutputError(f"{json_out}: cannot write ({e.strerror or e})") from e
    except QuestionnaireError as e:
        fail(e)
    for f in findings:
        typer.echo(f"{f.status.value:<7} {f.check_id} [{f.subject}] {f.message}")
    if json_out is not None:
        err(f"wrote {json_out}")
    raise typer.Exit(1 if any(f.status.value == "FAIL" for f in findings) else 0)


# --------------------------------------------------------------------------- check / iam-policy (AWS verification)


_STATUS_STYLE = {"PASS": "green", "FAIL": "bold red", "UNKNOWN": "yellow"}


def _print_findings_table(findings) -> None:
    """Findings grouped by deployment, coloured by status (rich; plain text when not a terminal)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=False, width=None if sys.stdout.isatty() else 160)
    by_dep: dict = {}
    for f in findings:
        by_dep.setdefault(f.deployment or "-", []).append(f)
    for dep, items in by_dep.items():
        table = Table(title=f"deployment: {dep}", title_justify="left", show_lines=False)
        table.add_column("status", no_wrap=True, min_width=7)
        table.add_column("check", overflow="fold", ratio=2)
        table.add_column("region", no_wrap=True, min_width=9)
        table.add_column("message", ratio=3)
        for f in items:
            s = f.status.value
            check = f.check_id + (f" [{f.subject}]" if f.subject else "")
            table.add_row(f"[{_STATUS_STYLE[s]}]{s}[/]", check, f.region or "global", f.message, style=None)
        console.print(table)


@app.command()
def check(
    profile: Path = typer.Argument(..., help="The deployment profile (profile.yaml).", show_default=False),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the findings as JSON (contract shape) here."),
    region: Optional[list[str]] = typer.Option(None, "--region", help="Check only this region (repeatable)."),
    # ---- evidence bundle options (bundle engineer: extend here)
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="Write the evidence bundle (.zip) here."),
    mask_account: bool = typer.Option(False, "--mask-account", help="Mask the account id in the bundle."),
    sign: Optional[Path] = typer.Option(None, "--sign", help="Ed25519 private key (PEM) to sign the bundle."),
) -> None:
    """Verify the profile read-only against the live AWS account (standard boto3 credential chain).

    Honours AWS_PROFILE, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>.
    Exit 0 no FAIL, 1 at least one FAIL, 2 could not run.
    """
    import json

    from questionnaire.findings import findings_document, summarize
    from questionnaire.profile import load_profile

    try:
        loaded = load_profile(profile)
        sign_key = _bundle_prepare(bundle, loaded, sign)
        from questionnaire.checks import run_checks

        progress = err if sys.stderr.isatty() else None
        run = run_checks(loaded, regions=list(region) if region else None, progress=progress)
        if json_out is not None:
            doc = findings_document(
                run.findings, identity=run.identity, started=run.started, ended=run.ended, regions=run.regions
            )
            try:
                json_out.write_text(json.dumps(doc, indent=2, sort_keys=False) + "\n", encoding="utf-8")
            except OSError as e:
                from questionnaire.errors import OutputError

                raise OutputError(f"{json_out}: cannot write findings: {e.strerror}") from None
        if bundle is not None:
            _bundle_write(bundle, loaded, run, mask_account=mask_account, sign_key=sign_key)
    except QuestionnaireError as e:
        fail(e)
    _print_findings_table(run.findings)
    for e in run.errors:
        err(f"warning: {e}")
    c = summarize(run.findings)
    typer.echo(f"{c['PASS']} PASS, {c['FAIL']} FAIL, {c['UNKNOWN']} UNKNOWN")
    if json_out is not None:
        err(f"wrote {json_out}")
    raise typer.Exit(1 if c["FAIL"] else 0)


@app.command("iam-policy")
def iam_policy_cmd() -> None:
    """Print the least-privilege IAM policy `check` needs (generated from the checks' declared actions)."""
    import json

    from questionnaire.checks import iam_policy

    typer.echo(json.dumps(iam_policy(), indent=2))


@app.command("gcp-role")
def gcp_role_cmd() -> None:
    """Print the least-privilege Google Cloud custom role the Vertex AI checks need (for `gcloud iam roles create --file`)."""
    import json

    from questionnaire.checks.gcp import custom_role

    typer.echo(json.dumps(custom_role(), indent=2))


@app.command()
def compliance(
    framework: str = typer.Option(..., "--framework", help="Framework: soc2, iso27001, iso42001, nist-ai-rmf, eu-ai-act, gdpr, hipaa, caiq, ai-caiq, hecvat, hecvat3."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write .md, .xlsx or .json (default: Markdown to stdout)."),
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="Verified evidence bundle (check status from its findings)."),
    profile: Optional[Path] = typer.Option(None, "--profile", help="Profile only (declared, checks not run)."),
) -> None:
    """Per control of a framework: supporting checks and answers, their status, and controls not covered."""
    try:
        from questionnaire.answers import build_answers
        from questionnaire.compliance import compliance_report, markdown, write_report
        from questionnaire.mapping import framework as load_framework

        fw = load_framework(framework)
        prof, findings, source, _extra, _inputs = _answer_inputs(bundle, profile)
        rep = compliance_report(fw, findings, build_answers(prof, findings, source=source))
        if output is not None:
            write_report(rep, output)
    except QuestionnaireError as e:
        fail(e)
    covered = len(rep["controls"]) - len(rep["not_covered"])
    if output is None:
        typer.echo(markdown(rep), nl=False)
    else:
        typer.echo(f"{fw.title} {fw.version}: {covered} of {len(rep['controls'])} controls covered; wrote {output}")


# --------------------------------------------------------------------------- demo (offline, emulated AWS account)


@app.command()
def demo(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for the demo's outputs (created if missing)."),
    drift: bool = typer.Option(False, "--drift", help="Seed the emulated account with drift: FAILs, answers to review."),
) -> None:
    """Run the whole pipeline offline on an emulated AWS account (needs the [demo] extra).

    check --bundle, verify, answers (xlsx, docx) and fill on the sample questionnaires,
    then a short tour. Exit 0 when the demo ran (also with --drift), 2 when it could not.
    """
    from questionnaire.demo import run_demo

    try:
        r = run_demo(out, drift=drift, on_step=err)
    except QuestionnaireError as e:
        fail(e)
    check = r.step("check")
    label = "DRIFTED (--drift)" if r.drift else "compliant"
    typer.echo("")
    typer.echo(f"== Demo: the example profile (evidence/examples/acme/profile.yaml) against an EMULATED {label} AWS account")
    typer.echo(f"   moto server {r.endpoints.get('moto')}; Bedrock stand-in {r.endpoints.get('bedrock')} "
               f"(guardrails, models, inference profiles: {len(r.standin_served)} calls)")
    typer.echo(f"   EMULATED: {len(r.emulated)} operation(s) answered by an emulator (AWS, Google Cloud), recorded as such in the bundle manifest")
    typer.echo("")
    typer.echo(f"1. Checked ({' '.join(check.argv[:2])} ... --bundle): {r.check_ids} checks, "
               f"{r.findings.get('PASS', 0)} PASS, {r.findings.get('FAIL', 0)} FAIL, {r.findings.get('UNKNOWN', 0)} UNKNOWN; "
               f"check exit code {check.exit_code}" + (" (1 = drift found: a CI gate would fail here)" if check.exit_code == 1 else ""))
    for fid, msg in r.failed:
        typer.echo(f"     FAIL    {fid}: {msg}")
    for fid, msg in r.unknown[:8]:
        typer.echo(f"     UNKNOWN {fid}: {msg}")
    typer.echo(f"2. Verified the bundle: {r.step('verify').output.strip().splitlines()[0]}")
    typer.echo(f"3. Standard answers: {r.answer_counts.get('total', 0)} answers, {r.answer_counts.get('needs_review', 0)} need review"
               + (f", {r.answer_counts['contradicted']} contradicted by the account" if r.answer_counts.get("contradicted") else ""))
    typer.echo("4. Filled the sample customer questionnaires:")
    for kind in ("xlsx", "docx"):
        typer.echo(f"     {kind}: {r.step(f'fill-{kind}').output.strip().splitlines()[0]}")
    typer.echo("")
    typer.echo("Outputs:")
    for labelname, path in r.files.items():
        typer.echo(f"  {labelname:<28} {path}")
    typer.echo("")
    review = r.review.get("xlsx", [])
    typer.echo(f"Left for review in the filled xlsx ({len(review)}):")
    for it in review:
        typer.echo(f"  {it['location']}: {it['why']}  [{it['question'][:70]}]")
    empty = r.left_empty.get("xlsx", [])
    typer.echo(f"Left empty on purpose ({len(empty)}, not about the AI deployment: no standard answer; answer by hand):")
    for it in empty:
        typer.echo(f"  {it['location']}: {it['question'][:90]}")
    typer.echo("")
    typer.echo(f"Done in {r.seconds:.1f} s. Everything above ran against an emulator, not a real AWS account.")
    if not r.drift:
        typer.echo("Try `questionnaire demo --drift` to see drift: FAILs, answers marked for review, check exit code 1.")


# --------------------------------------------------------------------------- commands added by later work
# (check, iam-policy, verify, answers, policy, fill, scan-repo, compliance, demo)


from questionnaire.cli_library import library_app  # noqa: E402  (library import / check)

app.add_typer(library_app, name="library")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
