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
from pipelines.cli.dtsen import desil_berubah_cmd, load_dtsen_cmd
from pipelines.cli.officer import (
    keys_init_cmd,
    letter_issue_cmd,
    letter_verify_cmd,
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

    Membuat data demo, memuat DTKS dan dua versi data DTSEN (desil) dengan daftar perubahan
    desilnya, finalisasi (dengan usulan nonaktif dari musyawarah, usulan lengkap berlampiran,
    dan usul/sanggah langsung), mengisi dan menerapkan workbook telaah, menulis berkas
    SIKS-NG dan laporan, menutup bulan, memfinalisasi bulan berikutnya (usulan yang menunggu
    Kemensos), dan menerbitkan surat dengan istilah DTSEN. Hanya berjalan di folder yang
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
    console.rule("3. Data DTSEN: desil keluarga (dtks load-dtsen, dtks desil-berubah)")
    from pipelines.dates import BULAN
    from pipelines.synth.dtsen import version_dates

    files = sorted((h.raw / "dtsen").glob(f"DTSEN_{KABKOTA}_*"))
    for path, day in zip(files, version_dates(period), strict=True):
        load_dtsen_cmd(
            files=[path],
            petugas="Supervisor Demo",
            tanggal=day.isoformat(),
            rilis=f"{BULAN[day.month - 1]} {day.year}",
            perubahan_besar=False,
            home=h.root,
        )
    desil_berubah_cmd(dari=None, ke=None, home=h.root)
    console.rule("4. Finalisasi bulanan (dtks finalize)")
    finalize_cmd(period=period, home=h.root)
    _dtsen_era(h, period)
    console.rule("5. Telaah supervisor (dtks review apply)")
    from pipelines.synth.decide import fill_review

    filled = fill_review(h.period_out(period) / f"telaah_{period}.xlsx")
    console.print(f"Keputusan demo ditulis ke {_rel(filled, h)}")
    review_apply_cmd(period=period, file=filled, petugas="Supervisor Demo", home=h.root)
    console.rule("6. Berkas SIKS-NG dan laporan (dtks siks-ng)")
    siks_ng_cmd(period=period, home=h.root)
    console.rule("7. Tutup bulan (dtks close)")
    close_cmd(period=period, petugas="Supervisor Demo", force=False, alasan=None, home=h.root)
    _next_month(h, period)
    console.rule("8. Surat Keterangan Terdaftar DTKS (dtks keys init, dtks letter issue/verify)")
    from pipelines import signing
    from pipelines.store import open_store

    if not signing.key_paths(h).key.exists():
        keys_init_cmd(nama=None, force=False, home=h.root)
    with open_store(h.store_path, read_only=True) as store:
        nik, kk = store.one(
            "SELECT nik, no_kk FROM dtks_current WHERE hubungan_keluarga = "
            "'KEPALA KELUARGA' ORDER BY id_dtks LIMIT 1"
        )
    letter_issue_cmd(nik=nik, kk=kk, petugas="Petugas Demo", home=h.root)
    issued = sorted((h.reports / "surat").glob("*/SKT_*.pdf"))[-1]
    letter_verify_cmd(file=issued, home=h.root)
    letter_issue_cmd(
        nik="6271011508999999",
        kk="6271010101999999",
        petugas="Petugas Demo",
        home=h.root,
    )
    console.rule("9. Permintaan data penelitian (dtks request)")
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
    console.rule("10. Analisis (dtks sql, dtks export)")
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
    console.rule("11. Istilah DTSEN (dtks.toml \\[dinas] istilah)")
    (h.root / "dtks.toml").write_text('[dinas]\nistilah = "DTSEN"\n', encoding="utf-8")
    console.print(
        'dtks.toml: \\[dinas] istilah = "DTSEN"; laporan, surat dan pesan memakai istilah DTSEN:'
    )
    letter_issue_cmd(nik=nik, kk=kk, petugas="Petugas Demo", home=h.root)


def _dtsen_era(h: Home, period: str) -> None:
    """What the DTSEN era added to the month, as the store holds it (no personal data)."""
    from pipelines.store import open_store

    with open_store(h.store_path, read_only=True) as store:
        off = store.df(
            "SELECT alasan_nonaktif, count(*) AS n FROM prelist_final WHERE period = ? "
            "AND outcome = 'usulan_nonaktif' GROUP BY ALL ORDER BY 1",
            [period],
        )
        direct = store.df(
            "SELECT jenis_usul, kanal, outcome, count(*) AS n FROM prelist_final "
            "WHERE period = ? AND kanal IS NOT NULL GROUP BY ALL ORDER BY ALL",
            [period],
        )
        full = store.one(
            "SELECT count(*) FILTER (jenis_disabilitas IS NOT NULL), "
            "count(*) FILTER (usul_pkh IS NOT NULL), count(*) FILTER (lampiran LIKE '%KTP:%') "
            "FROM prelist_final WHERE period = ? AND outcome = 'usulan_baru'",
            [period],
        )
    said = ", ".join(f"{r.alasan_nonaktif} {r.n}" for r in off.itertuples())
    console.print(f"Usulan nonaktif dari musyawarah/verifikasi: {said or '-'}")
    for r in direct.itertuples():
        console.print(
            f"Usul/sanggah langsung: {r.jenis_usul} lewat {r.kanal} -> {r.outcome}: {r.n}"
        )
    console.print(
        f"Usulan lengkap: {full[0]} baris dengan jenis disabilitas, {full[1]} dengan program "
        f"usulan, {full[2]} dengan lampiran KTP (SHA-256); lihat kolom LAMPIRAN di "
        f"data/processed/{period}/siks-ng/"
    )


def _next_month(h: Home, period: str) -> None:
    """One kelurahan sends last month's prelist again: those proposals wait at Kemensos."""
    import shutil

    from pipelines.store import open_store

    year, month = (int(x) for x in period.split("-"))
    nxt = f"{year + month // 12:04d}-{month % 12 + 1:02d}"
    console.rule(f"7b. Bulan berikutnya {nxt}: usulan yang menunggu Kemensos (dtks finalize)")
    first = sorted(p for p in h.period_raw(period).iterdir() if p.is_dir())[0]
    shutil.copytree(first, h.period_raw(nxt) / first.name, dirs_exist_ok=True)
    finalize_cmd(period=nxt, home=h.root)
    with open_store(h.store_path, read_only=True) as store:
        waiting = store.one(
            "SELECT count(*) FROM prelist_final WHERE period = ? "
            "AND reasons LIKE '%menunggu penetapan Kemensos%'",
            [nxt],
        )[0]
    console.print(
        f"{waiting} baris sudah diusulkan pada {period} dan menunggu Kemensos: tidak diusulkan "
        "lagi (\\[usulan] usul_ulang_bulan)."
    )


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
