"""Read a spreadsheet or CSV file into raw cell grids, one per sheet.

Excel (.xlsx, .xlsm, .xls, .ods) goes through python-calamine, about ten times faster than
openpyxl here (benchmarks/bench_read.py); CSV through the csv module with the delimiter and
encoding sniffed. Cells keep their types (str, float, date, datetime) so later stages can
tell a NIK typed as a number from one typed as text.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine as pc

from pipelines.errors import FileProblem

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
SUPPORTED = EXCEL_SUFFIXES | CSV_SUFFIXES


@dataclass
class Grid:
    """The cells of one sheet; rows[i] is spreadsheet row first_row + i."""

    sheet: str  # '' for CSV
    rows: list[list[Any]]
    first_row: int


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold Python's cycle collector while a reader builds a row list per spreadsheet row:
    rows hold no cycles, and collections triggered by a million new lists cost ~5% of the
    read. Restored even when the reader fails."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_grids(path: Path, display: str | None = None) -> list[Grid]:
    """All sheets of a file as grids; FileProblem (Indonesian) when it cannot be read."""
    name = display or path.name
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return [_read_csv(path, name)]
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, name)
    raise FileProblem(
        name,
        f"jenis berkas '{suffix or '(tanpa akhiran)'}' tidak didukung. "
        "Kirim berkas Excel (.xlsx/.xls) atau CSV.",
    )


def _read_excel(path: Path, name: str) -> list[Grid]:
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise FileProblem(
            name, "berkas dilindungi kata sandi. Buka proteksinya lalu kirim ulang."
        ) from exc
    except Exception as exc:  # calamine raises several types for a damaged file
        raise FileProblem(
            name,
            "berkas rusak atau bukan berkas Excel yang sah. Simpan ulang dari Excel lalu kirim ulang.",
        ) from exc
    grids = []
    try:
        for meta in wb.sheets_metadata:
            if str(meta.typ) != str(pc.SheetTypeEnum.WorkSheet):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            with gc_paused():
                rows = sheet.to_python()
            first = (sheet.start[0] + 1) if sheet.start else 1
            grids.append(Grid(meta.name, rows, first))
    except Exception as exc:
        raise FileProblem(
            name, "isi berkas tidak dapat dibaca (rusak). Simpan ulang dari Excel lalu kirim ulang."
        ) from exc
    finally:
        wb.close()
    if not any(g.rows for g in grids):
        raise FileProblem(name, "berkas kosong: tidak ada isi pada sheet mana pun.")
    return grids


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM), falling back to Windows-1252 as Indonesian Excel saves."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """';' (Indonesian Excel), ',' or tab, by which splits the first lines most evenly."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    best, best_score = ",", -1
    for delim in (";", ",", "\t", "|"):
        counts = [ln.count(delim) for ln in lines]
        score = sum(counts)
        if score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(path: Path, name: str) -> Grid:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileProblem(name, f"berkas tidak dapat dibuka ({exc.strerror}).") from exc
    text = decode_text(raw)
    if not text.strip():
        raise FileProblem(name, "berkas kosong.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows: list[list[Any]] = []
    try:
        for record in reader:
            # line_num counts physical lines; a quoted field with a line break spans two
            while len(rows) < reader.line_num - 1:
                rows.append([])
            rows.append(record)
    except csv.Error as exc:
        raise FileProblem(
            name, f"CSV tidak dapat dibaca pada baris {reader.line_num}: {exc}."
        ) from exc
    return Grid("", rows, 1)
