"""The streaming xlsx writer (pipelines.xlsx_stream, behind xlsx.new_workbook / add_sheet /
save) against the openpyxl write-only path it replaced (xlsx.add_sheet_openpyxl): the same
values and types read back by openpyxl and by python-calamine, the same look, byte-stable,
well-formed XML whatever the text."""

from __future__ import annotations

import csv
import datetime as dt
import math
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
import pytest
import python_calamine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pipelines import sanitize, xlsx
from pipelines.reasons import Reason

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","klik")',
    "+SUM(1,1)",
    "-2+3",
    "@A1",
    "a&b<c>d\"e'f",
    " lead and trail ",
    "a\r\nb\rc\nd\te",
    "x\x00y\x1fz\x7f",
    "\ud800lone",
    "non\ufffe\uffffchar",
    "]]>",
    "",
]

# 16-digit NIKs: provinces 11-94 (91-94 are above 2^53 as numbers), and codes with leading zeros
nik = st.builds(
    lambda p, rest: f"{p:02d}{rest:014d}",
    st.sampled_from([11, 31, 62, 91, 92, 93, 94]) | st.integers(0, 9),
    st.integers(0, 10**14 - 1),
)
text = st.text(max_size=20) | st.sampled_from(HOSTILE)
date = st.dates(dt.date(1900, 3, 1), dt.date(2099, 12, 31))
value = st.one_of(
    st.none(),
    text,
    date,
    date.map(lambda d: dt.datetime(d.year, d.month, d.day)),
    date.map(pd.Timestamp),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.just(float("nan")),
    st.just(pd.NA),
    st.just(pd.NaT),
)
ident = st.one_of(st.none(), nik, st.integers(0, 10**15), st.sampled_from(["0001", "007", ""]))


@st.composite
def tables(draw):
    kinds = draw(st.lists(st.sampled_from(["nik", "x"]), min_size=1, max_size=6))
    keys = [k if k == "nik" else f"{k}{i}" for i, k in enumerate(kinds)]
    rows = draw(
        st.lists(st.tuples(*[ident if k == "nik" else value for k in kinds]).map(list), max_size=8)
    )
    headers = draw(st.lists(text, min_size=len(keys), max_size=len(keys)))
    preamble = draw(st.lists(text, max_size=2))
    return headers, keys, rows, preamble


def write_both(folder: Path, headers, keys, rows, preamble=(), when=None):
    new, old = folder / "new.xlsx", folder / "old.xlsx"
    wb = xlsx.new_workbook()
    xlsx.add_sheet(wb, "Data", headers, keys, rows, preamble=preamble)
    xlsx.save(wb, new, when)
    wb = xlsx.new_openpyxl_workbook()
    xlsx.add_sheet_openpyxl(wb, "Data", headers, keys, rows, preamble=preamble)
    xlsx.save(wb, old, when)
    return new, old


def _same(a, b) -> bool:
    if isinstance(a, float) and type(b) in (int, float):
        # openpyxl wrote a float as '%.16g' (losing the 17th digit, and near the largest
        # float rounding up to inf, 1e15 + 0.5 reading back as the int 1e15); this writer
        # writes it exactly
        return float(f"{a:.16g}") == b
    return a == b and type(a) is type(b)


def _openpyxl_cells(path: Path):
    ws = load_workbook(path).worksheets[0]
    return [
        [(c.value, c.data_type, c.number_format) for c in row]
        for row in ws.iter_rows(max_col=ws.max_column)
    ]


def _filled(grid) -> dict:
    """(row, column) -> cell of the cells that hold a value."""
    return {
        (r, c): cell
        for r, row in enumerate(grid)
        for c, cell in enumerate(row)
        if (cell[0] if isinstance(cell, tuple) else cell) not in (None, "")
    }


