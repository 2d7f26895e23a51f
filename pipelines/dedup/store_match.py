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

import numpy as np
import pandas as pd

from pipelines import reasons as R
from pipelines.dedup import blocking, rules
from pipelines.dedup.names import install
from pipelines.dedup.rules import EVIDENCE, NAME_NEAR, NAME_SIMILAR
from pipelines.outcomes import Outcome
from pipelines.reasons import LABELS
from pipelines.store import Store

COMPARED = ["nama", "tanggal_lahir", "jenis_kelamin", "tempat_lahir", "no_kk",
            "hubungan_keluarga", "nama_ibu_kandung", "status_kawin", "pekerjaan", "alamat",
            "rt", "rw", "kode_wilayah"]  # fmt: skip
QUERY_COLUMNS = ["row_id", "nik", "nik_ok", "no_kk", "nama_key", "tanggal_lahir",
                 "jenis_kelamin", "nama_ibu_kandung", "tempat_lahir", "kode_wilayah"]  # fmt: skip
RESULT_COLUMNS = ["row_id", "outcome", "reason", "matched_id_dtks", "match_score"]


# the parts of the .sql files generated from one definition (blocking.py)
GENERATED = {
    "near_nik.sql": lambda: blocking.nik_pairs_sql(
        "q",
        "d",
        "a.row_id, b.id_dtks",
        two_edits="a.no_kk = b.no_kk OR a.jenis_kelamin = b.jenis_kelamin",
    ),
    "batch_near.sql": lambda: blocking.nik_pairs_sql(
        "q",
        "q",
        "a.row_id AS later, b.row_id AS earlier",
        "b.row_id < a.row_id",
        two_edits="a.no_kk = b.no_kk",
    ),
}


def sql(name: str) -> str:
    """A .sql file of this package, with its generated blocking filled in."""
    text = resources.files("pipelines.dedup").joinpath(name).read_text(encoding="utf-8")
    if name in GENERATED:
        text = text.replace("/* pairs */", GENERATED[name]())
        text = text.replace("/* keys */", blocking.key_columns_sql("nik_int"))
    return text


def query_frame(
    rows: pd.DataFrame, nik_ok: pd.Series | bool = True, store: Store | None = None
) -> pd.DataFrame:
    """The columns the SQL passes read, birth dates as DATE; with a store, also each row's
    name and mother's name normalised (`nn`, `ibu_n`), once for every pass."""
    q = rows.assign(nik_ok=nik_ok)[QUERY_COLUMNS].copy()
    q["tanggal_lahir"] = q["tanggal_lahir"].dt.date
    if store is None:
        return q
    install(store)
    with store.scratch("names", q[["row_id", "nama_key", "nama_ibu_kandung"]]) as table:
        names = store.df(
            "SELECT row_id, nama_norm(nama_key) AS nn, nama_norm(nama_ibu_kandung) AS ibu_n "
            f"FROM {table}"
        )
    return q.merge(names, on="row_id", how="left")


def run_sql(store: Store, file: str) -> pd.DataFrame:
    """A .sql file's rows, its rule thresholds bound (rules.py), the name macros installed."""
    install(store)
    text = sql(file)
    return store.df(text, rules.bind(text))


def _run(store: Store, query: pd.DataFrame, file: str) -> pd.DataFrame:
    with store.scratch("query", query):  # the .sql files read __dtks_query
        return run_sql(store, file)


def evidence(r) -> str:
    """Indonesian evidence text for one candidate pair (rules.EVIDENCE's labels)."""
    values = [(ev, getattr(r, ev.column)) for ev in EVIDENCE]
    return ", ".join(ev.text(v) for ev, v in values if ev.shown(v))


def scores(found: pd.DataFrame) -> pd.Series:
    """The match score in [0, 1] of each candidate pair: the evidence that evidence() names,
    each weighted by its share in rules.EVIDENCE."""
    return sum(ev.weight * ev.score(found[ev.column]) for ev in EVIDENCE).round(3)


