"""Benchmark of `scan-repo`: a generated git repository with 10,000 files.

    .venv/bin/python benchmarks/scan_bench.py [--files 10000] [--keep DIR]

Prints the wall time and files/s of the scan (git mode and plain-walk mode);
generation and `git commit` are not timed. Target: 10,000 files in < 10 s.
Planted secrets are built at run time from pieces (the project scans itself).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from questionnaire import repo_scan  # noqa: E402

PLANTED = [
    "AK" + "IA" + "Q3EGRTY7ZK2MXW4B",
    "gh" + "p_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5",
    "sk" + "_live_" + "Qw8Er5Ty2Ui9Op6As3Df0Gh7",
]


def _code(rng: random.Random, n_lines: int) -> str:
    words = ["user", "order", "total", "value", "config", "client", "result", "items", "index", "name"]
    out = []
    for i in range(n_lines):
        a, b = rng.choice(words), rng.choice(words)
        out.append(rng.choice([
            f"def {a}_{i}({b}):\n    return {b} + {i}",
            f"{a}_{b} = compute('{a}', {i}, timeout={rng.randint(1, 90)})",
            f"# {a} {b} handling for case {i}",
            f"logger.info('processing %s', {a}.{b})",
            f"password = os.environ.get('{a.upper()}_PASSWORD')",
        ]))
    return "\n".join(out) + "\n"


def generate(root: Path, n_files: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    planted = 0
    for i in range(n_files):
        d = root / f"pkg{i % 50:02d}" / f"mod{i % 7}"
        d.mkdir(parents=True, exist_ok=True)
        if i % 500 == 0:
            (d / f"asset{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0" + bytes(rng.getrandbits(8) for _ in range(2000)))
            continue
        text = _code(rng, rng.randint(20, 120))
        if i % 1000 == 1:
            text += f"KEY = '{PLANTED[planted % len(PLANTED)]}'\n"
            planted += 1
        (d / f"file{i}.py").write_text(text)
    (root / ".gitignore").write_text(".env\n")
    (root / ".env").write_text("X=1\n")
    (root / ".cursorignore").write_text(".env\n")
    return planted


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--keep", type=Path, default=None, help="generate here and keep it")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="scan-bench-")) if args.keep is None else args.keep
    root = tmp / "repo"
    try:
        t0 = time.perf_counter()
        planted = generate(root, args.files)
        _git(root, "init", "-q", ".")
        _git(root, "add", "-A")
        _git(root, "-c", "user.email=b@example.org", "-c", "user.name=b", "commit", "-qm", "bench")
        print(f"generated {args.files} files (+3 config) in {time.perf_counter() - t0:.1f} s; {planted} planted secrets")

        results = []
        for mode in ("git", "walk"):
            if mode == "walk":
                shutil.rmtree(root / ".git")
            t = time.perf_counter()
            scan = repo_scan.scan_repo(root, ["Cursor", "Claude Code"])
            wall = time.perf_counter() - t
            seen = scan.files_scanned + scan.skipped_binary + scan.skipped_large
            results.append(wall)
            print(
                f"{mode:4}: {wall:.2f} s wall, {seen / wall:,.0f} files/s "
                f"({scan.files_scanned} scanned, {scan.skipped_binary} binary skipped, "
                f"{len(scan.hits)} hits, {len(scan.sensitive)} sensitive file(s))"
            )
            hits = [h for h in scan.hits if h.kind != "env-file"]
            if len(hits) != planted:
                print(f"error: expected {planted} hits, got {len(hits)}", file=sys.stderr)
                return 1
        ok = all(w < 10.0 for w in results)
        print("target (< 10 s for 10,000 files):", "met" if ok else "MISSED")
        return 0 if ok else 1
    finally:
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
