"""The demo supervisor: fills the review workbook the way a careful supervisor would."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from pipelines.report.review_workbook import SHEET


def fill_review(path: Path) -> Path:
    """Decide every row of PERLU KEPUTUSAN; save beside it as *_diputus.xlsx."""
    wb = load_workbook(path)
    ws = wb[SHEET]
    headers = [c.value for c in ws[2]]
    col = {h: i for i, h in enumerate(headers)}
    for row in ws.iter_rows(min_row=3):
        evidence = str(row[col["BUKTI"]].value or "")
        if "berbeda satu digit" in evidence and "NO KK sama" in evidence:
            decision, why = "SAMA", "NIK salah ketik satu digit; KK dan nama sama dengan DTKS"
        elif "berbeda satu digit" in evidence:
            decision, why = "BARU", "Orang lain (KK berbeda) walau NIK mirip"
        else:
            decision, why = "TOLAK", "NIK dipakai lebih dari satu orang; minta KTP dan KK"
        row[col["KEPUTUSAN"]].value = decision
        row[col["ALASAN"]].value = why
    out = path.with_name(path.stem + "_diputus.xlsx")
    wb.save(out)
    return out
