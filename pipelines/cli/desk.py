"""The web desk: `dtks serve` starts it, `dtks user ...` manages its accounts."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from pipelines.cli.common import HomeOpt, _home, app, console, err
from pipelines.errors import DtksError

DEFAULT_PORT = 8765


@app.command("serve")
def serve_cmd(
    host: Annotated[
        str,
        typer.Option(
            help="Alamat dengar. Bawaan 127.0.0.1 (hanya komputer ini); alamat lain membuka "
            "meja untuk jaringan (dengan peringatan)."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = DEFAULT_PORT,
    ssl_certfile: Annotated[
        Path | None,
        typer.Option("--ssl-certfile", help="Sertifikat HTTPS (PEM).", exists=True, dir_okay=False),
    ] = None,
    ssl_keyfile: Annotated[
        Path | None,
        typer.Option(
            "--ssl-keyfile", help="Kunci sertifikat HTTPS (PEM).", exists=True, dir_okay=False
        ),
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Jalankan meja web DTKS: unggah berkas, finalisasi, telaah, tutup bulan, permintaan, surat.

    Buka alamat yang ditampilkan di peramban (Chrome, Edge, Firefox). Masuk dengan akun dari
    dtks user add. Bawaan hanya dapat dibuka dari komputer ini (127.0.0.1); dengan --host
    meja terbuka untuk jaringan: pakai HTTPS (--ssl-certfile dan --ssl-keyfile, atau proxy
    HTTPS), karena cookie sesi lalu hanya dikirim lewat HTTPS. Halaman publik /cek memeriksa
    surat keterangan dari nomor dan kodenya. Berhenti dengan Ctrl+C.

    Contoh: dtks serve --home D:\\dtks   (lalu buka http://127.0.0.1:8765)
    """
    import uvicorn

    from pipelines import users
    from pipelines.store import open_store
    from pipelines.web.app import create_app
    from pipelines.web.security import is_loopback

    h = _home(home)
    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise DtksError("Isi --ssl-certfile dan --ssl-keyfile bersama-sama.")
    local = is_loopback(host)
    if not local:
        err.print(
            f"[bold yellow]PERINGATAN:[/] meja dibuka untuk jaringan ({escape(host)}). Batasi "
            "dengan firewall ke jaringan kantor. Cookie sesi bertanda Secure: peramban hanya "
            "mengirimnya lewat HTTPS"
            + (
                "."
                if ssl_certfile
                else " (pasang --ssl-certfile dan --ssl-keyfile, atau jalankan di balik proxy "
                "HTTPS); tanpa HTTPS tidak ada yang dapat masuk."
            )
        )
    with open_store(h.store_path, read_only=True) as store:
        accounts = users.listing(store)
    if not any(u.aktif for u in accounts):
        err.print(
            "Belum ada akun meja. Buat dulu di terminal lain: "
            f'dtks user add NAMA --peran supervisor --home "{h.root}"'
        )
    scheme = "https" if ssl_certfile else "http"
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    console.print(
        f"Meja DTKS untuk {h.root}: buka {scheme}://{shown}:{port} di peramban "
        "(Ctrl+C untuk berhenti)."
    )
    access = logging.getLogger("pipelines.web.akses")
    access.setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    access.addHandler(handler)
    access.propagate = False
    uvicorn.run(
        create_app(h, secure_cookies=not local),
        host=host,
        port=port,
        log_config=None,
        access_log=False,  # ours logs the path without query strings (pipelines.web.app)
        server_header=False,
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
    )


user_app = typer.Typer(
    help="Akun meja web (dtks serve): buat, daftar, ganti kata sandi, nonaktifkan.",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")


def _password(confirm: bool = True) -> str:
    """The password: typed twice at a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        return typer.prompt("Kata sandi", hide_input=True, confirmation_prompt=confirm)
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise DtksError("Kata sandi kosong: ketik di terminal, atau kirim lewat masukan standar.")
    return line


@user_app.command("add")
def user_add_cmd(
    nama: Annotated[
        str, typer.Argument(help="Nama pengguna untuk masuk (dicatat di setiap aksi).")
    ],
    peran: Annotated[
        str,
        typer.Option(
            "--peran",
            help="supervisor, operator, petugas data, kepala bidang, kepala seksi, sekretaris, "
            "kepala dinas, analis.",
        ),
    ],
    home: HomeOpt = None,
) -> None:
    """Buat akun meja web; kata sandi (minimal 10 karakter) diketik dua kali, disimpan di-hash.

    Setiap peran hanya melihat dan mengerjakan tugasnya sendiri (README, tabel peran). Tanpa
    terminal, kata sandi dibaca dari baris pertama masukan standar.

    Contoh: dtks user add rina --peran supervisor
    """
    from pipelines import users
    from pipelines.store import open_store

    key = users.role(peran)
    h = _home(home)
    password = _password()
    with open_store(h.store_path) as store:
        user = users.add(store, nama, key, password)
    console.print(f"Akun {user.nama} ({user.jabatan}) dibuat. Masuk lewat dtks serve.")


@user_app.command("list")
def user_list_cmd(home: HomeOpt = None) -> None:
    """Daftar akun meja web: nama, peran, aktif atau tidak.

    Contoh: dtks user list
    """
    from pipelines import users
    from pipelines.store import open_store

    h = _home(home)
    with open_store(h.store_path, read_only=True) as store:
        accounts = users.listing(store)
    t = Table(title="Akun meja web")
    for col in ("nama", "peran", "aktif"):
        t.add_column(col)
    for u in accounts:
        t.add_row(u.nama, u.jabatan, "ya" if u.aktif else "tidak")
    console.print(t)


@user_app.command("password")
def user_password_cmd(
    nama: Annotated[str, typer.Argument(help="Nama pengguna.")],
    home: HomeOpt = None,
) -> None:
    """Ganti kata sandi akun (juga mengaktifkan kembali); sesi yang masih terbuka berakhir.

    Contoh: dtks user password rina
    """
    from pipelines import users
    from pipelines.store import open_store

    h = _home(home)
    password = _password()
    with open_store(h.store_path) as store:
        user = users.set_password(store, nama, password)
    console.print(f"Kata sandi {user.nama} diganti; sesi lamanya berakhir.")


@user_app.command("disable")
def user_disable_cmd(
    nama: Annotated[str, typer.Argument(help="Nama pengguna.")],
    home: HomeOpt = None,
) -> None:
    """Nonaktifkan akun (tetap tercatat di riwayat); sesinya yang terbuka berakhir seketika.

    Contoh: dtks user disable rina
    """
    from pipelines import users
    from pipelines.store import open_store

    h = _home(home)
    with open_store(h.store_path) as store:
        user = users.deactivate(store, nama)
    console.print(f"Akun {user.nama} dinonaktifkan.")
