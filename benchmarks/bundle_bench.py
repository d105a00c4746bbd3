"""Benchmark: evidence bundle write and verify time (median of N) and bundle size.

    .venv/bin/python benchmarks/bundle_bench.py [--repeat 5] [--regions 3] [--sign]

Uses the example profile and a recorded 3-region check run (tests/test_bundle_fixtures.py:
responses shaped like real AWS responses, with secrets planted in some of them, so the
redactor does real work). Targets (issue 5): verify < 0.3 s, bundle < 1 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from questionnaire.bundle import load_bundle, write_bundle  # noqa: E402
from questionnaire.profile import load_profile  # noqa: E402
from test_bundle_fixtures import make_run  # noqa: E402

REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-southeast-2"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--regions", type=int, default=3)
    ap.add_argument("--sign", action="store_true", help="also sign (needs cryptography)")
    args = ap.parse_args()

    loaded = load_profile(ROOT / "evidence" / "examples" / "acme" / "profile.yaml")
    run = make_run(tuple(REGIONS[: args.regions]))
    key = pub = None
    with tempfile.TemporaryDirectory() as d:
        if args.sign:
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

            k = Ed25519PrivateKey.generate()
            key = Path(d) / "k.pem"
            key.write_bytes(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
            pub = k.public_key()
        out = Path(d) / "evidence.zip"
        writes, verifies = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            write_bundle(out, loaded, run, sign_key=key)
            writes.append(time.perf_counter() - t)
            t = time.perf_counter()
            b = load_bundle(out, key=pub)
            verifies.append(time.perf_counter() - t)
        size = out.stat().st_size
        n_files = len(b.files)
    w, v = statistics.median(writes), statistics.median(verifies)
    print(f"regions={args.regions} raw_responses={len(run.raw)} findings={len(run.findings)} files={n_files} "
          f"signed={args.sign} repeat={args.repeat}")
    print(f"write  median {w * 1000:.1f} ms")
    print(f"verify median {v * 1000:.1f} ms  (target < 300 ms: {'OK' if v < 0.3 else 'MISSED'})")
    print(f"bundle size   {size:,} bytes  (target < 1 MB: {'OK' if size < 1024 * 1024 else 'MISSED'})")
    return 0 if v < 0.3 and size < 1024 * 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
