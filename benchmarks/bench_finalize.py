"""Wall time and peak memory of `dtks finalize` on the demo period and on one ten times larger.

Each size runs in a fresh data root: synth, load-dtks, then finalize as the operator runs it
(no Prefect server configured: the stages run directly, pipelines/stages.py). Prints one line
per stage; peak RSS is the maximum of the finalize process and its children (the run goes
to a child process, the reader crash guard).

    .venv/bin/python benchmarks/bench_finalize.py [--scales 1 10]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# A fresh wrapper per command, so that RUSAGE_CHILDREN covers that command alone (the
# counter only ever grows within one process).
_WRAP = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(r.stderr)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(r.returncode)\n"
)


def run(args: list[str], home: Path) -> tuple[float, float]:
    """(seconds, peak RSS MiB of the largest process) of one dtks command."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    cmd = [sys.executable, "-m", "pipelines.cli", *args, "--home", str(home)]
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True, env=env)
    secs = time.perf_counter() - t0
    if r.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{r.stderr[-2000:]}")
    return secs, int(r.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    ap.add_argument("--period", default="2026-11")
    opts = ap.parse_args()
    print(f"{'scale':>5} {'stage':<10} {'rows':>8} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9}")
    for scale in opts.scales:
        with tempfile.TemporaryDirectory(prefix=f"dtks-bench-{scale}-") as d:
            home = Path(d)
            secs, rss = run(["synth", opts.period, "--scale", str(scale)], home)
            truth = home / "data" / "raw" / f"{opts.period}_truth.csv"
            rows = sum(1 for _ in truth.open()) - 1
            snap = next((home / "data" / "raw" / "dtks").glob("*.csv"))
            persons = sum(1 for _ in snap.open()) - 1
            print(f"{scale:>5} {'synth':<10} {rows:>8} {secs:>8.1f} {'':>9} {rss:>9.0f}")
            secs, rss = run(["load-dtks", str(snap), "--petugas", "bench"], home)
            print(
                f"{scale:>5} {'load-dtks':<10} {persons:>8} {secs:>8.1f} {persons / secs:>9.0f} "
                f"{rss:>9.0f}"
            )
            # a warm-up finalize first (file caches); the second run is the figure
            run(["finalize", opts.period], home)
            secs, rss = run(["finalize", opts.period], home)
            print(
                f"{scale:>5} {'finalize':<10} {rows:>8} {secs:>8.1f} {rows / secs:>9.0f} "
                f"{rss:>9.0f}"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main()
