"""run_checks: preflight, plan, collect concurrently (threads sharing one session's clients), judge (pure).

1. ``preflight``: sts:GetCallerIdentity (stops the run on wrong account / no credentials / unreachable;
   the identity.account_matches check judges the same, cached response as a finding);
2. ``plan``: units for every (deployment, region), global and scan check (scan: enabled regions);
3. ``collect``: collectors concurrently, a task per unit and per scanned region (on Linux the scanned regions
   no other unit reads go to a forked helper process: ``questionnaire.checks.helper``); a collector bug is a
   typed ``CollectError``, never a PASS;
4. bundle paths assigned deterministically; 5. ``judge``; 6. other finding sources (repo scan, providers).

Over several accounts (``scope``: the profile names roles or other accounts, or --org / --accounts / --shard),
the preflight is the account plan (``questionnaire.org.plan``): units are per (account, region), each
collector reads through the context of its account (``Check.reads``), every covered account gets the
``account``-scope baseline checks, an account whose role cannot be assumed gets UNKNOWN findings with the
reason, and a shard other than 1 leaves out what is not per account (profile-only checks, other providers).
"""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from questionnaire.checks.aws import CHECKS
from questionnaire.checks.paths import assign_paths, number_paths
from questionnaire.errors import QuestionnaireError, WrongAccountError
from questionnaire.findings import Finding, RawResponse, Status

__all__ = ["CheckRun", "CollectError", "FINDING_SOURCES", "MAX_WORKERS", "Unit", "assign_paths", "enabled_regions", "number_paths",
           "run_checks"]

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
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)  # several accounts: how each was reached
    org: dict[str, Any] | None = None  # --org / --accounts / --shard: the listing, the shard, the accounts covered
    rate_waited: float = 0.0  # seconds the per-service rate limiter made workers wait

    @property
    def api_calls(self) -> int:
        return sum(self.calls.values())


# Extra finding sources (e.g. repository scanning): fn(loaded) -> list[Finding]. Appended by other modules.
FINDING_SOURCES: list[Callable[[Any], list[Finding]]] = []


def bedrock_regions() -> list[str]:
    from questionnaire.aws import available_regions

    return list(available_regions("bedrock"))


def enabled_regions(ctx: Any) -> tuple[set[str] | None, list[RawResponse], str]:
    """The regions enabled for the account: account:ListRegions (ENABLED, ENABLED_BY_DEFAULT), else
    ec2:DescribeRegions (which lists enabled regions only); None when neither can be read."""
    pages = ctx.pages("account", "list_regions", "us-east-1", record_region=None,
                      RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"])
    if pages.complete:
        return {r["RegionName"] for r in pages.items("Regions")}, list(pages), "account:ListRegions"
    ec2 = ctx.call("ec2", "describe_regions", "us-east-1", record_region=None)
    if ec2.error is None:
        regs = {r["RegionName"] for r in (ec2.response or {}).get("Regions") or [] if r.get("OptInStatus") != "not-opted-in"}
        return regs, [*pages, ec2], "ec2:DescribeRegions"
    return None, [*pages, ec2], "every Bedrock region (the enabled regions could not be read)"


@dataclass
class CollectError:
    """A collector that raised (a bug, not an API error): its check becomes UNKNOWN."""

    message: str


@dataclass
class Unit:
    check: Any
    dep: Any
    region: str | None  # the finding's region (None: global / scan)
    col_region: str  # where the collector runs
    scan: list[str] = field(default_factory=list)  # scan units: every region scanned
    data: Any = None  # collected data, {"regions": {...}} for scans, or CollectError / AccessFailure
    account: str | None = None  # the account the collector reads (runs over several accounts)

    @property
    def label(self) -> str:
        return getattr(self.dep, "id", None) or f"account {self.account}"


def _in_threads(max_workers: int, tasks: list[tuple]) -> None:
    """``fn(*args)`` for every ``(fn, *args)`` in a pool of threads; the first exception is raised (CredentialsError etc.)."""
    if not tasks:
        return
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="check") as pool:
        for f in [pool.submit(*t) for t in tasks]:
            f.result()


