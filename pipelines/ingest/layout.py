"""Find the table in a grid: the header row, the canonical column of each cell, the data rows.

Header cells are matched case-, space- and punctuation-insensitively against the spellings
seen in real kelurahan files (DOMAIN.md). Title rows above the header, a NO column, blank
columns and a signature block under the table are recognised and left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

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
    data_index: list[int] = field(default_factory=list)  # indexes in grid.rows of data rows
    ignored_rows: int = 0  # rows under the table taken as signature block / notes

    @property
    def header_row(self) -> int:
        return self.grid.first_row + self.header_index

    def frame(self) -> pd.DataFrame:
        """Data rows as a DataFrame of raw cells, canonical column names, plus source_row."""
        cols = sorted(self.columns)
        data: dict[str, list[Any]] = {self.columns[c]: [] for c in cols}
        rows = self.grid.rows
        for i in self.data_index:
            row = rows[i]
            for c in cols:
                data[self.columns[c]].append(row[c] if c < len(row) else None)
        df = pd.DataFrame(data, dtype=object)
        df["source_row"] = [self.grid.first_row + i for i in self.data_index]
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
    """Pick the data rows under the header.

    A row with no identity cell at all (blank, a NO number alone, a repeated header) is not a
    person. Past the last row holding two or more identity cells, rows are the signature block
    ("Mengetahui, Lurah ...") and are counted as ignored; above it, a row with a single
    identity cell is a person with missing data and is kept, so it gets an outcome.
    """
    key_cols = [c for c, name in table.columns.items() if name not in ("no", "keterangan")]
    header_keys = {header_key(h) for h in table.headers}
    filled: list[tuple[int, int]] = []
    for i in range(table.header_index + 1, len(table.grid.rows)):
        row = table.grid.rows[i]
        n = sum(1 for c in key_cols if c < len(row) and not is_missing(row[c]))
        if n == 0:
            continue
        if n >= 2 and all(
            header_key(row[c]) in header_keys
            for c in key_cols
            if c < len(row) and not is_missing(row[c])
        ):
            continue  # header repeated (e.g. a page break) or column numbering row
        if _is_numbering_row(row, key_cols):
            continue
        filled.append((i, n))
    last_full = max((k for k, (_, n) in enumerate(filled) if n >= 2), default=-1)
    table.data_index = [i for i, _ in filled[: last_full + 1]]
    table.ignored_rows = len(filled) - (last_full + 1)


def _is_numbering_row(row: list[Any], key_cols: list[int]) -> bool:
    """The '(1) (2) (3)' or '1 2 3' row some templates put under the header."""
    vals = [row[c] for c in key_cols if c < len(row) and not is_missing(row[c])]
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
