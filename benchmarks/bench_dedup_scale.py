"""Scale: 1,000,000 prelist rows against a 10,000,000-person store on this machine.

The store is generated inside DuckDB (SQL, no pandas) with realistic NIK structure, names,
birth dates, regions and 2% broken NIKs: 10M persons in 5 kecamatan, so ~60 persons share a
birth date and kecamatan (a real province spreads them over hundreds of kecamatan: the
blocks here are denser than real ones). The prelist: 45% registered persons (a third of
them with a one-digit NIK slip, a substitution or an adjacent swap in the region or serial
digits: a slip in the birth-date digits is rejected by validation; some with a name variant;
those registered with a broken NIK come with their real one), 55% new persons (one in 20 of
them in a registered household), 1% repeating an earlier row of the batch (some with a
slip), and 2% registered persons whose NIK has a slip in its birth-date digits (rejected, so
they get `annotate_rejected`'s note search). The prelist keeps its truth (`true_id`,
`repeat_of`).

Runs every matching stage of `dtks finalize` on it: the rejected rows' note search, the
in-batch repeats (same NIK, then NIK one digit off), the passes against the register (exact
NIK, near NIK, name + birth date) and known households; prints wall and CPU (user+sys)
seconds and rows/s per stage and pass, peak RSS and the machine load (the machine may be
shared: compare CPU seconds across runs), and an accuracy check against the truth:
registered persons found with their ID DTKS (a wrong person or a miss is counted), new
persons linked to someone (a generated new NIK can equal a registered one: such a row is
rightly held), rejected rows whose note names their person, in-batch repeats found. Each
measured part runs in a fresh process, so its peak RSS is its own. DuckDB gets
`--memory-limit` (the store's setting in dtks.toml) and a temp directory.

With `--cache DIR` the generated store and prelist are kept in DIR and reused (10M persons
take minutes to generate). `--part ours` measures only this pipeline on the cached data (run
it with another checkout on PYTHONPATH to compare code versions on the same data).

Baseline: Splink 5 configured as in benchmarks/splink_setup.py (the model bench_dedup.py
measures accuracy with), trained, then timed predicting on the largest pair it completes here
(100k x 1M by default), next to this pipeline on that same pair.

    .venv/bin/python benchmarks/bench_dedup_scale.py [--store 10000000] [--queries 1000000]
        [--cache DIR] [--part all|ours|splink]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb

MEMORY_LIMIT = "2GB"  # DuckDB's buffer pool; the prelist frames and Python come on top
DESA = ["6271011001", "6271011002", "6271021001", "6271021003", "6271031001", "6271031002",
        "6271041001", "6271041002", "6271051001", "6271051003"]  # fmt: skip
PRELIST = ["row_id", "nik", "no_kk", "nama", "nama_key", "tempat_lahir", "tanggal_lahir",
           "jenis_kelamin", "hubungan_keluarga", "nama_ibu_kandung", "status_kawin",
           "pekerjaan", "alamat", "rt", "rw", "kode_wilayah", "source_file", "source_sheet",
           "source_row", "rejected", "true_id", "repeat_of"]  # fmt: skip


def _sql_list(words: list[str]) -> str:
    return "[" + ", ".join(f"'{w.upper()}'" for w in words) + "]"


def person_sql(n: int, seed_offset: int) -> str:
    """SELECT producing n synthetic persons (no parameters: all values are generated)."""
    from pipelines.synth import names as N

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
    """A store of n persons; `bench_truth` keeps the real NIK of those stored broken."""
    from pipelines.store import open_store

    with open_store(path, memory_limit=MEMORY_LIMIT) as store:
        store.run(
            "INSERT INTO dtks_snapshot (snapshot_id, content_sha256, source_files, loaded_at, "
            "person_count, household_count, kode_kabkota) "
            "VALUES (1, 'bench', ['bench'], now(), ?, ?, '6271')",
            [n, n // 3],
        )
        store.run(f"CREATE TABLE bench_person AS {person_sql(n, 0)}")
        store.run(
            "CREATE TABLE bench_truth AS SELECT id_dtks, nik FROM bench_person "
            "USING SAMPLE 2 PERCENT (bernoulli)"
        )
        store.run("""INSERT INTO dtks_person
            SELECT p.id_dtks, CASE WHEN t.nik IS NULL THEN p.nik ELSE left(p.nik, 10) END,
                   no_kk, nama, tempat_lahir, tanggal_lahir, jenis_kelamin, hubungan_keluarga,
                   nama_ibu_kandung, status_kawin, pekerjaan, alamat, rt, rw, kode_wilayah,
                   false, false, false, 0, 1, NULL
            FROM bench_person AS p LEFT JOIN bench_truth AS t USING (id_dtks)""")
        store.run("DROP TABLE bench_person")
        store.run("CHECKPOINT")


def _slip(col: str, subs: list[int], swaps: list[int], k: str) -> str:
    """SQL: `col` with one slip picked by the number `k`: for k % 10 < 7 a substitution (digit
    + 1 + k % 9, mod 10) at one of `subs`, else a swap of the digit at one of `swaps` with
    the next."""

    def at(positions: list[int]) -> str:
        return f"list_element({positions}, 1 + CAST(({k} // 10) % {len(positions)} AS INTEGER))"

    p, s = at(subs), at(swaps)
    digit = f"CAST(substr({col}, {p}, 1) AS INTEGER)"
    sub = f"left({col}, {p} - 1) || CAST(({digit} + 1 + {k} % 9) % 10 AS VARCHAR) || substr({col}, {p} + 1)"
    swap = f"left({col}, {s} - 1) || substr({col}, {s} + 1, 1) || substr({col}, {s}, 1) || substr({col}, {s} + 2)"
    return f"(CASE WHEN {k} % 10 < 7 THEN {sub} ELSE {swap} END)"


# a slip in a valid row's NIK is in the region (1-6) or serial (13-16) digits; one in the
# birth-date digits (7-12, or a swap across their edges) gets the row rejected
REGION_SERIAL = ([1, 2, 3, 4, 5, 6, 13, 14, 15, 16], [1, 2, 3, 4, 5, 13, 14, 15])
DATE = ([7, 8, 9, 10, 11, 12], [6, 7, 8, 9, 10, 11, 12])
COLS = ("no_kk, nama, tempat_lahir, tanggal_lahir, jenis_kelamin, hubungan_keluarga, "
        "nama_ibu_kandung, status_kawin, pekerjaan, alamat, rt, rw, kode_wilayah")  # fmt: skip


def build_queries(store_path: Path, out: Path, n: int, store_n: int) -> None:
    """The prelist as parquet, shaped like validate.prepare's output (DuckDB, no pandas)."""
    con = duckdb.connect(str(store_path), read_only=True)
    existing, rejected, repeats = int(n * 0.45), int(n * 0.02), n // 100
    fresh = n - existing - rejected - repeats
    others = COLS.replace("no_kk, nama, ", "")
    con.execute(f"""
        COPY (
        WITH picked AS (
            SELECT d.*, coalesce(t.nik, d.nik) AS real_nik, row_number() OVER () AS k
            FROM (SELECT * FROM dtks_person USING SAMPLE reservoir({existing + rejected} ROWS)
                  REPEATABLE (7)) AS d
            LEFT JOIN bench_truth AS t USING (id_dtks)
        ), prelist AS (
            SELECT CASE WHEN k % 9 IN (0, 1, 2) THEN {_slip("real_nik", *REGION_SERIAL, "hash(k)")}
                        ELSE real_nik END AS nik, no_kk,
                   CASE WHEN k % 9 IN (2, 3) THEN replace(nama, 'A', 'AA') ELSE nama END AS nama,
                   {others}, false AS rejected, id_dtks AS true_id, k
            FROM picked WHERE k <= {existing}
            UNION ALL
            SELECT {_slip("real_nik", *DATE, "hash(k)")}, {COLS}, true, id_dtks, k
            FROM picked WHERE k > {existing}
            UNION ALL
            SELECT nik, {COLS}, false, NULL, k FROM (
                -- one in 20 new persons joins a household the register holds
                SELECT * REPLACE (CASE WHEN k % 20 = 0 THEN left(no_kk, 6)
                    || lpad(CAST(hash(k) % {store_n // 3} AS VARCHAR), 10, '0')
                    ELSE no_kk END AS no_kk)
                FROM (SELECT *, {existing + rejected} + row_number() OVER () AS k
                      FROM ({person_sql(fresh, store_n + 10)})))
        ), ordered AS (
            SELECT *, row_number() OVER (ORDER BY hash(k + 1)) AS row_id FROM prelist
        ), repeated AS (
            SELECT CASE WHEN row_id % 4 = 1 THEN {_slip("nik", [13, 14, 15, 16], [13, 14, 15], "hash(row_id)")}
                        ELSE nik END AS nik,
                   {COLS}, rejected, true_id, row_id AS repeat_of,
                   {n - repeats} + row_number() OVER (ORDER BY hash(row_id)) AS row_id
            FROM (SELECT * FROM ordered WHERE NOT rejected)
                USING SAMPLE reservoir({repeats} ROWS) REPEATABLE (11)
        )
        SELECT row_id, nik, {COLS}, rejected, true_id, NULL::BIGINT AS repeat_of FROM ordered
        UNION ALL
        SELECT row_id, nik, {COLS}, rejected, true_id, repeat_of FROM repeated
        ORDER BY row_id
        ) TO '{out}' (FORMAT parquet)
    """)
    con.close()