class _Run:
    def __init__(self, loaded: Any, regions: list[str] | None, scan_regions: list[str] | None,
                 progress: Callable[[str], None] | None, accounts: Any = None) -> None:
        from questionnaire.aws import Recorder

        self.loaded, self.profile, self.regions, self.scan_regions = loaded, loaded.profile, regions, scan_regions
        self.progress = progress
        self.recorder = Recorder()
        self.shared: Any = None  # the single account's session and clients, one per (service, region), shared by the workers
        self.local = threading.local()
        self.errors: list[str] = []
        self.lock = threading.Lock()
        # per account (None: the single account) the enabled-region listing, given to scan judges as evidence
        self.scan_info: dict[str | None, dict[str, Any]] = {}
        self.run_regions: set[str] = set()
        self.accounts = accounts  # questionnaire.org.run.MultiAccount, or None for the classic single-account run
        if accounts is not None:
            accounts.bind(self.recorder)

    def ctx(self, check_id: str | None = None, account: str | None = None) -> Any:
        from questionnaire.aws import AwsContext, SharedClients

        if self.accounts is not None:
            return self.accounts.router.ctx(account or self.accounts.plan.caller["account"], check_id)
        c = getattr(self.local, "ctx", None)
        if c is None:
            with self.lock:
                if self.shared is None:
                    self.shared = SharedClients()
            c = self.local.ctx = AwsContext(self.recorder, shared=self.shared)
        c.check_id = check_id
        return c

    def preflight(self) -> dict[str, Any]:
        """The credentials' account must be the declared one before any other call (over several accounts:
        the caller of the account plan, which reaches the others)."""
        from questionnaire.aws import identity as sts_identity
        from questionnaire.checks.aws.identity import ID

        if self.accounts is not None:
            return dict(self.accounts.plan.caller)
        deps = self.profile.aws_deployments()
        if not deps:
            return {}
        raw = sts_identity(self.ctx(ID), (self.regions or deps[0].regions)[0])
        ident = {"account": raw.response.get("Account"), "arn": raw.response.get("Arn")}
        for d in deps:
            if d.aws.account_id != ident["account"]:
                raise WrongAccountError(
                    f"the AWS credentials are for account {ident['account']}, but deployment '{d.id}' declares "
                    f"aws.account_id {d.aws.account_id}; use credentials for that account (e.g. AWS_PROFILE)"
                )
        return ident

    def default_scan(self, c: Any, d: Any, account: str | None = None) -> list[str]:
        if self.scan_regions is not None:
            return list(self.scan_regions)
        if self.regions is not None:
            return list(self.regions)
        info = self.scan_info.get(account)
        if info is None:
            regs, raws, source = enabled_regions(self.ctx(c.id, account))
            info = self.scan_info[account] = {"enabled": raws, "region_source": source,
                                              "regions": set(bedrock_regions()) & regs if regs is not None else set(bedrock_regions())}
        return sorted(info["regions"] | set(getattr(d, "regions", None) or ()))

    def plan(self, checks: list[Any]) -> list[Unit]:
        units: list[Unit] = []
        for d in self.profile.aws_deployments():
            if self.accounts is not None and not self.accounts.plan.owns(d.aws.account_id):
                continue  # another shard's deployment
            dep_regions = [r for r in d.regions if self.regions is None or r in self.regions]
            self.run_regions.update(dep_regions)
            for c in checks:
                if c.scope in ("profile", "account") or not c.applies(d, self.profile):
                    continue
                acct = self.accounts.unit_account(c, d) if self.accounts is not None else None
                if c.scope == "region":
                    units += [Unit(c, d, r, r, account=acct) for r in dep_regions]
                elif c.scope == "global" and (dep_regions or self.regions is None):
                    units.append(Unit(c, d, None, d.regions[0], account=acct))
                elif c.scope == "scan":
                    units.append(Unit(c, d, None, d.regions[0], scan=self.default_scan(c, d, acct), account=acct))
        if self.accounts is not None:
            units += self.accounts.baseline_units(self, checks, Unit)
        return units

    def collect_one(self, u: Unit, region: str, once: bool = False) -> Any:
        """One collector in one region (``once``: the scan check's ``collect_once``); a bug is a CollectError."""
        c, d = u.check, u.dep
        try:
            ctx = self.ctx(c.id, u.account)
            return c.collect_once(ctx, d, self.profile) if once else c.collect(ctx, d, region, self.profile)
        except QuestionnaireError:
            raise
        except Exception as e:  # a collector bug must not turn into a PASS
            with self.lock:
                self.errors.append(f"{c.id} ({u.label}, {region}): collector error: {type(e).__name__}: {e}")
            return CollectError(f"{type(e).__name__}: {e}")

    def forget_clients(self) -> None:
        """In a forked helper process: make clients of its own, never use the parent's pooled connections."""
        self.local = threading.local()
        if self.shared is not None:
            self.shared.forget()

    def collect(self, units: list[Unit], max_workers: int) -> None:
        """Every unit is a task of the pool (a region's progress line when its last unit ends); a scan check's
        collector runs in every scanned region, its ``collect_once`` once (in the unit's region). The scanned regions
        nothing else reads may be collected meanwhile by a helper process (``questionnaire.checks.helper``)."""
        import questionnaire.checks.helper as helpers

        groups: dict[tuple[str | None, str, str | None, str], list[Unit]] = {}
        for u in units:
            if not u.scan:
                groups.setdefault((u.account, u.label, u.region, u.col_region), []).append(u)
        scans = [(i, r) for i, u in enumerate(units) for r in u.scan]
        got: dict[tuple[int, str | None], Any] = {}  # (unit, region) or (unit, None): its collect_once
        done = self.accounts.tracker(groups, units) if self.accounts is not None else (lambda account: None)
        left = {k: len(m) for k, m in groups.items()}

        def run_unit(key: tuple, u: Unit) -> None:
            u.data = self.collect_one(u, u.col_region)
            with self.lock:
                left[key] -= 1
                if left[key]:
                    return
            done(key[0])  # the group's last unit
            if self.progress is not None and key[2] is not None:
                n = self.recorder.calls_by_region().get(key[2], 0)
                self.progress(f"{key[2]}: {len(groups[key])} checks collected for {key[1]} ({n} API calls so far)")

        def run_scan(i: int, r: str | None) -> None:
            u = units[i]
            got[(i, r)] = self.collect_one(u, r) if r is not None else self.collect_one(u, u.col_region, once=True)
            done(u.account)

        helper = helpers.start(self, units, scans, max_workers)  # None: every scanned region is collected here
        try:
            here = helper.others(scans) if helper is not None else scans
            here += [(i, None) for i, u in enumerate(units) if u.scan and u.check.collect_once is not None]
            _in_threads(max_workers, [(run_unit, k, u) for k, m in groups.items() for u in m] + [(run_scan, i, r) for i, r in here])
        except BaseException:
            if helper is not None:
                helper.abandon()
            raise
        if helper is not None:
            from_helper, missing = helper.join(self)
            got.update(from_helper)
            _in_threads(max_workers, [(run_scan, i, r) for i, r in missing])  # the helper failed: collected here
        for i, u in enumerate(units):
            if u.scan:
                u.data = self.scan_data(i, u, got)

    def scan_data(self, i: int, u: Unit, got: dict[tuple[int, str | None], Any]) -> Any:
        """A scan unit's data: ``{"regions": {region: collected}, "once": ..., "enabled": ...}``, or its CollectError."""
        regions = {r: got[(i, r)] for r in u.scan}
        once = got.get((i, None))
        bad = next((v for v in [*regions.values(), once] if isinstance(v, CollectError)), None)
        info = self.scan_info.get(u.account, {})
        data = {"regions": regions, "enabled": info.get("enabled", []), "region_source": info.get("region_source", "given"),
                "account": u.account}
        if u.check.collect_once is not None:
            data["once"] = once
        return bad or data

    def judge(self, units: list[Unit], checks: list[Any]) -> list[Finding]:
        findings: list[Finding] = []
        for u in units:
            c, d, r = u.check, u.dep, u.region
            dep_id = getattr(d, "id", None)
            if self.accounts is not None and (failed := self.accounts.failure(u.account)) is not None:
                findings.append(self.accounts.unknown(c.id, dep_id, r, failed, None if d is not None else u.account))
                continue
            if isinstance(u.data, CollectError):
                findings.append(Finding(c.id, dep_id, r, Status.UNKNOWN, None, None, "not verified: internal error while collecting"))
                continue
            try:
                got = c.judge(self.profile, d, r, u.data)
            except Exception as e:
                self.errors.append(f"{c.id} ({u.label}, {r}): judge error: {type(e).__name__}: {e}")
                got = [Finding(c.id, dep_id, r, Status.UNKNOWN, None, None, "not verified: internal error while judging")]
            findings.extend(self.accounts.stamp(got, u.account) if self.accounts is not None else got)
        if self.accounts is None or self.accounts.plan.first:
            for c in checks:
                if c.scope == "profile":
                    findings += [f for d in self.profile.deployments if c.applies(d, self.profile)
                                 for f in c.judge(self.profile, d, None, {})]
        return findings

    def other_sources(self) -> tuple[list[Finding], list[RawResponse]]:
        from questionnaire.checks.providers import run_providers  # Azure, Google Cloud, OpenAI, Anthropic
        from questionnaire.repo_scan import profile_repo_findings  # local checkouts; evidence paths raw/global/repo/

        from questionnaire.coding_agents import profile_agent_findings  # managed-settings files named in the profile

        findings, raws = profile_repo_findings(self.loaded)
        agent_findings, agent_raw = profile_agent_findings(self.loaded)
        provider_findings, provider_raw = run_providers(self.loaded, self.progress)
        findings = findings + agent_findings + provider_findings
        raws = raws + agent_raw
        for source in FINDING_SOURCES:
            findings.extend(source(self.loaded))
        return findings, raws + provider_raw


