"""The review workbook and the per-kelurahan return workbooks, streamed (xlsx_stream): the look
the operator works with (yellow unlocked decision cells with a drop-down list, red faulty
cells, identifiers as text, frozen panes) read back by openpyxl and by LibreOffice."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pipelines import review, xlsx
from pipelines.report import review_workbook
from pipelines.xlsx_stream import Style

PERIOD = "2026-11"
DECISION_LIST = '"BARU,SAMA,PERBAIKAN,TOLAK"'


def _check_decision_sheet(ws, views: bool = True) -> int:
    """The PERLU KEPUTUSAN look; the number of decision rows. views=False: no frozen panes
    expected (LibreOffice's headless conversion drops every sheet's view settings, openpyxl's
    own workbooks' too)."""
    head = [c.value for c in ws[2]]
    dec, why = head.index("KEPUTUSAN") + 1, head.index("ALASAN") + 1
    n = ws.max_row
    assert n >= 3, "the demo month has doubtful rows"
    assert ws.freeze_panes == ("B3" if views else None)
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("DDEBF7") for c in ws[2])
    (dv,) = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == DECISION_LIST and dv.showErrorMessage
    letter = ws.cell(3, dec).column_letter
    assert str(dv.sqref) == f"{letter}3:{letter}{n}", "the list covers every decision cell"
    for r in range(3, n + 1):
        for col in (dec, why):  # empty or decided: yellow and editable
            cell = ws.cell(r, col)
            assert cell.fill.fgColor.rgb.endswith("FFF2CC") and cell.protection.locked is False
        assert ws.cell(r, 1).protection.locked is not False, "KUNCI is not for editing"
        for h in review_workbook.TEXT:
            cell = ws.cell(r, head.index(h) + 1)
            assert cell.number_format == "@", f"{h} keeps the Text format, even empty"
            if cell.value is not None:
                assert cell.data_type == "s", f"{h} as a text cell"
    return n - 2


def test_review_workbook_decision_sheet_look(finalized):
    """Decision cells yellow, unlocked, with the BARU/SAMA/PERBAIKAN/TOLAK list over exactly
    the decision rows; identifiers text; header bold on blue; panes frozen at B3; one sheet
    per other outcome listing every row of it, NIK as text."""
    _, outcomes, published = finalized
    wb = load_workbook(published.review)
    n = _check_decision_sheet(wb[review.SHEET])
    assert n == int((outcomes["outcome"] == "perlu_verifikasi").sum())
    from pipelines.outcomes import Outcome

    for o in Outcome:
        if o == Outcome.PERLU_VERIFIKASI:
            continue
        ws = wb[o.label[:31]]
        assert ws.max_row - 1 == int((outcomes["outcome"] == o.value).sum()), o.label
        assert [c.value for c in ws[1]][:4] == ["ROW_ID", "BERKAS", "BARIS", "NIK"]
        for r in range(2, ws.max_row + 1):
            nik = ws.cell(r, 4)
            if nik.value is not None:
                assert nik.data_type == "s" and nik.number_format == "@"
    assert wb.sheetnames[-1] == review_workbook.DROPPED_SHEET


def test_review_workbook_filled_in_reads_back(finalized, tmp_path):
    """What the supervisor types into the streamed workbook (in a program that keeps the file
    as openpyxl does) is what `dtks review apply` reads: a decision for every row, the key
    cells as written."""
    _, _, published = finalized
    wb = load_workbook(published.review)
    ws = wb[review.SHEET]
    head = [c.value for c in ws[2]]
    for r in range(3, ws.max_row + 1):
        ws.cell(r, head.index("KEPUTUSAN") + 1, "TOLAK")
        ws.cell(r, head.index("ALASAN") + 1, "Diperiksa ke lapangan")
    wb.save(tmp_path / "diisi.xlsx")
    got = review.read_decisions(tmp_path / "diisi.xlsx")
    assert len(got) == ws.max_row - 2 and set(got["KEPUTUSAN"]) == {"TOLAK"}
    assert got["KUNCI"].str.len().gt(0).all() and got["NIK"].str.fullmatch(r"\d{16}").all()


def _roundtrip(soffice: str, src: Path, out: Path) -> Path:
    """The workbook as LibreOffice reads it: opened and saved again as xlsx."""
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{out / 'profile'}",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(src)],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    return out / src.name


