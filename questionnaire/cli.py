"""Command line (typer). The only place that prints, exits, or maps errors to exit codes.

Heavy libraries (boto3, openpyxl, docx, moto) are imported inside the commands
that need them so that `--help` and `validate` start fast.

Exit codes: 0 success; 1 a verified problem (FAIL findings, tampered bundle);
2 user error or could not run.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from questionnaire import TOOL_NAME, __version__

from questionnaire.service import check_regions as _check_regions
from questionnaire.service import prepare_bundle as _bundle_prepare
from questionnaire.cli_edge import edge, err, fail, say, skip_last_collection  # noqa: F401  (the one error edge)

app = typer.Typer(
    name=TOOL_NAME,
    help=(
        "Answer AI security questionnaires from facts declared once in profile.yaml "
        "and verified read-only against the live accounts (AWS, Azure, Google Cloud, OpenAI, Anthropic).\n\n"
        "Typical flow: validate -> check --bundle -> verify -> answers / fill."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


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
@edge
def validate(
    profile: Path = typer.Argument(..., help="The deployment profile (profile.yaml).", show_default=False),
) -> None:
    """Validate a profile; report every problem as FILE:LINE: field.path: message.

    Exit 0 when valid (warnings are printed but do not fail), 2 when invalid.
    """
    from questionnaire.profile import check_profile

    loaded, problems, _ = check_profile(profile)
    for p in problems:
        err(str(p))
    errors = [p for p in problems if p.severity == "error"]
    if errors or loaded is None:
        err(f"{profile}: {len(errors)} error(s); profile is not valid")
        raise typer.Exit(2)
    n_dep = len(loaded.deployments)
    warn = len(problems)
    say(
        f"{profile}: valid (version {loaded.version}, {n_dep} deployment(s), "
        f"{len(loaded.data_classification)} data categories{f', {warn} warning(s)' if warn else ''})"
    )


@app.command()
@edge
def schema(
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout."),
) -> None:
    """Print the profile's JSON Schema (for editor completion and CI)."""
    import json

    from questionnaire.profile import json_schema

    text = json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"
    if output:
        from questionnaire.atomic import atomic_write

        atomic_write(output, text, what="schema")
        err(f"wrote {output}")
    else:
        sys.stdout.write(text)


# --------------------------------------------------------------------------- verify (evidence bundle)


@app.command()
@edge
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
    from questionnaire.service import verify_lines

    for line in verify_lines(bundle, b):
        say(line)


# --------------------------------------------------------------------------- fill


@app.command()
@edge
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
    key: Optional[Path] = typer.Option(None, "--key", help="Ed25519 public key (PEM): check the bundle's signature (authenticity)."),
    require_signature: bool = typer.Option(False, "--require-signature", help="Refuse a bundle whose signature is not valid with --key."),
    library: Optional[Path] = typer.Option(None, "--library", help="Answer library (library.yaml) for what the catalog does not answer."),
    library_unapproved: str = typer.Option("review", "--library-unapproved", help="Unapproved or stale library answers: review (written, needs_review) or skip (left empty)."),
) -> None:
    """Fill a customer's questionnaire into a new file; leave what cannot be answered empty.

    Exit 0 on success, 2 on error.
    """
    import gc

    from questionnaire.documents.question import Overrides
    from questionnaire.fill import fill as run_fill

    if _ONE_PROCESS:  # the command is the whole process (main()): no cyclic collection while it fills (and none
        gc.disable()  # at exit: skip_last_collection below); it would only rescan the knowledge and every cell
    prof, findings, source, _extra, _inputs = _answer_inputs(bundle, profile, key, require_signature, recall=True)
    if report is not None:  # refuse an unwritable report BEFORE the filled file is written
        from questionnaire.atomic import check_target

        check_target(report, (questionnaire, output, *_inputs))
    overrides = Overrides(sheet, question_col, answer_col, comment_col, header_row)
    lib = None
    if library is not None:
        from questionnaire.library_match import open_library

        lib = open_library(library, library_unapproved)
    result = run_fill(
        questionnaire, output, profile=prof, findings=findings, source=source, overrides=overrides, report_path=report,
        library=lib,
    )
    from questionnaire.service import fill_lines

    for stream, line in fill_lines(questionnaire, result, source):
        (err if stream == "err" else say)(line)
    say(f"wrote {output}" + (f" and review report {report}" if report else ""))
    skip_last_collection()


