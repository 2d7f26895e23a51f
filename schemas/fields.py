"""Checks shared by every schema: NIK and No KK digits, region codes."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pyarrow
import pyarrow.compute as pc

from pipelines import wilayah
from pipelines.normalize.columns import arrow_text
from pipelines.normalize.fast import sixteen_digits


def is_16_digits(s: pd.Series) -> pd.Series:
    """Exactly 16 ASCII digits (a NIK or No KK); empty cells are not."""
    ok = sixteen_digits(arrow_text(s))
    return pd.Series(pc.fill_null(ok, False).to_numpy(zero_copy_only=False), index=s.index)


def in_set(s: pd.Series, allowed: frozenset[str]) -> pd.Series:
    """s.isin(allowed) in Arrow (a hash look-up per cell; empty cells are not in)."""
    hit = pc.is_in(arrow_text(s), value_set=_value_set(allowed))
    return pd.Series(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), index=s.index)


@cache
def _value_set(allowed: frozenset[str]) -> pyarrow.Array:
    return pyarrow.array(sorted(allowed), type=pyarrow.large_string())


def has_kecamatan_prefix(s: pd.Series) -> pd.Series:
    """First six digits are a kecamatan code of today's Kemendagri list (where a NIK/KK was
    issued; an older NIK may carry a code renumbered since, see has_province_prefix)."""
    return _prefix_in(s, 6, wilayah.load().kecamatan_codes)


def has_province_prefix(s: pd.Series) -> pd.Series:
    """First two digits are a province code: the part of a NIK/KK region that never changes
    (kab/kota and kecamatan codes are split and renumbered over the years)."""
    return _prefix_in(s, 2, wilayah.load().province_codes)


def _prefix_in(s: pd.Series, width: int, codes: frozenset[str]) -> pd.Series:
    prefix = pc.utf8_slice_codeunits(arrow_text(s), 0, width)
    hit = pc.is_in(prefix, value_set=_value_set(codes))
    return pd.Series(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), index=s.index)


def is_desa_code(s: pd.Series) -> pd.Series:
    """A 10-digit Kemendagri desa/kelurahan code."""
    return in_set(s, wilayah.load().desa_codes)
