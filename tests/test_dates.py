"""Dates written for Indonesian readers (letters, berita acara, BAST) read back as written."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from pipelines.dates import long_date, month_year, weekday
from pipelines.normalize.fast import fast_date
from pipelines.normalize.values import parse_date_value


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_written_date_reads_back_as_the_same_day(d):
    """What a letter prints is what the prelist reader understands, in both of its paths."""
    text = long_date(d)
    assert text.split()[0] == str(d.day)  # no leading zero
    assert parse_date_value(text) == (d, None)
    assert fast_date(pa.array([text])).to_pylist() == [d]


def test_month_and_weekday_names():
    assert long_date(dt.date(2026, 10, 5)) == "5 Oktober 2026"
    assert month_year("2026", "02") == "Februari 2026"
    assert month_year(2026, 12) == "Desember 2026"
    assert [weekday(dt.date(2026, 10, 5) + dt.timedelta(days=i)) for i in range(7)] == [
        "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"
    ]  # fmt: skip
