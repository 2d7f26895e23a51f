"""Match rows against the current DTKS register in DuckDB: exact NIK, then NIK one digit off."""

from __future__ import annotations

from importlib import resources

import pandas as pd

from pipelines import reasons as R
from pipelines.normalize import name_key
from pipelines.reasons import LABELS
from pipelines.store import Store

# fields compared for terdaftar vs perbaikan, with how each is made comparable
COMPARED = [
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "tempat_lahir",
    "no_kk",
    "hubungan_keluarga",
    "nama_ibu_kandung",
    "status_kawin",
    "pekerjaan",
    "alamat",
    "rt",
    "rw",
    "kode_wilayah",
]
QUERY_COLUMNS = ["row_id", "nik", "no_kk", "nama_key", "tanggal_lahir"]
RESULT_COLUMNS = ["row_id", "outcome", "reason", "matched_id_dtks", "match_score"]


def _sql(name: str) -> str:
    return resources.files("pipelines.dedup").joinpath(name).read_text(encoding="utf-8")


def _comparable(v: object) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT or v is pd.NA:
        return ""
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    return name_key(str(v))


def match(store: Store, rows: pd.DataFrame) -> pd.DataFrame:
    """row_id, outcome, reason, matched_id_dtks, match_score for rows found in the DTKS."""
    if rows.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    query = rows[QUERY_COLUMNS].copy()
    query["tanggal_lahir"] = query["tanggal_lahir"].dt.date
    store.register("query", query)
    try:
        exact = store.df(_sql("exact_nik.sql"))
        results = [_judge_exact(rows, exact)]
        unmatched = query[~query["row_id"].isin(exact["row_id"])]
        store.con.unregister("__dtks_query")
        store.register("query", unmatched)
        near = store.df(_sql("near_nik.sql"))
        results.append(_judge_near(near))
    finally:
        store.con.unregister("__dtks_query")
    parts = [r for r in results if len(r)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RESULT_COLUMNS)


def _judge_exact(rows: pd.DataFrame, exact: pd.DataFrame) -> pd.DataFrame:
    out = []
    by_id = rows.set_index("row_id")
    for row_id, cands in exact.groupby("row_id", sort=True):
        if len(cands) > 1:
            out.append(
                (
                    row_id,
                    "perlu_verifikasi",
                    "NIK ini tercatat pada lebih dari satu orang di DTKS; periksa KTP/KK.",
                    ",".join(cands["id_dtks"]),
                    0.5,
                )
            )
            continue
        cand = cands.iloc[0]
        mine = by_id.loc[row_id]
        changed = [
            f
            for f in COMPARED
            if _comparable(mine[f]) and _comparable(mine[f]) != _comparable(cand[f])
        ]
        if changed:
            reason = R.CORRECTION.format(fields=", ".join(LABELS[f] for f in changed))
            out.append((row_id, "perbaikan", reason, cand["id_dtks"], 1.0))
        else:
            out.append((row_id, "terdaftar", R.REGISTERED, cand["id_dtks"], 1.0))
    return pd.DataFrame(out, columns=RESULT_COLUMNS)


def _judge_near(near: pd.DataFrame) -> pd.DataFrame:
    out = []
    for r in near.itertuples(index=False):
        evidence = ["tanggal lahir sama"]
        if r.name_sim >= 0.95:
            evidence.append(f"nama mirip ({r.name_sim:.2f})")
        if r.same_kk:
            evidence.append("NO KK sama")
        score = round(0.5 + 0.3 * float(r.name_sim) + (0.2 if r.same_kk else 0.0), 3)
        out.append(
            (
                r.row_id,
                "perlu_verifikasi",
                R.NEAR_NIK.format(evidence=", ".join(evidence)),
                r.id_dtks,
                score,
            )
        )
    return pd.DataFrame(out, columns=RESULT_COLUMNS)
