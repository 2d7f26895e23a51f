"""Read a spreadsheet or CSV file into raw cell grids, one per sheet, within input limits.

Excel (.xlsx, .xlsm, .xls, .xlsb, .ods) goes through python-calamine, about ten times faster
than openpyxl here; CSV through the csv module with the delimiter and encoding sniffed. Cells
keep their types (str, float, date, datetime) so later stages can tell a NIK typed as a number
from one typed as text.

A kelurahan file is untrusted input. Before a byte of it is parsed, `check_limits` looks at
what costs memory (see `Limits`, set in dtks.toml [batas_berkas]): the file size, the size
every part of an xlsx unpacks to (zip-bomb ratio included; calamine refuses a part larger
than the size the zip declares), the sheet dimensions the sheet declares and, for sheets small
enough to scan cheaply, the cells it really holds. calamine densifies a sheet to the rectangle
between its first and farthest cell and aborts the whole process when that does not fit in
memory (a 1.6 KB file with cells at A1 and XFD1048576): such files are refused here. What a
cheap check cannot exclude (a large sheet whose declared dimension lies, a malformed .xls)
is caught by the finalisation's crash guard (pipelines.ingest.guard): `reading` marks the
file being parsed, so a run that dies there names the file and is run again without it.
"""

from __future__ import annotations

import csv
import gc
import io
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine as pc

from pipelines.errors import FileProblem
from pipelines.settings import Limits  # noqa: F401  (dtks.toml [batas_berkas]; re-exported)

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
SUPPORTED = EXCEL_SUFFIXES | CSV_SUFFIXES
MIB = 1 << 20
EXCEL_MAX_ROWS, EXCEL_MAX_COLS = 1_048_576, 16_384


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


MARKER_ENV = "DTKS_READING_MARKER"


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """While native code parses `path`, name it in the marker file the crash guard watches
    (DTKS_READING_MARKER); removed once the parser returns or raises."""
    marker = os.environ.get(MARKER_ENV)
    if not marker:
        yield
        return
    Path(marker).write_text(str(path.resolve()), encoding="utf-8")
    try:
        yield
    finally:
        Path(marker).unlink(missing_ok=True)


