"""The data files of a package: data.xlsx (sheets Data and Metadata) and data.csv."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from pipelines import xlsx
from pipelines.sanitize import frame_to_csv


def metadata(r, entry, note: str, kabkota) -> list[tuple[str, str]]:
    """The Metadata sheet: what the table is, where it comes from, how it was protected."""
    return [
        ("Nomor permintaan", r["nomor"]),
        ("Judul", entry.judul),
        ("Baris", entry.baris),
        ("Kolom", entry.kolom),
        ("Satuan", entry.satuan),
        ("Wilayah", r["wilayah"] or (kabkota or "seluruh wilayah Dinas")),
        ("Tahun data", r["tahun_data"] or "data berlaku saat penyerahan"),
        ("Sumber", "Data Terpadu Kesejahteraan Sosial (DTKS), salinan lokal Dinas Sosial"),
        ("Pengendalian pengungkapan", note),
        ("Dibuat", dt.date.today().isoformat()),
    ]


def write_data(folder: Path, shown: pd.DataFrame, meta, record_level: bool) -> None:
    """data.xlsx (Data and Metadata sheets) and data.csv of the released table."""
    frame = shown.reset_index() if not record_level else shown
    cols = [str(c) for c in frame.columns]
    wb = xlsx.new_workbook()
    xlsx.add_sheet(
        wb,
        "Data",
        cols,
        [c.lower() for c in cols],
        frame.astype(object).where(frame.notna(), None).values.tolist(),
    )
    xlsx.add_sheet(
        wb, "Metadata", ["Keterangan", "Isi"], ["k", "v"], [list(m) for m in meta], widths=[28, 100]
    )
    xlsx.save(wb, folder / "data.xlsx")
    frame_to_csv(frame, folder / "data.csv")
