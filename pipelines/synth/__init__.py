"""Realistic demo data for Kota Palangka Raya: a DTKS snapshot and one period's raw folder."""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import wilayah
from pipelines.config import Home, check_period
from pipelines.synth.dtsen import write_dtsen
from pipelines.synth.era import write_extras
from pipelines.synth.population import Population
from pipelines.synth.render import (
    NUMBER_STYLES,
    SCI_STYLES,
    STYLES,
    write_berita_acara,
    write_prelist,
)
from pipelines.synth.scenario import plan_period

KABKOTA = "6271"  # Kota Palangka Raya
HOUSEHOLDS = 6000
SNAPSHOT_HEADER = [
    "ID DTKS",
    "NIK",
    "NO KK",
    "NAMA",
    "TEMPAT LAHIR",
    "TANGGAL LAHIR",
    "JENIS KELAMIN",
    "HUBUNGAN KELUARGA",
    "NAMA IBU KANDUNG",
    "STATUS KAWIN",
    "PEKERJAAN",
    "ALAMAT",
    "RT",
    "RW",
    "KODE WILAYAH",
    "PKH",
    "BPNT",
    "PBI",
]


@dataclass
class Generated:
    snapshot: Path
    period_dir: Path
    truth: Path
    persons: int
    households: int
    prelist_rows: int
    dtsen: list[Path] = field(default_factory=list)  # two DTSEN versions, oldest first


def folder_name(kode: str, name: str, i: int) -> str:
    """Folder names as kelurahan really make them: dotted, plain, with or without a name."""
    return [
        f"{wilayah.dotted(kode)} {name}",
        f"{kode}_{name.upper().replace(' ', '_')}",
        wilayah.dotted(kode),
        f"{kode} - Kel. {name}",
    ][i % 4]


def generate(home: Home, period: str, seed: int = 2026, scale: int = 1) -> Generated:
    """Write the DTKS snapshot, the period's kelurahan folders and the truth file."""
    check_period(period)
    home.ensure()
    w = wilayah.load()
    desa = w.desa_in(KABKOTA)
    year, month = (int(x) for x in period.split("-"))
    start = dt.date(year, month, 1)
    pop = Population(seed, desa, start)
    dtks = [pop.household() for _ in range(HOUSEHOLDS * scale)]
    prev = (start - dt.timedelta(days=1)).strftime("%Y-%m")
    snap_dir = home.raw / "dtks"
    snap_dir.mkdir(parents=True, exist_ok=True)
    snapshot = snap_dir / f"DTKS_{KABKOTA}_{prev}.csv"
    persons = 0
    with snapshot.open("w", newline="", encoding="utf-8") as fh:
        wr = csv.writer(fh, delimiter=";")
        wr.writerow(SNAPSHOT_HEADER)
        yn = {True: "Ya", False: "Tidak"}
        for hh in dtks:
            for m in hh.members:
                persons += 1
                wr.writerow(
                    [
                        m.id_dtks,
                        m.nik,
                        m.no_kk,
                        m.nama,
                        m.tempat_lahir,
                        m.tanggal_lahir.isoformat(),
                        {"L": "LAKI-LAKI", "P": "PEREMPUAN"}[m.jenis_kelamin],
                        m.hubungan_keluarga,
                        m.nama_ibu_kandung,
                        m.status_kawin,
                        m.pekerjaan,
                        m.alamat,
                        m.rt,
                        m.rw,
                        wilayah.dotted(m.kode_wilayah),
                        yn[m.pkh],
                        yn[m.bpnt],
                        yn[m.pbi],
                    ]
                )
    plans = plan_period(
        pop, dtks, desa, scale, NUMBER_STYLES, SCI_STYLES, lambda i: i % len(STYLES)
    )
    period_dir = home.period_raw(period)
    if period_dir.exists():
        import shutil

        shutil.rmtree(period_dir)
    period_dir.mkdir(parents=True)
    r = random.Random(seed + 1)
    truth: list[dict] = []
    placed = []
    for i, plan in enumerate(plans):
        name = w.name(plan.kode)
        folder = period_dir / folder_name(plan.kode, name, i)
        folder.mkdir()
        placed.append((plan, folder))
        rel = lambda p: p.relative_to(period_dir).as_posix()  # noqa: E731
        truth += write_prelist(plan, folder, i, name, w.name(plan.kode[:6]), r, rel)
        if plan.has_ba:
            write_berita_acara(plan, folder, i, name, period, r)
    truth_path = home.raw / f"{period}_truth.csv"
    with truth_path.open("w", newline="", encoding="utf-8") as fh:
        dw = csv.DictWriter(fh, fieldnames=list(truth[0]))
        dw.writeheader()
        dw.writerows(truth)
    # last, from its own random stream: the files above stay as they were before DTSEN
    dtsen = write_dtsen(home.raw / "dtsen", KABKOTA, period, pop, dtks, seed)
    # then the DTSEN era's extra files (deactivations, a complete proposal, the Dinas's own
    # usul/sanggah form), again after everything else, appended to the truth
    extra = write_extras(period_dir, placed, pop, dtks, seed)
    with truth_path.open("a", newline="", encoding="utf-8") as fh:
        csv.DictWriter(fh, fieldnames=list(truth[0])).writerows(extra)
    rows = len(truth) + len(extra)
    return Generated(snapshot, period_dir, truth_path, persons, len(dtks), rows, dtsen)
