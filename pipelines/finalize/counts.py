"""Rows per kelurahan folder x outcome: the counts of a finalisation."""

from __future__ import annotations

import pandas as pd

from pipelines.outcomes import OUTCOMES


def counts_table(outcomes: pd.DataFrame, folders: list[str]) -> pd.DataFrame:
    """Rows per kelurahan folder x outcome, every folder and outcome present, with totals."""
    from pipelines import wilayah

    w = wilayah.load()
    table = (
        pd.crosstab(outcomes["folder_kode"], outcomes["outcome"])
        .reindex(index=folders, columns=OUTCOMES, fill_value=0)
        .fillna(0)
        .astype(int)
    )
    table.insert(0, "kelurahan", [w.name(k) or "(kode tidak dikenal)" for k in table.index])
    table.insert(1, "kecamatan", [w.name(k[:6]) for k in table.index])
    table["jumlah"] = table[OUTCOMES].sum(axis=1)
    table.index.name = "kode_wilayah"
    return table
