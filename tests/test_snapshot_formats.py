"""The streamed snapshot reader gives the same register whatever the export looks like."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import openpyxl
import pytest

from pipelines.errors import SnapshotRejected
from pipelines.ingest import snapshot
from pipelines.ingest.snapshot import load
from pipelines.store import open_store

ROWS = 400


@pytest.fixture(scope="module")
def plain(demo_home) -> tuple[list[str], list[list[str]]]:
    snap = next((demo_home.raw / "dtks").glob("DTKS_*.csv"))
    with snap.open(encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh, delimiter=";"))
    return header, rows[:ROWS]


def _quirky(path: Path, header, rows, rng: random.Random) -> tuple[Path, int]:
    """The rows as a real export may come: title rows, blank lines, another delimiter or
    encoding, ragged rows, a signature block, or XLSX. Returns the file and the spreadsheet
    row number of the first data row."""
    titles = [["DATA TERPADU KESEJAHTERAAN SOSIAL"], ["KOTA PALANGKA RAYA"], []][
        : rng.randint(0, 3)
    ]
    tail = [[], ["Mengetahui,"], ["Kepala Dinas Sosial"]] if rng.random() < 0.5 else []
    if rng.random() < 0.4:
        book = openpyxl.Workbook()
        if rng.random() < 0.5:
            book.active.title = "PETUNJUK"
            book.active.append(["Isi sheet DATA"])
            sheet = book.create_sheet("DATA")
        else:
            sheet = book.active
        for r in [*titles, header, *rows, *tail]:
            sheet.append(r)
        out = path.with_suffix(".xlsx")
        book.save(out)
        return out, len(titles) + 2
    delimiter = rng.choice([";", ",", "\t"])
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp1252"])
    ragged = rng.random() < 0.3
    out = path.with_suffix(".csv")
    with out.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerows(titles)
        w.writerow(header)
        for i, r in enumerate(rows):
            # an extra empty cell, as some tools write rows (read by the slow path)
            w.writerow([*r, ""] if ragged and i % 50 == 7 else r)
        w.writerows(tail)
    return out, len(titles) + 2


@pytest.mark.parametrize("seed", range(6))
def test_any_layout_of_the_same_export_gives_the_same_register(plain, tmp_path, seed):
    header, rows = plain
    rng = random.Random(seed)
    rows = [r[:] for r in rows]
    for r in rows[::40]:
        r[3] = r[3].title() + " Ñ"  # a non-ASCII name survives every encoding
    base = tmp_path / "base.csv"
    with base.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    quirky, first = _quirky(tmp_path / "export", header, rows, rng)
    with open_store(tmp_path / "dtks.duckdb") as store:
        load(store, [base], petugas="Rina")
        again = load(store, [quirky], petugas="Rina")
        assert again.already_current, quirky.name
    # a bad birth date is named by the row number the spreadsheet shows
    k = rng.randrange(ROWS)
    rows[k][5] = "31-02-1980"
    quirky, first = _quirky(tmp_path / "bad", header, rows, random.Random(seed))
    with (
        open_store(tmp_path / "other.duckdb") as store,
        pytest.raises(SnapshotRejected, match=f"baris {first + k}\\b"),
    ):
        load(store, [quirky], petugas="Rina")


def test_rows_are_read_in_chunks(plain, tmp_path, monkeypatch):
    """Chunk borders fall anywhere; a signature block is still recognised."""
    header, rows = plain
    monkeypatch.setattr(snapshot, "CHUNK_ROWS", 7)
    monkeypatch.setattr(snapshot, "CSV_BLOCK", 1500)
    path = tmp_path / "s.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
        w.writerows([[], ["Mengetahui,"], ["", "", "", "Kepala Dinas"]])
    with open_store(tmp_path / "dtks.duckdb") as store:
        res = load(store, [path], petugas="Rina")
    assert res.persons == ROWS
