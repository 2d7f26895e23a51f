"""Read family-level DTSEN files (xlsx, or CSV separated by |, ; or ,) in bounded memory.

A DTSEN file reaches the pemda with one row per family: the No KK, the head's name, the
national, provincial and kab/kota desil, region codes and source flags. The headers vary
(`nomor_kartu_keluarga` in BPS's pipe-separated exports, `NO KK` once someone has worked on
the file in Excel), so columns are found by the spellings below. The file is streamed in
chunks, each normalised column-wise and written to a Parquet part; store/dtsen.py merges the
parts in one transaction.

The file is checked against the input limits of dtks.toml [batas_berkas] (ingest/read.py)
before it is parsed, and refused whole, naming file, sheet and rows, when the No KK column
is mostly damaged (empty, scientific notation, cut by Excel), when a desil is not 1-10, or
when it holds no family at all. A row whose No KK alone is unusable is not loaded and is
counted and named on screen, never dropped in silence.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipelines import wilayah
from pipelines.errors import DtsenRejected, FileProblem
from pipelines.files import location
from pipelines.ingest.read import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    MIB,
    ZIP_SUFFIXES,
    Limits,
    Workbook,
    check_zip,
    first_row,
    sniff_delimiter,
    text_csv,
    worksheets,
)
from pipelines.ingest.snapshot import DAMAGE_LABELS
from pipelines.normalize import columns as cols
from pipelines.normalize import fast
from pipelines.normalize import values as vals
from pipelines.store import Store
from pipelines.store import dtsen as history

# canonical field -> header spellings seen (compared without case, spaces or punctuation)
ALIASES: dict[str, list[str]] = {
    "no_kk": ["nomor_kartu_keluarga", "no_kk", "NO KK", "NOMOR KK", "No. KK", "NOKK", "KK",
              "NO. KARTU KELUARGA", "NO KARTU KELUARGA", "nkk"],
    "nama_kepala_keluarga": ["nama_kepala_keluarga", "NAMA KEPALA KELUARGA", "NAMA KK",
                             "KEPALA KELUARGA", "NAMA KRT", "NAMA KEPALA RUMAH TANGGA"],
    "desil_nasional": ["desil_nasional", "DESIL NASIONAL", "DESIL", "DESIL NAS",
                       "DESIL KESEJAHTERAAN", "PERINGKAT DESIL"],
    "desil_provinsi": ["desil_provinsi", "DESIL PROVINSI", "DESIL PROV"],
    "desil_kabupaten_kota": ["desil_kabupaten_kota", "DESIL KABUPATEN/KOTA", "DESIL KAB/KOTA",
                             "DESIL KAB", "DESIL KOTA", "DESIL KABKOTA"],
    "kode_wilayah": ["kode_wilayah", "KODE WILAYAH", "kode_kelurahan_desa", "kode_desa_kelurahan",
                     "KODE DESA/KELURAHAN", "KODE KELURAHAN", "KODE DESA", "kode_desa",
                     "kode_kelurahan", "KODE WIL", "idsls_desa"],
    "kode_provinsi": ["kode_provinsi", "KODE PROVINSI", "KODE PROV", "kdprov"],
    "kode_kabupaten": ["kode_kabupaten_kota", "kode_kabupaten", "KODE KABUPATEN/KOTA",
                       "KODE KAB/KOTA", "KODE KAB", "KODE KOTA", "kdkab"],
    "kode_kecamatan": ["kode_kecamatan", "KODE KECAMATAN", "KODE KEC", "kdkec"],
    "sumber": ["sumber", "sumber_data", "SUMBER DATA", "ASAL DATA"],
    "flag_dtks": ["flag_dtks", "DTKS", "SUMBER DTKS", "is_dtks"],
    "flag_regsosek": ["flag_regsosek", "REGSOSEK", "SUMBER REGSOSEK", "is_regsosek"],
    "flag_p3ke": ["flag_p3ke", "P3KE", "SUMBER P3KE", "is_p3ke"],
}  # fmt: skip
DESIL = ["desil_nasional", "desil_provinsi", "desil_kabupaten_kota"]
LABELS = {
    "no_kk": "NO KK",
    "nama_kepala_keluarga": "NAMA KEPALA KELUARGA",
    "desil_nasional": "DESIL NASIONAL",
    "desil_provinsi": "DESIL PROVINSI",
    "desil_kabupaten_kota": "DESIL KABUPATEN/KOTA",
}
FLAGS = {"flag_dtks": "DTKS", "flag_regsosek": "REGSOSEK", "flag_p3ke": "P3KE"}
SOURCES = {"DTKS": "DTKS", "REGSOSEK": "REGSOSEK", "P3KE": "P3KE", "SIKSNG": "DTKS"}
SCAN_ROWS = 40
CHUNK_ROWS = 50_000
MAX_LISTED = 5
DEFAULT_MAX_DAMAGE_SHARE = 0.10
SCHEMA = pa.schema(
    [
        ("no_kk", cols.TEXT),
        ("nama_kepala_keluarga", cols.TEXT),
        *[(c, pa.int8()) for c in DESIL],
        ("kode_wilayah", cols.TEXT),
        ("kode_wilayah_sumber", cols.TEXT),
        ("sumber", pa.list_(cols.TEXT)),
        ("source_file", cols.TEXT),
        ("source_sheet", cols.TEXT),
        ("source_row", pa.int64()),
    ]
)


def header_key(text: Any) -> str:
    """'No. KK ' -> 'NOKK': the form header cells are compared in."""
    return "" if vals.is_missing(text) else re.sub(r"[^A-Z0-9]", "", str(text).upper())


_LOOKUP = {header_key(a): canon for canon, names in ALIASES.items() for a in names}


@dataclass
class _Table:
    """One DTSEN table found: a CSV file or a sheet of a workbook."""

    path: Path
    sheet: str
    header_row: int  # as the spreadsheet numbers it
    columns: dict[int, str]  # column index -> field
    width: int = 0  # cells in the header row

    @property
    def where(self) -> str:
        return self.path.name + (f" sheet '{self.sheet}'" if self.sheet else "")


@dataclass
class _Listed:
    """Rows of one kind: how many, and where the first few are."""

    count: int = 0
    where: list[str] = field(default_factory=list)

    def add(self, table: _Table, rows: np.ndarray) -> None:
        self.count += len(rows)
        self.where += [
            location(table.path.name, table.sheet, r) for r in rows[: MAX_LISTED - len(self.where)]
        ]

    def text(self) -> str:
        more = self.count - len(self.where)
        return "; ".join(self.where) + (f"; dan {_n(more)} lainnya" if more > 0 else "")


@dataclass
class Staged:
    """DTSEN files read and normalised into Parquet parts, with their figures."""

    parts: list[Path] = field(default_factory=list)
    rows: int = 0  # data rows read
    kk_damage: Counter = field(default_factory=Counter)
    sixteen: int = 0  # 16-digit No KK values
    ends_in_zero: int = 0  # of which end in 0
    skipped: dict[str, _Listed] = field(default_factory=dict)  # rows not loaded, by why
    bad_desil: dict[str, _Listed] = field(default_factory=dict)  # refuse the file
    no_desil: int = 0  # families without a national desil
    unknown_region: int = 0  # region codes that are not a Kemendagri kelurahan/desa

    @property
    def rows_skipped(self) -> int:
        return sum(v.count for v in self.skipped.values())

    def add(self, other: Staged) -> None:
        """Take in the figures of another table of the same version."""
        self.parts += other.parts
        self.rows += other.rows
        self.kk_damage.update(other.kk_damage)
        self.sixteen += other.sixteen
        self.ends_in_zero += other.ends_in_zero
        self.no_desil += other.no_desil
        self.unknown_region += other.unknown_region
        for mine, theirs in ((self.skipped, other.skipped), (self.bad_desil, other.bad_desil)):
            for what, listed in theirs.items():
                into = mine.setdefault(what, _Listed())
                into.count += listed.count
                into.where += listed.where[: MAX_LISTED - len(into.where)]


def load(
    store: Store,
    paths: list[Path],
    *,
    petugas: str,
    tanggal: dt.date,
    rilis: str | None = None,
    large_change: bool = False,
    limits: Limits | None = None,
    max_damage_share: float = DEFAULT_MAX_DAMAGE_SHARE,
    max_drop_share: float = history.DEFAULT_MAX_DROP_SHARE,
) -> tuple[history.DtsenLoad, Staged]:
    """Read, check and merge DTSEN files as one version (several files = one version)."""
    if not petugas.strip():
        raise DtsenRejected("Isi nama petugas yang memuat: --petugas NAMA.")
    for stale in store.path.parent.glob(".dtsen-*"):  # left by a killed load
        shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=".dtsen-", dir=store.path.parent))
    try:
        staged = read(paths, work, limits, max_damage_share)
        res = history.load_staged(
            store,
            staged.parts,
            [p.name for p in paths],
            petugas=petugas.strip(),
            tanggal=tanggal,
            rilis=(rilis or "").strip() or None,
            rows_read=staged.rows,
            rows_skipped=staged.rows_skipped,
            large_change=large_change,
            max_drop_share=max_drop_share,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return res, staged


def read(
    paths: list[Path],
    work: Path,
    limits: Limits | None = None,
    max_damage_share: float = DEFAULT_MAX_DAMAGE_SHARE,
) -> Staged:
    """Every DTSEN table of the files, normalised chunk by chunk into Parquet parts."""
    limits = limits or Limits()
    tables = [t for p in paths for t in _tables(p, limits)]
    staged = Staged()
    for i, table in enumerate(tables):
        part = work / f"dtsen-{i:04d}.parquet"
        try:
            found = _read_table(table, part, limits, fast=True)
        except _Ragged:  # rows of another width than the header: again, the slow way
            found = _read_table(table, part, limits, fast=False)
        staged.add(found)
    if staged.rows == 0:
        raise DtsenRejected(
            "Berkas DTSEN ditolak: "
            + ", ".join(p.name for p in paths)
            + " tidak memuat satu baris keluarga pun (hanya judul kolom). Tidak ada data yang "
            "dimuat."
        )
    for what, listed in staged.bad_desil.items():
        raise DtsenRejected(
            f"Berkas DTSEN ditolak seluruhnya: {what} pada {_n(listed.count)} baris "
            f"({listed.text()}). Desil harus angka 1 sampai 10 (atau kosong). Tidak ada data "
            "yang dimuat; perbaiki berkasnya atau minta berkas asli dari BPS/Pusdatin."
        )
    _refuse_damaged_kk(staged, max_damage_share)
    return staged


# ---------------------------------------------------------------- finding the tables


def _tables(path: Path, limits: Limits) -> list[_Table]:
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES | EXCEL_SUFFIXES:
        raise DtsenRejected(
            f"Berkas DTSEN ditolak: {path.name}: jenis berkas '{suffix or '(tanpa akhiran)'}' "
            "tidak didukung. Gunakan berkas DTSEN XLSX atau CSV (dipisah |, ; atau ,)."
        )
    try:
        size = path.stat().st_size
        if size > limits.ukuran_berkas_mb * MIB:
            raise FileProblem(
                path.name,
                f"berkas {size / MIB:.0f} MB, melebihi batas {limits.ukuran_berkas_mb:g} MB "
                "(dtks.toml [batas_berkas] ukuran_berkas_mb). Pecah menjadi beberapa berkas.",
            )
        if suffix in ZIP_SUFFIXES:
            check_zip(path, path.name, limits)
        heads = [_csv_head(path)] if suffix in CSV_SUFFIXES else _excel_heads(path)
    except FileProblem as exc:
        raise DtsenRejected(f"Berkas DTSEN ditolak: {exc}") from exc
    except OSError as exc:
        raise DtsenRejected(
            f"Berkas DTSEN ditolak: {path.name} tidak dapat dibuka ({exc.strerror})."
        ) from exc
    found = []
    for sheet, rows, first in heads:
        for i, row in enumerate(rows):
            columns: dict[int, str] = {}
            for j, cell in enumerate(row):
                canon = _LOOKUP.get(header_key(cell))
                if canon and canon not in columns.values():
                    columns[j] = canon
            if "no_kk" in columns.values() and any(d in columns.values() for d in DESIL):
                found.append(_Table(path, sheet, first + i, columns, len(row)))
                break
    if not found:
        raise DtsenRejected(
            f"Berkas DTSEN ditolak: {path.name} tidak memuat tabel DTSEN: kolom No KK "
            "(nomor_kartu_keluarga) dan desil (desil_nasional) tidak ditemukan di "
            f"{SCAN_ROWS} baris pertama."
        )
    for table in found:
        if "desil_nasional" not in table.columns.values():
            raise DtsenRejected(
                f"Berkas DTSEN ditolak: {table.where} tidak memiliki kolom DESIL NASIONAL "
                "(desil_nasional); batas desil program memakai desil nasional."
            )
    return found


def _encoding(path: Path) -> str:
    """UTF-8 when the whole file decodes as UTF-8 (checked in blocks), else Windows-1252."""
    st = path.stat()
    return _encoding_of(path, st.st_size, st.st_mtime_ns)


@functools.cache
def _encoding_of(path: Path, size: int, mtime: int) -> str:  # noqa: ARG001 (size, mtime: cache key)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while block := fh.read(8 * MIB):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _csv_head(path: Path) -> tuple[str, list[list[Any]], int]:
    with path.open("rb") as fh:
        raw = fh.read(MIB)
    text = raw.decode(_encoding(path), errors="ignore")
    if not text.strip():
        raise FileProblem(path.name, "berkas kosong.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows = []
    try:
        for record in reader:
            rows.append(record)
            if len(rows) >= SCAN_ROWS:
                break
    except csv.Error as exc:
        raise FileProblem(
            path.name, f"CSV tidak dapat dibaca pada baris {reader.line_num}."
        ) from exc
    return "", rows, 1


def _excel_heads(path: Path) -> list[tuple[str, list[list[Any]], int]]:
    out = []
    with Workbook(path) as wb:
        for sheet in worksheets(wb):
            rows = []
            for row in sheet.iter_rows():
                rows.append(row)
                if len(rows) >= SCAN_ROWS:
                    break
            out.append((sheet.name, rows, first_row(sheet)))
    return out


# ---------------------------------------------------------------- streaming the rows


def _read_table(table: _Table, part: Path, limits: Limits, fast: bool) -> Staged:
    """One table normalised into one Parquet part (written anew on every call)."""
    found = Staged(parts=[part])
    with pq.ParquetWriter(part, SCHEMA, compression="none") as writer:
        for cells, rows, arrow in _chunks(table, limits, fast):
            out = _normalise(cells, rows, table, found, arrow)
            if out.num_rows:
                writer.write_table(out)
    return found


class _Ragged(Exception):
    """A CSV row has more or fewer cells than the header."""


Chunk = tuple[dict[str, np.ndarray], np.ndarray, dict[str, pa.Array] | None]


def _chunks(table: _Table, limits: Limits, fast: bool = True) -> Iterator[Chunk]:
    """The table's rows under the header, in chunks: field -> cells, their row numbers, and
    for a CSV read by Arrow the same cells as Arrow text (region and source keys are
    built from those without a Python call per row)."""
    if table.path.suffix.lower() in CSV_SUFFIXES:
        yield from (_csv_arrow(table, limits) if fast else _csv_python(table, limits))
        return
    try:
        with Workbook(table.path) as wb:
            sheet = wb.get_sheet_by_name(table.sheet)
            rows = sheet.iter_rows()
            for _ in range(table.header_row - first_row(sheet) + 1):
                next(rows, None)
            for cells, numbers in _blocks(table, rows, limits):
                yield cells, numbers, None
    except FileProblem as exc:
        raise DtsenRejected(f"Berkas DTSEN ditolak: {exc}") from exc


def _delimiter(path: Path) -> str:
    with path.open("rb") as fh:
        return sniff_delimiter(fh.read(MIB).decode(_encoding(path), errors="ignore"))


def _csv_arrow(table: _Table, limits: Limits) -> Iterator[Chunk]:
    wanted = {f"c{j}": name for j, name in table.columns.items()}
    reader, ragged = text_csv(
        table.path,
        skip_rows=table.header_row,
        names=[f"c{i}" for i in range(table.width)],
        wanted=list(wanted),
        encoding="utf8" if _encoding(table.path).startswith("utf") else "cp1252",
        delimiter=_delimiter(table.path),
        block_size=8 * MIB,
    )
    done = 0
    try:
        for batch in reader:
            if ragged:
                raise _Ragged
            n = batch.num_rows
            if done + n > limits.baris_per_berkas:
                raise DtsenRejected(_too_many(table, limits))
            arrow = {wanted[c]: _text(batch.column(c)) for c in batch.schema.names}
            cells = {name: _objects(col) for name, col in arrow.items()}
            yield cells, table.header_row + 1 + done + np.arange(n), arrow
            done += n
    except pa.ArrowInvalid as exc:
        raise _Ragged from exc
    if ragged:
        raise _Ragged


def _text(column: pa.Array) -> pa.Array:
    return column.dictionary_decode() if pa.types.is_dictionary(column.type) else column


def _objects(column: pa.Array) -> np.ndarray:
    """Arrow text as Python strings."""
    return column.to_numpy(zero_copy_only=False)


def _csv_python(table: _Table, limits: Limits) -> Iterator[Chunk]:
    encoding = _encoding(table.path)
    with table.path.open("r", encoding=encoding, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=_delimiter(table.path))
        for _ in range(table.header_row):
            next(reader, None)
        try:
            for cells, numbers in _blocks(table, reader, limits):
                yield cells, numbers, None
        except csv.Error as exc:
            raise DtsenRejected(
                f"Berkas DTSEN ditolak: {table.where}: CSV tidak dapat dibaca pada baris "
                f"{reader.line_num}. Tidak ada data yang dimuat."
            ) from exc


def _too_many(table: _Table, limits: Limits) -> str:
    return (
        f"Berkas DTSEN ditolak: {table.where} melebihi batas {_n(limits.baris_per_berkas)} "
        "baris (dtks.toml [batas_berkas] baris_per_berkas). Pecah menjadi beberapa berkas. "
        "Tidak ada data yang dimuat."
    )


def _blocks(table: _Table, rows: Iterator[list[Any]], limits: Limits):
    width = max(table.columns) + 1
    start = table.header_row + 1
    done = 0
    while True:
        block = []
        for row in rows:
            block.append(row)
            if len(block) >= CHUNK_ROWS:
                break
        if not block:
            return
        if done + len(block) > limits.baris_per_berkas:
            raise DtsenRejected(_too_many(table, limits))
        grid = np.array(block, dtype=object)
        if grid.ndim != 2 or grid.shape[1] < width:  # rows of several widths: pad them
            grid = np.full((len(block), width), None, dtype=object)
            for i, row in enumerate(block):
                cut = row[:width]
                grid[i, : len(cut)] = cut
        yield (
            {name: grid[:, j] for j, name in table.columns.items()},
            start + done + np.arange(len(block)),
        )
        done += len(block)


# ---------------------------------------------------------------- normalising a chunk


def _normalise(
    cells: dict[str, np.ndarray],
    rows: np.ndarray,
    table: _Table,
    staged: Staged,
    arrow: dict[str, pa.Array] | None = None,
) -> pa.Table:
    n = len(rows)
    kk, bad = cols.normalise_column(cells["no_kk"], vals.clean_id_value, fast.fast_id)
    names = cells.get("nama_kepala_keluarga")
    name = (
        cols.normalise_column(names, vals.text_value, fast.fast_text)[0]
        if names is not None
        else pa.nulls(n, cols.TEXT)
    )
    desil: dict[str, pa.Array] = {}
    desil_bad: dict[str, np.ndarray] = {}
    for col in DESIL:
        if col in cells:
            desil[col], problems = cols.normalise_column(
                cells[col], desil_value, out_type=pa.int8()
            )
            desil_bad[col] = problems.rows
        else:
            desil[col] = pa.nulls(n, pa.int8())
    # a row with no No KK, no name and no desil is a blank line (or a note under the table)
    blank = kk.is_null().to_numpy(zero_copy_only=False) & name.is_null().to_numpy(
        zero_copy_only=False
    )
    blank[bad.rows] = False
    for col, values in desil.items():
        blank &= values.is_null().to_numpy(zero_copy_only=False)
        blank[desil_bad.get(col, [])] = False
    state = _tally_kk(kk, bad, blank, staged)
    staged.rows += int((~blank).sum())
    for code, label in (("kosong", "NO KK kosong"), ("rusak", "NO KK rusak (bukan 16 digit)")):
        where = np.flatnonzero(state == code)
        if len(where):
            staged.skipped.setdefault(label, _Listed()).add(table, rows[where])
    for col, where in desil_bad.items():
        if len(where):
            what = f"nilai {LABELS[col]} tidak dapat dibaca"
            staged.bad_desil.setdefault(what, _Listed()).add(table, rows[where])
    ok = state == "ok"
    keep = pa.array(ok)
    out: dict[str, Any] = {"no_kk": kk.filter(keep), "nama_kepala_keluarga": name.filter(keep)}
    for col in DESIL:
        out[col] = desil[col].filter(keep)
    staged.no_desil += int(out["desil_nasional"].null_count)
    kept = {c: v[ok] for c, v in cells.items()}
    kept_arrow = {c: v.filter(keep) for c, v in arrow.items()} if arrow is not None else None
    out["kode_wilayah"], out["kode_wilayah_sumber"] = _regions(kept, staged, kept_arrow)
    out["sumber"] = _sources(kept, kept_arrow)
    k = int(ok.sum())
    out["source_file"] = pa.array([table.path.name] * k, cols.TEXT)
    out["source_sheet"] = pa.array([table.sheet] * k, cols.TEXT)
    out["source_row"] = pa.array(rows[ok], pa.int64())
    return pa.Table.from_pydict(out, schema=SCHEMA)


def _tally_kk(kk: pa.Array, bad: cols.Problems, blank: np.ndarray, staged: Staged) -> np.ndarray:
    """Count the No KK cells by kind of damage; per row 'ok', 'kosong', 'rusak' or 'kosong
    baris' (a blank line)."""
    state = np.full(len(kk), "ok", dtype=object)
    state[bad.rows] = "rusak"
    for code, k in Counter(bad.codes.tolist()).items():
        staged.kk_damage[code] += k
    null = kk.is_null().to_numpy(zero_copy_only=False)
    state[blank] = "baris kosong"
    empty = null & (state == "ok")
    state[empty] = "kosong"
    staged.kk_damage["kosong"] += int(empty.sum())
    length = pc.fill_null(pc.utf8_length(kk), 0).to_numpy(zero_copy_only=False)
    sixteen = pc.fill_null(fast.sixteen_digits(kk), False).to_numpy(zero_copy_only=False)
    fifteen = (length == 15) & ~null
    other = ~sixteen & ~null & ~fifteen
    staged.kk_damage["15_digit"] += int(fifteen.sum())
    staged.kk_damage["bukan_16_digit"] += int(other.sum())
    state[fifteen | other] = "rusak"
    staged.sixteen += int(sixteen.sum())
    zero = pc.fill_null(pc.ends_with(kk, "0"), False).to_numpy(zero_copy_only=False)
    staged.ends_in_zero += int((sixteen & zero).sum())
    return state


