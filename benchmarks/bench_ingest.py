"""Read + normalise + validate 1,000,000 prelist rows spread over many xlsx files.

Prints, in one run: the bare read of the files with the fastest engine that keeps each
cell's type (python-calamine, cells to Python lists), the whole ingest stage (read, header
detection, normalisation, Pandera validation, household checks), their ratio (target: at
most 1.5), and openpyxl's bare read of a sample as the engine baseline. Each part runs in a
fresh process after a one-file warm-up, best of --rounds; the one-off set-up (imports,
Pandera schema build) is printed apart and in a second ratio. Files are generated once into
benchmarks/out/ingest-v2-<rows>/ (git-ignored) and reused.

fastexcel (calamine's Arrow front end) reads the same files about 35% faster, but renders
number and text cells alike ("3271012345678900" either way), so a NIK cut to 15 digits by
Excel could not be told from a typed one: it is not an engine this pipeline can use.

    .venv/bin/python benchmarks/bench_ingest.py [--rows 1000000] [--files 100]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pandas as pd
import python_calamine as pc
from openpyxl import Workbook

from pipelines import validate
from pipelines.ingest import prelist, schemes
from pipelines.ingest.layout import find_table
from pipelines.ingest.read import gc_paused, read_grids
from pipelines.outcomes import Outcome
from pipelines.synth import KABKOTA
from pipelines.synth.population import Population
from pipelines.synth.render import STYLES, render_values
from pipelines.synth.scenario import Row
from pipelines.wilayah import load

OUT = Path(__file__).parent / "out"


# what operators get wrong, planted in one row in a hundred (each gets a rejection reason)
FAULTS = [
    {"tanggal_lahir": "31-02-1980"},  # no such day
    {"jenis_kelamin": "X"},
    {"nama": ""},
    {"hubungan_keluarga": "TETANGGA"},
    {"tanggal_lahir": "kemarin"},
]


def generate(folder: Path, rows: int, files: int) -> list[Path]:
    """Write `files` xlsx files of rows/files persons each, the five demo styles in turn
    (NIKs with apostrophes or spaces, double spaces in names, serial and spelled-out dates,
    codes for sex and relationship), with one row in a hundred carrying a fault."""
    done = sorted(folder.glob("*.xlsx"))
    if len(done) == files:
        return done
    folder.mkdir(parents=True, exist_ok=True)
    pop = Population(7, load().desa_in(KABKOTA), pd.Timestamp("2026-11-01").date())
    r = random.Random(7)
    per_file = rows // files
    paths = []
    for f in range(files):
        style = STYLES[f % len(STYLES)]
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("PRELIST")
        ws.append(["DAFTAR USULAN PRELIST AKHIR"])
        ws.append(["NO", *style["headers"]])
        n = 0
        while n < per_file:
            for p in pop.household().members:
                if n == per_file:
                    break
                n += 1
                fault = r.choice(FAULTS) if r.random() < 0.01 else {}
                ws.append(
                    [n, *render_values(Row(p, Outcome.USULAN_BARU, overrides=fault), style, r)]
                )
        path = folder / f"prelist_{f:03d}.xlsx"
        wb.save(path)
        paths.append(path)
        print(f"  generated {path.name}", flush=True)
    return paths


def bare_read(paths: list[Path]) -> int:
    """The cells of every sheet, as the stage's reader gets them (same GC pause)."""
    n = 0
    for p in paths:
        wb = pc.CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            with gc_paused():
                n += len(wb.get_sheet_by_name(name).to_python())
        wb.close()
    return n


def openpyxl_read(paths: list[Path]) -> int:
    n = 0
    for p in paths:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        for ws in wb.worksheets:
            n += sum(1 for _ in ws.iter_rows(values_only=True))
        wb.close()
    return n


