"""Property: any valid person, rendered in any supported style, reads back to the same values."""

from __future__ import annotations

import csv
import datetime as dt
import random
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from pipelines import validate
from pipelines.ingest import prelist, schemes
from pipelines.ingest.layout import find_table
from pipelines.ingest.read import read_grids
from pipelines.synth import names as N
from pipelines.synth.population import Person
from pipelines.synth.render import STYLES, render_values
from pipelines.synth.scenario import Row

KECAMATAN = ["627101", "627102", "630101", "350101", "917101", "110101"]  # 91..: past 2^53
RELATIONS = [
    "KEPALA KELUARGA",
    "ISTRI",
    "SUAMI",
    "ANAK",
    "CUCU",
    "ORANG TUA",
    "MERTUA",
    "FAMILI LAIN",
]
MARITAL = ["BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"]


@st.composite
def persons(draw) -> Person:
    sex = draw(st.sampled_from("LP"))
    born = draw(st.dates(dt.date(1910, 1, 1), dt.date(2025, 12, 31)))
    kec = draw(st.sampled_from(KECAMATAN))
    day = born.day + (40 if sex == "P" else 0)
    serial = draw(st.integers(1, 9999))
    nik = f"{kec}{day:02d}{born:%m}{born.year % 100:02d}{serial:04d}"
    kk = f"{draw(st.sampled_from(KECAMATAN))}{draw(st.integers(10101, 311299)):06d}{serial:04d}"
    words = draw(st.lists(st.sampled_from(N.MALE + N.FEMALE + N.SECOND), min_size=1, max_size=3))
    name = " ".join(words).upper()
    return Person(
        nik,
        kk,
        name,
        draw(st.sampled_from(N.BIRTHPLACES)),
        born,
        sex,
        draw(st.sampled_from(RELATIONS)),
        "SITI",
        draw(st.sampled_from(MARITAL)),
        draw(st.sampled_from(N.JOBS_HEAD)),
        "JL. RAJAWALI NO. 3",
        f"{draw(st.integers(1, 999)):03d}",
        f"{draw(st.integers(1, 99)):03d}",
        "6271011001",
    )


def _write(style: dict, people: list[Person], folder: Path, seed: int) -> Path:
    r = random.Random(seed)
    rows = [render_values(Row(p, "usulan_baru"), style, r) for p in people]
    if style["fmt"] == "csv":
        path = folder / "p.csv"
        with path.open("w", newline="", encoding=style["encoding"]) as fh:
            w = csv.writer(fh, delimiter=style["delimiter"])
            w.writerow(["NO", *style["headers"]])
            w.writerows([[i, *row] for i, row in enumerate(rows, 1)])
        return path
    path = folder / "p.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["DAFTAR USULAN"])
    ws.append(["NO", *style["headers"]])
    for i, row in enumerate(rows, 1):
        ws.append([i, *row])
    wb.save(path)
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    style=st.sampled_from(range(len(STYLES))),
    people=st.lists(persons(), min_size=1, max_size=6),
    seed=st.integers(0, 1000),
)
def test_any_valid_person_in_any_style_reads_back_the_same(style, people, seed):
    with tempfile.TemporaryDirectory() as d:
        path = _write(STYLES[style], people, Path(d), seed)
        table = find_table(read_grids(path)[0])
        raw = prelist.read(table, "p", schemes.DEFAULT).frame  # codes read in the file's scheme
        raw.insert(0, "row_id", range(1, len(raw) + 1))
        raw["folder_kode"] = "6271011001"
        clean, problems = validate.prepare(raw)
    assert problems.empty, problems
    assert len(clean) == len(people)
    for got, p in zip(clean.itertuples(), people, strict=True):
        assert got.nik == p.nik
        assert got.no_kk == p.no_kk
        assert got.nama_key == p.nama
        assert got.tanggal_lahir == pd.Timestamp(p.tanggal_lahir)
        assert got.jenis_kelamin == p.jenis_kelamin
        assert got.hubungan_keluarga == p.hubungan_keluarga
        if "status_kawin" in table.columns.values():
            assert got.status_kawin == p.status_kawin
        assert got.rt == p.rt and got.rw == p.rw
        assert got.tempat_lahir.upper() == p.tempat_lahir
