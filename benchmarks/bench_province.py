"""Province-wide fan-out: 4 kab/kota finalised with 1 and with 2 Dask workers, same run.

Each kab/kota is a data root with its own register and period folder (demo data at --scale,
different seeds). Prints the wall time of `dtks finalize-province` for each worker count and
the speed-up; the fixed cost (Prefect's temporary server, the Dask cluster) is in both.

    .venv/bin/python benchmarks/bench_province.py [--scale 3] [--kabkota 4]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def dtks(*args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    r = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, env=env
    )
    if r.returncode:
        sys.exit(f"dtks {' '.join(args)} failed:\n{r.stderr[-2000:]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=int, default=3)
    ap.add_argument("--kabkota", type=int, default=4)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dtks-province-") as d:
        roots = []
        for i in range(opts.kabkota):
            root = Path(d) / f"kabkota{i + 1}"
            dtks(
                "synth",
                "2026-11",
                "--seed",
                str(100 + i),
                "--scale",
                str(opts.scale),
                "--home",
                str(root),
            )
            snap = next((root / "data" / "raw" / "dtks").glob("*.csv"))
            dtks("load-dtks", str(snap), "--petugas", "bench", "--home", str(root))
            roots.append(str(root))
        rows = sum(
            sum(1 for _ in (Path(r) / "data/raw/2026-11_truth.csv").open()) - 1 for r in roots
        )
        print(f"{opts.kabkota} kab/kota, {rows:,} prelist rows in all (scale {opts.scale})")
        dtks("finalize-province", "2026-11", *roots, "--workers", "1")  # warm Prefect's home
        times = {}
        for workers in (1, 2):
            t0 = time.perf_counter()
            dtks("finalize-province", "2026-11", *roots, "--workers", str(workers))
            times[workers] = time.perf_counter() - t0
            print(f"workers {workers}: {times[workers]:6.1f} s", flush=True)
        print(f"speed-up with 2 workers: {times[1] / times[2]:.2f}x")


if __name__ == "__main__":
    main()