def read_grids(path: Path, display: str | None = None, limits: Limits | None = None) -> list[Grid]:
    """All sheets of a file as grids; FileProblem (Indonesian) when it cannot be read or is
    over a limit."""
    name = display or path.name
    limits = limits or Limits()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise FileProblem(
            name,
            f"jenis berkas '{suffix or '(tanpa akhiran)'}' tidak didukung. "
            "Kirim berkas Excel (.xlsx/.xls) atau CSV.",
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileProblem(name, f"berkas tidak dapat dibuka ({exc.strerror}).") from exc
    if size > limits.ukuran_berkas_mb * MIB:
        raise FileProblem(
            name,
            f"berkas {_mb(size)} MB, melebihi batas {_mb(limits.ukuran_berkas_mb * MIB)} MB "
            "(dtks.toml [batas_berkas] ukuran_berkas_mb). Pecah menjadi beberapa berkas.",
        )
    if suffix in CSV_SUFFIXES:
        return [_read_csv(path, name, limits)]
    if suffix in ZIP_SUFFIXES:
        check_zip(path, name, limits)
    return _read_excel(path, name, limits)


# --- xlsx / ods packages: limits before parsing --------------------------------------------


def check_zip(path: Path, name: str, limits: Limits) -> dict[str, int]:
    """Refuse a package over a limit; returns each worksheet's unzipped size by sheet name.
    A file that is no zip at all (an encrypted workbook, a misnamed .xls) is left to calamine,
    which names what it is."""
    if not zipfile.is_zipfile(path):
        return {}
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            biggest = max(infos, key=lambda i: i.file_size, default=None)
            if biggest is not None and total > limits.ukuran_terurai_mb * MIB:
                raise FileProblem(
                    name,
                    f"isi berkas terurai menjadi {_mb(total)} MB (bagian terbesar "
                    f"'{biggest.filename}' {_mb(biggest.file_size)} MB), melebihi batas "
                    f"{_mb(limits.ukuran_terurai_mb * MIB)} MB (dtks.toml [batas_berkas] "
                    "ukuran_terurai_mb). Simpan ulang dari Excel atau pecah berkasnya.",
                )
            for i in infos:
                ratio = i.file_size / max(i.compress_size, 1)
                if i.file_size > MIB and ratio > limits.rasio_kompresi:
                    raise FileProblem(
                        name,
                        f"bagian '{i.filename}' terurai {ratio:.0f} kali ukuran mampatnya "
                        f"(batas {limits.rasio_kompresi:g}, dtks.toml [batas_berkas] "
                        "rasio_kompresi): berkas tidak wajar (bom zip). Simpan ulang dari Excel.",
                    )
            sheets = _sheet_parts(z) if path.suffix.lower() != ".ods" else {}
            for sheet, part in sheets.items():
                _check_sheet(z, z.getinfo(part), sheet, name, limits)
            return {sheet: z.getinfo(part).file_size for sheet, part in sheets.items()}
    except FileProblem:
        raise
    except Exception as exc:  # zipfile and zlib raise many types for a damaged package
        raise FileProblem(
            name,
            "berkas rusak atau bukan berkas Excel yang sah. Simpan ulang dari Excel lalu kirim ulang.",
        ) from exc


_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part (xl/worksheets/sheetN.xml) from the workbook's rels."""
    names = set(z.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    targets = {}
    for m in _REL.finditer(_read_part(z, "xl/_rels/workbook.xml.rels")):
        a = dict(_ATTR.findall(m.group()))
        target = a.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
        targets[a.get(b"Id", b"")] = target if target.startswith("xl/") else f"xl/{target}"
    out = {}
    for m in _SHEET.finditer(_read_part(z, "xl/workbook.xml")):
        a = {k.split(b":")[-1]: v for k, v in _ATTR.findall(m.group())}
        part = targets.get(a.get(b"id", b""))
        if part in names and part.endswith(".xml"):
            out[_xml_text(a.get(b"name", b"?"))] = part
    return out


def _read_part(z: zipfile.ZipFile, part: str, limit: int = 16 * MIB) -> bytes:
    with z.open(part) as fh:
        return fh.read(limit)


def _xml_text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    for ent, ch in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(ent, ch)
    return text


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref\s*=\s*"([^"]*)"')
_REF = re.compile(r"^\$?([A-Za-z]{1,4})\$?(\d{1,8})$")
# cell and row elements, and the references they carry: what calamine places and densifies.
# As Excel, LibreOffice and openpyxl write them: '<c r="B7"', the reference first
_STD_ROW = re.compile(rb'<c r="[A-Za-z]{1,7}(\d{1,12})"')
_STD_COL = re.compile(rb'<c r="([A-Za-z]{1,7})')
# in any other form (prefixes, attribute order, quotes, no reference at all)
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br\s*=\s*[\"']\$?([A-Za-z]{1,7})\$?(\d{1,12})[\"']")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br\s*=\s*[\"'](\d{1,12})[\"']")


def _check_sheet(z: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str, name: str, lim: Limits):
    """The cells a sheet holds (when it is small enough to scan), else its declared dimension."""
    if info.file_size <= lim.pindai_sheet_mb * MIB:
        far = _far_corner(_read_part(z, info.filename, info.file_size + 1))
        if far is not None:
            _check_area(far, sheet, name, lim, "berisi sel sampai")
        return
    with z.open(info) as fh:
        head = fh.read(64 * 1024)
    m = _DIMENSION.search(head.split(b"<sheetData", 1)[0])
    if m is None:
        return
    corners = [_ref(r) for r in m.group(1).decode("ascii", "replace").split(":")]
    if corners and all(c is not None for c in corners):
        far = (max(c[0] for c in corners), max(c[1] for c in corners))  # type: ignore[index]
        _check_area(far, sheet, name, lim, "menyatakan ukuran sampai")


def _far_corner(data: bytes) -> tuple[int, int] | None:
    """(row, column), 1-based, beyond which a sheet holds no cell; None when it holds none.

    A cell with a reference (r="XFD1048576") counts where it says. One without is placed
    after the one before it (the reader counts on), so each such cell may push the bound one
    column further, and each row element without a number one row further.
    """
    n_cells = data.count(b"<c ") + data.count(b"<c>")
    plain = b":c " not in data and b":c>" not in data and b":c\t" not in data
    if plain and n_cells == data.count(b'<c r="'):  # every cell as Excel writes it
        if not n_cells:
            return None
        rows = max(map(int, set(_STD_ROW.findall(data))))
        return rows, max(map(_column, {c.upper() for c in _STD_COL.findall(data)}))
    refs = _CELL_REF.findall(data)
    n_cells = len(_CELL.findall(data))
    if not n_cells:
        return None
    row_refs = _ROW_REF.findall(data)
    rows = max([0, *(int(d) for _, d in refs), *(int(d) for d in row_refs)])
    rows += len(_ROW.findall(data)) - len(row_refs)
    cols = max([0, *(_column(c.upper()) for c in {c for c, _ in refs})])
    cols += n_cells - len(refs)
    return max(rows, 1), max(cols, 1)


