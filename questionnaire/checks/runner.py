"""run_checks: collect concurrently (threads, one boto3 session per worker), then judge (pure).

Phases: 1. identity (stops the run on wrong account / no credentials / unreachable);
2. collectors for every (deployment, region) and global/scan unit, concurrently;
3. bundle paths assigned deterministically; 4. judges; 5. extra finding sources.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

from questionnaire.errors import QuestionnaireError, WrongAccountError
from questionnaire.findings import Finding, RawResponse, Status

MAX_WORKERS = 8


@dataclass
class CheckRun:
    findings: list[Finding]
    raw: list[RawResponse]
    identity: dict[str, Any]
    started: str
    ended: str
    regions: list[str]
    check_ids: list[str]
    errors: list[str] = field(default_factory=list)
    emulated: list[str] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)  # "region|global" -> API calls made
    operations_by_check: dict[str, list[str]] = field(default_factory=dict)

    @property
    def api_calls(self) -> int:
        return sum(self.calls.values())


# Extra finding sources (e.g. repository scanning): fn(loaded) -> list[Finding]. Appended by other modules.
FINDING_SOURCES: list[Callable[[Any], list[Finding]]] = []


def number_paths(raws: list[RawResponse], base_of: Callable[[RawResponse], str]) -> None:
    """``path = <base>.json``, then ``<base>-2.json``, ... in the order given."""
    seen: dict[str, int] = {}
    for r in raws:
        base = base_of(r)
        n = seen.get(base, 0) + 1
        seen[base] = n
        r.path = f"{base}.json" if n == 1 else f"{base}-{n}.json"


def assign_paths(raws: list[RawResponse], base_of: Callable[[RawResponse], str] | None = None) -> None:
    """Deterministic bundle paths: raw/<region|global>/<service>/<operation>[-n].json (or ``base_of(r)`` + [-n].json)."""
    base_of = base_of or (lambda r: f"raw/{r.region or 'global'}/{r.service}/{r.operation}")
    order = sorted(raws, key=lambda r: (base_of(r), json.dumps(r.params, sort_keys=True, default=str)))
    number_paths(order, base_of)


def bedrock_regions() -> list[str]:
    import boto3

    return sorted(boto3.session.Session().get_available_regions("bedrock"))


def run_checks(
    loaded: Any,
    regions: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    scan_regions: list[str] | None = None,
    max_workers: int = MAX_WORKERS,
) -> CheckRun:
    """Verify the profile read-only against AWS.

    ``regions``: limit the run to these regions (declared regions among them get every
    check; the residency scan covers exactly these). Default: every declared region, and
    the residency scan covers every Bedrock region of the partition.
    ``scan_regions`` overrides the residency scan's region list.
    """
    from questionnaire import checks as reg
    from questionnaire.aws import AwsContext, Recorder, now_iso

    profile = loaded.profile
    started = now_iso()
    recorder = Recorder()
    local = threading.local()

    def ctx() -> AwsContext:
        c = getattr(local, "ctx", None)
        if c is None:
            c = local.ctx = AwsContext(recorder)
        return c

    aws_deps = profile.aws_deployments()
    checks = list(reg.CHECKS.values())
    # units: (check, dep, region-for-collector, finding-region)
    findings: list[Finding] = []
    errors: list[str] = []
    identity: dict[str, Any] = {}
    run_regions: set[str] = set()
    judged: list[tuple[Any, Any, str | None, dict[str, Any]]] = []  # (check, dep, region, data)

    # ---- 1. identity (fail fast, before any other call)
    if aws_deps:
        first = aws_deps[0]
        main = ctx()
        main.check_id = "identity.account_matches"
        from questionnaire.aws import identity as sts_identity

        ident_raw = sts_identity(main, (regions or first.regions)[0])
        identity = {"account": ident_raw.response.get("Account"), "arn": ident_raw.response.get("Arn")}
        for d in aws_deps:
            if d.aws.account_id != identity["account"]:
                raise WrongAccountError(
                    f"the AWS credentials are for account {identity['account']}, but deployment '{d.id}' declares "
                    f"aws.account_id {d.aws.account_id}; use credentials for that account (e.g. AWS_PROFILE)"
                )

    # ---- 2. collect
    units: list[tuple[Any, Any, str | None, str]] = []  # (check, dep, finding_region, collector_region)
    scans: list[tuple[Any, Any, list[str]]] = []
    for d in aws_deps:
        dep_regions = [r for r in d.regions if regions is None or r in regions]
        run_regions.update(dep_regions)
        for c in checks:
            if c.scope == "profile" or not c.applies(d, profile):
                continue
            if c.scope == "region":
                units += [(c, d, r, r) for r in dep_regions]
            elif c.scope == "global":
                if dep_regions or regions is None:
                    units.append((c, d, None, d.regions[0]))
            elif c.scope == "scan":
                if scan_regions is not None:
                    sr = list(scan_regions)
                elif regions is not None:
                    sr = list(regions)
                else:
                    sr = sorted(set(bedrock_regions()) | set(d.regions))
                scans.append((c, d, sr))

    # group region units per (dep, region) so that one worker walks one region's checks in order
    groups: dict[tuple[str, str | None, str], list[tuple[Any, Any, str | None, str]]] = {}
    for u in units:
        groups.setdefault((u[1].id, u[2], u[3]), []).append(u)
    results: dict[int, dict[str, Any]] = {}
    scan_results: dict[tuple[int, str], dict[str, Any]] = {}
    lock = threading.Lock()

    def run_unit(c: Any, d: Any, col_region: str) -> dict[str, Any]:
        cx = ctx()
        cx.check_id = c.id
        try:
            return c.collect(cx, d, col_region, profile)
        except QuestionnaireError:
            raise
        except Exception as e:  # a collector bug must not turn into a PASS
            with lock:
                errors.append(f"{c.id} ({d.id}, {col_region}): collector error: {type(e).__name__}: {e}")
            return {"__exception__": f"{type(e).__name__}: {e}"}

    def run_group(key: tuple, members: list) -> None:
        for u in members:
            results[id(u)] = run_unit(u[0], u[1], u[3])
        if progress is not None and key[1] is not None:
            n = recorder.calls_by_region().get(key[1], 0)
            progress(f"{key[1]}: {len(members)} checks collected for {key[0]} ({n} API calls so far)")

    def run_scan(i: int, c: Any, d: Any, r: str) -> None:
        scan_results[(i, r)] = run_unit(c, d, r)

    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="check") as pool:
        futs = [pool.submit(run_group, k, m) for k, m in groups.items()]
        for i, (c, d, sr) in enumerate(scans):
            futs += [pool.submit(run_scan, i, c, d, r) for r in sr]
        for f in futs:
            f.result()  # re-raises CredentialsError etc.

    for u in units:
        judged.append((u[0], u[1], u[2], results[id(u)]))
    for i, (c, d, sr) in enumerate(scans):
        judged.append((c, d, None, {"regions": {r: scan_results[(i, r)] for r in sr}}))

    # ---- 3. paths
    assign_paths(recorder.raw)

    # ---- 4. judge (pure)
    for c, d, r, data in judged:
        if "__exception__" in data or any("__exception__" in v for v in (data.get("regions") or {}).values()):
            findings.append(Finding(c.id, d.id, r, Status.UNKNOWN, None, None, "not verified: internal error while collecting"))
            continue
        try:
            findings.extend(c.judge(profile, d, r, data))
        except Exception as e:
            errors.append(f"{c.id} ({d.id}, {r}): judge error: {type(e).__name__}: {e}")
            findings.append(Finding(c.id, d.id, r, Status.UNKNOWN, None, None, "not verified: internal error while judging"))
    for c in checks:
        if c.scope == "profile":
            for d in profile.deployments:
                if c.applies(d, profile):
                    findings.extend(c.judge(profile, d, None, {}))

    # ---- 5. other finding sources (e.g. repository scanning, issue 9): add calls here
    from questionnaire.repo_scan import profile_repo_findings  # local checkouts; evidence paths raw/global/repo/

    repo_findings, repo_raw = profile_repo_findings(loaded)
    findings.extend(repo_findings)
    from questionnaire.coding_agents import profile_agent_findings  # managed-settings files named in the profile

    agent_findings, agent_raw = profile_agent_findings(loaded)
    findings.extend(agent_findings)
    repo_raw = repo_raw + agent_raw
    from questionnaire.checks.providers import run_providers  # Azure, Google Cloud, OpenAI, Anthropic

    provider_findings, provider_raw = run_providers(loaded, progress)
    findings.extend(provider_findings)
    repo_raw = repo_raw + provider_raw
    for source in FINDING_SOURCES:
        findings.extend(source(loaded))

    dep_order = {d.id: i for i, d in enumerate(profile.deployments)}
    chk_order = {cid: i for i, cid in enumerate(reg.CHECKS)}
    findings.sort(key=lambda f: (dep_order.get(f.deployment or "", 999), chk_order.get(f.check_id, 999), f.region or "", f.subject or ""))
    # mapped framework controls on every finding (check --json and the bundle's findings.json)
    from questionnaire.mapping import annotate_findings

    findings = annotate_findings(findings)
    emulated = sorted({f"{r.service}.{r.operation}" for r in recorder.raw + repo_raw if r.emulated})
    return CheckRun(
        findings=findings,
        raw=sorted(recorder.raw + repo_raw, key=lambda r: r.path),
        identity=identity,
        started=started,
        ended=now_iso(),
        regions=sorted(run_regions),
        check_ids=sorted({f.check_id for f in findings}),
        errors=errors,
        emulated=emulated,
        calls=recorder.calls_by_region(),
        operations_by_check={k: sorted(v) for k, v in recorder.operations_by_check.items()},
    )
