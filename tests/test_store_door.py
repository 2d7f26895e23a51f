"""The store is the only door: scratch tables for a block only, and each layer installs the
SQL it needs on the connection itself (the matching's name macros)."""

from __future__ import annotations

import datetime as dt
import string

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.dedup import names
from pipelines.dedup.store_match import query_frame
from pipelines.errors import StoreError
from pipelines.store import open_store


@pytest.fixture
def store(tmp_path):
    with open_store(tmp_path / "dtks.duckdb") as s:
        yield s


def _tables(store) -> set[str]:
    return {r[0] for r in store.execute("SELECT view_name FROM duckdb_views()").fetchall()}


frames = st.lists(
    st.tuples(st.integers(-(2**40), 2**40), st.text(string.ascii_letters + " .,'", max_size=12)),
    max_size=30,
).map(lambda rows: pd.DataFrame(rows, columns=["row_id", "nama"]).astype({"row_id": "int64"}))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frame=frames, fail=st.booleans())
def test_a_scratch_table_is_there_for_its_block_only(store, frame, fail):
    class Boom(Exception):
        pass

    seen = None
    with pytest.raises(Boom) if fail else _nothing():
        with store.scratch("uji", frame) as table:
            assert table == "__dtks_uji"
            seen = store.df(f"SELECT row_id, nama FROM {table} ORDER BY row_id, nama")
            if fail:
                raise Boom
    expected = frame.sort_values(["row_id", "nama"]).reset_index(drop=True)
    assert seen["row_id"].tolist() == expected["row_id"].tolist()
    assert seen["nama"].tolist() == expected["nama"].tolist()
    assert "__dtks_uji" not in _tables(store)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_failed_statement_in_a_transaction_is_the_error_raised(store):
    """DuckDB refuses to unregister in an aborted transaction; the user must see the failed
    statement's own message, not that refusal, and nothing of the block is kept."""
    store.run("CREATE TEMP TABLE angka (n INTEGER)")
    frame = pd.DataFrame({"n": ["bukan angka"]})
    with pytest.raises(StoreError, match="Perintah basis data gagal") as exc:
        with store.transaction():
            store.run("INSERT INTO angka VALUES (1)")
            with store.scratch("isi", frame) as table:
                store.run(f"INSERT INTO angka SELECT n FROM {table}")
    assert "aborted" not in str(exc.value)
    assert store.one("SELECT count(*) FROM angka")[0] == 0
    assert "__dtks_isi" not in _tables(store)
    with store.scratch("isi", pd.DataFrame({"n": [7]})) as table:  # the store goes on working
        store.run(f"INSERT INTO angka SELECT n FROM {table}")
    assert store.one("SELECT sum(n) FROM angka")[0] == 7


def _rows(names_: list[str]) -> pd.DataFrame:
    n = len(names_)
    return pd.DataFrame(
        {
            "row_id": range(n),
            "nik": ["6271011508800001"] * n,
            "no_kk": ["6271010101100001"] * n,
            "nama_key": names_,
            "tanggal_lahir": pd.to_datetime([dt.date(1980, 8, 15)] * n),
            "jenis_kelamin": ["L"] * n,
            "nama_ibu_kandung": ["Hj. Siti Aminah"] * n,
            "tempat_lahir": ["PALANGKA RAYA"] * n,
            "kode_wilayah": ["6271011001"] * n,
        }
    )


def test_the_matching_installs_its_name_macros_itself_once_per_connection(store, monkeypatch):
    # the store no longer makes them: a fresh store has no nama_norm
    with pytest.raises(StoreError, match="nama_norm"):
        store.one("SELECT nama_norm('H. Budi')")
    made = []
    run = store.run
    monkeypatch.setattr(store, "run", lambda sql, params=None: (made.append(sql), run(sql, params)))
    for _ in range(3):
        got = query_frame(_rows(["H. Muhammad Rizki, S.Pd.", "Moh. Rizki"]), store=store)
        assert got["nn"].tolist() == ["MUHAMAD RIZKI", "MUHAMAD RIZKI"]  # doubled letters single
        assert got["ibu_n"].tolist() == ["SITI AMINAH", "SITI AMINAH"]
    assert sum("MACRO" in sql for sql in made) == 2  # nama_norm and nama_sim, once


def test_macros_undone_by_a_rollback_are_made_again(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            names.install(store)
            assert store.one("SELECT nama_norm('Hj. Siti')")[0] == "SITI"
            raise RuntimeError("gagal di tengah")
    names.install(store)
    assert store.one("SELECT nama_norm('Hj. Siti')")[0] == "SITI"


def test_a_stale_name_macro_in_an_old_store_file_is_not_used(tmp_path):
    """Release 0.1.0 wrote nama_norm into the file; the matching uses today's definition."""
    db = tmp_path / "dtks.duckdb"
    with open_store(db) as store:
        store.run("CREATE MACRO nama_norm(s) AS 'LAMA'")
    with open_store(db) as store:
        got = query_frame(_rows(["Drs. Bambang Sutrisno"]), store=store)
    assert got["nn"].tolist() == ["BAMBANG SUTRISNO"]


def test_the_store_file_needs_no_macro_of_the_matching(tmp_path):
    """The file carries no name macro and every view opens on a bare DuckDB connection (as
    in the analysts' DuckDB 1.x CLI); a read-only store still takes the macros for itself."""
    db = tmp_path / "dtks.duckdb"
    with open_store(db) as store:
        query_frame(_rows(["Ibu Rusmini"]), store=store)
    with open_store(db, read_only=True) as store:
        names.install(store)
        assert store.one("SELECT nama_sim(nama_norm('Nur Halimah'), 'NURHALIMAH')")[0] == 1.0
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute(
            "SELECT function_name FROM duckdb_functions() WHERE function_name LIKE 'nama_%'"
        ).fetchall()
        assert found == []
        views = con.execute(
            "SELECT view_name FROM duckdb_views() "
            "WHERE database_name = current_database() AND NOT internal"
        ).fetchall()
        assert len(views) >= 5
        for (view,) in views:
            con.execute(f'SELECT * FROM "{view}" LIMIT 0').fetchall()
    finally:
        con.close()


def test_a_store_that_fails_to_open_leaves_the_file_free_for_other_programs(tmp_path, monkeypatch):
    """Found by the full suite: an open that failed half-way (here a schema statement; in the
    desk, two writers racing on the schema's COMMENT ON) kept the DuckDB file locked, so every
    later `dtks` command said 'sedang dipakai proses lain' until the process ended."""
    import subprocess
    import sys

    from pipelines.store import store as store_mod

    path = tmp_path / "dtks.duckdb"
    open_store(path).close()
    monkeypatch.setattr(store_mod, "schema_statements", lambda: ["SELECT * FROM tidak_ada"])
    with pytest.raises(StoreError) as failed:  # kept: a caller's traceback keeps the frames
        open_store(path)
    other = subprocess.run(
        [sys.executable, "-c", f"import duckdb; duckdb.connect({str(path)!r}).close()"],
        capture_output=True,
        text=True,
    )
    assert other.returncode == 0, other.stderr[-300:]
    assert "tidak_ada" in str(failed.value)
