"""What the commands do, without the command line: used by ``cli.py`` and by the demo alike.

Each function takes paths and objects, writes its outputs through :mod:`questionnaire.atomic`, and
returns results plus the one-line summaries a command prints. Nothing here prints or exits; errors are
``questionnaire.errors`` classes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


def check_regions(regions: list[str] | None) -> None:
    """`--region` values must be AWS region codes (one line, exit 2, before any call)."""
    from questionnaire.errors import UserInputError
    from questionnaire.profile import aws_regions

    known = aws_regions()
    for r in regions or []:
        if known and r not in known:
            raise UserInputError(f"--region {r!r} is not an AWS region code (e.g. eu-west-1)")


def prepare_bundle(bundle: Path | None, loaded: Any, sign: Path | None) -> Any:
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


@dataclass
class CheckOutcome:
    run: Any  # checks.CheckRun, as collected
    shown: list  # the findings every output shows (redacted)
    bundle: Path | None = None

    @property
    def exit_code(self) -> int:
        return 1 if any(f.status.value == "FAIL" for f in self.shown) else 0


def run_check(
    loaded: Any,
    *,
    regions: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    json_out: Path | None = None,
    bundle: Path | None = None,
    mask_account: bool = False,
    sign_key: Any = None,
    scope: Any = None,
    status: Callable[[str], None] | None = None,
) -> CheckOutcome:
    """Run the checks, then write ``--json`` and the bundle (both through the one redactor).

    ``scope`` (``questionnaire.org.plan.Scope``): --org / --accounts / --shard; ``status`` gets the progress
    line of runs over several accounts (accounts done / total, API calls, errors)."""
    from questionnaire.checks import run_checks
    from questionnaire.redaction import redact_findings

    run = run_checks(loaded, regions=regions, progress=progress, scope=scope, status=status)
    shown = redact_findings(run.findings)
    if json_out is not None:
        write_findings_json(json_out, run, shown, inputs=(loaded.path,))
    written = None
    if bundle is not None:
        from questionnaire.bundle import write_bundle

        written = write_bundle(bundle, loaded, run, mask_account=mask_account, sign_key=sign_key)
    return CheckOutcome(run=run, shown=shown, bundle=written)


def write_findings_json(out: Path, run: Any, shown: list, inputs: tuple = ()) -> Path:
    from questionnaire.atomic import atomic_write
    from questionnaire.findings import findings_document
    from questionnaire.redaction import redact

    extra = {k: getattr(run, k) for k in ("accounts", "org") if getattr(run, k, None)}  # runs over several accounts
    doc, _n = redact(findings_document(shown, identity=run.identity, started=run.started, ended=run.ended,
                                       regions=run.regions, **extra))
    return atomic_write(out, json.dumps(doc, indent=2, sort_keys=False) + "\n", inputs=inputs, what="findings")


@dataclass
class Inputs:
    """What a command reads: from a verified bundle or from the profile alone (values redacted)."""

    profile: Any
    findings: list | None
    source: str  # "bundle" | "profile"
    meta: dict[str, Any]
    inputs: tuple[Path, ...]
    trust: str = ""  # what the bundle proves (integrity only / authentic); "" for a profile


def load_inputs(bundle: Path | None, profile: Path | None, *, key: Path | None = None,
                require_signature: bool = False, recall: bool = False) -> Inputs:
    """The one loader for "--bundle or --profile" of answers, fill and compliance.

    A bundle that does not verify is one UserInputError (exit 2) with the same message in every command.
    ``recall`` (fill): a profile file validated by an earlier run, unchanged since (or a bundle's profile.yaml
    parsed by one), is not validated again until something beyond its JSON is needed
    (``profile_memo.KnownProfile``); a bundle's checksums, manifest and signature are checked every time.
    """
    from questionnaire.errors import BundleError, UserInputError

    if (bundle is None) == (profile is None):
        raise UserInputError("give exactly one of --bundle B.zip (verified) or --profile P (declared)")
    if bundle is None:
        if key is not None or require_signature:
            raise UserInputError("--key and --require-signature apply to --bundle only")
        from questionnaire import profile_memo

        known = profile_memo.recall(profile) if recall else None
        if known is not None:
            return Inputs(known, None, "profile", {"profile_sha256": known.sha256}, (Path(profile),))
        from questionnaire.profile import load_profile
        from questionnaire.redaction import redact_profile

        loaded = load_profile(profile)
        redacted = redact_profile(loaded.profile)
        if recall:
            profile_memo.remember(loaded, redacted)
        return Inputs(redacted, None, "profile", {"profile_sha256": loaded.sha256}, (Path(profile),))
    if require_signature and key is None:
        raise UserInputError("--require-signature needs --key PUBLIC.pem (the team's Ed25519 public key)")
    from questionnaire.bundle import load_bundle
    from questionnaire.profile_memo import KnownProfile, remember_bytes

    try:
        b = load_bundle(bundle, key=key, recall=recall)  # verified every time; with recall, the profile parse is remembered
    except BundleError as e:
        detail = "; ".join(e.problems[:3]) + (f"; and {len(e.problems) - 3} more" if len(e.problems) > 3 else "")
        raise UserInputError(f"bundle does not verify ({detail}); run `questionnaire verify {bundle}`") from None
    prof = b.profile
    if not isinstance(prof, KnownProfile):
        from questionnaire.redaction import redact_profile

        prof = redact_profile(prof)
        if recall:
            remember_bytes(b.profile_bytes, prof)
    return Inputs(prof, b.findings, "bundle", {"bundle_digest": b.digest}, (Path(bundle),), trust=authenticity(b))


def authenticity(b: Any) -> str:
    """What a verified bundle proves: integrity always; authenticity only with a checked signature."""
    if b.signature_checked:
        return "intact and signed (signature valid with the given key: authentic)"
    if b.signed:
        return "intact; signed, but the signature was not checked (pass --key): integrity only, not authenticity"
    return ("intact but unsigned: integrity only, not authenticity (anyone can edit and re-hash an unsigned bundle; "
            "sign with `check --sign` and read with --key)")


def verify_lines(path: Path, b: Any) -> list[str]:
    """The summary ``verify`` prints for an intact bundle (who, when, what, trust)."""
    pred = b.predicate
    counts = pred.get("findings_summary") or {}
    who = b.identity
    if b.signature_checked:
        sig = "signature valid: authentic"
    elif b.signed:
        sig = "signed, signature not checked (pass --key): integrity only"
    else:
        sig = "not signed: integrity only, not authenticity"
    lines = [
        f"{path}: intact ({len(b.files)} files, manifest sha256 {b.digest[:16]}..., {sig})",
        f"  who:  {b.profile.organization.name}; account {who.get('account') or '?'} as {who.get('arn') or '?'}",
        f"  when: {b.started or '?'} to {b.ended or '?'}",
        f"  what: {len(pred.get('check_ids') or [])} checks in {', '.join(b.regions) or 'no regions'}: "
        f"{counts.get('PASS', 0)} PASS, {counts.get('FAIL', 0)} FAIL, {counts.get('UNKNOWN', 0)} UNKNOWN; "
        f"{pred.get('redactions_total', 0)} value(s) redacted",
    ]
    if not b.signature_checked:
        lines.append(f"  note: {authenticity(b)}")
    if pred.get("emulated"):
        lines.append(f"  note: {len(pred['emulated'])} operation(s) were answered by an AWS emulator, not a real account")
    return lines


def write_answers(prof: Any, findings: list | None, source: str, extra: dict, output: Path, inputs: tuple,
                  library: Path | None = None) -> dict:
    """The complete standard answer set (plus the answer library's entries, when given) into ``output``;
    returns the answers' summary counts."""
    from questionnaire import __version__
    from questionnaire.answers import build_answers, summary
    from questionnaire.documents.export import ExportMeta, export_answers

    result = build_answers(prof, findings, source=source)
    if library is not None:
        from questionnaire.library import as_answers, load_library

        result += as_answers(load_library(library))
        inputs = (*inputs, library)
    meta = ExportMeta(organization=prof.organization.name, product=prof.organization.product, source=source,
                      tool_version=__version__, **extra)
    export_answers(result, output, meta=meta, findings=findings, inputs=inputs)
    return summary(result)


def answers_line(s: dict) -> str:
    return (f"{s['total']} answers: {s['verified']} verified, {s['contradicted']} contradicted, "
            f"{s['declared']} declared, {s['not_applicable']} not applicable; {s['needs_review']} need review")


def fill_lines(questionnaire: Path, result: Any, source: str) -> list[tuple[str, str]]:
    """What ``fill`` prints about a filled file, as ("out" | "err", line): the counts, what was found where,
    and the locations to review and to answer by hand (the first 40 of each)."""

    def locations(items: list, limit: int = 40) -> str:
        shown = ", ".join(it.location for it in items[:limit])
        return shown + (f", ... and {len(items) - limit} more (see --report)" if len(items) > limit else "")

    out = [("out", fill_line(questionnaire, result))] + [("out", line) for line in result.detection_lines()]
    if result.counts()["found"] == 0:
        out.append(("err", "no questions found; point at them with --sheet, --header-row, --question-col and --answer-col"))
    if source == "profile":
        out.append(("out", "answers come from the profile only (declared, not verified): every written answer needs review"))
    review = [it for it in result.items if it.status == "needs_review"]
    empty = [it for it in result.items if it.status == "unanswered" and not it.kept]
    if review:
        out.append(("out", "needs review: " + locations(review)))
    if empty:
        out.append(("out", "left empty (answer by hand): " + locations(empty)))
    return out


def fill_line(questionnaire: Path, result: Any) -> str:
    c = result.counts()
    return (f"{questionnaire}: {c['found']} questions found, {c['answered']} answered, "
            f"{c['needs_review']} need review, {c['left_empty']} left empty"
            + (f", {c['already_filled']} already filled (unchanged)" if c["already_filled"] else ""))
