"""Usul and sanggah that reach the Dinas directly (issue 17 item 7).

Citizens propose a family ("usul") or object to a registered one ("sanggah") at the Dinas's
front office, through the Cek Bansos app, by letter or SP4N-LAPOR; the Dinas checks the
documents and verifies in the field. The Dinas records them in a form (`dtks template
usul-sanggah`), one per kelurahan and month, kept in that kelurahan's folder of the month:
the rows join the month's processing like the kelurahan's own, with the field verification
(HASIL VERIFIKASI LAPANGAN) in place of the musyawarah's decision, and their channel and kind
recorded on the row (`kanal`, `jenis_usul`).

Documents (seed OKU Selatan, "Pelayanan Data Terpadu Kesejahteraan Sosial", Persyaratan):
fotokopi Kartu Keluarga, fotokopi KTP, surat keterangan tidak mampu dari kepala desa/lurah,
foto rumah tampak depan dan dalam. A USUL without all four is not processed
(`ditolak_validasi`, the reason names what is missing). A SANGGAH names a registered person;
its verification finding (MAMPU, PINDAH, MENINGGAL, TIDAK DITEMUKAN, GANDA) becomes a
deactivation proposal like a musyawarah decision, SETUJU (objection not proven) leaves the
person as registered.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from pipelines import wilayah, xlsx
from pipelines.ingest.decisions import DROPDOWN
from pipelines.normalize.values import is_missing

FIELDS = ["kanal", "jenis_usul"]
CHANNELS = {
    **dict.fromkeys(["DATANGLANGSUNG", "LANGSUNG", "WALKIN", "DATANG", "LOKET",
                     "FRONTOFFICE", "TATAPMUKA"], "DATANG LANGSUNG"),
    **dict.fromkeys(["CEKBANSOS", "APLIKASICEKBANSOS", "APLIKASI"], "CEK BANSOS"),
    **dict.fromkeys(["SURAT", "SURATRESMI"], "SURAT"),
    **dict.fromkeys(["SP4NLAPOR", "LAPOR", "SP4N"], "SP4N-LAPOR"),
    **dict.fromkeys(["LAINNYA", "LAIN", "TELEPON", "WHATSAPP", "WA", "EMAIL"], "LAINNYA"),
}  # fmt: skip
KINDS = {"USUL": "USUL", "USULAN": "USUL", "USULBARU": "USUL", "SANGGAH": "SANGGAH",
         "SANGGAHAN": "SANGGAH", "KEBERATAN": "SANGGAH"}  # fmt: skip
DOCUMENTS = {"dok_kk": "fotokopi KK", "dok_ktp": "fotokopi KTP",
             "dok_sktm": "surat keterangan tidak mampu", "dok_foto_rumah": "foto rumah"}  # fmt: skip
PRESENT = {"ADA", "YA", "Y", "V", "1", "LENGKAP", "SUDAH", "TRUE", "✓", "√"}
MISSING_DOCS = (
    "Dokumen persyaratan usul belum lengkap: {docs}. Persyaratan: fotokopi KK, fotokopi "
    "KTP, surat keterangan tidak mampu dari kepala desa/lurah, foto rumah tampak depan dan "
    "dalam; lengkapi lalu catat lagi."
)
HEADERS = ["NO", "JENIS USUL", "KANAL", "TANGGAL TERIMA", "NIK", "NO KK", "NAMA",
           "TEMPAT LAHIR", "TANGGAL LAHIR", "JENIS KELAMIN", "HUBUNGAN KELUARGA",
           "NAMA IBU KANDUNG", "STATUS KAWIN", "PEKERJAAN", "ALAMAT", "RT", "RW",
           "KODE WILAYAH", "DOK KK", "DOK KTP", "DOK SKTM", "DOK FOTO RUMAH",
           "ALASAN USUL / ISI SANGGAHAN", "HASIL VERIFIKASI LAPANGAN", "PETUGAS"]  # fmt: skip
TEXT = {"NIK", "NO KK", "KODE WILAYAH"}
BLANK_ROWS = 100
FILE_NAME = "usul_sanggah_dinas.xlsx"


def _key(v: object) -> str:
    return "" if is_missing(v) else re.sub(r"[^A-Z0-9✓√]", "", str(v).upper())


def read(raw: pd.DataFrame, row_ids: pd.Series) -> pd.DataFrame:
    """Per row (index row_id): kanal, jenis_usul (None on a kelurahan's own rows) and the
    reason a USUL is refused for missing documents (None when complete or not a USUL)."""
    idx = pd.Index(row_ids.to_numpy(), name="row_id")
    out = pd.DataFrame({"kanal": None, "jenis_usul": None, "dokumen": None}, index=idx)
    if "kanal" not in raw.columns and "jenis_usul" not in raw.columns:
        return out
    kanal = raw["kanal"] if "kanal" in raw.columns else pd.Series(None, index=raw.index)
    jenis = raw["jenis_usul"] if "jenis_usul" in raw.columns else pd.Series(None, index=raw.index)
    keys_k = kanal.map(_key)
    keys_j = jenis.map(_key)
    intake = (keys_k != "") | (keys_j != "")
    said = kanal.map(lambda v: None if is_missing(v) else " ".join(str(v).upper().split()))
    out["kanal"] = keys_k.map(CHANNELS).fillna(said).where(intake, None).astype(object).to_numpy()
    out.loc[intake.to_numpy() & out["kanal"].isna().to_numpy(), "kanal"] = "LAINNYA"
    kind = keys_j.map(KINDS).where(intake, None).astype(object)
    out["jenis_usul"] = kind.where(kind.notna() | ~intake, "USUL").to_numpy()
    lacking = pd.Series("", index=raw.index, dtype=object)
    for col, label in DOCUMENTS.items():
        cells = raw[col] if col in raw.columns else pd.Series(None, index=raw.index)
        absent = ~cells.map(_key).isin(PRESENT)
        lacking = lacking.where(~absent, lacking + ", " + label)
    text = lacking.str.lstrip(", ").set_axis(idx)
    need = (out["jenis_usul"] == "USUL") & (text != "")
    out["dokumen"] = text.where(need).map(lambda t: MISSING_DOCS.format(docs=t), na_action="ignore")
    return out.astype(object).where(out.notna(), None)


def write(path: Path, kode: str, rows: list[list] | None = None) -> Path:
    """The intake form for one kelurahan (rows prefilled when given, in HEADERS order)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "USUL DAN SANGGAH"
    name = wilayah.load().name(kode)
    ws.append(["PENCATATAN USUL DAN SANGGAH LANGSUNG KE DINAS SOSIAL"])
    ws.append([f"KELURAHAN/DESA : {name} ({wilayah.dotted(kode)})"])
    xlsx.style_title(ws["A1"])
    ws.append([])
    ws.append(HEADERS)
    header_row = ws.max_row
    xlsx.style_header(ws[header_row])
    for c in ws[header_row]:  # centred in both directions: the headers are short
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    first = header_row + 1
    for i, row in enumerate(rows or [], start=1):
        ws.append([i, *row[1:]])
    last = first + max(len(rows or []), BLANK_ROWS) - 1
    for r in range(first, last + 1):
        for col, h in enumerate(HEADERS, start=1):
            if h in TEXT:  # NIK, NO KK, kode: text, so Excel keeps every digit
                xlsx.as_text(ws.cell(r, col))
    for header, choices in [
        ("JENIS USUL", ["USUL", "SANGGAH"]),
        ("KANAL", ["DATANG LANGSUNG", "CEK BANSOS", "SURAT", "SP4N-LAPOR", "LAINNYA"]),
        ("HASIL VERIFIKASI LAPANGAN", DROPDOWN),
        *[(h, ["ADA", "TIDAK"]) for h in ("DOK KK", "DOK KTP", "DOK SKTM", "DOK FOTO RUMAH")],
    ]:
        letter = xlsx_col(HEADERS.index(header) + 1)
        dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        ws.add_data_validation(dv)
        dv.add(f"{letter}{first}:{letter}{last}")
    ws.freeze_panes = f"E{first}"
    guide = wb.create_sheet("PETUNJUK", 0)
    for line in [
        "PETUNJUK: USUL DAN SANGGAH YANG DITERIMA LANGSUNG OLEH DINAS SOSIAL",
        "1. Satu baris untuk satu orang. JENIS USUL: USUL (keluarga diusulkan masuk) atau "
        "SANGGAH (keberatan atas orang yang terdaftar).",
        "2. KANAL: DATANG LANGSUNG, CEK BANSOS, SURAT, SP4N-LAPOR atau LAINNYA.",
        "3. Dokumen USUL (isi ADA/TIDAK): fotokopi KK, fotokopi KTP, surat keterangan tidak "
        "mampu dari kepala desa/lurah, foto rumah tampak depan dan dalam. USUL yang belum "
        "lengkap tidak diproses.",
        "4. HASIL VERIFIKASI LAPANGAN: SETUJU, atau temuan: TIDAK LAYAK, MAMPU, PINDAH, "
        "MENINGGAL, TIDAK DITEMUKAN, GANDA. Pada SANGGAH, temuan MAMPU/PINDAH/MENINGGAL/TIDAK "
        "DITEMUKAN/GANDA menjadi usulan penonaktifan; SETUJU berarti sanggahan tidak terbukti.",
        "5. NIK dan NO KK 16 digit (sel berformat teks). Simpan berkas ini di folder kelurahan "
        "pada folder bulan berjalan (data/raw/PERIODE/...), lalu jalankan finalisasi.",
    ]:
        guide.append([line])
    guide["A1"].font = Font(bold=True)
    guide.column_dimensions["A"].width = 110
    path.parent.mkdir(parents=True, exist_ok=True)
    return xlsx.save(wb, path)


def xlsx_col(i: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    s = ""
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s
