"""pipelines.xlsx helpers as Excel sees the saved workbook."""

from __future__ import annotations

from openpyxl import Workbook, load_workbook

from pipelines import xlsx


def test_identifiers_are_text_cells_whatever_they_were_given_as(tmp_path):
    wb = Workbook()
    ws = wb.active
    xlsx.append(ws, ["NIK", "NO KK", "KODE"])
    ws.append([9271014101990001, "6271010101100001", None])  # provinces 91-94 pass 2^53
    for cell in ws[2]:
        xlsx.as_text(cell)
    xlsx.style_header(ws[1])
    xlsx.set_widths(ws, [20, 20, 12])
    path = xlsx.save(wb, tmp_path / "t.xlsx")
    back = load_workbook(path)["Sheet"]
    assert [c.value for c in back[2]] == ["9271014101990001", "6271010101100001", None]
    assert all(c.number_format == "@" for c in back[2])
    assert all(c.font.b and c.fill.fgColor.rgb.endswith("DDEBF7") for c in back[1])
    assert [back.column_dimensions[x].width for x in "ABC"] == [20, 20, 12]
