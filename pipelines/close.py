"""Closing a month: record what was sent, into the store, once, in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from pipelines.errors import DtksError
from pipelines.store import Store

PERSON = ["nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
          "hubungan_keluarga", "nama_ibu_kandung", "status_kawin", "pekerjaan", "alamat", "rt",
          "rw", "kode_wilayah"]  # fmt: skip
MAX_LISTED = 15


class PeriodNotReady(DtksError):
    "The period cannot be closed yet (not finalised, or rows still undecided)."


@dataclass
class Closed:
    """What closing did, in counts."""

    already: bool
    proposals: int = 0
    corrections: int = 0
    undecided: int = 0


def undecided(store: Store, period: str) -> pd.DataFrame:
    """Rows still perlu_verifikasi after the supervisor's decisions."""
    return store.df(
        "SELECT row_id, source_file, source_sheet, source_row FROM prelist_final "
        "WHERE period = ? AND outcome = 'perlu_verifikasi' ORDER BY row_id",
        [period],
    )


def close(
    store: Store, period: str, petugas: str, force: bool = False, alasan: str | None = None
) -> Closed:
    """Close the month; refuses while undecided rows remain unless forced with a reason."""
    if store.one("SELECT 1 FROM period_close WHERE period = ?", [period]):
        return Closed(already=True)
    if not store.one("SELECT 1 FROM prelist_outcome WHERE period = ? LIMIT 1", [period]):
        raise PeriodNotReady(
            f"Periode {period} belum difinalisasi. Jalankan dulu: dtks finalize {period}"
        )
    if not petugas.strip():
        raise PeriodNotReady("Isi nama petugas: --petugas NAMA.")
    open_rows = undecided(store, period)
    if len(open_rows) and not force:
        listed = [
            f"{r.source_file}"
            + (f" sheet '{r.source_sheet}'" if r.source_sheet else "")
            + f" baris {r.source_row} (ROW_ID {r.row_id})"
            for r in open_rows.head(MAX_LISTED).itertuples()
        ]
        more = len(open_rows) - len(listed)
        raise PeriodNotReady(
            f"Periode {period} belum dapat ditutup: {len(open_rows)} baris masih perlu "
            "keputusan supervisor:\n- "
            + "\n- ".join(listed)
            + (f"\n- dan {more} lainnya" if more > 0 else "")
            + f"\nIsi workbook telaah lalu jalankan dtks review apply {period} BERKAS, atau tutup "
            'paksa dengan --force --alasan "..." (tercatat).'
        )
    if force and not (alasan or "").strip():
        raise PeriodNotReady('Penutupan paksa wajib disertai --alasan "..." (dicatat).')
    snapshot = store.one("SELECT max(snapshot_id) FROM dtks_snapshot")[0]
    cols = ", ".join(PERSON)
    with store.transaction():
        store.run(
            "INSERT INTO period_close VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                period,
                dt.datetime.now(),
                snapshot,
                petugas.strip(),
                force and len(open_rows) > 0,
                (alasan or "").strip() or None,
                len(open_rows),
            ],
        )
        store.run(
            f"INSERT INTO register_change (period, row_id, kind, id_dtks, {cols}) "
            f"SELECT period, row_id, outcome, CASE WHEN outcome = 'perbaikan' "
            f"THEN matched_id_dtks END, {cols} FROM prelist_final "
            "WHERE period = ? AND outcome IN ('usulan_baru', 'perbaikan')",
            [period],
        )
    counts = dict(
        store.execute(
            "SELECT kind, count(*) FROM register_change WHERE period = ? GROUP BY kind", [period]
        ).fetchall()
    )
    return Closed(False, counts.get("usulan_baru", 0), counts.get("perbaikan", 0), len(open_rows))
