"""The identity of a prelist row: its kelurahan folder and its data, never its position.

A supervisor's decision is stored against the row's content key (row_key), so a kelurahan that
resends its file with rows inserted, removed or reordered leaves every decision on the person
it was made for. The key is a SHA-256 over the kelurahan folder's code and the row's normalised
person data, plus the row's ordinal among rows with exactly the same content in the period
(identical rows are indistinguishable, the first stays first). It is computed in DuckDB, so a
store migration can compute the same keys for rows stored by an earlier release.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pipelines.validate import PERSON_COLUMNS

KEY_COLUMNS = ["folder_kode", *PERSON_COLUMNS, "kode_wilayah"]
KEY_LENGTH = 24  # hex digits of the SHA-256 kept: 96 bits, no collision in any real month


def _content_sql() -> str:
    parts = [
        f"coalesce(strftime(\"{c}\", '%Y-%m-%d'), '')"
        if c == "tanggal_lahir"
        else f"coalesce(CAST(\"{c}\" AS VARCHAR), '')"
        for c in KEY_COLUMNS
    ]
    return f"substr(sha256(concat_ws(chr(31), {', '.join(parts)})), 1, {KEY_LENGTH})"


def row_key_sql() -> str:
    """UPDATE that sets prelist_outcome.row_key for the rows of period $period."""
    return f"""
UPDATE prelist_outcome AS o SET row_key = k.row_key
FROM (
    SELECT row_id,
           content || '-' || row_number() OVER (PARTITION BY content ORDER BY row_id) AS row_key
    FROM (SELECT row_id, {_content_sql()} AS content
          FROM prelist_outcome WHERE period = $period)
) AS k
WHERE o.period = $period AND o.row_id = k.row_id
"""


def as_text(v) -> str:
    """A stored value as text for comparisons: '' for missing, dates as YYYY-MM-DD."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def person_ref(nik, nama, tanggal_lahir, folder_kode) -> tuple:
    """Who a row is about, to explain a dropped decision: folder + NIK, else name + birth date."""
    nik = as_text(nik)
    if len(nik) == 16 and nik.isdigit():
        return (as_text(folder_kode), "nik", nik)
    return (as_text(folder_kode), "nama", as_text(nama).upper(), as_text(tanggal_lahir))


def backfill_sql() -> list[str]:
    """Keys for rows and decisions stored by a release before row keys (store upgrade).

    A decision recorded before the latest finalisation of its month cannot be tied to a
    person (that finalisation may have renumbered the rows): it keeps no key and no longer
    counts; the supervisor decides that row again.
    """
    return [
        f"""
UPDATE prelist_outcome AS o SET row_key = k.row_key
FROM (
    SELECT period, row_id, content || '-' || row_number() OVER (
               PARTITION BY period, content ORDER BY row_id) AS row_key
    FROM (SELECT period, row_id, {_content_sql()} AS content FROM prelist_outcome
          WHERE period IN (SELECT DISTINCT period FROM prelist_outcome WHERE row_key IS NULL))
) AS k
WHERE o.row_key IS NULL AND o.period = k.period AND o.row_id = k.row_id
""",
        """
UPDATE review_decision AS d SET row_key = o.row_key, matched_id_dtks = o.matched_id_dtks
FROM prelist_outcome AS o
WHERE d.row_key IS NULL AND o.period = d.period AND o.row_id = d.row_id
  AND d.applied_at >= (SELECT max(f.finished_at) FROM finalisation_run AS f
                       WHERE f.period = d.period)
""",
    ]
