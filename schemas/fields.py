"""Field definitions shared by every schema: NIK, No KK, region code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from pipelines import wilayah

ID_PATTERN = r"^\d{16}$"


def IdField(nullable: bool = True) -> pa.Field:  # noqa: N802 - reads like a type in models
    """A NIK or No KK: 16 digits, kept as text."""
    return pa.Field(nullable=nullable, str_matches=ID_PATTERN)


def OptionalText() -> pa.Field:  # noqa: N802
    return pa.Field(nullable=True)


def in_set(s: pd.Series, allowed: frozenset[str]) -> pd.Series:
    """s.isin(allowed), looking up each distinct value once (Arrow's isin is slow on large sets)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    hit = np.fromiter((u in allowed for u in uniques), bool, len(uniques))
    return pd.Series(np.append(hit, False)[codes], index=s.index)


def has_kecamatan_prefix(s: pd.Series) -> pd.Series:
    """First six digits are a Kemendagri kecamatan code (where a NIK/KK was issued)."""
    return in_set(s.str.slice(0, 6), wilayah.load().kecamatan_codes)


def is_desa_code(s: pd.Series) -> pd.Series:
    """A 10-digit Kemendagri desa/kelurahan code."""
    return in_set(s, wilayah.load().desa_codes)
