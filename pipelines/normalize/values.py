"""The normalisers of one cell: raw value -> (canonical value, problem code or None)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from pipelines.normalize.vocabularies import MARITAL, MONTHS, RELATIONSHIP, SEX, YES_NO

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
        return None, "id_bukan_angka"
    if isinstance(v, int | float):
        if isinstance(v, float) and not v.is_integer():
            return None, "id_bukan_angka"
        n = int(v)
        digits = str(n)
        # Excel keeps 15 significant digits: a 16-digit number cell ending in 0, or one past
        # 2^53, has lost its last digit(s) for good.
        if len(digits) >= 15 and (digits.endswith("0") or n > EXCEL_SAFE_MAX):
            return None, "id_terpotong"
        return digits, None
    s = str(v).strip().lstrip("'`´‘’").strip().strip('"')
    if _SCI_RE.match(s):
        return None, "id_notasi_ilmiah"
    m = _FLOAT_STR_RE.match(s)
    if m:
        s = m.group(1)
    s = _ID_STRIP_RE.sub("", s)
    if not s:
        return None, None
    if not s.isdigit():
        return None, "id_bukan_angka"
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
        return None, "tanggal_tidak_valid"


def parse_date_value(v: Any) -> Result:
    """A date cell, serial number or text in an Indonesian style -> date."""
    if isinstance(v, dt.datetime):
        return v.date(), None
    if isinstance(v, dt.date):
        return v, None
    if isinstance(v, bool):
        return None, "tanggal_tidak_dikenali"
    if isinstance(v, int | float):
        d = excel_serial_to_date(float(v))
        return (d, None) if d else (None, "tanggal_tidak_dikenali")
    s = " ".join(str(v).split())
    if m := _DMY_RE.match(s):
        return _ymd(int(m[3]), int(m[2]), int(m[1]))
    if m := _YMD_RE.match(s) or _YMD_SLASH_RE.match(s):
        return _ymd(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMONY_RE.match(s):
        month = MONTHS.get(m[2].lower())
        if month is None:
            return None, "tanggal_tidak_dikenali"
        return _ymd(int(m[3]), month, int(m[1]))
    if s.isdigit() and len(s) == 5:  # a date cell exported to CSV as its serial number
        d = excel_serial_to_date(float(s))
        return (d, None) if d else (None, "tanggal_tidak_dikenali")
    if s.isdigit() and len(s) == 8:  # 31121980
        return _ymd(int(s[4:]), int(s[2:4]), int(s[:2]))
    return None, "tanggal_tidak_dikenali"


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


parse_sex = _category(SEX, "jk_tidak_dikenali")
parse_relationship = _category(RELATIONSHIP, "hubungan_tidak_dikenali")
parse_marital = _category(MARITAL, "status_kawin_tidak_dikenali")
parse_yes_no = _category(YES_NO, "ya_tidak_tidak_dikenali")


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
        return None, "rt_rw_tidak_valid"
    return digits.zfill(3), None


def region_value(v: Any) -> Result:
    """A kode wilayah cell, dotted or not -> 10 digits."""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    digits = re.sub(r"\D", "", str(v))
    return (digits, None) if len(digits) == 10 else (None, "kode_wilayah_tidak_valid")


def name_key(name: str | None) -> str:
    """Upper-case, single-spaced name for comparisons (the display name is kept apart)."""
    return " ".join(str(name).upper().split()) if name else ""
