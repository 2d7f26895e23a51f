"""Demo DTSEN family files: desil for the register's households and other families, in two
versions (the later one with desil changes, families gone and new), in two field formats.

Version 1 is a pipe-separated CSV with quoted cells and the snake_case headers of BPS's family
set (nomor_kartu_keluarga, kode_kelurahan_desa, desil_nasional, ...); version 2 an xlsx as
a Dinas passes it on after working on it in Excel (title rows, NO KK, KODE WILAYAH dotted,
YA/TIDAK source columns). Both carry Kemendagri region codes.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import Workbook

from pipelines import wilayah
from pipelines.synth.population import Household, Population

LOW = [18, 16, 14, 12, 10, 9, 7, 6, 5, 3]  # registered households: mostly the lower desil
HIGH = list(reversed(LOW))
EXTRA_SHARE = 0.25  # families in DTSEN but not in the DTKS register
CHANGED_SHARE = 0.10
GONE_SHARE = 0.01
NEW_SHARE = 0.01


@dataclass(frozen=True)
class Family:
    no_kk: str
    head: str
    kode: str
    members: int
    desil: int
    desil_prov: int
    desil_kab: int
    sumber: tuple[str, ...]


def _month_start(period: str, back: int) -> dt.date:
    year, month = (int(x) for x in period.split("-"))
    month -= back
    while month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1)


def write_dtsen(
    folder: Path, kabkota: str, period: str, pop: Population, dtks: list[Household], seed: int
) -> list[Path]:
    """Write the two versions into folder; returns their paths (oldest first)."""
    r = random.Random(seed + 17)
    desa = wilayah.load().desa_in(kabkota)

    def family(no_kk, head, kode, members, weights, sumber) -> Family:
        d = r.choices(range(1, 11), weights)[0]
        return Family(no_kk, head, kode, members, d, _near(r, d), _near(r, d), sumber)

    v1 = [
        family(hh.no_kk, hh.head.nama, hh.kode_wilayah, len(hh.members), LOW,
               ("DTKS", "REGSOSEK") if r.random() < 0.6 else ("DTKS",))
        for hh in dtks
    ]  # fmt: skip
    v1 += [_stranger(pop, r, desa, family) for _ in range(int(len(dtks) * EXTRA_SHARE))]
    v2 = []
    for f in v1:
        roll = r.random()
        if roll < GONE_SHARE:
            continue
        if roll < GONE_SHARE + CHANGED_SHARE:
            d = min(10, max(1, f.desil + r.choice([-3, -2, -1, 1, 2, 3])))
            f = replace(f, desil=d, desil_prov=_near(r, d), desil_kab=_near(r, d))
        v2.append(f)
    v2 += [_stranger(pop, r, desa, family) for _ in range(int(len(v1) * NEW_SHARE))]
    r.shuffle(v2)
    folder.mkdir(parents=True, exist_ok=True)
    first = folder / f"DTSEN_{kabkota}_{_month_start(period, 3):%Y-%m}.csv"
    second = folder / f"DTSEN_{kabkota}_{_month_start(period, 1):%Y-%m}.xlsx"
    _write_csv(first, v1)
    _write_xlsx(second, v2, _month_start(period, 1))
    return [first, second]


def version_dates(period: str) -> list[dt.date]:
    """The data dates of the two demo versions (first days of period-3 and period-1)."""
    return [_month_start(period, 3), _month_start(period, 1)]


def _near(r: random.Random, d: int) -> int:
    return min(10, max(1, d + r.choice([-1, 0, 0, 0, 1])))


def _stranger(pop: Population, r: random.Random, desa: list[str], family) -> Family:
    kode = r.choice(desa)
    head = pop._name("L" if r.random() < 0.8 else "P")
    sumber = r.choice([("REGSOSEK",), ("REGSOSEK", "P3KE"), ("P3KE",)])
    return family(pop.kk(kode[:6]), head, kode, r.randint(1, 6), HIGH, sumber)


def _write_csv(path: Path, families: list[Family]) -> None:
    w = wilayah.load()
    header = ["nomor_kartu_keluarga", "kode_provinsi", "provinsi", "kode_kabupaten_kota",
              "kabupaten_kota", "kode_kecamatan", "kecamatan", "kode_kelurahan_desa",
              "kelurahan_desa", "nama_kepala_keluarga", "jumlah_anggota_keluarga",
              "desil_nasional", "desil_provinsi", "desil_kabupaten_kota", "sumber_data"]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, delimiter="|", quoting=csv.QUOTE_ALL)
        out.writerow(header)
        for f in families:
            k = f.kode
            out.writerow(
                [f.no_kk, k[:2], w.name(k[:2]), k[:4], w.name(k[:4]), k[:6], w.name(k[:6]), k,
                 w.name(k), f.head, f.members, f.desil, f.desil_prov, f.desil_kab,
                 ";".join(f.sumber)]
            )  # fmt: skip


def _write_xlsx(path: Path, families: list[Family], day: dt.date) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("DTSEN")
    ws.append([f"DATA DTSEN KELUARGA KOTA PALANGKA RAYA - PEMUTAKHIRAN {day:%m/%Y}"])
    ws.append(["Sumber: BPS / Pusdatin Kemensos (data demo)"])
    ws.append([])
    ws.append(["NO", "NO KK", "NAMA KEPALA KELUARGA", "KODE WILAYAH", "DESIL NASIONAL",
               "DESIL PROVINSI", "DESIL KAB/KOTA", "DTKS", "REGSOSEK", "P3KE"])  # fmt: skip
    yes = {True: "YA", False: "TIDAK"}
    for i, f in enumerate(families, 1):
        ws.append(
            [i, f.no_kk, f.head, wilayah.dotted(f.kode), f.desil, f.desil_prov, f.desil_kab,
             yes["DTKS" in f.sumber], yes["REGSOSEK" in f.sumber], yes["P3KE" in f.sumber]]
        )  # fmt: skip
    from pipelines import xlsx

    xlsx.save(wb, path)