def prelist(path: Path):
    """The cached prelist as the pandas frame finalize.deciding.decide passes to the matching."""
    import pandas as pd

    df = pd.read_parquet(path)
    df["nama_key"] = df["nama"]
    df["tanggal_lahir"] = df["tanggal_lahir"].astype("datetime64[us]")
    df["source_file"] = "kelurahan-" + (df["row_id"] % 100).astype(str) + ".xlsx"
    df["source_sheet"] = ""
    df["source_row"] = df["row_id"] + 1
    return df[PRELIST]


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


class Stages:
    """Wall and CPU (user+sys of every thread) seconds per named stage, and its input rows
    (the argument that is a prelist frame)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float, int]] = []

    def __call__(self, name: str, fn, *args):
        import pandas as pd

        n = next(len(a) for a in args if isinstance(a, pd.DataFrame))
        w, c = time.perf_counter(), time.process_time()
        out = fn(*args)
        self.rows.append((name, time.perf_counter() - w, time.process_time() - c, n))
        return out


def accuracy(rows, notes, same, near, found) -> dict:
    """What the generated truth says of the answers (see the module docstring)."""
    got = found.set_index("row_id")["matched_id_dtks"]
    first = ~rows["rejected"] & rows["repeat_of"].isna()
    reg, new = rows[first & rows["true_id"].notna()], rows[first & rows["true_id"].isna()]
    mine = got.reindex(reg["row_id"]).to_numpy()
    right = mine == reg["true_id"].to_numpy()
    rej = rows[rows["rejected"]]
    noted = notes.set_index("row_id")["matched_id_dtks"].reindex(rej["row_id"]).to_numpy()
    rep = rows[rows["repeat_of"].notna()]
    flagged = set(same["row_id"]) | set(near["row_id"])
    return {
        "registered": len(reg),
        "registered_found": int(right.sum()),
        "registered_wrong_person": int((pd_notna(mine) & ~right).sum()),
        "registered_missed": int((~pd_notna(mine)).sum()),
        "new": len(new),
        "new_linked": int(got.reindex(new["row_id"]).notna().sum()),
        "rejected": len(rej),
        "rejected_noted_right": int((noted == rej["true_id"].to_numpy()).sum()),
        "repeats": len(rep),
        "repeats_found": int(rep["row_id"].isin(flagged).sum()),
    }


def pd_notna(values):
    import pandas as pd

    return pd.notna(values)


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_ours(store_path: Path, queries_path: Path, memory_limit: str) -> dict:
    """Every matching stage of finalize.deciding.decide on the cached prelist: seconds, RSS, counts."""
    import pandas as pd

    from pipelines.dedup import batch as batch_dups
    from pipelines.dedup import store_match
    from pipelines.store import open_store

    t_load = time.perf_counter()
    rows = prelist(queries_path)
    t_load = time.perf_counter() - t_load
    st, inner = Stages(), {}
    load_before = load()
    with Peak() as pk, open_store(store_path, memory_limit=memory_limit) as store:
        w0, c0 = time.perf_counter(), time.process_time()
        rejected = rows[rows["rejected"]]
        # rejected for the NIK's birth-date digits: the NIK is not taken as valid
        notes = st("annotate_rejected", store_match.annotate_rejected, store, rejected,
                   pd.Series(False, index=rejected.index))  # fmt: skip
        pending = rows[~rows["rejected"]]
        same = st("batch_same_nik", batch_dups.find, pending)
        pending = pending[~pending["row_id"].isin(same["row_id"])]
        near = st("batch_near_nik", batch_dups.near, store, pending)
        keepers = pending[~pending["row_id"].isin(near["row_id"])]
        found = st("match", store_match.match, store, keepers, inner)
        new = keepers[~keepers["row_id"].isin(found["row_id"])]
        members = st("known_kk", store_match.known_households, store, new)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    kinds = found["reason"].str.slice(0, 24).value_counts().to_dict()
    return {
        "rows": len(rows),
        "load_prelist_s": round(t_load, 1),
        "stages": [(n, round(w, 2), round(c, 2), k) for n, w, c, k in st.rows],
        "match_rows": len(keepers),
        "accuracy": accuracy(rows, notes, same, near, found),
        "match_passes": {
            k: v if isinstance(v, list | tuple) else [v, None] for k, v in inner.items()
        },
        "wall": round(wall, 1),
        "cpu": round(cpu, 1),
        "peak_sampled_gib": round(pk.peak / 2**30, 2),
        "maxrss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
        "counts": {
            "rejected_noted": int(notes["matched_id_dtks"].notna().sum()),
            "batch_same_nik": len(same),
            "batch_near_nik": len(near),
            "matched": len(found),
            "outcomes": found["outcome"].value_counts().to_dict(),
            "reasons": kinds,
            "known_households": len(members),
        },
        "load_before": load_before,
        "load_after": load(),
        "code": str(Path(store_match.__file__).parents[2]),
    }


def run_splink(store_path: Path, queries_path: Path, u_pairs: float) -> dict:
    """Splink 5's fair model (splink_setup) trained and predicting on the cached pair."""
    import logging

    import splink_setup
    from splink import DuckDBAPI, Linker, block_on

    from pipelines.dedup.names import macros_sql

    logging.getLogger("splink").setLevel(logging.ERROR)
    con = duckdb.connect(config={"memory_limit": "6GB"})
    for stmt in macros_sql().split(";\n"):
        if stmt.strip():
            con.execute(stmt)
    con.execute(f"ATTACH '{store_path}' AS s (READ_ONLY)")
    con.execute(f"CREATE VIEW src_q AS SELECT * FROM read_parquet('{queries_path}')")
    w, c = time.perf_counter(), time.process_time()
    con.execute(f"CREATE TABLE q AS {splink_setup.prepare_sql('src_q', 'row_id', 'q')}")
    con.execute(f"CREATE TABLE r AS {splink_setup.prepare_sql('s.dtks_person', 'id_dtks', '')}")
    prep = (time.perf_counter() - w, time.process_time() - c)
    db = DuckDBAPI(connection=con)
    # bench_dedup.py's rules: NIK, birth date, No KK, name + birth year; EM on NIK, birth
    # date + mother's name, name
    rules = [block_on("nik"), block_on("tanggal_lahir"), block_on("no_kk"),
             block_on("nama", "year(tanggal_lahir)")]  # fmt: skip
    em = [block_on("nik"), block_on("tanggal_lahir", "ibu"), block_on("nama")]
    linker = Linker(
        [db.register("q", dataset_display_name="prelist"), db.register("r", "dtks")],
        splink_setup.person_model("link_only", rules),
    )
    w, c = time.perf_counter(), time.process_time()
    splink_setup.train(linker, em, recall=0.6, u_pairs=u_pairs)
    train = (time.perf_counter() - w, time.process_time() - c)
    with Peak() as pk:
        w, c = time.perf_counter(), time.process_time()
        pred = linker.inference.predict(threshold_match_weight=-10).physical_name
        n_pairs = con.sql(f"SELECT count(*) FROM {pred}").fetchall()[0][0]
        predict = (time.perf_counter() - w, time.process_time() - c)
    con.close()
    return {
        "prepare": [round(x, 1) for x in prep],
        "train": [round(x, 1) for x in train],
        "predict": [round(x, 1) for x in predict],
        "pairs": n_pairs,
        "peak_sampled_gib": round(pk.peak / 2**30, 2),
        "maxrss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2),
    }


