"""Field definitions shared by every schema: NIK, No KK, region code."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from pipelines import wilayah

ID_PATTERN = r"^\d{16}$"


def IdField(nullable: bool = True) -> pa.Field:  # noqa: N802 - reads like a type in models
    """A NIK or No KK: 16 digits, kept as text."""
    return pa.Field(nullable=nullable, str_matches=ID_PATTERN)


def OptionalText() -> pa.Field:  # noqa: N802
    return pa.Field(nullable=True)


def in_set(s: pd.Series, allowed: frozenset[str]) -> pd.Series:
    """s.isin(allowed) in Arrow (a hash look-up per cell; empty cells are not in)."""
    hit = pc.is_in(arrow_text(s), value_set=_value_set(allowed))
    return pd.Series(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), index=s.index)


@cache
def _value_set(allowed: frozenset[str]) -> pyarrow.Array:
    return pyarrow.array(sorted(allowed), type=pyarrow.large_string())


def arrow_text(s: pd.Series) -> pyarrow.Array | pyarrow.ChunkedArray:
    """A text column as Arrow: no copy for pandas' str dtype."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return pyarrow.array(s.array)
    return pyarrow.array(s.to_numpy(dtype=object), type=pyarrow.large_string(), from_pandas=True)


def has_kecamatan_prefix(s: pd.Series) -> pd.Series:
    """First six digits are a Kemendagri kecamatan code (where a NIK/KK was issued)."""
    prefix = pc.utf8_slice_codeunits(arrow_text(s), 0, 6)
    hit = pc.is_in(prefix, value_set=_value_set(wilayah.load().kecamatan_codes))
    return pd.Series(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), index=s.index)


def is_desa_code(s: pd.Series) -> pd.Series:
    """A 10-digit Kemendagri desa/kelurahan code."""
    return in_set(s, wilayah.load().desa_codes)