def desil_value(v: Any) -> vals.Result:
    """A desil cell -> 1..10 ('3', 3.0, 'Desil 3', 'D3'); anything else is a problem."""
    if isinstance(v, bool):
        return None, "desil_tidak_dikenali"
    if isinstance(v, int | float):
        if float(v).is_integer() and 1 <= v <= 10:
            return int(v), None
        return None, "desil_tidak_dikenali"
    m = re.fullmatch(r"(?:DESIL|D)?\s*0*(\d{1,2})(?:[.,]0+)?", str(v).strip().upper())
    if m and 1 <= int(m[1]) <= 10:
        return int(m[1]), None
    return None, "desil_tidak_dikenali"


def _regions(
    cells: dict[str, np.ndarray], staged: Staged, arrow: dict[str, pa.Array] | None = None
) -> tuple[pa.Array, pa.Array]:
    """(Kemendagri kelurahan code or null, the code as the file gave it) of each row.

    A full code column wins; else the parts (province, kab/kota, kecamatan, desa) are joined.
    BPS's own codes (kecamatan 3 digits, desa 3) are not Kemendagri's: kept as given only.
    """
    names = [c for c in ("kode_provinsi", "kode_kabupaten", "kode_kecamatan", "kode_wilayah")
             if c in cells]  # fmt: skip
    k = len(next(iter(cells.values()))) if cells else 0
    if not names:
        return pa.nulls(k, cols.TEXT), pa.nulls(k, cols.TEXT)
    known = wilayah.load().desa_codes

    def region(values: tuple) -> tuple[str | None, str | None]:
        raw = _compose(tuple(_digits(v) for v in values))
        return (raw if raw in known else None), (raw or None)

    found = _per_distinct([cells[c] for c in names], region, arrow and [arrow[c] for c in names])
    codes = [c for c, _ in found]
    given = [g for _, g in found]
    staged.unknown_region += sum(1 for c, g in found if g and not c)
    return pa.array(codes, cols.TEXT), pa.array(given, cols.TEXT)


