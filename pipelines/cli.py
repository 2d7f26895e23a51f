"""The `dtks` command: one subcommand per user task. Messages are in Indonesian."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipelines.config import Home, check_period, configure_prefect
from pipelines.errors import DtksError

app = typer.Typer(
    help="Pengolahan data DTKS Dinas Sosial: muat DTKS, finalisasi prelist bulanan, data demo.\n\n"
    "Semua perintah bekerja di satu folder data (DTKS_HOME atau --home; bawaan: folder kerja "
    "saat ini) yang berisi data/raw, data/processed dan reports.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
# a pipe or CI log gets 80 columns by default: too narrow for the per-kelurahan table
console = Console(highlight=False, width=None if sys.stdout.isatty() else 132)
err = Console(stderr=True, highlight=False)
HomeOpt = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Folder data (berisi data/raw, data/processed, reports). "
        "Bawaan: $DTKS_HOME, atau folder kerja saat ini.",
    ),
]


def _home(home: Path | None) -> Home:
    h = Home.resolve(home)
    h.ensure()
    return h


def ribu(n: int) -> str:
    """12345 -> '12.345', the Indonesian thousands separator."""
    return f"{n:,}".replace(",", ".")


def _rel(p: Path, home: Home) -> str:
    try:
        return str(p.relative_to(home.root))
    except ValueError:
        return str(p)


@app.command("synth")
def synth_cmd(
    period: Annotated[str, typer.Argument(help="Periode usulan, TAHUN-BULAN.")] = "2026-11",
    seed: Annotated[int, typer.Option(help="Benih acak; benih sama = data sama.")] = 2026,
    scale: Annotated[int, typer.Option(min=1, help="Pengali ukuran (1 = ~6.000 KK DTKS).")] = 1,
    home: HomeOpt = None,
) -> None:
    """Buat data demo Kota Palangka Raya: snapshot DTKS dan folder prelist satu periode.

    Menulis data/raw/dtks/DTKS_6271_<bulan lalu>.csv, data/raw/PERIODE/<kelurahan>/ dan
    data/raw/PERIODE_truth.csv (jawaban benar tiap baris, untuk uji dan benchmark).

    Contoh: dtks synth 2026-11 --seed 7
    """
    from pipelines.synth import generate

    h = _home(home)
    g = generate(h, check_period(period), seed=seed, scale=scale)
    console.print(
        f"Snapshot DTKS : {_rel(g.snapshot, h)} ({ribu(g.persons)} orang, {ribu(g.households)} KK)"
    )
    console.print(f"Prelist       : {_rel(g.period_dir, h)} ({ribu(g.prelist_rows)} baris)")
    console.print(f"Kunci jawaban : {_rel(g.truth, h)}")


@app.command("load-dtks")
def load_dtks_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(help="Berkas ekspor DTKS (CSV atau XLSX).", exists=True, dir_okay=False),
    ],
    home: HomeOpt = None,
) -> None:
    """Muat snapshot ekspor DTKS ke basis data (data/processed/dtks.duckdb).

    Beberapa berkas sekaligus dianggap satu snapshot. Snapshot yang sama dimuat dua kali
    tidak mengubah apa pun. Snapshot yang rusak ditolak seluruhnya; basis data tidak pernah
    setengah termuat.

    Contoh: dtks load-dtks data/raw/dtks/DTKS_6271_2026-10.csv
    """
    from pipelines.store import open_store
    from pipelines.store.load_dtks import load

    h = _home(home)
    t0 = time.perf_counter()
    with open_store(h.store_path) as store:
        res = load(store, [f.resolve() for f in files])
    if res.already_loaded:
        console.print(
            f"Snapshot ini sudah dimuat sebagai snapshot #{res.snapshot_id}; tidak ada perubahan."
        )
        return
    console.print(
        f"Snapshot #{res.snapshot_id} dimuat: {ribu(res.persons)} orang dalam "
        f"{ribu(res.households)} KK ({ribu(res.opened)} versi baru, {ribu(res.closed)} versi "
        f"lama ditutup) dalam {time.perf_counter() - t0:.1f} detik."
    )
    if res.invalid_nik:
        console.print(
            f"Catatan: {ribu(res.invalid_nik)} orang di snapshot memiliki NIK yang bukan "
            "16 digit; mereka hanya dapat dicocokkan lewat nama dan tanggal lahir."
        )
    console.print(f"Basis data: {_rel(h.store_path, h)}")


@app.command("finalize")
def finalize_cmd(
    period: Annotated[str, typer.Argument(help="Periode, TAHUN-BULAN (folder data/raw/PERIODE).")],
    home: HomeOpt = None,
) -> None:
    """Finalisasi bulanan: baca prelist dan berita acara tiap kelurahan, beri tiap baris satu hasil.

    Membaca data/raw/PERIODE/<kode wilayah> <nama>/ (jenis berkas dikenali dari isinya),
    memeriksa NIK, KK, tanggal lahir dan keluarga, mencocokkan keputusan musyawarah,
    mencari duplikat dalam batch dan di DTKS, lalu menulis ke data/processed/PERIODE/:
    outcomes.parquet, summary.xlsx, siks-ng/<kode>_<periode>_usulan_baru.xlsx (dan .csv),
    siks-ng/<kode>_<periode>_perbaikan.xlsx (dan .csv). Berjalan sebagai flow Prefect tanpa
    server Prefect.

    Contoh: dtks finalize 2026-11
    """
    h = _home(home)
    check_period(period)
    if not h.store_path.exists():
        raise DtksError(
            "Basis data DTKS belum ada. Muat snapshot DTKS dulu: dtks load-dtks BERKAS_EKSPOR_DTKS"
        )
    from pipelines.store import open_store

    with open_store(h.store_path) as store:  # fails fast if another run writes
        if store.one("SELECT 1 FROM period_close WHERE period = ?", [period]):
            raise DtksError(
                f"Periode {period} sudah ditutup (dtks close); hasilnya tidak "
                "diubah lagi. Usulan susulan masuk ke periode berikutnya."
            )
    console.print(f"Finalisasi periode {period} (folder data: {h.root}) ...")
    t0 = time.perf_counter()
    result = _run_finalize(h, period)
    _print_counts(result.counts)
    console.print(f"Selesai dalam {time.perf_counter() - t0:.1f} detik.")
    console.print(f"Hasil per baris : {_rel(result.outcomes, h)} (dan tabel prelist_outcome)")
    console.print(f"Ringkasan       : {_rel(result.summary, h)}")
    console.print(
        f"Berkas SIKS-NG  : {_rel(result.out_dir / 'siks-ng', h)} "
        f"({sum(1 for p in result.import_files if p.suffix == '.xlsx')} workbook)"
    )
    console.print(
        f"Telaah          : {_rel(result.review, h)} (isi KEPUTUSAN, lalu "
        f"dtks review apply {period} BERKAS --petugas NAMA)"
    )
    if result.rejection_files:
        console.print(
            f"Dikembalikan    : {_rel(result.out_dir / 'penolakan', h)} "
            f"({len(result.rejection_files)} berkas baris yang dikembalikan, per kelurahan)"
        )


class _Progress(logging.Handler):
    """Shows pipelines.progress records: a bar in a terminal, plain lines otherwise."""

    def __init__(self, total: int) -> None:
        super().__init__(logging.INFO)
        self.total, self.done, self.bar = total, 0, None
        if console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
            )
            self.task = self.bar.add_task("Membaca kelurahan", total=total)
            self.bar.start()

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        reading = msg.startswith("kelurahan ")
        self.done += reading
        if self.bar is not None:
            self.bar.update(
                self.task,
                completed=self.done,
                description="Membaca kelurahan" if reading else msg.capitalize(),
            )
        else:
            console.print(f"[{self.done}/{self.total}] {msg}" if reading else f"... {msg}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
        super().close()


def _run_finalize(h: Home, period: str):
    configure_prefect(h)
    from pipelines.flows import finalize_flow
    from pipelines.ingest.discover import kelurahan_folders

    folders, _ = kelurahan_folders(h.period_raw(period))
    handler = _Progress(len(folders))
    logger = logging.getLogger("pipelines.progress")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        return finalize_flow(period=period, home=str(h.root))
    finally:
        logger.removeHandler(handler)
        handler.close()


def _print_counts(counts) -> None:
    from pipelines.finalize import OUTCOMES
    from pipelines.wilayah import dotted

    short = {
        "usulan_baru": "Baru",
        "perbaikan": "Perbaikan",
        "terdaftar": "Terdaftar",
        "perlu_verifikasi": "Verifikasi",
        "duplikat_batch": "Duplikat",
        "ditolak_musyawarah": "Tolak Musy",
        "ditolak_validasi": "Tolak Valid",
    }
    t = Table(title="Hasil per kelurahan", show_footer=True, box=None, pad_edge=False)
    t.add_column("Kode", footer="", no_wrap=True)
    t.add_column("Kelurahan", footer="JUMLAH", no_wrap=True, max_width=22)
    for o in OUTCOMES:
        t.add_column(short[o], justify="right", footer=str(int(counts[o].sum())), no_wrap=True)
    t.add_column("Baris", justify="right", footer=str(int(counts["jumlah"].sum())), no_wrap=True)
    for kode, r in counts.iterrows():
        t.add_row(
            dotted(kode), r["kelurahan"], *[str(int(r[o])) for o in OUTCOMES], str(int(r["jumlah"]))
        )
    console.print(t)


review_app = typer.Typer(
    help="Telaah supervisor atas baris perlu_verifikasi.", no_args_is_help=True
)
app.add_typer(review_app, name="review")


@review_app.command("apply")
def review_apply_cmd(
    period: Annotated[str, typer.Argument(help="Periode, TAHUN-BULAN.")],
    file: Annotated[
        Path, typer.Argument(help="Workbook telaah yang sudah diisi.", exists=True, dir_okay=False)
    ],
    petugas: Annotated[str, typer.Option("--petugas", help="Nama supervisor yang memutus.")],
    home: HomeOpt = None,
) -> None:
    """Terapkan keputusan supervisor dari workbook telaah (sheet PERLU KEPUTUSAN).

    KEPUTUSAN: BARU (usulan baru), SAMA (orang yang sama dengan kandidat DTKS, tidak
    dikirim), PERBAIKAN (perbaikan data kandidat), TOLAK (wajib ALASAN). Keputusan yang tidak
    dikenal atau kolom kunci yang diubah membuat seluruh berkas ditolak dengan sheet dan
    barisnya. Setiap keputusan dicatat (siapa, kapan, apa). Menerapkan berkas yang sama dua
    kali tidak mengubah apa pun.

    Contoh: dtks review apply 2026-11 data/processed/2026-11/telaah_2026-11.xlsx --petugas "Rina"
    """
    from pipelines import review
    from pipelines.store import open_store

    h = _home(home)
    check_period(period)
    with open_store(h.store_path) as store:
        res = review.apply(store, period, file, petugas)
    console.print(
        f"{res.applied} keputusan diterapkan, {res.unchanged} sudah tercatat sebelumnya, "
        f"{res.undecided} baris masih menunggu keputusan."
    )
    console.print(f"Lanjutkan dengan: dtks siks-ng {period}")


@app.command("siks-ng")
def siks_ng_cmd(
    period: Annotated[str, typer.Argument(help="Periode, TAHUN-BULAN.")],
    home: HomeOpt = None,
) -> None:
    """Tulis ulang berkas impor SIKS-NG dari hasil akhir (setelah telaah) dan laporan finalisasi.

    Berkas SIKS-NG per kelurahan (usulan baru, perbaikan; xlsx dan csv) di
    data/processed/PERIODE/siks-ng/, jumlah barisnya sama dengan jumlah hasil; laporan
    reports/PERIODE/laporan_finalisasi_PERIODE.xlsx dan .pdf (rekap per kecamatan dan
    kelurahan, grafik, Berita Acara Finalisasi dengan SHA-256 setiap berkas impor).

    Contoh: dtks siks-ng 2026-11
    """
    from pipelines.export.final import export
    from pipelines.finalize import dinas_kabkota
    from pipelines.store import open_store

    h = _home(home)
    check_period(period)
    with open_store(h.store_path) as store:
        res = export(store, h, period, dinas_kabkota(h, store))
    console.print(
        f"Berkas SIKS-NG : {_rel(res.import_dir, h)} ({res.counts['usulan_baru']} usulan "
        f"baru, {res.counts['perbaikan']} perbaikan; {len(res.files)} berkas)"
    )
    console.print(f"Laporan        : {_rel(res.report_pdf, h)}")
    console.print(f"                 {_rel(res.report_xlsx, h)}")


@app.command("close")
def close_cmd(
    period: Annotated[str, typer.Argument(help="Periode, TAHUN-BULAN.")],
    petugas: Annotated[str, typer.Option("--petugas", help="Nama supervisor yang menutup.")],
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Tutup walau masih ada baris perlu_verifikasi (wajib --alasan)."
        ),
    ] = False,
    alasan: Annotated[str | None, typer.Option("--alasan", help="Alasan penutupan paksa.")] = None,
    home: HomeOpt = None,
) -> None:
    """Tutup bulan: catat usulan baru dan perbaikan yang dikirim ke basis data, dengan riwayat.

    Ditolak selama masih ada baris perlu_verifikasi (daftarnya ditampilkan), kecuali
    --force --alasan. Satu transaksi; menutup dua kali tidak mengubah apa pun. Register per
    bulan: SELECT * FROM register_as_of('2026-11').

    Contoh: dtks close 2026-11 --petugas "Rina"
    """
    from pipelines.close import close
    from pipelines.store import open_store

    h = _home(home)
    check_period(period)
    with open_store(h.store_path) as store:
        res = close(store, period, petugas, force, alasan)
    if res.already:
        console.print(f"Periode {period} sudah ditutup sebelumnya; tidak ada perubahan.")
        return
    console.print(
        f"Periode {period} ditutup: {res.proposals} usulan baru dan {res.corrections} "
        "perbaikan dicatat di basis data"
        + (f"; {res.undecided} baris belum diputus (ditutup paksa)." if res.undecided else ".")
    )


keys_app = typer.Typer(help="Kunci tanda tangan elektronik Dinas.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("init")
def keys_init_cmd(
    nama: Annotated[
        str | None, typer.Option(help="Nama pada sertifikat (bawaan: nama Dinas).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Buat ulang walau kunci sudah ada.")
    ] = False,
    home: HomeOpt = None,
) -> None:
    """Buat kunci dan sertifikat swa-tanda (self-signed) Dinas di folder keys/.

    Untuk demo dan uji coba. Sertifikat resmi (PKCS#12) diatur di dtks.toml:
    [tanda_tangan] pkcs12 = "/path/dinas.p12", kata sandi di DTKS_PKCS12_PASSWORD.

    Contoh: dtks keys init --nama "Dinas Sosial Kota Palangka Raya"
    """
    from pipelines import signing
    from pipelines.report.finalisation import Signatories

    h = _home(home)
    who = Signatories.from_settings(h.settings(), _kabkota(h))
    paths = signing.init_keys(h, nama or who.dinas, force)
    console.print(f"Kunci      : {_rel(paths.key, h)} (rahasia; jangan dibagikan)")
    console.print(f"Sertifikat : {_rel(paths.cert, h)}")


def _kabkota(h: Home) -> str | None:
    from pipelines.finalize import dinas_kabkota
    from pipelines.store import open_store

    if not h.store_path.exists():
        conf = h.settings().get("dinas", {}).get("kode_kabkota")
        return str(conf).replace(".", "") if conf else None
    with open_store(h.store_path, read_only=True) as store:
        return dinas_kabkota(h, store)


@app.command("letter")
def letter_cmd(
    nik: Annotated[
        str, typer.Argument(metavar="NIK|verify", help="NIK pada KTP pemohon, atau kata verify.")
    ],
    file: Annotated[Path | None, typer.Argument(help="Dengan verify: berkas PDF surat.")] = None,
    kk: Annotated[str | None, typer.Option("--kk", help="Nomor KK pemohon (16 digit).")] = None,
    petugas: Annotated[str | None, typer.Option("--petugas", help="Nama petugas.")] = None,
    home: HomeOpt = None,
) -> None:
    """Surat Keterangan Terdaftar DTKS: terbitkan (dtks letter NIK) atau periksa (dtks letter verify).

    dtks letter NIK --kk NO_KK --petugas NAMA: NIK dan KK harus milik orang yang sama dalam
    DTKS yang berlaku. Terdaftar: surat bernomor (urut per tahun), ditandatangani
    elektronik, dengan kode verifikasi dan kode QR, di reports/surat/TAHUN/. Tidak
    terdaftar, tidak aktif atau KK berbeda: lembar informasi (bukan surat, tanpa nomor) yang
    menjelaskan cara diusulkan. Setiap surat dicatat (nomor, waktu, petugas).

    dtks letter verify BERKAS.pdf: memeriksa tanda tangan Dinas, keutuhan isi, dan bahwa
    nomor serta kode verifikasinya tercatat untuk berkas itu.

    Contoh: dtks letter 6271011508800001 --kk 6271010101100001 --petugas "Rina"
    """
    from pipelines.letters import issue, verify
    from pipelines.store import open_store

    h = _home(home)
    if nik == "verify":
        if file is None or not file.is_file():
            raise DtksError("Sebutkan berkas PDF surat: dtks letter verify BERKAS.pdf")
        with open_store(h.store_path, read_only=True) as store:
            ok, msg = verify(store, h, file)
        if ok:
            console.print(f"SAH. {msg}")
            return
        err.print(f"[bold red]TIDAK SAH.[/] {msg}")
        raise typer.Exit(1)
    if not kk or not petugas:
        raise DtksError("Untuk menerbitkan surat isi --kk NO_KK dan --petugas NAMA.")
    kabkota = _kabkota(h)
    with open_store(h.store_path) as store:
        res = issue(store, h, nik, kk, petugas, kabkota)
    if res.registered:
        console.print(f"TERDAFTAR. Surat nomor {res.nomor} diterbitkan: {_rel(res.path, h)}")
        console.print(f"Kode verifikasi: {res.kode}")
    else:
        console.print(f"TIDAK DITERBITKAN. {res.why}")
        console.print(f"Lembar informasi untuk pemohon: {_rel(res.path, h)}")


request_app = typer.Typer(
    help="Permintaan data: daftar, telaah, rilis aman, BAST bertanda tangan.", no_args_is_help=True
)
app.add_typer(request_app, name="request")


@request_app.command("new")
def request_new_cmd(
    pemohon: Annotated[str, typer.Option(help="Nama pemohon.")],
    identitas: Annotated[str, typer.Option(help="Nomor KTP/SIM (disimpan tersamar dan di-hash).")],
    tujuan: Annotated[str, typer.Option(help="Tujuan penggunaan data, seperti di surat.")],
    jenis_data: Annotated[
        str,
        typer.Option("--jenis-data", help="Tabel katalog, mis. keluarga_per_kelurahan_program."),
    ],
    kanal: Annotated[str, typer.Option(help="tatap_muka, surat, sp4n_lapor atau email.")] = "surat",
    kategori: Annotated[
        str,
        typer.Option(
            help="penelitian_akademik, pembangunan_kesejahteraan_sosial, perencanaan_opd, lainnya."
        ),
    ] = "penelitian_akademik",
    instansi: Annotated[str, typer.Option(help="Instansi/universitas.")] = "",
    kontak: Annotated[str, typer.Option(help="Telepon atau surel.")] = "",
    wilayah: Annotated[str, typer.Option(help="Kode wilayah (awalan), mis. 62.71.01.")] = "",
    tahun: Annotated[str, typer.Option(help="Tahun data.")] = "",
    kompleksitas: Annotated[str, typer.Option(help="sederhana, sedang, kompleks.")] = "sedang",
    pks: Annotated[str, typer.Option(help="Nomor PKS berbagi data (data individu).")] = "",
    petugas: Annotated[str, typer.Option(help="Petugas penerima permintaan.")] = "petugas",
    home: HomeOpt = None,
) -> None:
    """Catat permintaan data baru (nomor REQ-TAHUN-NNNN) dengan batas waktu hari kerja.

    Batas waktu: hari kerja (tanpa Sabtu, Minggu, libur nasional, cuti bersama) menurut kanal
    dan kompleksitas (surat 7, SP4N-LAPOR 8, data 3/7/14 hari kerja). Tujuan yang mengarah
    ke kepentingan politik ditandai dan tidak dapat disetujui.

    Contoh: dtks request new --pemohon "Ani" --identitas 6271014101990001 --instansi "Universitas Palangka Raya" --tujuan "Skripsi kemiskinan" --jenis-data keluarga_per_kelurahan_program
    """
    from pipelines.requests import register
    from pipelines.store import open_store

    h = _home(home)
    req = register.NewRequest(
        pemohon,
        identitas,
        kanal,
        tujuan,
        kategori,
        jenis_data,
        instansi,
        kontak,
        wilayah,
        tahun,
        kompleksitas,
        pks,
    )
    with open_store(h.store_path) as store:
        nomor, due, words = register.new(store, req, petugas, h.settings())
    console.print(f"Permintaan {nomor} dicatat; batas waktu {due:%d-%m-%Y} (hari kerja).")
    if words:
        console.print(
            f"[bold red]PERHATIAN:[/] tujuan mengarah ke kepentingan politik "
            f"({', '.join(words)}). Permintaan ini harus ditolak dengan alasan "
            "tertulis: dtks request status " + nomor + ' ditolak --catatan "..."'
        )


@request_app.command("status")
def request_status_cmd(
    nomor: Annotated[str, typer.Argument(help="Nomor permintaan, REQ-TAHUN-NNNN.")],
    status: Annotated[
        str, typer.Argument(help="ditelaah, disetujui, ditolak, diproses, diserahkan.")
    ],
    petugas: Annotated[str, typer.Option(help="Nama yang mencatat langkah ini.")],
    peran: Annotated[
        str,
        typer.Option(help="Jabatan, mis. Sekretaris, Kepala Dinas, Kepala Bidang, Kepala Seksi."),
    ],
    catatan: Annotated[str, typer.Option(help="Catatan; wajib untuk ditolak.")] = "",
    home: HomeOpt = None,
) -> None:
    """Catat satu langkah telaah/persetujuan (siapa, jabatan, kapan, catatan).

    Urutan: diajukan -> ditelaah (oleh setiap jabatan dalam rantai telaah) -> disetujui /
    ditolak -> diproses -> diserahkan.

    Contoh: dtks request status REQ-2026-0001 ditelaah --petugas "Budi" --peran "Sekretaris"
    """
    from pipelines.requests import register
    from pipelines.store import open_store

    h = _home(home)
    with open_store(h.store_path) as store:
        register.advance(store, nomor, status, petugas, peran, catatan, h.settings())
    console.print(f"{nomor}: {status} ({peran} {petugas}).")


@request_app.command("list")
def request_list_cmd(
    status: Annotated[str | None, typer.Option(help="Hanya status ini.")] = None,
    terlambat: Annotated[
        bool, typer.Option("--terlambat", help="Hanya yang lewat batas waktu.")
    ] = False,
    home: HomeOpt = None,
) -> None:
    """Daftar permintaan data dan kepatuhan waktu layanan per bulan.

    Contoh: dtks request list --terlambat
    """
    from pipelines.requests import register
    from pipelines.store import open_store

    h = _home(home)
    with open_store(h.store_path, read_only=True) as store:
        df = register.listing(store, status, terlambat)
        sla = register.sla_compliance(store)
    t = Table(title="Permintaan data")
    for col in [
        "nomor",
        "diajukan",
        "pemohon",
        "instansi",
        "jenis data",
        "status",
        "batas",
        "terlambat",
    ]:
        t.add_column(col)
    for r in df.itertuples():
        t.add_row(
            r.nomor,
            f"{r.diajukan_pada:%d-%m-%Y}",
            r.pemohon,
            r.instansi or "-",
            r.jenis_data,
            r.status + (" (politik!)" if r.tanda_politik else ""),
            f"{r.batas_waktu:%d-%m-%Y}",
            "YA" if r.terlambat else "",
        )
    console.print(t)
    for r in sla.itertuples():
        console.print(
            f"Kepatuhan waktu {r.bulan}: {r.tepat_waktu}/{r.diserahkan} diserahkan "
            f"tepat waktu ({r.porsi:.0%})."
        )


@request_app.command("fulfil")
def request_fulfil_cmd(
    nomor: Annotated[str, typer.Argument(help="Nomor permintaan yang sudah disetujui.")],
    petugas: Annotated[str, typer.Option(help="Petugas data yang menyiapkan.")],
    home: HomeOpt = None,
) -> None:
    """Siapkan paket serah terima: data (xlsx, csv) aman, metadata, BAST bertanda tangan, manifest.

    Tabel agregat melalui pengendalian pengungkapan (sel kecil disembunyikan, ditambah sel
    pelengkap). Paket di reports/permintaan/NOMOR/ dan NOMOR.zip.

    Contoh: dtks request fulfil REQ-2026-0001 --petugas "Rina"
    """
    from pipelines.requests.package import fulfil
    from pipelines.store import open_store

    h = _home(home)
    kabkota = _kabkota(h)
    with open_store(h.store_path) as store:
        pkg = fulfil(store, h, nomor, petugas, kabkota)
    console.print(
        f"Paket {nomor}: {_rel(pkg.folder, h)} ({len(pkg.files)} berkas) dan {_rel(pkg.zip, h)}"
    )


@request_app.command("verify")
def request_verify_cmd(
    path: Annotated[Path, typer.Argument(help="Folder paket atau berkas .zip-nya.", exists=True)],
    home: HomeOpt = None,
) -> None:
    """Periksa paket serah terima: tanda tangan BAST dan manifest, SHA-256 setiap berkas.

    Contoh: dtks request verify reports/permintaan/REQ-2026-0001.zip
    """
    from pipelines.requests.package import verify

    h = _home(home)
    ok, findings = verify(h, path)
    for f in findings:
        (console if ok else err).print(("SAH. " if ok else "- ") + f)
    if not ok:
        err.print("[bold red]TIDAK SAH.[/]")
        raise typer.Exit(1)


@app.command("finalize-province")
def finalize_province_cmd(
    period: Annotated[str, typer.Argument(help="Periode, TAHUN-BULAN.")],
    roots: Annotated[
        list[Path], typer.Argument(help="Folder data tiap kab/kota.", exists=True, file_okay=False)
    ],
    workers: Annotated[int, typer.Option(min=1, help="Jumlah worker Dask lokal.")] = 2,
    dask_address: Annotated[
        str | None,
        typer.Option(help="Alamat klaster Dask yang sudah ada, mis. tcp://10.0.0.5:8786."),
    ] = None,
) -> None:
    """Finalisasi banyak kab/kota sekaligus (provinsi/kementerian), disebar ke worker Dask.

    Setiap kab/kota punya folder data sendiri (data/raw, data/processed, reports); langkahnya
    sama dengan dtks finalize. Tanpa --dask-address, klaster Dask lokal dengan --workers
    proses dibuat dan dihentikan otomatis.

    Contoh: dtks finalize-province 2026-11 /srv/dtks/6271 /srv/dtks/6201 --workers 2
    """
    first = Home.resolve(roots[0])
    check_period(period)
    configure_prefect(first)
    from pipelines.flows import province_flow, province_runner

    homes = [str(Home.resolve(r).root) for r in roots]
    t0 = time.perf_counter()
    runner = province_runner(workers, dask_address)
    results = province_flow.with_options(task_runner=runner)(homes=homes, period=period)
    for h, counts in results.items():
        console.print(f"{h}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    console.print(f"Selesai dalam {time.perf_counter() - t0:.1f} detik.")


@app.command("serve")
def serve_cmd(home: HomeOpt = None) -> None:
    """Mode layanan: layani deployment Prefect (finalisasi bulanan terjadwal, pengingat SLA).

    Butuh server Prefect yang berjalan, mis. `prefect server start --host 127.0.0.1
    --port 4200`, dan PREFECT_API_URL=http://127.0.0.1:4200/api. Finalisasi dijadwalkan
    setiap tanggal [jadwal] hari_finalisasi (bawaan 5) untuk bulan sebelumnya; hanya satu
    finalisasi berjalan pada satu waktu. Berhenti dengan Ctrl+C.

    Contoh: dtks serve --home /srv/dtks   (setelah export PREFECT_API_URL=http://127.0.0.1:4200/api)
    """
    h = _home(home)
    if not os.environ.get("PREFECT_API_URL"):
        raise DtksError(
            "PREFECT_API_URL belum diatur. Jalankan server Prefect (prefect server "
            "start --host 127.0.0.1 --port 4200) lalu atur "
            "PREFECT_API_URL=http://127.0.0.1:4200/api."
        )
    configure_prefect(h)
    from pipelines import service

    console.print(
        f"Melayani deployment {service.FINALIZE} dan {service.REMINDER} untuk {h.root} "
        f"di {os.environ['PREFECT_API_URL']} (Ctrl+C untuk berhenti)."
    )
    service.serve(h)


@app.command("sql")
def sql_cmd(
    query: Annotated[str, typer.Argument(help="Satu perintah SELECT.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Tulis hasil ke berkas .csv, .parquet atau .xlsx, bukan ke layar."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="Baris yang ditampilkan di layar.")] = 50,
    home: HomeOpt = None,
) -> None:
    """Jalankan kueri SQL pada basis data DTKS (hanya-baca) untuk analisis.

    View yang tersedia: v_persons_current, v_households_current, v_outcomes_per_period,
    v_monthly_summary, v_programme_coverage (lihat docs/data_dictionary.md). Perintah yang
    mengubah data ditolak.

    Contoh: dtks sql "SELECT * FROM v_programme_coverage ORDER BY keluarga DESC" --out cakupan.xlsx
    """
    from pipelines import analyst
    from pipelines.store import open_store

    h = _home(home)
    with open_store(h.store_path, read_only=True) as store:
        frame = analyst.query(store, query)
    if out is not None:
        analyst.write(frame, out)
        console.print(f"{ribu(len(frame))} baris ditulis ke {out}")
        return
    t = Table(show_lines=False)
    for col in frame.columns:
        t.add_column(str(col))
    for row in frame.head(limit).itertuples(index=False):
        t.add_row(*["" if (not isinstance(v, str) and pd_isna(v)) else str(v) for v in row])
    console.print(t)
    if len(frame) > limit:
        console.print(f"... {ribu(len(frame) - limit)} baris lagi; pakai --out BERKAS untuk semua.")


def pd_isna(v) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


@app.command("export")
def export_cmd(
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder tujuan (bawaan: data/processed/export).")
    ] = None,
    view: Annotated[
        list[str] | None, typer.Option("--view", help="View tertentu saja (boleh diulang).")
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Ekspor view analis ke Parquet, dipartisi per kode wilayah, untuk alat lain.

    Contoh: dtks export --view v_programme_coverage
    """
    from pipelines import analyst
    from pipelines.store import open_store

    h = _home(home)
    target = out or h.processed / "export"
    with open_store(h.store_path, read_only=True) as store:
        paths = analyst.export_views(store, target, view)
    for p in paths:
        console.print(f"{p.name:24}: {_rel(p, h)}")


@app.command("dictionary")
def dictionary_cmd(
    out: Annotated[Path, typer.Option("--out", help="Berkas tujuan.")] = Path(
        "docs/data_dictionary.md"
    ),
) -> None:
    """Tulis kamus data (tabel, view, kolom, tipe) dari skema basis data ke docs/.

    Contoh: dtks dictionary --out docs/data_dictionary.md
    """
    import tempfile

    from pipelines import analyst
    from pipelines.store import open_store

    with tempfile.TemporaryDirectory() as d, open_store(Path(d) / "schema.duckdb") as store:
        text = analyst.dictionary(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    console.print(f"Kamus data ditulis ke {out}")


@app.command("demo")
def demo_cmd(
    period: Annotated[str, typer.Option(help="Periode demo.")] = "2026-11",
    home: HomeOpt = None,
) -> None:
    """Jalankan semua tugas yang ada pada data demo, dari data mentah sampai bulan ditutup.

    Membuat data demo, memuat DTKS, finalisasi, mengisi dan menerapkan workbook telaah,
    menulis berkas SIKS-NG dan laporan, lalu menutup bulan.

    Contoh: dtks demo --home /tmp/dtks-demo
    """
    h = _home(home)
    _reset_demo(h)
    console.rule("1. Data demo (dtks synth)")
    synth_cmd(period=period, seed=2026, scale=1, home=h.root)
    console.rule("2. Muat snapshot DTKS (dtks load-dtks)")
    from pipelines.synth import KABKOTA

    prev = sorted((h.raw / "dtks").glob(f"DTKS_{KABKOTA}_*.csv"))[-1]
    load_dtks_cmd(files=[prev], home=h.root)
    console.rule("3. Finalisasi bulanan (dtks finalize)")
    finalize_cmd(period=period, home=h.root)
    console.rule("4. Telaah supervisor (dtks review apply)")
    from pipelines.synth.decide import fill_review

    filled = fill_review(h.period_out(period) / f"telaah_{period}.xlsx")
    console.print(f"Keputusan demo ditulis ke {_rel(filled, h)}")
    review_apply_cmd(period=period, file=filled, petugas="Supervisor Demo", home=h.root)
    console.rule("5. Berkas SIKS-NG dan laporan (dtks siks-ng)")
    siks_ng_cmd(period=period, home=h.root)
    console.rule("6. Tutup bulan (dtks close)")
    close_cmd(period=period, petugas="Supervisor Demo", force=False, alasan=None, home=h.root)
    console.rule("7. Surat Keterangan Terdaftar DTKS (dtks keys init, dtks letter)")
    from pipelines import signing
    from pipelines.store import open_store

    if not signing.key_paths(h).key.exists():
        keys_init_cmd(nama=None, force=False, home=h.root)
    with open_store(h.store_path, read_only=True) as store:
        nik, kk = store.one(
            "SELECT nik, no_kk FROM dtks_current WHERE hubungan_keluarga = "
            "'KEPALA KELUARGA' ORDER BY id_dtks LIMIT 1"
        )
    letter_cmd(nik=nik, file=None, kk=kk, petugas="Petugas Demo", home=h.root)
    issued = sorted((h.reports / "surat").glob("*/SKT_*.pdf"))[-1]
    letter_cmd(nik="verify", file=issued, kk=None, petugas=None, home=h.root)
    letter_cmd(
        nik="6271011508999999",
        file=None,
        kk="6271010101999999",
        petugas="Petugas Demo",
        home=h.root,
    )
    console.rule("8. Permintaan data penelitian (dtks request)")
    request_new_cmd(
        pemohon="Ani Lestari",
        identitas="6271014101990001",
        tujuan="Skripsi: sebaran program bantuan sosial per kelurahan",
        jenis_data="keluarga_per_kelurahan_program",
        kanal="surat",
        kategori="penelitian_akademik",
        instansi="Universitas Palangka Raya",
        kontak="0812-0000-0000",
        wilayah="",
        tahun="2026",
        kompleksitas="sedang",
        pks="",
        petugas="Petugas Demo",
        home=h.root,
    )
    from pipelines.requests.register import DEFAULT_CHAIN

    with open_store(h.store_path, read_only=True) as store:
        nomor = store.one("SELECT max(nomor) FROM data_request")[0]
    for role in DEFAULT_CHAIN:
        request_status_cmd(
            nomor=nomor,
            status="ditelaah",
            petugas=f"{role} Demo",
            peran=role,
            catatan="",
            home=h.root,
        )
    request_status_cmd(
        nomor=nomor,
        status="disetujui",
        petugas="Kepala Dinas Demo",
        peran="Kepala Dinas",
        catatan="Untuk penelitian akademik",
        home=h.root,
    )
    request_fulfil_cmd(nomor=nomor, petugas="Petugas Demo", home=h.root)
    request_verify_cmd(path=h.reports / "permintaan" / f"{nomor}.zip", home=h.root)
    console.rule("9. Analisis (dtks sql, dtks export)")
    sql_cmd(
        query="SELECT kode_wilayah, keluarga, jiwa, keluarga_pkh, keluarga_bpnt, "
        "keluarga_pbi FROM v_programme_coverage ORDER BY keluarga DESC",
        limit=5,
        out=None,
        home=h.root,
    )
    export_cmd(out=None, view=None, home=h.root)


def _reset_demo(h: Home) -> None:
    """Let `dtks demo` run again: clear a store that holds nothing but an earlier demo.

    A store with any other snapshot, or a month closed by someone else, is left alone and
    the demo stops with a message instead.
    """
    import shutil

    from pipelines.store import open_store

    if not h.store_path.exists():
        return
    with open_store(h.store_path, read_only=True) as store:
        files = {
            f
            for row in store.execute("SELECT source_files FROM dtks_snapshot").fetchall()
            for f in row[0]
        }
        closers = {r[0] for r in store.execute("SELECT petugas FROM period_close").fetchall()}
    if all(f.startswith("DTKS_6271_") for f in files) and closers <= {"Supervisor Demo"}:
        h.store_path.unlink()
        shutil.rmtree(h.processed / "2026-11", ignore_errors=True)
        shutil.rmtree(h.reports / "surat", ignore_errors=True)
        shutil.rmtree(h.reports / "permintaan", ignore_errors=True)
        return
    raise DtksError(
        f"{h.root} berisi data yang bukan data demo; jalankan demo di folder lain: "
        "dtks demo --home /tmp/dtks-demo"
    )


def main() -> None:
    """Entry point: expected errors become one Indonesian message, never a traceback."""
    logging.basicConfig(
        level=os.environ.get("DTKS_LOG_LEVEL", "WARNING"),
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        app(standalone_mode=False)
    except DtksError as exc:
        err.print(f"[bold red]Gagal:[/] {exc}")
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", getattr(exc, "code", 0)) or 0)
    except typer.Abort:
        err.print("Dibatalkan.")
        sys.exit(130)
    except Exception as exc:  # click usage errors and the unexpected
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("DTKS_DEBUG"):
            raise
        err.print(
            f"[bold red]Kesalahan tak terduga[/] ({type(exc).__name__}). Jalankan lagi "
            "dengan DTKS_DEBUG=1 untuk rincian teknis dan laporkan ke pengembang."
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
