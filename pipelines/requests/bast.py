"""The BAST (berita acara serah terima) of a data request as a PDF, before signing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pipelines.dates import long_date
from pipelines.report.signatories import Signatories

TERMS = [
    "Data digunakan hanya untuk tujuan yang tercantum dalam berita acara ini (untuk penelitian: "
    "hanya untuk penelitian tersebut) dan tidak untuk kepentingan politik.",
    "Penerima tidak akan mencoba mengenali kembali (re-identifikasi) orang atau keluarga dari "
    "data ini, termasuk dengan menggabungkannya dengan data lain.",
    "Penerima tidak akan membagikan, menjual atau menerbitkan ulang data ini kepada pihak lain; "
    "publikasi hanya berupa hasil analisis.",
    "Data dihapus setelah tujuan penggunaan selesai, dan penghapusan diberitahukan kepada Dinas.",
    "Pelanggaran tunduk pada Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data "
    "Pribadi dan peraturan perundang-undangan lain.",
]


def write(
    path: Path, r, entry, note: str, files: dict[str, str], who: Signatories, rows: int
) -> None:
    """The BAST of request r listing the package files and their SHA-256, unsigned."""
    st = getSampleStyleSheet()
    body = ParagraphStyle("b", parent=st["BodyText"], fontSize=9.5, leading=13)
    small = ParagraphStyle("s", parent=body, fontSize=7.5, leading=9)
    today = dt.date.today()
    story = [
        Paragraph("<b>BERITA ACARA SERAH TERIMA DATA</b>", st["Title"]),
        Paragraph(f"Nomor: {r['nomor']}", st["Heading4"]),
        Paragraph(
            f"Pada hari ini, {long_date(today)}, "
            f"{who.dinas} (Pihak Pertama) menyerahkan data kepada pemohon (Pihak Kedua) "
            "dengan keterangan sebagai berikut:",
            body,
        ),
        Spacer(1, 6),
    ]
    facts = [
        ("Pemohon", r["pemohon"]),
        ("Instansi", r["instansi"] or "-"),
        ("Identitas", r["identitas_samar"]),
        ("Tujuan", r["tujuan"]),
        ("Kategori", r["kategori"].replace("_", " ")),
        ("Data", entry.judul),
        ("Wilayah / tahun", f"{r['wilayah'] or 'seluruh wilayah'} / {r['tahun_data'] or '-'}"),
        ("Volume", f"{rows} baris tabel; satuan {entry.satuan}"),
        ("Kolom", entry.kolom),
        (
            "Cara pembuatan",
            "Dihitung dari salinan lokal DTKS dengan kueri baku katalog "
            f"'{r['jenis_data']}'. {note}",
        ),
    ]
    if entry.record_level:
        facts.append(("Data tingkat individu", f"YA - berdasarkan PKS nomor {r['nomor_pks']}"))
    t = Table(
        [[Paragraph(f"<b>{k}</b>", body), Paragraph(str(v), body)] for k, v in facts],
        colWidths=[4 * cm, 12.5 * cm],
    )
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [t, Spacer(1, 6), Paragraph("<b>Berkas yang diserahkan</b>", body)]
    ft = Table(
        [[Paragraph("<b>Berkas</b>", small), Paragraph("<b>SHA-256</b>", small)]]
        + [
            [Paragraph(n, small), Paragraph(f"<font face='Courier'>{d}</font>", small)]
            for n, d in files.items()
        ],
        colWidths=[4 * cm, 12.5 * cm],
    )
    ft.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
    story += [ft, Spacer(1, 6), Paragraph("<b>Ketentuan kerahasiaan</b>", body)]
    story += [Paragraph(f"{i}. {term}", body) for i, term in enumerate(TERMS, 1)]
    sign = Table(
        [
            ["Pihak Kedua (Penerima)", "Pihak Pertama"],
            ["", f"Kepala {who.dinas}"],
            ["", ""],
            ["", ""],
            [r["pemohon"], who.kepala_dinas or "(.................................)"],
        ],
        colWidths=[8.25 * cm, 8.25 * cm],
        rowHeights=[14, 14, 24, 24, 14],
    )
    sign.setStyle(
        TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTSIZE", (0, 0), (-1, -1), 9.5)])
    )
    story += [Spacer(1, 12), sign]
    SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=f"BAST Data {r['nomor']}",
        author=who.dinas,
    ).build(story)