def _per_distinct(columns: list[np.ndarray], fn, arrow: Any = None) -> list:
    """fn(values of the columns) for each row, called once per distinct combination. With
    the columns as Arrow text, the combinations are found in Arrow."""
    if arrow:
        key = pc.binary_join_element_wise(*arrow, pa.scalar("\x1f", arrow[0].type))
        key = key.dictionary_encode()
        results = np.empty(len(key.dictionary), dtype=object)
        for i, text in enumerate(key.dictionary.to_pylist()):
            results[i] = fn(tuple(text.split("\x1f")))
        return list(results[key.indices.to_numpy(zero_copy_only=False)])
    n = len(columns[0])
    key = np.zeros(n, dtype=np.int64)
    for col in columns:
        ids, uniques = pd.factorize(col, use_na_sentinel=True)
        key = key * (len(uniques) + 1) + ids + 1
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    results = np.empty(len(first), dtype=object)
    for i, row in enumerate(first):
        results[i] = fn(tuple(col[row] for col in columns))
    return list(results[inverse])


def _digits(v: Any) -> str:
    if vals.is_missing(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"\D", "", str(v))


def _compose(parts: tuple[str, ...]) -> str:
    """Join region code parts: each part either carries the ones before it (6271, 627101)
    or only its own digits (71, 01); the last part is the desa/kelurahan."""
    code = ""
    for p in parts:
        if not p:
            continue
        code = p if code and p.startswith(code) else code + p
    return code


