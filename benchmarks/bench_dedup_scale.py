"""Scale: 1,000,000 prelist rows against a 10,000,000-person store on this machine.

The store is generated inside DuckDB (SQL, no pandas) with realistic NIK structure, names,
birth dates, regions and 2% broken NIKs; the queries are 30% registered persons as they are,
10% with a NIK typo, 5% with a name variant and a NIK typo, 55% new. Runs the matching
passes (exact NIK, near NIK, name + birth date, known households) as `dtks finalize` does,
with DuckDB's memory_limit and temp_directory set, and prints wall time and peak RSS.
Baseline in the same run: Splink's prediction (training timed apart) on the largest pair it
completes here, 100k x 1M by default, next to this pipeline on that same pair.

    .venv/bin/python benchmarks/bench_dedup_scale.py [--store 10000000] [--queries 1000000]
"""

from __future__ import annotations

import argparse
import gc
import resource
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import splink_setup

from pipelines.dedup import store_match
from pipelines.store import open_store
from pipelines.synth import names as N

# DuckDB's buffer pool; pandas frames and Python come on top, so the limit leaves room below
# the 8 GB goal for the whole process.
MEMORY_LIMIT = "5GB"
DESA = ["6271011001", "6271011002", "6271021001", "6271021003", "6271031001", "6271031002",
        "6271041001", "6271041002", "6271051001", "6271051003"]  # fmt: skip


def _sql_list(words: list[str]) -> str:
    return "[" + ", ".join(f"'{w.upper()}'" for w in words) + "]"


def person_sql(n: int, seed_offset: int) -> str:
    """SELECT producing n synthetic persons (no parameters: all values are generated)."""
    first = _sql_list(N.MALE + N.FEMALE)
    second = _sql_list(N.SECOND)
    desa = _sql_list(DESA)
    return f"""
    WITH base AS (
        SELECT i + {seed_offset} AS i,
               (DATE '1930-01-01' + CAST(floor(random() * 33000) AS INTEGER)) AS born,
               CASE WHEN random() < 0.5 THEN 'L' ELSE 'P' END AS jk,
               list_element({desa}, 1 + CAST(floor(random() * {len(DESA)}) AS INTEGER)) AS desa,
               list_element({first}, 1 + CAST(floor(random() * {len(N.MALE + N.FEMALE)}) AS INTEGER))
                 || ' ' || list_element({second}, 1 + CAST(floor(random() * {len(N.SECOND)}) AS INTEGER))
                 AS nama,
               list_element({first}, 1 + CAST(floor(random() * {len(N.MALE + N.FEMALE)}) AS INTEGER))
                 AS ibu
        FROM range({n}) t(i)
    )
    SELECT 'ID' || lpad(CAST(i AS VARCHAR), 11, '0') AS id_dtks,
           left(desa, 6) || lpad(CAST(day(born) + CASE WHEN jk = 'P' THEN 40 ELSE 0 END AS VARCHAR), 2, '0')
             || strftime(born, '%m%y') || lpad(CAST(i % 9973 + 1 AS VARCHAR), 4, '0') AS nik,
           left(desa, 6) || lpad(CAST((i // 3) % 999999999 AS VARCHAR), 10, '0') AS no_kk,
           nama, 'PALANGKA RAYA' AS tempat_lahir, born AS tanggal_lahir, jk AS jenis_kelamin,
           'ANAK' AS hubungan_keluarga, ibu AS nama_ibu_kandung, 'KAWIN' AS status_kawin,
           'PETANI' AS pekerjaan, 'JL. X' AS alamat, '001' AS rt, '001' AS rw, desa AS kode_wilayah
    FROM base"""


def build_store(path: Path, n: int) -> None:
    with open_store(path, memory_limit=MEMORY_LIMIT) as store:
        store.run(
            "INSERT INTO dtks_snapshot (snapshot_id, content_sha256, source_files, loaded_at, "
            "person_count, household_count, kode_kabkota) "
            "VALUES (1, 'bench', ['bench'], now(), ?, ?, '6271')",
            [n, n // 3],
        )
        store.run(f"""INSERT INTO dtks_person
            SELECT id_dtks,
                   CASE WHEN random() < 0.02 THEN left(nik, 10) ELSE nik END, no_kk, nama,
                   tempat_lahir, tanggal_lahir, jenis_kelamin, hubungan_keluarga,
                   nama_ibu_kandung, status_kawin, pekerjaan, alamat, rt, rw, kode_wilayah,
                   false, false, false, 0, 1, NULL
            FROM ({person_sql(n, 0)})""")


def build_queries(store_path: Path, n: int, store_n: int):
    """A pandas frame shaped like validate.prepare's output."""
    con = duckdb.connect(str(store_path), read_only=True)
    existing = int(n * 0.45)
    df = con.execute(f"""
        WITH picked AS (
            SELECT * FROM dtks_person USING SAMPLE reservoir({existing} ROWS) REPEATABLE (7)
        ), numbered AS (SELECT *, row_number() OVER () AS k FROM picked)
        SELECT CASE WHEN k % 9 IN (0, 1, 2) THEN
                   left(nik, 15) || CAST((CAST(right(nik, 1) AS INTEGER) + 1) % 10 AS VARCHAR)
                   ELSE nik END AS nik,
               no_kk,
               CASE WHEN k % 9 = 3 THEN replace(nama, 'A', 'AA') ELSE nama END AS nama,
               tempat_lahir, tanggal_lahir, jenis_kelamin, hubungan_keluarga, nama_ibu_kandung,
               status_kawin, pekerjaan, alamat, rt, rw, kode_wilayah
        FROM numbered
        UNION ALL
        SELECT nik, no_kk, nama, tempat_lahir, tanggal_lahir, jenis_kelamin, hubungan_keluarga,
               nama_ibu_kandung, status_kawin, pekerjaan, alamat, rt, rw, kode_wilayah
        FROM ({person_sql(n - existing, store_n + 10)})
    """).df()
    con.close()
    df = df[df["nik"].str.len() == 16].reset_index(drop=True)
    df.insert(0, "row_id", range(1, len(df) + 1))
    df["nama_key"] = df["nama"]
    df["tanggal_lahir"] = df["tanggal_lahir"].astype("datetime64[us]")
    return df


def rss() -> int:
    """Resident set size of this process in bytes (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize()


class Peak:
    """Peak RSS of this process, sampled every 50 ms (DuckDB frees memory it used)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss())
            time.sleep(0.05)

    def __enter__(self) -> Peak:
        self.peak = rss()
        self._t.start()
        return self

    def __exit__(self, *a) -> None:
        self._stop.set()
        self._t.join()


