"""The decision-list workbook a Dinas sends to a kelurahan whose berita acara is only a scan.

One sheet to fill (meeting facts, one row per household: NO KK, NIK and name of the head,
RT, KEPUTUSAN with a drop-down, KETERANGAN), NO KK and NIK formatted as text so Excel keeps
all 16 digits, and an instructions sheet. The pipeline reads the filled workbook like any
berita acara (tests/test_ba_template.py reads one back).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.datavalidation import DataValidation

from pipelines import wilayah, xlsx
from pipelines.ingest.decisions import DROPDOWN

HEADERS = ["NO", "NO KK", "NIK KEPALA KELUARGA", "NAMA KEPALA KELUARGA", "RT", "KEPUTUSAN",
           "KETERANGAN"]  # fmt: skip
BLANK_ROWS = 300
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass
class Household:
    """A household to prefill: the card and its head (from the kelurahan's own prelist)."""

    no_kk: str
    nik_kepala: str = ""
    nama_kepala: str = ""
    rt: str = ""


def write(path: Path, kode: str | None = None, households: list[Household] | None = None) -> Path:
    """Write the workbook; with households, one prefilled row each (decisions left empty)."""
    households = households or []
    wb = Workbook()
    ws = wb.active
    ws.title = "DAFTAR KEPUTUSAN"
    name = wilayah.load().name(kode) if kode else ""
    place = f"{name} ({wilayah.dotted(kode)})" if kode else "...................."
    lines = [
        "BERITA ACARA MUSYAWARAH KELURAHAN/DESA: DAFTAR KEPUTUSAN PER KELUARGA",
        f"KELURAHAN/DESA : {place}",
        "Hari/Tanggal : ",
        "Tempat : ",
        "Pimpinan Rapat : ",
        "Jumlah Peserta : ",
    ]
    for line in lines:
        ws.append([line])
    xlsx.style_title(ws["A1"])
    ws.append([])
    ws.append(HEADERS)
    header_row = ws.max_row
    xlsx.style_header(ws[header_row])
    for c in ws[header_row]:
        c.border = _BOX
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    first = header_row + 1
    for i, h in enumerate(households, start=1):
        ws.append([i, h.no_kk, h.nik_kepala or None, h.nama_kepala or None, h.rt or None])
    last = first + max(len(households), BLANK_ROWS) - 1
    for r in range(first, last + 1):
        for col in range(1, len(HEADERS) + 1):
            cell = ws.cell(r, col)
            cell.border = _BOX
            if col in (2, 3):  # NO KK and NIK: text, so Excel keeps the 16 digits
                xlsx.as_text(cell)
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(DROPDOWN) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Keputusan tidak dikenal",
        error="Pilih dari daftar: " + ", ".join(DROPDOWN),
        promptTitle="KEPUTUSAN",
        prompt="Pilih SETUJU, atau alasan tidak disetujui.",
    )
    ws.add_data_validation(dv)
    dv.add(f"F{first}:F{last}")
    xlsx.set_widths(ws, [6, 22, 22, 32, 7, 20, 36])
    ws.freeze_panes = f"A{first}"
    _instructions(wb.create_sheet("PETUNJUK", 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    return xlsx.save(wb, path)  # through the output sanitiser, as every workbook


def _instructions(ws) -> None:
    for line in [
        "PETUNJUK PENGISIAN DAFTAR KEPUTUSAN MUSYAWARAH",
        "1. Isi sheet DAFTAR KEPUTUSAN: satu baris untuk satu keluarga yang dibahas dalam "
        "musyawarah.",
        "2. NO KK wajib diisi 16 digit (sel sudah berformat teks; jangan diubah menjadi angka).",
        "3. Bila NO KK tidak ada, isi NIK KEPALA KELUARGA, atau NAMA KEPALA KELUARGA dengan RT.",
        "4. KEPUTUSAN: pilih dari daftar: " + ", ".join(DROPDOWN) + ".",
        "5. Isi tanggal, tempat, pimpinan rapat dan jumlah peserta di bagian atas.",
        "6. Kirim berkas ini (Excel) bersama pindaian berita acara yang ditandatangani.",
    ]:
        ws.append([line])
    ws["A1"].font = Font(bold=True)
    xlsx.set_widths(ws, [100])


def households_from_prelist(frame: pd.DataFrame) -> list[Household]:
    """One Household per No KK of a normalised prelist (first row order), head's data filled
    from the row marked KEPALA KELUARGA."""
    if frame.empty or "no_kk" not in frame:
        return []
    rows = frame[frame["no_kk"].notna()]
    heads = rows[rows["hubungan_keluarga"] == "KEPALA KELUARGA"].drop_duplicates("no_kk")
    heads = heads.set_index("no_kk")
    out = []
    for kk in pd.unique(rows["no_kk"]):
        h = heads.loc[kk] if kk in heads.index else None
        out.append(
            Household(
                str(kk),
                "" if h is None or pd.isna(h["nik"]) else str(h["nik"]),
                "" if h is None or pd.isna(h["nama"]) else str(h["nama"]),
                "" if h is None or pd.isna(h["rt"]) else str(h["rt"]),
            )
        )
    return out
