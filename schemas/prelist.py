"""The prelist as the data dictionary describes it: one row per proposed person."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas.fields import IdField, OptionalText, has_kecamatan_prefix, is_desa_code

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
    nik: Series[str] = IdField(nullable=False)
    no_kk: Series[str] = IdField(nullable=False)
    nama: Series[str] = pa.Field(nullable=False)
    tanggal_lahir: Series[pd.Timestamp] = pa.Field(nullable=False)
    jenis_kelamin: Series[str] = pa.Field(nullable=False, isin=SEX)
    hubungan_keluarga: Series[str] = pa.Field(nullable=False, isin=RELATIONSHIPS)
    status_kawin: Series[str] = pa.Field(nullable=True, isin=MARITAL)

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
        usable = (
            nik.str.fullmatch(r"\d{16}").fillna(False).astype(bool) & df["tanggal_lahir"].notna()
        )
        day = pd.to_numeric(nik.str.slice(6, 8), errors="coerce")
        month = pd.to_numeric(nik.str.slice(8, 10), errors="coerce")
        yy = pd.to_numeric(nik.str.slice(10, 12), errors="coerce")
        born = df["tanggal_lahir"]
        female = df["jenis_kelamin"] == "P"
        male = df["jenis_kelamin"] == "L"
        expected_day = born.dt.day + female.astype(int) * 40
        same_date = (month == born.dt.month) & (yy == born.dt.year % 100)
        # with the sex unknown, either encoding of the day is accepted
        day_ok = (day == expected_day) | (~female & ~male & (day == born.dt.day + 40))
        ok = same_date & day_ok
        return (~usable | ok.fillna(False)).astype(bool)