@contextmanager
def settled_heap() -> Iterator[Callable[[], None]]:
    """Keep what is alive now out of the cycle collector's passes until the block ends (``gc.freeze``); the block
    gets ``settle`` to set aside what it has made since. While a run collects, what was alive when the calls
    started (imported modules, the profile, the session and its parsed service models, ~1M objects) lives on,
    and the collector's passes over it while boto3 clients and responses are made were ~15% of a run's CPU
    time. At the end everything is given back (``gc.unfreeze``), so a long-lived caller's garbage is still
    collected; unless the caller had frozen objects itself: then freezing is its business."""
    caller_froze = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        if not caller_froze:
            gc.unfreeze()


def run_checks(
    loaded: Any,
    regions: list[str] | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    scan_regions: list[str] | None = None,
    max_workers: int = MAX_WORKERS,
    scope: Any = None,
    status: Callable[[str], None] | None = None,
    rate_scale: float = 1.0,
) -> CheckRun:
    """Verify the profile read-only against AWS.

    ``regions``: limit the run to these regions (declared regions among them get every
    check; the residency scan covers exactly these). Default: every declared region, and
    the residency scan covers the account's enabled Bedrock regions.
    ``scan_regions`` overrides the residency scan's region list.
    ``scope`` (``questionnaire.org.plan.Scope``): --org / --accounts / --shard; a run is over several accounts
    with a scope or when the profile names roles or other accounts. ``status`` then gets the progress line
    (accounts done / total, API calls, errors); ``rate_scale`` scales the per-service request rates (benchmarks).
    """
    from questionnaire.aws import now_iso
    from questionnaire.mapping import annotate_findings
    from questionnaire.org.run import multi_account

    started = now_iso()
    accounts = multi_account(loaded.profile, scope, status, rate_scale)
    run = _Run(loaded, regions, scan_regions, progress, accounts)
    checks = list(CHECKS.values())
    with settled_heap() as settle:
        identity = run.preflight()
        units = run.plan(checks)
        settle()  # the session, its service models and the plan too
        run.collect(units, max_workers)
    if accounts is not None:
        accounts.finish(run.recorder)
    assign_paths(run.recorder.raw, accounts.raw_base if accounts is not None else None)
    findings = run.judge(units, checks)
    more, other_raw = run.other_sources() if accounts is None or accounts.plan.first else ([], [])
    findings += more
    dep_order = {d.id: i for i, d in enumerate(loaded.profile.deployments)}
    chk_order = {cid: i for i, cid in enumerate(CHECKS)}
    findings.sort(key=lambda f: (dep_order.get(f.deployment or "", 999), chk_order.get(f.check_id, 999), f.region or "",
                                 f.subject or "", f.account or ""))
    findings = annotate_findings(findings)  # mapped framework controls (check --json and the bundle's findings.json)
    raw = run.recorder.raw
    return CheckRun(
        findings=findings, raw=sorted(raw + other_raw, key=lambda r: r.path), identity=identity, started=started, ended=now_iso(),
        regions=sorted(run.run_regions), check_ids=sorted({f.check_id for f in findings}), errors=run.errors,
        emulated=sorted({f"{r.service}.{r.operation}" for r in raw + other_raw if r.emulated}), calls=run.recorder.calls_by_region(),
        operations_by_check={k: sorted(v) for k, v in run.recorder.operations_by_check.items()},
        **(accounts.run_fields() if accounts is not None else {}),
    )
