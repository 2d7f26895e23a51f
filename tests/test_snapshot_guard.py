"""Snapshot loads cannot silently shrink the register; an earlier snapshot can be restored."""

from __future__ import annotations

import csv
import random
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.errors import SnapshotRejected
from pipelines.ingest.snapshot import load
from pipelines.store import open_store

DTKS = str(Path(sys.executable).with_name("dtks"))


@pytest.fixture(scope="module")
def full(demo_home) -> tuple[list[str], list[list[str]]]:
    """The demo snapshot's header and rows (20,707 persons in 30 kelurahan of 62.71)."""
    snap = next((demo_home.raw / "dtks").glob("DTKS_*.csv"))
    with snap.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    return path


def _current(store) -> set[tuple]:
    return set(
        store.execute("SELECT id_dtks, row_hash FROM dtks_person WHERE valid_to IS NULL").fetchall()
    )


def _state(store) -> tuple:
    return (
        store.one("SELECT count(*) FROM dtks_person")[0],
        store.one("SELECT count(*) FROM dtks_snapshot")[0],
        _current(store),
    )


@pytest.fixture
def store(tmp_path, full):
    """A fresh store holding the full demo snapshot as snapshot #1."""
    header, rows = full
    with open_store(tmp_path / "dtks.duckdb") as s:
        load(s, [_write(tmp_path / "full.csv", header, rows)], petugas="Rina")
        yield s


KODE = 14  # column of KODE WILAYAH in the demo snapshot


def test_a_50_row_export_after_the_full_one_is_refused_and_changes_nothing(store, full, tmp_path):
    header, rows = full
    before = _state(store)
    with pytest.raises(SnapshotRejected) as exc:
        load(store, [_write(tmp_path / "part.csv", header, rows[:50])], petugas="Rina")
    msg = str(exc.value)
    assert "hanya mencakup sebagian" in msg and "Tidak ada data yang dimuat" in msg
    assert f"20.657 dari {len(rows):_} orang".replace("_", ".") in msg
    assert "--sebagian" in msg and "--perubahan-besar" in msg
    assert _state(store) == before


def test_a_partial_export_with_its_area_named_closes_only_inside_that_area(store, full, tmp_path):
    header, rows = full
    kel = rows[0][KODE]
    inside = [r for r in rows if r[KODE] == kel]
    left, kept = inside[:3], inside[3:]
    kept[0] = kept[0][:10] + ["PEDAGANG KELILING"] + kept[0][11:]  # one job changed
    outside_before = set(
        store.execute(
            "SELECT id_dtks, row_hash FROM dtks_person WHERE valid_to IS NULL AND kode_wilayah <> ?",
            [kel.replace(".", "")],
        ).fetchall()
    )
    res = load(store, [_write(tmp_path / "kel.csv", header, kept)], petugas="Rina", area=[kel])
    assert (res.removed, res.changed, res.added) == (3, 1, 0)
    assert res.persons_after == len(rows) - 3
    assert res.scope == "sebagian" and res.area == [kel.replace(".", "")]
    gone = {r[0] for r in left}
    current = {i for i, _ in _current(store)}
    assert not gone & current
    # everyone outside the named kelurahan keeps the very version they had
    assert outside_before <= _current(store)
    row = store.one(
        "SELECT scope, scope_area, petugas, closed, changed FROM dtks_snapshot "
        "WHERE snapshot_id = ?",
        [res.snapshot_id],
    )
    assert row == ("sebagian", [kel.replace(".", "")], "Rina", 4, 1)


def test_a_partial_export_must_lie_inside_the_area_it_names(store, full, tmp_path):
    header, rows = full
    before = _state(store)
    kec = rows[0][KODE][:8]
    other = [r for r in rows if not r[KODE].startswith(kec)][:5]
    mine = [r for r in rows if r[KODE].startswith(kec)]
    with pytest.raises(SnapshotRejected, match="di luar wilayah itu"):
        load(
            store,
            [_write(tmp_path / "k.csv", header, mine + other)],
            petugas="Rina",
            area=[kec],
        )
    assert _state(store) == before


