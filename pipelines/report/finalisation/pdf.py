"""The finalisation report as PDF: recap, chart, Berita Acara; invariant mode, so the same
data gives the same bytes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pipelines import wilayah
from pipelines.outcomes import SIKSNG_KINDS
from pipelines.report.finalisation.content import COLS, BaState, ba_text, period_label
from pipelines.report.signatories import Signatories
from pipelines.vocabulary import current


def write_pdf(
    path: Path,
    period: str,
    rec: pd.DataFrame,
    files: list[tuple[str, str]],
    who: Signatories,
    state: BaState,
) -> Path:
    """The report PDF: recap, chart, Berita Acara; invariant mode, so the same data gives the
    same bytes."""
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9.5, leading=13)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=9)
    title = ParagraphStyle("title", parent=styles["Title"], fontSize=14)
    story = [
        Paragraph(f"REKAPITULASI FINALISASI USULAN {current()}<br/>{who.dinas.upper()}", title),
        Paragraph(f"Periode {period_label(period)}", styles["Heading3"]),
        Spacer(1, 6),
    ]
    header = ["Kode", "Kecamatan", "Kelurahan/Desa", *[label for _, label in COLS], "Tgl Musy."]
    # 7 pt with 2 pt padding: the longest title word ("Musyawarah") fits a 1.7 cm column whole
    head = ParagraphStyle("head", parent=small, fontSize=7, leading=8.5)
    rows: list[list] = [[Paragraph(f"<b>{h}</b>", head) for h in header]]
    for kec, part in rec.groupby("kecamatan", sort=False):
        for r in part.itertuples(index=False):
            rows.append(
                [
                    wilayah.dotted(r.folder_kode),
                    kec,
                    r.kelurahan,
                    *[int(getattr(r, k)) for k, _ in COLS],
                    r.tanggal_musyawarah.strftime("%d-%m-%Y")
                    if pd.notna(r.tanggal_musyawarah)
                    else "-",
                ]
            )
        rows.append(["", f"Jumlah {kec}", "", *[int(part[k].sum()) for k, _ in COLS], ""])
    rows.append(["", "JUMLAH", "", *[int(rec[k].sum()) for k, _ in COLS], ""])
    table = Table(
        rows,
        repeatRows=1,
        colWidths=[2.3 * cm, 2.9 * cm, 3.6 * cm] + [1.7 * cm] * len(COLS) + [2.0 * cm],
    )
    style = [
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("FONTSIZE", (0, 1), (-1, -1), 7.5),
        ("LEFTPADDING", (0, 0), (-1, 0), 2),
        ("RIGHTPADDING", (0, 0), (-1, 0), 2),
        ("ALIGN", (3, 1), (-2, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for i, r in enumerate(rows):
        if i and str(r[1]).startswith(("Jumlah", "JUMLAH")):
            style.append(("FONTNAME", (0, i), (-1, i), "Helvetica-Bold"))
            style.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#F2F2F2")))
    table.setStyle(TableStyle(style))
    story += [
        table,
        PageBreak(),
        Paragraph("Usulan baru dan perbaikan per kelurahan/desa", styles["Heading3"]),
        _chart(rec),
        PageBreak(),
    ]
    lines = ba_text(period, rec, who, state)
    story += [Paragraph(f"<b>{lines[0]}</b>", title), Paragraph(lines[1], styles["Heading3"])]
    if lines[2]:
        warn = ParagraphStyle("warn", parent=body, textColor=colors.HexColor("#C00000"))
        story.append(Paragraph(f"<b>{lines[2]}</b>", warn))
    story += [Paragraph(line, body) for line in lines[3:] if line]
    story.append(Spacer(1, 6))
    hashes = [[Paragraph("<b>Berkas impor SIKS-NG</b>", small), Paragraph("<b>SHA-256</b>", small)]]
    hashes += [
        [Paragraph(name, small), Paragraph(f"<font face='Courier'>{d}</font>", small)]
        for name, d in files
    ]
    ht = Table(hashes, colWidths=[8.5 * cm, 16 * cm], repeatRows=1)
    ht.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
            ]
        )
    )
    story.append(ht)
    sign = Table(
        [
            [
                f"Kepala Bidang, {who.dinas}",
                f"{who.kota}, ....................",
            ],
            ["", f"Kepala {who.dinas}"],
            ["", ""],
            ["", ""],
            [
                who.kepala_bidang or "(.................................)",
                who.kepala_dinas or "(.................................)",
            ],
            [f"NIP. {who.nip_kepala_bidang}", f"NIP. {who.nip_kepala_dinas}"],
        ],
        colWidths=[12 * cm, 12 * cm],
        rowHeights=[14, 14, 26, 26, 14, 14],
    )
    sign.setStyle(
        TableStyle([("FONTSIZE", (0, 0), (-1, -1), 9.5), ("ALIGN", (0, 0), (-1, -1), "CENTER")])
    )
    story += [Spacer(1, 14), KeepTogether([Paragraph("Yang mengesahkan:", body), sign])]
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.3 * cm,
        bottomMargin=1.3 * cm,
        title=f"Finalisasi {current()} {period}" + ("" if state.final else " (DRAF)"),
        author=who.dinas,
        invariant=1,
    )
    footer = _footer(period, state)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def _chart(rec: pd.DataFrame) -> Drawing:
    d = Drawing(25 * cm, 12 * cm)
    bc = VerticalBarChart()
    bc.x, bc.y, bc.width, bc.height = 40, 70, 25 * cm - 60, 12 * cm - 100
    bc.data = [list(rec[o.value].astype(int)) for o in SIKSNG_KINDS]
    bc.categoryAxis.categoryNames = [str(k) for k in rec["kelurahan"]]
    bc.categoryAxis.labels.angle, bc.categoryAxis.labels.boxAnchor = 45, "ne"
    bc.categoryAxis.labels.fontSize = 6.5
    bc.valueAxis.valueMin = 0
    fills = [colors.HexColor(c) for c in ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000")]
    for i, fill in enumerate(fills[: len(SIKSNG_KINDS)]):
        bc.bars[i].fillColor = fill
    bc.categoryAxis.style = "stacked"
    d.add(bc)
    legend = Legend()
    legend.x, legend.y = 25 * cm - 150, 12 * cm - 15
    legend.colorNamePairs = [
        (fill, o.label.capitalize()) for fill, o in zip(fills, SIKSNG_KINDS, strict=False)
    ]
    d.add(legend)
    return d


def _footer(period: str, state: BaState):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        text = f"Laporan finalisasi {current()} periode {period}"
        if not state.final:
            text += f" - DRAF: {state.undecided} baris belum diputus"
        canvas.drawString(1.5 * cm, 0.8 * cm, text)
        canvas.drawRightString(landscape(A4)[0] - 1.5 * cm, 0.8 * cm, f"Halaman {doc.page}")
        canvas.restoreState()

    return draw
