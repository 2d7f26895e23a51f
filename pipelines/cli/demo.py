"""`dtks demo`: every user task, end to end, on generated data."""

from __future__ import annotations

from typing import Annotated

import typer

from pipelines.cli.analyst import export_cmd, sql_cmd
from pipelines.cli.common import (
    HomeOpt,
    _rel,
    app,
    console,
)
from pipelines.cli.officer import (
    keys_init_cmd,
    letter_cmd,
    request_fulfil_cmd,
    request_new_cmd,
    request_status_cmd,
    request_verify_cmd,
)
from pipelines.cli.supervisor import (
    close_cmd,
    finalize_cmd,
    load_dtks_cmd,
    review_apply_cmd,
    siks_ng_cmd,
    synth_cmd,
)
from pipelines.config import Home
from pipelines.errors import DtksError


@app.command("demo")
def demo_cmd(
    period: Annotated[str, typer.Option(help="Periode demo.")] = "2026-11",
    home: HomeOpt = None,
) -> None:
    """Jalankan semua tugas yang ada pada data demo, dari data mentah sampai bulan ditutup.

    Membuat data demo, memuat DTKS, finalisasi, mengisi dan menerapkan workbook telaah,
    menulis berkas SIKS-NG dan laporan, lalu menutup bulan. Hanya berjalan di folder yang
    belum ada, folder kosong, atau folder yang dibuat dtks demo sebelumnya (berpenanda
    .dtks-demo); folder lain tidak pernah disentuh.

    Contoh: dtks demo --home /tmp/dtks-demo
    """
    h = prepare_root(Home.resolve(home))
    console.rule("1. Data demo (dtks synth)")
    synth_cmd(period=period, seed=2026, scale=1, home=h.root)
    console.rule("2. Muat snapshot DTKS (dtks load-dtks)")
    from pipelines.synth import KABKOTA

    prev = sorted((h.raw / "dtks").glob(f"DTKS_{KABKOTA}_*.csv"))[-1]
    load_dtks_cmd(files=[prev], petugas="Supervisor Demo", home=h.root)
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
    letter_cmd(nik="verify", file=str(issued), kk=None, petugas=None, home=h.root)
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
    console.rule("10. Meja web (dtks serve)")
    show_desk_hint(h)


def show_desk_hint(h: Home) -> None:
    """How to open this data root in the web desk (the dtks command written as it is found)."""
    import os
    import sys
    from pathlib import Path

    exe = Path(sys.argv[0] if sys.argv and sys.argv[0] else "dtks")
    exe = exe if exe.name.startswith("dtks") else Path(sys.executable).parent / "dtks"
    try:
        cmd = str(exe.resolve().relative_to(Path.cwd()))
    except ValueError:
        cmd = str(exe)
    cmd = cmd if os.sep in cmd else "dtks"
    try:
        root = str(h.root.relative_to(Path.cwd()))
    except ValueError:
        root = str(h.root)
    console.print(
        "Buka data demo ini di meja web (peramban):\n"
        f"  1. buat akun  : {cmd} user add NAMA --peran supervisor --home {root}\n"
        f"  2. jalankan   : {cmd} serve --home {root}\n"
        "  3. buka       : http://127.0.0.1:8765 lalu masuk dengan akun tadi",
        soft_wrap=True,  # commands to copy stay on one line
    )


MARKER = ".dtks-demo"
MARKER_TEXT = (
    "Folder ini dibuat oleh 'dtks demo' dan berisi data demo saja.\n"
    "dtks demo boleh mengosongkan dan mengisinya lagi. Jangan simpan data asli di sini.\n"
)


def prepare_root(h: Home) -> Home:
    """Make a data root ready for the demo, touching only roots the demo made itself.

    A missing or empty folder gets the marker file; a folder with the marker is cleared of
    the previous demo's register and outputs; any other folder is refused, untouched.
    """
    import shutil

    root = h.root
    marker = root / MARKER
    if root.exists() and not root.is_dir():
        raise DtksError(f"{root} bukan folder. Jalankan demo di folder baru: dtks demo --home "
                        "/tmp/dtks-demo")  # fmt: skip
    if marker.is_file():
        for sub in (h.processed, h.reports):
            shutil.rmtree(sub, ignore_errors=True)
    elif root.exists() and any(root.iterdir()):
        raise DtksError(
            f"{root} tidak kosong dan bukan folder demo (tidak ada penanda {MARKER}); demo "
            "tidak mengubah apa pun di sana. Jalankan demo di folder baru atau kosong: "
            "dtks demo --home /tmp/dtks-demo"
        )
    root.mkdir(parents=True, exist_ok=True)
    marker.write_text(MARKER_TEXT, encoding="utf-8")
    h.ensure()
    return h