def test_a_large_share_closed_is_refused_unless_said_so(store, full, tmp_path):
    header, rows = full
    rng = random.Random(7)
    dropped = set(rng.sample(range(len(rows)), k=len(rows) // 10))  # 10% leave, everywhere
    smaller = _write(
        tmp_path / "s.csv", header, [r for i, r in enumerate(rows) if i not in dropped]
    )
    before = _state(store)
    with pytest.raises(SnapshotRejected) as exc:
        load(store, [smaller], petugas="Rina")
    assert "akan menutup 2.070 dari 20.707 orang" in str(exc.value)
    assert "--perubahan-besar" in str(exc.value)
    assert _state(store) == before
    # below the configured share it goes through
    res = load(store, [smaller], petugas="Rina", max_close_share=0.11)
    assert res.removed == 2070 and res.persons_after == len(rows) - 2070


def test_a_real_large_change_loads_with_the_flag_and_is_recorded(store, full, tmp_path):
    header, rows = full
    smaller = _write(tmp_path / "s.csv", header, rows[: len(rows) // 2])
    res = load(store, [smaller], petugas="Sri", large_change=True)
    assert res.persons_after < len(rows) // 2 + 1
    assert store.one(
        "SELECT large_change, petugas FROM dtks_snapshot WHERE snapshot_id = ?",
        [res.snapshot_id],
    ) == (True, "Sri")


def test_an_earlier_snapshot_loaded_again_restores_it(store, full, tmp_path):
    header, rows = full
    first = _current(store)
    rng = random.Random(11)
    changed = [r[:] for r in rows if rng.random() > 0.02]  # 2% leave
    for r in rng.sample(changed, 100):
        r[10] = "WIRASWASTA"  # 100 change job
    second = load(store, [_write(tmp_path / "s2.csv", header, changed)], petugas="Rina")
    assert second.changed > 0 and second.removed > 0 and _current(store) != first
    again = load(store, [tmp_path / "full.csv"], petugas="Rina")
    assert not again.already_current and again.same_as == 1
    assert _current(store) == first
    assert (again.added, again.changed) == (second.removed, second.changed)
    # loading the current one once more changes nothing and records nothing
    n = store.one("SELECT count(*) FROM dtks_snapshot")[0]
    assert load(store, [tmp_path / "full.csv"], petugas="Rina").already_current
    assert store.one("SELECT count(*) FROM dtks_snapshot")[0] == n == 3


def test_each_load_records_who_when_and_what_changed(store):
    row = store.df("SELECT * FROM dtks_snapshot").iloc[0]
    assert row["petugas"] == "Rina" and row["scope"] == "penuh"
    assert (row["persons_before"], row["persons_after"]) == (0, 20707)
    assert (row["opened"], row["closed"], row["changed"]) == (20707, 0, 0)
    assert len(row["kelurahan"]) == 30 and row["loaded_at"] is not None


def test_cli_refuses_a_partial_export_and_prints_before_and_after(full, tmp_path):
    header, rows = full
    home = tmp_path / "root"
    whole = _write(tmp_path / "full.csv", header, rows)
    kel = rows[0][KODE]
    part = _write(tmp_path / "part.csv", header, [r for r in rows if r[KODE] == kel][2:])

    def dtks(*args):
        return subprocess.run(
            [DTKS, "load-dtks", *args, "--home", str(home)], capture_output=True, text=True
        )

    first = dtks(str(whole), "--petugas", "Rina")
    assert first.returncode == 0, first.stderr
    assert "Register sebelum: 0 orang; sesudah: 20.707 orang" in first.stdout
    refused = dtks(str(part), "--petugas", "Rina")
    assert refused.returncode == 1 and "Snapshot DTKS ditolak" in refused.stderr
    assert "Traceback" not in refused.stderr
    ok = dtks(str(part), "--petugas", "Rina", "--sebagian", kel)
    assert ok.returncode == 0, ok.stderr
    assert "Register sebelum: 20.707 orang; sesudah: 20.705 orang" in ok.stdout
    restored = dtks(str(whole), "--petugas", "Rina")
    assert "dipulihkan" in restored.stdout and "sesudah: 20.707 orang" in restored.stdout
    usage = dtks(str(whole))  # --petugas is required
    assert usage.returncode != 0
