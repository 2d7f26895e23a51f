"""One output sanitiser for every text the pipeline writes to xlsx or CSV.

Text typed by a kelurahan reaches the import files, return workbooks, the review workbook,
the summary, the reports and the data-request packages. Two things in it must never come out:

- **Control characters** (C0 except tab, line feed and carriage return; DEL; lone
  surrogates; U+FFFE and U+FFFF, which XML 1.0 forbids like the C0 ones). openpyxl refuses
  them (IllegalCharacterError ended the month) and the operator
  cannot see them. Each is replaced by U+FFFD, shown as a '\ufffd', so the cell shows where one
  was. Names and addresses that carried one are also rejected by validation
  (`guarded_text`), so such a row never reaches SIKS-NG.
- **Formulas.** A cell starting with =, +, -, @, tab or CR is a formula to Excel and
  LibreOffice when it is a formula cell (xlsx) or a CSV field (CSV injection, OWASP). In xlsx
  every text is a string cell, never a formula cell, whatever it starts with
  (`xlsx.save`, `xlsx.add_sheet`). In CSV a *text* value starting with one of those gets a
  leading apostrophe, which spreadsheet programs show as text; numbers written as numbers
  (counts, scores, -5) are never changed, and NIK / No KK are text of digits, which never
  start with those characters.

Every writer goes through here: `write_csv` / `frame_to_csv` for CSV, `pipelines.xlsx` for
xlsx (a test fails when a module saves a workbook or writes a CSV another way).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.normalize.fast import fast_text
from pipelines.normalize.values import Result, text_value
from pipelines.reasons import Reason

# what openpyxl refuses (its ILLEGAL_CHARACTERS_RE) plus DEL, lone surrogates and the two
# non-characters XML 1.0 forbids: nothing left that cannot be written into an xlsx part
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"
# a spreadsheet program reads a CSV field or an unprotected cell starting with these as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# in a name or an address: =, + or @ first, or a '-' followed by more than dashes ('-' alone
# is how forms say "none"); the same rule in Python and in Arrow (RE2)
_FORMULA_LIKE = r"^(?:[=+@]|-[^\s-])"
FORMULA_LIKE = re.compile(_FORMULA_LIKE)


def clean(text: str) -> str:
    """Text with every control character replaced by U+FFFD."""
    if text.isprintable():  # the usual text, at C speed: no character CONTROL matches
        return text
    return CONTROL.sub(REPLACEMENT, text)


def csv_value(v: Any, date_format: str = "%d-%m-%Y") -> Any:
    """A value as a CSV field: text cleaned and guarded, dates formatted, numbers as they are."""
    if type(v) is str:  # most fields: the text branch below, first
        v = clean(v)
        return "'" + v if v.startswith(FORMULA_START) else v
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, str):
        v = clean(v)
        return "'" + v if v.startswith(FORMULA_START) else v
    if isinstance(v, dt.date | pd.Timestamp):
        return v.strftime(date_format)
    return v


def write_csv(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    date_format: str = "%d-%m-%Y",
) -> Path:
    """';'-separated UTF-8 with BOM, as Indonesian Excel opens it; every field sanitised."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow([csv_value(h) for h in headers])
        # the usual field, plain printable text, as it is (what csv_value returns for it)
        w.writerows(
            [
                v
                if type(v) is str and v.isprintable() and not v.startswith(FORMULA_START)
                else csv_value(v, date_format)
                for v in row
            ]
            for row in rows
        )
    return path


def frame_to_csv(frame: pd.DataFrame, path: Path) -> Path:
    """A DataFrame as write_csv writes rows (';', UTF-8 with BOM, no index); dates ISO."""
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or isinstance(s.dtype, pd.StringDtype):
            out[col] = s.map(lambda v: csv_value(v, "%Y-%m-%d"), na_action="ignore")
    out.columns = [csv_value(str(c)) for c in out.columns]
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return path


# --- input side: names and addresses (validate.NORMALISERS) -----------------------------


def guarded_text(v: Any) -> Result:
    """text_value, and a problem code for text that is not a plain name or address:
    'karakter_kontrol' when the cell holds a control character (removed from the value),
    'diawali_tanda_rumus' when it starts like a formula (=, +, @, or '-' then more)."""
    if isinstance(v, str) and CONTROL.search(v):
        value, _ = text_value(CONTROL.sub("", v))
        return value, Reason.KARAKTER_KONTROL
    value, code = text_value(v)
    if value and FORMULA_LIKE.match(value):
        return value, Reason.DIAWALI_TANDA_RUMUS
    return value, code


def guarded_fast_text(text: pa.Array) -> pa.Array:
    """fast_text, leaving formula-like text to guarded_text (which flags it). fast_text
    never accepts a control character, so it and guarded_text agree cell by cell."""
    out = fast_text(text)
    formula = pc.fill_null(pc.match_substring_regex(out, _FORMULA_LIKE), False)
    return pc.if_else(formula, pa.scalar(None, out.type), out)
