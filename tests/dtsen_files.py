"""DTSEN family files for tests: planned families written the ways they reach a Dinas."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from pipelines import xlsx

BPS_HEADER = ["nomor_kartu_keluarga", "kode_provinsi", "kode_kabupaten_kota", "kode_kecamatan",
              "kode_kelurahan_desa", "nama_kepala_keluarga", "desil_nasional", "desil_provinsi",
              "desil_kabupaten_kota", "sumber_data"]  # fmt: skip
EXCEL_HEADER = ["NO", "NO KK", "NAMA KEPALA KELUARGA", "KODE WILAYAH", "DESIL NASIONAL",
                "DESIL PROVINSI", "DESIL KAB/KOTA", "DTKS", "REGSOSEK", "P3KE"]  # fmt: skip


def bps_row(f: dict) -> list:
    k = f["kode"]
    return [f["no_kk"], k[:2], k[:4], k[:6], k, f["nama"], f["desil"], f.get("prov", f["desil"]),
            f.get("kab", f["desil"]), ";".join(f.get("sumber", ["DTKS"]))]  # fmt: skip


def write_csv(path: Path, families: list[dict], delimiter: str = "|", rows=None) -> Path:
    """BPS's family set: snake_case headers, quoted cells, '|' unless told otherwise."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter=delimiter, quoting=csv.QUOTE_ALL)
        out.writerow(BPS_HEADER)
        out.writerows(rows if rows is not None else [bps_row(f) for f in families])
    return path


def write_xlsx(path: Path, families: list[dict], kk_as_number: bool = False) -> Path:
    """As a Dinas passes it on from Excel: title rows, NO column, dotted region, YA/TIDAK."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DTSEN")
    ws.append(["DATA DTSEN KELUARGA"])
    ws.append([])
    ws.append(EXCEL_HEADER)
    yes = {True: "YA", False: "TIDAK"}
    for i, f in enumerate(families, 1):
        k, src = f["kode"], f.get("sumber", ["DTKS"])
        # typed as a number, Excel keeps 15 significant digits: the 16th becomes 0
        kk = float(f["no_kk"][:15] + "0") if kk_as_number else f["no_kk"]
        ws.append(
            [i, kk, f["nama"], f"{k[:2]}.{k[2:4]}.{k[4:6]}.{k[6:]}", f["desil"],
             f.get("prov", f["desil"]), f.get("kab", f["desil"]), yes["DTKS" in src],
             yes["REGSOSEK" in src], yes["P3KE" in src]]
        )  # fmt: skip
    xlsx.save(wb, path)
    return path
