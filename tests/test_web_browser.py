"""The web desk in a real browser (headless Chromium): the journeys of issue 18.

A real `dtks serve` on loopback over a tiny data root; Playwright drives Debian's chromium
(never a downloaded browser). Each page visited is saved as a 1366x768 screenshot in
test-screenshots/ (git-ignored; DTKS_SCREENSHOTS moves it). Skip this tier locally with
`pytest -m "not browser"`; `make test` and CI run it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from web_world import PASSWORD, PERIOD, build_desk_world

from pipelines.store import open_store

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(os.environ.get("DTKS_SCREENSHOTS", ROOT / "test-screenshots"))
VIEW = {"width": 1366, "height": 768}


def _chromium() -> Path:
    """Debian's chromium; installed when missing and running as root, else the tier skips."""
    if CHROMIUM.exists():
        return CHROMIUM
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            env=env,
            capture_output=True,
            timeout=900,
        )
        if CHROMIUM.exists():
            return CHROMIUM
    pytest.skip(
        "Debian's chromium is not installed (/usr/bin/chromium) and cannot be installed here "
        "(not root, or no apt-get): apt-get install chromium"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """A running desk: (base URL, DeskWorld)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    dw = build_desk_world(tmp_path_factory.mktemp("meja") / "root", base)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DTKS_"))}
    log = (tmp_path_factory.getbasetemp() / "meja.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "serve", "--port", str(port), "--home",
         str(dw.home.root)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/sehat", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("dtks serve did not start") from None
                time.sleep(0.3)
        yield base, dw
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(path), args=["--no-sandbox"])
        yield b
        b.close()


class Visit:
    """One person's browser: logs in, remembers every URL it asked for, saves screenshots."""

    def __init__(self, browser, base: str, name: str | None = None) -> None:
        self.base = base
        self.ctx = browser.new_context(viewport=VIEW, locale="id-ID", accept_downloads=True)
        self.page = self.ctx.new_page()
        self.page.set_default_timeout(20_000)
        self.urls: list[str] = []
        self.page.on("request", lambda req: self.urls.append(req.url))
        if name:
            self.login(name)

    def login(self, name: str, password: str = PASSWORD) -> None:
        self.page.goto(self.base + "/masuk")
        self.page.fill("input[name=nama]", name)
        self.page.fill("input[name=sandi]", password)
        self.page.click("button:has-text('Masuk')")
        self.page.wait_for_load_state()

    def shot(self, name: str, full: bool = False) -> None:
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)

    def close(self) -> None:
        self.ctx.close()


def _niks(dw) -> set[str]:
    with open_store(dw.home.store_path, read_only=True) as store:
        return {r[0] for r in store.execute("SELECT nik FROM dtks_current").fetchall() if r[0]}


def test_login_lands_each_role_on_its_own_work(desk, browser):
    base, dw = desk
    v = Visit(browser, base)
    v.page.goto(base + "/periode")  # anonymous: sent to the login page
    assert "/masuk" in v.page.url
    v.shot("01_masuk")
    v.login("oki", "salah-sandi-sekali")
    assert "salah" in v.page.inner_text("main")
    v.login("oki")
    assert v.page.url.endswith("/periode")
    v.shot("02_periode_daftar")
    assert v.page.locator("nav a", has_text="Surat").count() == 0  # not an operator's work
    v.page.goto(base + "/surat")
    assert "Bukan untuk peran Anda" in v.page.inner_text("main")
    v.shot("03_bukan_peran")
    v.close()
    k = Visit(browser, base, "hartono")
    assert k.page.url.endswith("/permintaan")
    k.page.goto(base + "/periode")
    assert "Bukan untuk peran Anda" in k.page.inner_text("main")
    k.close()


