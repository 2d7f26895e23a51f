"""`dtks finalize` on the demo month as an operator meets it: first line, longest silence, wall.

The demo data root (synth + load-dtks, seed 2026: 30 kelurahan, 1,370 prelist rows) is built
once; every run is the installed `dtks finalize 2026-11` in a subprocess, its output read
line by line off a pipe (the plain progress lines, as off a terminal).

- cold: the first run on a fresh copy of the data root (no outputs of the month, no Prefect
  home, a new process importing everything);
- warm: the next run on the same root (the month's outputs are rewritten).

Modes: `direct` is the default an operator gets (no PREFECT_API_URL: the stages run without
Prefect); `flow` runs the Prefect flow against a Prefect server this script starts once on
loopback (PREFECT_API_URL), as `dtks serve` and the web desk do; its cold run is the first
flow run after the server is healthy (the server's own start-up is printed apart).

    .venv/bin/python benchmarks/bench_demo_month.py [--modes direct flow] [--repeat 2]

`cpu s` is the user + system time of the run's processes (the dtks process, its child, not a
Prefect server started apart): on a machine shared with other jobs the wall time grows with
the load (printed, 1-minute average), the CPU time much less.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
DTKS = Path(sys.executable).parent / "dtks"
PERIOD = "2026-11"


def build(root: Path) -> None:
    """The demo data root with its register loaded (library calls, not timed)."""
    from pipelines.config import Home
    from pipelines.ingest.snapshot import load
    from pipelines.store import open_store
    from pipelines.synth import generate

    home = Home(root)
    generate(home, PERIOD, seed=2026)
    with open_store(home.store_path) as store:
        load(store, sorted((home.raw / "dtks").glob("DTKS_*.csv")), petugas="bench")


def finalize(root: Path, env: dict[str, str]) -> dict[str, float]:
    """Seconds to the first line, longest silence between lines (or before the first), wall,
    and the CPU seconds (user + system) of the run's processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(DTKS), "finalize", PERIOD, "--home", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    stamps: list[float] = []
    err: list[str] = []
    t = threading.Thread(target=lambda: err.extend(proc.stderr), daemon=True)
    t.start()
    assert proc.stdout is not None
    for _ in proc.stdout:
        stamps.append(time.perf_counter() - t0)
    rc = proc.wait()
    wall = time.perf_counter() - t0
    t.join()
    if rc:
        sys.exit(f"dtks finalize failed ({rc}):\n{''.join(err)[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    gaps = [b - a for a, b in zip([0.0, *stamps], [*stamps, wall], strict=True)]
    return {"first": stamps[0], "silence": max(gaps), "wall": wall, "cpu": cpu,
            "lines": len(stamps), "load": os.getloadavg()[0]}  # fmt: skip


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DTKS_"))}
    env.update(extra)
    return env


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modes", nargs="+", choices=["direct", "flow"], default=["direct", "flow"])
    ap.add_argument("--repeat", type=int, default=2, help="cold+warm pairs per mode")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dtks-bench-demo-") as d:
        base = Path(d) / "base"
        t0 = time.perf_counter()
        build(base)
        print(f"demo root built (synth + load-dtks) in {time.perf_counter() - t0:.1f} s")
        print(f"{'mode':<7} {'run':<5} {'first line s':>12} {'longest silence s':>17} "
              f"{'wall s':>7} {'cpu s':>6} {'lines':>6} {'load 1 min':>10}")  # fmt: skip
        for mode in opts.modes:
            server = proc = None
            env = clean_env()
            if mode == "flow":
                import prefect_helpers

                t0 = time.perf_counter()
                server, proc = prefect_helpers.start(Path(d) / f"prefect-{mode}")
                print(f"{mode:<7} Prefect server healthy after {time.perf_counter() - t0:.1f} s")
                env = clean_env(PREFECT_API_URL=server.api)
            try:
                for i in range(opts.repeat):
                    root = Path(d) / f"{mode}-{i}"
                    shutil.copytree(base, root)
                    for run in ("cold", "warm"):
                        r = finalize(root, env)
                        print(
                            f"{mode:<7} {run:<5} {r['first']:>12.2f} {r['silence']:>17.2f} "
                            f"{r['wall']:>7.2f} {r['cpu']:>6.2f} {r['lines']:>6} "
                            f"{r['load']:>10.1f}",
                            flush=True,
                        )
            finally:
                if proc is not None:
                    prefect_helpers.stop(proc)


if __name__ == "__main__":
    main()
