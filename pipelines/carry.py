"""Supervisor decisions across a new finalisation of the same month.

A decision belongs to a row's content key (identity.py) and the DTKS candidate it was made
against. When a period is finalised again (a kelurahan resent its file), each decision in force
is carried forward when the same content is again a doubtful row with the same candidate;
otherwise it is dropped, with the reason recorded in review_decision_drop and shown to the
supervisor (CLI summary, review workbook). A decision is never moved to another row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from pipelines.identity import as_text as _text
from pipelines.identity import person_ref
from pipelines.outcomes import Outcome, label
from pipelines.reasons import LABELS
from pipelines.store import Store
from pipelines.validate import PERSON_COLUMNS

GONE = "baris tidak ada lagi dalam berkas kelurahan"
CHANGED = "data baris berubah ({kolom})"
NOT_DOUBTFUL = "hasil pemeriksaan baru: {hasil}, bukan perlu verifikasi"
OTHER_CANDIDATE = "kandidat DTKS berubah"
_OLD = ["folder_kode", "source_file", "source_sheet", "source_row", *PERSON_COLUMNS]


@dataclass
class Carry:
    """What a finalisation did with the supervisor decisions in force (counts only)."""

    carried: int = 0
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> count

    @property
    def n_dropped(self) -> int:
        return sum(self.dropped.values())


def before(store: Store, period: str) -> pd.DataFrame:
    """The decisions in force and the rows they sit on, read before the period's rows go."""
    cols = ", ".join(f'o."{c}"' for c in _OLD)
    return store.df(
        f"SELECT d.row_key, d.keputusan, d.petugas, d.matched_id_dtks AS cand, {cols} "
        "FROM review_decision_live AS d LEFT JOIN prelist_outcome AS o "
        "ON o.period = d.period AND o.row_key = d.row_key WHERE d.period = ?",
        [period],
    )


def after(store: Store, period: str, live: pd.DataFrame, now: dt.datetime) -> Carry:
    """Carry or drop each decision against the period's new rows; record the drops."""
    if live.empty:
        return Carry()
    with store.scratch("carry_live", live[["row_key"]]) as table:
        new = store.df(
            f"SELECT l.row_key, o.outcome, o.matched_id_dtks FROM {table} AS l "
            "LEFT JOIN prelist_outcome AS o ON o.period = ? AND o.row_key = l.row_key",
            [period],
        ).set_index("row_key")
    why: dict[str, str] = {}
    gone = []
    for r in live.itertuples(index=False):
        if r.row_key not in new.index or pd.isna(new.at[r.row_key, "outcome"]):
            gone.append(r)
            continue
        outcome, cand = new.at[r.row_key, "outcome"], new.at[r.row_key, "matched_id_dtks"]
        if outcome != Outcome.PERLU_VERIFIKASI:
            why[r.row_key] = NOT_DOUBTFUL.format(hasil=label(outcome))
        elif _text(cand) != _text(r.cand):
            why[r.row_key] = OTHER_CANDIDATE
    why.update(_explain_gone(store, period, gone))
    dropped = live[live["row_key"].isin(why)].assign(alasan=lambda d: d["row_key"].map(why))
    if not dropped.empty:
        rows = dropped.assign(period=period, dropped_at=now)[
            ["period", "row_key", "dropped_at", "alasan", "keputusan", "petugas", "folder_kode",
             "source_file", "source_sheet", "source_row", "nik", "nama", "tanggal_lahir"]
        ]  # fmt: skip
        with store.scratch("carry_drop", rows) as table:
            store.run(f"INSERT INTO review_decision_drop BY NAME SELECT * FROM {table}")
    kinds = dropped["alasan"].str.replace(r" \(.*\)$", "", regex=True).value_counts()
    return Carry(len(live) - len(dropped), {str(k): int(v) for k, v in kinds.items()})


def _explain_gone(store: Store, period: str, gone: list) -> dict[str, str]:
    """Why a decided row is not found again: its person is there with other data, or absent."""
    if not gone:
        return {}
    rows = store.df(
        f"SELECT {', '.join(PERSON_COLUMNS)}, folder_kode FROM prelist_outcome "
        "WHERE period = ? AND list_contains(?, folder_kode)",
        [period, sorted({str(r.folder_kode) for r in gone if pd.notna(r.folder_kode)})],
    )
    by_person: dict[tuple, dict] = {}
    for rec in rows.to_dict("records"):
        ref = person_ref(rec["nik"], rec["nama"], rec["tanggal_lahir"], rec["folder_kode"])
        by_person.setdefault(ref, rec)
    out = {}
    for r in gone:
        if pd.isna(r.folder_kode):
            out[r.row_key] = GONE
            continue
        mine = by_person.get(person_ref(r.nik, r.nama, r.tanggal_lahir, r.folder_kode))
        if mine is None:
            out[r.row_key] = GONE
            continue
        changed = [
            LABELS.get(c, c.upper())
            for c in PERSON_COLUMNS
            if _text(mine[c]) != _text(getattr(r, c))
        ]
        out[r.row_key] = CHANGED.format(kolom=", ".join(changed) or "urutan baris kembar")
    return out