def test_upload_finalise_decide_two_rows_and_close_the_month(desk, browser):
    base, dw = desk
    op = Visit(browser, base, "oki")
    op.page.goto(f"{base}/periode/{PERIOD}")
    kode = dw.held_back
    row = op.page.locator(f"tr[data-kode='{kode}']")
    assert "belum ada" in row.inner_text()
    op.page.select_option("select[name=kode]", kode)
    op.page.set_input_files(
        "input[name=berkas]",
        [{"name": n, "mimeType": "text/csv", "buffer": data} for n, data in dw.held_files.items()],
    )
    op.shot("05_periode_sebelum_unggah", full=True)
    op.page.click("button:has-text('Unggah')")
    assert "2 berkas diterima" in op.page.inner_text("main")
    assert "belum ada" not in op.page.locator(f"tr[data-kode='{kode}']").inner_text()
    folder = next(dw.home.period_raw(PERIOD).glob(f"{kode[:2]}.{kode[2:4]}.*"))
    assert sorted(p.name for p in folder.iterdir()) == sorted(dw.held_files)

    op.page.click("button:has-text('Jalankan finalisasi')")
    op.page.wait_for_selector("#kemajuan, #hasil-finalisasi")
    if op.page.locator("#kemajuan").count():
        op.shot("06_finalisasi_berjalan")
    op.page.wait_for_selector("#hasil-finalisasi", timeout=240_000)
    result = op.page.inner_text("#hasil-finalisasi")
    assert "Finalisasi selesai" in result, result
    progress = op.ctx.request.get(f"{base}/periode/{PERIOD}/kemajuan").json()
    assert (progress["status"], progress["selesai"], progress["total"]) == ("selesai", 2, 2)
    assert progress["baris"] > 0  # the run's own progress lines reached the desk
    op.shot("07_periode_hasil", full=True)
    with op.page.expect_download() as dl:
        op.page.locator("#unduhan a", has_text="_usulan_baru.xlsx").first.click()
    assert dl.value.suggested_filename.endswith("_usulan_baru.xlsx")
    assert Path(dl.value.path()).read_bytes()[:2] == b"PK"
    op.close()

    sup = Visit(browser, base, "rina")
    sup.page.goto(f"{base}/periode/{PERIOD}/telaah")
    assert sup.page.locator("select[name^=keputusan_]").count() >= 2
    sup.shot("08_telaah", full=True)
    sup.page.select_option("select[name=keputusan_0]", "SAMA")
    sup.page.select_option("select[name=keputusan_1]", "TOLAK")
    sup.page.fill("input[name=alasan_1]", "Bukan warga kelurahan ini menurut kunjungan rumah")
    sup.page.click("button:has-text('Simpan keputusan')")
    assert "2 keputusan diterapkan" in sup.page.inner_text("main")
    sup.shot("09_telaah_tersimpan", full=True)
    with open_store(dw.home.store_path, read_only=True) as store:
        recorded = store.execute(
            "SELECT keputusan, petugas, source_file FROM review_decision ORDER BY keputusan"
        ).fetchall()
    assert recorded == [("SAMA", "rina", "meja web"), ("TOLAK", "rina", "meja web")]

    sup.page.goto(f"{base}/periode/{PERIOD}")
    sup.page.click("button:has-text('Tutup bulan')")
    refused = sup.page.inner_text("main")
    assert "belum dapat ditutup" in refused and "perlu keputusan supervisor" in refused
    sup.page.check("input[name=paksa]")
    sup.page.fill("input[name=alasan]", "Batas kirim SIKS-NG hari ini; sisa diputus bulan depan")
    sup.page.click("button:has-text('Tutup bulan')")
    assert "ditutup" in sup.page.inner_text("main")
    sup.shot("10_periode_ditutup", full=True)
    with open_store(dw.home.store_path, read_only=True) as store:
        closed = store.one("SELECT petugas, forced FROM period_close WHERE period = ?", [PERIOD])
        acts = {r[0] for r in store.execute("SELECT aksi FROM desk_action").fetchall()}
    assert closed == ("rina", True)
    assert {"unggah", "finalisasi", "telaah", "tutup"} <= acts
    niks = _niks(dw)
    for url in op.urls + sup.urls:
        assert not any(n in url for n in niks), "a NIK travelled in a URL"
    sup.close()


def test_issue_a_letter_and_check_it_on_the_public_page(desk, browser):
    from pypdf import PdfReader

    base, dw = desk
    nik, kk = dw.person
    off = Visit(browser, base, "dewi")
    assert off.page.url.endswith("/surat")
    off.page.fill("input[name=nik]", nik)
    off.page.fill("input[name=kk]", kk)
    off.page.click("button:has-text('Periksa dan terbitkan')")
    assert "TERDAFTAR" in off.page.inner_text("#hasil-surat")
    nomor = off.page.inner_text("#nomor-surat").strip()
    kode = off.page.inner_text("#kode-surat").strip()
    off.shot("11_surat_terbit", full=True)
    href = off.page.get_attribute("#hasil-surat a", "href")
    pdf = off.ctx.request.get(base + href)
    assert pdf.ok and pdf.body()[:4] == b"%PDF"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "dtks letter verify" not in text
    assert f"{base}/cek" in text and kode in text

    reader = Visit(browser, base)  # a school or BPJS office: no account
    reader.page.goto(f"{base}/cek?" + urllib.parse.urlencode({"nomor": nomor, "kode": kode}))
    verdict = reader.page.inner_text("#hasil")
    assert "SAH" in verdict and nomor in verdict
    assert nik not in reader.page.content()
    assert re.search(r"[A-Z]\*+", verdict), "the name is shown masked"
    reader.shot("12_cek_sah")

    off.page.goto(base + "/surat")
    off.page.locator("#daftar-surat tr", has_text=nomor).locator("summary").click()
    row = off.page.locator("#daftar-surat tr", has_text=nomor)
    row.locator("input[name=alasan]").fill("Diterbitkan untuk pemohon yang keliru")
    row.locator("button:has-text('Cabut surat')").click()
    assert "dicabut" in off.page.inner_text("main")
    off.shot("13_surat_daftar", full=True)
    reader.page.reload()
    assert "DICABUT" in reader.page.inner_text("#hasil")
    reader.page.goto(f"{base}/cek?nomor={urllib.parse.quote(nomor)}&kode=AAAAAAAAAA")
    assert "TIDAK DIKENAL" in reader.page.inner_text("#hasil")
    reader.shot("14_cek_tidak_dikenal")
    for url in off.urls + reader.urls:
        assert nik not in url and kk not in url
    off.close()
    reader.close()


