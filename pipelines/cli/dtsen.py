"""DTSEN commands: load family-level DTSEN files (desil), list families crossing a cut-off."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipelines.cli.common import HomeOpt, _home, _rel, app, console, ribu
from pipelines.errors import ConfigError


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ConfigError(
        f"Tanggal '{text}' tidak dikenali. Tulis tanggal data DTSEN sebagai TAHUN-BULAN-HARI, "
        "misalnya 2026-10-01."
    )


@app.command("load-dtsen")
def load_dtsen_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Berkas DTSEN tingkat keluarga (XLSX, atau CSV dipisah |, ; atau ,).",
            exists=True,
            dir_okay=False,
        ),
    ],
    petugas: Annotated[
        str, typer.Option("--petugas", help="Nama petugas yang memuat (dicatat di riwayat).")
    ],
    tanggal: Annotated[
        str | None,
        typer.Option("--tanggal", help="Tanggal data DTSEN, TAHUN-BULAN-HARI (bawaan: hari ini)."),
    ] = None,
    rilis: Annotated[
        str | None, typer.Option("--rilis", help="Nama rilis, mis. 'Triwulan III 2026'.")
    ] = None,
    perubahan_besar: Annotated[
        bool,
        typer.Option(
            "--perubahan-besar",
            help="Muat walau banyak keluarga versi saat ini tidak ada di berkas (perubahan "
            "yang memang benar).",
        ),
    ] = False,
    home: HomeOpt = None,
) -> None:
    """Muat data DTSEN tingkat keluarga (desil per No KK) sebagai satu versi baru.

    Kolom dikenali dari judulnya: nomor_kartu_keluarga / NO KK, nama_kepala_keluarga,
    desil_nasional, desil_provinsi, desil_kabupaten_kota, kode wilayah (kode_wilayah /
    kode_kelurahan_desa, atau kode_provinsi, kode_kabupaten_kota, kode_kecamatan) dan
    sumber data (sumber; kolom DTKS, REGSOSEK, P3KE). Beberapa berkas sekaligus = satu
    versi. Desil dihubungkan ke orang di register lewat No KK. Setiap versi dicatat (tanggal,
    rilis, siapa, kapan, apa yang berubah) di tabel dtsen_version; riwayat keluarga di
    dtsen_family. Berkas yang sama dengan versi saat ini tidak mengubah apa pun; berkas versi
    lama yang dimuat lagi menjadi versi baru dengan isi itu.

    Ditolak seluruhnya (tidak ada yang dimuat) bila: kolom NO KK sebagian besar rusak
    (kosong, notasi ilmiah, dipotong Excel), ada desil yang bukan 1-10, No KK yang sama
    muncul dengan data berbeda, berkas melebihi batas dtks.toml [batas_berkas], atau lebih
    dari 10% keluarga versi saat ini hilang (dtks.toml [dtsen] batas_hilang_persen; muat
    dengan --perubahan-besar bila memang benar). Baris dengan No KK kosong atau rusak tidak
    dimuat dan disebut di layar. Data DTSEN adalah data pribadi yang penggunaannya dibatasi
    BPS.

    Contoh: dtks load-dtsen data/raw/dtsen/DTSEN_6271_2026-10.csv --petugas "Rina" --tanggal 2026-10-01 --rilis "Oktober 2026"
    """
    from pipelines.ingest.dtsen import LABELS, load
    from pipelines.store import open_store

    h = _home(home)
    day = _date(tanggal)
    conf = h.config
    t0 = time.perf_counter()
    with open_store(h.store_path, memory_limit=h.memory_limit or "1GB") as store:
        res, staged = load(
            store,
            [f.resolve() for f in files],
            petugas=petugas,
            tanggal=day,
            rilis=rilis,
            large_change=perubahan_besar,
            limits=conf.batas_berkas,
            max_damage_share=conf.dtsen.batas_rusak_persen / 100,
            max_drop_share=conf.dtsen.batas_hilang_persen / 100,
        )
    for why, listed in staged.skipped.items():
        console.print(
            f"Tidak dimuat: {ribu(listed.count)} baris {why} ({listed.text()}).",
            markup=False,
            soft_wrap=True,
        )
    if res.already_current:
        console.print(
            f"Berkas ini ({ribu(res.families)} keluarga) sama dengan versi DTSEN saat ini "
            f"(#{res.current_version}); tidak ada perubahan."
        )
        return
    label = f"#{res.version_id} (tanggal {day:%d-%m-%Y}" + (f", rilis {rilis})" if rilis else ")")
    console.print(
        f"Versi DTSEN {label} dimuat oleh {petugas} dalam {time.perf_counter() - t0:.1f} detik: "
        f"{ribu(res.families)} keluarga dari {ribu(staged.rows)} baris"
        + (f" ({ribu(res.duplicates)} baris kembar)" if res.duplicates else "")
        + f"; {ribu(res.in_register)} keluarga ada di register DTKS (lewat No KK)."
    )
    console.print(
        f"Dibanding versi sebelumnya ({ribu(res.families_before)} keluarga): "
        f"{ribu(res.added)} baru, {ribu(res.removed)} tidak ada lagi, {ribu(res.changed)} "
        "berubah data (desil, wilayah, ...)."
    )
    if res.same_as:
        console.print(f"Isinya sama dengan versi #{res.same_as}: versi itu berlaku lagi.")
    desil = ", ".join(
        f"{k}: {ribu(v)}" for k, v in sorted(res.desil_counts.items(), key=lambda kv: kv[0] or 99)
        if k is not None
    )  # fmt: skip
    console.print(f"Keluarga per desil nasional: {desil}.")
    if staged.no_desil:
        console.print(
            f"Catatan: {ribu(staged.no_desil)} keluarga tanpa {LABELS['desil_nasional']}."
        )
    if staged.unknown_region:
        console.print(
            f"Catatan: {ribu(staged.unknown_region)} keluarga dengan kode wilayah yang bukan kode "
            "kelurahan/desa Kemendagri (mis. kode BPS); kelurahannya diambil dari register "
            "DTKS bila No KK-nya terdaftar."
        )
    console.print(
        'Lihat: dtks sql "SELECT * FROM v_desil_per_kelurahan"; perubahan: dtks desil-berubah'
    )


@app.command("desil-berubah")
def desil_berubah_cmd(
    dari: Annotated[
        str | None,
        typer.Option(
            "--dari",
            help="Versi DTSEN awal: nomor (2 atau #2), tanggal data, atau nama rilis "
            "(bawaan: versi sebelum --ke).",
        ),
    ] = None,
    ke: Annotated[
        str | None,
        typer.Option("--ke", help="Versi DTSEN akhir (bawaan: versi terbaru)."),
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Daftar keluarga yang melewati batas desil program di antara dua versi DTSEN.

    Per program (dtks.toml [dtsen.ambang]; bawaan Kepmensos 79/HUK/2025: PKH = 4,
    SEMBAKO = 5, PBI-JK = 5, desil nasional): MASUK = kini di dalam batas, KELUAR = kini di
    luar batas atau tidak ada lagi di DTSEN. Ditulis ke data/processed/dtsen/
    desil_berubah_vA_vB/: satu workbook per kelurahan untuk verifikasi lapangan (No KK
    sebagai teks, kolom HASIL VERIFIKASI dan CATATAN untuk petugas) dan satu REKAP. Data yang
    sama menghasilkan berkas yang sama persis. Berkas berisi data pribadi: jangan disebarkan.

    Contoh: dtks desil-berubah --dari 1 --ke 2
    """
    from pipelines.report.desil_change import cutoffs, write
    from pipelines.store import dtsen as history
    from pipelines.store import open_store

    h = _home(home)
    cuts = cutoffs(h.config.dtsen.ambang)
    with open_store(h.store_path) as store:
        table = history.versions(store)
        ids = list(table["version_id"])
        v_to = history.resolve(store, ke, ids[-1] if ids else None)
        earlier = [v for v in ids if v < v_to]
        v_from = history.resolve(store, dari, earlier[-1] if earlier else None)
        if v_from == v_to:
            raise ConfigError(
                f"--dari dan --ke menunjuk versi yang sama (#{v_to}); pilih dua versi berbeda."
            )
        res = write(store, h, v_from, v_to, cuts)
    console.print(
        f"Perubahan desil DTSEN {res.label_from} -> {res.label_to}: {ribu(res.compared)} "
        f"keluarga dibandingkan, {ribu(res.crossing)} melewati batas desil program."
    )
    t = Table(box=None, pad_edge=False)
    t.add_column("Program")
    t.add_column("Batas", justify="right")
    t.add_column("Masuk", justify="right")
    t.add_column("Keluar", justify="right")
    for prog, (masuk, keluar) in res.totals.items():
        t.add_row(prog, f"desil 1-{cuts[prog]}", ribu(masuk), ribu(keluar))
    console.print(t)
    console.print(
        f"Daftar verifikasi: {_rel(res.out_dir, h)} ({len(res.workbooks)} kelurahan); "
        f"rekap: {_rel(res.recap, h)}"
    )
