#!/usr/bin/env python3
"""`questionnaire check` against Prowler 5.46 on the same emulated AWS account (whole processes).

    python benchmarks/prowler_compare.py [--repeat 3] [--prowler /tmp/prowler-venv/bin/prowler]
        [--regions eu-west-1] [--prowler-all-regions] [--latency-ms 0]

Prowler is installed in its own venv (it pins its own boto3):
    python3 -m venv /tmp/prowler-venv && /tmp/prowler-venv/bin/pip install prowler==5.46.0

One moto server (a child process, with a WSGI middleware that counts the requests it serves per
service) is seeded with the account of ``benchmarks/check_bench.py`` (``seed_account("compliant")``);
the Bedrock stand-in of ``questionnaire.testing`` answers what moto lacks and forwards the rest.
Both tools get the same environment: ``AWS_ENDPOINT_URL`` (+ the per-service URLs of the stand-in),
fake credentials, no user AWS config. ``check`` runs as a user runs it (no ``--region``: every check in
the declared region plus the residency scan of the enabled Bedrock regions); Prowler runs the same
services (bedrock, cloudtrail, cloudwatch (incl. logs), s3, kms, iam, vpc (endpoints), secretsmanager,
organizations) in the declared region only (``-f``), which is less than check covers.

Printed per tool: median wall and CPU time of N fresh processes (the two tools alternate, so that both see
the same machine load), HTTP requests served (moto + stand-in), peak RSS of the process (``benchmarks/peak_rss.py``), exit
code; then the ratios Prowler / check. Operations moto lacks answer 501 (moto's own server answers an HTML
500, which both SDKs retry with back-off), and S3 Control (whose host the SDK prefixes with the account id)
is reached through a forward proxy, so neither tool waits on an emulator artefact.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROWLER_SERVICES = ["bedrock", "cloudtrail", "cloudwatch", "s3", "kms", "iam", "vpc", "secretsmanager",
                    "organizations"]

# moto's WSGI app behind a counter: GET /__calls -> {service: n}, POST /__calls resets
SERVER = r"""
import json, re, sys, threading
from collections import Counter
from werkzeug.serving import make_server
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
counts, lock = Counter(), threading.Lock()
moto_app = DomainDispatcherApplication(create_backend_app)