def test_a_data_request_goes_through_the_approval_chain(desk, browser):
    base, dw = desk
    off = Visit(browser, base, "dewi")
    off.page.goto(base + "/permintaan/baru")
    off.page.fill("input[name=pemohon]", "Ani Lestari")
    off.page.fill("input[name=identitas]", "6271014101990001")
    off.page.fill("input[name=instansi]", "Universitas Palangka Raya")
    off.page.fill("textarea[name=tujuan]", "Skripsi: sebaran bantuan sosial per kelurahan")
    off.page.select_option("select[name=jenis_data]", "keluarga_per_kelurahan_program")
    off.shot("15_permintaan_baru")
    off.page.click("button:has-text('Catat permintaan')")
    nomor = re.search(r"REQ-\d{4}-\d{4}", off.page.inner_text("h1")).group(0)
    off.shot("16_permintaan_diajukan", full=True)
    for name, role in [("sekar", "Sekretaris"), ("hartono", "Kepala Dinas"),
                       ("bagus", "Kepala Bidang"), ("sinta", "Kepala Seksi")]:  # fmt: skip
        v = Visit(browser, base, name)
        v.page.goto(f"{base}/permintaan/{nomor}")
        v.page.click(f"button:has-text('Telaah sebagai {role}')")
        assert f"ditelaah oleh {role} {name}" in v.page.inner_text("main")
        if name == "bagus":  # a Kepala Bidang cannot approve: no button, and the role says so
            assert v.page.locator("button:has-text('Setujui')").count() == 0
        v.close()
    kadis = Visit(browser, base, "hartono")
    kadis.page.goto(f"{base}/permintaan/{nomor}")
    kadis.page.click("button:has-text('Setujui')")
    assert "disetujui" in kadis.page.inner_text("#status-permintaan")
    assert "Tidak ada langkah untuk peran Anda" in kadis.page.inner_text("#tanpa-langkah")
    kadis.shot("17_permintaan_disetujui", full=True)
    kadis.close()
    off.page.goto(f"{base}/permintaan/{nomor}")
    off.page.click("button:has-text('Siapkan dan serahkan paket')")
    assert "diserahkan" in off.page.inner_text("#status-permintaan")
    with off.page.expect_download() as dl:
        off.page.click(f"a:has-text('Unduh paket {nomor}.zip')")
    assert dl.value.suggested_filename == f"{nomor}.zip"
    off.shot("18_permintaan_diserahkan", full=True)
    history = off.page.inner_text("#riwayat")
    for who in ["Sekretaris", "Kepala Dinas", "Kepala Bidang", "Kepala Seksi", "Petugas Data"]:
        assert who in history
    off.page.goto(base + "/permintaan")
    off.shot("19_permintaan_daftar")
    off.close()


def test_the_kepala_dinas_reads_the_status_page(desk, browser):
    base, dw = desk
    off = Visit(browser, base, "dewi")  # a request still open: the status page lists it
    off.page.goto(base + "/permintaan/baru")
    off.page.fill("input[name=pemohon]", "Budi Santoso")
    off.page.fill("input[name=identitas]", "6271010101800002")
    off.page.fill("input[name=instansi]", "Bappeda Kota Palangka Raya")
    off.page.fill("textarea[name=tujuan]", "Perencanaan program perlindungan sosial 2027")
    off.page.click("button:has-text('Catat permintaan')")
    nomor = re.search(r"REQ-\d{4}-\d{4}", off.page.inner_text("h1")).group(0)
    due = re.search(r"batas waktu (\d{2}-\d{2}-\d{4})", off.page.inner_text("main")).group(1)
    off.close()
    k = Visit(browser, base, "hartono")
    k.page.goto(base + "/status")
    main = k.page.inner_text("main")
    assert "orang dalam register" in main and "November 2026" in main
    open_row = k.page.locator("tr", has_text=nomor).inner_text()
    assert "Bappeda" in open_row and due in open_row
    assert "6271010101800002" not in k.page.content()
    href = k.page.get_attribute("a:has-text('PDF')", "href")
    report = k.ctx.request.get(base + href)  # the finalisation report, for the Kepala Dinas
    assert report.ok and report.body()[:4] == b"%PDF"
    k.shot("20_status", full=True)
    k.close()
