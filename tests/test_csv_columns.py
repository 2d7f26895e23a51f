"""The column-wise CSV writer (sanitize.csv_fields / write_csv_columns, the SIKS-NG CSV files)
writes the bytes write_csv writes for the same rows: cleaned, formula-guarded, quoted."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import sanitize

TRICKY = ["=1+1", "+62", "-5", "@x", "\tx", "\rx", 'a"b', "a;b", "a\r\nb", "x\x00y", "\ufffe",
          "\ud800", " lead", "", "-", "tail "]  # fmt: skip
value = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(TRICKY),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(dt.date(1000, 1, 1), dt.date(2099, 12, 31)),
    st.just(pd.NA),
    st.just(pd.NaT),
)
texty = st.one_of(st.none(), st.text(max_size=8), st.sampled_from(TRICKY))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.integers(2, 5).flatmap(
        lambda k: st.tuples(
            st.lists(st.text(max_size=5) | st.sampled_from(TRICKY), min_size=k, max_size=k),
            st.lists(st.lists(texty | value, min_size=k, max_size=k), max_size=6),
            st.lists(st.booleans(), min_size=k, max_size=k),
        )
    ),
    st.sampled_from(["%d-%m-%Y", "%Y-%m-%d"]),
)
def test_same_bytes_as_write_csv(tmp_path_factory, table, date_format):
    headers, rows, text_only = table
    # some columns text only (the Arrow path), others mixed (value by value)
    rows = [[v if not t or v is None or isinstance(v, str) else str(v) for v, t in
             zip(r, text_only, strict=True)] for r in rows]  # fmt: skip
    folder = tmp_path_factory.mktemp("csv")
    sanitize.write_csv(folder / "a.csv", headers, rows, date_format)
    columns = [list(c) for c in zip(*rows, strict=True)] or [[] for _ in headers]
    fields = [sanitize.csv_fields(c, date_format) for c in columns]
    sanitize.write_csv_columns(folder / "b.csv", headers, fields)
    assert (folder / "b.csv").read_bytes() == (folder / "a.csv").read_bytes()
    if len(rows) > 2:  # a slice of the rows: the file write_csv writes for those rows
        sanitize.write_csv(folder / "c.csv", headers, rows[1:3], date_format)
        sanitize.write_csv_columns(folder / "d.csv", headers, fields, 1, 3)
        assert (folder / "d.csv").read_bytes() == (folder / "c.csv").read_bytes()
