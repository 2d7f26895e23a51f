"""Find the table in a grid: the header row, the canonical column of each cell, the data rows.

Header cells are matched case-, space- and punctuation-insensitively against the spellings
seen in real kelurahan files (docs/domain.md, Files as the kelurahan make them). Title rows above the header, a NO column, blank
columns and a signature block under the table are recognised and left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pipelines.ingest import content
from pipelines.ingest.content import Read
from pipelines.ingest.read import Grid
from pipelines.normalize.values import is_missing

ALIASES: dict[str, list[str]] = {
    "id_dtks": ["ID DTKS", "IDDTKS", "ID_DTKS", "ID ART DTKS"],
    "nik": ["NIK", "NO NIK", "NOMOR NIK", "NIK ART", "No. NIK", "Nomor Induk Kependudukan",
            "NIK KTP", "NO. INDUK KEPENDUDUKAN", "NIK ANGGOTA", "NIK ANGGOTA KELUARGA",
            "NOMOR NIK ART", "NIK PENDUDUK", "NO KTP", "NOMOR KTP"],
    "no_kk": ["NO KK", "NOMOR KK", "No. KK", "NOKK", "Nomor Kartu Keluarga",
              "NO. KARTU KELUARGA", "NO KARTU KELUARGA", "KK", "NKK", "NOMOR KARTU KK",
              "NO KARTU KK", "KARTU KELUARGA", "NOMOR KK KELUARGA"],
    # DTSEN-era files: 'NIK KK' is the head's NIK, not the card number
    "nik_kepala_keluarga": ["NIK KK", "NIK KEPALA KELUARGA", "NIK KRT", "NIK KEPALA RUMAH TANGGA",
                            "NIK KEP KELUARGA", "NIK KEPALA"],
    "nama": ["NAMA", "NAMA LENGKAP", "NAMA ART", "NAMA ANGGOTA KELUARGA", "NAMA PENDUDUK",
             "NAMA ANGGOTA", "NAMA SESUAI KTP", "NAMA LENGKAP ART"],
    "tempat_lahir": ["TEMPAT LAHIR", "TMP LAHIR", "TMPT LAHIR", "TEMPAT", "TPT LAHIR"],
    "tanggal_lahir": ["TANGGAL LAHIR", "TGL LAHIR", "TGL. LAHIR", "TANGGAL_LAHIR", "TGLLAHIR",
                      "TGL LHR", "TANGGAL LHR", "TGL/BLN/THN LAHIR", "TANGGAL/BULAN/TAHUN LAHIR"],
    "jenis_kelamin": ["JENIS KELAMIN", "JK", "L/P", "KELAMIN", "SEX", "JNS KELAMIN", "JNS KEL",
                      "J/K", "JENKEL"],
    "hubungan_keluarga": ["HUBUNGAN KELUARGA", "HUB KELUARGA", "HUB. KELUARGA",
                          "HUBUNGAN DENGAN KEPALA KELUARGA", "SHDK", "HUBUNGAN DGN KK",
                          "STATUS DALAM KELUARGA", "HUBUNGAN", "HUB KEL", "HUB DGN KK",
                          "HUBUNGAN DENGAN KRT", "HUB DGN KRT", "STATUS HUBUNGAN DALAM KELUARGA",
                          "HUBUNGAN DENGAN KEPALA RUMAH TANGGA", "STATUS HUBUNGAN",
                          "STATUS HUBUNGAN KELUARGA"],
    "nama_ibu_kandung": ["NAMA IBU KANDUNG", "NAMA IBU", "IBU KANDUNG"],
    "alamat": ["ALAMAT", "ALAMAT LENGKAP", "ALAMAT RUMAH", "ALAMAT DOMISILI", "ALAMAT KTP"],
    "rt": ["RT", "RT KTP"],
    "rw": ["RW", "RW KTP"],
    "status_kawin": ["STATUS KAWIN", "STATUS PERKAWINAN", "STATUS NIKAH", "PERKAWINAN",
                     "STS KAWIN", "STATUS PERNIKAHAN"],
    "pekerjaan": ["PEKERJAAN", "JENIS PEKERJAAN", "PEKERJAAN UTAMA", "PEKERJAAN KTP"],
    "kode_wilayah": ["KODE WILAYAH", "KODE DESA", "KODE KELURAHAN", "KODE DESA/KELURAHAN",
                     "KODE WIL"],
    "pkh": ["PKH", "STATUS PKH", "PENERIMA PKH"],
    "bpnt": ["BPNT", "STATUS BPNT", "PENERIMA BPNT", "SEMBAKO"],
    "pbi": ["PBI", "PBI JK", "PBI-JK", "STATUS PBI", "PENERIMA PBI"],
    # optional fields of SIKS-NG's proposal form (issue 17 item 4; pipelines/proposal.py)
    "dusun": ["DUSUN", "NAMA DUSUN", "LINGKUNGAN", "DUSUN/LINGKUNGAN", "BANJAR", "JORONG"],
    "jenis_disabilitas": ["JENIS DISABILITAS", "DISABILITAS", "PENYANDANG DISABILITAS",
                          "RAGAM DISABILITAS", "JENIS CACAT", "KECACATAN", "DIFABEL"],
    "usul_pkh": ["USUL PKH", "USULAN PKH", "DIUSULKAN PKH", "KELAYAKAN PKH", "LAYAK PKH"],
    "usul_sembako": ["USUL BPNT", "USUL SEMBAKO", "USULAN BPNT", "USULAN SEMBAKO",
                     "USUL BPNT/SEMBAKO", "USULAN BPNT/SEMBAKO", "KELAYAKAN BPNT", "LAYAK BPNT",
                     "LAYAK SEMBAKO"],
    "usul_pbi": ["USUL PBI", "USUL PBI-JK", "USUL PBI JK", "USULAN PBI", "USULAN PBI-JK",
                 "USULAN PBI JK", "KELAYAKAN PBI", "LAYAK PBI"],
    "alasan_usul": ["ALASAN USUL", "ALASAN USULAN", "ALASAN DIUSULKAN", "ALASAN PENGUSULAN",
                    "ALASAN USUL / ISI SANGGAHAN", "ISI SANGGAHAN"],
    # usul and sanggah recorded by the Dinas itself (issue 17 item 7; pipelines/intake.py)
    "jenis_usul": ["JENIS USUL", "USUL/SANGGAH", "USUL ATAU SANGGAH", "JENIS PENGAJUAN"],
    "kanal": ["KANAL", "KANAL PENGAJUAN", "KANAL USUL", "SALURAN", "SUMBER USULAN"],
    "tanggal_terima": ["TANGGAL TERIMA", "TGL TERIMA", "TANGGAL DITERIMA"],
    "dok_kk": ["DOK KK", "FC KK", "FOTOKOPI KK"],
    "dok_ktp": ["DOK KTP", "FC KTP", "FOTOKOPI KTP"],
    "dok_sktm": ["DOK SKTM", "DOKUMEN SKTM", "SKTM", "SURAT KETERANGAN TIDAK MAMPU"],
    "dok_foto_rumah": ["DOK FOTO RUMAH", "DOKUMEN FOTO RUMAH", "FOTO RUMAH"],
    # musyawarah (berita acara) tables
    "nama_kepala_keluarga": ["NAMA KEPALA KELUARGA", "NAMA KK", "KEPALA KELUARGA",
                             "NAMA KEPALA RUMAH TANGGA", "NAMA KRT", "NAMA KEPALA"],
    "keputusan": ["KEPUTUSAN", "HASIL MUSYAWARAH", "HASIL", "KEPUTUSAN MUSYAWARAH",
                  "HASIL MUSDES", "HASIL MUSKEL", "STATUS KELAYAKAN", "KELAYAKAN",
                  "HASIL VERIFIKASI MUSYAWARAH", "KEPUTUSAN MUSDES", "KEPUTUSAN MUSKEL",
                  "HASIL KEPUTUSAN", "HASIL MUSYAWARAH DESA", "HASIL MUSYAWARAH KELURAHAN",
                  "KEPUTUSAN RAPAT", "HASIL RAPAT", "HASIL VERIFIKASI LAPANGAN",
                  "HASIL VERIFIKASI"],
    "keterangan": ["KETERANGAN", "KET", "KET.", "CATATAN", "ALASAN"],
    "jumlah_art": ["JUMLAH ART", "JML ART", "JUMLAH ANGGOTA KELUARGA", "JML ANGGOTA"],
    # read and left alone: named so that their numbers are never taken for RT or a code
    "desil": ["DESIL", "DESIL NASIONAL", "DESIL PROVINSI", "DESIL KABUPATEN/KOTA", "PERINGKAT",
              "DESIL KAB/KOTA", "PERINGKAT KESEJAHTERAAN"],
    "program": ["PROGRAM", "JENIS BANSOS", "BANSOS", "JENIS BANTUAN", "PROGRAM BANSOS"],
    "no": ["NO", "NO.", "NO URUT", "NOMOR URUT", "NOMOR"],
}  # fmt: skip

PERSON_FIELDS = ["nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "hubungan_keluarga"]
# the cells that make a row a data row (see _mark_data_rows), per kind of table
IDENTITY = {
    "prelist": set(PERSON_FIELDS),
    "dtks": {"id_dtks", *PERSON_FIELDS},
    "musyawarah": {"no_kk", "nik", "nik_kepala_keluarga", "kunci_id", "nama_kepala_keluarga",
                   "nama", "keputusan"},
}  # fmt: skip
_PERSON_DETAIL = {"tanggal_lahir", "jenis_kelamin", "hubungan_keluarga"}
_KEYS = {"no_kk", "nik", "nik_kepala_keluarga", "kunci_id", "nama_kepala_keluarga", "nama"}


def header_key(text: Any) -> str:
    """'No. NIK ' -> 'NONIK': the form header cells are compared in."""
    return re.sub(r"[^A-Z0-9]", "", str(text).upper()) if not is_missing(text) else ""


_LOOKUP = {header_key(a): canon for canon, names in ALIASES.items() for a in names}
_SPLIT = re.compile(r"\s*(?:/|&|\+|,|\bDAN\b)\s*", re.I)


@dataclass
class Table:
    """A recognised table in one sheet."""

    kind: str  # 'prelist', 'musyawarah' or 'dtks'
    grid: Grid
    header_index: int  # index in grid.rows of the (last) header row
    columns: dict[int, str]  # column index -> canonical name
    headers: list[str]  # the header cells as typed
    data_index: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    ignored_rows: int = 0  # rows under the table taken as signature block / notes
    cells: dict[int, np.ndarray] = field(default_factory=dict)  # column -> body cells
    reads: dict[int, Read] = field(default_factory=dict)  # column -> how it was recognised
    title: str = ""  # the text above the header, as header_key gives it

    @property
    def header_row(self) -> int:
        return self.grid.first_row + self.header_index

    @property
    def has_decisions(self) -> bool:
        """A prelist that carries the musyawarah decision per row (one file for both)."""
        return self.kind == "prelist" and "keputusan" in self.columns.values()

    def frame(self) -> pd.DataFrame:
        """Data rows as a DataFrame of raw cells, canonical column names, plus source_row."""
        index = self.data_index
        rows: np.ndarray | slice = index
        if len(index) and index[-1] - index[0] == len(index) - 1:  # no gaps: views, not copies
            rows = slice(index[0], index[-1] + 1)
        df = pd.DataFrame(
            {self.columns[c]: self.cells[c][rows] for c in sorted(self.columns)},
            dtype=object,
            copy=False,
        )
        df["source_row"] = self.grid.first_row + self.header_index + 1 + self.data_index
        return df

    def mapping(self) -> list[dict[str, str]]:
        """How each column with a header or a reading was read (for the supervisor to check)."""
        out = []
        for c in range(len(self.headers)):
            header = self.headers[c] if c < len(self.headers) else ""
            header = "" if header in ("None", "nan") else " ".join(header.split())
            read = self.reads.get(c)
            if not header and read is None:
                continue
            header = header or "(kosong)"
            out.append(
                {
                    "kolom": column_letter(c),
                    "judul": header,
                    "dibaca_sebagai": label(read.field) if read else "(tidak dipakai)",
                    "cara": {"judul": "judul kolom", "isi": "isi kolom"}.get(read.how, "")
                    if read
                    else "",
                    "catatan": read.note if read else "",
                    "periksa": "ya" if read and (read.how == "isi" or read.note) else "",
                }
            )
        return out


def column_letter(c: int) -> str:
    """0 -> 'A', 27 -> 'AB': the column as Excel names it."""
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def label(name: str) -> str:
    """The field as operators call it (NO KK, TANGGAL LAHIR, ...)."""
    from pipelines.reasons import LABELS

    return LABELS.get(name, name.replace("_", " ").upper())


def header_candidates(row: list[Any]) -> dict[int, list[str]]:
    """Column index -> the fields its header cell names: one, or two for a header such as
    'NIK / NO KK' merged over two columns (the second cell blank)."""
    out: dict[int, list[str]] = {}
    for i, cell in enumerate(row):
        canon = _LOOKUP.get(header_key(cell))
        if canon:
            out[i] = [canon]
            continue
        if is_missing(cell) or i + 1 >= len(row) or not is_missing(row[i + 1]):
            continue
        parts = [_LOOKUP.get(header_key(p)) for p in _SPLIT.split(str(cell))]
        names = list(dict.fromkeys(p for p in parts if p))
        if len(names) == 2 and len(parts) == 2:
            out[i] = out[i + 1] = names
    return out


def _named(cands: dict[int, list[str]]) -> set[str]:
    return {n for names in cands.values() for n in names}


def classify(columns: set[str], title_text: str) -> str | None:
    """The kind of table a header describes, or None."""
    if "keputusan" in columns and not columns & _PERSON_DETAIL and columns & _KEYS:
        return "musyawarah"
    if "id_dtks" in columns and "nik" in columns:
        return "dtks"
    if columns & {"nik", "no_kk"} and ("nama" in columns or len(columns & _PERSON_DETAIL) >= 2):
        return "prelist"
    if "BERITAACARA" in title_text and columns & (_KEYS - {"nama"}):
        return "musyawarah"
    return None


def find_table(grid: Grid, scan_rows: int = 40) -> Table | None:
    """The first recognisable table of a sheet, or None (an instructions sheet, say).

    The header row is the one naming the most known fields; a second header row above or
    below it (a group label merged over 'NIK' and 'NO KK', say) is folded in. Without such a
    row, the row above the first 16-digit numbers is taken. Columns the header leaves unknown
    are recognised by their values (content.py), on a sample of the rows.
    """
    best: tuple[int, int, dict[int, list[str]]] | None = None
    for i, row in enumerate(grid.rows[:scan_rows]):
        cands = header_candidates(row)
        score = len(_named(cands) - {"no", "keterangan"})
        if score >= 2 and (best is None or score > best[0]):
            best = (score, i, cands)
    if best is None:
        best = _header_by_content(grid, scan_rows)
        if best is None:
            return None
    _, hi, cands = best
    top, hi, cands, headers = _fold_second_header_row(grid, hi, cands)
    headers = [("" if is_missing(h) else str(h)) for h in headers]
    title = header_key(" ".join(str(c) for r in grid.rows[:top] for c in r if not is_missing(c)))
    width = max([len(grid.rows[hi]), *(c + 1 for c in cands)])
    body = _as_array(grid.rows[hi + 1 :], width)
    headers += [""] * (body.shape[1] - len(headers))
    named = _named(cands)
    context = "musyawarah" if "keputusan" in named or "BERITAACARA" in title else "prelist"
    if content.needs_a_look(cands, body, body.shape[1], context):
        reads = content.complete(cands, body, body.shape[1], context)
        fields = {r.field for r in reads.values()}
        if context == "prelist" and "keputusan" in fields and not fields & _PERSON_DETAIL:
            reads = content.complete(cands, body, body.shape[1], "musyawarah")
    else:
        reads = {c: Read(names[0], "judul") for c, names in cands.items()}
    columns = {c: r.field for c, r in reads.items() if r.field != "no"}
    kind = classify(set(columns.values()), title)
    if kind is None:
        return None
    table = Table(kind, grid, hi, columns, headers, reads=reads, title=title)
    _mark_data_rows(table, body)
    return table


def _fold_second_header_row(
    grid: Grid, hi: int, cands: dict[int, list[str]]
) -> tuple[int, int, dict[int, list[str]], list[str]]:
    """Fold in a header row right above or below the chosen one: 'IDENTITAS' merged over
    NIK and NO KK with the two names under it, while NAMA spans both rows.

    Returns the first and the last header row, the merged candidates and the header cells as typed (the
    lower row's text where the upper one is blank, both joined otherwise)."""
    rows = grid.rows
    text = [("" if is_missing(c) else str(c)) for c in rows[hi]]
    for other in (hi + 1, hi - 1):
        if not 0 <= other < len(rows) or not _header_like(rows[other], cands):
            continue
        more = header_candidates(rows[other])
        new = {c: n for c, n in more.items() if c not in cands and not set(n) & _named(cands)}
        if not new:
            continue
        merged = {**cands, **new}
        cells = [("" if is_missing(c) else str(c)) for c in rows[other]]
        width = max(len(text), len(cells))
        text += [""] * (width - len(text))
        cells += [""] * (width - len(cells))
        upper, lower = (text, cells) if other > hi else (cells, text)
        joined = [" ".join(x for x in (u, lo) if x) for u, lo in zip(upper, lower, strict=True)]
        return min(hi, other), max(hi, other), merged, joined
    return hi, hi, cands, [str(c) for c in rows[hi]]


def _header_like(row: list[Any], cands: dict[int, list[str]]) -> bool:
    """A second header row: text only, no digits (data rows always carry a NIK), and blank
    under most columns the first header row names (cells merged down from it)."""
    cells = [v for v in row if not is_missing(v)]
    if not cells or any(not isinstance(v, str) or _has_digit(v) for v in cells):
        return False
    under = [c for c in cands if c < len(row)]
    blank = sum(is_missing(row[c]) for c in under)
    return blank * 2 >= len(under)


def _header_by_content(grid: Grid, scan_rows: int) -> tuple[int, int, dict] | None:
    """No row names two known fields: the first rows holding 16-digit numbers are data, and
    the nearest row of text above them is the header (its columns then read by values)."""
    rows = grid.rows[: scan_rows + 6]
    for j in range(1, min(scan_rows + 1, len(rows))):
        below = rows[j : j + 3]
        ids = [sum(bool(content.is_identifier(v)) for v in r) for r in below]
        if not ids or min(ids) == 0:
            continue
        for i in range(j - 1, -1, -1):
            cells = [v for v in rows[i] if not is_missing(v)]
            if not cells:
                continue  # a blank row between the header and the data
            texts = [v for v in cells if isinstance(v, str) and not _has_digit(v)]
            # a header holds no identifier: a row with one is data (never shown as a header)
            if len(texts) >= 2 and not any(content.is_identifier(v) for v in cells):
                return (0, i, header_candidates(rows[i]))
            return None
        return None
    return None


def _has_digit(v: Any) -> bool:
    return any(ch.isdigit() for ch in str(v))


def _mark_data_rows(table: Table, body: np.ndarray) -> None:
    """Pick the data rows under the header, column-wise (a million rows take a second).

    Identity cells are NIK, NO KK, NAMA, TANGGAL LAHIR, JENIS KELAMIN and HUBUNGAN
    (IDENTITY). A row with none of them (blank, a NO number alone) is not a person, nor is a
    repeat of the header or a column-numbering row. Past the last row holding two or more
    identity cells, rows are the signature block ("Mengetahui, Lurah ...") and are counted as
    ignored; above it, a row with a single identity cell is a person with missing data and is
    kept, so it gets an outcome.
    """
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
