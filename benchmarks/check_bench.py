"""Benchmark: `check` against a ThreadedMotoServer with the compliant example account.

    .venv/bin/python benchmarks/check_bench.py [--repeat 5] [--scan all|declared]

The moto server runs in a child process (ThreadedMotoServer on 127.0.0.1), so the peak RSS
reported is the checker's own (plus the seeding clients), and that of the helper processes it forked for
the residency scan (``questionnaire.checks.helper``; waited for, unlike the server). For 1 and 3 declared regions:
wall time of run_checks (median of N), API calls (counted by the botocore before-call hook),
split into calls in declared regions, global calls (IAM, S3, STS), and the residency scan
of undeclared regions. Targets (issue 4): <= 25 API calls per region; 3 regions < 2x 1 region.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

REGION_SETS = {1: ["eu-west-1"], 3: ["eu-west-1", "eu-central-1", "eu-west-3"]}

SERVER = """
import sys, time
from moto.server import ThreadedMotoServer
s = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
s.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"""


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def add_latency(ms: float) -> None:
    """Every HTTP request of every client made from now on waits ``ms`` first (a model of real AWS round trips)."""
    if not ms:
        return
    import questionnaire.aws as qaws

    real_make_client = qaws.make_client

    def slow_make_client(*a, **kw):
        client = real_make_client(*a, **kw)
        client.meta.events.register("before-send.*.*", lambda **_: time.sleep(ms / 1000))
        return client

    qaws.make_client = slow_make_client


@contextmanager
def moto_server(**env: str):
    """A ThreadedMotoServer in a child process on a free port; yields its URL, with AWS_ENDPOINT_URL, fake
    credentials and ``env`` set in this process; the server is stopped on the way out."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        url = f"http://127.0.0.1:{port}"
        os.environ.update({"AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", **env})
        yield url
    finally:
        proc.terminate()
        proc.wait(5)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--scan", choices=["all", "declared"], default="all",
                    help="residency scan over every Bedrock region (default, what `check` does) or only the declared ones")
    ap.add_argument("--latency-ms", type=float, default=0.0,
                    help="add this much simulated network round-trip time to every HTTP request (models real AWS; default 0)")
    args = ap.parse_args()
    add_latency(args.latency_ms)
    with moto_server() as url:
        from questionnaire.aws import emulators
        from questionnaire.checks import run_checks
        from questionnaire.findings import summarize
        from questionnaire.testing.aws_fixture import profile_for_regions, seed_account

        medians = {}
        for n, regions in REGION_SETS.items():
            urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).read()
            extras = seed_account("compliant", regions)
            loaded = profile_for_regions(regions)
            scan = regions if args.scan == "declared" else None
            times = []
            with emulators(extras.table()):
                run_checks(loaded, scan_regions=scan)  # warm-up (imports, service models)
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    run = run_checks(loaded, scan_regions=scan)
                    times.append(time.perf_counter() - t)
            med = statistics.median(times)
            medians[n] = med
            declared = sum(1 for r in run.raw if r.region in regions)
            glob = sum(1 for r in run.raw if r.region is None)
            scanned = sum(1 for r in run.raw if r.region and r.region not in regions)
            total = run.api_calls
            c = summarize(run.findings)
            print(f"{n} region(s) {regions}: median {med:.3f}s over {args.repeat} "
                  f"(min {min(times):.3f}, max {max(times):.3f}); findings {c['PASS']} PASS/{c['FAIL']} FAIL/{c['UNKNOWN']} UNKNOWN")
            print(f"  API calls: {total} total = {declared} in declared regions ({declared / n:.1f}/region) "
                  f"+ {glob} global + {scanned} residency-scan calls to other regions; "
                  f"{total / n:.1f} per declared region overall")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        helpers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the server still runs: not counted
        print(f"ratio 3 regions / 1 region: {medians[3] / medians[1]:.2f}x (target < 2x)")
        print(f"peak RSS of the checker process: {rss:.0f} MiB (of its largest helper process: {helpers:.0f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
