"""Start-up cost of the CLI: `questionnaire --help` vs bare `python -c "import typer"`.

Usage: python benchmarks/startup.py [runs]
Prints the median of N runs (default 10) of each, and the ratio (target <= 1.5).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    # warm the page cache once
    subprocess.run([sys.executable, "-m", "questionnaire", "--help"], stdout=subprocess.DEVNULL, check=True)
    cli = median_seconds([sys.executable, "-m", "questionnaire", "--help"], runs)
    bare = median_seconds([sys.executable, "-c", "import typer"], runs)
    print(f"questionnaire --help : {cli * 1000:7.1f} ms (median of {runs})")
    print(f"import typer         : {bare * 1000:7.1f} ms (median of {runs})")
    print(f"ratio                : {cli / bare:7.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
