"""Match rows against the current DTKS register in DuckDB, pass by pass.

1. exact NIK: terdaftar, or perbaikan naming the fields that differ;
2. NIK one substitution/transposition away, near-identical name, same birth date or KK
   (near_nik.sql): perlu_verifikasi;
3. NIK missing or broken on either side: same birth date and kecamatan (or KK), near-identical
   name and one more piece of evidence (name_birth.sql): perlu_verifikasi;
4. a No KK already in the DTKS: a new member of a registered household (known_kk.sql).
Every match carries a score in [0, 1] and the evidence, in Indonesian, that produced it.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from pipelines import reasons as R
from pipelines.reasons import LABELS
from pipelines.store import Store

COMPARED = ["nama", "tanggal_lahir", "jenis_kelamin", "tempat_lahir", "no_kk",
            "hubungan_keluarga", "nama_ibu_kandung", "status_kawin", "pekerjaan", "alamat",
            "rt", "rw", "kode_wilayah"]  # fmt: skip
QUERY_COLUMNS = ["row_id", "nik", "nik_ok", "no_kk", "nama_key", "tanggal_lahir",
                 "nama_ibu_kandung", "tempat_lahir", "kode_wilayah"]  # fmt: skip
RESULT_COLUMNS = ["row_id", "outcome", "reason", "matched_id_dtks", "match_score"]


def sql(name: str) -> str:
    """A .sql file of this package."""
    return resources.files("pipelines.dedup").joinpath(name).read_text(encoding="utf-8")


def query_frame(rows: pd.DataFrame, nik_ok: pd.Series | bool = True) -> pd.DataFrame:
    """The columns the SQL passes read, birth dates as DATE."""
    q = rows.assign(nik_ok=nik_ok)[QUERY_COLUMNS].copy()
    q["tanggal_lahir"] = q["tanggal_lahir"].dt.date
    return q


def _run(store: Store, query: pd.DataFrame, file: str) -> pd.DataFrame:
    store.register("query", query)
    try:
        return store.df(sql(file))
    finally:
        store.con.unregister("__dtks_query")


def evidence(r) -> tuple[str, float]:
    """Indonesian evidence text and a score in [0, 1] for one candidate pair."""
    parts = [f"nama mirip ({r.name_sim:.2f})"]
    if r.same_birth:
        parts.append("tanggal lahir sama")
    if r.same_kk:
        parts.append("NO KK sama")
    if pd.notna(r.mother_sim) and r.mother_sim >= 0.85:
        parts.append(f"nama ibu mirip ({r.mother_sim:.2f})")
    if r.same_place:
        parts.append("tempat lahir sama")
    score = (
        0.4 * float(r.name_sim)
        + 0.2 * bool(r.same_birth)
        + 0.2 * bool(r.same_kk)
        + 0.1 * bool(pd.notna(r.mother_sim) and r.mother_sim >= 0.85)
        + 0.1 * bool(r.same_place)
    )
    return ", ".join(parts), round(score, 3)


def match(store: Store, rows: pd.DataFrame, timings: dict | None = None) -> pd.DataFrame:
    """Passes 1-3 for valid rows: row_id, outcome, reason, matched_id_dtks, match_score.

    `timings`, when given, receives the seconds each pass took (counts only, for benchmarks).
    """
    if rows.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    clock = _Clock(timings)
    query = query_frame(rows)
    exact = _run(store, query, "exact_nik.sql")
    clock("exact_nik")
    # the same NIK under another name is a typo hitting someone else, or a shared NIK
    other = exact[(exact["n_candidates"] == 1) & (exact["name_sim"] < 0.85)]
    exact = exact[~exact["row_id"].isin(other["row_id"])]
    results = [_judge_exact(rows, exact)]
    clock("judge_exact")
    rest = query[~query["row_id"].isin(exact["row_id"])]
    near = _run(store, rest, "near_nik.sql")
    clock("near_nik")
    results.append(_judge(near, R.NEAR_NIK))
    other = other[~other["row_id"].isin(near["row_id"])]
    results.append(
        pd.DataFrame(
            {
                "row_id": other["row_id"],
                "outcome": "perlu_verifikasi",
                "reason": [R.NIK_OTHER_NAME.format(sim=s) for s in other["name_sim"]],
                "matched_id_dtks": other["id_dtks"],
                "match_score": 0.5,
            }
        )
    )
    rest = rest[~rest["row_id"].isin(near["row_id"]) & ~rest["row_id"].isin(other["row_id"])]
    by_name = _run(store, rest, "name_birth.sql")
    clock("name_birth")
    results.append(_judge(by_name, R.NAME_BIRTH))
    parts = [r for r in results if len(r)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RESULT_COLUMNS)


class _Clock:
    """Records the seconds since the previous call under a name (no-op without a dict)."""

    def __init__(self, into: dict | None) -> None:
        import time

        self.into, self.now, self.t = into, time.perf_counter, time.perf_counter()

    def __call__(self, name: str) -> None:
        if self.into is not None:
            t = self.now()
            self.into[name] = round(t - self.t, 2)
            self.t = t


def annotate_rejected(store: Store, rows: pd.DataFrame, nik_ok: pd.Series) -> pd.DataFrame:
    """For rows already rejected: row_id, note, matched_id_dtks, match_score of a likely match."""
    if rows.empty:
        return pd.DataFrame(columns=["row_id", "note", "matched_id_dtks", "match_score"])
    query = query_frame(rows, nik_ok)
    exact = _run(store, query[query["nik_ok"]], "exact_nik.sql").drop_duplicates("row_id")
    out = [(r.row_id, R.ALSO_REGISTERED_NIK, r.id_dtks, 1.0) for r in exact.itertuples()]
    rest = query[~query["row_id"].isin(exact["row_id"])]
    for r in _run(store, rest, "name_birth.sql").itertuples():
        text, score = evidence(r)
        out.append((r.row_id, R.ALSO_REGISTERED_NAME.format(evidence=text), r.id_dtks, score))
    return pd.DataFrame(out, columns=["row_id", "note", "matched_id_dtks", "match_score"])


def known_households(store: Store, rows: pd.DataFrame) -> pd.DataFrame:
    """Pass 4: row_id, head_id_dtks for rows whose No KK is already in the DTKS."""
    if rows.empty:
        return pd.DataFrame(columns=["row_id", "head_id_dtks"])
    return _run(store, query_frame(rows), "known_kk.sql")


def norm_values(s: pd.Series) -> pd.Series:
    """Values made comparable column-wise: dates as ISO text, text upper-cased and squeezed."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").fillna("")
    text = (
        s.astype(object)
        .where(s.notna(), "")
        .map(lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))
    )
    return text.astype("str").str.upper().str.split().str.join(" ").fillna("")