def ranked(found: pd.DataFrame) -> pd.DataFrame:
    """Candidate pairs with their match_score, each row's best candidate first.

    Ranked by the score (name, birth date, No KK, mother's name, birthplace), then the same
    kelurahan, the same kecamatan, the closer mother's name, the closer name and the fewer
    NIK digits apart; the ID DTKS only breaks a tie of everything compared.
    """
    if found.empty:
        return found.assign(match_score=pd.Series(dtype="float64"))
    out = found.assign(
        match_score=scores(found),
        _mother=found["mother_sim"].astype("float64").fillna(0.0),
        _edits=found["nik_edits"] if "nik_edits" in found else 0,
    )
    keys = ["row_id", "match_score", "same_kelurahan", "same_kecamatan", "_mother", "name_sim",
            "_edits", "id_dtks"]  # fmt: skip
    out = out.sort_values(keys, ascending=[True, False, False, False, False, False, True, True])
    return out.drop(columns=["_mother", "_edits"])


def best_candidates(found: pd.DataFrame) -> pd.DataFrame:
    """One candidate per row: the one with the most evidence (see ranked), with its score."""
    return ranked(found).drop_duplicates("row_id")


def exact_evidence(rows: pd.DataFrame, exact: pd.DataFrame) -> pd.DataFrame:
    """exact_nik.sql's candidates with the evidence columns the other passes compute.

    Only rows whose NIK several DTKS persons share are ranked by it, so the mother's names
    are compared for equality (after upper-casing and squeezing spaces), not by similarity.
    """
    mine = rows.set_index("row_id").loc[exact["row_id"]].reset_index(drop=True)
    theirs = exact.reset_index(drop=True)

    def same(col: str, width: int | None = None) -> pd.Series:
        a, b = norm_values(mine[col]), norm_values(theirs[col])
        if width:
            a, b = a.str.slice(0, width), b.str.slice(0, width)
        return ((a != "") & (a == b)).to_numpy()

    born = pd.to_datetime(mine["tanggal_lahir"]), pd.to_datetime(theirs["tanggal_lahir"])
    fields = [(born[0].dt.day == born[1].dt.day), (born[0].dt.month == born[1].dt.month),
              (born[0].dt.year == born[1].dt.year)]  # fmt: skip
    swapped = (born[0].dt.day == born[1].dt.month) & (born[0].dt.month == born[1].dt.day)
    return theirs.assign(
        # the same birth date, day and month swapped, or one of day, month, year different
        birth_close=((sum(f.astype(int) for f in fields) >= 2) | (swapped & fields[2])).to_numpy(),
        same_birth=same("tanggal_lahir"),
        same_kk=same("no_kk"),
        mother_sim=same("nama_ibu_kandung").astype("float64"),
        same_place=same("tempat_lahir"),
        same_kelurahan=same("kode_wilayah"),
        same_kecamatan=same("kode_wilayah", 6),
    )


def match(store: Store, rows: pd.DataFrame, timings: dict | None = None) -> pd.DataFrame:
    """Passes 1-3 for valid rows: row_id, outcome, reason, matched_id_dtks, match_score.

    `timings`, when given, receives the seconds each pass took (counts only, for benchmarks).
    """
    if rows.empty:
        return _no_result()
    clock = _Clock(timings)
    query = query_frame(rows, store=store)
    exact = _run(store, query, "exact_nik.sql")
    clock("exact_nik")
    # the same NIK under another name is a typo hitting someone else, or a shared NIK
    other = exact[(exact["n_candidates"] == 1) & ~NAME_SIMILAR.holds(exact["name_sim"])]
    exact = exact[~exact["row_id"].isin(other["row_id"])]
    results = [_judge_exact(rows, exact)]
    clock("judge_exact")
    rest = query[~query["row_id"].isin(exact["row_id"])]
    near = _run(store, rest, "near_nik.sql").assign(template=R.NEAR_NIK)
    clock("near_nik")
    # pass 3 also for rows pass 2 found: a person registered with a broken NIK may have more
    # in common with the row than a stranger whose NIK is one digit away
    by_name = _run(store, rest[~rest["row_id"].isin(other["row_id"])], "name_birth.sql")
    clock("name_birth")
    found = best_candidates(pd.concat([near, by_name.assign(template=R.NAME_BIRTH)]))
    results.append(_judge(found))
    other = other[~other["row_id"].isin(found["row_id"])]
    results.append(
        pd.DataFrame(
            {
                "row_id": other["row_id"],
                "outcome": Outcome.PERLU_VERIFIKASI,
                "reason": [R.NIK_OTHER_NAME.format(sim=s) for s in other["name_sim"]],
                "matched_id_dtks": other["id_dtks"],
                "match_score": 0.5,
            }
        )
    )
    parts = [r for r in results if len(r)]
    return pd.concat(parts, ignore_index=True) if parts else _no_result()


