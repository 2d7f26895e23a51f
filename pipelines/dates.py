"""Dates as an Indonesian reader expects them in letters and reports: '5 Oktober 2026'."""

from __future__ import annotations

import datetime as dt

BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember"]  # fmt: skip
HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def long_date(d: dt.date) -> str:
    """'5 Oktober 2026': day without a leading zero, the month's Indonesian name, year."""
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"


def month_year(year: int | str, month: int | str) -> str:
    """'Oktober 2026'."""
    return f"{BULAN[int(month) - 1]} {year}"


def weekday(d: dt.date) -> str:
    """The Indonesian name of the day of the week ('Senin' for a Monday)."""
    return HARI[d.weekday()]