def _judge_exact(rows: pd.DataFrame, exact: pd.DataFrame) -> pd.DataFrame:
    """terdaftar / perbaikan (naming changed fields) / perlu_verifikasi (NIK shared in DTKS)."""
    if exact.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    shared = exact[exact["n_candidates"] > 1]
    out = [
        pd.DataFrame(
            {
                "row_id": shared.groupby("row_id").size().index,
                "outcome": "perlu_verifikasi",
                "reason": R.NIK_SHARED_IN_DTKS,
                "matched_id_dtks": shared.groupby("row_id")["id_dtks"].agg(",".join).to_numpy(),
                "match_score": 0.5,
            }
        )
    ]
    one = exact[exact["n_candidates"] == 1]
    mine = rows.set_index("row_id").loc[one["row_id"], COMPARED].reset_index(drop=True)
    theirs = one[COMPARED].reset_index(drop=True)
    changed = pd.DataFrame(
        {
            f: (norm_values(mine[f]) != "") & (norm_values(mine[f]) != norm_values(theirs[f]))
            for f in COMPARED
        }
    )
    labels = [
        ", ".join(LABELS[f] for f, c in zip(COMPARED, flags, strict=True) if c)
        for flags in changed.itertuples(index=False)
    ]
    out.append(
        pd.DataFrame(
            {
                "row_id": one["row_id"].to_numpy(),
                "outcome": ["perbaikan" if lab else "terdaftar" for lab in labels],
                "reason": [
                    R.CORRECTION.format(fields=lab) if lab else R.REGISTERED for lab in labels
                ],
                "matched_id_dtks": one["id_dtks"].to_numpy(),
                "match_score": 1.0,
            }
        )
    )
    return pd.concat([o for o in out if len(o)], ignore_index=True)


def _judge(found: pd.DataFrame, template: str) -> pd.DataFrame:
    out = []
    for r in found.itertuples(index=False):
        text, score = evidence(r)
        digits = R.DIGITS.get(getattr(r, "nik_edits", 1), "beberapa")
        reason = template.format(evidence=text, digits=digits)
        out.append((r.row_id, "perlu_verifikasi", reason, r.id_dtks, score))
    return pd.DataFrame(out, columns=RESULT_COLUMNS)
