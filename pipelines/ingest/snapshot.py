"""Read a DTKS snapshot export (CSV or XLSX) in bounded memory and load it into the store.

The file is streamed in chunks (CSV through pyarrow's streaming reader, XLSX sheet rows
through calamine), each chunk normalised with the prelist normalisers and written to a
Parquet part in a scratch folder beside the store; store/snapshots.py then merges the parts
in one transaction. A snapshot is refused whole, naming file, sheet and rows, when a column
the matching needs is missing or unreadable, an ID DTKS is empty or repeated, the NIK or KK
column is mostly damaged (scientific notation, digits cut by Excel, empty), or a column the
register holds is missing (loading it would empty that column for everyone).
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
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

from pipelines.errors import FileProblem, SnapshotRejected
from pipelines.files import location
from pipelines.ingest import layout
from pipelines.ingest.read import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    Grid,
    Workbook,
    first_row,
    sniff_delimiter,
    text_csv,
    worksheets,
)
from pipelines.normalize.columns import TEXT, Problems, normalise_column
from pipelines.normalize.fast import fast_text, sixteen_digits
from pipelines.normalize.values import parse_yes_no, text_value
from pipelines.reasons import LABELS
from pipelines.store import Store
from pipelines.store import snapshots as register
from pipelines.validate import PERSON_COLUMNS, normalise, out_type

SNAPSHOT_COLUMNS = register.COLUMNS
REQUIRED = ["id_dtks", "nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah"]
STRICT = ["tanggal_lahir", "jenis_kelamin", "kode_wilayah"]  # needed for matching
FLAGS = ["pkh", "bpnt", "pbi"]
IDENTITY = layout.IDENTITY["dtks"]
MAX_LISTED = 5
CHUNK_ROWS = 25_000  # spreadsheet rows per chunk (XLSX, and CSV read by the csv module)
CSV_BLOCK = 8 << 20  # bytes of CSV per chunk (~40,000 snapshot rows)
SCAN_ROWS = 40  # rows searched for the header
DEFAULT_MAX_DAMAGE_SHARE = 0.10
DAMAGE_LABELS = {
    "kosong": "kosong",
    "id_notasi_ilmiah": "notasi ilmiah (mis. 6,27E+15)",
    "id_terpotong": "digit terakhir hilang (angka Excel)",
    "15_digit": "15 digit (digit terakhir hilang)",
    "bukan_16_digit": "bukan 16 digit",
    "id_bukan_angka": "berisi huruf atau tanda",
}
SCHEMA = pa.schema(
    [("id_dtks", TEXT)]
    + [(c, out_type(c)) for c in [*PERSON_COLUMNS, "kode_wilayah"]]
    + [(c, pa.bool_()) for c in FLAGS]
    + [("source_file", TEXT), ("source_sheet", TEXT), ("source_row", pa.int64())]
)


@dataclass
class _Source:
    """One recognised DTKS table: a CSV file or one sheet of a workbook."""

    path: Path
    sheet: str
    header_row: int  # as the spreadsheet numbers it
    columns: dict[int, str]  # column index -> canonical name
    headers: list[str]

    @property
    def where(self) -> str:
        return self.path.name + (f" sheet '{self.sheet}'" if self.sheet else "")


@dataclass
class _Problems:
    """Rows refused, per kind: how many and where the first few are."""

    count: Counter = field(default_factory=Counter)
    where: dict[str, list[str]] = field(default_factory=dict)

    def add(self, what: str, src: _Source, rows: np.ndarray) -> None:
        if not len(rows):
            return
        self.count[what] += len(rows)
        listed = self.where.setdefault(what, [])
        listed += [location(src.path.name, src.sheet, r) for r in rows[: MAX_LISTED - len(listed)]]

    def raise_first(self) -> None:
        for what, n in self.count.items():
            where = self.where[what]
            more = n - len(where)
            raise SnapshotRejected(
                f"Snapshot DTKS ditolak seluruhnya: {what} pada {_n(n)} baris ("
                + "; ".join(where)
                + (f"; dan {_n(more)} lainnya" if more > 0 else "")
                + "). Tidak ada data yang dimuat; perbaiki ekspornya lalu muat ulang."
            )


@dataclass
class Staged:
    """A snapshot read and normalised into Parquet parts, with its damage figures."""

    parts: list[Path]
    rows: int = 0
    damage: dict[str, Counter] = field(
        default_factory=lambda: {"nik": Counter(), "no_kk": Counter()}
    )
    ends_in_zero: Counter = field(default_factory=Counter)  # 16-digit values ending in 0
    problems: _Problems = field(default_factory=_Problems)

    def add(self, other: Staged) -> None:
        """Take in the figures of another table of the same snapshot."""
        self.rows += other.rows
        for col, tally in other.damage.items():
            self.damage[col].update(tally)
        self.ends_in_zero.update(other.ends_in_zero)
        for what, n in other.problems.count.items():
            self.problems.count[what] += n
            listed = self.problems.where.setdefault(what, [])
            listed += other.problems.where[what][: MAX_LISTED - len(listed)]

    @property
    def invalid_nik(self) -> int:
        """Persons whose NIK is not 16 digits (they match by name and birth date only)."""
        return sum(self.damage["nik"].values())


def load(
    store: Store,
    paths: list[Path],
    *,
    petugas: str,
    area: list[str] | None = None,
    large_change: bool = False,
    max_close_share: float = register.DEFAULT_MAX_CLOSE_SHARE,
    max_damage_share: float = DEFAULT_MAX_DAMAGE_SHARE,
    kabkota: str | None = None,
) -> register.LoadResult:
    """Read, check and merge a snapshot (several files = one snapshot), all or nothing."""
    prefixes = register.parse_area(area) if area else None
    for stale in store.path.parent.glob(".snapshot-*"):  # left by a killed load
        shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=".snapshot-", dir=store.path.parent))
    try:
        staged = read(paths, work, register.register_columns(store), max_damage_share)
        result = register.load_staged(
            store,
            staged.parts,
            [p.name for p in paths],
            petugas=petugas,
            area=prefixes,
            large_change=large_change,
            max_close_share=max_close_share,
            kabkota=kabkota,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result.invalid_nik = staged.invalid_nik
    return result


def read(
    paths: list[Path],
    work: Path,
    in_register: dict[str, int] | None = None,
    max_damage_share: float = DEFAULT_MAX_DAMAGE_SHARE,
) -> Staged:
    """Every file's DTKS tables, normalised chunk by chunk into Parquet parts under work/."""
    sources = [s for p in paths for s in _sources(p)]
    _refuse_missing_columns(sources, in_register or {})
    staged = Staged(parts=[])
    for i, src in enumerate(sources):
        part = work / f"part-{i:04d}.parquet"
        try:
            found = _read_source(src, part, fast=True)
        except _Ragged:  # rows of another width than the header: again, the slow way
            found = _read_source(src, part, fast=False)
        staged.add(found)
        staged.parts.append(part)
    if staged.rows == 0:
        raise SnapshotRejected(
            "Snapshot DTKS ditolak: "
            + ", ".join(p.name for p in paths)
            + " tidak memuat satu baris data pun (hanya judul kolom). Ekspor ulang DTKS dari "
            "SIKS-NG."
        )
    staged.problems.raise_first()
    _refuse_damaged_ids(staged, max_damage_share)
    return staged


