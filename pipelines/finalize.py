"""The monthly finalisation as plain functions: collect -> validate -> approve -> match -> decide.

flows.py wraps these in Prefect tasks; tests call them directly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pandas as pd

from pipelines import approval, carry, deactivation, intake, proposal, validate
from pipelines import problems as P
from pipelines import reasons as R
from pipelines.dedup import batch as batch_dups
from pipelines.dedup import pending as earlier_proposals
from pipelines.dedup import store_match
from pipelines.errors import PeriodClosed  # noqa: F401  (re-exported for callers)
from pipelines.ingest import attachments, evidence, musyawarah
from pipelines.ingest.discover import PROBLEM_COLUMNS, KelurahanInput
from pipelines.outcomes import OUTCOMES, Outcome
from pipelines.store import Store

log = logging.getLogger(__name__)

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


MAPPING_COLUMNS = [
    *["kode_wilayah", "folder", "source_file", "source_sheet", "jenis", "kolom", "judul"],
    *["dibaca_sebagai", "cara", "catatan", "periksa"],
]
EVIDENCE_COLUMNS = evidence.COLUMNS


@dataclass
class Batch:
    """A period's input once every kelurahan folder is read."""

    period: str
    folders: list[tuple[str, str]]  # (kode, folder name)
    prelist: pd.DataFrame  # raw cells + row_id, folder_kode, source_*
    decisions: pd.DataFrame
    meetings: pd.DataFrame
    problems: pd.DataFrame
    ignored_rows: int = 0
    folders_with_ba: set[str] = field(default_factory=set)
    # how each file's columns were read (ingest/layout.Table.mapping), per file and sheet
    mappings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MAPPING_COLUMNS))
    # scanned berita acara kept as evidence (ingest/evidence.py), with SHA-256
    evidence: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVIDENCE_COLUMNS))
    # kelurahan whose rows wait for a readable decision list -> the one reason they get
    held: dict[str, str] = field(default_factory=dict)
    # KTP, KK, SKTM and house photos sent beside the prelist (ingest/attachments.py)
    attachments: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=attachments.COLUMNS)
    )


def combine(period: str, parts: list[KelurahanInput], folder_problems: list[dict]) -> Batch:
    """Stack the kelurahan inputs in folder order and number the rows of the batch."""
    pre: list[pd.DataFrame] = []
    dec: list[pd.DataFrame] = []
    meet: list[dict] = []
    probs = list(folder_problems)
    maps: list[dict] = []
    scans: list[dict] = []
    files: list[dict] = []
    for k in parts:
        probs.extend(k.problems)
        maps.extend(getattr(k, "mappings", []))
        scans.extend(getattr(k, "evidence", []))
        files.extend(getattr(k, "attachments", []))
        if k.prelist is not None:
            pre.append(k.prelist.assign(folder_kode=k.kode_wilayah, folder=k.folder))
        if k.decisions is not None:
            dec.append(k.decisions.assign(folder_kode=k.kode_wilayah))
        meet.extend({**m, "kode_wilayah": k.kode_wilayah} for m in k.meetings)
    prelist = (
        pd.concat(pre, ignore_index=True)
        if pre
        else pd.DataFrame(
            {"source_file": [], "source_sheet": [], "source_row": [], "folder_kode": []}
        )
    )
    prelist.insert(0, "row_id", range(1, len(prelist) + 1))
    decisions = (
        pd.concat(dec, ignore_index=True)
        if dec
        else pd.DataFrame(columns=[*musyawarah.DECISION_COLUMNS, "folder_kode"])
    )
    return Batch(
        period=period,
        folders=[(k.kode_wilayah, k.folder) for k in parts],
        prelist=prelist,
        decisions=decisions,
        meetings=pd.DataFrame(
            meet,
            columns=[
                "kode_wilayah",
                "source_file",
                "source_sheet",
                "tanggal",
                "tempat",
                "pimpinan",
                "jumlah_peserta",
            ],
        ),
        problems=pd.DataFrame(probs, columns=PROBLEM_COLUMNS),
        ignored_rows=sum(k.ignored_rows for k in parts),
        folders_with_ba={k.kode_wilayah for k in parts if k.decisions is not None},
        mappings=pd.DataFrame(maps, columns=MAPPING_COLUMNS),
        evidence=pd.DataFrame(scans, columns=EVIDENCE_COLUMNS),
        held={k.kode_wilayah: k.held for k in parts if getattr(k, "held", None)},
        attachments=pd.DataFrame(files, columns=attachments.COLUMNS),
    )


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
    first = ids.groupby(ids).transform(lambda s: s.index.min())
    later = first[first != first.index]
    rows = clean.set_index("row_id")
    return pd.Series(
        [R.SAME_DTKS_PERSON.format(where=batch_dups.where(rows.loc[e])) for e in later],
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


def counts_table(outcomes: pd.DataFrame, folders: list[str]) -> pd.DataFrame:
    """Rows per kelurahan folder x outcome, every folder and outcome present, with totals."""
    from pipelines import wilayah

    w = wilayah.load()
    table = (
        pd.crosstab(outcomes["folder_kode"], outcomes["outcome"])
        .reindex(index=folders, columns=OUTCOMES, fill_value=0)
        .fillna(0)
        .astype(int)
    )
    table.insert(0, "kelurahan", [w.name(k) or "(kode tidak dikenal)" for k in table.index])
    table.insert(1, "kecamatan", [w.name(k[:6]) for k in table.index])
    table["jumlah"] = table[OUTCOMES].sum(axis=1)
    table.index.name = "kode_wilayah"
    return table


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

    from pipelines.close import ensure_open
    from pipelines.identity import row_key_sql

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
