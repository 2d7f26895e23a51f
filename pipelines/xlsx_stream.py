"""A streaming xlsx writer for the write-only path (`xlsx.new_workbook` / `add_sheet` / `save`).

openpyxl builds one cell object per value and serialises it through lxml; at province scale
(millions of cells in the SIKS-NG files and reports) that was most of `dtks finalize`. Here
each row becomes one string of `<c>` elements joined in plain Python, strings go to one
shared-strings table (the form Excel itself writes), and `save` puts the parts into a zip
with fixed times (stable.py), so the same content and `when` give the same bytes.

Cell semantics are those of the openpyxl path (xlsx.add_sheet_openpyxl): identifier columns
as text with the '@' format, every text cleaned (sanitize.clean) and always a string cell,
dates as numbers with DD-MM-YYYY, ints/floats as numbers, bools as booleans, None/NaN/NaT/pd.NA
empty, preamble lines bold, the header bold on the light blue fill, wrapped.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from pipelines.sanitize import clean
from pipelines.stable import EPOCH, ZIP_TIME, _FixedTimeZip

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_INVALID_TITLE = re.compile(r"[\\*?:/\[\]]")

# cellXfs indexes, in the order styles.xml lists them
TEXT, DATE, BOLD, HEADER = 1, 2, 3, 4
TEXT_FORMAT, DATE_FORMAT = "@", "DD-MM-YYYY"
HEADER_FILL = "DDEBF7"


@dataclass(frozen=True)
class Style:
    """A cell's look for `StreamWorkbook.write_row`: bold (at a font size), a solid fill
    (RGB hex), a number format ('@' text or 'DD-MM-YYYY'), wrapped at the top, unlocked (a
    cell the user may edit when the sheet is protected)."""

    bold: bool = False
    size: float | None = None
    fill: str | None = None
    number_format: str | None = None
    wrap: bool = False
    unlocked: bool = False


# the styles every workbook has, at the indexes above (styles.xml stays _STYLES, byte for
# byte, while a workbook uses no other)
_BASE = {
    Style(): 0,
    Style(number_format=TEXT_FORMAT): TEXT,
    Style(number_format=DATE_FORMAT): DATE,
    Style(bold=True): BOLD,
    Style(bold=True, fill=HEADER_FILL, wrap=True): HEADER,
}
_FORMAT_IDS = {None: 0, TEXT_FORMAT: 49, DATE_FORMAT: 164}
_STYLES = (
    _HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD-MM-YYYY"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"'
    ' applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_PAGE_MARGINS = (
    '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
)
_BATCH = 2000  # rows joined and written at a time
_CHUNK = 100_000  # rows written column by column at a time
# the sheets and shared strings are deflated at level 1: zlib's default level 6 took half the
# writing time for files about 25% smaller
LEVEL = 1


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    info._compresslevel = LEVEL  # type: ignore[attr-defined]  # what open(info, "w") uses
    return info


def _letters() -> list[str]:
    out = []
    for n in range(1, 16385):
        s = ""
        while n:
            n, r = divmod(n - 1, 26)
            s = chr(65 + r) + s
        out.append(s)
    return out


LETTERS = _letters()


def escape(text: str) -> str:
    """Text as XML character data: &, <, > escaped; CR as a reference (an XML parser turns a
    raw CR into LF, so 'a\\r\\nb' would not read back as written)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def escape_attr(text: str) -> str:
    """Text as a double-quoted XML attribute value (whitespace kept as references)."""
    return escape(text).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")


def excel_serial(v: dt.date) -> float | int:
    """A date or datetime as Excel's serial number (1900 system, as openpyxl's to_excel,
    including its shift for the days before 1900-03-01)."""
    days = v.toordinal() - 693594  # date(1899, 12, 30).toordinal()
    if 0 < days <= 60:
        days -= 1
    if isinstance(v, dt.datetime):
        secs = v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6
        if secs:
            return days + secs / 86400
    return days


