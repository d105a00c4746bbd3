"""Benchmark: `check --org` over an emulated organization of 10, 50 and 200 accounts x 2 regions.

    python benchmarks/org_bench.py [--sizes 10,50,200] [--workers 8] [--latency-ms 0] [--rate-scale 1]

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
regions from the measured calls per (account, region).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.check_bench import SERVER, free_port  # noqa: E402


def run_size(url: str, n: int, workers: int, rate_scale: float) -> dict:
    from questionnaire.aws import emulators
    from questionnaire.checks import run_checks
    from questionnaire.findings import summarize
    from questionnaire.org.plan import Scope
    from questionnaire.profile import load_profile
    from questionnaire.testing.org_fixture import emulator_table, seed_org, write_org_profile

    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).read()
    lay, extras = seed_org(n - 1)  # n accounts with the management account
    with tempfile.TemporaryDirectory() as d:
        loaded = load_profile(write_org_profile(lay, Path(d)))
        lines: list[str] = []
        with emulators(emulator_table(extras)):
            t = time.perf_counter()
            run = run_checks(loaded, scope=Scope(org=True), status=lines.append, max_workers=workers, rate_scale=rate_scale)
            wall = time.perf_counter() - t
    calls = run.api_calls
    regions = len(lay.regions)
    return {"accounts": len(run.accounts), "wall": wall, "calls": calls, "per_account": calls / n,
            "per_account_region": calls / (n * regions), "s_per_account": wall / n, "waited": run.rate_waited,
            "counts": summarize(run.findings), "progress": lines[-1] if lines else "",
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def on_paper(per_account_region: float, per_account_fixed: float) -> list[str]:
    """5,000 accounts x 17 regions at the documented per-account-and-region rates."""
    accounts, regions = 5000, 17
    calls = accounts * (per_account_fixed + regions * per_account_region)
    out = [f"5,000 accounts x 17 regions: ~{calls:,.0f} API calls "
           f"({per_account_fixed:.0f} per account + {per_account_region:.1f} per account and region)"]
    # AWS throttles per account and region, so accounts run in parallel; what is shared is the caller's
    # STS bucket (one AssumeRole per account) and Organizations (ListAccounts, 20 accounts a page).
    sts_rate, org_rate = 50.0, 2.0
    shared = accounts / sts_rate + (accounts / 20) / org_rate
    for latency in (0.05, 0.1):
        for threads in (32, 64):
            minutes = calls * latency / threads / 60
            shards = max(1, int(-(-minutes // 10)))
            out.append(f"  at {latency * 1000:.0f} ms per call, {threads} threads: {minutes:,.0f} min on one machine "
                       f"-> {shards} shard(s) for 10 minutes")
    out.append(f"  shared floor (caller's AssumeRole at {sts_rate:.0f}/s, ListAccounts at {org_rate:.0f}/s): {shared / 60:.1f} min")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,50,200")
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--rate-scale", type=float, default=1.0)
    args = ap.parse_args()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        url = f"http://127.0.0.1:{port}"
        os.environ.update({"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                           "AWS_DEFAULT_REGION": "us-east-1"})
        rows = []
        print(f"{'accounts':>8} {'wall s':>8} {'calls':>7} {'calls/acct':>10} {'s/acct':>7} {'waited s':>9} {'RSS MB':>7}  findings")
        for n in [int(x) for x in args.sizes.split(",")]:
            r = run_size(url, n, args.workers, args.rate_scale)
            rows.append(r)
            c = r["counts"]
            print(f"{r['accounts']:>8} {r['wall']:>8.1f} {r['calls']:>7} {r['per_account']:>10.1f} {r['s_per_account']:>7.3f} "
                  f"{r['waited']:>9.1f} {r['rss_mb']:>7.0f}  {c['PASS']} PASS {c['FAIL']} FAIL {c['UNKNOWN']} UNKNOWN")
            print(f"{'':>8} last progress line: {r['progress']}")
        big = rows[-1]
        for line in on_paper(big["per_account_region"], 2.0):
            print(line)
    finally:
        proc.terminate()
        proc.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
