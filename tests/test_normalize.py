"""Value normalisation: the spellings kelurahan operators really type."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipelines import normalize as nz


@pytest.mark.parametrize(
    ("cell", "value", "problem"),
    [
        ("6271014508800001", "6271014508800001", None),
        ("'6271014508800001", "6271014508800001", None),
        (" 6271 0145 0880 0001 ", "6271014508800001", None),
        ("6271.0145.0880.0001", "6271014508800001", None),
        ("6271-0145-0880-0001", "6271014508800001", None),
        ("6271014508800001.0", "6271014508800001", None),
        (6271014508800001.0, "6271014508800001", None),  # full precision number cell
        (6271014508800010.0, None, "id_terpotong"),  # Excel kept 15 digits
        (9271014508800001, None, "id_terpotong"),  # beyond 2^53: cannot be exact
        ("6,27101E+15", None, "id_notasi_ilmiah"),
        ("6.27101E+15", None, "id_notasi_ilmiah"),
        ("62710A4508800001", None, "id_bukan_angka"),
        ("", None, None),
        (None, None, None),
    ],
)
def test_clean_id(cell, value, problem):
    got, code = nz.map_unique(pd.Series([cell], dtype=object), nz.clean_id_value)
    assert got.iloc[0] == value
    assert code.iloc[0] == problem


@pytest.mark.parametrize(
    "cell",
    [
        dt.date(1980, 12, 31),
        dt.datetime(1980, 12, 31),
        29586,
        29586.0,
        "29586",
        "31-12-1980",
        "31/12/1980",
        "31.12.1980",
        "1980-12-31",
        "1980-12-31 00:00:00",
        "31 Desember 1980",
        "31 Des 1980",
        "31-Des-1980",
        "31 desember 1980",
        "31121980",
    ],
)
def test_dates_in_every_style(cell):
    assert nz.parse_date_value(cell) == (dt.date(1980, 12, 31), None)


def test_indonesian_month_abbreviations():
    assert nz.parse_date_value("5 Agt 1975")[0] == dt.date(1975, 8, 5)
    assert nz.parse_date_value("5 Agustus 1975")[0] == dt.date(1975, 8, 5)
    assert nz.parse_date_value("1 Nop 2001")[0] == dt.date(2001, 11, 1)
    assert nz.parse_date_value("17 Pebruari 1999")[0] == dt.date(1999, 2, 17)


def test_impossible_and_unreadable_dates_are_problems():
    assert nz.parse_date_value("31-02-1985") == (None, "tanggal_tidak_valid")
    assert nz.parse_date_value("kemarin") == (None, "tanggal_tidak_dikenali")


@pytest.mark.parametrize(
    ("cell", "sex"),
    [
        ("L", "L"),
        ("p", "P"),
        ("LAKI-LAKI", "L"),
        ("Perempuan", "P"),
        (1, "L"),
        (2.0, "P"),
        ("PRIA", "L"),
        ("WANITA", "P"),
        ("Laki laki", "L"),
    ],
)
def test_sex(cell, sex):
    assert nz.parse_sex(cell) == (sex, None)


@pytest.mark.parametrize(
    ("cell", "rel"),
    [
        ("KEPALA KELUARGA", "KEPALA KELUARGA"),
        ("Kepala Keluarga", "KEPALA KELUARGA"),
        ("ISTRI", "ISTRI"),
        ("ANAK KANDUNG", "ANAK"),
        ("Anak", "ANAK"),
        (4, "ANAK"),
        (1, "KEPALA KELUARGA"),
        ("ORANG TUA", "ORANG TUA"),
        ("FAMILI LAIN", "FAMILI LAIN"),
        ("Cucu", "CUCU"),
        ("MERTUA", "MERTUA"),
    ],
)
def test_relationship(cell, rel):
    assert nz.parse_relationship(cell) == (rel, None)


def test_unknown_category_is_a_problem_not_a_guess():
    assert nz.parse_sex("X") == (None, "jk_tidak_dikenali")
    assert nz.parse_marital("JANDA") == (None, "status_kawin_tidak_dikenali")


def test_rt_rw_zero_padded():
    assert nz.rt_rw_value(1) == ("001", None)
    assert nz.rt_rw_value("RT 05") == ("005", None)
    assert nz.rt_rw_value("12") == ("012", None)


def test_text_collapses_spaces_and_drops_float_tail():
    assert nz.text_value("  SITI   AMINAH ") == ("SITI AMINAH", None)
    assert nz.text_value(12.0) == ("12", None)