def _no_result() -> pd.DataFrame:
    """No match, typed as a match is (an untyped empty frame breaks the caller's indexing)."""
    return pd.DataFrame(
        {
            "row_id": pd.Series(dtype="int64"),
            "outcome": pd.Series(dtype="object"),
            "reason": pd.Series(dtype="object"),
            "matched_id_dtks": pd.Series(dtype="object"),
            "match_score": pd.Series(dtype="float64"),
        }
    )


class _Clock:
    """Records [wall, CPU] seconds since the previous call under a name (no-op without a dict).

    CPU is user+sys of the whole process, so DuckDB's threads count.
    """

    def __init__(self, into: dict | None) -> None:
        import time

        self.into, self.now, self.cpu = into, time.perf_counter, time.process_time
        self.t, self.c = self.now(), self.cpu()

    def __call__(self, name: str) -> None:
        if self.into is not None:
            t, c = self.now(), self.cpu()
            self.into[name] = [round(t - self.t, 2), round(c - self.c, 2)]
            self.t, self.c = t, c


def annotate_rejected(store: Store, rows: pd.DataFrame, nik_ok: pd.Series) -> pd.DataFrame:
    """For rows already rejected: row_id, note, matched_id_dtks, match_score of a likely match.

    Any 16-digit NIK is looked up as it is, even one the row was rejected for (its birth-date
    digits disagree with the birth date, or its region is not in today's list): held by a
    registered person of a near-identical name (rules.NAME_NEAR), or a similar one
    (NAME_SIMILAR) born the same day or a day/month typo apart, the row is probably that
    person. Otherwise the search goes on: a NIK one digit away (pass 2's rules), then name and birth date (pass 3;
    `nik_ok`, the NIK passed every check, decides how it searches); found by neither, the
    note says the NIK is registered (under a very different name, if so), naming nobody.
    """
    columns = ["row_id", "note", "matched_id_dtks", "match_score"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    query = query_frame(rows, nik_ok, store)
    sixteen = query["nik"].str.fullmatch(r"\d{16}").fillna(False).astype(bool)
    exact = _run(store, query[sixteen], "exact_nik.sql")
    exact = best_candidates(exact_evidence(rows, exact)) if len(exact) else exact
    if len(exact):
        sim = exact["name_sim"]
        same_person = NAME_NEAR.holds(sim) | (NAME_SIMILAR.holds(sim) & exact["birth_close"])
        other, exact = exact[~same_person], exact[same_person]
    else:
        other = exact
    out = [(r.row_id, R.ALSO_REGISTERED_NIK, r.id_dtks, 1.0) for r in exact.itertuples()]
    rest = query[~query["row_id"].isin(exact["row_id"])]
    near = best_candidates(
        _run(store, rest[sixteen[rest.index]].assign(nik_ok=True), "near_nik.sql")
    )
    for r in near.itertuples():
        text = f"NIK berbeda {R.DIGITS.get(r.nik_edits, 'beberapa')} digit, {evidence(r)}"
        out.append((r.row_id, R.ALSO_REGISTERED_NAME.format(evidence=text), r.id_dtks,
                    r.match_score))  # fmt: skip
    rest = rest[~rest["row_id"].isin(near["row_id"])]
    by_name = best_candidates(_run(store, rest, "name_birth.sql"))
    for r in by_name.itertuples():
        out.append((r.row_id, R.ALSO_REGISTERED_NAME.format(evidence=evidence(r)), r.id_dtks,
                    r.match_score))  # fmt: skip
    # the NIK is registered to someone the row may not be, and nobody else fits: say so,
    # naming nobody
    other = other[~other["row_id"].isin(by_name["row_id"]) & ~other["row_id"].isin(near["row_id"])]
    out += [
        (r.row_id,
         "Catatan: " + R.NIK_OTHER_NAME.format(sim=r.name_sim)
         if not NAME_SIMILAR.holds(r.name_sim) else R.ALSO_REGISTERED_NIK, None, None)
        for r in other.itertuples()
    ]  # fmt: skip
    return pd.DataFrame(out, columns=columns)


def known_households(store: Store, rows: pd.DataFrame) -> pd.DataFrame:
    """Pass 4: row_id, head_id_dtks for rows whose No KK is already in the DTKS."""
    if rows.empty:
        return pd.DataFrame(columns=["row_id", "head_id_dtks"])
    return _run(store, query_frame(rows), "known_kk.sql")


# what str.split() splits on: runs of it become one space in a compared value
_WHITESPACE = "[" + "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "]+"


