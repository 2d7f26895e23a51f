"""The berita acara's columns read column-wise (ingest/musyawarah.py) equal the plain
per-cell reading they replaced, on generated cells of every kind a reader returns."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest import musyawarah
from pipelines.normalize.columns import map_unique
from pipelines.normalize.fast import fast_id, fast_text
from pipelines.normalize.values import clean_id_value

# what calamine and the CSV reader give for a cell: text (odd spacing, placeholders,
# accents, check marks), numbers (int, float, 1 vs 1.0 vs True), dates, empty cells
WORDS = ["SETUJU", " setuju ", "Tdk  layak", "TIDAK LAYAK", "√", "-", "", "nan", "Ölah  Ñ",
         "Budi\tSantoso", "  ", "1", "1.0"]  # fmt: skip
cells = st.one_of(
    st.sampled_from(WORDS),
    st.text(alphabet=" aAbB.-'\t√Ñ\xa0\x1f", max_size=8),
    st.sampled_from(["NAN", " None ", "n/a", "#N/A", "  BUDI   SANTOSO ", "SITI\u2003AMINAH"]),
    st.sampled_from([None, float("nan"), 1, 1.0, 0, True, False, 2.5, -0.0]),
    st.just(dt.datetime(2026, 11, 3)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(cells, max_size=40))
def test_by_text_equals_the_per_cell_map(values):
    s = pd.Series(values, dtype=object, index=range(100, 100 + len(values)))
    for fn, fast in [
        (musyawarah._spaced, None),
        (musyawarah._spaced, fast_text),  # as head names are read
        (musyawarah._stripped, None),
    ]:
        want = s.map(fn)
        got = musyawarah.by_text(s, fn, fast)
        pd.testing.assert_series_equal(got, want)


ids = st.one_of(
    st.from_regex(r"\A[0-9]{16}\Z"),
    st.from_regex(r"\A['`]?[0-9]{4}[ \-]?[0-9]{4}[ .\-]?[0-9]{8}\Z"),
    st.from_regex(r"\A ?[0-9]{15,17}(\.0)? ?\Z"),
    st.sampled_from(["", "-", "nan", "6.271E+15", "62710112345678O1", "'6271011234567891"]),
    st.integers(10**14, 10**17),
    st.sampled_from([None, float("nan"), 6271011234567890.0, 6271011234567891.0, True, 1.5]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(ids, max_size=40), st.booleans())
def test_ids_with_the_fast_path_equal_the_per_value_reading(values, repeat):
    s = pd.Series(values + (values if repeat else []), dtype=object)
    want = map_unique(s, clean_id_value)
    got = map_unique(s, clean_id_value, fast=fast_id)
    pd.testing.assert_series_equal(got[0], want[0])
    pd.testing.assert_series_equal(got[1], want[1])
