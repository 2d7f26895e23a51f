"""One outcome per prelist row, with Indonesian reasons: validate -> approve -> match."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines import approval, deactivation, intake, proposal, validate
from pipelines import problems as P
from pipelines import reasons as R
from pipelines.dedup import batch as batch_dups
from pipelines.dedup import pending as earlier_proposals
from pipelines.dedup import store_match
from pipelines.files import location
from pipelines.finalize.batch import Batch
from pipelines.outcomes import Outcome
from pipelines.store import Store

# a proposal of an earlier month still waiting at Kemensos: nothing to send (issue 17 item 6)
PENDING = Outcome.TERDAFTAR
OUTCOME_COLUMNS = [
    *["period", "row_id", "source_file", "source_sheet", "source_row", "folder_kode"],
    "kode_wilayah",
    *validate.PERSON_COLUMNS,
    *["outcome", "reasons", "problem_columns", "matched_id_dtks", "match_score"],
    *proposal.FIELDS,  # optional fields of a complete proposal row (issue 17 item 4)
    *intake.FIELDS,  # usul/sanggah recorded by the Dinas: channel and kind (item 7)
    "alasan_nonaktif",  # MENINGGAL, PINDAH, ... on a deactivation proposal (item 3)
]


def decide(
    batch: Batch,
    store: Store,
    kabkota: str | None,
    resend_after: int = earlier_proposals.DEFAULT_MONTHS,
) -> pd.DataFrame:
    """One outcome per prelist row, with Indonesian reasons.

    RESEND_AFTER: months an earlier proposal waits at Kemensos before it may be proposed
    again (dtks.toml [usulan] usul_ulang_bulan).
    """
    raw = batch.prelist
    clean, prep_problems = validate.prepare(raw)
    clean["folder_kode"] = raw["folder_kode"].astype("str").to_numpy()
    rule_problems = validate.check_rules(clean, kabkota, prep_problems)
    everything = pd.concat([prep_problems, rule_problems], ignore_index=True)
    problems = P.rejecting(everything)
    reasons = validate.reasons_by_row(problems)
    bad_columns = validate.columns_by_row(problems)

    d = _Decisions(clean["row_id"])
    invalid = clean["row_id"].isin(reasons.index)
    d.set(clean.loc[invalid, "row_id"], Outcome.DITOLAK_VALIDASI, reasons)
    # a rejected row that is probably a registered person says so, to spare a resubmission
    rejected_rows = clean[invalid]
    nik_bad = problems.loc[problems["column"] == "nik", "row_id"]
    nik_ok = rejected_rows["nik"].str.fullmatch(r"\d{16}").fillna(False).astype(bool) & (
        ~rejected_rows["row_id"].isin(nik_bad)
    )
    notes = store_match.annotate_rejected(store, rejected_rows, nik_ok).set_index("row_id")
    d.note(notes["note"], notes["matched_id_dtks"], notes["match_score"])

    valid = clean[~invalid]
    # usul/sanggah the Dinas recorded itself: channel, kind, and a USUL's documents
    direct = intake.read(raw, clean["row_id"])
    lacking = direct["dokumen"].dropna()
    lacking = lacking[lacking.index.isin(valid["row_id"])]
    d.set(lacking.index, Outcome.DITOLAK_VALIDASI, lacking)
    valid = valid[~valid["row_id"].isin(lacking.index)]
    musy = approval.check(
        valid, batch.decisions, batch.folders_with_ba, batch.held, all_rows=clean
    ).set_index("row_id")
    rejected = musy.index[~musy["approved"]]
    # meninggal / pindah / mampu / tidak ditemukan / ganda on a registered person: a request
    # to deactivate it, not a rejected proposal (issue 17 item 3)
    decided = valid.set_index("row_id").loc[rejected, ["nik"]]
    off = deactivation.find(
        store, decided.assign(alasan_kode=musy.loc[rejected, "alasan_kode"]).reset_index()
    ).set_index("row_id")
    d.set(
        off.index,
        Outcome.USULAN_NONAKTIF,
        off["reason"],
        off["matched_id_dtks"],
        pd.Series(1.0, off.index),
    )
    rejected = rejected.difference(off.index)
    d.set(rejected, Outcome.DITOLAK_MUSYAWARAH, musy.loc[rejected, "reason"])

    pending = valid[valid["row_id"].isin(musy.index[musy["approved"]])]
    dups = batch_dups.find(pending).set_index("row_id")
    d.set(dups.index, dups["outcome"], dups["reason"])
    pending = pending[~pending["row_id"].isin(dups.index)]
    near = batch_dups.near(store, pending).set_index("row_id")
    d.set(near.index, near["outcome"], near["reason"])

    keepers = pending[~pending["row_id"].isin(near.index)]
    found = store_match.match(store, keepers).set_index("row_id")
    d.set(
        found.index,
        found["outcome"],
        found["reason"],
        found["matched_id_dtks"],
        found["match_score"],
    )
    d.note(_same_person_twice(found, clean))
    new = keepers[~keepers["row_id"].isin(found.index)]
    earlier = earlier_proposals.find(store, batch.period, new, resend_after).set_index("row_id")
    waiting = earlier.index[earlier["status"] == "menunggu"]
    d.set(waiting, PENDING, earlier["reason"])
    new = new[~new["row_id"].isin(waiting)]
    d.set(new["row_id"], Outcome.USULAN_BARU, "")
    d.note(earlier.loc[earlier["status"] != "menunggu", "reason"])
    members = store_match.known_households(store, new).set_index("row_id")
    d.note(members["head_id_dtks"].map(lambda _: R.NEW_MEMBER))
    extra = proposal.read(raw, clean, batch.attachments, batch.evidence)
    d.note(extra.loc[new["row_id"], "catatan"].dropna())  # what SIKS-NG's form still lacks
    d.note(validate.notes_by_row(everything))  # notes for the supervisor, outcome unchanged
    outcome, reason, matched, score = d.outcome, d.reason, d.matched, d.score

    out = clean.copy()
    out["period"] = batch.period
    out["outcome"] = outcome.to_numpy()
    out["reasons"] = reason.replace("", pd.NA).to_numpy()
    out["problem_columns"] = out["row_id"].map(bad_columns)
    out["matched_id_dtks"] = matched.to_numpy()
    out["match_score"] = score.to_numpy()
    out["tanggal_lahir"] = out["tanggal_lahir"].dt.date
    for col in proposal.FIELDS:
        out[col] = extra[col].reindex(out["row_id"]).to_numpy()
    for col in intake.FIELDS:
        out[col] = direct[col].reindex(out["row_id"]).to_numpy()
    out["alasan_nonaktif"] = off["alasan_nonaktif"].reindex(out["row_id"]).to_numpy()
    for col in ("outcome", "reasons", "problem_columns", "matched_id_dtks"):
        out[col] = out[col].astype("str")
    assert out["row_id"].is_unique and len(out) == len(raw), "every row gets exactly one outcome"
    return out[OUTCOME_COLUMNS]


def _same_person_twice(found: pd.DataFrame, clean: pd.DataFrame) -> pd.Series:
    """Notes on rows matched to the same DTKS person as an earlier row of the batch."""
    if found.empty:
        return pd.Series(dtype="object")
    ids = found["matched_id_dtks"].astype(str).str.split(",").str[0]
    # the smallest row_id per matched person, column-wise (a lambda per group took ~25 s
    # more for 450,000 matched rows, as a million-row month has); persons numbered by a
    # hash (grouping by the ID strings sorted them: ~2 s for 430,000 rows)
    person, _ = pd.factorize(ids, use_na_sentinel=False)
    row = ids.index.to_numpy(dtype=np.int64)
    smallest = np.full(person.max() + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(smallest, person, row)
    first = pd.Series(smallest[person], index=ids.index)
    later = first[first != first.index]
    # where each earlier row is: one look-up for all of them, not a .loc per row
    at = clean.set_index("row_id").loc[
        later.to_numpy(), ["source_file", "source_sheet", "source_row"]
    ]
    return pd.Series(
        [
            R.SAME_DTKS_PERSON.format(where=location(f, s, n))
            for f, s, n in zip(at["source_file"], at["source_sheet"], at["source_row"], strict=True)
        ],
        index=later.index,
        dtype="object",
    )


class _Decisions:
    """The outcome, reasons, match and score of every row, filled pass by pass."""

    def __init__(self, row_ids: pd.Series) -> None:
        self.outcome = pd.Series(pd.NA, index=row_ids, dtype="object")
        self.reason = pd.Series("", index=row_ids, dtype="object")
        self.matched = pd.Series(pd.NA, index=row_ids, dtype="object")
        self.score = pd.Series(float("nan"), index=row_ids, dtype="float64")

    def set(self, ids, outcome, reason, matched=None, score=None) -> None:
        """Give rows their one outcome; setting a row twice is a bug."""
        ids = pd.Index(ids)
        if ids.empty:  # a pass that found nothing (pandas 3 refuses to set an empty frame)
            return
        assert self.outcome[ids].isna().all(), "a row got two outcomes"
        self.outcome[ids] = outcome
        self.reason[ids] = reason.reindex(ids) if isinstance(reason, pd.Series) else reason
        if matched is not None:
            self.matched[ids] = matched
            self.score[ids] = score

    def note(
        self, notes: pd.Series, matched: pd.Series | None = None, score: pd.Series | None = None
    ) -> None:
        """Append a note to rows' reasons (and record a likely match) without changing outcome."""
        if notes.empty:
            return
        ids = notes.index
        joined = [f"{r}; {n}" if r else n for r, n in zip(self.reason[ids], notes, strict=True)]
        self.reason[ids] = joined
        if matched is not None:
            self.matched[ids] = matched
            self.score[ids] = score
