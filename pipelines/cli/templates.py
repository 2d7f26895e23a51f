"""Forms the Dinas sends to kelurahan/desa: `dtks template berita-acara` and
`dtks template usul-sanggah`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipelines.cli.common import (
    HomeOpt,
    _rel,
    app,
    console,
)
from pipelines.config import Home, check_period
from pipelines.errors import DtksError

template_app = typer.Typer(
    help="Formulir yang dikirim Dinas ke kelurahan/desa.", no_args_is_help=True
)
app.add_typer(template_app, name="template")


@template_app.command("berita-acara")
def template_ba_cmd(
    kelurahan: Annotated[
        str | None,
        typer.Option("--kelurahan", help="Kode wilayah 10 digit kelurahan/desa (judul formulir)."),
    ] = None,
    periode: Annotated[
        str | None,
        typer.Option(
            "--periode",
            help="Isi baris keluarga dari prelist kelurahan itu pada periode ini "
            "(data/raw/PERIODE); KEPUTUSAN tetap kosong.",
        ),
    ] = None,
    keluar: Annotated[
        Path | None,
        typer.Option("--keluar", help="Berkas xlsx yang ditulis (bawaan: reports/templat/...)."),
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Tulis formulir daftar keputusan musyawarah (xlsx) untuk kelurahan yang hanya mengirim pindaian.

    Satu baris per keluarga: NO KK dan NIK kepala keluarga (sel teks, 16 digit aman), nama
    kepala keluarga, RT, KEPUTUSAN (pilihan: SETUJU, TIDAK LAYAK, MAMPU, PINDAH, MENINGGAL,
    TIDAK DITEMUKAN, GANDA) dan KETERANGAN, serta sheet PETUNJUK. Dengan --kelurahan dan
    --periode, baris keluarga diisi dari prelist kelurahan itu. Berkas yang sudah diisi
    diletakkan di folder kelurahan, lalu finalisasi dijalankan lagi.

    Contoh: dtks template berita-acara --kelurahan 62.71.01.1001 --periode 2026-11
    """
    from pipelines import wilayah
    from pipelines.ingest import ba_template

    h = Home.resolve(home)  # no register needed: the form is made from the raw folder alone
    kode = None
    if kelurahan:
        kode = wilayah.parse_folder_code(kelurahan)
        if kode is None or not wilayah.load().exists(kode):
            raise DtksError(
                f"Kode kelurahan '{kelurahan}' tidak dikenal; tulis kode wilayah 10 digit, "
                "mis. 62.71.01.1001."
            )
    households = []
    if periode:
        if kode is None:
            raise DtksError("--periode perlu --kelurahan: prelist kelurahan mana yang dipakai?")
        households = _households(h, check_period(periode), kode)
    name = f"berita_acara_{kode}.xlsx" if kode else "berita_acara.xlsx"
    path = keluar or h.reports / "templat" / name
    ba_template.write(path, kode, households)
    console.print(
        f"Formulir daftar keputusan: {_rel(path, h)}"
        + (f" ({len(households)} keluarga dari prelist {periode})" if periode else "")
    )


@template_app.command("usul-sanggah")
def template_intake_cmd(
    kelurahan: Annotated[
        str, typer.Option("--kelurahan", help="Kode wilayah 10 digit kelurahan/desa pengusul.")
    ],
    periode: Annotated[
        str, typer.Option("--periode", help="Bulan berjalan (folder data/raw/PERIODE).")
    ],
    home: HomeOpt = None,
) -> None:
    """Tulis formulir usul dan sanggah yang diterima langsung oleh Dinas (xlsx) ke folder kelurahan.

    Untuk usulan warga (USUL) dan keberatan (SANGGAH) yang datang langsung, lewat aplikasi
    Cek Bansos, surat atau SP4N-LAPOR: satu baris per orang, dengan KANAL, daftar periksa
    dokumen (KK, KTP, surat keterangan tidak mampu, foto rumah) dan HASIL VERIFIKASI
    LAPANGAN. Berkas ditulis ke folder kelurahan itu pada periode itu
    (data/raw/PERIODE/<kode> <nama>/usul_sanggah_dinas.xlsx; folder dibuat bila belum ada)
    dan ikut diproses pada finalisasi bulan itu. Berkas yang sudah ada tidak ditimpa.

    Contoh: dtks template usul-sanggah --kelurahan 62.71.01.1001 --periode 2026-11
    """
    from pipelines import intake, wilayah
    from pipelines.ingest.discover import kelurahan_folders

    h = Home.resolve(home)
    kode = wilayah.parse_folder_code(kelurahan)
    if kode is None or not wilayah.load().exists(kode):
        raise DtksError(
            f"Kode kelurahan '{kelurahan}' tidak dikenal; tulis kode wilayah 10 digit, "
            "mis. 62.71.01.1001."
        )
    period_dir = h.period_raw(check_period(periode))
    period_dir.mkdir(parents=True, exist_ok=True)
    folders = dict(kelurahan_folders(period_dir)[0]) if any(period_dir.iterdir()) else {}
    folder = folders.get(kode) or period_dir / f"{wilayah.dotted(kode)} {wilayah.load().name(kode)}"
    path = folder / intake.FILE_NAME
    if path.exists():
        raise DtksError(
            f"{_rel(path, h)} sudah ada; isi berkas itu (tambah baris) atau pindahkan dulu."
        )
    intake.write(path, kode)
    console.print(f"Formulir usul dan sanggah: {_rel(path, h)}")


def _households(h: Home, period: str, kode: str) -> list:
    """The households of a kelurahan's prelist in a period, for the form."""
    import pandas as pd

    from pipelines import validate
    from pipelines.ingest import ba_template, discover

    period_dir = h.period_raw(period)
    folders, _ = discover.kelurahan_folders(period_dir)
    mine = [p for c, p in folders if c == kode]
    if not mine:
        raise DtksError(
            f"Folder kelurahan {kode} tidak ada di {_rel(period_dir, h)}; formulir tanpa "
            "--periode dapat dibuat kosong."
        )
    kin = discover.read_kelurahan(kode, mine[0], period_dir)
    if kin.prelist is None:
        raise DtksError(f"Folder {mine[0].name} tidak berisi prelist yang dapat dibaca.")
    raw = kin.prelist.copy()
    raw.insert(0, "row_id", range(1, len(raw) + 1))
    raw["folder_kode"] = kode
    clean, _ = validate.prepare(raw)
    clean["no_kk"] = clean["no_kk"].where(clean["no_kk"].str.fullmatch(r"\d{16}").fillna(False))
    return ba_template.households_from_prelist(pd.DataFrame(clean))
