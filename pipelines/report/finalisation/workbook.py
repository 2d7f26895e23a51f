"""The finalisation report as XLSX: the Rekap sheet with a native bar chart, and the
Berita Acara sheet with the SHA-256 of every SIKS-NG import file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font

from pipelines import wilayah, xlsx
from pipelines.report.finalisation.content import COLS, BaState, ba_text, period_label
from pipelines.report.signatories import Signatories
from pipelines.vocabulary import current


def write_xlsx(
    path: Path,
    period: str,
    rec: pd.DataFrame,
    files: list[tuple[str, str]],
    who: Signatories,
    state: BaState,
) -> Path:
    """The report workbook: Rekap sheet with a chart, Berita Acara sheet with the hashes."""
    from pipelines.stable import period_time

    wb = Workbook()
    ws = wb.active
    ws.title = "Rekap"
    xlsx.append(ws, [f"REKAPITULASI FINALISASI USULAN {current()} {who.dinas.upper()}"])
    xlsx.append(ws, [f"Periode {period_label(period)}"])
    xlsx.style_title(ws["A1"])
    xlsx.append(ws, [])
    xlsx.append(
        ws, ["KODE", "KECAMATAN", "KELURAHAN/DESA", *[label for _, label in COLS], "TGL MUSYAWARAH"]
    )
    xlsx.style_header(ws[4])
    first = ws.max_row + 1
    for r in rec.itertuples(index=False):
        xlsx.append(
            ws,
            [
                wilayah.dotted(r.folder_kode),
                r.kecamatan,
                r.kelurahan,
                *[int(getattr(r, k)) for k, _ in COLS],
                r.tanggal_musyawarah if pd.notna(r.tanggal_musyawarah) else None,
            ],
        )
        if pd.notna(r.tanggal_musyawarah):
            ws.cell(ws.max_row, len(COLS) + 4).number_format = "DD-MM-YYYY"
    last = ws.max_row
    xlsx.append(ws, ["", "", "JUMLAH", *[int(rec[k].sum()) for k, _ in COLS]])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    xlsx.set_widths(ws, [15, 16, 22, *[11] * len(COLS), 15])
    chart = BarChart()
    chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
    chart.title = "Usulan baru dan perbaikan per kelurahan"
    chart.y_axis.title = "Orang"
    for idx in (9, 10):  # Usulan Baru, Perbaikan
        chart.add_data(Reference(ws, min_col=idx, min_row=4, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=3, min_row=first, max_row=last))
    chart.height, chart.width = 9, 26
    ws.add_chart(chart, f"A{ws.max_row + 3}")
    ba = wb.create_sheet("Berita Acara")
    for line in ba_text(period, rec, who, state):
        xlsx.append(ba, [line])
    if not state.final:
        ba["A1"].font = Font(bold=True, color="C00000")
    xlsx.append(ba, [])
    xlsx.append(ba, ["BERKAS IMPOR SIKS-NG", "SHA-256"])
    xlsx.style_header(ba[ba.max_row])
    for name, digest in files:
        xlsx.append(ba, [name, digest])
    xlsx.append(ba, [])
    xlsx.append(ba, ["Kepala Bidang", "Kepala Dinas"])
    xlsx.append(
        ba,
        [
            who.kepala_bidang or "(.................................)",
            who.kepala_dinas or "(.................................)",
        ],
    )
    xlsx.append(ba, [f"NIP. {who.nip_kepala_bidang}", f"NIP. {who.nip_kepala_dinas}"])
    xlsx.set_widths(ba, [48, 70])
    return xlsx.save(wb, path, period_time(period))
