"""Proposals of earlier months still waiting at Kemensos (issue 17 item 6).

A person proposed as new in a closed month (register_change, kind usulan_baru) and not yet in
any later snapshot (accepted_snapshot_id empty) is "sudah diusulkan, menunggu Kemensos" when a
kelurahan sends them again: nothing to send. Once the proposal is older than dtks.toml
`[usulan] usul_ulang_bulan` months (default 6) it may be proposed again, with a note. A
snapshot that holds the NIK marks the proposal accepted (store/snapshot_merge.sql), and from
then on the person matches the register as any registered person does.
"""

from __future__ import annotations

import pandas as pd

from pipelines.store import Store

DEFAULT_MONTHS = 6
WAITING = (
    "Sudah diusulkan pada periode {period} dan belum ada dalam snapshot DTKS sesudahnya: "
    "menunggu penetapan Kemensos, tidak diusulkan lagi. Bila belum ditetapkan, dapat "
    "diusulkan lagi mulai periode {again}."
)
AGAIN = (
    "Diusulkan lagi: usulan periode {period} belum ditetapkan Kemensos setelah {months} bulan "
    "(batas [usulan] usul_ulang_bulan = {limit})."
)
FAMILY_WAITING = (
    "Catatan: keluarga (NO KK) ini sudah diusulkan pada periode {period} dan menunggu "
    "penetapan Kemensos; anggota ini belum termasuk usulan itu."
)


def _months(period: str) -> int:
    year, month = period.split("-")
    return int(year) * 12 + int(month) - 1


def _period(months: int) -> str:
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def find(store: Store, period: str, rows: pd.DataFrame, limit: int) -> pd.DataFrame:
    """ROWS (row_id, nik, no_kk) proposed earlier and still waiting, with what to do.

    Returns row_id, status ('menunggu' within LIMIT months, 'ulang' after it, 'keluarga' for a
    new member of a waiting family) and the Indonesian reason or note.
    """
    empty = pd.DataFrame(columns=["row_id", "status", "reason"])
    if rows.empty:
        return empty
    with store.scratch("pending_rows", rows[["row_id", "nik", "no_kk"]]) as table:
        hits = store.df(
            f"""
            WITH waiting AS (
                SELECT period, nik, no_kk FROM register_change
                WHERE kind = 'usulan_baru' AND accepted_snapshot_id IS NULL AND period < ?
            ),
            by_nik AS (
                SELECT r.row_id, w.period, 'nik' AS via
                FROM {table} AS r JOIN waiting AS w ON w.nik = r.nik
                QUALIFY row_number() OVER (PARTITION BY r.row_id ORDER BY w.period DESC) = 1
            ),
            by_kk AS (
                SELECT r.row_id, w.period, 'kk' AS via
                FROM {table} AS r JOIN waiting AS w ON w.no_kk = r.no_kk
                WHERE r.row_id NOT IN (SELECT row_id FROM by_nik)
                QUALIFY row_number() OVER (PARTITION BY r.row_id ORDER BY w.period DESC) = 1
            )
            SELECT * FROM by_nik UNION ALL SELECT * FROM by_kk ORDER BY row_id
            """,
            [period],
        )
    if hits.empty:
        return empty
    now = _months(period)
    out = []
    for row_id, proposed, via in hits.itertuples(index=False):  # a few rows per month
        age = now - _months(proposed)
        if via == "kk":
            if age <= limit:
                out.append((row_id, "keluarga", FAMILY_WAITING.format(period=proposed)))
        elif age <= limit:
            again = _period(_months(proposed) + limit + 1)
            out.append((row_id, "menunggu", WAITING.format(period=proposed, again=again)))
        else:
            text = AGAIN.format(period=proposed, months=age, limit=limit)
            out.append((row_id, "ulang", text))
    return pd.DataFrame(out, columns=["row_id", "status", "reason"]) if out else empty