def run_ours(store_path: Path, queries) -> tuple[float, float, int]:
    gc.collect()
    timings: dict[str, float] = {}
    with Peak() as pk, open_store(store_path, memory_limit=MEMORY_LIMIT) as store:
        t0 = time.perf_counter()
        found = store_match.match(store, queries, timings)
        new = queries[~queries["row_id"].isin(found["row_id"])]
        t1 = time.perf_counter()
        store_match.known_households(store, new)
        timings["known_kk"] = round(time.perf_counter() - t1, 2)
        secs = time.perf_counter() - t0
    print(f"  seconds per pass: {timings}", flush=True)
    return secs, pk.peak / 2**30, len(found)


def run_splink(store_path: Path, queries, n_store: int) -> tuple[float, float, float]:
    import logging

    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    cols = [c for c in splink_setup.COLUMNS if c != "tempat_lahir"]
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"ATTACH '{store_path}' AS s (READ_ONLY)")
    con.execute(
        f"CREATE TABLE r AS SELECT id_dtks AS uid, {', '.join(cols)} FROM "
        f"s.dtks_person LIMIT {n_store}"
    )
    q = queries[cols].copy()
    q.insert(0, "uid", "q" + queries["row_id"].astype(str))
    con.register("qv", q)
    con.execute("CREATE TABLE q AS SELECT * FROM qv")
    db = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="uid",
        blocking_rules_to_generate_predictions=[
            block_on("nik"),
            block_on("tanggal_lahir", "kode_wilayah"),
            block_on("no_kk"),
        ],
        comparisons=splink_setup.comparisons(input_is_string=False),
    )
    linker = Linker([db.register("q"), db.register("r")], settings)
    t0 = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match([block_on("nik")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("tanggal_lahir"))
    train = time.perf_counter() - t0
    with Peak() as pk:
        t0 = time.perf_counter()
        linker.inference.predict(threshold_match_probability=0.5).as_duckdbpyrelation().count(
            "*"
        ).fetchall()
        secs = time.perf_counter() - t0
    con.close()
    return train, secs, pk.peak / 2**30


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--store", type=int, default=10_000_000)
    ap.add_argument("--queries", type=int, default=1_000_000)
    ap.add_argument("--splink-store", type=int, default=1_000_000)
    ap.add_argument("--splink-queries", type=int, default=100_000)
    opts = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dtks-scale-") as d:
        path = Path(d) / "store.duckdb"
        t0 = time.perf_counter()
        build_store(path, opts.store)
        print(
            f"store: {opts.store:,} persons generated in {time.perf_counter() - t0:.0f} s",
            flush=True,
        )
        queries = build_queries(path, opts.queries, opts.store)
        print(f"queries: {len(queries):,} rows", flush=True)
        secs, gib, n = run_ours(path, queries)
        print(
            f"this pipeline  {len(queries):>9,} x {opts.store:>10,}: {secs:7.1f} s, "
            f"peak RSS {gib:4.1f} GiB, {n:,} matched (goal < 300 s, < 8 GB)",
            flush=True,
        )
        small = queries.head(opts.splink_queries)
        small_path = Path(d) / "small.duckdb"
        build_store(small_path, opts.splink_store)
        small = build_queries(small_path, opts.splink_queries, opts.splink_store)
        secs_s, gib_s, _ = run_ours(small_path, small)
        print(
            f"this pipeline  {len(small):>9,} x {opts.splink_store:>10,}: {secs_s:7.1f} s, "
            f"peak RSS {gib_s:4.1f} GiB",
            flush=True,
        )
        train, secs_k, gib_k = run_splink(small_path, small, opts.splink_store)
        print(
            f"Splink predict {len(small):>9,} x {opts.splink_store:>10,}: {secs_k:7.1f} s, "
            f"peak RSS {gib_k:4.1f} GiB (training {train:.0f} s more); "
            f"ratio Splink / this pipeline {secs_k / secs_s:.1f}x",
            flush=True,
        )
    print(
        f"max RSS of the whole run {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.1f} GiB"
    )


if __name__ == "__main__":
    main()
