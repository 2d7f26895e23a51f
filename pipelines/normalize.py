"""Value normalisation: whatever spelling a kelurahan typed -> one canonical value.

Each normaliser maps a column of raw cell values (str, float, int, date, datetime, None as
a spreadsheet reader returns them) to canonical values and a parallel column of problem
codes (see reasons.py). normalise_column applies them to a whole column: clean text is
settled in Arrow, and the normaliser itself runs once per distinct odd value, so a million
rows cost a few Arrow passes and a few thousand Python calls.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.reasons import Reason

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


TEXT = pa.large_string()
DATE = pa.date32()
STR_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)
_NULL_TEXT = pa.scalar(None, TEXT)
_MISSING_ARROW = pa.array(sorted(_MISSING_STR), type=TEXT)

# a fast path: text cells (Arrow) -> canonical values, null where the spelling is left to
# the (slower, per value) normaliser
Fast = Callable[[pa.Array], pa.Array]
# the same for the cells that are not text (numbers, dates), as Python objects
FastCells = Callable[[np.ndarray], pa.Array]


class Problems(NamedTuple):
    """The cells of a column a normaliser could not read: positions and problem codes."""

    rows: np.ndarray
    codes: np.ndarray


def series(arr: pa.Array | pa.ChunkedArray) -> pd.Series:
    """An Arrow text or date column as a pandas Series (str dtype, or datetime64[us])."""
    if pa.types.is_date(arr.type):
        return pd.Series(pc.cast(arr, pa.timestamp("us")).to_pandas())
    return pd.Series(arr.to_pandas(types_mapper={TEXT: STR_DTYPE, pa.string(): STR_DTYPE}.get))


def arrow_text(s: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A text column as Arrow: no copy for pandas' str dtype."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        return pa.array(s.array)
    return pa.array(s.to_numpy(dtype=object), type=TEXT, from_pandas=True)


def normalise_column(
    values: np.ndarray | pd.Series,
    fn: Callable[[Any], Result],
    fast: Fast | None = None,
    out_type: pa.DataType = TEXT,
    fast_cells: FastCells | None = None,
) -> tuple[pa.Array, Problems]:
    """Raw cells -> (canonical values as an Arrow array, the cells with a problem).

    `fast` settles the common, clean spellings of the text cells column-wise in Arrow: on
    every cell when most cells differ (names, NIKs), on the distinct spellings otherwise
    (dates); `fast_cells` does the same for the other cells (date and number cells).
    Whatever they leave (odd spellings, blanks) goes to `fn` once per distinct value. A
    million cells cost a few Arrow passes plus one Python call per odd spelling.
    """
    cells = np.asarray(values, dtype=object)
    n = len(cells)
    todo = np.arange(n)
    result = pa.nulls(n, out_type)
    if fast is not None and n:
        text, other = _text_cells(cells)
        if _mostly_distinct(cells):
            result = fast(text)
        else:
            enc = pc.dictionary_encode(text)
            result = fast(enc.dictionary).take(enc.indices)
        left = pc.and_(pc.is_null(result), pc.is_valid(text)).to_numpy(zero_copy_only=False)
        if len(other) and fast_cells is not None:
            got = fast_cells(cells[other])
            mask = np.zeros(n, dtype=bool)
            mask[other] = True
            result = pc.replace_with_mask(result, mask, got)
            other = other[got.is_null().to_numpy(zero_copy_only=False)]
        left[other] = True
        todo = np.flatnonzero(left)
    problems = Problems(np.empty(0, dtype=np.int64), np.empty(0, dtype=object))
    if len(todo) == n:  # every cell by value: no copy of the column
        result, problems = _by_value(cells, fn, out_type)
    elif len(todo):
        vals, (rows, codes) = _by_value(cells[todo], fn, out_type)
        problems = Problems(todo[rows], codes)
        mask = np.zeros(n, dtype=bool)
        mask[todo] = True
        result = pc.replace_with_mask(result, mask, vals)
    return result, problems


def _text_cells(cells: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """The text cells as Arrow (null elsewhere), and the positions of the other cells."""
    try:
        # not from_pandas: its NaN test costs a third more, and a NaN cell (a float) sends
        # the column to the mixed path below anyway
        return pa.array(cells, type=TEXT), np.empty(0, dtype=np.int64)
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers or dates among the text
        is_text = np.equal(_types(cells), str)
        text = pa.array(np.where(is_text, cells, None), type=TEXT, from_pandas=True)
        return text, np.flatnonzero(~is_text)


def _types(cells: np.ndarray) -> np.ndarray:
    """The exact type of each cell (bool is not int here, datetime not date)."""
    return np.fromiter(map(type, cells), object, len(cells))


def _mostly_distinct(cells: np.ndarray, sample: int = 20_000) -> bool:
    """Whether nearly all cells differ (NIKs), so the fast path had better run on every cell
    than on distinct values. Measured at 1M rows: NIK and No KK samples are 100% distinct,
    birth dates typed three ways 92%, names under 50%."""
    some = cells[:: max(1, len(cells) // sample)]
    return len(set(some.tolist())) > 0.97 * len(some)


def _by_value(
    cells: np.ndarray, fn: Callable[[Any], Result], out_type: pa.DataType
) -> tuple[pa.Array, Problems]:
    """fn once per distinct cell (pd.factorize hashes them in C).

    Returns the value of every cell, and the positions and codes of the cells with a problem.
    """
    ids, uniques = pd.factorize(cells, use_na_sentinel=True)
    ids, uniques = _split_bools(cells, ids, uniques)
    vals = [None] * (len(uniques) + 1)  # the extra slot: id -1, an empty cell
    probs = np.full(len(uniques) + 1, None, dtype=object)
    for i, u in enumerate(uniques):
        vals[i], probs[i] = (None, None) if is_missing(u) else fn(u)
    ids[ids < 0] = len(uniques)
    bad = np.flatnonzero(pd.notna(probs))
    rows = np.flatnonzero(np.isin(ids, bad)) if len(bad) else np.empty(0, dtype=np.int64)
    return pa.array(vals, type=out_type).take(ids), Problems(rows, probs[ids[rows]])


def _split_bools(
    cells: np.ndarray, ids: np.ndarray, uniques: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Give TRUE/FALSE cells ids of their own: Python hashes True like 1 and False like 0."""
    zero_one = [i for i, u in enumerate(uniques) if type(u) in (bool, int, float) and u in (0, 1)]
    if not zero_one:
        return ids, uniques
    suspect = np.flatnonzero(np.isin(ids, zero_one))
    is_bool = np.equal(_types(cells[suspect]), bool)
    if is_bool.all() or not is_bool.any():
        return ids, uniques
    flags = suspect[is_bool]
    ids[flags] = len(uniques) + (cells[flags] == True)  # noqa: E712 - False -> K, True -> K+1
    uniques = np.append(uniques, np.array([False, True], dtype=object))
    numbers = suspect[~is_bool]
    for k in zero_one:  # the id of 0/1 numbers must stand for a number, not a flag
        mine = numbers[ids[numbers] == k]
        if len(mine):
            uniques[k] = cells[mine[0]]
    return ids, uniques


