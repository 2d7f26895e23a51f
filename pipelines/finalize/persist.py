"""A period's rows into the store: outcomes, berita acara, what was read; decisions carried."""

from __future__ import annotations

import pandas as pd

from pipelines import approval, carry
from pipelines.finalize.batch import Batch
from pipelines.store import Store


def store_outcomes(
    store: Store,
    batch: Batch,
    outcomes: pd.DataFrame,
    snapshot_id: int | None,
    counts_json: str,
    file_hashes: dict[str, str] | None = None,
) -> carry.Carry:
    """Replace the period's rows in the store and carry supervisor decisions forward.

    Runs inside the caller's transaction (publish.py), so the store and the files written
    from it change together or not at all. Refused for a closed month.
    """
    import datetime as dt

    from pipelines.identity import row_key_sql
    from pipelines.store.periods import ensure_open

    period = batch.period
    ensure_open(store, period)
    now = dt.datetime.now()
    live = carry.before(store, period)
    for table in PERIOD_TABLES:
        store.run(f'DELETE FROM "{table}" WHERE period = ?', [period])
    _insert(store, "prelist_outcome", outcomes)
    store.run(row_key_sql(), {"period": period})
    meetings = batch.meetings.assign(period=period)
    meetings["source_sheet"] = meetings["source_sheet"].fillna("")
    _insert(store, "musyawarah", meetings)
    matched = approval.resolve(batch.decisions, outcomes)  # the household each row names
    dec = matched.rename(columns={"folder_kode": "kode_wilayah"}).assign(period=period)[
        [
            "period",
            "kode_wilayah",
            "no_kk",
            "nama_kepala_keluarga",
            "keputusan_asli",
            "disetujui",
            "alasan_kode",
            "kk_cocok",
            "source_file",
            "source_sheet",
            "source_row",
        ]
    ]
    dec["disetujui"] = dec["disetujui"].astype("boolean")
    _insert(store, "musyawarah_keputusan", dec)
    folders = pd.DataFrame(batch.folders, columns=["kode_wilayah", "folder"]).assign(period=period)
    _insert(store, "period_folder", folders)
    hashes = pd.DataFrame(
        sorted((file_hashes or {}).items()), columns=["source_file", "sha256"]
    ).assign(period=period)
    _insert(store, "period_file", hashes)
    # the kind (jenis) is for the listing on screen; the table keeps the problem itself
    problems = batch.problems.drop(columns="jenis", errors="ignore")
    _insert(store, "period_problem", problems.assign(period=period))
    _insert(store, "period_column_map", batch.mappings.assign(period=period))
    _insert(store, "period_evidence", batch.evidence.assign(period=period))
    store.run(
        "INSERT INTO finalisation_run (period, finished_at, snapshot_id, rows_in, counts_json, "
        "ignored_rows) VALUES (?, ?, ?, ?, ?, ?)",
        [period, now, snapshot_id, len(outcomes), counts_json, int(batch.ignored_rows)],
    )
    return carry.after(store, period, live, now)


# a period's rows that a new finalisation replaces
PERIOD_TABLES = ("prelist_outcome", "musyawarah", "musyawarah_keputusan", "period_folder",
                 "period_file", "period_problem", "period_column_map",
                 "period_evidence")  # fmt: skip


def _insert(store: Store, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    with store.scratch("insert", frame) as rows:
        store.run(f'INSERT INTO "{table}" BY NAME SELECT * FROM {rows}')


def latest_snapshot(store: Store) -> int | None:
    row = store.one("SELECT max(snapshot_id) FROM dtks_snapshot")
    return row[0] if row else None
