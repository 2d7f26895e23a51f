"""The Splink baseline's shared setup, so every benchmark compares against the same model."""

from __future__ import annotations

import pandas as pd

COLUMNS = ["nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
           "nama_ibu_kandung", "kode_wilayah"]  # fmt: skip


def frame(df: pd.DataFrame, id_column: str, prefix: str = "") -> pd.DataFrame:
    """COLUMNS plus uid, birth dates as ISO text, missing values as None (Splink's input)."""
    out = df[[id_column, *COLUMNS]].rename(columns={id_column: "uid"}).copy()
    if prefix:
        out["uid"] = prefix + out["uid"].astype(str)
    out["tanggal_lahir"] = pd.to_datetime(out["tanggal_lahir"]).dt.strftime("%Y-%m-%d")
    return out


def as_objects(df: pd.DataFrame) -> pd.DataFrame:
    """Every column as Python objects with None for missing (what Splink's DuckDB side wants)."""
    for c in df.columns:
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def comparisons(input_is_string: bool, name_tf: bool = False, extra: tuple = ()) -> list:
    """NIK (Damerau-Levenshtein 1), name (Jaro-Winkler), birth date, sex, KK, mother's name."""
    import splink.comparison_library as cl

    name = cl.JaroWinklerAtThresholds("nama", [0.95, 0.88, 0.7])
    if name_tf:
        name = name.configure(term_frequency_adjustments=True)
    return [
        cl.DamerauLevenshteinAtThresholds("nik", [1]),
        name,
        cl.DateOfBirthComparison("tanggal_lahir", input_is_string=input_is_string),
        cl.ExactMatch("jenis_kelamin"),
        cl.ExactMatch("no_kk"),
        cl.JaroWinklerAtThresholds("nama_ibu_kandung", [0.9, 0.7]),
        *extra,
    ]
