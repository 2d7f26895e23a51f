"""The normalisers of one cell: raw value -> (canonical value, problem code or None)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from pipelines.normalize.vocabularies import MARITAL, MONTHS, RELATIONSHIP, SEX, YES_NO
from pipelines.reasons import Reason

Result = tuple[Any, str | None]

MISSING_STR = {"", "-", "--", "nan", "none", "null", "#n/a", "n/a"}


def is_missing(v: Any) -> bool:
    """True for an empty cell in any of its guises."""
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, str) and v.strip().lower() in MISSING_STR


# ---------------------------------------------------------------- NIK and No KK

_SCI_RE = re.compile(r"^\d+(?:[.,]\d+)?[eE][+]?\d+$")
_FLOAT_STR_RE = re.compile(r"^(\d{15,16})\.0+$")
_ID_STRIP_RE = re.compile(r"[\s.\-_/,]")
EXCEL_SAFE_MAX = 2**53


def clean_id_value(v: Any) -> Result:
    """A NIK or No KK cell -> digits; number cells cut by Excel are flagged, never fixed."""
    if isinstance(v, bool):
        return None, Reason.ID_BUKAN_ANGKA
    if isinstance(v, int | float):
        if isinstance(v, float) and not v.is_integer():
            return None, Reason.ID_BUKAN_ANGKA
        n = int(v)
        digits = str(n)
        # Excel keeps 15 significant digits: a 16-digit number cell ending in 0, or one past
        # 2^53, has lost its last digit(s) for good.
        if len(digits) >= 15 and (digits.endswith("0") or n > EXCEL_SAFE_MAX):
            return None, Reason.ID_TERPOTONG
        return digits, None
    s = str(v).strip().lstrip("'`´‘’").strip().strip('"')
    if _SCI_RE.match(s):
        return None, Reason.ID_NOTASI_ILMIAH
    m = _FLOAT_STR_RE.match(s)
    if m:
        s = m.group(1)
    s = _ID_STRIP_RE.sub("", s)
    if not s:
        return None, None
    if not s.isdigit():
        return None, Reason.ID_BUKAN_ANGKA
    return s, None


# ---------------------------------------------------------------- dates

_DMY_RE = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})$")
_YMD_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_YMD_SLASH_RE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_DMONY_RE = re.compile(r"^(\d{1,2})[\s\-/.]*([A-Za-z]+)\.?[\s\-/.,]*(\d{4})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def excel_serial_to_date(n: float) -> dt.date | None:
    """Excel serial day number -> date (1900 date system)."""
    if not 1 <= n < 110000:
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=int(n))


def _ymd(y: int, m: int, d: int) -> Result:
    try:
        return dt.date(y, m, d), None
    except ValueError:
        return None, Reason.TANGGAL_TIDAK_VALID


def parse_date_value(v: Any) -> Result:
    """A date cell, serial number or text in an Indonesian style -> date."""
    if isinstance(v, dt.datetime):
        return v.date(), None
    if isinstance(v, dt.date):
        return v, None
    if isinstance(v, bool):
        return None, Reason.TANGGAL_TIDAK_DIKENALI
    if isinstance(v, int | float):
        d = excel_serial_to_date(float(v))
        return (d, None) if d else (None, Reason.TANGGAL_TIDAK_DIKENALI)
    s = " ".join(str(v).split())
    if m := _DMY_RE.match(s):
        return _ymd(int(m[3]), int(m[2]), int(m[1]))
    if m := _YMD_RE.match(s) or _YMD_SLASH_RE.match(s):
        return _ymd(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMONY_RE.match(s):
        month = MONTHS.get(m[2].lower())
        if month is None:
            return None, Reason.TANGGAL_TIDAK_DIKENALI
        return _ymd(int(m[3]), month, int(m[1]))
    if s.isdigit() and len(s) == 5:  # a date cell exported to CSV as its serial number
        d = excel_serial_to_date(float(s))
        return (d, None) if d else (None, Reason.TANGGAL_TIDAK_DIKENALI)
    if s.isdigit() and len(s) == 8:  # 31121980
        return _ymd(int(s[4:]), int(s[2:4]), int(s[:2]))
    return None, Reason.TANGGAL_TIDAK_DIKENALI


# ---------------------------------------------------------------- categories


def _key(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"[^A-Z0-9]", "", str(v).upper())


def _category(table: dict[str, str], problem: str) -> Callable[[Any], Result]:
    def fn(v: Any) -> Result:
        hit = table.get(_key(v))
        return (hit, None) if hit else (None, problem)

    return fn


parse_sex = _category(SEX, Reason.JK_TIDAK_DIKENALI)
parse_relationship = _category(RELATIONSHIP, Reason.HUBUNGAN_TIDAK_DIKENALI)
parse_marital = _category(MARITAL, Reason.STATUS_KAWIN_TIDAK_DIKENALI)
parse_yes_no = _category(YES_NO, Reason.YA_TIDAK_TIDAK_DIKENALI)


# ---------------------------------------------------------------- text


def text_value(v: Any) -> Result:
    """Trim, collapse inner spaces; whole numbers lose a spurious '.0'."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, dt.datetime | dt.date):
        v = v.strftime("%d-%m-%Y")
    s = " ".join(str(v).split())
    return (s or None), None


def rt_rw_value(v: Any) -> Result:
    """RT/RW -> three digits ('1', 'RT 01', 1.0 -> '001')."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    digits = re.sub(r"\D", "", str(v))
    if not digits or len(digits) > 3:
        return None, Reason.RT_RW_TIDAK_VALID
    return digits.zfill(3), None


def region_value(v: Any) -> Result:
    """A kode wilayah cell, dotted or not -> 10 digits."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    digits = re.sub(r"\D", "", str(v))
    return (digits, None) if len(digits) == 10 else (None, Reason.KODE_WILAYAH_TIDAK_VALID)


def name_key(name: str | None) -> str:
    """Upper-case, single-spaced name for comparisons (the display name is kept apart)."""
    return " ".join(str(name).upper().split()) if name else ""