@pytest.mark.libreoffice
def test_libreoffice_reads_the_review_and_return_workbooks(soffice, finalized, tmp_path):
    """LibreOffice opens the streamed review and return workbooks and keeps what the user
    sees: the decision list and the yellow unlocked cells, the red faulty cells, every NIK
    the 16 digits as text (what LibreOffice saves again reads back the same in openpyxl)."""
    _, _, published = finalized
    src = load_workbook(published.review)
    again = load_workbook(_roundtrip(soffice, published.review, tmp_path / "review"))
    assert again.sheetnames == src.sheetnames
    _check_decision_sheet(again[review.SHEET], views=False)
    for name in src.sheetnames:
        a = [[c.value for c in row] for row in src[name].iter_rows()]
        b = [[c.value for c in row] for row in again[name].iter_rows()]
        assert a == b, name

    path = published.rejection_files[0]
    src = load_workbook(path)
    again = load_workbook(_roundtrip(soffice, path, tmp_path / "return"))
    red = 0
    for name in src.sheetnames:
        for row_a, row_b in zip(src[name].iter_rows(), again[name].iter_rows(), strict=True):
            for a, b in zip(row_a, row_b, strict=False):
                assert a.value == b.value, (name, a.coordinate)
                if a.fill.fgColor.rgb.endswith("F4B6B6"):
                    red += 1
                    assert b.fill.fgColor.rgb.endswith("F4B6B6"), (name, a.coordinate)
                if isinstance(a.value, str) and a.value.isdigit() and len(a.value) >= 10:
                    assert b.data_type == "s" and b.number_format == "@"
    assert red, "the demo's return workbook has faulty cells"
    assert again["Ringkasan"]["A1"].font.b and again["Ringkasan"]["A1"].font.sz == 12


cell_value = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(["=1+1", "9101010101010001", "0012", ""]),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)),
)
looks = st.one_of(
    st.none(),
    st.sampled_from([Style(fill="F4B6B6"), Style(fill="FFF2CC", unlocked=True),
                     Style(bold=True, size=12), Style(number_format="@")]),
)  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(st.tuples(cell_value, looks, st.booleans()), max_size=6), max_size=6))
def test_write_row_reads_back_as_add_sheet_writes(tmp_path_factory, rows):
    """write_row (cells with their own look) gives the values add_sheet gives for the same
    rows, and each look asked for: fills, unlocked, bold at a size; dates DD-MM-YYYY; text
    cells '@'; an empty cell with a look is still there with it."""
    folder = tmp_path_factory.mktemp("w")
    wb = xlsx.new_workbook()
    sh = wb.new_sheet("A", freeze="B2")
    for row in rows:
        wb.write_row(sh, [v for v, _, _ in row], [s for _, s, _ in row], [t for _, _, t in row])
    xlsx.save(wb, folder / "a.xlsx")
    width = max((len(r) for r in rows), default=0)
    ref = xlsx.new_workbook()
    for i, row in enumerate(rows):  # one column per sheet: add_sheet's text rule is per key
        for j, (v, _, t) in enumerate(row):
            xlsx.add_sheet(ref, f"c{i}_{j}", ["H"], ["nik" if t else "x"], [[v]])
    xlsx.save(ref, folder / "b.xlsx")
    got, want = load_workbook(folder / "a.xlsx"), load_workbook(folder / "b.xlsx")
    ws = got["A"]
    assert ws.freeze_panes == "B2" and ws.max_column <= max(width, 1)
    for i, row in enumerate(rows, start=1):
        for j, (_, look, text) in enumerate(row, start=1):
            cell, same = ws.cell(i, j), want[f"c{i - 1}_{j - 1}"].cell(2, 1)
            assert (cell.value, cell.data_type) == (same.value, same.data_type)
            if isinstance(cell.value, dt.datetime) and not text:
                assert cell.number_format == "DD-MM-YYYY"  # whatever format the look had
            elif (text and (cell.value is not None or look)) or (look and look.number_format):
                assert cell.number_format == "@"  # a text cell, or an empty one with a look
            if look is None:
                continue
            if look.fill:
                assert cell.fill.fgColor.rgb == "FF" + look.fill
            assert cell.protection.locked is not look.unlocked
            assert bool(cell.font.b) == look.bold
            if look.size:
                assert cell.font.sz == look.size
