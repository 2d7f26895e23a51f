"""Deactivation proposals from the musyawarah (issue 17 item 3).

A berita acara decision of MENINGGAL, PINDAH, MAMPU, TIDAK DITEMUKAN or GANDA on a person
the register holds is not a rejected proposal: it asks Kemensos to deactivate that person
(docs/domain.md, "DTSEN"). Such a row ends as `usulan_nonaktif`, goes to SIKS-NG in its own file
(one per kelurahan) with the reason, and is counted in every report. A decision of that kind
on a person the register does not hold stays `ditolak_musyawarah` (nothing to deactivate),
and so does a household whose decisions name more than one reason (a person must sort it).

The person is found by NIK in the current register; the decision applies to the rows it
covers (every member of the household, or one row when the prelist carries a decision per
row).
"""

from __future__ import annotations

import pandas as pd

from pipelines.store import Store

# reason code of ingest/decisions.py -> the reason as the SIKS-NG file and reports write it
CODES = {
    "meninggal": "MENINGGAL",
    "pindah": "PINDAH",
    "mampu": "MAMPU",
    "tidak_ditemukan": "TIDAK DITEMUKAN",
    "ganda": "GANDA",
}
# the person's ID DTKS is in the row's own column (matched_id_dtks), never in the text
REASON = "Usulan penonaktifan: musyawarah memutuskan {label} untuk orang yang terdaftar di DTKS."


def find(store: Store, rows: pd.DataFrame) -> pd.DataFrame:
    """ROWS (row_id, nik, alasan_kode) decided with a deactivation reason, that the register
    holds: row_id, matched_id_dtks, alasan_nonaktif (MENINGGAL, ...), reason."""
    cols = ["row_id", "matched_id_dtks", "alasan_nonaktif", "reason"]
    todo = rows[rows["alasan_kode"].isin(list(CODES)) & rows["nik"].notna()]
    if todo.empty:
        return pd.DataFrame(columns=cols)
    with store.scratch("nonaktif", todo[["row_id", "nik", "alasan_kode"]]) as table:
        hits = store.df(
            "SELECT r.row_id, d.id_dtks AS matched_id_dtks, r.alasan_kode "
            f"FROM {table} AS r JOIN dtks_current AS d USING (nik) "
            "QUALIFY row_number() OVER (PARTITION BY r.row_id ORDER BY d.id_dtks) = 1 "
            "ORDER BY r.row_id"
        )
    hits["alasan_nonaktif"] = hits["alasan_kode"].map(CODES)
    hits["reason"] = hits["alasan_nonaktif"].map(lambda label: REASON.format(label=label))
    return hits[cols]
