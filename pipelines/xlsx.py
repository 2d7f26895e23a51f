"""Write tables to xlsx that open cleanly in Excel: NIK and KK as text cells, always.

openpyxl corrupts integers above 2^53 (NIKs of provinces 91-94 among them) and Excel shows a 16-digit number in
scientific notation, so identifier columns are written as strings with the Text format.
Every text goes through the output sanitiser (pipelines.sanitize): control characters
replaced, and always a string cell, never a formula, whatever it starts with. Workbooks built
with openpyxl's normal (not write-only) mode are swept by `save`; write-only sheets by
`add_sheet`. Every workbook the pipeline writes is saved through `save`.

The write-only path (`new_workbook`, `add_sheet`, `save`) streams the sheet XML itself
(pipelines.xlsx_stream, several times faster than openpyxl's write-only mode at the same cell
semantics); `add_sheet` still takes an openpyxl write-only workbook (`add_sheet_openpyxl`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pipelines.sanitize import clean
from pipelines.xlsx_stream import StreamWorkbook

TEXT_COLUMNS = {
    "nik",
    "no_kk",
    "id_dtks",
    "matched_id_dtks",
    "kode_wilayah",
    "folder_kode",
    "rt",
    "rw",
}
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _value(v: Any) -> Any:
    if v is None or v is getattr(__import__("pandas"), "NA", None):
        return None
    if v is getattr(__import__("pandas"), "NaT", None):  # a date the file did not give
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "to_pydatetime"):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date()
    if isinstance(v, str):
        return clean(v)
    return v


def _text_cell(ws, v: str) -> WriteOnlyCell:
    c = WriteOnlyCell(ws, value=clean(v))
    c.data_type = "s"  # openpyxl makes any '=...' a formula cell
    return c


def add_sheet(
    wb: StreamWorkbook | Workbook,
    title: str,
    headers: Sequence[str],
    keys: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float] | None = None,
    preamble: Sequence[str] = (),
) -> None:
    """Append a sheet to a write-only workbook: preamble lines (bold), a bold header on the
    light blue fill, the rows; panes frozen below the header; identifier columns (TEXT_COLUMNS)
    as text."""
    if isinstance(wb, StreamWorkbook):
        wb.add_sheet(title, headers, keys, rows, widths, preamble, TEXT_COLUMNS)
    else:
        add_sheet_openpyxl(wb, title, headers, keys, rows, widths, preamble)


def add_sheet_openpyxl(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    keys: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[float] | None = None,
    preamble: Sequence[str] = (),
) -> None:
    """add_sheet through openpyxl's write-only mode, one cell object per value (the path
    before xlsx_stream; the reference its tests and benchmark compare with)."""
    ws = wb.create_sheet(title=title[:31])
    for i, key in enumerate(keys, start=1):
        width = widths[i - 1] if widths else (20 if key in TEXT_COLUMNS else 16)
        ws.column_dimensions[get_column_letter(i)].width = width
    for line in preamble:
        c = _text_cell(ws, line)
        c.font = Font(bold=True)
        ws.append([c])
    if preamble:
        ws.append([])
    ws.freeze_panes = f"A{len(preamble) + (2 if preamble else 1) + 1}"
    head = [_text_cell(ws, str(h)) for h in headers]
    style_header(head, wrap=True)
    ws.append(head)
    text_idx = {i for i, k in enumerate(keys) if k in TEXT_COLUMNS}
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            v = _value(v)
            if i in text_idx and v is not None:
                c = _text_cell(ws, str(v))
                c.number_format = "@"
            elif isinstance(v, str):
                c = _text_cell(ws, v)
            else:
                c = WriteOnlyCell(ws, value=v)
                if isinstance(v, dt.date):
                    c.number_format = "DD-MM-YYYY"
            cells.append(c)
        ws.append(cells)


def as_text(cell: Cell) -> None:
    """The text-cell rule for identifiers (NIK, KK, ID DTKS, region codes) in a normal-mode
    sheet: a string cell with Excel's Text format, so Excel neither rounds the number nor shows
    it in scientific notation, and what the operator types there stays text."""
    if cell.value is not None:
        if not isinstance(cell.value, str):
            cell.value = str(cell.value)
        cell.data_type = "s"
    cell.number_format = "@"


def style_header(cells: Iterable[Cell], wrap: bool = False) -> None:
    """The header look of every workbook: bold on the light blue fill; wrapped text when the
    headers are long."""
    for c in cells:
        c.font, c.fill = Font(bold=True), HEADER_FILL
        if wrap:
            c.alignment = Alignment(wrap_text=True, vertical="top")


def style_title(cell: Cell) -> None:
    """A workbook's title line."""
    cell.font = Font(bold=True, size=12)


def set_widths(ws, widths: Iterable[float], first: int = 1) -> None:
    """Column widths, from column `first` (1 = A) on."""
    for i, width in enumerate(widths, start=first):
        ws.column_dimensions[get_column_letter(i)].width = width


def new_workbook() -> StreamWorkbook:
    """A write-only workbook for add_sheet and save."""
    return StreamWorkbook()


def new_openpyxl_workbook() -> Workbook:
    """An openpyxl write-only workbook (add_sheet_openpyxl's)."""
    return Workbook(write_only=True)


def append(ws, values: Iterable[Any]) -> None:
    """ws.append for a normal-mode sheet, every text cleaned and made a string cell (openpyxl
    raises on a control character and makes '=...' a formula)."""
    cells = []
    for v in values:
        if isinstance(v, str):
            c = Cell(ws, value=clean(v))
            c.data_type = "s"
            v = c
        cells.append(v)
    ws.append(cells)


def sanitise(wb: Workbook) -> None:
    """Every formula cell of a normal-mode workbook made a string cell (text set with
    `cell.value = ...` rather than `append`); openpyxl itself refuses control characters."""
    for ws in wb.worksheets:
        for c in ws._cells.values():  # the cells that exist; iter_rows would create the rest
            if c.data_type == "f":
                c.data_type = "s"


def save(wb: StreamWorkbook | Workbook, path: Path, when: dt.datetime | None = None) -> Path:
    """Save byte-stably (the same content and `when` give the same bytes, stable.py), every
    formula cell of a normal-mode workbook made a string cell first (write-only sheets were
    sanitised by add_sheet)."""
    from pipelines.stable import save_workbook

    if isinstance(wb, StreamWorkbook):
        return wb.save(path, when)
    if not wb.write_only:
        sanitise(wb)
    return save_workbook(wb, path, when)
