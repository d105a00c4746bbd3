"""The offline demo: the whole pipeline on an emulated AWS account, in under a minute.

``run_demo`` starts moto's ``ThreadedMotoServer`` on 127.0.0.1 (a free port) and the
Bedrock stand-in (:mod:`questionnaire.testing.bedrock_standin`, for the operations moto
does not emulate), seeds the account with :func:`questionnaire.testing.aws_fixture.seed_account`
(the same code the tests use), points boto3 at them through the environment
(``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_<SERVICE>`` of the stand-in, fake credentials, region) and then runs
the real CLI commands (the typer app, nothing special-cased): ``check --bundle``, ``verify``,
``answers`` to xlsx and docx, ``fill`` on the sample questionnaires with ``--report``.

It returns a :class:`DemoResult` (steps with their output and exit codes, and the tour);
``cli.py`` prints it. Servers and environment are restored on return, error and Ctrl-C.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

from questionnaire.errors import OptionalDependencyMissing, OutputError, QuestionnaireError

HOST = "127.0.0.1"


class DemoError(QuestionnaireError):
    """A demo step could not run (not a drift: drift is an expected outcome)."""


@dataclass
class Step:
    name: str
    argv: list[str]
    exit_code: int
    output: str  # the step's one-line summary (from the service function, not parsed CLI output)
    seconds: float


@dataclass
class DemoResult:
    out: Path
    drift: bool
    variant: str
    steps: list[Step] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)  # label -> path
    findings: dict[str, int] = field(default_factory=dict)  # PASS/FAIL/UNKNOWN counts
    failed: list[tuple[str, str]] = field(default_factory=list)  # (finding id, message)
    unknown: list[tuple[str, str]] = field(default_factory=list)
    check_ids: int = 0
    emulated: list[str] = field(default_factory=list)  # operations the manifest records as emulated
    standin_served: list[str] = field(default_factory=list)
    review: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # sample name -> items needing review
    left_empty: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    answer_counts: dict[str, int] = field(default_factory=dict)
    per_deployment: dict[str, str] = field(default_factory=dict)  # answer id -> "verified: a; declared: b"
    endpoints: dict[str, str] = field(default_factory=dict)
    providers: dict[str, dict[str, int]] = field(default_factory=dict)  # provider name -> PASS/FAIL/UNKNOWN counts
    seconds: float = 0.0

    def step(self, name: str) -> Step:
        return next(s for s in self.steps if s.name == name)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _wait_ready(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((HOST, port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise DemoError(f"the emulated AWS endpoint on {HOST}:{port} did not start within {timeout:.0f} s")


@contextmanager
def emulated_aws(variant: str, regions: list[str]) -> Iterator[dict[str, Any]]:
    """moto server + Bedrock stand-in, seeded with ``variant``; environment pointed at them.

    Yields ``{"moto": url, "bedrock": url, "standin": BedrockStandIn}``. Everything is
    stopped and the environment restored when the block exits, however it exits.
    """
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as e:
        raise OptionalDependencyMissing(
            f"the demo needs moto's server ({e.name or 'moto'} missing); install it with: pip install '.[demo]'"
        ) from None
    from questionnaire.testing.aws_fixture import fake_credentials_env, moto_enabled_regions, patched_environ, seed_account
    from questionnaire.testing.bedrock_standin import BedrockStandIn

    port = _free_port()
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    standin: BedrockStandIn | None = None
    moto_url = f"http://{HOST}:{port}"
    devnull = os.devnull
    env = {
        **fake_credentials_env(),
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_DEFAULT_REGION": regions[0],
        "AWS_REGION": regions[0],
        # keep the user's own AWS configuration (profiles, SSO, endpoints) out of the demo
        "AWS_CONFIG_FILE": devnull,
        "AWS_SHARED_CREDENTIALS_FILE": devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    remove = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
              *(k for k in os.environ if k.startswith("AWS_ENDPOINT_URL_")))  # the user's per-service endpoints too
    started = False
    quiet = logging.getLogger("werkzeug")  # moto's server logs every request (and tracebacks) otherwise
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # an API the emulator lacks is an UNKNOWN finding, not a traceback
    try:
        with patched_environ(env, remove):
            server.start()
            started = True
            _wait_ready(port)
            _reset(moto_url)  # moto's state is per process: start from an empty account every time
            try:
                extras = seed_account(variant, regions)
            except QuestionnaireError:
                raise
            except Exception as e:  # botocore errors from the emulator: the demo cannot run
                raise DemoError(f"could not seed the emulated account: {type(e).__name__}: {str(e)[:200]}") from e
            extras.enabled_regions = moto_enabled_regions()  # account:ListRegions, served by the stand-in
            standin = BedrockStandIn(extras, upstream=moto_url, host=HOST).start()
            with patched_environ(standin.endpoint_env()):  # Bedrock, Account, Organizations, IAM, CloudTrail, ...
                yield {"moto": moto_url, "bedrock": standin.url, "standin": standin}
    finally:
        if standin is not None:
            standin.stop()
        if started:
            try:
                _reset(moto_url)  # leave no emulated resources behind for later in-process users
            except DemoError:
                pass  # best effort: never hide the error or Ctrl-C that got us here
            finally:
                server.stop()
        quiet.setLevel(level)


def _reset(moto_url: str) -> None:
    import urllib.request

    try:
        urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"), timeout=10).close()
    except OSError as e:
        raise DemoError(f"could not reset the emulated AWS account at {moto_url}: {e}") from None


def _step(result: DemoResult, name: str, argv: list[str], fn: Callable[[], tuple[int, str]]) -> Step:
    """Run one pipeline step through the same service functions the CLI uses (no CLI, no output parsing).

    ``fn`` returns (the command's exit code, its summary line). An error is a DemoError naming the step.
    """
    t0 = time.perf_counter()
    try:
        code, line = fn()
    except QuestionnaireError as e:
        raise DemoError(f"`questionnaire {' '.join(argv)}` failed: {e}") from None
    step = Step(name, ["questionnaire", *argv], code, line, time.perf_counter() - t0)
    result.steps.append(step)
    return step


def _check(profile: Path, bundle: Path, json_out: Path) -> tuple[int, str]:
    from questionnaire.findings import summarize
    from questionnaire.profile import load_profile
    from questionnaire.service import run_check

    outcome = run_check(load_profile(profile), json_out=json_out, bundle=bundle)  # no --region: as a user runs it
    c = summarize(outcome.shown)
    return outcome.exit_code, f"{c['PASS']} PASS, {c['FAIL']} FAIL, {c['UNKNOWN']} UNKNOWN"


def _verify(bundle: Path) -> tuple[int, str]:
    from questionnaire.bundle import load_bundle
    from questionnaire.service import verify_lines

    return 0, verify_lines(bundle, load_bundle(bundle))[0]


def _answers(bundle: Path, out: Path) -> tuple[int, str]:
    from questionnaire.service import answers_line, load_inputs, write_answers

    src = load_inputs(bundle, None)
    return 0, answers_line(write_answers(src.profile, src.findings, src.source, src.meta, out, src.inputs))


def _fill(src: Path, out: Path, bundle: Path, report: Path) -> tuple[int, str]:
    from questionnaire.fill import fill
    from questionnaire.service import fill_line, load_inputs

    inp = load_inputs(bundle, None)
    result = fill(src, out, profile=inp.profile, findings=inp.findings, source=inp.source, report_path=report)
    return 0, fill_line(src, result)


def _sample(name: str) -> Path:
    from questionnaire.resources import examples_dir

    path = examples_dir() / "acme" / name
    if not path.is_file():
        raise DemoError(f"sample questionnaire {path} is missing; rebuild it with evidence/examples/acme/make_samples.py")
    return path


def run_demo(out: Path, drift: bool = False, on_step: Callable[[str], None] | None = None) -> DemoResult:
    """Run the demo into ``out`` (created if missing). Raises QuestionnaireError subclasses."""
    from questionnaire.resources import example_profile

    t_start = time.perf_counter()
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"{out}: cannot create the output folder ({e.strerror or e})") from None
    profile = example_profile()
    from questionnaire.profile import load_profile

    loaded = load_profile(profile)
    regions: list[str] = []
    for d in loaded.profile.aws_deployments():
        for r in d.regions:
            if r not in regions:
                regions.append(r)
    variant = "drifted" if drift else "compliant"
    result = DemoResult(out=out, drift=drift, variant=variant)
    files = {
        "evidence bundle": out / "evidence-bundle.zip",
        "findings (JSON)": out / "findings.json",
        "answers (xlsx)": out / "answers.xlsx",
        "answers (docx)": out / "answers.docx",
        "filled questionnaire (xlsx)": out / "customer-questionnaire-filled.xlsx",
        "filled questionnaire (docx)": out / "customer-questionnaire-filled.docx",
        "review report (xlsx)": out / "fill-report-xlsx.json",
        "review report (docx)": out / "fill-report-docx.json",
    }
    for p in files.values():  # a rerun into the same folder replaces the previous demo's files
        if p.is_file():
            p.unlink()
    say = on_step or (lambda _m: None)
    say(f"starting an emulated AWS account ({variant}) on {HOST} ...")
    from questionnaire.testing.azure_emulator import emulated_azure
    from questionnaire.testing.commercial_emulator import emulated_commercial  # OpenAI/Anthropic admin APIs
    from questionnaire.testing.gcp_emulator import emulated_gcp  # the Vertex deployment's emulated project

    with emulated_aws(variant, regions) as ep, emulated_gcp(variant) as gcp, emulated_commercial(variant), \
            emulated_azure(loaded.profile, variant):
        result.endpoints = {"moto": ep["moto"], "bedrock": ep["bedrock"], "gcp": gcp.url}
        bundle = files["evidence bundle"]
        say("check --bundle ...")
        _step(result, "check", ["check", str(profile), "--bundle", str(bundle), "--json", str(files["findings (JSON)"])],
              lambda: _check(profile, bundle, files["findings (JSON)"]))
        result.standin_served = list(ep["standin"].served)
    # the account is no longer needed: everything below works from the bundle, offline
    say("verify, answers, fill ...")
    _step(result, "verify", ["verify", str(bundle)], lambda: _verify(bundle))
    for kind in ("xlsx", "docx"):
        out_file = files[f"answers ({kind})"]
        _step(result, f"answers-{kind}", ["answers", "--bundle", str(bundle), "-o", str(out_file)],
              lambda out_file=out_file: _answers(bundle, out_file))
    for kind in ("xlsx", "docx"):
        src, dst, rep = _sample(f"customer-questionnaire.{kind}"), files[f"filled questionnaire ({kind})"], files[f"review report ({kind})"]
        _step(result, f"fill-{kind}", ["fill", str(src), "-o", str(dst), "--bundle", str(bundle), "--report", str(rep)],
              lambda src=src, dst=dst, rep=rep: _fill(src, dst, bundle, rep))
    result.files = files
    _collect(result, bundle)
    result.seconds = time.perf_counter() - t_start
    return result


def _collect(result: DemoResult, bundle: Path) -> None:
    """Facts for the tour, read back from the outputs (not from the demo's own state)."""
    from questionnaire.answers import build_answers
    from questionnaire.bundle import load_bundle
    from questionnaire.fill import KEPT_NOTE
    from questionnaire.findings import Status

    b = load_bundle(bundle)
    result.emulated = sorted(b.manifest.get("emulated") or (b.predicate or {}).get("emulated") or [])
    result.check_ids = len({f.check_id for f in b.findings})
    for s in Status:
        result.findings[s.value] = sum(1 for f in b.findings if f.status == s)
    result.failed = [(f.id, f.message) for f in b.findings if f.status == Status.FAIL]
    from questionnaire.checks.providers import discover

    for p in discover():  # Azure, ...: findings of each provider other than AWS
        mine = [f for f in b.findings if f.check_id in p.checks]
        if mine:
            result.providers[p.name] = {s.value: sum(1 for f in mine if f.status == s) for s in Status}
    result.unknown = [(f.id, f.message) for f in b.findings if f.status == Status.UNKNOWN]
    answers = {a.id: a for a in build_answers(b.profile, b.findings, source="bundle")}
    result.per_deployment = {a.id: _parts_line(a.deployments) for a in answers.values() if a.deployments}
    result.answer_counts = {
        "total": len(answers),
        "needs_review": sum(1 for a in answers.values() if a.needs_review),
        "contradicted": sum(1 for a in answers.values() if a.status == "contradicted"),
    }
    failed_ids = {f.id: f for f in b.findings if f.status == Status.FAIL}
    for kind in ("xlsx", "docx"):
        report = json.loads(result.files[f"review report ({kind})"].read_text(encoding="utf-8"))
        review, empty = [], []
        for it in report["items"]:
            a = answers.get(it.get("catalog_id") or "")
            if it["status"] == "needs_review":
                review.append({"location": it["location"], "question": it["question"], "written": True,
                               "why": _why_review(a, failed_ids)})
            elif it["status"] == "unanswered" and a is not None and a.status == "contradicted":
                review.append({"location": it["location"], "question": it["question"], "written": False,
                               "why": _why_review(a, failed_ids) + "; left empty"})
            elif it["status"] == "unanswered" and not (it.get("note") or "").startswith(KEPT_NOTE):
                empty.append({"location": it["location"], "question": it["question"],
                              "why": it.get("note") or "no standard answer covers it"})
        result.review[kind] = review
        result.left_empty[kind] = empty


def _parts_line(parts: list[dict[str, Any]]) -> str:
    """"verified: a, b; declared: c" in the order verified, contradicted, declared."""
    groups = {s: [p["deployment"] for p in parts if p["status"] == s] for s in ("verified", "contradicted", "declared")}
    return "; ".join(f"{s}: {', '.join(ds)}" for s, ds in groups.items() if ds)


def _why_review(answer: Any, failed: dict[str, Any]) -> str:
    if answer is None:
        return "matched with low confidence"
    if answer.status == "contradicted":
        fails = [failed[e].check_id for e in answer.evidence if e in failed]
        return "the account contradicts the profile" + (f" ({', '.join(sorted(set(fails)))} FAIL)" if fails else "")
    if answer.status == "declared":
        open_ = [d["deployment"] for d in answer.deployments if d["status"] != "verified"]
        if open_:
            return f"declared in the profile; not verified for {', '.join(open_)}"
        return "declared in the profile; no check could verify it"
    return f"answer status {answer.status}"


def tour_lines(r: DemoResult) -> list[str]:
    """The tour the `demo` command prints, from the demo's results."""
    lines: list[str] = []
    add = lines.append
    check = r.step("check")
    label = "DRIFTED (--drift)" if r.drift else "compliant"
    add("")
    add(f"== Demo: the example profile (evidence/examples/acme/profile.yaml) against an EMULATED {label} AWS account")
    add(f"   moto server {r.endpoints.get('moto')}; Bedrock stand-in {r.endpoints.get('bedrock')} "
        f"(what moto lacks: guardrails, models, regions, policies, CloudTrail events: {len(r.standin_served)} calls)")
    add(f"   EMULATED: {len(r.emulated)} operation(s) answered by an emulator (AWS, Google Cloud, OpenAI admin API), recorded as such in the bundle manifest")
    add("")
    add(f"1. Checked ({' '.join(check.argv[:2])} ... --bundle): {r.check_ids} checks gave {sum(r.findings.values())} findings: "
        f"{r.findings.get('PASS', 0)} PASS, {r.findings.get('FAIL', 0)} FAIL, {r.findings.get('UNKNOWN', 0)} UNKNOWN; "
        f"check exit code {check.exit_code}" + (" (1 = drift found: a CI gate would fail here)" if check.exit_code == 1 else ""))
    for name, n in r.providers.items():
        add(f"     {name} (emulated): {n['PASS']} PASS, {n['FAIL']} FAIL, {n['UNKNOWN']} UNKNOWN")
    for fid, msg in r.failed:
        add(f"     FAIL    {fid}: {msg}")
    for fid, msg in r.unknown[:8]:
        add(f"     UNKNOWN {fid}: {msg}")
    add(f"2. Verified the bundle: {r.step('verify').output}")
    add(f"3. Standard answers: {r.answer_counts.get('total', 0)} answers, {r.answer_counts.get('needs_review', 0)} need review"
        + (f", {r.answer_counts['contradicted']} contradicted by the account" if r.answer_counts.get("contradicted") else ""))
    if r.per_deployment:
        add("   Answers about each deployment (each deployment's part is verified, contradicted or declared on its own):")
        width = max(len(k) for k in r.per_deployment)
        for aid, line in r.per_deployment.items():
            add(f"     {aid:<{width}}  {line}")
    add("4. Filled the sample customer questionnaires:")
    for kind in ("xlsx", "docx"):
        add(f"     {kind}: {r.step(f'fill-{kind}').output}")
    add("")
    add("Outputs:")
    for labelname, path in r.files.items():
        add(f"  {labelname:<28} {path}")
    add("")
    review = r.review.get("xlsx", [])
    add(f"Left for review in the filled xlsx ({len(review)}):")
    for it in review:
        add(f"  {it['location']}: {it['why']}  [{it['question'][:70]}]")
    empty = r.left_empty.get("xlsx", [])
    add(f"Left empty on purpose ({len(empty)}, not about the AI deployment: no standard answer; answer by hand):")
    for it in empty:
        add(f"  {it['location']}: {it['question'][:90]}")
    add("")
    add(f"Done in {r.seconds:.1f} s. Everything above ran against an emulator, not a real AWS account.")
    if not r.drift:
        add("Try `questionnaire demo --drift` to see drift: FAILs, answers marked for review, check exit code 1.")
    return lines
