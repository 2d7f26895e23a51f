"""Whether a month is closed: the one check every write path calls.

A closed month is frozen (close.py closes and reopens it): finalize, review apply, the
SIKS-NG files and reports, the web desk and closing itself call `ensure_open` before they
change anything. It sits in the store layer, below every stage that asks it, so publishing a
month never imports the later stage that closes one.
"""

from __future__ import annotations

from pipelines.errors import PeriodClosed
from pipelines.store.store import Store


def is_closed(store: Store, period: str) -> bool:
    """Whether the month is closed: the one place that decides it."""
    return store.one("SELECT 1 FROM period_close WHERE period = ?", [period]) is not None


def ensure_open(store: Store, period: str) -> None:
    """Raise PeriodClosed when the month is closed (every write path calls this first)."""
    if is_closed(store, period):
        raise PeriodClosed(
            f"Periode {period} sudah ditutup (dtks close); hasil dan berkasnya tidak diubah "
            "lagi. Usulan susulan masuk ke periode berikutnya. Bila penutupan itu keliru, buka "
            f'kembali secara tercatat: dtks reopen {period} --alasan "..." --petugas NAMA'
        )
