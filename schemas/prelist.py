"""The prelist as the data dictionary describes it: one row per proposed person."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.typing import Series

from schemas.fields import (
    OptionalText,
    arrow_text,
    has_kecamatan_prefix,
    is_16_digits,
    is_desa_code,
)

SEX = ["L", "P"]
RELATIONSHIPS = [
    "KEPALA KELUARGA",
    "SUAMI",
    "ISTRI",
    "ANAK",
    "MENANTU",
    "CUCU",
    "ORANG TUA",
    "MERTUA",
    "FAMILI LAIN",
    "LAINNYA",
]
MARITAL = ["BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"]


class PrelistRaw(pa.DataFrameModel):
    """A prelist after header mapping and value normalisation, before the rules."""

    row_id: Series[int] = pa.Field(unique=True)
    source_file: Series[str]
    source_sheet: Series[str]
    source_row: Series[int] = pa.Field(ge=1)
    kode_wilayah: Series[str] = OptionalText()
    nik: Series[str] = OptionalText()
    no_kk: Series[str] = OptionalText()
    nama: Series[str] = OptionalText()
    tempat_lahir: Series[str] = OptionalText()
    tanggal_lahir: Series[pd.Timestamp] = pa.Field(nullable=True)
    jenis_kelamin: Series[str] = OptionalText()
    hubungan_keluarga: Series[str] = OptionalText()
    nama_ibu_kandung: Series[str] = OptionalText()
    status_kawin: Series[str] = OptionalText()
    pekerjaan: Series[str] = OptionalText()
    alamat: Series[str] = OptionalText()
    rt: Series[str] = OptionalText()
    rw: Series[str] = OptionalText()

    class Config:
        strict = False
        coerce = False


class PrelistClean(PrelistRaw):
    """A prelist row that may be proposed: every rule that decides it holds."""

    kode_wilayah: Series[str] = pa.Field(nullable=False)
    nik: Series[str] = pa.Field(nullable=False)
    no_kk: Series[str] = pa.Field(nullable=False)
    nama: Series[str] = pa.Field(nullable=False)
    tanggal_lahir: Series[pd.Timestamp] = pa.Field(nullable=False)
    jenis_kelamin: Series[str] = pa.Field(nullable=False, isin=SEX)
    hubungan_keluarga: Series[str] = pa.Field(nullable=False, isin=RELATIONSHIPS)
    status_kawin: Series[str] = pa.Field(nullable=True, isin=MARITAL)

    @pa.check("nik", "no_kk", name="id_16_digit")
    def _sixteen_digits(cls, s: Series[str]) -> Series[bool]:
        return is_16_digits(s)

    @pa.check("nik", "no_kk", name="id_wilayah")
    def _region_prefix(cls, s: Series[str]) -> Series[bool]:
        return has_kecamatan_prefix(s)

    @pa.check("kode_wilayah", name="wilayah_tidak_dikenal")
    def _known_desa(cls, s: Series[str]) -> Series[bool]:
        return is_desa_code(s)

    @pa.check("tanggal_lahir", name="tanggal_masa_depan")
    def _not_future(cls, s: Series[pd.Timestamp]) -> Series[bool]:
        return s <= pd.Timestamp(dt.date.today())

    @pa.check("tanggal_lahir", name="umur_lebih_120")
    def _age_at_most_120(cls, s: Series[pd.Timestamp]) -> Series[bool]:
        return s >= pd.Timestamp(dt.date.today()) - pd.DateOffset(years=120)

    @pa.dataframe_check(name="nik_tanggal_lahir")
    def _nik_birth_date(cls, df: pd.DataFrame) -> Series[bool]:
        """Digits 7-12 of the NIK are the birth date DDMMYY, day + 40 for women."""
        nik = df["nik"]
        born = df["tanggal_lahir"]
        usable = is_16_digits(nik).to_numpy() & born.notna().to_numpy()
        digits = np.zeros(len(df), dtype=np.int64)
        if usable.any():  # in Arrow: pandas' to_numeric on a million slices takes a second
            arr = arrow_text(nik).filter(pyarrow.array(usable))
            digits[usable] = pc.cast(
                pc.utf8_slice_codeunits(arr, 6, 12), pyarrow.int64()
            ).to_numpy()
        day = born.dt.day.fillna(0).to_numpy(dtype=np.int64)
        rest = (born.dt.month.fillna(0) * 100 + born.dt.year.fillna(0) % 100).to_numpy(np.int64)
        as_man = digits == day * 10000 + rest
        as_woman = digits == (day + 40) * 10000 + rest
        female = (df["jenis_kelamin"] == "P").to_numpy(dtype=bool)
        male = (df["jenis_kelamin"] == "L").to_numpy(dtype=bool)
        # with the sex unknown, either encoding of the day is accepted
        ok = np.where(female, as_woman, np.where(male, as_man, as_man | as_woman))
        return pd.Series(~usable | ok, index=df.index)
