"""Per kelurahan, a workbook of the rejected rows as the operator sent them, to fix and resend.

Each source sheet becomes a sheet with the original header cells in their original order,
the rows as typed, the faulty cells filled red, and HASIL / ALASAN columns; a first sheet
sums up the kelurahan's outcomes and says what to do.

The sheet is as wide as the table (up to its last header cell); what a returned row holds to
the right of it is listed, as 'KOLOM XFD: value', in one ISI DI LUAR TABEL column, so a stray
cell far right never makes a workbook wider than Excel allows and nothing typed is hidden.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines import wilayah, xlsx
from pipelines.errors import FileProblem
from pipelines.ingest.discover import limits_of
from pipelines.ingest.layout import find_table
from pipelines.ingest.read import EXCEL_MAX_COLS, column_letter, read_grids
from pipelines.normalize.values import is_missing
from pipelines.outcomes import RETURNED, Outcome
from pipelines.outcomes import label as outcome_label
from pipelines.settings import Limits
from pipelines.xlsx_stream import HEADER_FILL, StreamWorkbook, Style

BAD = Style(fill="F4B6B6")  # a faulty cell, red
_TITLE = Style(bold=True, size=12)
_HEAD = Style(bold=True, fill=HEADER_FILL)
_HEAD_WRAPPED = Style(bold=True, fill=HEADER_FILL, wrap=True)
_AS_TEXT = Style(number_format="@")


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
    from pipelines.stable import period_time

    written = []
    returned = outcomes[outcomes["outcome"].isin(RETURNED)]
    counts = outcomes.groupby(["folder_kode", "outcome"], observed=True).size()
    for kode, rows in returned.groupby("folder_kode", sort=True):
        wb = xlsx.new_workbook()
        _summary_sheet(wb, kode, period, counts.loc[kode])
        for (file, sheet), part in rows.groupby(["source_file", "source_sheet"], sort=True):
            same = unchanged is None or file in unchanged
            _rows_sheet(
                wb, raw_dir / file, file, sheet, part.sort_values("source_row"), same, raw_dir
            )
        path = out_dir / f"{kode}_{period}_penolakan.xlsx"  # streamed (xlsx_stream)
        xlsx.save(wb, path, period_time(period))
        written.append(path)
    return written


def _summary_sheet(wb: StreamWorkbook, kode: str, period: str, counts: pd.Series) -> None:
    """Ringkasan: the kelurahan's rows per outcome (`counts`, by outcome value) and what to do."""
    ws = wb.new_sheet("Ringkasan", widths={1: 40, 2: 14})
    name = wilayah.load().name(kode)
    wb.write_row(ws, [f"HASIL PEMERIKSAAN PRELIST PERIODE {period}"], styles=[_TITLE])
    wb.write_row(ws, [f"Kelurahan/Desa: {name} ({wilayah.dotted(kode)})"])
    wb.write_row(ws, [])
    wb.write_row(ws, ["HASIL", "JUMLAH BARIS"], styles=[_HEAD, _HEAD])
    for o in Outcome:
        wb.write_row(ws, [o.label, int(counts.get(o.value, 0))])
    wb.write_row(ws, ["Jumlah", int(counts.sum())])
    wb.write_row(ws, [])
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
        wb.write_row(ws, [line])


def _cell_value(v: Any) -> Any:
    """A cell as sent; whole numbers of 11+ digits become text so no digit is lost again."""
    if isinstance(v, float) and v.is_integer() and abs(v) >= 1e10:
        return str(int(v))
    if isinstance(v, int) and abs(v) >= 10**10:
        return str(v)
    return v


