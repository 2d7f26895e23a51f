"""Data officer commands: signing keys, letters, data requests."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from pipelines.cli.common import (
    HomeOpt,
    _home,
    _kabkota,
    _rel,
    app,
    console,
    err,
)
from pipelines.config import Home
from pipelines.errors import DtksError

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
    Juga membuat garam rahasia instalasi (keys/garam-identitas) untuk hash nomor identitas
    pemohon data; --force membuat kunci baru tetapi tidak mengganti garam. Kunci dan garam
    hanya dapat dibaca pemiliknya (0600); simpan cadangan folder keys/ di tempat aman.

    Contoh: dtks keys init --nama "Dinas Sosial Kota Palangka Raya"
    """
    from pipelines import signing
    from pipelines.report.signatories import Signatories

    h = _home(home)
    who = Signatories.from_settings(h.config, _kabkota(h))
    paths = signing.init_keys(h, nama or who.dinas, force)
    console.print(f"Kunci      : {_rel(paths.key, h)} (rahasia; jangan dibagikan)")
    console.print(f"Sertifikat : {_rel(paths.cert, h)}")
    console.print(f"Garam      : {_rel(signing.salt_path(h), h)} (rahasia; jangan dibagikan)")


@app.command("letter")
def letter_cmd(
    nik: Annotated[
        str,
        typer.Argument(
            metavar="NIK|verify|revoke", help="NIK pada KTP pemohon, atau kata verify / revoke."
        ),
    ],
    file: Annotated[
        str | None,
        typer.Argument(
            metavar="[BERKAS|NOMOR]",
            help="Dengan verify: berkas PDF surat; dengan revoke: nomor surat.",
        ),
    ] = None,
    kk: Annotated[str | None, typer.Option("--kk", help="Nomor KK pemohon (16 digit).")] = None,
    petugas: Annotated[str | None, typer.Option("--petugas", help="Nama petugas.")] = None,
    alasan: Annotated[
        str | None, typer.Option("--alasan", help="Dengan revoke: alasan pencabutan (dicatat).")
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Surat Keterangan Terdaftar DTKS: terbitkan (dtks letter NIK), periksa (verify), cabut (revoke).

    dtks letter NIK --kk NO_KK --petugas NAMA: NIK dan KK harus milik orang yang sama dalam
    DTKS yang berlaku. Terdaftar: surat bernomor (urut per tahun), ditandatangani
    elektronik, dengan kode verifikasi dan kode QR, di reports/surat/TAHUN/. Tidak
    terdaftar, tidak aktif atau KK berbeda: lembar informasi (bukan surat, tanpa nomor) yang
    menjelaskan cara diusulkan. Setiap surat dicatat (nomor, waktu, petugas).

    dtks letter verify BERKAS.pdf: memeriksa tanda tangan Dinas, keutuhan isi, bahwa nomor
    serta kode verifikasinya tercatat untuk berkas itu, dan bahwa surat itu tidak dicabut.
    Kode keluar: 0 SAH, 1 TIDAK SAH.

    dtks letter revoke NOMOR --alasan "..." --petugas NAMA: mencabut surat yang terbit
    keliru (tercatat); halaman pemeriksaan publik lalu menyatakannya DICABUT.

    Surat memuat alamat halaman pemeriksaan dan kode QR-nya bila dtks.toml [surat]
    url_verifikasi diisi (alamat meja web, mis. https://dtks.dinsos.example.go.id).

    Contoh: dtks letter 6271011508800001 --kk 6271010101100001 --petugas "Rina"
    """
    from pipelines.letters import issue, verify
    from pipelines.store import open_store

    h = _home(home)
    if nik == "revoke":
        from pipelines.letters import revoke

        if not file or not petugas or not alasan:
            raise DtksError(
                "Sebutkan nomor surat, --alasan dan --petugas: dtks letter revoke NOMOR "
                '--alasan "..." --petugas NAMA'
            )
        with open_store(h.store_path) as store:
            when = revoke(store, file, alasan, petugas)
        console.print(
            f"Surat nomor {file.strip()} dicabut {when:%d-%m-%Y %H:%M} oleh {petugas.strip()}."
        )
        return
    if nik == "verify":
        if file is None or not Path(file).is_file():
            raise DtksError("Sebutkan berkas PDF surat: dtks letter verify BERKAS.pdf")
        with open_store(h.store_path, read_only=True) as store:
            ok, msg = verify(store, h, Path(file))
        if ok:
            console.print(f"SAH. {escape(msg)}")
            return
        err.print(f"[bold red]TIDAK SAH.[/] {escape(msg)}")
        raise typer.Exit(1)
    if not kk or not petugas:
        raise DtksError("Untuk menerbitkan surat isi --kk NO_KK dan --petugas NAMA.")
    kabkota = _kabkota(h)
    with open_store(h.store_path) as store:
        res = issue(store, h, nik, kk, petugas, kabkota)
    if res.registered:
        from pipelines.letters import check_url

        console.print(f"TERDAFTAR. Surat nomor {res.nomor} diterbitkan: {_rel(res.path, h)}")
        console.print(f"Kode verifikasi: {res.kode}")
        if check_url(h.config) is None:
            console.print(
                "Catatan: dtks.toml \\[surat] url_verifikasi belum diisi; surat tidak memuat "
                "alamat pemeriksaan dan kode QR untuk pembacanya."
            )
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
    pks: Annotated[
        str,
        typer.Option(
            help="Nomor PKS berbagi data (data individu; dapat dicatat nanti: request pks)."
        ),
    ] = "",
    petugas: Annotated[str, typer.Option(help="Petugas penerima permintaan.")] = "petugas",
    home: HomeOpt = None,
) -> None:
    """Catat permintaan data baru (nomor REQ-TAHUN-NNNN) dengan batas waktu hari kerja.

    Batas waktu: hari kerja (tanpa Sabtu, Minggu, libur nasional, cuti bersama) menurut kanal
    dan kompleksitas (surat 7, SP4N-LAPOR 8, data 3/7/14 hari kerja). Tujuan yang mengarah
    ke kepentingan politik ditandai dan tidak dapat disetujui.

    Contoh: dtks request new --pemohon "Ani" --identitas 6271014101990001 --instansi "Universitas Palangka Raya" --tujuan "Skripsi kemiskinan" --jenis-data keluarga_per_kelurahan_program
    """
    from pipelines import signing
    from pipelines.requests import register
    from pipelines.store import open_store

    h = _home(home)
    salt = signing.identity_salt(h)  # made on first need (0600, keys/garam-identitas)
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
        nomor, due, words = register.new(store, req, petugas, h.config, salt=salt)
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
    ditolak -> diproses -> diserahkan. Jabatan dari daftar di dtks.toml ([permintaan]
    rantai_telaah, bawaan Sekretaris, Kepala Dinas, Kepala Bidang, Kepala Seksi; penyetuju,
    bawaan Kepala Dinas), huruf besar/kecil bebas; jabatan lain ditolak dengan daftarnya.
    Data tingkat individu baru dapat disetujui bila nomor PKS sudah dicatat (dtks request pks).

    Contoh: dtks request status REQ-2026-0001 ditelaah --petugas "Budi" --peran "Sekretaris"
    """
    from pipelines.requests import register
    from pipelines.store import open_store

    h = _home(home)
    with open_store(h.store_path) as store:
        register.advance(store, nomor, status, petugas, peran, catatan, h.config)
    console.print(f"{nomor}: {status} ({peran} {petugas}).")


@request_app.command("pks")
def request_pks_cmd(
    nomor: Annotated[str, typer.Argument(help="Nomor permintaan, REQ-TAHUN-NNNN.")],
    nomor_pks: Annotated[
        str, typer.Option("--nomor-pks", help="Nomor perjanjian kerja sama berbagi data.")
    ],
    petugas: Annotated[str, typer.Option(help="Petugas yang mencatat.")],
    home: HomeOpt = None,
) -> None:
    """Catat nomor PKS (perjanjian kerja sama berbagi data) sebelum permintaan disetujui.

    Wajib untuk data tingkat individu (daftar_penerima), yang hanya untuk perangkat daerah;
    diperiksa saat persetujuan dan saat serah terima. Tercatat di riwayat permintaan.

    Contoh: dtks request pks REQ-2026-0001 --nomor-pks "070/123/PKS/2026" --petugas "Rina"
    """
    from pipelines.requests import register
    from pipelines.store import open_store

    h = _home(home)
    with open_store(h.store_path) as store:
        register.set_pks(store, nomor, nomor_pks, petugas)
    console.print(f"{nomor}: nomor PKS {nomor_pks.strip()} dicatat.")


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
            r.status + (" (politik!)" if r.politik else ""),
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

    Nomor permintaan di manifest harus sama dengan nama folder/zip; zip berisi tepat satu
    folder paket. Setiap temuan disebutkan. Kode keluar: 0 SAH, 1 TIDAK SAH, 2 salah ketik.

    Contoh: dtks request verify reports/permintaan/REQ-2026-0001.zip
    """
    from pipelines.requests.package import verify

    h = Home.resolve(home)  # checks a package against the Dinas key; no register needed
    ok, findings = verify(h, path)
    for f in findings:
        (console if ok else err).print(("SAH. " if ok else "- ") + escape(f))
    if not ok:
        err.print("[bold red]TIDAK SAH.[/]")
        raise typer.Exit(1)