def _read_source(src: _Source, part: Path, fast: bool) -> Staged:
    """One table normalised into one Parquet part (written anew on every call)."""
    found = Staged(parts=[part])
    with pq.ParquetWriter(part, SCHEMA, compression="none", use_dictionary=False) as writer:
        for chunk in _chunks(src, fast):
            table = _normalise(chunk, src, found)
            if table.num_rows:
                writer.write_table(table)
    return found


# ---------------------------------------------------------------- finding the tables


def _sources(path: Path) -> list[_Source]:
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        grids = [_csv_head(path)]
    elif suffix in EXCEL_SUFFIXES:
        grids = _excel_heads(path)
    else:
        raise SnapshotRejected(
            f"Snapshot DTKS ditolak: {path.name}: jenis berkas '{suffix}' tidak didukung. "
            "Gunakan ekspor DTKS CSV atau XLSX."
        )
    found = []
    for grid in grids:
        # a blank last row: the table finder also copes with a header-only sample then
        grid.rows.append([])
        table = layout.find_table(grid, scan_rows=SCAN_ROWS)
        if table is None or table.kind != "dtks":
            continue
        src = _Source(path, grid.sheet, table.header_row, table.columns, table.headers)
        missing = [c for c in REQUIRED if c not in src.columns.values()]
        if missing:
            names = ", ".join(LABELS.get(m, m.upper()) for m in missing)
            raise SnapshotRejected(
                f"Snapshot DTKS ditolak: {src.where} tidak memiliki kolom {names}. "
                "Ekspor ulang DTKS dengan kolom lengkap."
            )
        found.append(src)
    if not found:
        raise SnapshotRejected(
            f"Snapshot DTKS ditolak: {path.name} tidak memuat tabel ekspor DTKS (kolom ID DTKS "
            "dan NIK tidak ditemukan). Gunakan berkas ekspor DTKS dari SIKS-NG."
        )
    return found


