"""Column-wise fast paths: the clean, common spellings settled in Arrow, null where the
spelling is left to the (slower, per value) normaliser of normalize.values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.normalize.columns import DATE, TEXT, cell_types
from pipelines.normalize.values import MISSING_STR
from pipelines.normalize.vocabularies import MONTHS

_NULL_TEXT = pa.scalar(None, TEXT)
_MISSING_ARROW = pa.array(sorted(MISSING_STR), type=TEXT)
_MONTH_NAMES = pa.array(list(MONTHS), type=TEXT)
_MONTH_NUMBERS = np.array([*MONTHS.values(), 0])  # the last: an unknown month name


def fast_id(text: pa.Array) -> pa.Array:
    """Text cells that are 16 ASCII digits as typed, or once cleaned as clean_id_value does
    (outer spaces, a leading apostrophe, spaces or dashes between digit groups). Anything
    else, a dot included ('...0001.0'), is left to clean_id_value."""
    return _second_chance(text, sixteen_digits, _clean_id_text)


def sixteen_digits(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Exactly 16 ASCII digits (a NIK or No KK as it must be); null stays null."""
    return pc.and_(
        pc.and_(pc.equal(pc.utf8_length(text), 16), pc.string_is_ascii(text)),
        pc.utf8_is_digit(text),
    )


def _clean_id_text(text: pa.Array) -> pa.Array:
    s = pc.utf8_trim_whitespace(pc.utf8_ltrim(pc.utf8_trim_whitespace(text), characters="'`´‘’"))
    return pc.replace_substring_regex(pc.utf8_trim(s, characters='"'), r"[ \t\-_/,]", "")


def fast_text(text: pa.Array) -> pa.Array:
    """Text cells that are printable ASCII words one space apart, as typed or once runs of
    spaces are squeezed; never a placeholder such as '-' or 'nan' (fn says those are empty)."""
    return _second_chance(text, _is_clean_text, _squeeze_spaces)


def _is_clean_text(text: pa.Array) -> pa.Array:
    return pc.and_(
        pc.match_substring_regex(text, r"^[!-~]+(?: [!-~]+)*$"),
        pc.invert(pc.is_in(pc.utf8_lower(text), value_set=_MISSING_ARROW)),
    )


def _squeeze_spaces(text: pa.Array) -> pa.Array:
    return pc.utf8_trim(pc.replace_substring_regex(text, "  +", " "), characters=" ")


def _second_chance(
    text: pa.Array, ok: Callable[[pa.Array], pa.Array], clean: Callable[[pa.Array], pa.Array]
) -> pa.Array:
    """Cells that pass `ok` as typed; of the rest (few), those that pass once `clean`ed."""
    good = pc.fill_null(ok(text), False)
    out = pc.if_else(good, text, _NULL_TEXT)
    rest = np.flatnonzero(
        ~good.to_numpy(zero_copy_only=False) & text.is_valid().to_numpy(zero_copy_only=False)
    )
    if len(rest):
        cleaned = clean(text.take(rest))
        passed = pc.fill_null(ok(cleaned), False)
        mask = np.zeros(len(text), dtype=bool)
        mask[rest] = True
        out = pc.replace_with_mask(out, mask, pc.if_else(passed, cleaned, _NULL_TEXT))
    return out


def fast_date_cells(cells: np.ndarray) -> pa.Array:
    """Date cells, and whole numbers in Excel's serial-day range (1900 date system)."""
    kinds = cell_types(cells)
    out = pa.nulls(len(cells), DATE)
    for is_kind, convert in (
        (np.equal(kinds, np.asarray(dt.date, dtype=object)), lambda v: pa.array(v, type=DATE)),
        (
            np.equal(kinds, np.asarray(dt.datetime, dtype=object)),
            lambda v: pc.cast(pa.array(v, type=pa.timestamp("us")), DATE),
        ),
        (
            np.equal(kinds, np.asarray(float, dtype=object))
            | np.equal(kinds, np.asarray(int, dtype=object)),
            _serial_days,
        ),
    ):
        if is_kind.any():
            out = pc.replace_with_mask(out, is_kind, convert(cells[is_kind]))
    return out


def _serial_days(numbers: np.ndarray) -> pa.Array:
    days = numbers.astype(np.float64)
    ok = (days >= 1) & (days < 110000) & (days == np.floor(days))
    stamps = np.datetime64("1899-12-30") + np.where(ok, days, 0).astype("timedelta64[D]")
    return pa.array(stamps, mask=~ok, type=DATE)


_DMY_ARROW = r"^(?P<d>[0-9]{1,2})[-/.](?P<m>[0-9]{1,2})[-/.](?P<y>[0-9]{4})$"
_YMD_ARROW = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})$"
_DMONY_ARROW = r"^(?P<d>[0-9]{1,2})[ ]*(?P<m>[A-Za-z]+)[.]?[ ]*(?P<y>[0-9]{4})$"


def fast_date(text: pa.Array) -> pa.Array:
    """Text in dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd or '31 Desember 1980' (valid dates only)."""
    clean = pc.utf8_trim_whitespace(text)
    out = pa.nulls(len(text), DATE)
    for pattern in (_DMY_ARROW, _YMD_ARROW, _DMONY_ARROW):
        parts = pc.extract_regex(clean, pattern)
        found = parts.is_valid().to_numpy(zero_copy_only=False)
        if not found.any():
            continue
        parts = parts.filter(found)
        y, d = (pc.cast(parts.field(k), pa.int64()).to_numpy() for k in ("y", "d"))
        if pattern is _DMONY_ARROW:
            at = pc.index_in(pc.utf8_lower(parts.field("m")), value_set=_MONTH_NAMES)
            m = _MONTH_NUMBERS[pc.fill_null(at, len(_MONTH_NUMBERS) - 1).to_numpy()]
        else:
            m = pc.cast(parts.field("m"), pa.int64()).to_numpy()
        out = pc.replace_with_mask(out, found, _ymd_array(y, m, d))
    return out


def _ymd_array(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> pa.Array:
    """Dates from year, month and day columns; null where no such day (31-02, month 13)."""
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31) & (y >= 1)
    month = ((y - 1970) * 12 + np.where(ok, m, 1) - 1).astype("datetime64[M]")
    day = month.astype("datetime64[D]") + np.where(ok, d, 1) - 1
    ok &= day.astype("datetime64[M]") == month
    return pa.array(day, mask=~ok, type=DATE)
