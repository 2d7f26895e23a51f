"""Write tables to xlsx that open cleanly in Excel: NIK and KK as text cells, always.

openpyxl corrupts integers above 2^53 (STACK.md) and Excel shows a 16-digit number in
scientific notation, so identifier columns are written as strings with the Text format.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "to_pydatetime"):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date()
    return v


def add_sheet(
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    keys: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] | None = None,
    preamble: Sequence[str] = (),
) -> None:
    """Append a sheet to a write-only workbook: preamble lines, a bold header, the rows."""
    ws = wb.create_sheet(title=title[:31])
    for i, key in enumerate(keys, start=1):
        width = widths[i - 1] if widths else (20 if key in TEXT_COLUMNS else 16)
        ws.column_dimensions[get_column_letter(i)].width = width
    for line in preamble:
        c = WriteOnlyCell(ws, value=line)
        c.font = Font(bold=True)
        ws.append([c])
    if preamble:
        ws.append([])
    ws.freeze_panes = f"A{len(preamble) + (2 if preamble else 1) + 1}"
    head = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top")
        head.append(c)
    ws.append(head)
    text_idx = {i for i, k in enumerate(keys) if k in TEXT_COLUMNS}
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            v = _value(v)
            if i in text_idx and v is not None:
                c = WriteOnlyCell(ws, value=str(v))
                c.number_format = "@"
            else:
                c = WriteOnlyCell(ws, value=v)
                if isinstance(v, dt.date):
                    c.number_format = "DD-MM-YYYY"
            cells.append(c)
        ws.append(cells)


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def save(wb: Workbook, path: Path, when: dt.datetime | None = None) -> None:
    """Save byte-stably: the same content (and `when`) gives the same bytes (stable.py)."""
    from pipelines.stable import save_workbook

    save_workbook(wb, path, when)
