"""Duplicates inside this month's batch, across every kelurahan."""

from __future__ import annotations

import pandas as pd

from pipelines import reasons as R
from pipelines.files import location
from pipelines.outcomes import Outcome


def where(row: pd.Series) -> str:
    """'<file> sheet '<sheet>' baris N' for a reason text; a location, never personal data."""
    return location(row["source_file"], row["source_sheet"], row["source_row"])


def find(rows: pd.DataFrame) -> pd.DataFrame:
    """Later rows repeating an earlier NIK: row_id, outcome, reason.

    The same NIK with the same name and birth date is the same person proposed again
    (duplikat_batch); with another name or birth date it is doubtful (perlu_verifikasi).
    Rows are in batch order by row_id; the first occurrence carries on to the store match.
    """
    df = rows.sort_values("row_id")
    repeated = df["nik"].duplicated(keep="first")
    if not repeated.any():
        return pd.DataFrame(columns=["row_id", "outcome", "reason"])
    first = df[~repeated & df["nik"].isin(df.loc[repeated, "nik"])].set_index("nik")
    later = df[repeated]
    f = first.reindex(later["nik"])
    same = (later["nama_key"].to_numpy() == f["nama_key"].to_numpy()) & (
        later["tanggal_lahir"].to_numpy() == f["tanggal_lahir"].to_numpy()
    )
    places = [where(r) for _, r in f.reset_index().iterrows()]
    return pd.DataFrame(
        {
            "row_id": later["row_id"].to_numpy(),
            "outcome": [Outcome.DUPLIKAT_BATCH if s else Outcome.PERLU_VERIFIKASI for s in same],
            "reason": [
                (R.DUP_BATCH if s else R.DUP_NIK_CONFLICT).format(where=p)
                for s, p in zip(same, places, strict=True)
            ],
        }
    )


def near(store, rows: pd.DataFrame) -> pd.DataFrame:
    """Later rows whose NIK is one digit from an earlier row's (batch_near.sql)."""
    from pipelines.dedup.store_match import run_sql

    if rows.empty:
        return pd.DataFrame(columns=["row_id", "outcome", "reason"])
    cols = [
        "row_id",
        "nik",
        "no_kk",
        "nama_key",
        "tanggal_lahir",
        "source_file",
        "source_sheet",
        "source_row",
    ]
    frame = rows[cols].assign(nik_ok=True)
    frame["tanggal_lahir"] = frame["tanggal_lahir"].dt.date
    with store.scratch("batch", frame):  # batch_near.sql reads __dtks_batch
        found = run_sql(store, "batch_near.sql")
    return pd.DataFrame(
        {
            "row_id": found["row_id"],
            "outcome": Outcome.PERLU_VERIFIKASI,
            "reason": [
                R.BATCH_NEAR_NIK.format(
                    where=where(r),
                    sim=r["name_sim"],
                    digits=R.DIGITS.get(r["nik_edits"], "beberapa"),
                )
                for _, r in found.iterrows()
            ],
        }
    )
