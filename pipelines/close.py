"""Closing a month: record what was sent, into the store, once, in one transaction.

A closed month is frozen: `store/periods.ensure_open` is the one check every write path
calls (finalize, review apply, SIKS-NG files and reports, closing). `reopen` undoes a closing as an explicit,
recorded act with a reason; it is allowed for the latest closed month only, so no other
closed month's picture of the register (register_as_of) changes.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass

import pandas as pd

from pipelines.config import Home
from pipelines.errors import DtksError, PeriodNotReady
from pipelines.files import location
from pipelines.outcomes import SIKSNG_KINDS, Outcome
from pipelines.store import Store
from pipelines.store.periods import is_closed

PERSON = ["nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
          "hubungan_keluarga", "nama_ibu_kandung", "status_kawin", "pekerjaan", "alamat", "rt",
          "rw", "kode_wilayah"]  # fmt: skip
MAX_LISTED = 15


class ReopenRefused(DtksError):
    "The period cannot be reopened (not closed, no reason given, or a later month is closed)."


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
        "WHERE period = ? AND outcome = ? ORDER BY row_id",
        [period, Outcome.PERLU_VERIFIKASI],
    )


def close(
    store: Store,
    period: str,
    petugas: str,
    force: bool = False,
    alasan: str | None = None,
    home: Home | None = None,
) -> Closed:
    """Close the month; refuses while undecided rows remain unless forced with a reason.

    With `home`, the report (Berita Acara) is rewritten in the same transaction: a forced
    closing is stated in it. Nothing of the month is written after that.
    """
    if is_closed(store, period):
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
            f"{location(r.source_file, r.source_sheet, r.source_row)} (ROW_ID {r.row_id})"
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
    scope: AbstractContextManager[object]
    if home is None:
        scope = store.transaction()
    else:
        from pipelines.publish import rewriting

        scope = rewriting(store, home, period, report_only=True)
    with scope:
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
            f"SELECT period, row_id, outcome, CASE WHEN list_contains(?, outcome) "
            f"THEN matched_id_dtks END, {cols} FROM prelist_final "
            "WHERE period = ? AND list_contains(?, outcome)",
            # a correction and a deactivation name the registered person
            [
                [Outcome.PERBAIKAN.value, Outcome.USULAN_NONAKTIF.value],
                period,
                [o.value for o in SIKSNG_KINDS],
            ],  # fmt: skip
        )
    counts = dict(
        store.execute(
            "SELECT kind, count(*) FROM register_change WHERE period = ? GROUP BY kind", [period]
        ).fetchall()
    )
    new, fixes = (counts.get(o, 0) for o in (Outcome.USULAN_BARU, Outcome.PERBAIKAN))
    return Closed(False, new, fixes, len(open_rows))


@dataclass
class Reopened:
    """What reopening did, in counts."""

    withdrawn: int
    closed_at: dt.datetime


def reopen(store: Store, period: str, petugas: str, alasan: str) -> Reopened:
    """Open a closed month again, recorded with who, when and why; the latest closed month only.

    The closing's register changes move to register_change_withdrawn and the closing itself
    to period_reopen, in one transaction; period_history shows both acts.
    """
    if not petugas.strip():
        raise ReopenRefused("Isi nama petugas: --petugas NAMA.")
    if len((alasan or "").strip()) < 10:
        raise ReopenRefused(
            'Membuka kembali bulan yang sudah ditutup wajib disertai alasan tertulis: --alasan "..."'
        )
    row = store.one(
        "SELECT closed_at, petugas, snapshot_id, forced, alasan, undecided FROM period_close "
        "WHERE period = ?",
        [period],
    )
    if row is None:
        raise ReopenRefused(f"Periode {period} belum ditutup; tidak ada yang dibuka kembali.")
    later = store.one(
        "SELECT string_agg(period, ', ' ORDER BY period) FROM period_close WHERE closed_at > ?",
        [row[0]],
    )[0]
    if later:
        raise ReopenRefused(
            f"Periode {period} tidak dapat dibuka kembali: periode {later} ditutup sesudahnya "
            "dan gambaran registernya memuat perubahan bulan ini. Buka kembali periode yang "
            "terakhir ditutup lebih dulu."
        )
    now = dt.datetime.now()
    with store.transaction():
        withdrawn = store.one("SELECT count(*) FROM register_change WHERE period = ?", [period])[0]
        store.run(
            "INSERT INTO register_change_withdrawn BY NAME "
            "SELECT *, ? AS reopened_at FROM register_change WHERE period = ?",
            [now, period],
        )
        store.run("DELETE FROM register_change WHERE period = ?", [period])
        store.run(
            "INSERT INTO period_reopen (period, reopened_at, petugas, alasan, closed_at, "
            "closed_by, snapshot_id, forced, close_alasan, undecided, withdrawn) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [period, now, petugas.strip(), alasan.strip(), *row, withdrawn],
        )
        store.run("DELETE FROM period_close WHERE period = ?", [period])
    return Reopened(withdrawn, row[0])
