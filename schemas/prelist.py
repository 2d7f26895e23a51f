"""The prelist as the data dictionary describes it: one row per proposed person."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from pipelines.normalize.columns import arrow_text
from pipelines.reasons import Reason
from schemas.fields import (
    has_province_prefix,
    is_16_digits,
    is_desa_code,
)

SEX = ["L", "P"]
RELATIONSHIPS = [
    "KEPALA KELUARGA",
    "SUAMI",
    "ISTRI",
    "ISTRI/SUAMI",  # DTKS's code 2 when the sex is unknown (the row fails on its sex)
    "ANAK",
    "MENANTU",
    "CUCU",
    "ORANG TUA",
    "MERTUA",
    "ORANG TUA/MERTUA",  # DTKS's code 6
    "FAMILI LAIN",
    "PEMBANTU",
    "LAINNYA",
]
MARITAL = ["BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"]


# DataFrameSchema objects rather than DataFrameModel classes: building a model's schema
# imports pandera's Dask typing, and with it dask.dataframe (installed for the province
# scale-out), half a second on every run.


def _text(nullable: bool = True) -> pa.Column:
    return pa.Column(str, nullable=nullable)


def _not_future(s: pd.Series) -> pd.Series:
    return s <= pd.Timestamp(dt.date.today())


FIRST_BIRTH = pd.Timestamp("1900-01-01")


def _not_before_1900(s: pd.Series) -> pd.Series:
    return s >= FIRST_BIRTH


def _age_at_most_120(s: pd.Series) -> pd.Series:
    # a date before 1900 has its own reason (lahir_sebelum_1900)
    return (s >= pd.Timestamp(dt.date.today()) - pd.DateOffset(years=120)) | (s < FIRST_BIRTH)


# The region part of a NIK/KK is where and when it was issued: only the province (2 digits)
# must exist today; an unknown kab/kota or kecamatan part is a note (validate.region_notes).
_ID_CHECKS = (
    pa.Check(is_16_digits, name=Reason.ID_16_DIGIT),
    pa.Check(has_province_prefix, name=Reason.ID_PROVINSI),
)

# A prelist after header mapping and value normalisation, before the rules.
PrelistRaw = pa.DataFrameSchema(
    {
        "row_id": pa.Column(int, unique=True),
        "source_file": _text(False),
        "source_sheet": _text(False),
        "source_row": pa.Column(int, pa.Check.ge(1)),
        "kode_wilayah": _text(),
        "nik": _text(),
        "no_kk": _text(),
        "nama": _text(),
        "tempat_lahir": _text(),
        "tanggal_lahir": pa.Column(pa.Timestamp, nullable=True),
        "jenis_kelamin": _text(),
        "hubungan_keluarga": _text(),
        "nama_ibu_kandung": _text(),
        "status_kawin": _text(),
        "pekerjaan": _text(),
        "alamat": _text(),
        "rt": _text(),
        "rw": _text(),
    },
    strict=False,
    coerce=False,
    name="PrelistRaw",
)


def _nik_birth_date(df: pd.DataFrame) -> pd.Series:
    """Digits 7-12 of the NIK are the birth date DDMMYY, day + 40 for women."""
    nik = df["nik"]
    born = df["tanggal_lahir"]
    usable = is_16_digits(nik).to_numpy() & born.notna().to_numpy()
    digits = np.zeros(len(df), dtype=np.int64)
    if usable.any():  # in Arrow: pandas' to_numeric on a million slices takes a second
        arr = arrow_text(nik).filter(pyarrow.array(usable))
        digits[usable] = pc.cast(pc.utf8_slice_codeunits(arr, 6, 12), pyarrow.int64()).to_numpy()
    day = born.dt.day.fillna(0).to_numpy(dtype=np.int64)
    rest = (born.dt.month.fillna(0) * 100 + born.dt.year.fillna(0) % 100).to_numpy(np.int64)
    as_man = digits == day * 10000 + rest
    as_woman = digits == (day + 40) * 10000 + rest
    female = (df["jenis_kelamin"] == "P").to_numpy(dtype=bool)
    male = (df["jenis_kelamin"] == "L").to_numpy(dtype=bool)
    # with the sex unknown, either encoding of the day is accepted
    ok = np.where(female, as_woman, np.where(male, as_man, as_man | as_woman))
    return pd.Series(~usable | ok, index=df.index)


# A prelist row that may be proposed: every rule that decides it holds.
PrelistClean = pa.DataFrameSchema(
    PrelistRaw.update_columns(
        {
            "kode_wilayah": {
                "nullable": False,
                "checks": [pa.Check(is_desa_code, name=Reason.WILAYAH_TIDAK_DIKENAL)],
            },
            "nik": {"nullable": False, "checks": list(_ID_CHECKS)},
            "no_kk": {"nullable": False, "checks": list(_ID_CHECKS)},
            "nama": {"nullable": False},
            "tanggal_lahir": {
                "nullable": False,
                "checks": [
                    pa.Check(_not_future, name=Reason.TANGGAL_MASA_DEPAN),
                    pa.Check(_not_before_1900, name=Reason.LAHIR_SEBELUM_1900),
                    pa.Check(_age_at_most_120, name=Reason.UMUR_LEBIH_120),
                ],
            },
            "jenis_kelamin": {"nullable": False, "checks": [pa.Check.isin(SEX)]},
            "hubungan_keluarga": {"nullable": False, "checks": [pa.Check.isin(RELATIONSHIPS)]},
            "status_kawin": {"checks": [pa.Check.isin(MARITAL)]},
        }
    ).columns,
    checks=[pa.Check(_nik_birth_date, name=Reason.NIK_TANGGAL_LAHIR)],
    strict=False,
    coerce=False,
    name="PrelistClean",
)