class StreamWorkbook:
    """A write-only workbook: sheets are streamed as XML rows to temporary files by
    `add_sheet`, zipped with the shared strings and styles by `save`."""

    write_only = True

    def __init__(self) -> None:
        self.sheets: list[_Sheet] = []
        self._texts: list[str] = []  # sharedStrings.xml: cleaned texts by index
        # text as given, and cleaned, -> index (one entry for the usual text needing no
        # cleaning; clean() runs once per distinct text)
        self._raw: dict[str, int] = {}
        self._refs = 0  # string cells written (sharedStrings' count)
        self._styles: dict[Style, int] = dict(_BASE)  # cellXfs, registered by style()

    @property
    def sheetnames(self) -> list[str]:
        return [s.title for s in self.sheets]

    def _title(self, title: str) -> str:
        title = title[:31]
        if _INVALID_TITLE.search(title):
            raise ValueError(f"Invalid character in sheet title {title!r}")
        taken = {t.lower() for t in self.sheetnames}
        base, k = title, 0
        while title.lower() in taken:  # openpyxl's way: Data, Data1, Data2
            k += 1
            title = f"{base}{k}"
        return title

    def _index(self, v: str) -> int:
        """The shared-string index of a text first seen (cleaned once, then cached)."""
        c = clean(v)
        i = self._raw.get(c)
        if i is None:
            i = self._raw[c] = len(self._texts)
            self._texts.append(c)
        if c != v:
            self._raw[v] = i
        return i

    def add_sheet(
        self,
        title: str,
        headers: Sequence[str],
        keys: Sequence[str],
        rows: Iterable[Sequence[Any]],
        widths: Sequence[float] | None,
        preamble: Sequence[str],
        text_columns: set[str] | frozenset[str],
    ) -> None:
        """Stream one sheet: preamble lines (bold), a blank row, the header, the rows."""
        sheet = _Sheet(self._title(title))
        sheet.col_widths = {
            i: widths[i - 1] if widths else (20 if k in text_columns else 16)
            for i, k in enumerate(keys, start=1)
        }
        r = 0
        fixed: list[str] = []
        for line in preamble:
            r += 1
            fixed.append(self._fixed_row(r, [line], BOLD))
        if preamble:
            r += 1
        r += 1
        fixed.append(self._fixed_row(r, [str(h) for h in headers], HEADER))
        sheet.freeze_at = f"A{r + 1}"
        sheet.file.write("".join(fixed).encode())
        last, width = self._rows(sheet.file, r + 1, rows, keys, text_columns)
        sheet.rows = max(r, last)
        sheet.columns = max(len(headers), len(keys), width, 1 if preamble else 0)
        self.sheets.append(sheet)

    def style(self, style: Style) -> int:
        """The cellXfs index of a style (registered when first asked for)."""
        i = self._styles.get(style)
        if i is None:
            if style.number_format not in _FORMAT_IDS:
                raise ValueError(f"number format {style.number_format!r} is not supported")
            i = self._styles[style] = len(self._styles)
        return i

    def new_sheet(
        self,
        title: str,
        widths: Mapping[int, float] | None = None,
        freeze: str | None = None,
    ) -> _Sheet:
        """An empty sheet to fill with `write_row` / `write_rows`: column widths by column
        number (1 = A), panes frozen above and left of the `freeze` cell ('B3'), if given."""
        sheet = _Sheet(self._title(title))
        sheet.col_widths = dict(widths or {})
        sheet.freeze_at = freeze
        self.sheets.append(sheet)
        return sheet

    def write_row(
        self,
        sheet: _Sheet,
        values: Sequence[Any],
        styles: Sequence[Style | None] | None = None,
        text: Sequence[bool] | None = None,
    ) -> int:
        """Append one row to a `new_sheet`; its row number.

        Values as in add_sheet (texts cleaned, always string cells; dates DD-MM-YYYY; None,
        NaN, NaT, pd.NA empty); `text[i]` makes cell i a text cell with the '@' format;
        `styles[i]` gives cell i a look (the date or text format the value needs is added to
        it), and an empty cell with a style is still written, so that a fill or an unlocked
        cell shows where nothing is typed yet.
        """
        sheet.rows += 1
        r = sheet.rows
        rs = str(r)
        parts = [f'<row r="{rs}">']
        letters = LETTERS
        for i, v in enumerate(values):
            look = styles[i] if styles is not None and i < len(styles) else None
            is_text = text is not None and i < len(text) and text[i]
            cell = self._cell(v, is_text)  # (kind, payload): kind 's' text, 'd' date, 'v' other
            if cell is None:
                if look is not None:
                    if is_text:
                        look = replace(look, number_format=TEXT_FORMAT)
                    parts.append(f'<c r="{letters[i]}{rs}" s="{self.style(look)}"/>')
                continue
            kind, payload = cell
            if look is None:
                look_id = TEXT if is_text else (DATE if kind == "d" else 0)
            else:
                if is_text:
                    look = replace(look, number_format=TEXT_FORMAT)
                elif kind == "d":
                    look = replace(look, number_format=DATE_FORMAT)
                look_id = self.style(look)
            s_attr = f' s="{look_id}"' if look_id else ""
            if kind == "s":
                parts.append(f'<c r="{letters[i]}{rs}"{s_attr} t="s"><v>{payload}</v></c>')
            else:
                parts.append(f'<c r="{letters[i]}{rs}"{s_attr}{payload}')
        parts.append("</row>")
        sheet.file.write("".join(parts).encode())
        sheet.columns = max(sheet.columns, len(values))
        return r

    def _cell(self, v: Any, is_text: bool) -> tuple[str, Any] | None:
        """A value as ('s', shared-string index), ('d', rest of a date cell) or ('v', rest of
        another cell after its s attribute); None for an empty cell."""
        if v is None:
            return None
        if type(v) is not str:
            if is_text:
                v = _plain(v)
                if v is None:
                    return None
                v = str(v)
            else:
                w = _WRITERS.get(type(v))
                piece = w(v) if w is not None else _other(v)
                if piece is None:
                    return None
                if piece[0] != "#":
                    if piece.startswith('" s="2">'):  # a date: the style is the caller's
                        return "d", piece[len('" s="2"') :]
                    return "v", piece[1:]
                v = piece[1:]
        if not v:
            return None
        idx = self._raw.get(v)
        if idx is None:
            idx = self._index(v)
        self._refs += 1
        return "s", idx

    def write_rows(
        self,
        sheet: _Sheet,
        rows: Iterable[Sequence[Any]],
        keys: Sequence[str],
        text_columns: set[str] | frozenset[str],
    ) -> None:
        """Append many rows to a `new_sheet` at add_sheet's speed (no per-cell looks):
        columns whose key is in text_columns as text cells."""
        last, width = self._rows(sheet.file, sheet.rows + 1, rows, keys, text_columns)
        sheet.rows = max(sheet.rows, last)
        sheet.columns = max(sheet.columns, width)

    def write_columns(
        self,
        sheet: _Sheet,
        columns: Sequence[list[Any]],
        keys: Sequence[str],
        text_columns: set[str] | frozenset[str],
    ) -> None:
        """write_rows for rows given as columns of equal length (the bytes write_rows writes
        for the same rows), without turning them into rows first."""
        n = len(columns[0]) if columns else 0
        for at in range(0, n, _CHUNK):
            chunk = [c[at : at + _CHUNK] for c in columns]
            size = len(chunk[0])
            self._columns(sheet.file, sheet.rows + 1, size, chunk, keys, text_columns)
            sheet.rows += size
        if n:
            sheet.columns = max(sheet.columns, len(columns))

    def _fixed_row(self, r: int, texts: Sequence[str], style: int) -> str:
        raw = self._raw
        parts = [f'<row r="{r}">']
        for i, v in enumerate(texts):
            if not v:
                continue
            idx = raw.get(v)
            if idx is None:
                idx = self._index(v)
            parts.append(f'<c r="{LETTERS[i]}{r}" s="{style}" t="s"><v>{idx}</v></c>')
        self._refs += sum(1 for v in texts if v)
        parts.append("</row>")
        return "".join(parts)

    def _rows(
        self,
        out: IO[bytes],
        first: int,
        rows: Iterable[Sequence[Any]],
        keys: Sequence[str],
        text_columns: set[str] | frozenset[str],
    ) -> tuple[int, int]:
        """Write the data rows from row number `first`; the last row number and the widest
        row. A list of rows of one width goes column by column (`_columns`), anything else
        cell by cell (`_rows_by_cell`); both write the same bytes."""
        if isinstance(rows, list) and rows and len({len(r) for r in rows}) == 1:
            k = len(rows[0])
            r = first - 1
            for at in range(0, len(rows), _CHUNK):
                chunk = rows[at : at + _CHUNK]
                columns = [list(c) for c in zip(*chunk, strict=True)] if k else []
                self._columns(out, r + 1, len(chunk), columns, keys, text_columns)
                r += len(chunk)
            return r, k
        return self._rows_by_cell(out, first, rows, keys, text_columns)

    def _columns(
        self,
        out: IO[bytes],
        first: int,
        n: int,
        columns: list[list[Any]],
        keys: Sequence[str],
        text_columns: set[str] | frozenset[str],
    ) -> None:
        """n rows given as columns, written from row number `first`, as _rows_by_cell writes
        them: the cell kinds are found per column, the shared strings numbered in the order
        the cells come row by row (pandas.factorize over the rows), and the XML joined by
        Arrow, not per cell in Python."""
        import numpy as np
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        k = len(columns)
        text_col = [i < len(keys) and keys[i] in text_columns for i in range(k)]
        texts = np.empty((n, k), dtype=object)  # the text of each string cell, else None
        pieces: list[list[str | None] | None] = []  # the rest of each other cell, by column
        numbers: dict[int, Any] = {}  # whole-number columns: their cells' rest, by Arrow
        for j, col in enumerate(columns):
            kinds = set(map(type, col))
            if kinds <= {str, type(None)}:  # text only: the usual column
                texts[:, j] = col
                pieces.append(None)
                continue
            if kinds <= {int, type(None)} and not text_col[j]:  # row numbers, counts
                try:
                    digits = pa.array(col, pa.int64()).cast(pa.string())
                except (OverflowError, pa.ArrowException):  # beyond int64: cell by cell
                    pass
                else:
                    numbers[j] = pc.binary_join_element_wise('"><v>', digits, "</v></c>", "")
                    pieces.append(None)
                    continue
            texts_j, pieces_j = _cell_kinds(col, text_col[j])
            texts[:, j] = texts_j
            pieces.append(pieces_j)
        codes, uniques = pd.factorize(texts.ravel(), use_na_sentinel=True)
        index, raw = self._index, self._raw
        numbered = np.array(
            [-1, *(-1 if u == "" else raw[u] if u in raw else index(u) for u in uniques)],
            dtype=np.int64,
        )
        cells = numbered[codes + 1].reshape(n, k)  # code -1 (no text) -> -1
        self._refs += int((cells >= 0).sum())
        rn = pa.array(np.arange(first, first + n)).cast(pa.string())
        parts: list[Any] = ['<row r="', rn, '">']
        for j in range(k):
            idx = pa.array(cells[:, j], mask=cells[:, j] < 0).cast(pa.string())
            style = ' s="1"' if text_col[j] else ""
            cell = pc.binary_join_element_wise(
                f'<c r="{LETTERS[j]}', rn, f'"{style} t="s"><v>', idx, "</v></c>", ""
            )
            rest = numbers.get(j)
            if rest is None and pieces[j] is not None:
                rest = pa.array(pieces[j], pa.string())
            if rest is not None:
                cell = pc.coalesce(
                    cell, pc.binary_join_element_wise(f'<c r="{LETTERS[j]}', rn, rest, "")
                )
            parts.append(pc.fill_null(cell, ""))
        parts.append("</row>")
        xml = pc.binary_join_element_wise(*parts, "")
        out.write(_joined(xml))

    def _rows_by_cell(
        self,
        out: IO[bytes],
        first: int,
        rows: Iterable[Sequence[Any]],
        keys: Sequence[str],
        text_columns: set[str] | frozenset[str],
    ) -> tuple[int, int]:
        """_rows for any rows: the per-cell work is one type test for text (most cells), else
        a lookup of a writer by the value's type."""
        raw, index, letters = self._raw, self._index, LETTERS
        text_col = [k in text_columns for k in keys]
        writers = _WRITERS
        refs = 0
        r = first - 1
        width = 0
        batch: list[str] = []
        for row in rows:
            r += 1
            rs = str(r)
            parts = ['<row r="', rs, '">']
            n = len(row)
            if n > width:
                width = n
                text_col.extend([False] * (n - len(text_col)))
            for i, v in enumerate(row):
                if v is None:
                    continue
                if type(v) is str:
                    if not v:  # an empty text is an empty cell, as Excel stores it
                        continue
                    idx = raw.get(v)
                    if idx is None:
                        idx = index(v)
                    refs += 1
                    if text_col[i]:
                        parts.append(f'<c r="{letters[i]}{rs}" s="1" t="s"><v>{idx}</v></c>')
                    else:
                        parts.append(f'<c r="{letters[i]}{rs}" t="s"><v>{idx}</v></c>')
                    continue
                if text_col[i]:
                    v = _plain(v)
                    if v is None:
                        continue
                    v = str(v)
                    if not v:
                        continue
                    idx = raw.get(v)
                    if idx is None:
                        idx = index(v)
                    refs += 1
                    parts.append(f'<c r="{letters[i]}{rs}" s="1" t="s"><v>{idx}</v></c>')
                    continue
                w = writers.get(type(v))
                piece = w(v) if w is not None else _other(v)
                if piece is None:
                    continue
                if piece[0] == "#":  # a text the writer made of a value
                    if len(piece) == 1:
                        continue
                    idx = raw.get(piece[1:])
                    if idx is None:
                        idx = index(piece[1:])
                    refs += 1
                    piece = f'" t="s"><v>{idx}</v></c>'
                parts.append(f'<c r="{letters[i]}{rs}{piece}')
            parts.append("</row>")
            batch.append("".join(parts))
            if len(batch) >= _BATCH:
                out.write("".join(batch).encode())
                batch.clear()
        out.write("".join(batch).encode())
        self._refs += refs
        return r, width

    def save(self, path: Path, when: dt.datetime | None = None) -> Path:
        """Write the workbook to `path`: the same content and `when` give the same bytes."""
        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = (when or EPOCH).strftime("%Y-%m-%dT%H:%M:%SZ")
        n = len(self.sheets)
        try:
            with _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
                z.writestr("[Content_Types].xml", _content_types(n))
                z.writestr("_rels/.rels", _ROOT_RELS)
                z.writestr("docProps/app.xml", _APP)
                z.writestr("docProps/core.xml", _core(stamp))
                z.writestr("xl/workbook.xml", _workbook(self.sheetnames))
                z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(n))
                z.writestr("xl/styles.xml", _styles_xml(self._styles))
                for k, sheet in enumerate(self.sheets, start=1):
                    sheet.zip_into(z, f"xl/worksheets/sheet{k}.xml", first=k == 1)
                self._zip_strings(z)
        finally:
            self.close()
        return path

    def _zip_strings(self, z: zipfile.ZipFile) -> None:
        info = _zip_info("xl/sharedStrings.xml")
        with z.open(info, "w", force_zip64=True) as out:
            out.write(
                (
                    _HEAD + f'<sst xmlns="{_MAIN}" count="{self._refs}" '
                    f'uniqueCount="{len(self._texts)}">'
                ).encode()
            )
            texts = self._texts
            for at in range(0, len(texts), _CHUNK):
                chunk = texts[at : at + _CHUNK]
                out.write(_si_arrow(chunk) if len(chunk) >= 2000 else _si(chunk))
            out.write(b"</sst>")

    def close(self) -> None:
        """Remove the temporary sheet files."""
        for s in self.sheets:
            s.file.close()