def data(cache: Path, store_n: int, queries_n: int) -> tuple[Path, Path]:
    """The store and prelist of these sizes in `cache`, generated once."""
    cache.mkdir(parents=True, exist_ok=True)
    store, queries = (
        cache / f"store-{store_n}.duckdb",
        cache / f"prelist-v2-{queries_n}-{store_n}.parquet",
    )
    if not store.exists():
        t0 = time.perf_counter()
        part = cache / f"store-{store_n}.partial.duckdb"
        part.unlink(missing_ok=True)
        build_store(part, store_n)
        part.rename(store)
        print(
            f"store: {store_n:,} persons generated in {time.perf_counter() - t0:.0f} s", flush=True
        )
    if not queries.exists():
        part = queries.with_suffix(".partial")
        build_queries(store, part, queries_n, store_n)
        part.rename(queries)
    return store, queries


def child(part: str, store: Path, queries: Path, opts) -> dict:
    """Run one measured part in a fresh process (its own peak RSS); its JSON result."""
    cmd = [sys.executable, __file__, "--part", part, "--store-file", str(store),
           "--queries-file", str(queries), "--memory-limit", opts.memory_limit,
           "--u-pairs", str(opts.u_pairs)]  # fmt: skip
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"{part} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def show_ours(label: str, res: dict, goal: str = "") -> None:
    print(f"\n{label}: {res['rows']:,} prelist rows; {res['load_before']} (before), "
          f"{res['load_after']} (after)")  # fmt: skip
    print(f"  {'stage / pass':24}{'wall s':>9}{'cpu s':>9}{'rows in':>11}{'rows/s':>11}")
    for name, w, c, n in res["stages"]:
        print(f"  {name:24}{w:>9.2f}{c:>9.2f}{n:>11,}{n / max(w, 1e-9):>11,.0f}")
        if name == "match":
            for p, (pw, pc) in res["match_passes"].items():
                print(f"    {p:22}{pw:>9.2f}{(pc if pc is not None else float('nan')):>9.2f}")
    print(f"  {'all stages':24}{res['wall']:>9.1f}{res['cpu']:>9.1f}{res['rows']:>11,}"
          f"{res['rows'] / res['wall']:>11,.0f}   peak RSS {res['maxrss_gib']:.2f} GiB "
          f"(sampled {res['peak_sampled_gib']:.2f}){goal}")  # fmt: skip
    a = res["accuracy"]
    print(f"  accuracy check: registered persons found {a['registered_found']:,} of "
          f"{a['registered']:,} ({a['registered_wrong_person']} wrong person, "
          f"{a['registered_missed']} missed); new persons linked to someone "
          f"{a['new_linked']:,} of {a['new']:,}; rejected rows noted with their person "
          f"{a['rejected_noted_right']:,} of {a['rejected']:,}; in-batch repeats found "
          f"{a['repeats_found']:,} of {a['repeats']:,}")  # fmt: skip
    print(f"  counts: {res['counts']}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--store", type=int, default=10_000_000)
    ap.add_argument("--queries", type=int, default=1_000_000)
    ap.add_argument("--splink-store", type=int, default=1_000_000)
    ap.add_argument("--splink-queries", type=int, default=100_000)
    ap.add_argument("--u-pairs", type=float, default=1e7)
    ap.add_argument("--memory-limit", default=MEMORY_LIMIT)
    ap.add_argument("--cache", type=Path, help="keep generated data here and reuse it")
    ap.add_argument("--part", default="all", choices=["all", "ours", "splink", "no-splink"])
    ap.add_argument("--store-file", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--queries-file", type=Path, help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.store_file:  # a measured part, in its own process
        if opts.part == "ours":
            res = run_ours(opts.store_file, opts.queries_file, opts.memory_limit)
        else:
            res = run_splink(opts.store_file, opts.queries_file, opts.u_pairs)
        print(json.dumps(res))
        return
    with tempfile.TemporaryDirectory(prefix="dtks-scale-") as d:
        cache = opts.cache or Path(d)
        if opts.part in ("all", "ours", "no-splink"):
            store, queries = data(cache, opts.store, opts.queries)
            show_ours(
                f"this pipeline, {opts.queries:,} x {opts.store:,}",
                child("ours", store, queries, opts),
                " (goal < 60 s, < 4 GB)",
            )
        if opts.part in ("all", "splink"):
            store, queries = data(cache, opts.splink_store, opts.splink_queries)
            ours = child("ours", store, queries, opts)
            show_ours(f"this pipeline, {opts.splink_queries:,} x {opts.splink_store:,}", ours)
            print(f"\nSplink 5 (splink_setup's model), {opts.splink_queries:,} x "
                  f"{opts.splink_store:,}; {load()}", flush=True)  # fmt: skip
            sp = child("splink", store, queries, opts)
            print(f"  input preparation {sp['prepare'][0]:.1f} s wall / {sp['prepare'][1]:.1f} s "
                  f"cpu; training {sp['train'][0]:.1f} / {sp['train'][1]:.1f}; prediction "
                  f"{sp['predict'][0]:.1f} / {sp['predict'][1]:.1f} ({sp['pairs']:,} pairs "
                  f"scored); peak RSS {sp['maxrss_gib']:.2f} GiB")  # fmt: skip
            total = sum(sp[k][0] for k in ("prepare", "train", "predict"))
            print(f"  ratio Splink / this pipeline: prediction alone "
                  f"{sp['predict'][0] / ours['wall']:.1f}x, end to end {total / ours['wall']:.1f}x "
                  f"(wall); {load()}")  # fmt: skip


if __name__ == "__main__":
    main()