def _ref(ref: str) -> tuple[int, int] | None:
    m = _REF.match(ref.strip())
    return (int(m.group(2)), _column(m.group(1).upper())) if m else None


def _column(letters: str | bytes) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    n = 0
    for ch in letters.encode("ascii") if isinstance(letters, str) else letters:
        n = n * 26 + ch - 64
    return n


def column_letter(n: int) -> str:
    """1 -> 'A', 16384 -> 'XFD'."""
    out = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _check_area(far: tuple[int, int], sheet: str, name: str, lim: Limits, verb: str) -> None:
    rows, cols = far
    where = f"{column_letter(cols)}{rows}" if cols <= 10**6 else f"baris {rows}, kolom {cols}"
    if rows > EXCEL_MAX_ROWS or cols > EXCEL_MAX_COLS:
        raise FileProblem(
            name,
            f"sheet '{sheet}' {verb} {where}, di luar batas lembar Excel (XFD1048576): "
            "berkas tidak wajar. Salin tabelnya ke berkas baru lalu kirim ulang.",
            sheet,
        )
    if rows * cols > lim.sel_per_sheet or rows > lim.baris_per_berkas:
        raise FileProblem(
            name,
            f"sheet '{sheet}' {verb} {where} ({_ribu(rows * cols)} sel), melebihi batas "
            f"{_ribu(lim.sel_per_sheet)} sel atau {_ribu(lim.baris_per_berkas)} baris (dtks.toml "
            "[batas_berkas] sel_per_sheet, baris_per_berkas). Hapus isi sel di luar tabel "
            "(Ctrl+End menunjukkan sel terjauh) atau salin tabelnya ke berkas baru.",
            sheet,
        )


