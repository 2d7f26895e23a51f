"""The supervisor's review round trip: a workbook of doubtful rows out, decisions back in.

The PERLU KEPUTUSAN sheet puts each perlu_verifikasi row beside its DTKS candidate with the
evidence; the supervisor fills KEPUTUSAN (BARU / SAMA / PERBAIKAN / TOLAK) and ALASAN.
`apply` reads it back, refuses unknown decisions and edited key cells naming sheet and row,
and records every change (who, when, what, from which file) in review_decision.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from pipelines.errors import DtksError
from pipelines.report.summary import OUTCOME_LABELS
from pipelines.store import Store

SHEET = "PERLU KEPUTUSAN"
DECISIONS = {"BARU": "usulan_baru", "SAMA": "terdaftar", "PERBAIKAN": "perbaikan",
             "TOLAK": "ditolak_validasi"}  # fmt: skip
NEEDS_CANDIDATE = {"SAMA", "PERBAIKAN"}
# header -> (source, column); source 'row' is the prelist row, 'cand' the DTKS candidate
COLUMNS = [
    ("ROW_ID", "row", "row_id"), ("BERKAS", "row", "source_file"), ("SHEET", "row", "source_sheet"),
    ("BARIS", "row", "source_row"), ("NIK", "row", "nik"), ("NO KK", "row", "no_kk"),
    ("NAMA", "row", "nama"), ("TANGGAL LAHIR", "row", "tanggal_lahir"),
    ("JK", "row", "jenis_kelamin"), ("NAMA IBU KANDUNG", "row", "nama_ibu_kandung"),
    ("ID DTKS KANDIDAT", "row", "matched_id_dtks"), ("NIK KANDIDAT", "cand", "nik"),
    ("NO KK KANDIDAT", "cand", "no_kk"), ("NAMA KANDIDAT", "cand", "nama"),
    ("TANGGAL LAHIR KANDIDAT", "cand", "tanggal_lahir"),
    ("NAMA IBU KANDIDAT", "cand", "nama_ibu_kandung"), ("SKOR", "row", "match_score"),
    ("BUKTI", "row", "reasons"),
]  # fmt: skip
KEYS = ["ROW_ID", "NIK", "ID DTKS KANDIDAT"]  # refused when edited
TEXT = {"NIK", "NO KK", "ID DTKS KANDIDAT", "NIK KANDIDAT", "NO KK KANDIDAT"}
EDIT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


class ReviewRefused(DtksError):
    "A review workbook holds unknown decisions or edited key cells; nothing was applied."


@dataclass
class Applied:
    """What applying a review workbook did, in counts."""

    applied: int
    unchanged: int
    undecided: int


def candidates(store: Store, ids: list[str]) -> pd.DataFrame:
    """Current DTKS rows of the candidate IDs, indexed by id_dtks."""
    if not ids:
        return pd.DataFrame(columns=["nik", "no_kk", "nama", "tanggal_lahir", "nama_ibu_kandung"])
    return store.df(
        "SELECT id_dtks, nik, no_kk, nama, tanggal_lahir, nama_ibu_kandung FROM dtks_current "
        "WHERE list_contains(?, id_dtks)",
        [ids],
    ).set_index("id_dtks")


def write_workbook(store: Store, period: str, outcomes: pd.DataFrame, path: Path) -> Path:
    """The review workbook: doubtful rows with candidates first, every other outcome after."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    doubt = outcomes[outcomes["outcome"] == "perlu_verifikasi"].sort_values("row_id")
    ids = sorted({i for v in doubt["matched_id_dtks"].dropna() for i in str(v).split(",")})
    cand = candidates(store, ids)
    headers = [h for h, _, _ in COLUMNS] + ["KEPUTUSAN", "ALASAN"]
    ws.append(
        [
            f"TELAAH SUPERVISOR PERIODE {period}: isi KEPUTUSAN (BARU / SAMA / PERBAIKAN / "
            "TOLAK) dan ALASAN; jangan ubah kolom lain."
        ]
    )
    ws.append(headers)
    for c in ws[2]:
        c.font, c.fill = Font(bold=True), HEAD_FILL
    for r in doubt.itertuples(index=False):
        first_id = str(r.matched_id_dtks).split(",")[0] if pd.notna(r.matched_id_dtks) else None
        c = cand.loc[first_id] if first_id in cand.index else None
        row = []
        for _, src, col in COLUMNS:
            v = getattr(r, col) if src == "row" else (c[col] if c is not None else None)
            row.append(None if v is None or (not isinstance(v, str) and pd.isna(v)) else v)
        ws.append(
            [
                *(
                    str(v) if h in TEXT and v is not None else v
                    for h, v in zip(headers, row, strict=False)
                ),
                None,
                None,
            ]
        )
    n = ws.max_row
    dv = DataValidation(
        type="list",
        formula1='"BARU,SAMA,PERBAIKAN,TOLAK"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Keputusan tidak dikenal",
        error="Pilih BARU, SAMA, PERBAIKAN atau TOLAK.",
    )
    ws.add_data_validation(dv)
    dec_col, why_col = len(headers) - 1, len(headers)
    if n >= 3:
        dv.add(f"{_col(dec_col)}3:{_col(dec_col)}{n}")
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if cell.column in (dec_col, why_col):
                cell.fill, cell.protection = EDIT_FILL, Protection(locked=False)
            elif headers[cell.column - 1] in TEXT:
                cell.number_format = "@"
    ws.freeze_panes = "B3"
    for i, h in enumerate(headers, 1):
        ws.column_dimensions[_col(i)].width = 60 if h == "BUKTI" else 18
    for outcome, label in OUTCOME_LABELS.items():
        if outcome == "perlu_verifikasi":
            continue
        part = outcomes[outcomes["outcome"] == outcome].sort_values("row_id")
        sh = wb.create_sheet(label[:31])
        cols = ["row_id", "source_file", "source_row", "nik", "nama", "matched_id_dtks", "reasons"]
        extra = ["PERUBAHAN (LAMA -> BARU)"] if outcome == "perbaikan" else []
        sh.append(["ROW_ID", "BERKAS", "BARIS", "NIK", "NAMA", "ID DTKS", "KETERANGAN", *extra])
        for c in sh[1]:
            c.font, c.fill = Font(bold=True), HEAD_FILL
        changes = _changes(store, part) if extra else {}
        for r in part[cols].itertuples(index=False):
            cells = [None if (not isinstance(v, str) and pd.isna(v)) else v for v in r]
            sh.append(cells + ([changes.get(r.row_id, "")] if extra else []))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


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