# --------------------------------------------------------------------------- answers / policy


def _answer_inputs(bundle: Optional[Path], profile: Optional[Path], key: Optional[Path] = None, require_signature: bool = False,
                   recall: bool = False):
    """The one loader for "--bundle or --profile" (service.load_inputs); says what a bundle proves."""
    from questionnaire.service import load_inputs

    src = load_inputs(bundle, profile, key=key, require_signature=require_signature, recall=recall)
    if src.trust:
        err(f"{bundle}: {src.trust}")
    return src.profile, src.findings, src.source, src.meta, src.inputs


@app.command()
@edge
def answers(
    output: Path = typer.Option(..., "-o", "--output", help="Output file: .xlsx, .docx, .md or .json.", show_default=False),
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="Verified evidence bundle (answers are verified)."),
    profile: Optional[Path] = typer.Option(None, "--profile", help="Profile only (answers are declared, not verified)."),
    key: Optional[Path] = typer.Option(None, "--key", help="Ed25519 public key (PEM): check the bundle's signature (authenticity)."),
    require_signature: bool = typer.Option(False, "--require-signature", help="Refuse a bundle whose signature is not valid with --key."),
    library: Optional[Path] = typer.Option(None, "--library", help="Also include the answer library (library.yaml)."),
) -> None:
    """Write the complete standard answer set; the format follows the extension of -o.

    Exit 0 on success, 2 on error.
    """
    from questionnaire.service import answers_line, write_answers

    prof, findings, source, extra, inputs = _answer_inputs(bundle, profile, key, require_signature)
    s = write_answers(prof, findings, source, extra, output, inputs, library=library)
    say(answers_line(s))
    if source == "profile":
        say("answers come from the profile only: declared, not verified")
    say(f"wrote {output}")


@app.command()
@edge
def policy(
    output: Path = typer.Option(..., "-o", "--output", help="Output file: .docx or .md.", show_default=False),
    profile: Path = typer.Option(..., "--profile", help="The deployment profile (profile.yaml).", show_default=False),
) -> None:
    """Write the company's one-page AI-use policy, generated from the profile.

    Exit 0 on success, 2 on error.
    """
    from questionnaire.policy import write_policy
    from questionnaire.profile import load_profile

    from questionnaire.redaction import redact_profile

    write_policy(redact_profile(load_profile(profile).profile), output, inputs=(profile,))
    say(f"wrote {output}")


# --------------------------------------------------------------------------- scan-repo


