"""What the desk adds below the web layer: accounts, decisions without a workbook, letters
anyone can check and revoke, and the commands around them (through the installed dtks)."""

from __future__ import annotations

import io

import pytest
from cli_helpers import dtks
from typer.testing import CliRunner
from web_world import PASSWORD, PERIOD, build_desk_world

from pipelines import letters, review, users
from pipelines.report import review_workbook
from pipelines.store import open_store


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from conftest import run_finalize_stages

    dw = build_desk_world(tmp_path_factory.mktemp("lib") / "root", "https://dtks.contoh.go.id")
    folder = dw.home.period_raw(PERIOD) / f"62.71.01.{dw.held_back[6:]} Panarung"
    folder.mkdir()
    for name, data in dw.held_files.items():
        (folder / name).write_bytes(data)
    run_finalize_stages(dw.home)
    return dw


# --- accounts -----------------------------------------------------------------------------------


def test_user_add_through_dtks_hashes_the_password_and_refuses_bad_input(world):
    home = world.home.root
    r = dtks("user", "add", "Budi Santoso", "--peran", "Kepala Bidang", home=home, input_="x")
    assert r.returncode == 1 and "minimal 10 karakter" in r.stderr
    with pytest.raises(users.AccountError, match="Peran 'bupati' tidak dikenal"):
        users.role("bupati")
    r = dtks("user", "add", "Budi Santoso", "--peran", "Kepala Bidang", home=home, input_=PASSWORD)
    assert r.returncode == 0, r.stderr
    r = dtks("user", "add", "BUDI santoso", "--peran", "operator", home=home, input_=PASSWORD)
    assert r.returncode == 1 and "sudah ada" in r.stderr
    with open_store(world.home.store_path) as store:
        stored = store.one("SELECT peran, sandi_hash FROM desk_user WHERE nama = 'Budi Santoso'")
        assert stored[0] == "kepala bidang" and stored[1].startswith("$argon2id$")
        assert PASSWORD not in stored[1]
        assert users.authenticate(store, "budi SANTOSO", PASSWORD).peran == "kepala bidang"
        assert users.authenticate(store, "Budi Santoso", PASSWORD + "x") is None
    from pipelines.cli import app

    runner = CliRunner()
    assert (
        runner.invoke(app, ["user", "disable", "Budi Santoso", "--home", str(home)]).exit_code == 0
    )
    with open_store(world.home.store_path) as store:
        assert users.authenticate(store, "Budi Santoso", PASSWORD) is None
    listed = runner.invoke(app, ["user", "list", "--home", str(home)])
    assert "Budi Santoso" in listed.output and "tidak" in listed.output


def test_serve_listens_on_loopback_and_warns_beyond_it(world, monkeypatch):
    import uvicorn

    from pipelines.cli import app

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kw: seen.update(kw, app=app_))
    runner = CliRunner()
    r = runner.invoke(app, ["serve", "--home", str(world.home.root)])
    assert r.exit_code == 0, r.output
    assert seen["host"] == "127.0.0.1" and "PERINGATAN" not in r.output
    assert seen["access_log"] is False  # the desk's own access log drops query strings
    assert seen["app"].state.desk.sessions.secure is False
    r = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--home", str(world.home.root)])
    assert r.exit_code == 0
    assert "PERINGATAN" in r.output and "HTTPS" in r.output
    assert seen["host"] == "0.0.0.0" and seen["app"].state.desk.sessions.secure is True


# --- decisions from the desk ----------------------------------------------------------------------


def _doubtful(world):
    with open_store(world.home.store_path, read_only=True) as store:
        return review_workbook.doubtful_rows(store, PERIOD)


def test_decisions_without_a_workbook_get_the_same_checks_and_records(world):
    rows = _doubtful(world)
    first, second = rows.iloc[0], rows.iloc[1]

    def decision(r, keputusan, alasan="", **over):
        d = {"key": r.row_key, "keputusan": keputusan, "alasan": alasan, "nik": r.nik,
             "kandidat": r.matched_id_dtks, **over}  # fmt: skip
        return review.Decision(**d)

    cases = [
        ([decision(first, "TOLAK")], "TOLAK wajib disertai ALASAN"),
        ([decision(first, "BATAL")], "KEPUTUSAN 'BATAL' tidak dikenal"),
        ([decision(first, "SAMA", kandidat="123")], "kolom kunci"),
        ([decision(first, "SAMA", key="bukan-kunci")], "bukan baris perlu_verifikasi"),
    ]
    for decisions, message in cases:
        with open_store(world.home.store_path) as store, pytest.raises(review.ReviewRefused) as e:
            review.apply_decisions(store, PERIOD, decisions, "rina", home=world.home)
        assert message in str(e.value) and "tidak ada keputusan yang diterapkan" in str(e.value)
    with open_store(world.home.store_path) as store:
        assert store.one("SELECT count(*) FROM review_decision")[0] == 0
        res = review.apply_decisions(
            store,
            PERIOD,
            [decision(first, "SAMA"), decision(second, "TOLAK", "Pindah ke luar kota")],
            "rina",
            home=world.home,
        )
        assert (res.applied, res.unchanged) == (2, 0)
        again = review.apply_decisions(
            store, PERIOD, [decision(first, "SAMA")], "rina", home=world.home
        )
        assert (again.applied, again.unchanged) == (0, 1)
        rec = store.df(
            "SELECT row_key, keputusan, outcome, petugas, source_file, matched_id_dtks "
            "FROM review_decision ORDER BY keputusan"
        )
        final = dict(
            store.execute(
                "SELECT row_key, outcome FROM prelist_final WHERE period = ? AND keputusan "
                "IS NOT NULL",
                [PERIOD],
            ).fetchall()
        )
    assert list(rec["keputusan"]) == ["SAMA", "TOLAK"]
    assert list(rec["outcome"]) == ["terdaftar", "ditolak_supervisor"]
    assert set(rec["petugas"]) == {"rina"} and set(rec["source_file"]) == {"meja web"}
    assert final == {first.row_key: "terdaftar", second.row_key: "ditolak_supervisor"}
    # the review workbook written again shows the decisions made in the browser
    from openpyxl import load_workbook

    wb = load_workbook(world.home.period_out(PERIOD) / f"telaah_{PERIOD}.xlsx", read_only=True)
    sheet = list(wb[review.SHEET].iter_rows(values_only=True))
    head = list(sheet[1])
    got = {r[0]: r[head.index("KEPUTUSAN")] for r in sheet[2:]}
    assert got[first.row_key] == "SAMA" and got[second.row_key] == "TOLAK"