class _Sheet:
    def __init__(self, title: str) -> None:
        self.title = title
        self.file: IO[bytes] = tempfile.TemporaryFile(prefix="dtks-xlsx-")
        self.col_widths: dict[int, float] = {}  # column number (1 = A) -> width
        self.freeze_at: str | None = None  # the top-left cell of the scrolling pane
        self.rows = 0
        self.columns = 0
        self.validations: list[str] = []  # <dataValidation> elements

    def validate_list(self, sqref: str, options: Sequence[str], title: str, error: str) -> None:
        """A drop-down list over a range ('T3:T100'): other values refused with `error`;
        blank allowed."""
        formula = escape('"' + ",".join(options) + '"')
        self.validations.append(
            f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" '
            f'errorTitle="{escape_attr(title)}" error="{escape_attr(error)}" '
            f'sqref="{sqref}"><formula1>{formula}</formula1></dataValidation>'
        )

    def _view(self, first: bool) -> str:
        selected = 'tabSelected="1" ' if first else ""
        if self.freeze_at is None:
            return f'<sheetView {selected}workbookViewId="0"/>'
        at = self.freeze_at
        col = at.rstrip("0123456789")
        row = int(at[len(col) :])
        x = LETTERS.index(col)  # columns left of the pane
        if x == 0:  # rows only (add_sheet's form, kept byte for byte)
            return (
                f'<sheetView {selected}workbookViewId="0">'
                f'<pane ySplit="{row - 1}" topLeftCell="{at}" activePane="bottomLeft" '
                f'state="frozen"/><selection pane="bottomLeft" activeCell="{at}" sqref="{at}"/>'
                "</sheetView>"
            )
        return (
            f'<sheetView {selected}workbookViewId="0">'
            f'<pane xSplit="{x}" ySplit="{row - 1}" topLeftCell="{at}" activePane="bottomRight" '
            'state="frozen"/><selection pane="topRight"/><selection pane="bottomLeft"/>'
            f'<selection pane="bottomRight" activeCell="{at}" sqref="{at}"/></sheetView>'
        )

    def zip_into(self, z: zipfile.ZipFile, name: str, first: bool) -> None:
        last = f"{LETTERS[max(self.columns, 1) - 1]}{max(self.rows, 1)}"
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in sorted(self.col_widths.items())
        )
        head = (
            _HEAD + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<dimension ref="A1:{last}"/><sheetViews>{self._view(first)}</sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + "<sheetData>"
        ).encode()
        checks = (
            f'<dataValidations count="{len(self.validations)}">{"".join(self.validations)}'
            "</dataValidations>"
            if self.validations
            else ""
        )
        tail = ("</sheetData>" + checks + _PAGE_MARGINS + "</worksheet>").encode()
        body = self.file.tell()
        self.file.seek(0)
        info = _zip_info(name)
        info.file_size = len(head) + body + len(tail)
        with z.open(info, "w") as out:
            out.write(head)
            shutil.copyfileobj(self.file, out, 1 << 20)
            out.write(tail)


