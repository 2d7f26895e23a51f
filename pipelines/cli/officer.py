"""Data officer commands: signing keys, letters, data requests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from typer._click.core import Context
from typer.core import TyperGroup

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


# `dtks letter issue|verify|revoke`; `dtks letter NIK ...` stays the short form of issue
_NIK_LIKE = re.compile(r"\d[\d .-]*")
_ISSUE_OPTIONS = ("--kk", "--petugas")


class _LetterGroup(TyperGroup):
    """`dtks letter NIK ...` (the form operators and the README use) runs `letter issue`.

    Only a first argument that looks like a NIK goes to issue (digits; a malformed NIK is
    issue's to refuse with its reason), so a mistyped command name stays a usage error with
    a suggestion. A leading `--home DIR` moves behind the command name, as the single
    command before took it anywhere.
    """

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _route_letter(args))


def _route_letter(args: list[str]) -> list[str]:
    """The arguments of `dtks letter`, as `dtks letter COMMAND ...` reads them."""
    lead: list[str] = []  # a leading --home DIR, which belongs to the command
    rest = list(args)
    while rest and (rest[0] == "--home" or rest[0].startswith("--home=")):
        n = 2 if rest[0] == "--home" else 1
        lead, rest = lead + rest[:n], rest[n:]
    if not rest:  # `dtks letter --home DIR`: the usage error asks for the command
        return []
    first = rest[0]
    if first == "--help":
        return [first]
    if _NIK_LIKE.fullmatch(first) or first.split("=")[0] in _ISSUE_OPTIONS:
        return ["issue", *lead, *rest]
    return [first, *lead, *rest[1:]]  # a command, or an unknown word the error names


letter_app = typer.Typer(
    cls=_LetterGroup,
    help="""Surat Keterangan Terdaftar DTKS: terbitkan (issue), periksa (verify), cabut (revoke).

\b
dtks letter issue NIK --kk NO_KK --petugas NAMA
dtks letter verify BERKAS.pdf
dtks letter revoke NOMOR --alasan "..." --petugas NAMA

Bentuk singkat: dtks letter NIK --kk NO_KK --petugas NAMA sama dengan dtks letter issue.
Bantuan tiap perintah: dtks letter issue --help (juga verify, revoke).

Kode keluar: 0 selesai (verify: SAH), 1 ditolak atau TIDAK SAH (dengan alasannya),
2 salah ketik (perintah, opsi atau berkas).

\b
Contoh:
  dtks letter 6271011508800001 --kk 6271010101100001 --petugas "Rina"
  dtks letter verify reports/surat/2026/SKT_2026_0001.pdf
""",
)
app.add_typer(letter_app, name="letter")


@letter_app.command("issue")
def letter_issue_cmd(
    nik: Annotated[str, typer.Argument(metavar="NIK", help="NIK pada KTP pemohon (16 digit).")],
    kk: Annotated[str, typer.Option("--kk", help="Nomor KK pemohon (16 digit).")],
    petugas: Annotated[str, typer.Option("--petugas", help="Nama petugas yang menerbitkan.")],
    home: HomeOpt = None,
) -> None:
    """Terbitkan Surat Keterangan Terdaftar DTKS untuk satu orang (NIK dan KK).

    NIK dan KK harus milik orang yang sama dalam DTKS yang berlaku. Terdaftar: surat
    bernomor (urut per tahun), ditandatangani elektronik, dengan kode verifikasi dan kode QR,
    di reports/surat/TAHUN/. Tidak terdaftar, tidak aktif atau KK berbeda: lembar informasi
    (bukan surat, tanpa nomor) di reports/surat/informasi/ yang menjelaskan cara diusulkan.
    Setiap surat dicatat (nomor, waktu, petugas). Boleh disingkat tanpa kata issue.

    Surat memuat alamat halaman pemeriksaan dan kode QR-nya bila dtks.toml [surat]
    url_verifikasi diisi (alamat meja web, mis. https://dtks.dinsos.example.go.id).

    Kode keluar: 0 surat atau lembar informasi dibuat, 1 ditolak (mis. NIK bukan 16 digit),
    2 salah ketik (mis. --kk tidak diisi).

    \b
    Contoh: dtks letter issue 6271011508800001 --kk 6271010101100001 --petugas "Rina"
    Singkat: dtks letter 6271011508800001 --kk 6271010101100001 --petugas "Rina"
    """
    from pipelines.letters import check_url, issue
    from pipelines.store import open_store

    h = _home(home)
    kabkota = _kabkota(h)
    with open_store(h.store_path) as store:
        res = issue(store, h, nik, kk, petugas, kabkota)
    if res.registered:
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


@letter_app.command("verify")
def letter_verify_cmd(
    file: Annotated[
        Path,
        typer.Argument(metavar="BERKAS", help="Berkas PDF surat.", exists=True, dir_okay=False),
    ],
    home: HomeOpt = None,
) -> None:
    """Periksa keaslian surat: tanda tangan Dinas, keutuhan isi, nomor, kode, pencabutan.

    SAH bila tanda tangan Dinas sah, isi PDF tidak berubah sejak ditandatangani, nomor serta
    kode verifikasinya tercatat untuk berkas itu, dan surat itu tidak dicabut. Selain itu
    TIDAK SAH dengan alasannya (termasuk surat bertanda tangan kunci Dinas lain).

    Kode keluar: 0 SAH, 1 TIDAK SAH, 2 salah ketik (mis. berkas tidak ada).

    Contoh: dtks letter verify reports/surat/2026/SKT_2026_0001.pdf
    """
    from pipelines.letters import verify
    from pipelines.store import open_store

    h = _home(home)
    with open_store(h.store_path, read_only=True) as store:
        ok, msg = verify(store, h, file)
    if ok:
        console.print(f"SAH. {escape(msg)}")
        return
    err.print(f"[bold red]TIDAK SAH.[/] {escape(msg)}")
    raise typer.Exit(1)


@letter_app.command("revoke")
def letter_revoke_cmd(
    nomor: Annotated[
        str, typer.Argument(metavar="NOMOR", help="Nomor surat, mis. 400.9.2/0001/DINSOS/2026.")
    ],
    alasan: Annotated[
        str, typer.Option("--alasan", help="Alasan pencabutan (paling sedikit 10 huruf; dicatat).")
    ],
    petugas: Annotated[str, typer.Option("--petugas", help="Nama petugas yang mencabut.")],
    home: HomeOpt = None,
) -> None:
    """Cabut surat yang terbit keliru; pencabutan dicatat (nomor, waktu, petugas, alasan).

    Sesudahnya dtks letter verify menyatakan surat itu TIDAK SAH (DICABUT) dan halaman
    pemeriksaan publik menyatakannya DICABUT. Surat yang dicabut tidak dapat dicabut lagi.

    Kode keluar: 0 dicabut, 1 ditolak (nomor tidak dikenal, sudah dicabut, alasan terlalu
    pendek), 2 salah ketik (mis. --alasan tidak diisi).

    Contoh: dtks letter revoke 400.9.2/0001/DINSOS/2026 --alasan "Diterbitkan untuk orang
    yang keliru" --petugas "Rina"
    """
    from pipelines.letters import revoke
    from pipelines.store import open_store

    h = _home(home)
    with open_store(h.store_path) as store:
        when = revoke(store, nomor, alasan, petugas)
    console.print(
        f"Surat nomor {nomor.strip()} dicabut {when:%d-%m-%Y %H:%M} oleh {petugas.strip()}."
    )


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
