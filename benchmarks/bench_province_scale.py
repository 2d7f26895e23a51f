"""End to end at province scale: `dtks finalize` of 1,000,000 prelist rows in 100 kelurahan
files against a 10,000,000-person register (issue 16 goal 2: under 3 minutes, under 6 GB).

One data root (Kabupaten Kapuas, 62.03, 231 kelurahan codes) is built, then `dtks finalize`
runs in a subprocess as the operator runs it (no Prefect server configured: the stages run
directly, in the reader crash guard's child process).

The register, through the real store (open_store: the schema and its migrations):
- the persons the kelurahan re-propose, drawn with synth's household generator
  (pipelines/synth/population.py) in the kelurahan's own region;
- the rest generated inside DuckDB as benchmarks/bench_dedup_scale.py does (SQL, no pandas):
  NIKs with region, birth date and sex digits, spread over all 231 kelurahan, serials 5000
  and above so that they never equal a generated household's NIK (serials from 1).

The prelist, `--rows` rows in `--files` kelurahan folders, each with a berita acara
musyawarah (synth's writer, render.write_berita_acara) and a prelist in one of synth's five
kelurahan styles in turn (three xlsx, two CSV; render.STYLES and render_values; the xlsx are
written with openpyxl's write-only mode, the demo's writer takes minutes per 10k rows). Per
kelurahan: about 45% re-proposed registered households (one in ten with a changed job, one in
ten with a member's NIK one digit off, one in ten with a name spelled differently, one in
fifteen with a newborn added), new households (15% of them rejected or left out by the
musyawarah), 1% broken rows (synth's planted kinds), and a few households of the previous
kelurahan proposed again. The expected count per outcome is printed beside the run's.

Printed: wall seconds of `dtks finalize`, its CPU seconds (user+sys of all its processes),
peak RSS (the sum over the process tree, sampled every 0.1 s; and the largest single
process from getrusage), and the share of each stage:
start (Python and imports up to the first kelurahan read), read (every kelurahan file),
validate+decide (validation, berita acara, outcomes), match (every pass against the batch
and the register), publish (store and every output file), end (the summary on screen).
The stage boundaries come from the run's own progress lines (logger pipelines.progress);
the match time from timers this script puts around the matching functions in the measured
process (benchmarks/_stage_timer/sitecustomize.py, active only when this script sets
DTKS_BENCH_TIMINGS; nothing in the pipeline changes). No personal data is printed.

    .venv/bin/python benchmarks/bench_province_scale.py [--persons 10000000] [--rows 1000000]
        [--files 100] [--root DIR] [--memory-limit 4GB]

Develop with `--persons 200000 --rows 20000`. With --root the built data root is kept and
reused when built with the same sizes (building 10M persons and 1M rows takes minutes); the
store as built is kept beside it (bench_pristine.duckdb) and put back, the period's outputs
removed, before every measured run, so each run is a first finalisation (a rerun on a
finalised root is a repeat: unchanged kelurahan files are skipped). `--build-only` builds the
root and stops. The publishing steps are timed too (wall and CPU seconds, kind "publish" in
the timings), and the peak RSS is given per stage.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

KABKOTA = "6203"  # Kabupaten Kapuas: 231 kelurahan/desa, so up to 231 files
PERIOD = "2026-11"
TIMER_DIR = BENCH / "_stage_timer"


# --- the data root ---------------------------------------------------------------------


def bulk_sql(n: int, desa: list[str]) -> str:
    """SELECT of n generated register persons (households of three: head, wife, child)."""
    from pipelines.synth import names as N

    def lst(words: list[str]) -> str:
        return "[" + ", ".join(f"'{w.upper()}'" for w in words) + "]"

    first, second, female = lst(N.MALE + N.FEMALE), lst(N.SECOND), lst(N.FEMALE)
    nf = len(N.MALE + N.FEMALE)
    return f"""
    WITH base AS (
        SELECT i, i // 3 AS hh, i % 3 AS role,
               list_element({lst(desa)}, 1 + CAST(hash(i // 3) % {len(desa)} AS INTEGER)) AS desa,
               (DATE '1940-01-01' + CAST(floor(random() * 30000) AS INTEGER)) AS born,
               CASE WHEN i % 3 = 0 THEN 'L' WHEN i % 3 = 1 THEN 'P'
                    WHEN random() < 0.5 THEN 'L' ELSE 'P' END AS jk,
               list_element({first}, 1 + CAST(floor(random() * {nf}) AS INTEGER)) AS given,
               list_element({second}, 1 + CAST(floor(random() * {len(N.SECOND)}) AS INTEGER))
                 AS family,
               list_element({female}, 1 + CAST(floor(random() * {len(N.FEMALE)}) AS INTEGER))
                 AS ibu
        FROM range({n}) t(i)
    )
    SELECT 'ID' || lpad(CAST(i AS VARCHAR), 11, '0') AS id_dtks,
           left(desa, 6) || lpad(CAST(day(born) + CASE WHEN jk = 'P' THEN 40 ELSE 0 END AS VARCHAR), 2, '0')
             || strftime(born, '%m%y') || CAST(5000 + i % 4999 AS VARCHAR) AS nik,
           left(desa, 6) || lpad(CAST(hh % 9999999999 AS VARCHAR), 10, '0') AS no_kk,
           given || ' ' || family AS nama,
           'KUALA KAPUAS' AS tempat_lahir, born AS tanggal_lahir, jk AS jenis_kelamin,
           ['KEPALA KELUARGA', 'ISTRI', 'ANAK'][role + 1] AS hubungan_keluarga,
           ibu AS nama_ibu_kandung, CASE WHEN role < 2 THEN 'KAWIN' ELSE 'BELUM KAWIN' END
             AS status_kawin,
           ['PETANI', 'MENGURUS RUMAH TANGGA', 'PELAJAR/MAHASISWA'][role + 1] AS pekerjaan,
           'JL. TRANS KALIMANTAN' AS alamat, '001' AS rt, '001' AS rw, desa AS kode_wilayah,
           false AS pkh, false AS bpnt, false AS pbi
    FROM base"""


PERSON = ["id_dtks", "nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
          "hubungan_keluarga", "nama_ibu_kandung", "status_kawin", "pekerjaan", "alamat", "rt",
          "rw", "kode_wilayah", "pkh", "bpnt", "pbi"]  # fmt: skip


def write_store(home, pool: list, persons: int, desa: list[str], memory_limit: str) -> None:
    """The register: the generated households in `pool` plus bulk SQL persons up to `persons`."""
    import pandas as pd

    from pipelines.store import open_store

    frame = pd.DataFrame([[getattr(p, c) for c in PERSON] for p in pool], columns=PERSON)
    frame["tanggal_lahir"] = pd.to_datetime(frame["tanggal_lahir"])
    bulk = max(0, persons - len(frame))
    with open_store(home.store_path, memory_limit=memory_limit) as store:
        households = frame["no_kk"].nunique() + bulk // 3
        store.run(
            "INSERT INTO dtks_snapshot (snapshot_id, content_sha256, source_files, loaded_at, "
            "person_count, household_count, kode_kabkota, petugas, kelurahan, persons_before, "
            "persons_after) VALUES (1, 'bench', ['bench'], now(), ?, ?, ?, 'bench', ?, 0, ?)",
            [len(frame) + bulk, households, KABKOTA, desa, len(frame) + bulk],
        )
        cols = ", ".join(PERSON)
        with store.scratch("bench_pool", frame) as name:
            store.run(
                f"INSERT INTO dtks_person ({cols}, row_hash, valid_from, valid_to) "
                f"SELECT {cols}, 0, 1, NULL FROM {name}"
            )
        store.run(
            f"INSERT INTO dtks_person ({cols}, row_hash, valid_from, valid_to) "
            f"SELECT {cols}, 0, 1, NULL FROM ({bulk_sql(bulk, desa)})"
        )
        store.run("CHECKPOINT")


def write_xlsx(rows, style: dict, path: Path, name: str, r: random.Random) -> None:
    """A prelist in one of synth's xlsx styles (render.write_prelist's layout: instructions
    sheet, title rows, blank column, numbering row, signature block), write-only."""
    from openpyxl import Workbook

    from pipelines.synth.render import render_values

    wb = Workbook(write_only=True)
    if style.get("instructions"):
        ins = wb.create_sheet("PETUNJUK")
        for line in ["PETUNJUK PENGISIAN PRELIST", "1. Isi NIK dan NO KK sebagai teks."]:
            ins.append([line])
    ws = wb.create_sheet("PRELIST" if style.get("instructions") else "Sheet1")
    ws.append([f"DAFTAR USULAN PRELIST AKHIR DTKS KELURAHAN {name.upper()}"])
    ws.append([f"KELURAHAN : {name.upper()}"])
    ws.append([])
    blank = style.get("blank_after")
    headers = ["NO", *style["headers"]]
    if blank is not None:
        headers.insert(blank + 1, None)
    ws.append(headers)
    if style.get("numbering"):
        ws.append([f"({k})" for k in range(1, len(headers) + 1)])
    for n, row in enumerate(rows, start=1):
        cells = [n, *render_values(row, style, r)]
        if blank is not None:
            cells.insert(blank + 1, None)
        ws.append(cells)
    ws.append([])
    for line in [f"Kuala Kapuas, {r.randint(1, 9)} November 2026", f"LURAH {name.upper()}"]:
        ws.append([None] * 11 + [line])
    wb.save(path)


def write_csv(rows, style: dict, path: Path, r: random.Random) -> None:
    from pipelines.synth.render import render_values

    with path.open("w", newline="", encoding=style["encoding"], errors="replace") as fh:
        w = csv.writer(fh, delimiter=style["delimiter"])
        w.writerow(["No", *style["headers"]])
        for n, row in enumerate(rows, start=1):
            w.writerow([n, *["" if v is None else v for v in render_values(row, style, r)]])


def plan_kelurahan(pop, kode: str, n: int, previous: list, taken: set, r):
    """Rows and berita acara decisions of one kelurahan; the registered households drawn."""
    from pipelines.outcomes import Outcome as O
    from pipelines.synth.scenario import (
        APPROVE,
        INVALID_KINDS,
        REJECT,
        KelurahanPlan,
        Row,
        _one_digit_off,
        _plant_invalid,
    )

    plan = KelurahanPlan(kode)
    blocks: list[list] = []
    registered: list = []
    count = 0
    k = 0
    while count < n * 0.45:  # registered households proposed again
        hh = pop.household(kode)
        taken.update(m.nik for m in hh.members)
        registered.append(hh)
        plan.decisions.append((hh, r.choice(APPROVE)))
        block = [Row(m, O.TERDAFTAR, "terdaftar", m.id_dtks) for m in hh.members]
        last = block[-1]
        if k % 10 == 0:  # a correction: the job changed
            last.person = last.person.copy(pekerjaan="PEDAGANG KELILING")
            last.expected, last.plant = O.PERBAIKAN, "perbaikan_pekerjaan"
        elif k % 10 == 1 and len(block) > 1:  # a member's NIK one digit off
            nik = _one_digit_off(last.person.nik, r, taken)
            taken.add(nik)
            last.person = last.person.copy(nik=nik)
            last.expected, last.plant = O.PERLU_VERIFIKASI, "nik_satu_digit"
        elif k % 10 == 2 and "A" in last.person.nama:  # a name spelled differently: found
            last.person = last.person.copy(nama=last.person.nama.replace("A", "AA", 1))
            last.expected, last.plant = O.PERBAIKAN, "perbaikan_nama"  # by its NIK
        if k % 15 == 3:  # a newborn joins the registered household
            block.append(Row(pop.child_of(hh), O.USULAN_BARU, "anggota_baru"))
        blocks.append(block)
        count += len(block)
        k += 1
    approved_new = []
    while count < n - len(previous) * 4:  # new households
        hh = pop.household(kode)
        taken.update(m.nik for m in hh.members)
        if r.random() < 0.15:
            expected = O.DITOLAK_MUSYAWARAH
            if r.random() < 0.7:
                plan.decisions.append((hh, r.choice(REJECT)))
        else:
            expected = O.USULAN_BARU
            plan.decisions.append((hh, r.choice(APPROVE)))
            approved_new.append(hh)
        blocks.append([Row(m, expected, "baru") for m in hh.members])
        count += len(hh.members)
    for hh in previous:  # proposed by the previous kelurahan too
        plan.decisions.append((hh, "SETUJU"))
        blocks.append([Row(m, O.DUPLIKAT_BATCH, "duplikat_antar_kelurahan") for m in hh.members])
    # broken rows: members of approved new households other than the head, not in the three
    # households the next kelurahan proposes again
    targets = [m for hh in approved_new[3:] for m in hh.members[1:]]
    today = max(pop.today, dt.date.today())
    for person in r.sample(targets, min(len(targets), n // 100)):
        _plant_invalid(person, r.choice(INVALID_KINDS), blocks, today, r)
    r.shuffle(blocks)
    plan.rows = [row for b in blocks for row in b]
    return plan, registered, approved_new[:3]


def build(root: Path, persons: int, rows: int, files: int, memory_limit: str | None) -> dict:
    """The data root: dtks.toml, the register, the period's kelurahan folders; expected counts."""
    from pipelines import wilayah
    from pipelines.config import Home
    from pipelines.synth import folder_name
    from pipelines.synth.population import Population
    from pipelines.synth.render import STYLES, write_berita_acara

    w = wilayah.load()
    desa = w.desa_in(KABKOTA)
    if files > len(desa):
        sys.exit(f"--files at most {len(desa)} (the kelurahan of {KABKOTA})")
    home = Home(root)
    home.ensure()
    toml = f'[dinas]\nkode_kabkota = "{KABKOTA}"\n'
    if memory_limit:
        toml += f'\n[duckdb]\nmemory_limit = "{memory_limit}"\n'
    (root / "dtks.toml").write_text(toml, encoding="utf-8")
    t0 = time.perf_counter()
    pop = Population(2026, desa, dt.date(2026, 11, 1))
    r = random.Random(2027)
    period_dir = home.period_raw(PERIOD)
    period_dir.mkdir(parents=True, exist_ok=True)
    pool, taken, expected, previous = [], set(), Counter(), []
    per = rows // files
    for i, kode in enumerate(desa[:files]):
        n = per + (rows - per * files if i == files - 1 else 0)
        plan, registered, previous = plan_kelurahan(pop, kode, n, previous, taken, r)
        pool += [m for hh in registered for m in hh.members]
        expected.update(str(row.expected) for row in plan.rows)
        name = w.name(kode)
        folder = period_dir / folder_name(kode, name, i)
        folder.mkdir()
        style = STYLES[i % len(STYLES)]
        if style["fmt"] == "csv":
            write_csv(plan.rows, style, folder / style["file"], r)
        else:
            write_xlsx(plan.rows, style, folder / style["file"], name, r)
        write_berita_acara(plan, folder, i, name, PERIOD, r)
        if (i + 1) % 10 == 0:
            print(f"  built {i + 1} of {files} kelurahan ({time.perf_counter() - t0:.0f} s)",
                  flush=True)  # fmt: skip
    t1 = time.perf_counter()
    write_store(home, pool, persons, desa, memory_limit or "2GB")
    print(f"  kelurahan files {t1 - t0:.0f} s, register {time.perf_counter() - t1:.0f} s "
          f"({persons:,} persons, {len(pool):,} of them proposed again)", flush=True)  # fmt: skip
    return {"expected": dict(expected), "rows": sum(expected.values())}


# --- the measured run ------------------------------------------------------------------

PRISTINE = "bench_pristine.duckdb"  # the store as built, before any finalisation


def keep_pristine(root: Path) -> None:
    """Copy the built store aside, so that every measured run is a first finalisation."""
    import shutil

    shutil.copy2(root / "data" / "processed" / "dtks.duckdb", root / PRISTINE)


def restore_pristine(root: Path) -> bool:
    """The root as built: the pristine store back, the period's outputs removed (a rerun of
    `dtks finalize` on a finalised root is a repeat, less work than the first finalisation).
    False when the root has no pristine copy (built before this script kept one)."""
    import shutil

    pristine = root / PRISTINE
    if not pristine.exists():
        return False
    processed = root / "data" / "processed"
    for p in processed.glob("dtks.duckdb*"):  # the store and its WAL
        p.unlink()
    shutil.copy2(pristine, processed / "dtks.duckdb")
    for d in [processed / PERIOD, root / "reports" / PERIOD]:
        shutil.rmtree(d, ignore_errors=True)
    # files an interrupted run's reader crash guard put in quarantine would be skipped
    (processed / ".karantina_berkas.json").unlink(missing_ok=True)
    for d in [*processed.glob(f".{PERIOD}.*"), *(root / "reports").glob(f".{PERIOD}.*")]:
        shutil.rmtree(d, ignore_errors=True)
    return True


def tree_rss(pid: int) -> int:
    """Resident bytes of pid and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = resource.getpagesize()
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                stat = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(stat[1]), []).append(int(d))
            rss[int(d)] = int(stat[21]) * page
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


_WRAP = (  # a fresh process per measured command: RUSAGE_CHILDREN covers that command alone
    "import resource, subprocess, sys\n"
    "rc = subprocess.run(sys.argv[1:]).returncode\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print('MAXRSS', u.ru_maxrss, u.ru_utime + u.ru_stime, flush=True)\n"
    "sys.exit(rc)\n"
)


def finalize(root: Path) -> dict:
    """`dtks finalize` as the operator runs it: wall, peak RSS, progress line times."""
    timings = root / "bench_timings.jsonl"
    timings.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        DTKS_BENCH_TIMINGS=str(timings),
        PYTHONPATH=os.pathsep.join([str(TIMER_DIR), str(REPO)]),
        PYTHONUNBUFFERED="1",
    )
    cmd = [sys.executable, "-m", "pipelines.cli", "finalize", PERIOD, "--home", str(root)]
    peak = [0]
    samples: list[tuple[float, int]] = []  # (time, tree RSS) for the peak of each stage
    t0 = time.time()
    proc = subprocess.Popen(
        [sys.executable, "-c", _WRAP, *cmd],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss = tree_rss(proc.pid)
            samples.append((time.time(), rss))
            peak[0] = max(peak[0], rss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, maxrss, cpu = [], 0, 0.0
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("MAXRSS "):
            maxrss, cpu = int(line.split()[1]) * 1024, float(line.split()[2])
        else:
            out.append((time.time(), line.rstrip("\n")))
    rc = proc.wait()
    t_end = time.time()
    done.set()
    sampler.join()
    if rc:
        tail = "\n".join(text for _, text in out[-40:])
        sys.exit(f"dtks finalize failed (exit {rc}):\n{tail}")
    marks = [json.loads(x) for x in timings.read_text().splitlines()] if timings.exists() else []
    return {"t0": t0, "end": t_end, "lines": out, "marks": marks, "peak": peak[0],
            "maxrss": maxrss, "cpu": cpu, "samples": samples}  # fmt: skip


MATCHING = {"annotate_rejected", "batch_find", "batch_near", "match", "earlier_proposals",
            "known_households"}  # fmt: skip


def stages(res: dict) -> list[tuple[str, float, float]]:
    """Seconds per stage from the progress marks (logger pipelines.progress) and the timers,
    with the peak tree RSS sampled during the stage (match: inside validate + decide)."""
    marks = res["marks"]
    progress = [m for m in marks if m["kind"] == "progress"]
    first_read = next((m["t"] for m in progress if m["msg"].startswith("kelurahan ")), None)
    decide = next((m["t"] for m in progress if m["msg"].startswith("validasi")), None)
    publish = next((m["t"] for m in progress if m["msg"].startswith("menulis keluaran")), None)
    finished = next((m["t"] for m in marks if m["kind"] == "finished"), None)
    if None in (first_read, decide, publish, finished):
        sys.exit(f"progress marks missing: {[m.get('msg', m['kind']) for m in marks]}")
    match = sum(m["wall"] for m in marks if m["kind"] == "timer" and m["name"] in MATCHING)
    # the first kelurahan line comes after its file is read: the reading starts a little
    # earlier, at the child's "start" mark (imports done, kelurahan folders listed)
    start_read = next((m["t"] for m in marks if m["kind"] == "start"), first_read)

    def peak(a: float, b: float) -> float:
        return max((rss for t, rss in res["samples"] if a <= t <= b), default=0)

    return [
        ("start (Python, imports, lock, guard)", start_read - res["t0"], peak(res["t0"], start_read)),
        ("read (every kelurahan file)", decide - start_read, peak(start_read, decide)),
        ("validate + decide", publish - decide - match, peak(decide, publish)),
        ("match (batch and register passes)", match, peak(decide, publish)),
        ("publish (store, every output)", finished - publish, peak(publish, finished)),
        ("end (summary on screen, exit)", res["end"] - finished, peak(finished, res["end"])),
    ]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--persons", type=int, default=10_000_000, help="register size")
    ap.add_argument("--rows", type=int, default=1_000_000, help="prelist rows in all")
    ap.add_argument("--files", type=int, default=100, help="kelurahan folders (max 231)")
    ap.add_argument("--root", type=Path, help="build the data root here and keep it")
    ap.add_argument("--memory-limit", help="dtks.toml [duckdb] memory_limit (default: none)")
    ap.add_argument("--build-only", action="store_true", help="build the data root, no run")
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dtks-province-scale-") as d:
        root = (opts.root or Path(d) / "kapuas").resolve()
        sizes = {"persons": opts.persons, "rows": opts.rows, "files": opts.files,
                 "memory_limit": opts.memory_limit}  # fmt: skip
        built = root / "bench_built.json"
        if built.exists() and json.loads(built.read_text())["sizes"] == sizes:
            info = json.loads(built.read_text())
            print(f"reusing the data root {root}", flush=True)
        else:
            if root.exists() and any(root.iterdir()):
                sys.exit(f"{root} is not empty and was not built with these sizes")
            print(f"building {opts.persons:,} persons, {opts.rows:,} rows in {opts.files} "
                  f"kelurahan at {root}", flush=True)  # fmt: skip
            info = build(root, opts.persons, opts.rows, opts.files, opts.memory_limit)
            info["sizes"] = sizes
            keep_pristine(root)
            built.write_text(json.dumps(info))
        if opts.build_only:
            return
        if not restore_pristine(root):
            print(f"  NOTE: {root} has no {PRISTINE} (built by an older version of this "
                  "script): if it was finalised before, this run is a repeat, not a first "
                  "finalisation", flush=True)  # fmt: skip
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"dtks finalize {PERIOD}: {info['rows']:,} rows x {opts.persons:,} persons, "
              f"{opts.files} kelurahan; load average before {load}", flush=True)  # fmt: skip
        res = finalize(root)
        wall = res["end"] - res["t0"]
        print(f"  wall {wall:.1f} s (goal < 180 s), CPU {res['cpu']:.1f} s (user+sys of every "
              "process: the steadier figure on a shared machine); peak RSS, process tree "
              f"{res['peak'] / 2**30:.2f} GiB, largest process {res['maxrss'] / 2**30:.2f} GiB "
              f"(goal < 6 GB); load average after "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
        for name, secs, rss in stages(res):
            print(f"  {name:<38} {secs:7.1f} s {100 * secs / wall:5.1f}%  "
                  f"peak {rss / 2**30:5.2f} GiB")  # fmt: skip
        print("  publish steps (wall / CPU of the process, every thread; cumulative per name):")
        steps: dict[str, list[float]] = {}
        for m in res["marks"]:
            if m["kind"] == "publish":
                w, c = steps.setdefault(m["name"], [0.0, 0.0]), m.get("cpu", 0.0)
                w[0], w[1] = w[0] + m["wall"], w[1] + c
        for name, (w, c) in steps.items():
            print(f"    {name:<24} {w:7.1f} s wall {c:7.1f} s CPU")
        # where the peak is: the tree RSS peak inside each timed call (match passes, publishing
        # steps), the five largest
        inside = sorted(
            (
                (max((rss for t, rss in res["samples"] if m["t"] - m["wall"] <= t <= m["t"]),
                     default=0), m["name"])
                for m in res["marks"]
                if m["kind"] in ("timer", "publish") and m["name"] != "build (all outputs)"
            ),
            reverse=True,
        )[:5]  # fmt: skip
        print("  peak RSS inside timed calls: "
              + ", ".join(f"{name} {rss / 2**30:.2f} GiB" for rss, name in inside))  # fmt: skip
        timers = Counter()
        for m in res["marks"]:
            if m["kind"] == "timer":
                timers[m["name"]] += m["wall"]
        print("  match passes: " + ", ".join(f"{k} {v:.1f} s" for k, v in timers.items()))
        got = outcome_counts(root)
        print("  outcome        expected      got")
        for k in sorted(set(info["expected"]) | set(got)):
            print(f"  {k:<22} {info['expected'].get(k, 0):>8,} {got.get(k, 0):>8,}")


def outcome_counts(root: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(root / "data" / "processed" / "dtks.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT outcome, count(*) FROM prelist_outcome WHERE period = ? GROUP BY 1", [PERIOD]
    ).fetchall()
    con.close()
    return {k: int(v) for k, v in rows}


if __name__ == "__main__":
    main()