def _calamine(path: Path):
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def _expected(v, is_text: bool):
    """What a reader must find for value v: None, text (cleaned), a datetime, a number."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        v = v.date()
    if is_text:
        return sanitize.clean(str(v))
    if isinstance(v, str):
        return sanitize.clean(v)
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    return v


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tables())
def test_same_values_and_types_as_the_openpyxl_path(tmp_path_factory, table):
    """Generated tables (unicode, control characters, formula-like text, 16-digit NIKs of
    provinces 91-94, leading zeros, dates, ints, floats, missing values) read back by openpyxl
    and python-calamine give what the openpyxl write-only path gave, and the expected values."""
    headers, keys, rows, preamble = table
    new, old = write_both(tmp_path_factory.mktemp("t"), headers, keys, rows, preamble)
    got, ref = _openpyxl_cells(new), _openpyxl_cells(old)
    # the cells that hold something: the same, by value, type and number format (openpyxl
    # keeps a styled empty-text cell where this writer leaves the cell out)
    assert _filled(got).keys() == _filled(ref).keys()
    for at, (gv, gt, gf) in _filled(got).items():
        rv, rt, rf = _filled(ref)[at]
        assert (gt, gf) == (rt, rf) and _same(gv, rv), (at, gv, rv)
    cells = _filled(got)
    empty = (None, "n", "General")
    for r, line in enumerate(preamble):
        assert cells.get((r, 0), empty)[0] == (sanitize.clean(line) or None)
    first = len(preamble) + (2 if preamble else 1)
    for c, h in enumerate(headers):
        assert cells.get((first - 1, c), empty)[0] == (sanitize.clean(str(h)) or None)
    for r, row in enumerate(rows, start=first):
        for c, (k, v) in enumerate(zip(keys, row, strict=True)):
            gv, gt, gf = cells.get((r, c), empty)
            want = _expected(v, k in xlsx.TEXT_COLUMNS)
            assert gv == (want if want != "" else None), (v, gv)
            if want is None or want == "":
                continue
            if isinstance(want, str):
                assert gt == "s"  # never a formula, whatever the text starts with
            if k in xlsx.TEXT_COLUMNS:
                assert (gt, gf) == ("s", "@")  # a NIK is a text cell, never a number
            if isinstance(want, dt.datetime):
                assert (gt, gf) == ("d", "DD-MM-YYYY")
            if isinstance(want, float):
                assert gv == want  # exact, not to 16 digits
    cal_new, cal_old = _filled(_calamine(new)), _filled(_calamine(old))
    assert cal_new.keys() == cal_old.keys()
    assert all(_same(v, cal_old[at]) for at, v in cal_new.items()), (cal_new, cal_old)


def test_look_of_the_sheet(tmp_path):
    """Preamble bold, header bold on the light blue fill and wrapped, NIK '@', dates
    DD-MM-YYYY, widths as given or by kind, panes frozen below the header, titles as openpyxl
    makes them (cut to 31 characters, a repeated one numbered)."""
    wb = xlsx.new_workbook()
    rows = [["9101010101010001", dt.date(1990, 1, 2), 3]]
    xlsx.add_sheet(wb, "Data", ["NIK", "TGL", "N"], ["nik", "tgl", "n"], rows, preamble=["A"])
    xlsx.add_sheet(wb, "Data", ["NIK"], ["nik"], [["0012"]], widths=[33])
    xlsx.add_sheet(wb, "X" * 40, ["A"], ["a"], [])
    xlsx.save(wb, tmp_path / "a.xlsx")
    book = load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames == ["Data", "Data1", "X" * 31]
    ws = book["Data"]
    assert ws["A1"].font.b and ws["A1"].value == "A"
    head = ws["A3"]
    assert head.font.b and head.fill.fgColor.rgb.endswith("DDEBF7")
    assert head.alignment.wrap_text and head.alignment.vertical == "top"
    assert ws["A4"].number_format == "@" and ws["B4"].number_format == "DD-MM-YYYY"
    assert not ws["A4"].font.b and ws["C4"].value == 3
    assert ws.freeze_panes == "A4"  # below the header (openpyxl's write-only lost it here)
    assert [ws.column_dimensions[c].width for c in "ABC"] == [20, 16, 16]
    ws2 = book["Data1"]
    assert ws2.freeze_panes == "A2" and ws2.column_dimensions["A"].width == 33
    assert ws2["A2"].value == "0012" and ws2["A2"].data_type == "s"


def test_shared_strings_not_inline(tmp_path):
    """Text goes to one sharedStrings.xml table, each distinct text once, as Excel writes it."""
    wb = xlsx.new_workbook()
    xlsx.add_sheet(wb, "A", ["K"], ["k"], [["sama"], ["sama"], ["lain"]])
    xlsx.add_sheet(wb, "B", ["K"], ["k"], [["sama"]])
    xlsx.save(wb, tmp_path / "a.xlsx")
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        sst = z.read("xl/sharedStrings.xml").decode()
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sst.count("<t>sama</t>") == 1 and 'count="6" uniqueCount="3"' in sst
    assert not any("inlineStr" in s for s in sheets)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=12) | st.sampled_from(HOSTILE), min_size=1, max_size=6))
def test_every_part_is_well_formed_xml(tmp_path_factory, texts):
    """Characters XML 1.0 forbids never reach the XML (sanitize.clean replaced them; U+FFFE
    and U+FFFF among them): every part parses, and the text reads back cleaned, as typed
    otherwise (&, <, >, quotes, CR, leading spaces)."""
    out = tmp_path_factory.mktemp("x") / "a.xlsx"
    wb = xlsx.new_workbook()
    heads = [f"{t}K{i}" for i, t in enumerate(texts)]
    xlsx.add_sheet(wb, "A", heads, ["x"] * len(texts), [texts], preamble=texts[:1])
    xlsx.save(wb, out)
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            data = z.read(name).decode("utf-8")
            ElementTree.fromstring(data)  # raises on a forbidden character
            assert not any(
                c in data for c in ("\ufffe", "\uffff", *map(chr, [*range(9), 11, 12, 127]))
            )
    got = [c.value for c in load_workbook(out).active[4]]  # preamble, blank, header, row
    assert [g or "" for g in got] == [sanitize.clean(t) for t in texts]


def test_a_noncharacter_becomes_the_replacement_mark(tmp_path):
    """U+FFFF in a name: shown as U+FFFD in the cell, not a workbook Excel cannot open (the
    openpyxl path ended with 'All strings must be XML compatible')."""
    assert sanitize.clean("AN\uffffI\ufffe") == "AN\ufffdI\ufffd"
    assert sanitize.guarded_text("AN\uffffI")[1] == Reason.KARAKTER_KONTROL  # row rejected
    wb = xlsx.new_workbook()
    xlsx.add_sheet(wb, "A", ["NAMA"], ["nama"], [["AN\uffffI"]])
    xlsx.save(wb, tmp_path / "a.xlsx")
    assert load_workbook(tmp_path / "a.xlsx").active["A2"].value == "AN\ufffdI"


def _book(rows, preamble=("Judul",)):
    wb = xlsx.new_workbook()
    xlsx.add_sheet(wb, "S", ["NIK", "NAMA", "TGL"], ["nik", "nama", "tgl"], rows, None, preamble)
    xlsx.add_sheet(wb, "T", ["A"], ["a"], [[1.25]])
    return wb


def test_byte_stable(tmp_path):
    """The same content and time give the same bytes; another time or content does not."""
    rows = [["9201010101010001", "ANI", dt.date(1990, 1, 2)], [None, "=1+1", None]]
    when = dt.datetime(2026, 11, 1)
    a = xlsx.save(_book(rows), tmp_path / "a.xlsx", when).read_bytes()
    b = xlsx.save(_book(rows), tmp_path / "b.xlsx", when).read_bytes()
    c = xlsx.save(_book(rows), tmp_path / "c.xlsx", dt.datetime(2026, 12, 1)).read_bytes()
    d = xlsx.save(_book(rows[:1]), tmp_path / "d.xlsx", when).read_bytes()
    assert a == b and a != c and a != d
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "2026-11-01T00:00:00Z" in z.read("docProps/core.xml").decode()


def test_no_temporary_file_left(tmp_path, monkeypatch):
    """The sheet files written before save are gone after it (they hold birth dates)."""
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    xlsx.save(_book([["9101010101010001", "ANI", dt.date(1990, 1, 2)]]), tmp_path / "a.xlsx")
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.libreoffice
def test_libreoffice_reads_nik_as_text(soffice, tmp_path):
    """LibreOffice opens a generated workbook: every NIK (provinces 91-94, leading zeros) is
    the 16 digits as written, not 9.1E+15; formula-like text is shown as typed."""
    import random

    rnd = random.Random(16)
    niks = [f"{rnd.choice([91, 92, 93, 94, 0, 62])}{rnd.randrange(10**14):014d}" for _ in range(50)]
    niks = [n.zfill(16) for n in niks]
    rows = [[n, "=1+1" if i % 7 == 0 else f"NAMA {i}", dt.date(1980, 1, 1 + i % 28)]
            for i, n in enumerate(niks)]  # fmt: skip
    xlsx.save(_book(rows), tmp_path / "a.xlsx")
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
         "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,UTF8,1,,0,false,true,false,"
         "false,false,-1", "--outdir", str(tmp_path / "csv"), str(tmp_path / "a.xlsx")],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    produced = sorted((tmp_path / "csv").glob("a*.csv"))
    with produced[0].open(encoding="utf-8", newline="") as fh:
        lines = list(csv.reader(fh, delimiter=";"))
    body = lines[3:]
    assert [r[0] for r in body] == niks
    assert [r[1] for r in body] == [r[1] for r in rows]
    assert all(r[2] and r[2][0].isdigit() for r in body)  # a date, in the locale's form


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tables(), st.integers(1, 3))
def test_rows_by_column_write_the_same_bytes_as_cell_by_cell(tmp_path_factory, table, chunk):
    """A list of rows is written column by column (shared strings numbered, XML joined by
    Arrow); the bytes are those of the cell-by-cell path, repeated texts, text columns,
    numbers, dates, NaN/NA/NaT, infinities and formula-like text alike, across chunks."""
    from pipelines import xlsx_stream

    headers, keys, rows, preamble = table
    rows = rows + [[v for v in reversed(r)] for r in rows]  # texts seen again, elsewhere
    rows += [[float("inf"), -float("inf"), 10**20, True, None, ""][: len(keys)]] * 2
    rows = [r + [None] * (len(keys) - len(r)) for r in rows]
    folder = tmp_path_factory.mktemp("c")
    old_chunk = xlsx_stream._CHUNK
    xlsx_stream._CHUNK = chunk  # several chunks: the numbering goes on across them
    try:
        for name, given_rows in [("cols", rows), ("cells", iter(rows))]:
            wb = xlsx.new_workbook()
            xlsx.add_sheet(wb, "Data", headers, keys, given_rows, preamble=preamble)
            xlsx.add_sheet(wb, "Lagi", headers, keys, given_rows if name == "cols" else iter(rows))
            xlsx.save(wb, folder / f"{name}.xlsx", dt.datetime(2026, 11, 1))
    finally:
        xlsx_stream._CHUNK = old_chunk
    assert (folder / "cols.xlsx").read_bytes() == (folder / "cells.xlsx").read_bytes()
    # handed over as columns (write_columns): the same bytes again
    for name in ("by_rows", "by_columns"):
        wb = xlsx.new_workbook()
        sheet = wb.new_sheet("Data", freeze="A2")
        wb.write_row(sheet, headers)
        if name == "by_rows":
            wb.write_rows(sheet, iter(rows), keys, xlsx.TEXT_COLUMNS)
        else:
            wb.write_columns(
                sheet, [list(c) for c in zip(*rows, strict=True)], keys, xlsx.TEXT_COLUMNS
            )
        xlsx.save(wb, folder / f"{name}.xlsx", dt.datetime(2026, 11, 1))
    assert (folder / "by_rows.xlsx").read_bytes() == (folder / "by_columns.xlsx").read_bytes()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=12) | st.sampled_from(HOSTILE), max_size=40))
def test_shared_strings_escaped_alike_by_arrow_and_python(texts):
    """Many shared strings are escaped and joined by Arrow, a few in Python: the same bytes
    (&, <, >, CR as references; xml:space="preserve" where Python's strip() would cut)."""
    from pipelines import xlsx_stream

    cleaned = [sanitize.clean(t) for t in texts + [" x", "x\u3000", "\u2003", "a\r\nb"]]
    assert xlsx_stream._si_arrow(cleaned) == xlsx_stream._si(cleaned)


def test_whole_number_columns_by_column_as_cell_by_cell(tmp_path):
    """Columns of whole numbers (row numbers, counts; None between, bools and numbers beyond
    64 bits apart) written column by column: the bytes of the cell-by-cell path."""
    rows = [[i, None if i % 3 else -i, 10**20 + i, i % 2 == 0, str(i)] for i in range(50)]
    keys = ["row_id", "n", "big", "flag", "nik"]
    for name, given_rows in [("cols", rows), ("cells", iter(rows))]:
        wb = xlsx.new_workbook()
        xlsx.add_sheet(wb, "Data", keys, keys, given_rows)
        xlsx.save(wb, tmp_path / f"{name}.xlsx")
    assert (tmp_path / "cols.xlsx").read_bytes() == (tmp_path / "cells.xlsx").read_bytes()
    ws = load_workbook(tmp_path / "cols.xlsx").active
    assert [ws.cell(5, c).value for c in range(1, 6)] == [3, -3, 10**20 + 3, False, "3"]