def _ribu(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _mb(n: float) -> str:
    return f"{n / MIB:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


# --- reading -------------------------------------------------------------------------------


def _read_excel(path: Path, name: str, limits: Limits) -> list[Grid]:
    try:
        with reading(path):
            wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise FileProblem(
            name, "berkas dilindungi kata sandi. Buka proteksinya lalu kirim ulang."
        ) from exc
    except BaseException as exc:  # calamine raises several types (a Rust panic too)
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise FileProblem(
            name,
            "berkas rusak atau bukan berkas Excel yang sah. Simpan ulang dari Excel lalu kirim ulang.",
        ) from exc
    grids = []
    rows_total = 0
    try:
        for meta in wb.sheets_metadata:
            if str(meta.typ) != str(pc.SheetTypeEnum.WorkSheet):
                continue
            with reading(path):
                sheet = wb.get_sheet_by_name(meta.name)
            if sheet.height and sheet.width:
                start = sheet.start or (0, 0)
                _check_area(
                    (start[0] + sheet.height, start[1] + sheet.width),
                    meta.name,
                    name,
                    limits,
                    "berisi sel sampai",
                )
            with gc_paused():
                rows = sheet.to_python()
            rows_total += len(rows)
            if rows_total > limits.baris_per_berkas:
                raise FileProblem(
                    name,
                    f"berkas berisi lebih dari {_ribu(limits.baris_per_berkas)} baris (dtks.toml "
                    "[batas_berkas] baris_per_berkas). Pecah menjadi beberapa berkas.",
                )
            first = (sheet.start[0] + 1) if sheet.start else 1
            grids.append(Grid(meta.name, rows, first))
    except FileProblem:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise FileProblem(
            name, "isi berkas tidak dapat dibaca (rusak). Simpan ulang dari Excel lalu kirim ulang."
        ) from exc
    finally:
        wb.close()
    if not any(g.rows for g in grids):
        raise FileProblem(name, "berkas kosong: tidak ada isi pada sheet mana pun.")
    return grids


_SURROGATE = re.compile(r"[\udc80-\udcff]")


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM; a line that is not UTF-8 is read as
    Windows-1252, as Indonesian Excel saves it. Line by line, so one stray Windows-1252 byte
    does not turn every accented UTF-8 letter of the file into two ('SÃ‰PTIANA')."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    text = raw.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    if not _SURROGATE.search(text):
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if not line.isascii() and _SURROGATE.search(line):
            lines[i] = line.encode("utf-8", "surrogateescape").decode("cp1252", errors="replace")
    return "\n".join(lines)


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


def _read_csv(path: Path, name: str, limits: Limits) -> Grid:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileProblem(name, f"berkas tidak dapat dibuka ({exc.strerror}).") from exc
    text = decode_text(raw)
    if not text.strip():
        raise FileProblem(name, "berkas kosong.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows: list[list[Any]] = []
    width = 0
    try:
        for record in reader:
            # line_num counts physical lines; a quoted field with a line break spans two
            while len(rows) < reader.line_num - 1:
                rows.append([])
            rows.append(record)
            width = max(width, len(record))  # rows are padded to the widest one later
            if len(rows) * width > limits.sel_per_sheet or len(rows) > limits.baris_per_berkas:
                raise FileProblem(
                    name,
                    f"berkas melebihi batas {_ribu(limits.baris_per_berkas)} baris atau "
                    f"{_ribu(limits.sel_per_sheet)} sel (dtks.toml [batas_berkas] "
                    "baris_per_berkas, sel_per_sheet), terlampaui pada baris "
                    f"{reader.line_num}. Pecah menjadi beberapa berkas.",
                )
    except csv.Error as exc:
        raise FileProblem(
            name, f"CSV tidak dapat dibaca pada baris {reader.line_num}: {_csv_error(exc)}."
        ) from exc
    return Grid("", rows, 1)


def _csv_error(exc: csv.Error) -> str:
    """csv's message, which names no cell value, in Indonesian where it is a known one."""
    text = str(exc)
    if "NUL" in text:
        return "ada karakter NUL (berkas biner atau rusak)"
    if "field larger than field limit" in text:
        return "satu sel terlalu panjang"
    return "format CSV tidak sah"


# --- whole-file readers (register snapshots, DTSEN files) ---------------------------------


class Workbook:
    """A calamine workbook, closed on exit; an unreadable file becomes FileProblem."""

    def __init__(self, path: Path) -> None:
        try:
            self.wb = pc.CalamineWorkbook.from_path(str(path))
        except pc.PasswordError as exc:
            raise FileProblem(path.name, "berkas dilindungi kata sandi.") from exc
        except Exception as exc:  # calamine raises several types for a damaged file
            raise FileProblem(path.name, "berkas rusak atau bukan berkas Excel yang sah.") from exc

    def __enter__(self) -> pc.CalamineWorkbook:
        return self.wb

    def __exit__(self, *exc: object) -> None:
        self.wb.close()


def worksheets(wb: pc.CalamineWorkbook) -> Iterator[Any]:
    """The worksheets of a workbook (chart sheets and the like left out)."""
    for meta in wb.sheets_metadata:
        if str(meta.typ) == str(pc.SheetTypeEnum.WorkSheet):
            yield wb.get_sheet_by_name(meta.name)


def first_row(sheet: Any) -> int:
    """The spreadsheet row number of a calamine sheet's first row."""
    return (sheet.start[0] + 1) if sheet.start else 1


def text_csv(
    path: Path,
    *,
    skip_rows: int,
    names: list[str],
    wanted: list[str],
    encoding: str,
    delimiter: str,
    block_size: int,
) -> tuple[Any, list[int]]:
    """A streaming pyarrow reader of a CSV's `wanted` columns, every value text (never a
    number: NIK, KK), empty cells as "" (not null), and a list that collects the numbers of
    rows of another width than `names` (skipped by pyarrow: a caller refuses the batch once
    the list fills, and reads the file the slow way). Columns with few distinct values are
    dictionary-encoded: one Python string per value instead of one per cell, ten times
    faster to hand to the normalisers."""
    import pyarrow as pa
    import pyarrow.csv as pv

    ragged: list[int] = []

    def on_invalid(row: Any) -> str:
        ragged.append(row.number)
        return "skip"

    reader = pv.open_csv(
        path,
        read_options=pv.ReadOptions(
            skip_rows=skip_rows, column_names=names, block_size=block_size, encoding=encoding
        ),
        parse_options=pv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pv.ConvertOptions(
            column_types=dict.fromkeys(wanted, pa.large_string()),
            include_columns=wanted,
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            auto_dict_encode=True,
            auto_dict_max_cardinality=5000,
        ),
    )
    return reader, ragged