def map_unique(
    values: pd.Series, fn: Callable[[Any], Result], out_type: pa.DataType = TEXT
) -> tuple[pd.Series, pd.Series]:
    """fn once per distinct value, for small tables: Python values and codes as Series."""
    result, problems = normalise_column(values.to_numpy(dtype=object), fn, out_type=out_type)
    codes = np.full(len(values), None, dtype=object)
    codes[problems.rows] = problems.codes
    return (
        pd.Series(result.to_pylist(), index=values.index, dtype=object),
        pd.Series(codes, index=values.index, dtype=object),
    )


def fast_id(text: pa.Array) -> pa.Array:
    """Text cells that are 16 ASCII digits as typed, or once cleaned as clean_id_value does
    (outer spaces, a leading apostrophe, spaces or dashes between digit groups). Anything
    else, a dot included ('...0001.0'), is left to clean_id_value."""
    return _second_chance(text, sixteen_digits, _clean_id_text)


def sixteen_digits(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Exactly 16 ASCII digits (a NIK or No KK as it must be); null stays null."""
    return pc.and_(
        pc.and_(pc.equal(pc.utf8_length(text), 16), pc.string_is_ascii(text)),
        pc.utf8_is_digit(text),
    )


def _clean_id_text(text: pa.Array) -> pa.Array:
    s = pc.utf8_trim_whitespace(pc.utf8_ltrim(pc.utf8_trim_whitespace(text), characters="'`´‘’"))
    return pc.replace_substring_regex(pc.utf8_trim(s, characters='"'), r"[ \t\-_/,]", "")


def fast_text(text: pa.Array) -> pa.Array:
    """Text cells that are printable ASCII words one space apart, as typed or once runs of
    spaces are squeezed; never a placeholder such as '-' or 'nan' (fn says those are empty)."""
    return _second_chance(text, _is_clean_text, _squeeze_spaces)


def _is_clean_text(text: pa.Array) -> pa.Array:
    return pc.and_(
        pc.match_substring_regex(text, r"^[!-~]+(?: [!-~]+)*$"),
        pc.invert(pc.is_in(pc.utf8_lower(text), value_set=_MISSING_ARROW)),
    )


def _squeeze_spaces(text: pa.Array) -> pa.Array:
    return pc.utf8_trim(pc.replace_substring_regex(text, "  +", " "), characters=" ")


def _second_chance(
    text: pa.Array, ok: Callable[[pa.Array], pa.Array], clean: Callable[[pa.Array], pa.Array]
) -> pa.Array:
    """Cells that pass `ok` as typed; of the rest (few), those that pass once `clean`ed."""
    good = pc.fill_null(ok(text), False)
    out = pc.if_else(good, text, _NULL_TEXT)
    rest = np.flatnonzero(
        ~good.to_numpy(zero_copy_only=False) & text.is_valid().to_numpy(zero_copy_only=False)
    )
    if len(rest):
        cleaned = clean(text.take(rest))
        passed = pc.fill_null(ok(cleaned), False)
        mask = np.zeros(len(text), dtype=bool)
        mask[rest] = True
        out = pc.replace_with_mask(out, mask, pc.if_else(passed, cleaned, _NULL_TEXT))
    return out


def fast_date_cells(cells: np.ndarray) -> pa.Array:
    """Date cells, and whole numbers in Excel's serial-day range (1900 date system)."""
    kinds = _types(cells)
    out = pa.nulls(len(cells), DATE)
    for is_kind, convert in (
        (np.equal(kinds, dt.date), lambda v: pa.array(v, type=DATE)),
        (
            np.equal(kinds, dt.datetime),
            lambda v: pc.cast(pa.array(v, type=pa.timestamp("us")), DATE),
        ),
        (np.equal(kinds, float) | np.equal(kinds, int), _serial_days),
    ):
        if is_kind.any():
            out = pc.replace_with_mask(out, is_kind, convert(cells[is_kind]))
    return out


def _serial_days(numbers: np.ndarray) -> pa.Array:
    days = numbers.astype(np.float64)
    ok = (days >= 1) & (days < 110000) & (days == np.floor(days))
    stamps = np.datetime64("1899-12-30") + np.where(ok, days, 0).astype("timedelta64[D]")
    return pa.array(stamps, mask=~ok, type=DATE)


_DMY_ARROW = r"^(?P<d>[0-9]{1,2})[-/.](?P<m>[0-9]{1,2})[-/.](?P<y>[0-9]{4})$"
_YMD_ARROW = r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})$"
_DMONY_ARROW = r"^(?P<d>[0-9]{1,2})[ ]*(?P<m>[A-Za-z]+)[.]?[ ]*(?P<y>[0-9]{4})$"


