"""Loading DTKS snapshots: idempotent, whole or not at all, with history."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipelines.errors import SnapshotRejected, StoreLocked
from pipelines.ingest.snapshot import load
from pipelines.store import open_store

HEADER = [
    "ID DTKS",
    "NIK",
    "NO KK",
    "NAMA",
    "TANGGAL LAHIR",
    "JENIS KELAMIN",
    "KODE WILAYAH",
    "PEKERJAAN",
]
PEOPLE = [
    [
        "A1",
        "6271011508800001",
        "6271010101100001",
        "BUDI",
        "1980-08-15",
        "L",
        "62.71.01.1001",
        "PETANI",
    ],
    [
        "A2",
        "6271015508820002",
        "6271010101100001",
        "SITI",
        "1982-08-15",
        "P",
        "62.71.01.1001",
        "MENGURUS RUMAH TANGGA",
    ],
]


def _snap(path: Path, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def test_load_twice_changes_nothing(tmp_path):
    snap = _snap(tmp_path / "s.csv", PEOPLE)
    with open_store(tmp_path / "db.duckdb") as store:
        first = load(store, [snap], petugas="uji")
        again = load(store, [snap], petugas="uji")
        n = store.one("SELECT count(*) FROM dtks_person")[0]
        snaps = store.one("SELECT count(*) FROM dtks_snapshot")[0]
    assert not first.already_current and again.already_current
    assert (n, snaps) == (2, 1)


def test_new_snapshot_keeps_history(tmp_path):
    with open_store(tmp_path / "db.duckdb") as store:
        load(store, [_snap(tmp_path / "s1.csv", PEOPLE)], petugas="uji")
        changed = [PEOPLE[0][:7] + ["PEDAGANG"]]  # A1 changes job, A2 leaves the register
        res = load(store, [_snap(tmp_path / "s2.csv", changed)], petugas="uji", large_change=True)
        current = store.df("SELECT id_dtks, pekerjaan FROM dtks_current ORDER BY id_dtks")
        past = store.df(
            "SELECT id_dtks, pekerjaan FROM dtks_person WHERE valid_from <= 1 "
            "AND (valid_to IS NULL OR valid_to > 1) ORDER BY id_dtks"
        )
    assert (res.opened, res.closed) == (1, 2)
    assert current.values.tolist() == [["A1", "PEDAGANG"]]
    assert past.values.tolist() == [["A1", "PETANI"], ["A2", "MENGURUS RUMAH TANGGA"]]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([PEOPLE[0], PEOPLE[0]], "ID DTKS ganda"),
        ([PEOPLE[0], [""] + PEOPLE[1][1:]], "ID DTKS kosong"),
        ([PEOPLE[0], PEOPLE[1][:4] + ["31-02-1982"] + PEOPLE[1][5:]], "TANGGAL LAHIR"),
    ],
)
def test_malformed_snapshot_is_refused_whole(tmp_path, rows, message):
    db = tmp_path / "db.duckdb"
    with open_store(db) as store:
        load(store, [_snap(tmp_path / "good.csv", PEOPLE)], petugas="uji")
        with pytest.raises(SnapshotRejected, match=message) as exc:
            load(store, [_snap(tmp_path / "bad.csv", rows)], petugas="uji")
        assert "baris 3" in str(exc.value) or "baris 2" in str(exc.value)
        assert store.one("SELECT count(*) FROM dtks_snapshot")[0] == 1
        assert store.one("SELECT count(*) FROM dtks_person")[0] == 2


def test_snapshot_missing_a_column_names_it(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("ID DTKS;NIK;NAMA\nA1;6271011508800001;BUDI\n", encoding="utf-8")
    with (
        open_store(tmp_path / "db.duckdb") as store,
        pytest.raises(SnapshotRejected, match="NO KK"),
    ):
        load(store, [p], petugas="uji")


def test_second_writer_gets_a_clear_message(tmp_path):
    db = tmp_path / "db.duckdb"
    with open_store(db):
        import subprocess
        import sys

        code = (
            "from pathlib import Path; from pipelines.store import open_store\n"
            f"open_store(Path({str(db)!r}))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert StoreLocked.__name__ in out.stderr
    assert "sedang dipakai proses lain" in out.stderr


def test_every_schema_file_is_run_and_every_table_and_view_is_described(tmp_path):
    """A new file in pipelines/store/schema/ is run (listed in SCHEMA_FILES), and an analyst
    finds a description of every table and view of the store (the data dictionary)."""
    from importlib import resources

    from pipelines.store.store import SCHEMA_FILES

    folder = resources.files("pipelines.store").joinpath("schema")
    shipped = sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))
    assert sorted(SCHEMA_FILES) == shipped
    with open_store(tmp_path / "s.duckdb") as store:
        bare = store.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
            "AND NOT starts_with(table_name, '__') AND comment IS NULL "
            "UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main' "
            "AND NOT internal AND comment IS NULL"
        ).fetchall()
    assert bare == []
