"""Value normalisation: whatever spelling a kelurahan typed -> one canonical value.

Each normaliser maps a column of raw cell values (str, float, int, date, datetime, None as
a spreadsheet reader returns them) to canonical values and a parallel column of problem
codes (see reasons.py). Work is done once per distinct value, so a million rows with a few
thousand distinct dates cost a few thousand calls.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

Result = tuple[Any, str | None]

_MISSING_STR = {"", "-", "--", "nan", "none", "null", "#n/a", "n/a"}


def is_missing(v: Any) -> bool:
    """True for an empty cell in any of its guises."""
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, str) and v.strip().lower() in _MISSING_STR


Fast = Callable[[np.ndarray], np.ndarray]


def to_str(values: np.ndarray | list) -> pd.Series:
    """Python strings/None -> pandas' default str dtype, through Arrow (twice as fast)."""
    arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    return pd.Series(arr.to_pandas(types_mapper={pa.large_string(): STR_DTYPE}.get))


STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)


def squeeze_spaces(s: pd.Series) -> pd.Series:
    """Trim and collapse runs of white space, in Arrow (pandas' regex replace runs per cell)."""
    arr = pa.array(s.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    out = pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, r"\s+", " "))
    return pd.Series(out.to_pandas(types_mapper={pa.large_string(): STR_DTYPE}.get), index=s.index)


def _str_part(uniques: np.ndarray) -> tuple[np.ndarray, pd.Series]:
    """Positions of the str values among uniques, and those values as a str Series."""
    idx = np.flatnonzero(np.fromiter((type(u) is str for u in uniques), bool, len(uniques)))
    return idx, to_str(uniques[idx])


def map_unique(
    values: pd.Series, fn: Callable[[Any], Result], fast: Fast | None = None
) -> tuple[pd.Series, pd.Series]:
    """Apply fn once per distinct value; return (canonical values, problem codes).

    pd.factorize hashes the cells in C and fn runs on the distinct values only. `fast`, when
    given, settles the common, clean spellings of the distinct values column-wise and
    returns None for the rest, which fn handles. Python equality decides what is distinct,
    so 1 and 1.0 share a result, as every normaliser treats them alike.
    """
    codes, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    vals = np.full(len(uniques) + 1, None, dtype=object)  # the extra slot: code -1, empty
    probs = np.full(len(uniques) + 1, None, dtype=object)
    todo: np.ndarray | range = range(len(uniques))
    if fast is not None and len(uniques):
        got = fast(uniques)
        handled = np.fromiter((g is not None for g in got), bool, len(got))
        vals[:-1][handled] = got[handled]
        todo = np.flatnonzero(~handled)
    for i in todo:
        u = uniques[i]
        vals[i], probs[i] = (None, None) if is_missing(u) else fn(u)
    return (
        pd.Series(vals[codes], index=values.index, dtype=object),
        pd.Series(probs[codes], index=values.index, dtype=object),
    )


def fast_id(uniques: np.ndarray) -> np.ndarray:
    """Text cells that are already 16 digits (an apostrophe or outer spaces allowed)."""
    out = np.full(len(uniques), None, dtype=object)
    idx, strs = _str_part(uniques)
    clean = strs.str.strip().str.lstrip("'")
    ok = clean.str.fullmatch(r"\d{16}").fillna(False).to_numpy(dtype=bool)
    out[idx[ok]] = clean[ok].to_numpy(dtype=object)
    return out


def fast_text(uniques: np.ndarray) -> np.ndarray:
    """Text cells, trimmed with inner spaces collapsed (placeholders like '-' left to fn)."""
    out = np.full(len(uniques), None, dtype=object)
    idx, strs = _str_part(uniques)
    clean = squeeze_spaces(strs)
    ok = (clean.str.len() > 0) & ~clean.str.lower().isin(_MISSING_STR)
    ok = ok.fillna(False).to_numpy(dtype=bool)
    out[idx[ok]] = clean[ok].to_numpy(dtype=object)
    return out


def fast_date(uniques: np.ndarray) -> np.ndarray:
    """Date cells, and text in dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd."""
    out = np.full(len(uniques), None, dtype=object)
    kinds = [type(u) for u in uniques]
    is_date = np.fromiter((k is dt.date for k in kinds), bool, len(kinds))
    out[is_date] = uniques[is_date]
    num = np.flatnonzero(np.fromiter((k is float or k is int for k in kinds), bool, len(kinds)))
    if len(num):  # Excel serial day numbers
        days = uniques[num].astype(np.float64)
        ok = (days >= 1) & (days < 110000) & (days == np.floor(days))
        stamps = np.datetime64("1899-12-30") + days[ok].astype("timedelta64[D]")
        out[num[ok]] = stamps.astype("datetime64[D]").astype(object)
    idx, strs = _str_part(uniques)
    strs = strs.str.strip()
    for fmt in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"):
        parsed = pd.to_datetime(strs, format=fmt, errors="coerce")
        ok = parsed.notna().to_numpy() & pd.isna(out[idx])
        out[idx[ok]] = [t.date() for t in parsed[ok]]
    return out


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

BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember"]  # fmt: skip
MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agst": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip
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


SEX = {
    **dict.fromkeys(["L", "LK", "LAKI", "LAKILAKI", "PRIA", "1", "M", "MALE", "COWOK"], "L"),
    **dict.fromkeys(["P", "PR", "PEREMPUAN", "WANITA", "2", "F", "W", "FEMALE"], "P"),
}
RELATIONSHIP = {
    **dict.fromkeys(
        ["KEPALAKELUARGA", "KEPALA", "KK", "KRT", "KEPALARUMAHTANGGA", "1"], "KEPALA KELUARGA"
    ),
    **dict.fromkeys(["SUAMI", "2"], "SUAMI"),
    **dict.fromkeys(["ISTRI", "ISTERI", "3"], "ISTRI"),
    **dict.fromkeys(["ANAK", "ANAKKANDUNG", "ANAKTIRI", "ANAKANGKAT", "4"], "ANAK"),
    **dict.fromkeys(["MENANTU", "5"], "MENANTU"),
    **dict.fromkeys(["CUCU", "6"], "CUCU"),
    **dict.fromkeys(["ORANGTUA", "ORTU", "AYAH", "IBU", "7"], "ORANG TUA"),
    **dict.fromkeys(["MERTUA", "8"], "MERTUA"),
    **dict.fromkeys(["FAMILILAIN", "FAMILI", "SAUDARA", "9"], "FAMILI LAIN"),
    **dict.fromkeys(["LAINNYA", "LAIN", "PEMBANTU", "10", "11"], "LAINNYA"),
}
MARITAL = {
    **dict.fromkeys(["BELUMKAWIN", "BELUMMENIKAH", "BK", "LAJANG", "1"], "BELUM KAWIN"),
    **dict.fromkeys(["KAWIN", "MENIKAH", "K", "KAWINTERCATAT", "KAWINBELUMTERCATAT", "2"], "KAWIN"),
    **dict.fromkeys(["CERAIHIDUP", "CH", "3"], "CERAI HIDUP"),
    **dict.fromkeys(["CERAIMATI", "CM", "4"], "CERAI MATI"),
}
YES_NO = {
    **dict.fromkeys(["YA", "Y", "1", "TRUE", "BENAR", "ADA"], "YA"),
    **dict.fromkeys(["TIDAK", "T", "N", "0", "FALSE", "TDK", "SALAH"], "TIDAK"),
}

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
