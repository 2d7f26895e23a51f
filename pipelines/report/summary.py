"""The period summary workbook: counts per kelurahan x outcome, file problems, musyawarah."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines import xlsx
from pipelines.wilayah import dotted

OUTCOME_LABELS = {
    "usulan_baru": "Usulan Baru", "perbaikan": "Perbaikan", "terdaftar": "Sudah Terdaftar",
    "perlu_verifikasi": "Perlu Verifikasi", "duplikat_batch": "Duplikat dalam Batch",
    "ditolak_musyawarah": "Ditolak Musyawarah", "ditolak_validasi": "Ditolak Validasi",
    "ditolak_supervisor": "Ditolak Supervisor",  # a supervisor's TOLAK (dtks review apply)
}  # fmt: skip


def write(
    path: Path,
    period: str,
    counts: pd.DataFrame,
    problems: pd.DataFrame,
    meetings: pd.DataFrame,
    ignored_rows: int,
    ba_only: pd.DataFrame,
) -> Path:
    """Write summary.xlsx; counts (final outcomes) comes from finalize.counts_table."""
    wb = xlsx.new_workbook()
    outcome_cols = [c for c in counts.columns if c in OUTCOME_LABELS]
    headers = [
        "KODE WILAYAH",
        "KECAMATAN",
        "KELURAHAN/DESA",
        *[OUTCOME_LABELS[c].upper() for c in outcome_cols],
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
    from pipelines.stable import period_time

    xlsx.save(wb, path, period_time(period))
    return path