@app.command("scan-repo")
@edge
def scan_repo_cmd(
    paths: Optional[list[Path]] = typer.Argument(None, help="Repository checkouts to scan.", show_default=False, metavar="PATH"),
    json_out: Optional[Path] = typer.Option(
        None, "--json", metavar="OUT", help="Write the findings (and masked evidence) as JSON."
    ),
    tool: Optional[list[str]] = typer.Option(
        None, "--tool", metavar="NAME", help="A coding tool to check exclusions for, e.g. 'Claude Code', 'Cursor' (repeatable). "
        "Default: the tools configured in each repository."
    ),
    machine: bool = typer.Option(
        False, "--machine", help="Also check this machine's managed settings of coding agents (Claude Code, Codex, Cursor)."
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

    if not paths and not machine:
        from questionnaire.errors import UserInputError

        raise UserInputError("give at least one repository PATH, or --machine")
    findings, raws = scan_paths(list(paths or []), list(tool or []), progress=progress)
    if machine:
        from questionnaire.coding_agents import machine_findings

        more, more_raw = machine_findings(list(tool or []) or None)
        findings, raws = findings + more, raws + more_raw
    if json_out is not None:
        from questionnaire.atomic import atomic_write

        doc = findings_document(findings, evidence={r.path: r.response for r in raws})
        atomic_write(json_out, _json.dumps(doc, indent=2, sort_keys=True) + "\n", inputs=paths or (), what="findings")
    for f in findings:
        say(f"{f.status.value:<7} {f.check_id} [{f.subject}] {f.message}")
    if json_out is not None:
        err(f"wrote {json_out}")
    raise typer.Exit(1 if any(f.status.value == "FAIL" for f in findings) else 0)


# --------------------------------------------------------------------------- check / iam-policy (AWS verification)


@app.command()
@edge
def check(
    profile: Path = typer.Argument(..., help="The deployment profile (profile.yaml).", show_default=False),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the findings as JSON (contract shape) here."),
    region: Optional[list[str]] = typer.Option(None, "--region", help="Check only this region (repeatable)."),
    # ---- evidence bundle options (bundle engineer: extend here)
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="Write the evidence bundle (.zip) here."),
    mask_account: bool = typer.Option(False, "--mask-account", help="Mask the account id in the bundle."),
    sign: Optional[Path] = typer.Option(None, "--sign", help="Ed25519 private key (PEM) to sign the bundle."),
    org: bool = typer.Option(False, "--org", help="Also verify every account of the AWS organization against the profile's "
                             "baseline (organizations:ListAccounts, from the management or a delegated-admin account)."),
    accounts: Optional[Path] = typer.Option(None, "--accounts", help="Like --org, for the accounts listed in FILE "
                                            "(one 12-digit id per line)."),
    shard: Optional[str] = typer.Option(None, "--shard", help="Verify slice I of N of the accounts (e.g. 2/4); "
                                        "combine the shard bundles with `bundle merge`."),
) -> None:
    """Verify the profile read-only against the live AWS account(s) (standard boto3 credential chain).

    Honours AWS_PROFILE, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>. OpenAI / Anthropic API deployments:
    OPENAI_ADMIN_KEY / ANTHROPIC_ADMIN_KEY (GET requests only), OPENAI_BASE_URL / ANTHROPIC_BASE_URL.
    Exit 0 no FAIL, 1 at least one FAIL, 2 could not run.
    """
    from questionnaire.findings import summarize
    from questionnaire.profile import load_profile
    from questionnaire.redaction import redact_lines
    from questionnaire.service import run_check

    skip_last_collection()
    loaded = load_profile(profile)
    _check_regions(region)
    from questionnaire.org.plan import scope_from_options

    scope = scope_from_options(org, accounts, shard)
    if json_out is not None:  # before any AWS call: never the profile, never the bundle
        from questionnaire.atomic import check_target

        check_target(json_out, (profile, *([bundle] if bundle else [])))
    sign_key = _bundle_prepare(bundle, loaded, sign)
    outcome = run_check(loaded, regions=list(region) if region else None,
                        progress=err if sys.stderr.isatty() else None, json_out=json_out, bundle=bundle,
                        mask_account=mask_account, sign_key=sign_key, scope=scope, status=err)
    if outcome.bundle is not None:
        err(f"wrote evidence bundle {outcome.bundle} ({outcome.bundle.stat().st_size:,} bytes"
            f"{', signed' if sign_key is not None else ''})")
    from questionnaire.terminal import print_findings_table

    print_findings_table(outcome.shown)
    for e in redact_lines(list(outcome.run.errors)):
        err(f"warning: {e}")
    c = summarize(outcome.shown)
    say(f"{c['PASS']} PASS, {c['FAIL']} FAIL, {c['UNKNOWN']} UNKNOWN")
    if json_out is not None:
        err(f"wrote {json_out}")
    raise typer.Exit(outcome.exit_code)


@app.command("iam-policy")
@edge
def iam_policy_cmd(
    kind: str = typer.Option("checks", "--for", help="checks: the read-only policy check needs; caller: plus assuming "
                             "the member role and listing the organization; trust: the member role's trust policy; "
                             "stackset: a CloudFormation StackSet template creating the member role."),
    trusted: Optional[str] = typer.Option(None, "--trusted-principal", help="trust/stackset: the account id or IAM "
                                          "role ARN that runs check."),
    role_name: str = typer.Option("QuestionnaireReadOnly", "--role-name", help="The member role's name."),
    external_id: Optional[str] = typer.Option(None, "--external-id", help="trust/stackset: require this sts:ExternalId."),
) -> None:
    """Print the least-privilege IAM policy `check` needs (generated from the checks' declared actions),
    or with --for the member-account role to roll out for a multi-account run."""
    import json

    from questionnaire.org.roles import policy_document

    say(json.dumps(policy_document(kind, trusted, role_name, external_id), indent=2))


@app.command("gcp-role")
@edge
def gcp_role_cmd() -> None:
    """Print the least-privilege Google Cloud custom role the Vertex AI checks need (for `gcloud iam roles create --file`)."""
    import json

    from questionnaire.checks.gcp import custom_role

    say(json.dumps(custom_role(), indent=2))


@app.command("azure-role")
@edge
def azure_role_cmd(
    profile: Optional[Path] = typer.Option(None, "--profile", help="Scope the role to this profile's Azure subscriptions."),
) -> None:
    """Print the least-privilege Azure custom role `check` needs (the */read actions the Azure checks declare)."""
    import json

    from questionnaire.checks.azure.meta import custom_role
    from questionnaire.profile import load_profile

    subscriptions = None
    if profile is not None:
        loaded = load_profile(profile)
        subscriptions = sorted({d.azure.subscription_id for d in loaded.profile.deployments if d.azure is not None})
    say(json.dumps(custom_role(subscriptions), indent=2))


@app.command()
@edge
def compliance(
    framework: str = typer.Option(..., "--framework", help="Framework: soc2, iso27001, iso42001, nist-ai-rmf, eu-ai-act, gdpr, hipaa, caiq, ai-caiq, hecvat, hecvat3."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write .md, .xlsx or .json (default: Markdown to stdout)."),
    bundle: Optional[Path] = typer.Option(None, "--bundle", help="Verified evidence bundle (check status from its findings)."),
    profile: Optional[Path] = typer.Option(None, "--profile", help="Profile only (declared, checks not run)."),
    key: Optional[Path] = typer.Option(None, "--key", help="Ed25519 public key (PEM): check the bundle's signature (authenticity)."),
    require_signature: bool = typer.Option(False, "--require-signature", help="Refuse a bundle whose signature is not valid with --key."),
) -> None:
    """Per control of a framework: supporting checks and answers, their status, and controls not covered."""
    from questionnaire.answers import build_answers
    from questionnaire.compliance import compliance_report, markdown, write_report
    from questionnaire.mapping import framework as load_framework

    fw = load_framework(framework)
    prof, findings, source, _extra, _inputs = _answer_inputs(bundle, profile, key, require_signature)
    rep = compliance_report(fw, findings, build_answers(prof, findings, source=source))
    if output is not None:
        write_report(rep, output, inputs=tuple(p for p in (bundle, profile) if p is not None))
    covered = len(rep["controls"]) - len(rep["not_covered"])
    if output is None:
        say(markdown(rep), nl=False)
    else:
        say(f"{fw.title} {fw.version}: {covered} of {len(rep['controls'])} controls covered; wrote {output}")


# --------------------------------------------------------------------------- demo (offline, emulated AWS account)


@app.command()
@edge
def demo(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for the demo's outputs (created if missing)."),
    drift: bool = typer.Option(False, "--drift", help="Seed the emulated account with drift: FAILs, answers to review."),
) -> None:
    """Run the whole pipeline offline on an emulated AWS account (needs the [demo] extra).

    check --bundle, verify, answers (xlsx, docx) and fill on the sample questionnaires,
    then a short tour. Exit 0 when the demo ran (also with --drift), 2 when it could not.
    """
    from questionnaire.demo import run_demo

    r = run_demo(out, drift=drift, on_step=err)
    from questionnaire.demo import tour_lines

    for line in tour_lines(r):
        say(line)


from questionnaire.cli_library import library_app  # noqa: E402  (library import / check)
from questionnaire.cli_bundle import bundle_app  # noqa: E402  (bundle merge)

app.add_typer(library_app, name="library")
app.add_typer(bundle_app, name="bundle")


_ONE_PROCESS = False  # True when main() runs: the command ends the process (not a test's CliRunner)


def main() -> None:
    from questionnaire.atomic import Terminated, terminate_cleanly

    global _ONE_PROCESS
    _ONE_PROCESS = True

    terminate_cleanly()  # SIGTERM runs every finally: no temp file is left behind
    # the tool uses no pydantic plugin: skip their discovery (a scan of every installed package's metadata)
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
    except Terminated as e:
        err("terminated")
        sys.exit(e.code)


if __name__ == "__main__":  # pragma: no cover
    main()