# --- cell writers by value type: the rest of a <c> element after its reference, or
# '#' + text for a value written as a string cell, or None for an empty cell -------------


def _int(v: int) -> str:
    return f'"><v>{v}</v></c>'


def _bool(v: bool) -> str:
    return f'" t="b"><v>{1 if v else 0}</v></c>'


def _float(v: float) -> str | None:
    if v != v:
        return None
    if math.isinf(v):
        return "#" + str(v)
    r = repr(v)  # exact (openpyxl's '%.16g' dropped the 17th digit)
    if r.endswith(".0"):
        r = r[:-2]  # 2.0 as 2, as openpyxl wrote it and reads it back
    return f'"><v>{r}</v></c>'


def _date(v: dt.date) -> str:
    return f'" s="2"><v>{excel_serial(v)}</v></c>'


_WRITERS: dict[type, Callable[[Any], str | None]] = {
    int: _int,
    bool: _bool,
    float: _float,
    dt.date: _date,
    dt.datetime: _date,
}


def _si(texts: Sequence[str]) -> bytes:
    """The <si> elements of shared strings (texts already cleaned)."""
    return "".join(
        f'<si><t xml:space="preserve">{escape(s)}</t></si>'
        if s != s.strip()
        else f"<si><t>{escape(s)}</t></si>"
        for s in texts
    ).encode("utf-8")


