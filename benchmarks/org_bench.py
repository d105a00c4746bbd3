"""Benchmark: `check --org` over an emulated organization of 10, 50 and 200 accounts x 2 regions.

    python benchmarks/org_bench.py [--sizes 10,50,200] [--workers 8] [--latency-ms 0] [--rate-scale 1] [--regions-model]

moto runs in a child process (ThreadedMotoServer on 127.0.0.1), seeded by
``questionnaire.testing.org_fixture.seed_org``: management account (organization trail), log archive,
security, network, 2 declared workload accounts, one account using Bedrock undeclared, one whose role
cannot be assumed, the rest plain members. For each size: wall time of ``run_checks`` with ``--org``,
API calls (the checks' calls plus AssumeRole/ListAccounts), calls per account, peak RSS of this process,
the seconds the rate limiter made threads wait, and the findings' status counts. Growth is linear when
calls/account and seconds/account stay flat across sizes.

``--latency-ms`` adds a simulated round trip to every HTTP request (real AWS answers in tens of ms);
``--rate-scale`` multiplies the per-service rates of templates/aws_rate_limits.yaml (e.g. 0.05 to show the
run becoming bound by the rate limit instead of CPU). Also prints the on-paper cost of 5,000 accounts x 17
regions from the measured cost of one more member account (its calls, the client CPU per call).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.check_bench import add_latency, moto_server  # noqa: E402

REGIONS = ["eu-west-1", "eu-central-1", "eu-west-3", "eu-north-1"]


def run_size(url: str, n: int, workers: int, rate_scale: float, regions: list[str]) -> dict:
    from questionnaire.aws import emulators
    from questionnaire.checks import run_checks
    from questionnaire.findings import summarize
    from questionnaire.org.plan import Scope
    from questionnaire.profile import load_profile
    from questionnaire.testing.org_fixture import emulator_table, seed_org, write_org_profile

    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).read()
    lay, extras = seed_org(n - 1, regions)  # n accounts with the management account
    with tempfile.TemporaryDirectory() as d:
        loaded = load_profile(write_org_profile(lay, Path(d)))
        lines: list[str] = []
        with emulators(emulator_table(extras)):
            cpu0, t = _cpu(), time.perf_counter()
            run = run_checks(loaded, scope=Scope(org=True), status=lines.append, max_workers=workers, rate_scale=rate_scale)
            wall, cpu = time.perf_counter() - t, _cpu() - cpu0
    return {"accounts": len(run.accounts), "n": n, "regions": len(lay.regions), "wall": wall, "cpu": cpu, "calls": run.api_calls,
            "waited": run.rate_waited, "counts": summarize(run.findings), "progress": lines[-1] if lines else "",
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def on_paper(member: dict[int, tuple[float, float]]) -> list[str]:
    """5,000 accounts x 17 regions, from the measured cost of one more member account at two region counts
    ({regions: (calls, CPU seconds)}): cost = fixed + per region x regions, for calls and for client CPU."""
    (r1, (c1, t1)), (r2, (c2, t2)) = sorted(member.items())[:2]
    calls_region, cpu_region = (c2 - c1) / (r2 - r1), (t2 - t1) / (r2 - r1)
    calls_fixed, cpu_fixed = c1 - r1 * calls_region, t1 - r1 * cpu_region
    accounts, regions = 5000, 17
    calls = accounts * (calls_fixed + regions * calls_region) + accounts / 20  # + ListAccounts pages (20 accounts each)
    cpu_min = accounts * (cpu_fixed + regions * cpu_region) / 60
    out = [f"5,000 accounts x 17 regions: ~{calls:,.0f} API calls ({calls_fixed:.1f} per account + {calls_region:.1f} per "
           f"account and region, + {accounts // 20} ListAccounts pages)",
           f"  client CPU per member account: {cpu_fixed * 1000:.0f} ms + {cpu_region * 1000:.0f} ms per region (measured; "
           f"mostly building boto3 clients, one per service and region in each account) -> {cpu_min:,.0f} CPU-min"]
    # per (account, region) there are two calls: no per-account quota binds (ListMetrics, Bedrock, account:ListRegions
    # 5/s per account). Shared: the caller's AssumeRole (its STS bucket) and the Organizations listing.
    sts, org = 50.0, 2.0
    shared = accounts / sts / 60
    listing = (accounts / 20) / org / 60
    out.append(f"  shared rates: {accounts:,} AssumeRole at {sts:.0f}/s = {shared:.1f} min of the caller's STS budget "
               f"(split across shards), ListAccounts {accounts // 20} pages at {org:.0f}/s = {listing:.1f} min (every shard lists)")
    for latency in (0.05, 0.1):
        for threads in (16, 32):
            io_min = calls * latency / threads / 60
            one = max(io_min, cpu_min)  # one process: one core of Python (the GIL), threads overlap the waiting
            shards = max(1, -(-int(one * 100) // int((10 - listing) * 100)))
            out.append(f"  {latency * 1000:.0f} ms per call, {threads} threads: {io_min:,.1f} min waiting, {cpu_min:,.1f} min CPU "
                       f"-> {one:,.1f} min in one process -> {shards} shards (one core each) for 10 minutes")
    return out

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,50,200")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--rate-scale", type=float, default=1.0)
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--regions-model", action="store_true",
                    help="also run the first two sizes with 4 regions: cost per region for the 5,000 x 17 estimate")
    args = ap.parse_args()
    add_latency(args.latency_ms)
    with moto_server(AWS_DEFAULT_REGION="us-east-1") as url:
        rows = []
        print(f"{'accounts':>8} {'regions':>7} {'wall s':>7} {'CPU s':>6} {'calls':>6} {'calls/acct':>10} {'s/acct':>7} "
              f"{'waited s':>8} {'RSS MB':>6}  findings")
        member: dict[int, tuple[float, float]] = {}
        plan = [(int(x), REGIONS[:2]) for x in args.sizes.split(",")]
        if args.regions_model:
            plan += [(int(args.sizes.split(",")[0]), REGIONS[:4]), (int(args.sizes.split(",")[1]), REGIONS[:4])]
        for n, regions in plan:
            r = run_size(url, n, args.workers, args.rate_scale, regions)
            rows.append(r)
            c = r["counts"]
            print(f"{r['accounts']:>8} {len(regions):>7} {r['wall']:>7.1f} {r['cpu']:>6.1f} {r['calls']:>6} {r['calls'] / n:>10.2f} "
                  f"{r['wall'] / n:>7.3f} {r['waited']:>8.1f} {r['rss_mb']:>6.0f}  {c['PASS']} PASS {c['FAIL']} FAIL "
                  f"{c['UNKNOWN']} UNKNOWN")
            print(f"{'':>8} last progress line: {r['progress']}")
        for k in (2, 4):
            same = [r for r in rows if r["regions"] == k]
            if len(same) >= 2:
                a, b = same[0], same[1]
                member[k] = ((b["calls"] - a["calls"]) / (b["n"] - a["n"]), (b["cpu"] - a["cpu"]) / (b["n"] - a["n"]))
                print(f"one more member account ({k} regions): {member[k][0]:.2f} calls, {member[k][1] * 1000:.0f} ms CPU, "
                      f"{(b['wall'] - a['wall']) / (b['n'] - a['n']):.3f} s wall")
        if len(member) == 2:
            for line in on_paper(member):
                print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