def _rows_sheet(
    wb: StreamWorkbook,
    path: Path,
    rel: str,
    sheet: str,
    part: pd.DataFrame,
    same: bool = True,
    raw_dir: Path | None = None,
) -> None:
    title = re.sub(r"[\[\]:*?/\\]", "_", sheet or Path(rel).stem)[:31]
    title = title if title not in wb.sheetnames else f"{title[:28]}_{len(wb.sheetnames)}"
    table = None
    try:
        if same:
            # the file is the one this finalisation read (same SHA-256), whose every sheet was
            # scanned cell by cell then: its sheets' declared sizes are checked again, not
            # scanned again (a third of the re-reading at province scale)
            limits = replace(limits_of(raw_dir) if raw_dir else Limits(), pindai_sheet_mb=0)
            grids = read_grids(path, rel, limits)
            grid = next(g for g in grids if g.sheet == sheet)
            table = find_table(grid)
    except (FileProblem, StopIteration):
        table = None
    berkas = f"Berkas: {rel}" + (f", sheet: {sheet}" if sheet else "")
    if table is None:  # the file changed since the run: fall back to the normalised values
        ws = wb.new_sheet(title)
        wb.write_row(ws, [berkas])
        wb.write_row(
            ws,
            [
                "Berkas asli sudah berubah sejak finalisasi atau tidak dapat dibaca ulang; "
                "nilai di bawah adalah hasil normalisasi."
            ],
        )
        cols = ["source_row", "nik", "no_kk", "nama", "tanggal_lahir", "outcome", "reasons"]
        wb.write_row(ws, ["BARIS ASLI", "NIK", "NO KK", "NAMA", "TANGGAL LAHIR", "HASIL", "ALASAN"])
        looks = [None, _AS_TEXT, _AS_TEXT]  # NIK and NO KK: text cells, even empty
        for r in part[cols].itertuples(index=False):
            cells = [None if (not isinstance(v, str) and pd.isna(v)) else v for v in r]
            cells[5] = outcome_label(cells[5])
            wb.write_row(ws, cells, styles=looks, text=[False, True, True])
        return
    header_row = grid.rows[table.header_index]
    named = [i for i, h in enumerate(header_row) if not is_missing(h)]
    # the table: through its last header cell; never so wide that the added columns fall
    # beyond Excel's last column
    width = min(max([*named, *table.columns]) + 1, EXCEL_MAX_COLS - 4)
    rows = {r: list(grid.rows[r - grid.first_row]) for r in part["source_row"]}
    outside = {r: _outside(cells, width) for r, cells in rows.items()}
    extra = ["ISI DI LUAR TABEL"] if any(outside.values()) else []
    widths = {i: 18.0 for i in range(1, width + 1)}
    widths.update({width + 3: 80} | ({width + 4: 60} if extra else {}))  # ALASAN, outside
    ws = wb.new_sheet(title, widths=widths, freeze="A3")
    wb.write_row(ws, [berkas])
    headers = [
        *(table.headers[:width] + [""] * (width - len(table.headers[:width]))),
        "BARIS ASLI",
        "HASIL",
        "ALASAN",
        *extra,
    ]
    wb.write_row(
        ws,
        [None if h in ("None", "") else h for h in headers],
        styles=[_HEAD_WRAPPED] * len(headers),
    )
    where = {canon: idx for idx, canon in table.columns.items()}
    for r in part[["source_row", "outcome", "reasons", "problem_columns"]].itertuples(index=False):
        raw = rows[r.source_row][:width]
        raw += [None] * (width - len(raw))
        label = Outcome(r.outcome).label  # type: ignore[call-arg]  # lookup by value
        tail = [outside[r.source_row] or None] if extra else []
        cells = [_cell_value(v) for v in raw]
        # identifiers typed as text (or too long as numbers) stay text cells; dates get the
        # date format (write_row)
        text = [isinstance(v, str) and v.isdigit() and len(v) >= 10 for v in cells]
        bad = {where[c] for c in str(r.problem_columns or "").split(",") if c in where}
        looks = [BAD if i in bad else None for i in range(width)] if bad else None
        wb.write_row(ws, [*cells, r.source_row, label, r.reasons, *tail], styles=looks, text=text)


def _outside(cells: list, width: int) -> str:
    """'KOLOM XFD: value; ...' for the cells of a row right of the table."""
    return "; ".join(
        f"KOLOM {column_letter(i + 1)}: {_cell_value(v)}"
        for i, v in enumerate(cells[width:], start=width)
        if not is_missing(v)
    )