def _sources(cells: dict[str, np.ndarray], arrow: dict[str, pa.Array] | None = None) -> pa.Array:
    """Source flags per row: the words of a 'sumber' column and the flag columns said YA."""
    names = [c for c in ("sumber", *FLAGS) if c in cells]
    k = len(next(iter(cells.values()))) if cells else 0
    if not names:
        return pa.nulls(k, pa.list_(cols.TEXT))

    def flags(values: tuple) -> list[str] | None:
        out: set[str] = set()
        for col, v in zip(names, values, strict=True):
            if vals.is_missing(v):
                continue
            if col == "sumber":
                words = re.split(r"[^A-Z0-9]+", str(v).upper())
                out |= {SOURCES.get(w, w) for w in words if w}
            elif vals.parse_yes_no(v)[0] == "YA":
                out.add(FLAGS[col])
        return sorted(out) or None

    return pa.array(
        _per_distinct([cells[c] for c in names], flags, arrow and [arrow[c] for c in names]),
        pa.list_(cols.TEXT),
    )


def _refuse_damaged_kk(staged: Staged, share: float) -> None:
    """Refuse a file whose No KK column is mostly damaged: it cannot join to any family."""
    damaged = sum(staged.kk_damage.values())
    cut = staged.sixteen >= 20 and staged.ends_in_zero > 0.5 * staged.sixteen
    if damaged <= share * staged.rows and not cut:
        return
    kinds = "; ".join(
        f"{DAMAGE_LABELS.get(k, k)}: {_n(v)}" for k, v in staged.kk_damage.most_common() if v
    )
    detail = f"NO KK rusak pada {_n(damaged)} dari {_n(staged.rows)} baris" + (
        f" ({_pct(damaged, staged.rows)}; {kinds})" if damaged else ""
    )
    if cut:
        detail += (
            f"{'; ' if damaged else ''}{_n(staged.ends_in_zero)} dari {_n(staged.sixteen)} NO KK "
            "16 digit berakhiran 0 (tanda digit terakhir dipotong Excel)"
        )
    raise DtsenRejected(
        f"Berkas DTSEN ditolak seluruhnya: kolom NO KK sebagian besar rusak: {detail}. Batas: "
        f"{share * 100:g}% baris. Tidak ada data yang dimuat. Minta berkas asli (CSV) lagi, atau "
        "buka ulang tanpa menyimpannya di Excel (Excel mengubah NO KK menjadi angka), atau "
        "simpan kolom itu sebagai teks."
    )


def _n(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%".replace(".", ",") if b else "0%"
