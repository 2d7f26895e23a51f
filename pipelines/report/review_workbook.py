"""The review workbook telaah_PERIOD.xlsx: the doubtful rows beside their DTKS candidates.

Written with the month's other outputs (publish.py); pipelines/review.py reads the decisions
back (`dtks review apply`), and the web desk shows the same rows (`doubtful_rows`). The sheet
and column names here are the contract between them. PERLU KEPUTUSAN puts each
perlu_verifikasi row beside its DTKS candidate with the evidence, with the decisions in force
filled in and STATUS KEPUTUSAN saying which were carried from an earlier finalisation and why
others were dropped; one sheet per other outcome follows, and KEPUTUSAN GUGUR lists every
dropped decision.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines import vocabulary, xlsx, xlsx_stream
from pipelines.outcomes import Outcome
from pipelines.store import Store
from pipelines.xlsx_stream import HEADER_FILL, StreamWorkbook, Style

SHEET = "PERLU KEPUTUSAN"
DROPPED_SHEET = "KEPUTUSAN GUGUR"
STATUS = "STATUS KEPUTUSAN"
# a supervisor's TOLAK is its own outcome, never counted as a validation failure
DECISIONS = {"BARU": Outcome.USULAN_BARU, "SAMA": Outcome.TERDAFTAR,
             "PERBAIKAN": Outcome.PERBAIKAN, "TOLAK": Outcome.DITOLAK_SUPERVISOR}  # fmt: skip
NEEDS_CANDIDATE = {"SAMA", "PERBAIKAN"}
# header -> (source, column); source 'row' is the prelist row, 'cand' the DTKS candidate
COLUMNS = [
    ("KUNCI", "row", "row_key"), ("BERKAS", "row", "source_file"), ("SHEET", "row", "source_sheet"),
    ("BARIS", "row", "source_row"), ("NIK", "row", "nik"), ("NO KK", "row", "no_kk"),
    ("NAMA", "row", "nama"), ("TANGGAL LAHIR", "row", "tanggal_lahir"),
    ("JK", "row", "jenis_kelamin"), ("NAMA IBU KANDUNG", "row", "nama_ibu_kandung"),
    ("ID DTKS KANDIDAT", "row", "matched_id_dtks"), ("NIK KANDIDAT", "cand", "nik"),
    ("NO KK KANDIDAT", "cand", "no_kk"), ("NAMA KANDIDAT", "cand", "nama"),
    ("TANGGAL LAHIR KANDIDAT", "cand", "tanggal_lahir"),
    ("NAMA IBU KANDIDAT", "cand", "nama_ibu_kandung"),
    ("DESIL", "row", "desil"),  # the row's No KK in the current DTSEN version (issue 17)
    ("SKOR", "row", "match_score"),
    ("BUKTI", "row", "reasons"),
]  # fmt: skip
KEYS = ["KUNCI", "NIK", "ID DTKS KANDIDAT"]  # refused when edited
TEXT = {"KUNCI", "NIK", "NO KK", "ID DTKS KANDIDAT", "NIK KANDIDAT", "NO KK KANDIDAT"}
EDIT_FILL = "FFF2CC"  # the cells the supervisor fills in


def candidates(store: Store, ids: list[str]) -> pd.DataFrame:
    """Current DTKS rows of the candidate IDs, indexed by id_dtks."""
    if not ids:
        return pd.DataFrame(columns=["nik", "no_kk", "nama", "tanggal_lahir", "nama_ibu_kandung"])
    return store.df(
        "SELECT id_dtks, nik, no_kk, nama, tanggal_lahir, nama_ibu_kandung FROM dtks_current "
        "WHERE list_contains(?, id_dtks)",
        [ids],
    ).set_index("id_dtks")


def desil_of(store: Store, kks: pd.Series) -> dict[str, int]:
    """No KK -> national desil in the current DTSEN version (families without one left out)."""
    wanted = sorted({k for k in kks.dropna()})
    if not wanted:
        return {}
    rows = store.execute(
        "SELECT no_kk, desil_nasional FROM dtsen_current "
        "WHERE desil_nasional IS NOT NULL AND list_contains(?, no_kk)",
        [wanted],
    ).fetchall()
    return {k: int(d) for k, d in rows}


def write_workbook(store: Store, period: str, final: pd.DataFrame, path: Path) -> Path:
    """The review workbook: doubtful rows with candidates first, every final outcome after.

    `final` is prelist_final: the doubtful rows are those the flow found doubtful, with the
    decision in force filled in; the other sheets list rows by final outcome. Streamed
    (xlsx_stream): the outcome sheets list every row of the month.
    """
    from pipelines.stable import period_time

    wb = xlsx.new_workbook()
    _decision_sheet(wb, store, period, final)
    cols = ["row_id", "source_file", "source_row", "nik", "nama", "matched_id_dtks", "reasons"]
    for outcome in Outcome:
        if outcome == Outcome.PERLU_VERIFIKASI:
            continue
        part = final[final["outcome"] == outcome].sort_values("row_id")
        sh = wb.new_sheet(outcome.label[:31], freeze="A2")
        extra = ["PERUBAHAN (LAMA -> BARU)"] if outcome == Outcome.PERBAIKAN else []
        wb.write_row(
            sh,
            ["ROW_ID", "BERKAS", "BARIS", "NIK", "NAMA", "ID DTKS", "KETERANGAN", *extra],
            styles=[_HEAD] * (len(cols) + len(extra)),
        )
        columns = [part[c].tolist() for c in cols]
        if extra:
            changes = _changes(store, part)
            columns.append([changes.get(i, "") for i in part["row_id"].tolist()])
        keys = [*cols, *(["perubahan"] if extra else [])]
        wb.write_columns(sh, columns, keys, xlsx.TEXT_COLUMNS)
    _dropped_sheet(wb, store, period)
    return xlsx.save(wb, path, period_time(period))


_HEAD = Style(bold=True, fill=HEADER_FILL)  # the header look (not wrapped)
_EDIT = Style(fill=EDIT_FILL, unlocked=True)  # KEPUTUSAN and ALASAN: to be filled in
_AS_TEXT = Style(number_format="@")  # identifiers, and what is typed there, stay text


def _decision_sheet(wb: StreamWorkbook, store: Store, period: str, final: pd.DataFrame) -> None:
    """PERLU KEPUTUSAN: each doubtful row beside its first DTKS candidate, the decision in
    force in the yellow, unlocked KEPUTUSAN / ALASAN cells (a drop-down list on KEPUTUSAN)."""
    flagged = final[final["flow_outcome"] == Outcome.PERLU_VERIFIKASI].sort_values("row_id")
    doubt = _with_evidence(store, period, flagged)
    doubt = doubt.assign(desil=doubt["no_kk"].map(desil_of(store, doubt["no_kk"])).astype("Int64"))
    ids = sorted({i for v in doubt["matched_id_dtks"].dropna() for i in str(v).split(",")})
    cand = candidates(store, ids)
    status = _status(store, period, doubt)
    headers = [h for h, _, _ in COLUMNS] + ["KEPUTUSAN", "ALASAN", STATUS]
    widths = {i: 60 if h in ("BUKTI", STATUS) else 18 for i, h in enumerate(headers, start=1)}
    ws = wb.new_sheet(SHEET, widths=widths, freeze="B3")
    wb.write_row(
        ws,
        [
            f"TELAAH SUPERVISOR PERIODE {period}: isi KEPUTUSAN (BARU / SAMA / PERBAIKAN / "
            "TOLAK) dan ALASAN; jangan ubah kolom lain."
        ],
    )
    wb.write_row(ws, headers, styles=[_HEAD] * len(headers))
    looks = [_AS_TEXT if h in TEXT else None for h, _, _ in COLUMNS] + [_EDIT, _EDIT, None]
    text = [h in TEXT for h in headers]
    first = doubt["matched_id_dtks"].map(
        lambda v: str(v).split(",")[0] if isinstance(v, str) and v else None
    )
    found = first.isin(cand.index)
    columns = []
    for h, src, col in COLUMNS:
        if src == "row":
            values = doubt[col].astype(object)
        else:  # the first candidate's value, by its ID DTKS
            values = first.map(cand[col]).where(found, None).astype(object)
        values = values.where(values.notna(), None)
        if h in TEXT:
            values = values.map(str, na_action="ignore")
        columns.append(values.tolist())
    columns += [
        [_blank(v) for v in doubt["keputusan"].tolist()],
        [_blank(v) for v in doubt["alasan"].tolist()],
        [status.get(k, "") for k in doubt["row_key"].tolist()],
    ]
    n = 2
    for row in zip(*columns, strict=True):
        n = wb.write_row(ws, row, styles=looks, text=text)
    if n >= 3:
        dec = xlsx_stream.LETTERS[len(headers) - 3]  # KEPUTUSAN
        ws.validate_list(
            f"{dec}3:{dec}{n}",
            list(DECISIONS),
            "Keputusan tidak dikenal",
            "Pilih BARU, SAMA, PERBAIKAN atau TOLAK.",
        )


def doubtful_rows(store: Store, period: str) -> pd.DataFrame:
    """The PERLU KEPUTUSAN sheet's rows as a frame (the web desk shows them).

    Each doubtful row with its first DTKS candidate (columns `cand_*`), the evidence, the
    decision in force (keputusan, alasan, petugas) and its STATUS KEPUTUSAN text (`status`).
    """
    doubt = store.df(
        "SELECT * FROM prelist_final WHERE period = ? AND flow_outcome = 'perlu_verifikasi' "
        "ORDER BY row_id",
        [period],
    )
    doubt = _with_evidence(store, period, doubt)
    ids = sorted({i for v in doubt["matched_id_dtks"].dropna() for i in str(v).split(",")})
    cand = candidates(store, ids)
    first = doubt["matched_id_dtks"].map(
        lambda v: str(v).split(",")[0] if isinstance(v, str) and v else None
    )
    for col in ["nik", "no_kk", "nama", "tanggal_lahir", "nama_ibu_kandung"]:
        doubt[f"cand_{col}"] = first.map(
            lambda i, col=col: cand.at[i, col] if i is not None and i in cand.index else None
        )
    status = _status(store, period, doubt)
    doubt["status"] = doubt["row_key"].map(lambda k: status.get(k, ""))
    return doubt


def _with_evidence(store: Store, period: str, doubt: pd.DataFrame) -> pd.DataFrame:
    """Doubtful rows with `reasons` as the flow found them (the BUKTI), not the decision text
    prelist_final puts there once a supervisor has decided (KEPUTUSAN/ALASAN show that)."""
    flow = store.df(
        "SELECT row_id, reasons FROM prelist_outcome WHERE period = ? AND outcome = ?",
        [period, Outcome.PERLU_VERIFIKASI.value],
    ).set_index("row_id")["reasons"]
    return doubt.assign(reasons=vocabulary.say_column(doubt["row_id"].map(flow)))


def _blank(v):
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def _when(v) -> str:
    return pd.Timestamp(v).strftime("%d-%m-%Y %H:%M")


def _status(store: Store, period: str, doubt: pd.DataFrame) -> dict[str, str]:
    """row_key -> what happened to its decision: carried, decided now, or an earlier one dropped."""
    from pipelines.identity import person_ref

    run = store.one("SELECT max(finished_at) FROM finalisation_run WHERE period = ?", [period])
    ran = run[0] if run else None
    out: dict[str, str] = {}
    for r in doubt.itertuples(index=False):
        if pd.notna(r.keputusan):
            carried = ran is not None and pd.Timestamp(r.applied_at) < pd.Timestamp(ran)
            out[r.row_key] = (
                f"Dibawa dari finalisasi sebelumnya: diputus {r.petugas} {_when(r.applied_at)}"
                if carried
                else f"Diputus {r.petugas} {_when(r.applied_at)}"
            )
    drops = store.df(
        "SELECT * FROM review_decision_drop WHERE period = ? AND dropped_at = ?", [period, ran]
    )
    by_person = {
        person_ref(d.nik, d.nama, d.tanggal_lahir, d.folder_kode): d
        for d in drops.itertuples(index=False)
    }
    for r in doubt.itertuples(index=False):
        d = by_person.get(person_ref(r.nik, r.nama, r.tanggal_lahir, r.folder_kode))
        if d is not None and r.row_key not in out:
            out[r.row_key] = (
                f"Keputusan lama ({d.keputusan}, {d.petugas}) gugur: {d.alasan}. Putuskan lagi."
            )
    return out


def _dropped_sheet(wb: StreamWorkbook, store: Store, period: str) -> None:
    """Every decision a later finalisation dropped, newest first, with why."""
    widths = [18, 12, 18, 36, 12, 8, 20, 28, 60]
    sh = wb.new_sheet(DROPPED_SHEET, widths=dict(enumerate(widths, start=1)))
    wb.write_row(sh,
        ["DIGUGURKAN PADA", "KEPUTUSAN", "PETUGAS", "BERKAS", "SHEET", "BARIS", "NIK", "NAMA",
         "ALASAN GUGUR"], styles=[_HEAD] * 9,
    )  # fmt: skip
    drops = store.df(
        "SELECT dropped_at, keputusan, petugas, source_file, source_sheet, source_row, nik, "
        "nama, alasan FROM review_decision_drop WHERE period = ? "
        "ORDER BY dropped_at DESC, source_file, source_row",
        [period],
    )
    text, looks = [False] * 6 + [True], [None] * 6 + [_AS_TEXT]  # NIK: a text cell, even empty
    for r in drops.itertuples(index=False):
        wb.write_row(sh, [_when(r[0]), *[_blank(v) for v in r[1:]]], styles=looks, text=text)


def _changes(store: Store, part: pd.DataFrame) -> dict[int, str]:
    """row_id -> 'FIELD: old -> new; ...' for corrections: old values stay in this file only."""
    from pipelines.dedup.store_match import COMPARED, norm_values
    from pipelines.reasons import LABELS

    ids = part["matched_id_dtks"].dropna().astype(str).tolist()
    if not ids:
        return {}
    old = store.df(
        f"SELECT id_dtks, {', '.join(COMPARED)} FROM dtks_current WHERE list_contains(?, id_dtks)",
        [ids],
    ).set_index("id_dtks")
    mine = part.set_index("row_id")
    mine = mine[mine["matched_id_dtks"].isin(old.index)]
    theirs = old.loc[mine["matched_id_dtks"]].set_axis(mine.index)
    out: dict[int, list[str]] = {}
    for f in COMPARED:
        a, b = norm_values(mine[f]), norm_values(theirs[f])
        for row_id in mine.index[(a != "") & (a != b)]:
            out.setdefault(row_id, []).append(f"{LABELS[f]}: {b[row_id] or '-'} -> {a[row_id]}")
    return {k: "; ".join(v) for k, v in out.items()}
