"""Find the table in a grid: the header row, the canonical column of each cell, the data rows.

Header cells are matched case-, space- and punctuation-insensitively against the spellings
seen in real kelurahan files (DOMAIN.md). Title rows above the header, a NO column, blank
columns and a signature block under the table are recognised and left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pipelines.ingest.read import Grid
from pipelines.normalize import is_missing

ALIASES: dict[str, list[str]] = {
    "id_dtks": ["ID DTKS", "IDDTKS", "ID_DTKS", "ID ART DTKS"],
    "nik": ["NIK", "NO NIK", "NOMOR NIK", "NIK ART", "No. NIK", "Nomor Induk Kependudukan",
            "NIK KTP", "NO. INDUK KEPENDUDUKAN"],
    "no_kk": ["NO KK", "NOMOR KK", "No. KK", "NOKK", "Nomor Kartu Keluarga",
              "NO. KARTU KELUARGA", "NO KARTU KELUARGA", "NIK KK", "KK"],
    "nama": ["NAMA", "NAMA LENGKAP", "NAMA ART", "NAMA ANGGOTA KELUARGA", "NAMA PENDUDUK"],
    "tempat_lahir": ["TEMPAT LAHIR", "TMP LAHIR", "TMPT LAHIR", "TEMPAT"],
    "tanggal_lahir": ["TANGGAL LAHIR", "TGL LAHIR", "TGL. LAHIR", "TANGGAL_LAHIR", "TGLLAHIR"],
    "jenis_kelamin": ["JENIS KELAMIN", "JK", "L/P", "KELAMIN", "SEX"],
    "hubungan_keluarga": ["HUBUNGAN KELUARGA", "HUB KELUARGA", "HUB. KELUARGA",
                          "HUBUNGAN DENGAN KEPALA KELUARGA", "SHDK", "HUBUNGAN DGN KK",
                          "STATUS DALAM KELUARGA", "HUBUNGAN"],
    "nama_ibu_kandung": ["NAMA IBU KANDUNG", "NAMA IBU", "IBU KANDUNG"],
    "alamat": ["ALAMAT", "ALAMAT LENGKAP", "ALAMAT RUMAH"],
    "rt": ["RT"],
    "rw": ["RW"],
    "status_kawin": ["STATUS KAWIN", "STATUS PERKAWINAN", "STATUS NIKAH", "PERKAWINAN"],
    "pekerjaan": ["PEKERJAAN", "JENIS PEKERJAAN", "PEKERJAAN UTAMA"],
    "kode_wilayah": ["KODE WILAYAH", "KODE DESA", "KODE KELURAHAN", "KODE DESA/KELURAHAN",
                     "KODE WIL"],
    "pkh": ["PKH", "STATUS PKH", "PENERIMA PKH"],
    "bpnt": ["BPNT", "STATUS BPNT", "PENERIMA BPNT", "SEMBAKO"],
    "pbi": ["PBI", "PBI JK", "PBI-JK", "STATUS PBI", "PENERIMA PBI"],
    # musyawarah (berita acara) tables
    "nama_kepala_keluarga": ["NAMA KEPALA KELUARGA", "NAMA KK", "KEPALA KELUARGA",
                             "NAMA KEPALA RUMAH TANGGA", "NAMA KRT"],
    "keputusan": ["KEPUTUSAN", "HASIL MUSYAWARAH", "HASIL", "KEPUTUSAN MUSYAWARAH",
                  "HASIL MUSDES", "HASIL MUSKEL", "STATUS KELAYAKAN", "KELAYAKAN",
                  "HASIL VERIFIKASI MUSYAWARAH"],
    "keterangan": ["KETERANGAN", "KET", "KET.", "CATATAN"],
    "jumlah_art": ["JUMLAH ART", "JML ART", "JUMLAH ANGGOTA KELUARGA", "JML ANGGOTA"],
    "no": ["NO", "NO.", "NO URUT", "NOMOR URUT", "NOMOR"],
}  # fmt: skip

PERSON_FIELDS = ["nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "hubungan_keluarga"]
# the cells that make a row a data row (see _mark_data_rows), per kind of table
IDENTITY = {
    "prelist": set(PERSON_FIELDS),
    "dtks": {"id_dtks", *PERSON_FIELDS},
    "musyawarah": {"no_kk", "nik", "nama_kepala_keluarga", "keputusan"},
}


def header_key(text: Any) -> str:
    """'No. NIK ' -> 'NONIK': the form header cells are compared in."""
    return re.sub(r"[^A-Z0-9]", "", str(text).upper()) if not is_missing(text) else ""


_LOOKUP = {header_key(a): canon for canon, names in ALIASES.items() for a in names}


@dataclass
class Table:
    """A recognised table in one sheet."""

    kind: str  # 'prelist', 'musyawarah' or 'dtks'
    grid: Grid
    header_index: int  # index in grid.rows
    columns: dict[int, str]  # column index -> canonical name
    headers: list[str]  # the header cells as typed
    data_index: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    ignored_rows: int = 0  # rows under the table taken as signature block / notes
    cells: dict[int, np.ndarray] = field(default_factory=dict)  # column -> body cells

    @property
    def header_row(self) -> int:
        return self.grid.first_row + self.header_index

    def frame(self) -> pd.DataFrame:
        """Data rows as a DataFrame of raw cells, canonical column names, plus source_row."""
        rows = self.data_index
        if len(rows) and rows[-1] - rows[0] == len(rows) - 1:  # no gaps: views, not copies
            rows = slice(rows[0], rows[-1] + 1)
        df = pd.DataFrame(
            {self.columns[c]: self.cells[c][rows] for c in sorted(self.columns)},
            dtype=object,
            copy=False,
        )
        df["source_row"] = self.grid.first_row + self.header_index + 1 + self.data_index
        return df


def map_header(row: list[Any]) -> dict[int, str]:
    """Column index -> canonical name for the cells of a header row (first wins)."""
    out: dict[int, str] = {}
    seen: set[str] = set()
    for i, cell in enumerate(row):
        canon = _LOOKUP.get(header_key(cell))
        if canon and canon not in seen:
            out[i] = canon
            seen.add(canon)
    return out


def classify(columns: set[str], title_text: str) -> str | None:
    """The kind of table a header describes, or None."""
    if "keputusan" in columns and ("no_kk" in columns or "nik" in columns):
        return "musyawarah"
    if "id_dtks" in columns and "nik" in columns:
        return "dtks"
    if "nik" in columns and "nama" in columns:
        return "prelist"
    if "BERITAACARA" in title_text and "no_kk" in columns:
        return "musyawarah"
    return None


def find_table(grid: Grid, scan_rows: int = 40) -> Table | None:
    """The first recognisable table of a sheet, or None (an instructions sheet, say)."""
    best: tuple[int, int, dict[int, str]] | None = None
    for i, row in enumerate(grid.rows[:scan_rows]):
        mapping = map_header(row)
        score = len(set(mapping.values()) - {"no", "keterangan"})
        if score >= 2 and (best is None or score > best[0]):
            best = (score, i, mapping)
    if best is None:
        return None
    _, hi, mapping = best
    title = header_key(" ".join(str(c) for r in grid.rows[:hi] for c in r if not is_missing(c)))
    kind = classify(set(mapping.values()), title)
    if kind is None:
        return None
    table = Table(kind, grid, hi, mapping, [str(c) for c in grid.rows[hi]])
    _mark_data_rows(table)
    return table


def _mark_data_rows(table: Table) -> None:
    """Pick the data rows under the header, column-wise (a million rows take a second).

    Identity cells are NIK, NO KK, NAMA, TANGGAL LAHIR, JENIS KELAMIN and HUBUNGAN
    (IDENTITY). A row with none of them (blank, a NO number alone) is not a person, nor is a
    repeat of the header or a column-numbering row. Past the last row holding two or more
    identity cells, rows are the signature block ("Mengetahui, Lurah ...") and are counted as
    ignored; above it, a row with a single identity cell is a person with missing data and is
    kept, so it gets an outcome.
    """
    body = _as_array(table.grid.rows[table.header_index + 1 :], max(table.columns) + 1)
    table.cells = {c: body[:, c] for c in table.columns}
    key_cols = [c for c, name in table.columns.items() if name in IDENTITY[table.kind]]
    # identity cells per row, counted up to two: rows with a NIK and a No KK (nearly all)
    # need no look at the other columns
    n = np.zeros(len(body), dtype=np.int64)
    todo = np.arange(len(body))
    for c in key_cols:
        n[todo] += ~_blank(_rows(table.cells[c], todo))
        todo = todo[n[todo] < 2]
    # a repeat of the header: every identity cell blank or as in the header (narrowed column
    # by column, so only the few rows still in question are compared)
    repeat = np.flatnonzero(n >= 2)
    for c in key_cols:
        cells = _rows(table.cells[c], repeat)
        repeat = repeat[_blank(cells) | (cells == table.headers[c])]
    keep = n > 0
    keep[repeat] = False
    candidates = np.flatnonzero(keep)
    # a '(1) (2) (3)' numbering row sits right under the header
    while len(candidates) and _is_numbering_row([table.cells[c][candidates[0]] for c in key_cols]):
        candidates = candidates[1:]
    full = np.flatnonzero(n[candidates] >= 2)
    last_full = full[-1] if len(full) else -1
    table.data_index = candidates[: last_full + 1]
    table.ignored_rows = len(candidates) - (last_full + 1)


def _blank(cells: np.ndarray) -> np.ndarray:
    return pd.isna(cells) | (cells == "")


def _rows(column: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """column[rows], without copying a million cells when rows are all of them."""
    return column if len(rows) == len(column) else column[rows]


def _as_array(body: list[list[Any]], min_width: int) -> np.ndarray:
    """The rows as a 2-D object array (3x faster than transposing the lists)."""
    width = max(min_width, len(body[0]) if body else 0)
    grid = np.empty((len(body), width), dtype=object)
    if not body:  # a header with nothing under it (an empty template)
        return grid
    # spreadsheet rows all have the sheet's width; ragged CSV rows are padded with empty
    # cells (numpy would broadcast them: a row of one cell copied across, or a row as a list)
    if len(set(map(len, body))) == 1 and len(body[0]) == width:
        grid[:] = body
        return grid
    width = max(width, *map(len, body))
    grid = np.empty((len(body), width), dtype=object)
    grid[:] = [[*r, *([None] * (width - len(r)))] for r in body]
    return grid


def _is_numbering_row(vals: list[Any]) -> bool:
    """The '(1) (2) (3)' or '1 2 3' row some templates put under the header."""
    vals = [v for v in vals if not is_missing(v)]
    if len(vals) < 3:
        return False
    nums = []
    for v in vals:
        s = str(v).strip().strip("()")
        try:
            nums.append(int(float(s)))
        except ValueError:
            return False
    return all(0 < n < 60 for n in nums) and nums == sorted(nums)