# --- the finalisation child and the desk's own reads --------------------------------------------

# A stand-in for `dtks finalize`: opens the store for writing again and again for 3 s, as the
# flow's steps do, and fails if any open finds the file in use (DuckDB refuses a read-write
# open while another process has the file open at all).
CHILD = """
import sys, time, duckdb
end, opens, fails = time.monotonic() + 3, 0, 0
while time.monotonic() < end:
    try:
        duckdb.connect(sys.argv[1]).close()
        opens += 1
    except duckdb.IOException:
        fails += 1
    time.sleep(0.005)
print('{"tahap": "menulis", "selesai": 1, "total": 1, "baris": %d}' % opens, flush=True)
sys.exit(1 if fails else 0)
"""


def test_pages_read_during_a_desk_run_never_make_the_run_fail(world, monkeypatch):
    """Found by the browser journey on a loaded machine: the progress poll (which checks the
    account every second) opened the store just as the run did, and the run failed with
    'sedang dipakai'. While its own run goes on the desk keeps off the store: accounts come
    from the cache and the month's page shows the counts it last read, with live progress."""
    import sys
    import time

    from pipelines.web import actions, jobs

    home = world.home
    monkeypatch.setattr(
        actions,
        "finalisation_command",
        lambda home, period: [sys.executable, "-c", CHILD, str(home.store_path)],
    )
    user = actions.account(home, "oki")
    before = actions.month(home, PERIOD)
    desk_jobs = jobs.Jobs(home)
    job = desk_jobs.start(PERIOD, user)
    refused, pages = [], 0
    deadline = time.monotonic() + 60
    while job.state in ("menunggu", "berjalan") and time.monotonic() < deadline:
        assert actions.account(home, "oki") == user  # every page and poll does this
        try:
            seen = actions.month(home, PERIOD)
        except actions.StoreLocked:
            refused.append(1)
        else:
            pages += 1
            assert seen.totals == before.totals
    _wait_for_desk_runs()
    assert job.state == "selesai", job.message
    assert job.rows >= 3  # the child really opened the store again and again meanwhile
    assert not refused and pages > 0
    assert actions.month(home, PERIOD).totals == before.totals  # the store is the desk's again


def _wait_for_desk_runs() -> None:
    import threading

    for t in threading.enumerate():
        if t.name == "dtks-finalisasi":
            t.join(timeout=60)


ENV_CHILD = """
import os, sys
print('{"tahap": "menulis", "selesai": 1, "total": 1, "baris": %d}'
      % (0 if os.environ.get("PREFECT_API_URL") is None else 1), flush=True)
"""


@pytest.mark.parametrize("api", [None, "http://127.0.0.1:4200/api"])
def test_a_desk_run_uses_prefect_only_when_a_server_is_configured(world, monkeypatch, api):
    """Like `dtks finalize`: without PREFECT_API_URL the desk's run starts no Prefect server
    (no flow, no temporary server at start-up); with one, the run is a flow on that server."""
    import sys
    import time

    from pipelines.web import actions, jobs

    if api is None:
        monkeypatch.delenv("PREFECT_API_URL", raising=False)
    else:
        monkeypatch.setenv("PREFECT_API_URL", api)
    monkeypatch.setattr(
        actions, "finalisation_command", lambda home, period: [sys.executable, "-c", ENV_CHILD]
    )
    job = jobs.Jobs(world.home).start(PERIOD, actions.account(world.home, "oki"))
    deadline = time.monotonic() + 60
    while job.state in ("menunggu", "berjalan") and time.monotonic() < deadline:
        time.sleep(0.05)
    _wait_for_desk_runs()  # it records the run in the store after its state says done
    assert job.state == "selesai", job.message
    assert job.rows == (0 if api is None else 1)
    assert not hasattr(actions, "prefect_api")  # nothing left that would start one