def fast_date(text: pa.Array) -> pa.Array:
    """Text in dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd or '31 Desember 1980' (valid dates only)."""
    clean = pc.utf8_trim_whitespace(text)
    out = pa.nulls(len(text), DATE)
    for pattern in (_DMY_ARROW, _YMD_ARROW, _DMONY_ARROW):
        parts = pc.extract_regex(clean, pattern)
        found = parts.is_valid().to_numpy(zero_copy_only=False)
        if not found.any():
            continue
        parts = parts.filter(found)
        y, d = (pc.cast(parts.field(k), pa.int64()).to_numpy() for k in ("y", "d"))
        if pattern is _DMONY_ARROW:
            at = pc.index_in(pc.utf8_lower(parts.field("m")), value_set=_MONTH_NAMES)
            m = _MONTH_NUMBERS[pc.fill_null(at, len(_MONTH_NUMBERS) - 1).to_numpy()]
        else:
            m = pc.cast(parts.field("m"), pa.int64()).to_numpy()
        out = pc.replace_with_mask(out, found, _ymd_array(y, m, d))
    return out


def _ymd_array(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> pa.Array:
    """Dates from year, month and day columns; null where no such day (31-02, month 13)."""
    ok = (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31) & (y >= 1)
    month = ((y - 1970) * 12 + np.where(ok, m, 1) - 1).astype("datetime64[M]")
    day = month.astype("datetime64[D]") + np.where(ok, d, 1) - 1
    ok &= day.astype("datetime64[M]") == month
    return pa.array(day, mask=~ok, type=DATE)


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
_MONTH_NAMES = pa.array(list(MONTHS), type=TEXT)
_MONTH_NUMBERS = np.array([*MONTHS.values(), 0])  # the last: an unknown month name
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


SEX = {
    **dict.fromkeys(["L", "LK", "LAKI", "LAKILAKI", "PRIA", "1", "M", "MALE", "COWOK"], "L"),
    **dict.fromkeys(["P", "PR", "PEREMPUAN", "WANITA", "2", "F", "W", "FEMALE"], "P"),
}
# Labels of both vocabularies, Dukcapil's (the KK card) and DTKS/Regsosek/DTSEN's. A bare
# number is read in the DTKS scheme here (SIKS-NG exports); a kelurahan file's numbers are
# first read in the scheme the file declares or evidently uses (ingest/schemes.py).
RELATIONSHIP = {
    **dict.fromkeys(
        ["KEPALAKELUARGA", "KEPALA", "KK", "KRT", "KEPALARUMAHTANGGA", "KEPALAKELUARGAKK", "1"],
        "KEPALA KELUARGA",
    ),
    **dict.fromkeys(["SUAMI"], "SUAMI"),
    **dict.fromkeys(["ISTRI", "ISTERI"], "ISTRI"),
    # DTKS 2: resolved to ISTRI or SUAMI by the person's sex (validate.prepare)
    **dict.fromkeys(["ISTRISUAMI", "SUAMIISTRI", "ISTERISUAMI", "PASANGAN", "2"], "ISTRI/SUAMI"),
    **dict.fromkeys(["ANAK", "ANAKKANDUNG", "ANAKTIRI", "ANAKANGKAT", "3"], "ANAK"),
    **dict.fromkeys(["MENANTU", "4"], "MENANTU"),
    **dict.fromkeys(["CUCU", "5"], "CUCU"),
    **dict.fromkeys(["ORANGTUA", "ORTU", "AYAH", "IBU"], "ORANG TUA"),
    **dict.fromkeys(["MERTUA"], "MERTUA"),
    **dict.fromkeys(["ORANGTUAMERTUA", "ORTUMERTUA", "MERTUAORANGTUA", "6"], "ORANG TUA/MERTUA"),
    **dict.fromkeys(["FAMILILAIN", "FAMILI", "SAUDARA", "FAMILYLAIN"], "FAMILI LAIN"),
    **dict.fromkeys(
        ["PEMBANTU", "PEMBANTURUMAHTANGGA", "PRT", "ASISTENRUMAHTANGGA", "7"], "PEMBANTU"
    ),
    **dict.fromkeys(["LAINNYA", "LAIN", "LAINLAIN", "8"], "LAINNYA"),
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