def _refuse_missing_columns(sources: list[_Source], in_register: dict[str, int]) -> None:
    """A column the register holds, or another file of the snapshot has, must be in every
    table: a missing column would empty it for everyone in that table."""
    wanted = set(in_register) | {c for s in sources for c in s.columns.values()}
    for src in sources:
        lacking = [c for c in SNAPSHOT_COLUMNS if c in wanted and c not in src.columns.values()]
        if not lacking:
            continue
        names = ", ".join(
            LABELS.get(c, c.upper())
            + (f" ({_n(in_register[c])} orang terisi di register)" if c in in_register else "")
            for c in lacking
        )
        raise SnapshotRejected(
            f"Snapshot DTKS ditolak: {src.where} tidak memiliki kolom {names}. Memuatnya akan "
            "mengosongkan kolom itu untuk semua orang di berkas ini. Tidak ada data yang "
            "dimuat; ekspor ulang DTKS dengan kolom lengkap."
        )


@functools.cache
def _encoding_of(path: Path, size: int, mtime: int) -> str:  # noqa: ARG001 (cache key)
    return _encoding(path)


def _encoding(path: Path) -> str:
    """UTF-8 when the whole file decodes as UTF-8 (checked in blocks), else Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while block := fh.read(CSV_BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    except OSError as exc:
        raise SnapshotRejected(
            f"Snapshot DTKS ditolak: {path.name} tidak dapat dibuka ({exc.strerror})."
        ) from exc
    return "utf-8"


def _csv_head(path: Path) -> Grid:
    """The first rows of a CSV file, enough to find its header."""
    with path.open("rb") as fh:
        raw = fh.read(1 << 20)
    encoding = _file_encoding(path)
    text = raw.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="ignore")
    if not text.strip():
        raise SnapshotRejected(f"Snapshot DTKS ditolak: {path.name}: berkas kosong.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows: list[list[Any]] = []
    try:
        for record in reader:
            rows.append(record)
            if len(rows) > SCAN_ROWS:
                break
    except csv.Error as exc:
        raise SnapshotRejected(
            f"Snapshot DTKS ditolak: {path.name}: CSV tidak dapat dibaca pada baris "
            f"{reader.line_num}: {exc}."
        ) from exc
    return Grid("", rows, 1)


def _excel_heads(path: Path) -> list[Grid]:
    try:
        with Workbook(path) as wb:
            grids = []
            for sheet in worksheets(wb):
                rows = []
                for row in sheet.iter_rows():
                    rows.append(row)
                    if len(rows) > SCAN_ROWS:
                        break
                grids.append(Grid(sheet.name, rows, first_row(sheet)))
            return grids
    except FileProblem as exc:
        raise SnapshotRejected(f"Snapshot DTKS ditolak: {exc}") from exc


# ---------------------------------------------------------------- streaming the rows


@dataclass
class _Chunk:
    """Raw cells of consecutive rows: canonical column -> cells, and their row numbers."""

    cells: dict[str, np.ndarray]
    rows: np.ndarray
    first: bool  # the rows right under the header


def _chunks(src: _Source, fast: bool = True) -> Iterator[_Chunk]:
    """The table's rows in chunks, with rows after the last full row carried to the next
    chunk, so a signature block under the table is recognised however the chunks fall.

    A CSV goes through pyarrow (fast), which raises _Ragged on a row of another width than
    the header; fast=False reads it with the csv module (slower, pads short rows as the
    ingest reader does)."""
    if src.path.suffix.lower() not in CSV_SUFFIXES:
        raw = _excel_chunks(src)
    else:
        raw = _csv_chunks_arrow(src) if fast else _csv_chunks_python(src)
    carry: _Chunk | None = None
    for chunk in raw:
        if carry is not None:
            chunk = _Chunk(
                {c: np.concatenate([carry.cells[c], v]) for c, v in chunk.cells.items()},
                np.concatenate([carry.rows, chunk.rows]),
                carry.first,
            )
        keep, rest = _split_data_rows(chunk, src)
        carry = rest
        if keep is not None:
            yield keep
    # rows past the last one with two identity cells: a signature block, left out


def _split_data_rows(chunk: _Chunk, src: _Source) -> tuple[_Chunk | None, _Chunk | None]:
    """(data rows, rows held back) as ingest/layout.py picks them (see _mark_data_rows)."""
    n = np.zeros(len(chunk.rows), dtype=np.int64)
    ident = [c for c in chunk.cells if c in IDENTITY]
    blank = {c: _blank(chunk.cells[c]) for c in ident}
    for c in ident:
        n += ~blank[c]
    header = {name: src.headers[i] for i, name in src.columns.items()}
    repeat = n >= 2
    for c in ident:
        repeat &= blank[c] | (chunk.cells[c] == header[c])
    keep = (n > 0) & ~repeat
    candidates = np.flatnonzero(keep)
    if chunk.first:
        while len(candidates) and layout._is_numbering_row(
            [chunk.cells[c][candidates[0]] for c in ident]
        ):
            candidates = candidates[1:]
    full = np.flatnonzero(n[candidates] >= 2)
    last = full[-1] + 1 if len(full) else 0
    held = candidates[last:]
    data = candidates[:last]
    first_left = chunk.first and not len(data)
    rest = _take(chunk, held, first_left) if len(held) else None
    return (_take(chunk, data, False) if len(data) else None), rest


def _take(chunk: _Chunk, rows: np.ndarray, first: bool) -> _Chunk:
    return _Chunk({c: v[rows] for c, v in chunk.cells.items()}, chunk.rows[rows], first)


def _blank(cells: np.ndarray) -> np.ndarray:
    return pd.isna(cells) | (cells == "")


class _Ragged(Exception):
    """A CSV row has more or fewer cells than the header."""


def _file_encoding(path: Path) -> str:
    """_encoding, read once per file version."""
    st = path.stat()
    return _encoding_of(path, st.st_size, st.st_mtime_ns)


def _csv_layout(src: _Source) -> tuple[str, str]:
    encoding = _file_encoding(src.path)
    with src.path.open("rb") as fh:
        head = fh.read(1 << 20).decode(
            "utf-8-sig" if encoding == "utf-8" else encoding, errors="ignore"
        )
    return encoding, sniff_delimiter(head)


def _csv_chunks_arrow(src: _Source) -> Iterator[_Chunk]:
    encoding, delimiter = _csv_layout(src)
    width = len(src.headers)
    names = [f"c{i}" for i in range(width)]
    wanted = {f"c{i}": name for i, name in src.columns.items()}
    reader, ragged = text_csv(
        src.path,
        skip_rows=src.header_row,
        names=names,
        wanted=list(wanted),
        encoding=encoding,
        delimiter=delimiter,
        block_size=CSV_BLOCK,
    )
    done = 0
    first = True
    for batch in reader:
        if ragged:
            raise _Ragged
        n = batch.num_rows
        cells = {wanted[name]: _objects(batch.column(name)) for name in batch.schema.names}
        yield _Chunk(cells, src.header_row + 1 + done + np.arange(n), first)
        done += n
        first = False
    if ragged:
        raise _Ragged


def _objects(column: pa.Array) -> np.ndarray:
    """An Arrow text column as Python strings (shared per value when dictionary-encoded)."""
    if pa.types.is_dictionary(column.type):
        return column.dictionary.to_numpy(zero_copy_only=False)[column.indices.to_numpy()]
    return column.to_numpy(zero_copy_only=False)


def _csv_chunks_python(src: _Source) -> Iterator[_Chunk]:
    encoding, delimiter = _csv_layout(src)
    with src.path.open("r", encoding="utf-8-sig" if encoding == "utf-8" else encoding,
                       errors="replace", newline="") as fh:  # fmt: skip
        reader = csv.reader(fh, delimiter=delimiter)
        for _ in range(src.header_row):
            next(reader, None)
        yield from _list_chunks(src, reader, src.header_row + 1)


def _excel_chunks(src: _Source) -> Iterator[_Chunk]:
    with Workbook(src.path) as wb:
        sheet = wb.get_sheet_by_name(src.sheet)
        rows = sheet.iter_rows()
        first = first_row(sheet)
        for _ in range(src.header_row - first + 1):
            next(rows, None)
        yield from _list_chunks(src, rows, src.header_row + 1)


def _list_chunks(src: _Source, rows: Iterator[list[Any]], start: int) -> Iterator[_Chunk]:
    """Rows as lists (csv module, calamine) -> chunks of CHUNK_ROWS."""
    width = max(src.columns) + 1
    done = 0
    while True:
        block = []
        for row in rows:
            block.append(row)
            if len(block) >= CHUNK_ROWS:
                break
        if not block:
            return
        grid = np.empty((len(block), max(width, max(map(len, block)))), dtype=object)
        try:
            grid[:] = block
        except ValueError:  # ragged rows: pad with empty cells
            w = grid.shape[1]
            grid[:] = [[*r, *([None] * (w - len(r)))] for r in block]
        cells = {name: grid[:, i] for i, name in src.columns.items()}
        yield _Chunk(cells, start + done + np.arange(len(block)), done == 0)
        done += len(block)


# ---------------------------------------------------------------- normalising a chunk


def _normalise(chunk: _Chunk, src: _Source, staged: Staged) -> pa.Table:
    n = len(chunk.rows)
    rows = chunk.rows
    out: dict[str, Any] = {}
    ids, _ = normalise_column(chunk.cells["id_dtks"], text_value, fast_text)
    staged.problems.add("ID DTKS kosong", src, rows[ids.is_null().to_numpy(zero_copy_only=False)])
    out["id_dtks"] = ids
    for col in [*PERSON_COLUMNS, "kode_wilayah"]:
        if col not in chunk.cells:
            out[col] = pa.nulls(n, out_type(col))
            continue
        values, bad = normalise(col, chunk.cells[col])
        if col in STRICT:
            staged.problems.add(f"nilai {LABELS[col]} tidak dapat dibaca", src, rows[bad.rows])
        if col in ("nik", "no_kk"):
            _count_damage(values, bad, staged, col)
        out[col] = values
    for col in FLAGS:
        if col in chunk.cells:
            values, _ = normalise_column(chunk.cells[col], parse_yes_no)
            out[col] = pc.equal(values, "YA")
        else:
            out[col] = pa.nulls(n, pa.bool_())
    out["source_file"] = pa.array(np.full(n, src.path.name, dtype=object), TEXT)
    out["source_sheet"] = pa.array(np.full(n, src.sheet, dtype=object), TEXT)
    out["source_row"] = pa.array(rows, pa.int64())
    staged.rows += n
    return pa.Table.from_pydict(out, schema=SCHEMA)


def _count_damage(values: pa.Array, bad: Problems, staged: Staged, col: str) -> None:
    """Tally the NIK or KK cells that are not 16 digits, by kind of damage."""
    tally = staged.damage[col]
    coded = np.zeros(len(values), dtype=bool)
    coded[bad.rows] = True
    for code, k in Counter(bad.codes.tolist()).items():
        tally[code] += k
    null = values.is_null().to_numpy(zero_copy_only=False)
    tally["kosong"] += int((null & ~coded).sum())
    length = pc.fill_null(pc.utf8_length(values), 0).to_numpy(zero_copy_only=False)
    tally["15_digit"] += int(((length == 15) & ~null).sum())
    tally["bukan_16_digit"] += int(((length != 15) & (length != 16) & ~null).sum())
    sixteen = pc.fill_null(sixteen_digits(values), False)
    staged.ends_in_zero[col] += int(
        pc.sum(pc.and_(sixteen, pc.ends_with(pc.fill_null(values, ""), "0"))).as_py() or 0
    )
    staged.ends_in_zero[f"{col}_16"] += int(pc.sum(sixteen).as_py() or 0)


def _refuse_damaged_ids(staged: Staged, share: float) -> None:
    """Refuse a snapshot whose NIK or KK column is mostly damaged."""
    for col in ("nik", "no_kk"):
        tally = staged.damage[col]
        damaged = sum(tally.values())
        sixteen = staged.ends_in_zero[f"{col}_16"]
        zero = staged.ends_in_zero[col]
        # NIK and KK serials end in 0 about one time in ten; most ending in 0 means Excel
        # turned the column into numbers and kept 15 digits (the last written as 0)
        cut = sixteen >= 20 and zero > 0.5 * sixteen
        if damaged <= share * staged.rows and not cut:
            continue
        label = LABELS[col]
        kinds = "; ".join(
            f"{DAMAGE_LABELS.get(k, k)}: {_n(v)}" for k, v in tally.most_common() if v
        )
        detail = f"{label} rusak pada {_n(damaged)} dari {_n(staged.rows)} baris " + (
            f"({_pct(damaged, staged.rows)}; {kinds})" if damaged else ""
        )
        if cut:
            detail += (
                f"{'; ' if damaged else ''}{_n(zero)} dari {_n(sixteen)} {label} 16 digit "
                "berakhiran 0 (tanda digit terakhir dipotong Excel)"
            )
        raise SnapshotRejected(
            f"Snapshot DTKS ditolak seluruhnya: kolom {label} sebagian besar rusak: {detail}. "
            f"Batas: {share * 100:g}% baris. Tidak ada data yang dimuat. Ekspor ulang dari "
            f"SIKS-NG tanpa membuka dan menyimpan berkasnya di Excel (Excel mengubah {label} "
            "menjadi angka), atau simpan kolom itu sebagai teks."
        )


def _n(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%".replace(".", ",") if b else "0%"