def _col(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def read_decisions(path: Path) -> pd.DataFrame:
    """Rows of the PERLU KEPUTUSAN sheet with their Excel row numbers; refuses a wrong sheet."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ReviewRefused(f"{path.name} tidak dapat dibuka sebagai workbook Excel.") from exc
    if SHEET not in wb.sheetnames:
        raise ReviewRefused(
            f"{path.name} tidak memiliki sheet '{SHEET}'. Gunakan workbook "
            "telaah yang dibuat oleh dtks finalize."
        )
    rows = list(wb[SHEET].iter_rows(values_only=True))
    wb.close()
    headers = [_cell(h) for h in rows[1]] if len(rows) > 1 else []
    missing = [h for h in [*KEYS, "KEPUTUSAN", "ALASAN"] if h not in headers]
    if missing:
        raise ReviewRefused(f"{path.name} sheet '{SHEET}': kolom {', '.join(missing)} hilang.")
    out = []
    for n, row in enumerate(rows[2:], start=3):
        rec = {h: _cell(v) for h, v in zip(headers, row, strict=False)}
        if not any(rec.values()):
            continue
        rec["excel_row"] = n
        out.append(rec)
    return pd.DataFrame(out, columns=[*headers, "excel_row"])


def apply(store: Store, period: str, path: Path, petugas: str) -> Applied:
    """Check every row of the workbook, then record the decisions in one transaction."""
    if not petugas.strip():
        raise ReviewRefused("Isi nama petugas: --petugas NAMA.")
    got = read_decisions(path)
    stored = store.df(
        "SELECT row_id, nik, matched_id_dtks FROM prelist_outcome "
        "WHERE period = ? AND outcome = 'perlu_verifikasi'",
        [period],
    ).set_index("row_id")
    current = store.df(
        "SELECT row_id, keputusan, coalesce(alasan, '') AS alasan FROM prelist_final "
        "WHERE period = ? AND keputusan IS NOT NULL",
        [period],
    ).set_index("row_id")
    errors, todo = [], []
    for rec in got.to_dict("records"):
        where = f"sheet '{SHEET}' baris {rec['excel_row']}"
        try:
            row_id = int(rec["ROW_ID"])
        except ValueError:
            errors.append(f"{where}: ROW_ID diubah atau kosong.")
            continue
        if row_id not in stored.index:
            errors.append(
                f"{where}: ROW_ID {row_id} bukan baris perlu_verifikasi periode {period}."
            )
            continue
        s = stored.loc[row_id]
        if rec["NIK"] != _cell(s["nik"]) or rec["ID DTKS KANDIDAT"] != _cell(s["matched_id_dtks"]):
            errors.append(
                f"{where}: kolom kunci (NIK atau ID DTKS KANDIDAT) diubah; kembalikan "
                "isinya seperti semula."
            )
            continue
        decision = rec["KEPUTUSAN"].upper()
        if not decision:
            continue
        if decision not in DECISIONS:
            errors.append(
                f"{where}: KEPUTUSAN '{rec['KEPUTUSAN']}' tidak dikenal; isi BARU, SAMA, "
                "PERBAIKAN atau TOLAK."
            )
            continue
        if decision in NEEDS_CANDIDATE and not rec["ID DTKS KANDIDAT"]:
            errors.append(f"{where}: {decision} butuh kandidat DTKS, baris ini tidak punya.")
            continue
        if decision == "TOLAK" and not rec["ALASAN"]:
            errors.append(f"{where}: TOLAK wajib disertai ALASAN.")
            continue
        todo.append((row_id, decision, rec["ALASAN"]))
    if errors:
        raise ReviewRefused(
            f"{path.name} ditolak, tidak ada keputusan yang diterapkan:\n- " + "\n- ".join(errors)
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    now = dt.datetime.now()
    fresh = [
        t
        for t in todo
        if not (
            t[0] in current.index
            and current.loc[t[0], "keputusan"] == t[1]
            and current.loc[t[0], "alasan"] == t[2]
        )
    ]
    with store.transaction():
        for row_id, decision, why in fresh:
            store.run(
                "INSERT INTO review_decision VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    period,
                    row_id,
                    decision,
                    why or None,
                    DECISIONS[decision],
                    petugas.strip(),
                    now,
                    path.name,
                    digest,
                ],
            )
    return Applied(len(fresh), len(todo) - len(fresh), len(stored) - len(todo))
