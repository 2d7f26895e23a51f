"""What a data request may receive: an approved status, record-level data only under a PKS,
no identifying columns in a table, and disclosure control (threshold, complementary cells,
rounding) on every table."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipelines.requests import catalogue, register
from pipelines.requests.disclosure import MIN_THRESHOLD, protect
from pipelines.settings import Permintaan


class ReleaseRefused(register.RequestError):
    "The release would break a rule (identifying columns, no agreement, wrong status)."


def check_status(r: pd.Series) -> None:
    """Refuse a request that is not approved (or already being processed)."""
    if r["status"] not in ("disetujui", "diproses"):
        raise ReleaseRefused(
            f"{r['nomor']} berstatus '{r['status']}'; hanya permintaan yang "
            "disetujui yang dapat diserahkan."
        )


def check_record_level(r: pd.Series, entry: catalogue.Entry) -> None:
    """Refuse record-level data unless a local government body asks under a PKS."""
    if entry.record_level:
        if r["kategori"] != "perencanaan_opd" or not r["nomor_pks"]:
            raise ReleaseRefused(
                "Data tingkat individu hanya untuk perangkat daerah dengan "
                "nomor perjanjian kerja sama (PKS) berbagi data; permintaan "
                "ini tidak memenuhinya."
            )


def limits(settings: Permintaan) -> tuple[int, int | None]:
    """(threshold, rounding) from dtks.toml [permintaan]; never below MIN_THRESHOLD."""
    return max(settings.ambang, MIN_THRESHOLD), settings.pembulatan


def check_columns(table: pd.DataFrame, entry: catalogue.Entry) -> None:
    """Refuse identifying columns in a table that is not record-level data."""
    if not entry.record_level:
        leaked = catalogue.IDENTIFYING & {str(c).lower() for c in table.columns}
        if leaked:
            raise ReleaseRefused(
                f"Kolom identitas ({', '.join(sorted(leaked))}) tidak boleh dirilis."
            )


def released(
    table: pd.DataFrame, entry: catalogue.Entry, r: pd.Series, threshold: int, rounding: Any
) -> tuple[pd.DataFrame, str]:
    """The table as released (protected, with totals, unless record-level data) and the note
    that says which disclosure control was applied."""
    if entry.record_level:
        note = (
            f"Data tingkat individu berdasarkan PKS nomor {r['nomor_pks']}; "
            "tanpa pengendalian pengungkapan."
        )
        return table, note
    prot = protect(table, threshold, entry.row_margin, int(rounding) if rounding else None)
    note = (
        f"Sel bernilai 1 sampai {threshold - 1} disembunyikan ({prot.primary} sel), "
        f"ditambah {prot.complementary} sel pelengkap agar tidak dapat dihitung dari "
        "jumlah"
        + (f"; angka dibulatkan ke kelipatan {rounding}" if rounding else "")
        + ". Sel tersembunyi ditulis 'x'."
    )
    return _with_totals(prot), note


def _with_totals(prot) -> pd.DataFrame:
    t = prot.table.copy()
    if prot.row_totals is not None:
        t["Jumlah"] = prot.row_totals
    total_row = prot.col_totals.copy()
    if prot.row_totals is not None:
        total_row["Jumlah"] = prot.grand_total
    t.loc["Jumlah"] = total_row
    return t.astype(object).map(lambda v: "x" if pd.isna(v) else int(v))
