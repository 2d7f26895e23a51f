"""Supervisor commands: demo data, DTKS snapshots, finalisation, review, SIKS-NG, closing."""

from __future__ import annotations

import json
import logging
import os
import re
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipelines.cli.common import (
    HomeOpt,
    _home,
    _new_home,
    _rel,
    app,
    console,
    ribu,
)
from pipelines.config import Home, check_period, configure_prefect
from pipelines.errors import DtksError
from pipelines.outcomes import Outcome

# DuckDB's buffer while loading a snapshot when dtks.toml sets no [duckdb] memory_limit: a
# 10-million-person load stays under 4 GB of memory (benchmarks/bench_load.py)
LOAD_MEMORY = "1GB"


@app.command("synth")
def synth_cmd(
    period: Annotated[str, typer.Argument(help="Periode usulan, TAHUN-BULAN.")] = "2026-11",
    seed: Annotated[int, typer.Option(help="Benih acak; benih sama = data sama.")] = 2026,
    scale: Annotated[int, typer.Option(min=1, help="Pengali ukuran (1 = ~6.000 KK DTKS).")] = 1,
    home: HomeOpt = None,
) -> None:
    """Buat data demo Kota Palangka Raya: snapshot DTKS dan folder prelist satu periode.

    Menulis data/raw/dtks/DTKS_6271_<bulan lalu>.csv, data/raw/PERIODE/<kelurahan>/,
    data/raw/PERIODE_truth.csv (jawaban benar tiap baris, untuk uji dan benchmark) dan dua
    versi data DTSEN keluarga (desil) di data/raw/dtsen/.

    Contoh: dtks synth 2026-11 --seed 7
    """
    from pipelines.synth import generate

    h = _new_home(home)
    g = generate(h, check_period(period), seed=seed, scale=scale)
    console.print(
        f"Snapshot DTKS : {_rel(g.snapshot, h)} ({ribu(g.persons)} orang, {ribu(g.households)} KK)"
    )
    console.print(f"Prelist       : {_rel(g.period_dir, h)} ({ribu(g.prelist_rows)} baris)")
    console.print(f"Kunci jawaban : {_rel(g.truth, h)}")
    for path in g.dtsen:
        console.print(f"Data DTSEN    : {_rel(path, h)}")