def _si_arrow(texts: Sequence[str]) -> bytes:
    """_si's bytes, the escaping and joining done by Arrow (many texts)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = pa.array(texts, pa.string())
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;")):  # as escape()
        t = pc.replace_substring(t, a, b)
    kept = pa.array([s != s.strip() for s in texts], pa.bool_())  # Python's idea of blank
    head = pc.if_else(kept, '<si><t xml:space="preserve">', "<si><t>")
    xml = pc.binary_join_element_wise(head, t, "</t></si>", "")
    return _joined(xml)


def _joined(xml: Any) -> bytes:
    """The strings of an Arrow string array one after another: its data buffer between its
    first and last offset."""
    import numpy as np

    _, offsets, data = xml.buffers()
    ends = np.frombuffer(offsets, dtype=np.int32)[xml.offset : xml.offset + len(xml) + 1]
    return memoryview(data)[int(ends[0]) : int(ends[-1])].tobytes() if data is not None else b""


def _cell_kinds(col: list[Any], text_col: bool) -> tuple[list[str | None], list[str | None]]:
    """A column's cells as _rows_by_cell sees them: (the text of each string cell, the rest
    of each other cell after its reference); None where a cell is not of that kind or empty."""
    texts: list[str | None] = []
    pieces: list[str | None] = []
    writers = _WRITERS
    for v in col:
        text = piece = None
        if v is None:
            pass
        elif type(v) is str:
            text = v or None
        elif text_col:
            v = _plain(v)
            if v is not None:
                text = str(v) or None
        else:
            w = writers.get(type(v))
            p = w(v) if w is not None else _other(v)
            if p is not None:
                if p[0] == "#":
                    text = p[1:] or None
                else:
                    piece = p
        texts.append(text)
        pieces.append(piece)
    return texts, pieces


def _plain(v: Any) -> Any:
    """A value as the openpyxl path saw it (xlsx._value without the cleaning): None for the
    missing kinds, numpy scalars as Python numbers, midnight datetimes as dates."""
    if v is None:
        return None
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "to_pydatetime"):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date()
    if hasattr(v, "item") and not isinstance(v, str | bytes):  # numpy scalars
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
    return v


def _other(v: Any) -> str | None:
    """A value of a type without a writer: pandas/numpy kinds made plain, else text."""
    v = _plain(v)
    if v is None:
        return None
    if isinstance(v, bool):
        return _bool(v)
    if isinstance(v, int):
        return _int(int(v))
    if isinstance(v, float):
        return _float(float(v))
    if isinstance(v, Decimal):
        return _float(float(v))
    if isinstance(v, dt.date):
        return _date(v)
    if isinstance(v, str):
        return "#" + v
    return "#" + str(v)


# --- the package parts ---------------------------------------------------------------------


def _styles_xml(styles: dict[Style, int]) -> str:
    """styles.xml for the registered styles: _STYLES itself while only the base ones are."""
    if len(styles) == len(_BASE):
        return _STYLES
    fonts: dict[tuple[bool, float], int] = {(False, 11): 0, (True, 11): 1}
    fills: dict[str | None, int] = {None: 0, HEADER_FILL: 2}  # 1 is Excel's gray125
    xfs = []
    for st, _ in sorted(styles.items(), key=lambda kv: kv[1]):
        font = fonts.setdefault((st.bold, st.size or 11), len(fonts))
        fill = fills.setdefault(st.fill, len(fills) + 1)
        fmt = _FORMAT_IDS[st.number_format]
        attrs = f'numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"'
        if fmt:
            attrs += ' applyNumberFormat="1"'
        if font:
            attrs += ' applyFont="1"'
        if fill:
            attrs += ' applyFill="1"'
        inner = ""
        if st.wrap:
            attrs += ' applyAlignment="1"'
            inner += '<alignment vertical="top" wrapText="1"/>'
        if st.unlocked:
            attrs += ' applyProtection="1"'
            inner += '<protection locked="0"/>'
        xfs.append(f"<xf {attrs}>{inner}</xf>" if inner else f"<xf {attrs}/>")
    font_xml = "".join(
        f'<font>{"<b/>" if b else ""}<sz val="{size:g}"/><name val="Calibri"/>'
        '<family val="2"/></font>'
        for (b, size), _ in sorted(fonts.items(), key=lambda kv: kv[1])
    )
    fill_xml = ['<fill><patternFill patternType="none"/></fill>',
                '<fill><patternFill patternType="gray125"/></fill>']  # fmt: skip
    for rgb, _ in sorted(((k, v) for k, v in fills.items() if k), key=lambda kv: kv[1]):
        fill_xml.append(
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/>'
            '<bgColor indexed="64"/></patternFill></fill>'
        )
    return (
        _HEAD + f'<styleSheet xmlns="{_MAIN}">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD-MM-YYYY"/></numFmts>'
        f'<fonts count="{len(fonts)}">{font_xml}</fonts>'
        f'<fills count="{len(fill_xml)}">{"".join(fill_xml)}</fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        f'</cellStyleXfs><cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


_ROOT_RELS = (
    _HEAD + f'<Relationships xmlns="{_PKG_REL}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    _HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    'extended-properties"><Application>Microsoft Excel</Application></Properties>'
)


def _core(stamp: str) -> str:
    return (
        _HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>dtks</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _content_types(n: int) -> str:
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="{ct}.worksheet+xml"/>'
        for k in range(1, n + 1)
    )
    return (
        _HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
        f"{sheets}"
        f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
        '<Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    )


def _workbook(titles: Sequence[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape_attr(t)}" sheetId="{k}" r:id="rId{k}"/>'
        for k, t in enumerate(titles, start=1)
    )
    return (
        _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><workbookPr/>'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets>{sheets}</sheets><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _workbook_rels(n: int) -> str:
    base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = [
        f'<Relationship Id="rId{k}" Type="{base}/worksheet" Target="worksheets/sheet{k}.xml"/>'
        for k in range(1, n + 1)
    ]
    rels.append(f'<Relationship Id="rId{n + 1}" Type="{base}/styles" Target="styles.xml"/>')
    rels.append(
        f'<Relationship Id="rId{n + 2}" Type="{base}/sharedStrings" Target="sharedStrings.xml"/>'
    )
    return _HEAD + f'<Relationships xmlns="{_PKG_REL}">{"".join(rels)}</Relationships>'
