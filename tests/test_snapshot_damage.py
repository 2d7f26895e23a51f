"""Snapshots that would damage the register are refused whole, with a non-zero exit code."""

from __future__ import annotations

import csv
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.errors import SnapshotRejected
from pipelines.ingest.snapshot import load
from pipelines.store import open_store

DTKS = str(Path(sys.executable).with_name("dtks"))
NIK, KK = 1, 2  # columns of the demo snapshot


def _sci(v: str) -> str:
    """A 16-digit number as Indonesian Excel writes it in a CSV: 6,27101E+15."""
    return f"{int(v):.5E}".replace(".", ",").replace("E+", "E+")


def _set(col: int, fn):
    def change(header, rows):
        return header, [[*r[:col], fn(r[col]), *r[col + 1 :]] for r in rows]

    return change


def _drop(name: str):
    def change(header, rows):
        i = header.index(name)
        return header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows]

    return change


def _both(*changes):
    def change(header, rows):
        for c in changes:
            header, rows = c(header, rows)
        return header, rows

    return change


VARIANTS = {
    "nik_notasi_ilmiah": (_set(NIK, _sci), "kolom NIK sebagian besar rusak"),
    "nik_dan_kk_notasi_ilmiah": (_both(_set(NIK, _sci), _set(KK, _sci)), "NIK"),
    "nik_15_digit": (_set(NIK, lambda v: v[:15]), "15 digit"),
    "nik_dipotong_excel": (_set(NIK, lambda v: v[:15] + "0"), "berakhiran 0"),
    "nik_kosong": (_set(NIK, lambda v: ""), "kosong"),
    "kk_notasi_ilmiah": (_set(KK, _sci), "kolom NO KK sebagian besar rusak"),
    "tanpa_alamat": (_drop("ALAMAT"), "tidak memiliki kolom ALAMAT"),
    "tanpa_nama_ibu": (_drop("NAMA IBU KANDUNG"), "tidak memiliki kolom NAMA IBU KANDUNG"),
    "hanya_judul_kolom": (lambda h, r: (h, []), "tidak memuat satu baris data pun"),
}


def _write(path: Path, header, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def base(demo_home, tmp_path_factory):
    """A data root holding 3,000 persons of the demo snapshot, and those rows."""
    snap = next((demo_home.raw / "dtks").glob("DTKS_*.csv"))
    with snap.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh, delimiter=";"))
    rows = rows[:3000]
    root = tmp_path_factory.mktemp("damage")
    store_path = root / "data" / "processed" / "dtks.duckdb"
    with open_store(store_path) as store:
        load(store, [_write(root / "good.csv", header, rows)], petugas="Rina")
    return root, store_path, header, rows


def _register(store_path: Path) -> tuple:
    with open_store(store_path, read_only=True) as store:
        return (
            store.one("SELECT count(*), count(nik), count(alamat) FROM dtks_person"),
            store.one("SELECT count(*) FROM dtks_snapshot")[0],
        )


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_damaged_snapshot_is_refused_whole_by_the_installed_command(base, tmp_path, variant):
    root, store_path, header, rows = base
    change, message = VARIANTS[variant]
    bad = _write(tmp_path / f"{variant}.csv", *change(header, rows))
    before = _register(store_path)
    r = subprocess.run(
        [DTKS, "load-dtks", str(bad), "--petugas", "Rina", "--home", str(root)],
        capture_output=True,
        text=True,
    )
    assert r.returncode != 0, r.stdout
    err = " ".join(r.stderr.split())
    assert "Snapshot DTKS ditolak" in err and message in err, err
    assert "Traceback" not in r.stderr
    assert _register(store_path) == before


@pytest.mark.parametrize("seed", range(6))
def test_a_mostly_damaged_id_column_is_refused_and_a_few_bad_cells_are_not(base, tmp_path, seed):
    """Generated: a random share of NIK or KK cells damaged in a random mix of ways."""
    _, _, header, rows = base
    rng = random.Random(seed)
    col = rng.choice([NIK, KK])
    kinds = [_sci, lambda v: v[:15], lambda v: "", lambda v: v[:15] + "0", lambda v: v + "X"]
    share = [0.02, 0.05, rng.uniform(0.15, 1.0)][seed % 3]  # two seeds each
    picked = set(rng.sample(range(len(rows)), int(share * len(rows))))
    damaged = [
        [*r[:col], rng.choice(kinds)(r[col]), *r[col + 1 :]] if i in picked else r
        for i, r in enumerate(rows)
    ]
    path = _write(tmp_path / "s.csv", header, damaged)
    with open_store(tmp_path / "fresh.duckdb") as store:
        if share > 0.10:
            with pytest.raises(SnapshotRejected, match="sebagian besar rusak"):
                load(store, [path], petugas="Rina")
            assert store.one("SELECT count(*) FROM dtks_person")[0] == 0
        else:
            res = load(store, [path], petugas="Rina")
            assert res.persons == len(rows)
            if col == NIK:  # a NIK cut by Excel to 15 digits + 0 still looks like a NIK
                bad = sum(not re.fullmatch(r"\d{16}", r[NIK]) for r in damaged)
                assert res.invalid_nik == bad
