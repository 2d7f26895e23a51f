"""Write planned rows as the messy files kelurahan really send, and record where each row went.

Five styles, one per kelurahan in turn; see STYLES. Every style keeps NIK and No KK exact
unless a row is planted to break them.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from pipelines.dates import long_date, weekday
from pipelines.outcomes import Outcome
from pipelines.synth.population import Household
from pipelines.synth.scenario import KelurahanPlan, Row
from pipelines.validate import PERSON_COLUMNS

BULAN_SINGKAT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nop", "Des"]
SHDK = {
    "KEPALA KELUARGA": 1,
    "SUAMI": 2,
    "ISTRI": 3,
    "ANAK": 4,
    "MENANTU": 5,
    "CUCU": 6,
    "ORANG TUA": 7,
    "MERTUA": 8,
    "FAMILI LAIN": 9,
    "LAINNYA": 11,
}
EXCEL_EPOCH = dt.date(1899, 12, 30)

FIELDS = PERSON_COLUMNS


def _spaced(nik: str) -> str:
    return " ".join(nik[i : i + 4] for i in range(0, len(nik), 4))


# style -> (file name, header per field, value renderers, kind)
def _style(i: int) -> dict[str, Any]:
    return STYLES[i % len(STYLES)]


STYLES: list[dict[str, Any]] = [
    {  # A: tidy template, instructions sheet first, title rows, date cells, signature block
        "file": "Prelist Akhir.xlsx",
        "fmt": "xlsx",
        "instructions": True,
        "numbering": False,
        "headers": [
            "NIK",
            "NO KK",
            "NAMA LENGKAP",
            "TEMPAT LAHIR",
            "TGL LAHIR",
            "JENIS KELAMIN",
            "HUBUNGAN KELUARGA",
            "NAMA IBU KANDUNG",
            "STATUS KAWIN",
            "PEKERJAAN",
            "ALAMAT",
            "RT",
            "RW",
        ],
        "date": lambda d, r: d,
        "sex": lambda s, r: s,
        "rel": lambda v, r: v,
        "id": lambda v, r: v,
        "name": lambda v, r: v,
        "rtrw": lambda v, r: v,
    },
    {  # B: NIK typed by hand, serial-number dates, SHDK codes, a blank column
        "file": "USULAN DTKS.xlsx",
        "fmt": "xlsx",
        "instructions": False,
        "numbering": False,
        "blank_after": 2,
        "headers": [
            "NOMOR NIK",
            "NOMOR KK",
            "NAMA",
            "TMP LAHIR",
            "TGL. LAHIR",
            "L/P",
            "SHDK",
            "NAMA IBU",
            "STATUS PERKAWINAN",
            "JENIS PEKERJAAN",
            "ALAMAT",
            "RT",
            "RW",
        ],
        "date": lambda d, r: (d - EXCEL_EPOCH).days,
        "sex": lambda s, r: {"L": "LAKI-LAKI", "P": "PEREMPUAN"}.get(s, s),
        "rel": lambda v, r: SHDK.get(v, v),
        "id": lambda v, r: v,
        "name": lambda v, r: v,
        "rtrw": lambda v, r: int(v),
    },
    {  # C: ';' CSV from Indonesian Excel, Windows-1252, apostrophes and spaces in NIK
        "file": "data_usulan.csv",
        "fmt": "csv",
        "delimiter": ";",
        "encoding": "cp1252",
        "headers": [
            "NIK",
            "No. KK",
            "Nama Lengkap",
            "Tempat Lahir",
            "Tanggal Lahir",
            "JK",
            "Hub Keluarga",
            "Nama Ibu Kandung",
            "Status Kawin",
            "Pekerjaan",
            "Alamat",
            "RT",
            "RW",
        ],
        "date": lambda d, r: d.strftime("%d-%m-%Y"),
        "sex": lambda s, r: s,
        "rel": lambda v, r: "ANAK KANDUNG" if v == "ANAK" else v,
        "id": lambda v, r: (
            ("'" + v) if r.random() < 0.3 else (_spaced(v) if r.random() < 0.15 else v)
        ),
        "name": lambda v, r: (v.replace(" ", "  ") + " ") if r.random() < 0.2 else v,
        "rtrw": lambda v, r: str(int(v)),
    },
    {  # D: long Indonesian headers, dates spelled out, JK as 1/2, a column-numbering row
        "file": "prelist_kelurahan.xlsx",
        "fmt": "xlsx",
        "instructions": False,
        "numbering": True,
        "headers": [
            "Nomor Induk Kependudukan",
            "Nomor Kartu Keluarga",
            "NAMA ART",
            "TEMPAT LAHIR",
            "TANGGAL LAHIR",
            "JENIS KELAMIN",
            "HUBUNGAN DENGAN KEPALA KELUARGA",
            "NAMA IBU KANDUNG",
            "STATUS KAWIN",
            "PEKERJAAN",
            "ALAMAT",
            "RT",
            "RW",
        ],
        "date": lambda d, r: (
            long_date(d)
            if r.random() < 0.6
            else f"{d.day:02d} {BULAN_SINGKAT[d.month - 1]} {d.year}"
        ),
        "sex": lambda s, r: {"L": 1, "P": 2}.get(s, s),
        "rel": lambda v, r: v.title(),
        "id": lambda v, r: v,
        "name": lambda v, r: v,
        "rtrw": lambda v, r: v,
    },
    {  # E: ',' CSV in UTF-8 with BOM, ISO dates, PRIA/WANITA, names in title case
        "file": "usulan.csv",
        "fmt": "csv",
        "delimiter": ",",
        "encoding": "utf-8-sig",
        "headers": [
            "NO NIK",
            "NOKK",
            "NAMA ART",
            "TMP LAHIR",
            "TANGGAL LAHIR",
            "JENIS KELAMIN",
            "HUB KELUARGA",
            "NAMA IBU",
            "STATUS KAWIN",
            "PEKERJAAN",
            "ALAMAT",
            "RT",
            "RW",
        ],
        "date": lambda d, r: d.isoformat(),
        "sex": lambda s, r: {"L": "PRIA", "P": "WANITA"}.get(s, s),
        "rel": lambda v, r: v,
        "id": lambda v, r: v,
        "name": lambda v, r: v.title(),
        "rtrw": lambda v, r: v,
    },
]
NUMBER_STYLES = {1}  # styles where a NIK may arrive as a number cell
SCI_STYLES = {2}


def render_values(row: Row, st: dict, r: random.Random) -> list[Any]:
    """The cells of one row in a style (see STYLES)."""
    p = row.person
    out: list[Any] = []
    for f in FIELDS:
        v = getattr(p, f)
        if f in row.overrides:
            out.append(row.overrides[f])
            continue
        if v in ("", None):
            out.append("")
        elif f in ("nik", "no_kk"):
            out.append(st["id"](v, r))
        elif f == "tanggal_lahir":
            out.append(st["date"](v, r))
        elif f == "jenis_kelamin":
            out.append(st["sex"](v, r))
        elif f == "hubungan_keluarga":
            out.append(st["rel"](v, r))
        elif f in ("nama", "nama_ibu_kandung"):
            out.append(st["name"](v, r))
        elif f in ("rt", "rw"):
            out.append(st["rtrw"](v, r))
        else:
            out.append(v)
    return out


def write_prelist(
    plan: KelurahanPlan,
    folder: Path,
    i: int,
    name: str,
    kecamatan: str,
    r: random.Random,
    rel: Callable[[Path], str],
) -> list[dict]:
    """Write the kelurahan's prelist; return one truth record per data row."""
    st = _style(i)
    path = folder / st["file"]
    rows = [render_values(row, st, r) for row in plan.rows]
    truth = []
    if st["fmt"] == "csv":
        with path.open("w", newline="", encoding=st["encoding"], errors="replace") as fh:
            w = csv.writer(fh, delimiter=st["delimiter"])
            w.writerow(["No", *st["headers"]])
            for n, (row, vals) in enumerate(zip(plan.rows, rows, strict=True), start=1):
                w.writerow([n, *["" if v is None else v for v in vals]])
                truth.append(_truth(rel(path), "", n + 1, row))
        return truth
    wb = Workbook()
    ws = wb.active
    if st.get("instructions"):
        ws.title = "PETUNJUK"
        for line in [
            "PETUNJUK PENGISIAN PRELIST",
            "1. Isi NIK dan NO KK sebagai teks (16 digit).",
            "2. Satu baris untuk satu anggota keluarga.",
            "3. Kirim bersama berita acara musyawarah kelurahan.",
        ]:
            ws.append([line])
        ws = wb.create_sheet("PRELIST")
    else:
        ws.title = "Sheet1"
    ws.append([f"DAFTAR USULAN PRELIST AKHIR DTKS KELURAHAN {name.upper()}"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=8)
    ws["A1"].font = Font(bold=True)
    ws.append([f"KELURAHAN : {name.upper()}"])
    ws.append([f"KECAMATAN : {kecamatan.upper()}"])
    ws.append([])
    blank_after = st.get("blank_after")
    headers = ["NO", *st["headers"]]
    if blank_after is not None:
        headers.insert(blank_after + 1, None)
    ws.append(headers)
    if st.get("numbering"):
        ws.append([f"({k})" for k in range(1, len(headers) + 1)])
    for n, (row, vals) in enumerate(zip(plan.rows, rows, strict=True), start=1):
        cells = [n, *vals]
        if blank_after is not None:
            cells.insert(blank_after + 1, None)
        ws.append(cells)
        truth.append(_truth(rel(path), ws.title, ws.max_row, row))
    ws.append([])
    ws.append([])
    for line in [
        f"Palangka Raya, {r.randint(1, 9)} November 2026",
        f"LURAH {name.upper()}",
        "",
        "",
        "( ..................................... )",
    ]:
        ws.append([None] * 11 + [line])
    wb.save(path)
    return truth


def write_berita_acara(
    plan: KelurahanPlan, folder: Path, i: int, name: str, period: str, r: random.Random
) -> None:
    """The berita acara musyawarah: meeting facts above, one decision per household."""
    year, month = (int(x) for x in period.split("-"))
    day = dt.date(year, month, 1) - dt.timedelta(days=r.randint(3, 20))
    meta = [
        ["BERITA ACARA MUSYAWARAH KELURAHAN"],
        [f"KELURAHAN {name.upper()}"],
        [],
        ["Hari/Tanggal", ":", f"{weekday(day)}, {long_date(day)}"],
        ["Tempat", ":", f"Aula Kantor Lurah {name}"],
        ["Pimpinan Rapat", ":", f"Lurah {name}"],
        ["Jumlah Peserta", ":", f"{r.randint(12, 40)} orang"],
        [],
    ]
    header = ["NO", "NO KK", "NAMA KEPALA KELUARGA", "JUMLAH ART", "HASIL MUSYAWARAH", "KETERANGAN"]
    body: list[list[Any]] = [
        [n, hh.no_kk, hh.head.nama, len(hh.members), decision, ""]
        for n, (hh, decision) in enumerate(_ordered(plan.decisions, r), start=1)
    ]
    foot: list[list[Any]] = [
        [],
        ["Demikian berita acara ini dibuat untuk dipergunakan sebagaimana mestinya."],
        [None, None, None, None, f"Lurah {name}"],
    ]
    if i % 5 == 2:  # the CSV kelurahan sends its berita acara as CSV too
        with (folder / "berita_acara.csv").open("w", newline="", encoding="cp1252") as fh:
            w = csv.writer(fh, delimiter=";")
            for line in [*meta, header, *body, *foot]:
                w.writerow(line)
        return
    wb = Workbook()
    ws = wb.active
    ws.title = "BA"
    for line in [*meta, header, *body, *foot]:
        ws.append(line)
    wb.save(
        folder
        / [
            "BA Musyawarah.xlsx",
            "berita_acara_muskel.xlsx",
            "hasil.xlsx",
            "Dokumen2.xlsx",
            "BA MUSKEL NOV.xlsx",
        ][i % 5]
    )


def _ordered(
    decisions: list[tuple[Household, str]], r: random.Random
) -> list[tuple[Household, str]]:
    out = list(decisions)
    r.shuffle(out)
    return out


def _truth(path: str, sheet: str, row_number: int, row: Row) -> dict:
    return {
        "source_file": path,
        "source_sheet": sheet,
        "source_row": row_number,
        "expected_outcome": row.expected,
        "plant": row.plant,
        "truth_id_dtks": row.truth_id_dtks or row.person.id_dtks
        if row.expected in (Outcome.TERDAFTAR, Outcome.PERBAIKAN, Outcome.PERLU_VERIFIKASI)
        else row.truth_id_dtks,
        "person_key": row.person.id_dtks,
    }
