"""Working days: weekends, national holidays and cuti bersama skipped.

National holidays and cuti bersama come from the maintained `holidays` package (Indonesia,
categories public and government: the SKB 3 Menteri joint leave days). A day the package does
not know yet (a regional holiday, a late SKB change) goes in libur_tambahan.csv beside this
file with its legal basis.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import cache
from importlib import resources

import holidays


@cache
def _extra() -> frozenset[dt.date]:
    text = resources.files("pipelines.requests").joinpath("libur_tambahan.csv").read_text("utf-8")
    return frozenset(dt.date.fromisoformat(r["tanggal"]) for r in csv.DictReader(text.splitlines()))


@cache
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.Indonesia(years=year, categories=("public", "government"))


def is_workday(day: dt.date) -> bool:
    """Monday-Friday, not a national holiday, not cuti bersama, not an added day off."""
    return day.weekday() < 5 and day not in _calendar(day.year) and day not in _extra()


def add_workdays(start: dt.date, n: int) -> dt.date:
    """The n-th working day after start (start itself does not count)."""
    day, left = start, n
    while left > 0:
        day += dt.timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day
