"""Per kelurahan, a workbook of the rejected rows as the operator sent them, to fix and resend.

Each source sheet becomes a sheet with the original header cells in their original order,
the rows as typed, the faulty cells filled red, and HASIL / ALASAN columns; a first sheet
sums up the kelurahan's outcomes and says what to do.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from pipelines import wilayah
from pipelines.errors import FileProblem
from pipelines.ingest.layout import find_table
from pipelines.ingest.read import read_grids
from pipelines.report.summary import OUTCOME_LABELS

RETURNED = ("ditolak_validasi", "ditolak_musyawarah", "ditolak_supervisor")
BAD = PatternFill("solid", fgColor="F4B6B6")
HEAD = PatternFill("solid", fgColor="DDEBF7")


def write(
    outcomes: pd.DataFrame,
    raw_dir: Path,
    out_dir: Path,
    period: str,
    unchanged: set[str] | None = None,
) -> list[Path]:
    """One workbook per kelurahan with returned rows (final outcomes); the paths written.

    Rows are copied from the files as sent only for files in `unchanged` (still as the
    finalisation read them; None = all); a file changed since gets the normalised values.
    """
    from pipelines.stable import period_time, save_workbook

    written = []
    returned = outcomes[outcomes["outcome"].isin(RETURNED)]
    for kode, rows in returned.groupby("folder_kode", sort=True):
        wb = Workbook()
        _summary_sheet(wb.active, kode, period, outcomes[outcomes["folder_kode"] == kode])
        for (file, sheet), part in rows.groupby(["source_file", "source_sheet"], sort=True):
            same = unchanged is None or file in unchanged
            _rows_sheet(wb, raw_dir / file, file, sheet, part.sort_values("source_row"), same)
        path = out_dir / f"{kode}_{period}_penolakan.xlsx"
        save_workbook(wb, path, period_time(period))
        written.append(path)
    return written


def _summary_sheet(ws, kode: str, period: str, mine: pd.DataFrame) -> None:
    ws.title = "Ringkasan"
    name = wilayah.load().name(kode)
    ws.append([f"HASIL PEMERIKSAAN PRELIST PERIODE {period}"])
    ws["A1"].font = Font(bold=True, size=12)
    ws.append([f"Kelurahan/Desa: {name} ({wilayah.dotted(kode)})"])
    ws.append([])
    ws.append(["HASIL", "JUMLAH BARIS"])
    for c in ws[4]:
        c.font, c.fill = Font(bold=True), HEAD
    counts = mine["outcome"].value_counts()
    for key, label in OUTCOME_LABELS.items():
        ws.append([label, int(counts.get(key, 0))])
    ws.append(["Jumlah", len(mine)])
    ws.append([])
    for line in [
        "Cara memperbaiki:",
        "1. Buka sheet berikutnya: baris yang dikembalikan, sama seperti yang dikirim.",
        "2. Sel berwarna merah adalah sel yang salah; kolom ALASAN menjelaskan perbaikannya.",
        "3. Baris 'Ditolak Musyawarah' hanya dapat diusulkan lagi lewat musyawarah berikutnya.",
        "4. Baris 'Ditolak Supervisor' ditolak supervisor Dinas setelah diperiksa; alasannya "
        "di kolom ALASAN.",
        "5. Perbaiki pada berkas prelist kelurahan, lalu kirim ulang bersama berita acara.",
        "Ketik NIK dan NO KK sebagai teks (format sel Text), bukan angka.",
    ]:
        ws.append([line])
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 14


def _cell_value(v: Any) -> Any:
    """A cell as sent; whole numbers of 11+ digits become text so no digit is lost again."""
    if isinstance(v, float) and v.is_integer() and abs(v) >= 1e10:
        return str(int(v))
    if isinstance(v, int) and abs(v) >= 10**10:
        return str(v)
    return v


def _rows_sheet(
    wb: Workbook, path: Path, rel: str, sheet: str, part: pd.DataFrame, same: bool = True
) -> None:
    title = re.sub(r"[\[\]:*?/\\]", "_", sheet or Path(rel).stem)[:31]
    ws = wb.create_sheet(
        title if title not in wb.sheetnames else f"{title[:28]}_{len(wb.sheetnames)}"
    )
    ws.append([f"Berkas: {rel}" + (f", sheet: {sheet}" if sheet else "")])
    table = None
    try:
        if same:
            grids = read_grids(path, rel)
            grid = next(g for g in grids if g.sheet == sheet)
            table = find_table(grid)
    except (FileProblem, StopIteration):
        table = None
    if table is None:  # the file changed since the run: fall back to the normalised values
        ws.append(
            [
                "Berkas asli sudah berubah sejak finalisasi atau tidak dapat dibaca ulang; "
                "nilai di bawah adalah hasil normalisasi."
            ]
        )
        cols = ["source_row", "nik", "no_kk", "nama", "tanggal_lahir", "outcome", "reasons"]
        ws.append(["BARIS ASLI", "NIK", "NO KK", "NAMA", "TANGGAL LAHIR", "HASIL", "ALASAN"])
        for r in part[cols].itertuples(index=False):
            cells = [None if (not isinstance(v, str) and pd.isna(v)) else v for v in r]
            cells[5] = OUTCOME_LABELS.get(cells[5], cells[5])
            ws.append(cells)
            for i in (2, 3):
                ws.cell(ws.max_row, i).number_format = "@"
        return
    width = max(
        len(table.headers), *(len(grid.rows[r - grid.first_row]) for r in part["source_row"])
    )
    headers = [
        *(table.headers + [""] * (width - len(table.headers))),
        "BARIS ASLI",
        "HASIL",
        "ALASAN",
    ]
    ws.append([None if h in ("None", "") else h for h in headers])
    for c in ws[2]:
        c.font, c.fill = Font(bold=True), HEAD
        c.alignment = Alignment(wrap_text=True, vertical="top")
    where = {canon: idx for idx, canon in table.columns.items()}
    for r in part.itertuples(index=False):
        raw = list(grid.rows[r.source_row - grid.first_row])
        raw += [None] * (width - len(raw))
        label = OUTCOME_LABELS[r.outcome]
        ws.append([*(_cell_value(v) for v in raw), r.source_row, label, r.reasons])
        excel_row = ws.max_row
        for canon in str(r.problem_columns or "").split(","):
            if canon in where:
                ws.cell(excel_row, where[canon] + 1).fill = BAD
        for i, v in enumerate(raw, start=1):
            cell = ws.cell(excel_row, i)
            if isinstance(v, str) and v.isdigit() and len(v) >= 10:
                cell.number_format = "@"
            elif isinstance(v, dt.date):
                cell.number_format = "DD-MM-YYYY"
    ws.freeze_panes = "A3"
    ws.column_dimensions[_letter(width + 3)].width = 80
    for i in range(1, width + 1):
        ws.column_dimensions[_letter(i)].width = 18


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)