def norm_values(s: pd.Series) -> pd.Series:
    """Values made comparable column-wise: dates as ISO text, text upper-cased, whitespace
    squeezed to single spaces and trimmed."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").fillna("")
    if s.dtype == object:  # may hold dates
        s = s.map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    text = s.astype("str").where(s.notna(), "")
    text = text.str.upper().str.replace(_WHITESPACE, " ", regex=True).str.strip(" ")
    return text.fillna("")


def _judge_exact(rows: pd.DataFrame, exact: pd.DataFrame) -> pd.DataFrame:
    """terdaftar / perbaikan (naming changed fields) / perlu_verifikasi (NIK shared in DTKS)."""
    if exact.empty:
        return pd.DataFrame(columns=RESULT_COLUMNS)
    # a NIK several DTKS persons share: every one of them, the likeliest first
    shared = exact[exact["n_candidates"] > 1]
    shared = ranked(exact_evidence(rows, shared)) if len(shared) else shared
    ids = shared.groupby("row_id", sort=True)["id_dtks"].agg(",".join)
    out = [
        pd.DataFrame(
            {
                "row_id": ids.index,
                "outcome": Outcome.PERLU_VERIFIKASI,
                "reason": R.NIK_SHARED_IN_DTKS,
                "matched_id_dtks": ids.to_numpy(),
                "match_score": 0.5,
            }
        )
    ]
    one = exact[exact["n_candidates"] == 1]
    mine = rows.set_index("row_id").loc[one["row_id"], COMPARED].reset_index(drop=True)
    theirs = one[COMPARED].reset_index(drop=True)
    # the labels of the fields a row changes, joined with ", " (no per-row Python loop)
    labels = np.full(len(one), "", dtype=object)
    for f in COMPARED:
        a, b = norm_values(mine[f]), norm_values(theirs[f])
        changed = ((a != "") & (a != b)).to_numpy()
        labels = labels + np.where(changed, LABELS[f] + ", ", "").astype(object)
    fields = [lab[:-2] for lab in labels]
    out.append(
        pd.DataFrame(
            {
                "row_id": one["row_id"].to_numpy(),
                "outcome": [Outcome.PERBAIKAN if lab else Outcome.TERDAFTAR for lab in fields],
                "reason": [
                    R.CORRECTION.format(fields=lab) if lab else R.REGISTERED for lab in fields
                ],
                "matched_id_dtks": one["id_dtks"].to_numpy(),
                "match_score": 1.0,
            }
        )
    )
    return pd.concat([o for o in out if len(o)], ignore_index=True)


def _judge(found: pd.DataFrame) -> pd.DataFrame:
    """perlu_verifikasi with the reason of the pass that found each row's best candidate."""
    out = []
    for r in found.itertuples(index=False):
        digits = R.DIGITS.get(r.nik_edits, "beberapa") if pd.notna(r.nik_edits) else ""
        reason = r.template.format(evidence=evidence(r), digits=digits)
        out.append((r.row_id, Outcome.PERLU_VERIFIKASI, reason, r.id_dtks, r.match_score))
    return pd.DataFrame(out, columns=RESULT_COLUMNS)