def stage(paths: list[Path]) -> tuple[int, int]:
    """What finalisation does up to the match: read, find tables, normalise, validate."""
    frames = []
    for p in paths:
        for g in read_grids(p):
            t = find_table(g)
            if t is not None:  # as discover does: relationship codes read in the file's scheme
                frames.append(prelist.read(t, p.name, schemes.DEFAULT).frame)
    raw = pd.concat(frames, ignore_index=True)
    raw.insert(0, "row_id", range(1, len(raw) + 1))
    raw["folder_kode"] = "6271011001"
    clean, prep = validate.prepare(raw)
    rules = validate.check_rules(clean, KABKOTA, prep)
    return len(clean), len(prep) + len(rules)


def measure(part: str, folder: Path) -> dict:
    """One part (bare read or stage) in a fresh Python process, so that neither inherits the
    other's heap: a million freed cells leave memory fragmented and slow the next run."""
    out = subprocess.run(
        [sys.executable, __file__, "--part", part, "--folder", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_part(part: str, folder: Path) -> None:
    """Time one part: a first file alone (warm-up: imports, schema build, region list), then
    every file. The warm-up's extra cost over a file's share is the one-off set-up."""
    paths = sorted(folder.glob("*.xlsx"))
    work = (lambda ps: (bare_read(ps), 0)) if part == "bare" else stage
    t0 = time.perf_counter()
    work(paths[:1])
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    rows, problems = work(paths)
    seconds = time.perf_counter() - t0
    setup = max(0.0, first - seconds / len(paths))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"seconds": seconds, "setup": setup, "rows": rows, "problems": problems, "peak": peak}
        )
    )


def _rounds(results: list[dict]) -> str:
    return ", ".join(f"{r['seconds']:.1f}" for r in results)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--rounds", type=int, default=2, help="best of N rounds (default 2)")
    ap.add_argument("--part", choices=["bare", "stage"], help=argparse.SUPPRESS)
    ap.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.part:
        run_part(opts.part, opts.folder)
        return
    folder = OUT / f"ingest-v2-{opts.rows}"
    paths = generate(folder, opts.rows, opts.files)
    size = sum(p.stat().st_size for p in paths) / 2**20
    print(f"{len(paths)} xlsx files, {size:.0f} MiB, {opts.rows:,} data rows")
    print(f"each part in a fresh process, best of {opts.rounds} rounds, rounds interleaved")

    bare, whole = [], []
    for _ in range(opts.rounds):
        bare.append(measure("bare", folder))
        whole.append(measure("stage", folder))
    b = min(bare, key=lambda r: r["seconds"])
    w = min(whole, key=lambda r: r["seconds"])
    sample = paths[: max(1, len(paths) // 20)]
    t0 = time.perf_counter()
    openpyxl_read(sample)
    opx = (time.perf_counter() - t0) * len(paths) / len(sample)

    print(
        f"bare read (calamine)        {b['seconds']:7.1f} s  {b['rows'] / b['seconds']:10,.0f} rows/s"
        f"  (rounds: {_rounds(bare)})"
    )
    print(
        f"read+normalise+validate     {w['seconds']:7.1f} s  {w['rows'] / w['seconds']:10,.0f} rows/s"
        f"  (rounds: {_rounds(whole)}; {w['problems']} problems)"
    )
    print(f"ratio stage / bare read     {w['seconds'] / b['seconds']:7.2f}   (target <= 1.50)")
    print(
        f"one-off set-up (imports, schema build): stage {w['setup']:.1f} s, bare read "
        f"{b['setup']:.1f} s; ratio with it counted "
        f"{(w['seconds'] + w['setup']) / (b['seconds'] + b['setup']):.2f}"
    )
    print(
        f"openpyxl bare read, est.    {opx:7.1f} s  (from {len(sample)} files; "
        f"{opx / b['seconds']:.1f}x calamine)"
    )
    print(f"peak RSS                    {w['peak']:7.0f} MiB stage, {b['peak']:.0f} MiB bare read")


if __name__ == "__main__":
    main()
