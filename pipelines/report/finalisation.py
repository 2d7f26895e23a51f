"""The finalisation report for the Kepala Dinas: recap, chart, Berita Acara Finalisasi.

Written as XLSX (openpyxl, with a native bar chart) and PDF (reportlab). The Berita Acara
page lists every SIKS-NG import file with its SHA-256, so the signed paper pins the files.
While rows are undecided the Berita Acara is a DRAF that says how many are open; it is final
once every row is decided, or once the month is closed with --force --alasan (which it then
states). Both files are byte-stable: the same data gives the same bytes (stable.py; the
date in the text is the date of the latest act on the month, not the day it was printed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
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

from pipelines import wilayah, xlsx
from pipelines.dates import long_date, month_year
from pipelines.outcomes import SIKSNG_KINDS, Outcome
from pipelines.settings import Settings
from pipelines.store import Store
from pipelines.vocabulary import current

# the recap's columns: what was turned away first, then what goes on (an outcome not named
# here comes last); the Berita Acara's sentences follow the outcomes' own order, the
# undecided last
_RECAP_FIRST = [Outcome.DITOLAK_VALIDASI, Outcome.DITOLAK_MUSYAWARAH, Outcome.DITOLAK_SUPERVISOR,
                Outcome.DUPLIKAT_BATCH, Outcome.USULAN_BARU, Outcome.PERBAIKAN, Outcome.TERDAFTAR,
                Outcome.PERLU_VERIFIKASI]  # fmt: skip
RECAP = [*_RECAP_FIRST, *(o for o in Outcome if o not in _RECAP_FIRST)]
COLS = [("diusulkan", "Diusulkan"), *((o.value, o.recap) for o in RECAP)]
BA_ORDER = [*(o for o in Outcome if o != Outcome.PERLU_VERIFIKASI), Outcome.PERLU_VERIFIKASI]


@dataclass
class Signatories:
    """Names on the Berita Acara, from dtks.toml [dinas]; blank lines when not configured."""

    dinas: str
    kota: str
    kepala_dinas: str = ""
    nip_kepala_dinas: str = ""
    kepala_bidang: str = ""
    nip_kepala_bidang: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, kabkota: str | None) -> Signatories:
        """The names of dtks.toml [dinas]; the Dinas and its town from the kab/kota code."""
        cfg = settings.dinas
        region = wilayah.load().name(kabkota or "") or "Kabupaten/Kota"
        kota = region.replace("Kota ", "").replace("Kabupaten ", "")
        return cls(
            dinas=cfg.nama if cfg.nama is not None else f"Dinas Sosial {region}",
            kota=cfg.kota if cfg.kota is not None else kota,
            kepala_dinas=cfg.kepala_dinas,
            nip_kepala_dinas=cfg.nip_kepala_dinas,
            kepala_bidang=cfg.kepala_bidang,
            nip_kepala_bidang=cfg.nip_kepala_bidang,
        )


def period_label(period: str) -> str:
    """'2026-11' -> 'November 2026'."""
    year, month = period.split("-")
    return month_year(year, month)


@dataclass
class BaState:
    """Whether the Berita Acara is final, and what it must state."""

    final: bool
    undecided: int
    tanggal: dt.date  # the date of the latest act on the month (finalisation, decision, closing)
    forced: bool = False  # closed with --force while rows were undecided
    closed_by: str = ""
    alasan: str = ""


def ba_state(store: Store, period: str, final: pd.DataFrame) -> BaState:
    """DRAF while rows are undecided; final when all are decided or the month was force-closed."""
    undecided = int((final["outcome"] == Outcome.PERLU_VERIFIKASI).sum())
    close = store.one(
        "SELECT closed_at, petugas, forced, alasan FROM period_close WHERE period = ?", [period]
    )
    run = store.one("SELECT max(finished_at) FROM finalisation_run WHERE period = ?", [period])
    acts = [t for t in [run[0] if run else None, final["applied_at"].max()] if pd.notna(t)]
    tanggal = max(pd.Timestamp(t) for t in acts).date() if acts else dt.date.today()
    if close and close[2]:
        return BaState(True, undecided, close[0].date(), True, close[1], close[3] or "")
    return BaState(undecided == 0, undecided, tanggal)


def recap(final: pd.DataFrame, store: Store, period: str) -> pd.DataFrame:
    """Rows per kelurahan by final outcome, with the kecamatan and musyawarah date."""
    table = pd.crosstab(final["folder_kode"], final["outcome"])
    for key, _ in COLS[1:]:
        if key not in table.columns:
            table[key] = 0
    table["diusulkan"] = table.sum(axis=1)
    dates = store.df(
        "SELECT kode_wilayah, min(tanggal) AS tgl FROM musyawarah WHERE period = ? GROUP BY ALL",
        [period],
    ).set_index("kode_wilayah")["tgl"]
    w = wilayah.load()
    out = table[[k for k, _ in COLS]].astype(int).reset_index()
    out.insert(1, "kecamatan", [w.name(k[:6]) for k in out["folder_kode"]])
    out.insert(2, "kelurahan", [w.name(k) for k in out["folder_kode"]])
    # a dict, not the Series: mapping on an empty or all-missing date Series casts dates to
    # float and fails (a month without any berita acara)
    out["tanggal_musyawarah"] = out["folder_kode"].map(dates.to_dict())
    return out.sort_values("folder_kode").reset_index(drop=True)


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
    for line in _ba_text(period, rec, who, state):
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


def _ba_text(period: str, rec: pd.DataFrame, who: Signatories, state: BaState) -> list[str]:
    day = state.tanggal
    t = {k: int(rec[k].sum()) for k, _ in COLS}
    head = "BERITA ACARA FINALISASI USULAN DATA TERPADU KESEJAHTERAAN SOSIAL"
    lines = [
        head if state.final else f"DRAF {head}",
        f"Periode {period_label(period)}",
    ]
    if not state.final:
        lines.append(
            f"DRAF, BELUM FINAL: {state.undecided} baris masih perlu keputusan supervisor. "
            "Berita acara final dibuat setelah semua baris diputus (dtks review apply) atau "
            "bulan ditutup paksa (dtks close --force --alasan). Jangan ditandatangani."
        )
    else:
        lines.append("")
    done = "telah menyelesaikan" if state.final else "sedang melaksanakan"
    lines += [
        f"Pada tanggal {long_date(day)}, {who.dinas} {done} "
        f"finalisasi usulan {current()} periode {period_label(period)} dari "
        f"{len(rec)} kelurahan/desa dengan hasil sebagai berikut:",
        f"- jumlah baris usulan yang diterima: {t['diusulkan']}",
        *(f"- {o.ba_line}: {t[o.value]}" for o in BA_ORDER),
    ]
    if state.forced:
        lines.append(
            f"Bulan ini ditutup paksa oleh {state.closed_by} pada {long_date(day)} "
            f"dengan alasan: {state.alasan}. "
            f"{state.undecided} baris belum diputus saat ditutup dan tidak dikirim ke SIKS-NG."
        )
    lines.append(
        "Berkas impor SIKS-NG yang dikirim tercantum di bawah beserta sidik SHA-256-nya; berkas "
        "yang sidiknya berbeda bukan berkas yang disahkan dalam berita acara ini."
    )
    return lines


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
    lines = _ba_text(period, rec, who, state)
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
