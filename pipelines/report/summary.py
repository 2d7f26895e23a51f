"""The period summary workbook: counts per kelurahan x outcome, file problems, musyawarah."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines import xlsx
from pipelines.outcomes import LABELS
from pipelines.wilayah import dotted


def write(
    path: Path,
    period: str,
    counts: pd.DataFrame,
    problems: pd.DataFrame,
    meetings: pd.DataFrame,
    ignored_rows: int,
    ba_only: pd.DataFrame,
    mappings: pd.DataFrame | None = None,
    evidence: pd.DataFrame | None = None,
) -> Path:
    """Write summary.xlsx; counts (final outcomes) comes from finalize.counts.counts_table."""
    wb = xlsx.new_workbook()
    outcome_cols = [c for c in counts.columns if c in LABELS]
    headers = [
        "KODE WILAYAH",
        "KECAMATAN",
        "KELURAHAN/DESA",
        *[LABELS[c].upper() for c in outcome_cols],
        "JUMLAH BARIS",
    ]
    keys = ["kode_wilayah", "kecamatan", "kelurahan", *outcome_cols, "jumlah"]
    rows = [
        [
            dotted(k),
            r["kecamatan"],
            r["kelurahan"],
            *[int(r[c]) for c in outcome_cols],
            int(r["jumlah"]),
        ]
        for k, r in counts.iterrows()
    ]
    total = [
        "",
        "",
        "JUMLAH",
        *[int(counts[c].sum()) for c in outcome_cols],
        int(counts["jumlah"].sum()),
    ]
    xlsx.add_sheet(
        wb,
        "Ringkasan",
        headers,
        keys,
        [*rows, total],
        widths=[16, 18, 22, *[14] * len(outcome_cols), 14],
        preamble=[
            f"RINGKASAN FINALISASI PRELIST PERIODE {period}",
            f"Baris tanda tangan/catatan di bawah tabel yang diabaikan: {ignored_rows}",
        ],
    )
    xlsx.add_sheet(
        wb,
        "Masalah Berkas",
        ["KODE WILAYAH", "FOLDER", "BERKAS", "SHEET", "MASALAH"],
        ["kode_wilayah", "folder", "source_file", "source_sheet", "masalah"],
        [
            [
                dotted(r.kode_wilayah) if r.kode_wilayah else "",
                r.folder,
                r.source_file,
                r.source_sheet,
                r.masalah,
            ]
            for r in problems.itertuples()
        ],
        widths=[16, 30, 40, 14, 90],
    )
    xlsx.add_sheet(
        wb,
        "Musyawarah",
        ["KODE WILAYAH", "BERKAS", "TANGGAL", "TEMPAT", "PIMPINAN", "JUMLAH PESERTA"],
        ["kode_wilayah", "source_file", "tanggal", "tempat", "pimpinan", "jumlah_peserta"],
        [
            [
                dotted(r.kode_wilayah),
                r.source_file,
                r.tanggal,
                r.tempat,
                r.pimpinan,
                r.jumlah_peserta,
            ]
            for r in meetings.itertuples()
        ],
        widths=[16, 40, 14, 30, 30, 16],
    )
    xlsx.add_sheet(
        wb,
        "BA tanpa Prelist",
        ["KODE WILAYAH", "BERKAS BERITA ACARA", "BARIS", "NAMA KEPALA KELUARGA", "KEPUTUSAN"],
        ["kode_wilayah", "source_file", "source_row", "nama_kepala_keluarga", "keputusan_asli"],
        [
            [
                dotted(r.folder_kode),
                r.source_file,
                r.source_row,
                r.nama_kepala_keluarga,
                r.keputusan_asli,
            ]
            for r in ba_only.itertuples()
        ],
        widths=[16, 40, 8, 30, 20],
        preamble=["Keluarga yang diputus dalam musyawarah tetapi tidak ada di prelist kelurahan"],
    )
    if mappings is not None:
        _mapping_sheet(wb, mappings)
    if evidence is not None and len(evidence):
        xlsx.add_sheet(
            wb,
            "Bukti Berita Acara",
            ["KODE WILAYAH", "FOLDER", "BERKAS", "ARSIP", "SHA-256", "UKURAN (BYTE)", "STATUS"],
            ["kode_wilayah", "folder", "source_file", "arsip", "sha256", "ukuran_byte", "status"],
            [
                [
                    dotted(r.kode_wilayah),
                    r.folder,
                    r.source_file,
                    r.arsip,
                    r.sha256,
                    r.ukuran_byte,
                    r.status,
                ]
                for r in evidence.itertuples()
            ],  # fmt: skip
            widths=[16, 30, 40, 40, 66, 14, 26],
            preamble=["Berita acara pindaian yang disimpan sebagai bukti periode ini"],
        )
    from pipelines.stable import period_time

    xlsx.save(wb, path, period_time(period))
    return path


def _mapping_sheet(wb, mappings: pd.DataFrame) -> None:
    """Pemetaan Kolom: how every column of every file was read, those to check first."""
    m = mappings.sort_values("periksa", ascending=False, kind="stable")
    xlsx.add_sheet(
        wb,
        "Pemetaan Kolom",
        ["PERIKSA", "KODE WILAYAH", "BERKAS", "SHEET", "JENIS", "KOLOM", "JUDUL DI BERKAS",
         "DIBACA SEBAGAI", "DIKENALI DARI", "CATATAN"],
        ["periksa", "kode_wilayah", "source_file", "source_sheet", "jenis", "kolom", "judul",
         "dibaca_sebagai", "cara", "catatan"],
        [
            [r.periksa, dotted(r.kode_wilayah), r.source_file, r.source_sheet, r.jenis, r.kolom,
             r.judul, r.dibaca_sebagai, r.cara, r.catatan]
            for r in m.itertuples()
        ],
        widths=[9, 16, 40, 14, 13, 7, 30, 24, 14, 90],
        preamble=[
            "Cara setiap kolom berkas kelurahan dibaca. PERIKSA = ya: dikenali dari isinya, "
            "judul ganda, atau kode hubungan keluarga; pastikan benar."
        ],
    )  # fmt: skip