def test_a_desk_run_is_on_record_before_it_is_shown_as_ended(world, monkeypatch):
    """Found when the letter tests ran right after the desk-run tests: the job said 'selesai'
    while its thread still wrote the act to desk_action, and the next open of the store in the
    same process failed (DuckDB: write-write conflict). Now the act is recorded first."""
    import sys
    import time

    from pipelines.web import actions, jobs

    monkeypatch.setattr(
        actions, "finalisation_command", lambda home, period: [sys.executable, "-c", ENV_CHILD]
    )
    real = actions.finalisation_recorded

    def slow(*args):
        time.sleep(0.5)  # a loaded machine
        real(*args)

    monkeypatch.setattr(actions, "finalisation_recorded", slow)
    count = "SELECT count(*) FROM desk_action WHERE aksi = 'finalisasi' AND sasaran = ?"
    with open_store(world.home.store_path, read_only=True) as store:
        before = store.one(count, [PERIOD])[0]
    job = jobs.Jobs(world.home).start(PERIOD, actions.account(world.home, "oki"))
    deadline = time.monotonic() + 60
    while job.state in ("menunggu", "berjalan") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert job.state == "selesai", job.message
    with open_store(world.home.store_path) as store:  # read-write, as the letter tests do
        assert store.one(count, [PERIOD])[0] == before + 1


# --- letters --------------------------------------------------------------------------------------


def _issue(world):
    nik, kk = world.person
    with open_store(world.home.store_path) as store:
        return letters.issue(store, world.home, nik, kk, "dewi", "6271")


def test_a_letter_carries_the_check_address_in_its_text_and_qr(world, monkeypatch):
    from pypdf import PdfReader

    seen = []
    real = letters.QrCodeWidget
    monkeypatch.setattr(letters, "QrCodeWidget", lambda value: seen.append(value) or real(value))
    res = _issue(world)
    text = PdfReader(io.BytesIO(res.path.read_bytes())).pages[0].extract_text()
    assert "https://dtks.contoh.go.id/cek" in text and res.kode in text
    assert "dtks letter verify" not in text
    nomor_q = res.nomor.replace("/", "%2F")
    assert seen == [f"https://dtks.contoh.go.id/cek?nomor={nomor_q}&kode={res.kode}"]


def test_without_a_check_address_the_letter_says_where_to_ask(world, monkeypatch, tmp_path):
    from pypdf import PdfReader

    settings = world.home.config_file.read_text(encoding="utf-8")
    world.home.config_file.write_text(
        settings.replace('url_verifikasi = "https://dtks.contoh.go.id"', ""), encoding="utf-8"
    )
    seen = []
    monkeypatch.setattr(letters, "QrCodeWidget", lambda value: seen.append(value))
    try:
        res = _issue(world)
    finally:
        world.home.config_file.write_text(settings, encoding="utf-8")
    text = PdfReader(io.BytesIO(res.path.read_bytes())).pages[0].extract_text()
    assert seen == [] and "dapat ditanyakan" in text and "/cek" not in text


def test_the_public_check_says_valid_revoked_or_unknown_and_nothing_more(world):
    res = _issue(world)
    with open_store(world.home.store_path) as store:
        ok = letters.check(store, res.nomor, res.kode.lower())
        name = store.one(
            "SELECT d.nama FROM letter_log l JOIN dtks_current d USING (id_dtks) WHERE nomor = ?",
            [res.nomor],
        )[0]
        assert ok.status == "sah" and ok.nomor == res.nomor
        assert ok.nama_samar == letters.mask_name(name) != name
        assert all(w[0] + "*" * (len(w) - 1) in ok.nama_samar for w in name.split())
        assert letters.check(store, res.nomor, "A" * 10).status == "tidak_dikenal"
        assert letters.check(store, "400.9.2/9999/DINSOS/2026", res.kode).status == "tidak_dikenal"
        assert set(vars(ok)) == {"status", "nomor", "tanggal", "nama_samar"}


def test_revoke_through_dtks_makes_verify_fail_and_the_check_say_revoked(world):
    res = _issue(world)
    home = world.home.root
    r = dtks("letter", "revoke", res.nomor, "--alasan", "Salah orang", "--petugas", "dewi",
             home=home)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert f"Surat nomor {res.nomor} dicabut" in r.stdout
    v = dtks("letter", "verify", str(res.path), home=home)
    assert v.returncode == 1 and "DICABUT" in v.stderr and "Salah orang" in v.stderr
    again = dtks("letter", "revoke", res.nomor, "--alasan", "Salah orang", "--petugas", "dewi",
                 home=home)  # fmt: skip
    assert again.returncode == 1 and "sudah dicabut" in again.stderr
    with open_store(world.home.store_path, read_only=True) as store:
        assert letters.check(store, res.nomor, res.kode).status == "dicabut"
        assert store.one("SELECT petugas FROM letter_revoke WHERE nomor = ?", [res.nomor]) == (
            "dewi",
        )