@app.command("load-dtks")
def load_dtks_cmd(
    files: Annotated[
        list[Path],
        typer.Argument(help="Berkas ekspor DTKS (CSV atau XLSX).", exists=True, dir_okay=False),
    ],
    petugas: Annotated[
        str, typer.Option("--petugas", help="Nama petugas yang memuat (dicatat di riwayat).")
    ],
    sebagian: Annotated[
        list[str] | None,
        typer.Option(
            "--sebagian",
            help="Ekspor sebagian: kode kecamatan (62.71.01) atau kelurahan (62.71.01.1001) "
            "yang dicakup, dipisah koma atau diulang. Hanya orang di wilayah itu yang ditutup.",
        ),
    ] = None,
    perubahan_besar: Annotated[
        bool,
        typer.Option(
            "--perubahan-besar",
            help="Muat walau banyak orang keluar dari register atau ada kelurahan yang hilang "
            "(perubahan yang memang benar).",
        ),
    ] = False,
    home: HomeOpt = None,
) -> None:
    """Muat snapshot ekspor DTKS ke basis data (data/processed/dtks.duckdb).

    Beberapa berkas sekaligus dianggap satu snapshot. Berkas dibaca bertahap, sehingga
    snapshot jutaan orang pun muat di memori. Snapshot ditolak seluruhnya (tidak ada yang
    dimuat) bila rusak: kolom wajib atau kolom yang terisi di register tidak ada, ID DTKS
    kosong atau ganda, tanggal lahir/jenis kelamin/kode wilayah tidak terbaca, kolom NIK
    atau NO KK sebagian besar rusak (notasi ilmiah, dipotong Excel, kosong).

    Pemuatan yang hanya mencakup sebagian wilayah Dinas, atau yang menutup lebih dari 5%
    orang di register (dtks.toml [snapshot] batas_tutup_persen), ditolak dengan angkanya,
    kecuali disebut jelas: --sebagian WILAYAH untuk ekspor sebagian, atau --perubahan-besar.
    Memuat lagi berkas snapshot lama memulihkan register ke isi snapshot itu; berkas yang
    sama dengan register saat ini tidak mengubah apa pun. Setiap pemuatan dicatat (siapa,
    kapan, apa yang berubah) di tabel dtks_snapshot.

    Contoh: dtks load-dtks data/raw/dtks/DTKS_6271_2026-10.csv --petugas "Rina"
    """
    from pipelines.ingest.snapshot import load
    from pipelines.store import open_store
    from pipelines.wilayah import dotted

    h = _new_home(home)
    conf = h.config
    t0 = time.perf_counter()
    with open_store(h.store_path, memory_limit=h.memory_limit or LOAD_MEMORY) as store:
        res = load(
            store,
            [f.resolve() for f in files],
            petugas=petugas,
            area=sebagian or None,
            large_change=perubahan_besar,
            max_close_share=conf.snapshot.batas_tutup_persen / 100,
            max_damage_share=conf.snapshot.batas_rusak_persen / 100,
            kabkota=conf.dinas.kode_kabkota,
        )
    where = (
        f"{ribu(len(res.kelurahan))} kelurahan di {ribu(len(res.kecamatan))} kecamatan "
        f"(kab/kota {', '.join(dotted(k) for k in res.kabkota)})"
    )
    if res.already_current:
        console.print(
            f"Snapshot ini ({ribu(res.persons)} orang, {where}) sama dengan register saat ini; "
            f"tidak ada perubahan. Register: {ribu(res.persons_before)} orang."
        )
        return
    scope = (
        f"ekspor sebagian: {', '.join(dotted(a) for a in res.area)}"
        if res.scope == "sebagian"
        else "ekspor seluruh wilayah"
    )
    console.print(
        f"Snapshot #{res.snapshot_id} dimuat oleh {petugas} ({scope}): {ribu(res.persons)} "
        f"orang dalam {ribu(res.households)} KK, {where}, dalam "
        f"{time.perf_counter() - t0:.1f} detik."
    )
    console.print(
        f"Register sebelum: {ribu(res.persons_before)} orang; sesudah: "
        f"{ribu(res.persons_after)} orang ({ribu(res.added)} masuk, {ribu(res.removed)} keluar, "
        f"{ribu(res.changed)} berubah data)."
    )
    if res.same_as:
        console.print(
            f"Isi snapshot ini sama dengan snapshot #{res.same_as}: register dipulihkan ke isi itu."
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
    siks-ng/<kode>_<periode>_perbaikan.xlsx (dan .csv), telaah_PERIODE.xlsx, penolakan/, dan
    laporan reports/PERIODE/ (DRAF selama ada baris belum diputus). Keputusan supervisor yang
    sudah ada tetap berlaku untuk orang dan data yang sama; keputusan untuk baris yang berubah
    atau hilang gugur dan dilaporkan. Periode yang sudah ditutup ditolak. Hanya satu
    finalisasi per folder data: yang kedua berhenti seketika.

    Tanpa PREFECT_API_URL, tahap-tahapnya dijalankan langsung, tanpa Prefect. Bila
    PREFECT_API_URL menunjuk server Prefect (dtks serve), finalisasi berjalan sebagai flow
    Prefect finalisasi-bulanan yang tercatat di server itu.

    Di akhir, setiap folder yang dilewati, berkas yang tidak terbaca dan masalah berkas
    ditampilkan dengan jumlahnya (juga di masalah_berkas.csv). Berkas di atas batas
    dtks.toml [batas_berkas] ditolak sebelum dibaca; berkas yang membuat pembaca Excel
    berhenti paksa dilewati dan finalisasi diulang tanpa berkas itu.

    Contoh: dtks finalize 2026-11
    """
    check_period(period)
    h = _home(home)
    from pipelines import runlock
    from pipelines.ingest import guard

    # the run lock first: a second finalize stops here, before any kelurahan is read; a
    # closed month is refused by stages.finalise, before any kelurahan is read either
    with runlock.finalisation(h):
        if os.environ.get(guard.GUARDED_ENV) != "1":
            # the first line within a second: nothing heavy is imported before it
            console.print(f"Finalisasi periode {period} (folder data: {h.root}) ...")
            # the run goes to a child process, which inherits this lock: a reader that
            # crashes ends one file only
            rc = guard.run(["finalize", period, "--home", str(h.root)], h, console.print)
        else:
            rc = None
            guard.die_with_parent()
            t0 = time.perf_counter()
            result = _run_finalize(h, period)
    if rc is not None:
        if rc < 0:
            raise DtksError(
                f"Finalisasi berhenti mendadak (sinyal {-rc}), mungkin karena memori habis. "
                "Hasil periode sebelumnya tidak berubah. Jalankan lagi; bila berulang, "
                "laporkan ke pengembang."
            )
        if rc:
            raise typer.Exit(rc)
        return  # the child printed everything (dtks demo goes on from here)
    _print_problems(result.problems, result.out_dir, h)
    _print_ingest_notes(result)
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
    _print_report(result, h)
    c = result.carry
    if c is not None and (c.carried or c.n_dropped):
        why = "; ".join(f"{k}: {v}" for k, v in sorted(c.dropped.items()))
        console.print(
            f"Keputusan supervisor: {c.carried} tetap berlaku (orang dan data sama), "
            f"{c.n_dropped} gugur"
            + (
                f" ({why}); lihat kolom STATUS KEPUTUSAN dan sheet KEPUTUSAN GUGUR di "
                f"{_rel(result.review, h)}"
                if c.n_dropped
                else ""
            )
            + "."
        )


def _print_report(result, h: Home) -> None:
    ba = result.ba
    state = (
        "final"
        if ba is not None and ba.final
        else f"DRAF, {ba.undecided if ba else '?'} baris belum diputus"
    )
    console.print(f"Laporan         : {_rel(result.report_pdf, h)} (berita acara {state})")


def _print_ingest_notes(result, limit: int = 20) -> None:
    """Columns recognised by their values (or otherwise worth a look) and scanned berita
    acara, file by file; summary.xlsx has the whole mapping (sheet Pemetaan Kolom)."""
    m = getattr(result, "mappings", None)
    if m is not None and len(m):
        check = m[m["periksa"] == "ya"]
        files = list(check.groupby(["source_file", "source_sheet"], sort=False))
        if files:
            console.print(
                f"Pemetaan kolom yang perlu diperiksa ({len(files)} berkas; seluruhnya di "
                "summary.xlsx sheet Pemetaan Kolom):"
            )
        for (file, sheet), rows in files[:limit]:
            parts = [
                f"{r.kolom} '{str(r.judul)[:40]}' -> {r.dibaca_sebagai}"
                + (f" ({r.catatan})" if r.catatan else "")
                for r in rows.itertuples()
            ]
            console.print(f"  {file}" + (f" [{sheet}]" if sheet else "") + ": " + "; ".join(parts))
        if len(files) > limit:
            console.print(f"  ... dan {len(files) - limit} berkas lain.")
    ev = getattr(result, "evidence", None)
    if ev is not None and len(ev):
        held = ev.loc[ev["status"].str.startswith("ditahan"), "kode_wilayah"].nunique()
        console.print(
            f"Berita acara pindaian disimpan sebagai bukti: {len(ev)} berkas "
            f"(bukti_berita_acara.csv, dengan SHA-256)"
            + (
                f"; {held} kelurahan ditahan menunggu daftar keputusan "
                "(dtks template berita-acara)."
                if held
                else "."
            )
        )


class _Progress(logging.Handler):
    """Shows pipelines.progress records: a bar in a terminal, plain lines otherwise."""

    def __init__(self, total: int) -> None:
        super().__init__(logging.INFO)
        self.total, self.done, self.bar = total, 0, None
        # DTKS_PROGRESS=json: one JSON line per step (stage code and counts) for the web desk
        self.json = os.environ.get("DTKS_PROGRESS") == "json"
        if self.json:
            self._json("mulai")
        elif console.is_terminal:
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

    def _json(self, stage: str, rows: int = 0) -> None:
        line = {"tahap": stage, "selesai": self.done, "total": self.total, "baris": rows}
        print(json.dumps(line), flush=True)  # noqa: T201 - the desk reads these lines

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        reading = msg.startswith("kelurahan ")
        self.done += reading
        if self.json:
            rows = next((int(w) for w in msg.split() if w.isdigit()), 0)
            stage = "membaca" if reading else "validasi" if "validasi" in msg else "menulis"
            self._json(stage, 0 if reading else rows)
        elif self.bar is not None:
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
    """The month's stages (pipelines.stages): as a Prefect flow when a Prefect server is
    configured (PREFECT_API_URL), else directly, without starting Prefect (README)."""
    from pipelines.ingest.discover import kelurahan_folders

    folders, _ = kelurahan_folders(h.period_raw(period))
    handler = _Progress(len(folders))
    logger = logging.getLogger("pipelines.progress")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        if os.environ.get("PREFECT_API_URL"):
            console.print("Dijalankan sebagai flow Prefect (server di PREFECT_API_URL).")
            configure_prefect(h)
            from pipelines.flows import finalize_flow

            return finalize_flow(period=period, home=str(h.root))
        from pipelines import stages

        return stages.finalise(h, period).published
    finally:
        logger.removeHandler(handler)
        handler.close()


_KINDS = {
    "dilewati": "Folder/berkas dilewati",
    "tak_terbaca": "Berkas tidak dapat dibaca",
    "masalah": "Masalah lain tingkat berkas",
}


def _print_problems(problems, out_dir: Path, h: Home) -> None:
    """Every skipped folder, unreadable file and file-level problem, grouped, with counts."""
    if problems is None or problems.empty:
        console.print("Masalah berkas: tidak ada; semua folder dan berkas terbaca.")
        return
    kinds = problems["jenis"].fillna("masalah") if "jenis" in problems else None
    counts = {k: int((kinds == k).sum()) for k in _KINDS} if kinds is not None else {}
    summary = ", ".join(f"{n} {_KINDS[k].lower()}" for k, n in counts.items() if n)
    console.print(
        f"Masalah berkas: {len(problems)} ({summary}); juga tercatat di "
        f"{_rel(out_dir / 'masalah_berkas.csv', h)} dan summary.xlsx.",
        markup=False,
        soft_wrap=True,
    )
    for kind, label in _KINDS.items():
        mine = problems[kinds == kind] if kinds is not None else problems
        if mine.empty:
            continue
        console.print(f"  {label} ({len(mine)}):", markup=False, soft_wrap=True)
        for r in mine.itertuples():
            where = r.source_file or r.folder or "(folder periode)"
            if r.source_sheet:
                where += f", sheet '{r.source_sheet}'"
            console.print(f"    - {_safe(where)}: {_safe(r.masalah)}", markup=False, soft_wrap=True)
        if kinds is None:
            break


def _safe(text) -> str:
    """A line for the screen: printable, and never a long run of digits (a NIK or KK)."""
    from pipelines.sanitize import clean

    return re.sub(r"\d{15,}", "…", clean(str(text)))


def _print_counts(counts) -> None:
    from pipelines.outcomes import OUTCOMES
    from pipelines.wilayah import dotted

    t = Table(title="Hasil per kelurahan", show_footer=True, box=None, pad_edge=False)
    t.add_column("Kode", footer="", no_wrap=True)
    t.add_column("Kelurahan", footer="JUMLAH", no_wrap=True, max_width=22)
    for o in OUTCOMES:
        t.add_column(o.short, justify="right", footer=str(int(counts[o].sum())), no_wrap=True)
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
    barisnya. Setiap keputusan dicatat (siapa, kapan, apa) untuk orang dan data baris itu
    (kolom KUNCI), bukan untuk nomor barisnya. Menerapkan berkas yang sama dua kali tidak
    mengubah apa pun. Semua keluaran bulan itu (outcomes.parquet, summary.xlsx, penolakan/,
    berkas SIKS-NG, laporan) ditulis ulang dari hasil akhir. Periode yang sudah ditutup
    ditolak.

    Contoh: dtks review apply 2026-11 data/processed/2026-11/telaah_2026-11.xlsx --petugas "Rina"
    """
    from pipelines import review
    from pipelines.store import open_store

    check_period(period)
    h = _home(home)
    with open_store(h.store_path) as store:
        res = review.apply(store, period, file, petugas, home=h)
    console.print(
        f"{res.applied} keputusan diterapkan, {res.unchanged} sudah tercatat sebelumnya, "
        f"{res.undecided} baris masih menunggu keputusan."
    )
    console.print(
        f"Keluaran periode {period} ditulis ulang dari hasil akhir: "
        f"{_rel(h.period_out(period), h)} dan {_rel(h.reports / period, h)}"
        + (" (berita acara DRAF)." if res.undecided else " (berita acara final).")
    )
    console.print(f"Lanjutkan dengan: dtks close {period} --petugas NAMA")


@app.command("siks-ng")
def siks_ng_cmd(
    period: Annotated[str, typer.Argument(help="Periode, TAHUN-BULAN.")],
    home: HomeOpt = None,
) -> None:
    """Tulis ulang berkas impor SIKS-NG dari hasil akhir (setelah telaah) dan laporan finalisasi.

    Berkas SIKS-NG per kelurahan (usulan baru, perbaikan; xlsx dan csv) di
    data/processed/PERIODE/siks-ng/, jumlah barisnya sama dengan jumlah hasil; laporan
    reports/PERIODE/laporan_finalisasi_PERIODE.xlsx dan .pdf (rekap per kecamatan dan
    kelurahan, grafik, Berita Acara Finalisasi dengan SHA-256 setiap berkas impor). Selama
    masih ada baris belum diputus, berita acara bertanda DRAF. Data yang sama menghasilkan
    berkas yang sama persis (SHA-256 sama). Periode yang sudah ditutup ditolak.

    Contoh: dtks siks-ng 2026-11
    """
    from pipelines.export.final import export
    from pipelines.store import open_store

    check_period(period)
    h = _home(home)
    with open_store(h.store_path) as store:
        res = export(store, h, period)
    console.print(
        f"Berkas SIKS-NG : {_rel(res.import_dir, h)} ("
        + ", ".join(
            f"{n} {Outcome(k).label.lower()}"  # type: ignore[call-arg]  # lookup by value
            for k, n in res.counts.items()
        )
        + f"; {len(res.files)} berkas)"
    )
    state = (
        "final"
        if res.ba is not None and res.ba.final
        else f"DRAF, {res.ba.undecided if res.ba else '?'} baris belum diputus"
    )
    console.print(f"Laporan        : {_rel(res.report_pdf, h)} (berita acara {state})")
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
    --force --alasan (berita acara lalu menyatakan penutupan paksa dan alasannya). Satu
    transaksi; menutup dua kali tidak mengubah apa pun. Sesudah ditutup, tidak ada perintah
    yang mengubah hasil atau berkas bulan itu (kecuali dibuka kembali: dtks reopen). Register
    per bulan: SELECT * FROM register_as_of('2026-11').

    Contoh: dtks close 2026-11 --petugas "Rina"
    """
    from pipelines.close import close
    from pipelines.store import open_store

    check_period(period)
    h = _home(home)
    with open_store(h.store_path) as store:
        res = close(store, period, petugas, force, alasan, home=h)
    if res.already:
        console.print(f"Periode {period} sudah ditutup sebelumnya; tidak ada perubahan.")
        return
    console.print(
        f"Periode {period} ditutup: {res.proposals} usulan baru dan {res.corrections} "
        "perbaikan dicatat di basis data"
        + (f"; {res.undecided} baris belum diputus (ditutup paksa)." if res.undecided else ".")
    )


@app.command("reopen")
def reopen_cmd(
    period: Annotated[str, typer.Argument(help="Periode yang sudah ditutup, TAHUN-BULAN.")],
    alasan: Annotated[str, typer.Option("--alasan", help="Alasan tertulis membuka kembali.")],
    petugas: Annotated[str, typer.Option("--petugas", help="Nama yang membuka kembali.")],
    home: HomeOpt = None,
) -> None:
    """Buka kembali bulan yang sudah ditutup: tindakan tercatat (siapa, kapan, alasan).

    Hanya bulan yang terakhir ditutup. Penutupan yang dibatalkan dan perubahan register yang
    dicatatnya disimpan (period_reopen, register_change_withdrawn); riwayatnya di view
    period_history. Sesudahnya finalisasi, telaah dan penutupan dapat dijalankan lagi.

    Contoh: dtks reopen 2026-11 --alasan "Kelurahan Pahandut mengirim koreksi resmi" --petugas "Rina"
    """
    from pipelines.close import reopen
    from pipelines.store import open_store

    check_period(period)
    h = _home(home)
    with open_store(h.store_path) as store:
        res = reopen(store, period, petugas, alasan)
    console.print(
        f"Periode {period} dibuka kembali (penutupan {res.closed_at:%d-%m-%Y %H:%M} dibatalkan, "
        f"{res.withdrawn} perubahan register ditarik; tercatat di period_history)."
    )