def app(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/__calls":
        with lock:
            body = json.dumps(dict(counts)).encode()
            if environ["REQUEST_METHOD"] == "POST":
                counts.clear()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    if not path.startswith("/moto-api"):
        m = SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
        with lock:
            counts[m.group(1) if m else "unsigned"] += 1
    try:
        return moto_app(environ, start_response)
    except NotImplementedError:
        # an operation moto lacks (its server would answer an HTML 500, which botocore retries with
        # back-off): 501, which is not retried, so neither tool sleeps in retries of an emulator gap
        body = json.dumps({"message": "not implemented by the emulator"}).encode()
        start_response("501 Not Implemented", [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                                               ("x-amzn-ErrorType", "NotImplemented")])
        return [body]

server = make_server("127.0.0.1", int(sys.argv[1]), app, True, request_handler=MotoRequestHandler)
print("ready", flush=True)
server.serve_forever()
"""


class HostForwarder:
    """A forward proxy for the one AWS endpoint whose host name the SDK rewrites: S3 Control puts the account
    id in front of the endpoint's host (``123456789012.<host>``), which no resolver knows for 127.0.0.1.
    Both tools reach it through ``HTTP_PROXY``; every request it gets goes to moto unchanged (the Host header
    tells moto it is S3 Control)."""

    HOST = "s3-control.emulated.invalid"

    def __init__(self, upstream_port: int) -> None:
        import http.client
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlsplit

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else None
                parts = urlsplit(self.path)
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
                try:
                    conn.request(self.command, path, body=body, headers=dict(self.headers.items()))
                    resp = conn.getresponse()
                    data = resp.read()
                finally:
                    conn.close()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.close_connection = True
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def env(self, moto_port: int) -> dict[str, str]:
        return {"HTTP_PROXY": f"http://127.0.0.1:{self.server.server_address[1]}", "NO_PROXY": "127.0.0.1,localhost",
                "AWS_ENDPOINT_URL_S3_CONTROL": f"http://{self.HOST}:{moto_port}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url: str, method: str = "GET") -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=30) as r:
        return r.read()


def bedrock_only_profile(dest: Path, regions: list[str]) -> Path:
    """The example profile with only its AWS Bedrock deployment (Prowler checks AWS only)."""
    import yaml

    from questionnaire.resources import example_profile

    text = example_profile().read_text(encoding="utf-8")
    root = yaml.compose(text)
    items = next(v.value for k, v in root.value if k.value == "deployments")
    lines = text.splitlines(keepends=True)
    cut: set[int] = set()
    for i, node in enumerate(items):
        platform = next((v.value for k, v in node.value if k.value == "platform"), None)
        if platform != "aws_bedrock":
            end = items[i + 1].start_mark.line if i + 1 < len(items) else node.end_mark.line
            cut.update(range(node.start_mark.line, end))
    out = "".join(line for n, line in enumerate(lines) if n not in cut)
    if regions != ["eu-west-1"]:
        out = out.replace("regions: [eu-west-1]", f"regions: [{', '.join(regions)}]", 1)
    dest.write_text(out, encoding="utf-8")
    return dest


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> dict:
    """One fresh process: wall seconds, CPU seconds (user + system), exit code, peak RSS (MiB), output tail."""
    try:
        from benchmarks import peak_rss
    except ImportError:  # run as a script: benchmarks/ is on sys.path
        import peak_rss

    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile(suffix=".rss") as rss:
        t = time.perf_counter()
        proc = subprocess.Popen(peak_rss.wrap(argv, Path(rss.name)), env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        out.seek(0)
        tail = out.read().decode(errors="replace")[-1500:]
        peak = peak_rss.read(Path(rss.name), usage.ru_maxrss)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "code": os.waitstatus_to_exitcode(status),
            "rss": peak, "tail": tail}


def one_run(argv: list[str], env: dict[str, str], cwd: Path, url: str, standin: Any) -> dict:
    """A run with the requests it made: moto's counter (per service) plus what the stand-in served itself."""
    http(f"{url}/__calls", "POST")
    standin.served.clear()
    run = timed(argv, env, cwd)
    by_service = json.loads(http(f"{url}/__calls"))
    return {**run, "by_service": by_service, "standin": len(standin.served), "calls": sum(by_service.values()) + len(standin.served)}


def summary(name: str, runs: list[dict]) -> dict:
    med = statistics.median(r["wall"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    last = runs[-1]
    print(f"{name}: median {med:.2f} s over {len(runs)} (min {min(r['wall'] for r in runs):.2f}, max "
          f"{max(r['wall'] for r in runs):.2f}); CPU {cpu:.2f} s; exit {last['code']}; HTTP requests {last['calls']} "
          f"(stand-in {last['standin']}); peak RSS {max(r['rss'] for r in runs):.0f} MiB")
    print("   per service: " + ", ".join(f"{k} {v}" for k, v in sorted(last["by_service"].items(), key=lambda kv: -kv[1])))
    if last["code"] not in (0, 1, 3):
        print("   output tail:\n" + "\n".join("     " + x for x in last["tail"].splitlines()[-15:]))
    return {"median": med, "cpu": cpu, "rss": max(r["rss"] for r in runs), **{k: last[k] for k in ("calls", "code")}}


def print_findings(path: Path) -> None:
    doc = json.loads(path.read_text())
    counts: dict[str, int] = {}
    for f in doc.get("findings", []):
        counts[f["status"]] = counts.get(f["status"], 0) + 1
    print(f"   check findings: {counts}")
    for f in doc.get("findings", []):
        if f["status"] == "UNKNOWN":
            print(f"     UNKNOWN {f['check_id']}: {f['message'][:150]}")


def profile_check(args: Any, check_argv: list[str], env: dict[str, str], work: Path) -> None:
    if args.cprofile:
        subprocess.run([sys.executable, "-m", "cProfile", "-o", args.cprofile, *check_argv[1:]], env=env, cwd=work,
                       capture_output=True)
    if args.importtime:
        with open(args.importtime, "wb") as fh:
            subprocess.run([sys.executable, "-X", "importtime", *check_argv[1:]], env=env, cwd=work,
                           stdout=subprocess.DEVNULL, stderr=fh)


def compare(args: Any, prowler: str, regions: list[str], env: dict[str, str], work: Path, url: str, standin: Any,
            profile: Path) -> None:
    """The two tools alternately (check, Prowler, check, ...), so that both see the same machine load."""
    check_argv = [sys.executable, "-m", "questionnaire", "check", str(profile), "--json", str(work / "findings.json")]
    p_argv = [prowler, "aws", "--services", *PROWLER_SERVICES, "--output-formats", "csv",
              "--output-directory", str(work / "prowler-out"), "--no-banner"]
    if not args.prowler_all_regions:
        p_argv += ["-f", *regions]
    print(f"emulated account: moto {url}, stand-in {standin.url}; declared regions {regions}; "
          f"Prowler regions: {'all enabled' if args.prowler_all_regions else ', '.join(regions)}")
    ours, theirs = [], []
    for _ in range(args.repeat):
        ours.append(one_run(check_argv, env, work, url, standin))
        if not args.skip_prowler:
            theirs.append(one_run(p_argv, env, work, url, standin))
    a = summary("questionnaire check", ours)
    print_findings(work / "findings.json")
    profile_check(args, check_argv, env, work)
    if theirs:
        b = summary("prowler 5.46", theirs)
        print(f"ratio: Prowler / check = {b['median'] / a['median']:.1f}x wall time, {b['cpu'] / a['cpu']:.1f}x CPU time "
              f"(targets >= 10x, >= 15x wall); HTTP requests {b['calls']} vs {a['calls']}; "
              f"peak RSS {b['rss']:.0f} vs {a['rss']:.0f} MiB")


def seeded_environment(url: str, regions: list[str]) -> tuple[dict[str, str], Any]:
    """Seed moto with the benchmark account (check_bench's); the environment both tools get, and the extras."""
    from questionnaire.testing.aws_fixture import fake_credentials_env, moto_enabled_regions, patched_environ, seed_account

    base_env = {**fake_credentials_env(), "AWS_ENDPOINT_URL": url, "AWS_DEFAULT_REGION": regions[0],
                "AWS_REGION": regions[0], "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true"}
    with patched_environ(base_env, ("AWS_PROFILE", "AWS_DEFAULT_PROFILE")):
        http(f"{url}/moto-api/reset", "POST")
        extras = seed_account("compliant", regions)
        extras.enabled_regions = moto_enabled_regions()  # account:ListRegions, served by the stand-in
    return base_env, extras


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--prowler", default="/tmp/prowler-venv/bin/prowler")
    ap.add_argument("--regions", default="eu-west-1", help="declared regions, comma-separated")
    ap.add_argument("--prowler-all-regions", action="store_true", help="let Prowler scan every enabled region too")
    ap.add_argument("--skip-prowler", action="store_true")
    ap.add_argument("--serve", type=float, metavar="SECONDS",
                    help="only start the seeded servers, print the environment, keep them up this long")
    ap.add_argument("--cprofile", metavar="FILE", help="also run check once under cProfile, stats into FILE")
    ap.add_argument("--importtime", metavar="FILE", help="also run check once with -X importtime, stderr into FILE")
    args = ap.parse_args()
    regions = args.regions.split(",")
    prowler = shutil.which(args.prowler) or args.prowler
    if not args.skip_prowler and not args.serve and not Path(prowler).is_file():
        print(f"Prowler not found at {prowler}; install it: python3 -m venv /tmp/prowler-venv && "
              "/tmp/prowler-venv/bin/pip install prowler==5.46.0", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # `kill` of this script stops its moto server too
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    work = Path(tempfile.mkdtemp(prefix="prowler-compare-"))
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        url = f"http://127.0.0.1:{port}"
        from questionnaire.testing.bedrock_standin import BedrockStandIn

        base_env, extras = seeded_environment(url, regions)
        with BedrockStandIn(extras, upstream=url) as standin:
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update({**base_env, **standin.endpoint_env(), **HostForwarder(port).env(port), "PYTHONPATH": str(ROOT)})
            profile = bedrock_only_profile(work / "profile.yaml", regions)
            if args.serve:
                (Path(tempfile.gettempdir()) / "prowler-compare.env").write_text(
                    "".join(f"export {k}={v}\n" for k, v in env.items() if k.startswith(("AWS_", "HTTP_PROXY", "NO_PROXY")))
                    + f"# profile {profile}\n")
                print(f"environment in {tempfile.gettempdir()}/prowler-compare.env; serving for {args.serve:.0f} s", flush=True)
                time.sleep(args.serve)
                return 0
            compare(args, prowler, regions, env, work, url, standin, profile)
    finally:
        server.terminate()
        server.wait(5)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
