"""Data-use requests: intake, working days, approval chain, safe release, signed handover."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines import signing
from pipelines.cli import app
from pipelines.config import Home
from pipelines.requests import register
from pipelines.requests.disclosure import protect
from pipelines.requests.package import fulfil, verify
from pipelines.requests.policy import ReleaseRefused
from pipelines.requests.workdays import add_workdays, is_workday
from pipelines.settings import parse
from pipelines.store import open_store


@pytest.fixture
def home(finalized, loaded_home, tmp_path) -> Home:
    shutil.copytree(loaded_home.root, tmp_path / "root")
    h = Home(tmp_path / "root")
    signing.init_keys(h, "Dinas Sosial Kota Palangkaraya")
    return h


def _new(store, home, **kw):
    req = register.NewRequest(
        **{
            "pemohon": "Ani Lestari",
            "identitas": "6271014101990001",
            "kanal": "surat",
            "tujuan": "Skripsi tentang cakupan bantuan sosial",
            "kategori": "penelitian_akademik",
            "jenis_data": "keluarga_per_kelurahan_program",
            "instansi": "UPR",
            **kw,
        }
    )
    return register.new(
        store,
        req,
        "Rina",
        home.config,
        today=dt.date(2026, 3, 16),
        salt=signing.identity_salt(home),
    )


def _approve(store, nomor):
    for role in register.DEFAULT_CHAIN:
        register.advance(store, nomor, "ditelaah", "X", role)
    register.advance(store, nomor, "disetujui", "Y", "Kepala Dinas")


def test_working_days_skip_idul_fitri_2026_and_its_cuti_bersama():
    # Nyepi 19 Mar, Idul Fitri 21-22 Mar; cuti bersama 18, 20, 23, 24 Mar (SKB 3 Menteri)
    for day in (18, 19, 20, 23, 24):
        assert not is_workday(dt.date(2026, 3, day))
    assert is_workday(dt.date(2026, 3, 25))
    assert add_workdays(dt.date(2026, 3, 16), 7) == dt.date(2026, 4, 1)


def test_intake_numbers_requests_and_never_stores_the_whole_identity_number(home):
    with open_store(home.store_path) as store:
        first, due, words = _new(store, home)
        second, _, _ = _new(store, home, kanal="sp4n_lapor")
        row = store.df("SELECT * FROM data_request WHERE nomor = ?", [first]).iloc[0]
    assert (first, second) == ("REQ-2026-0001", "REQ-2026-0002")
    assert due == dt.date(2026, 4, 1) and words == []
    assert row["identitas_samar"] == "************0001"
    assert "6271014101990001" not in " ".join(str(v) for v in row.to_numpy())


def test_political_purpose_is_flagged_and_cannot_be_approved(home):
    with open_store(home.store_path) as store:
        nomor, _, words = _new(store, home, tujuan="Pemetaan pemilih untuk kampanye pilkada")
        assert words == ["kampanye", "pilkada"]
        for role in register.DEFAULT_CHAIN:
            register.advance(store, nomor, "ditelaah", "X", role)
        with pytest.raises(register.RequestError, match="kepentingan politik"):
            register.advance(store, nomor, "disetujui", "Y", "Kepala Dinas")
        with pytest.raises(register.RequestError, match="alasan tertulis"):
            register.advance(store, nomor, "ditolak", "Y", "Kepala Dinas", "tidak")
        register.advance(store, nomor, "ditolak", "Y", "Kepala Dinas", register.RULE)


def test_approval_needs_the_whole_review_chain(home):
    with open_store(home.store_path) as store:
        nomor, _, _ = _new(store, home)
        register.advance(store, nomor, "ditelaah", "X", "Sekretaris")
        with pytest.raises(register.RequestError, match="Kepala Dinas, Kepala Bidang"):
            register.advance(store, nomor, "disetujui", "Y", "Kepala Dinas")
        with pytest.raises(register.RequestError, match="langkah berikutnya"):
            register.advance(store, nomor, "diserahkan", "Y", "Kepala Dinas")


def test_request_end_to_end_and_a_changed_byte_is_caught_and_named(home, tmp_path):
    with open_store(home.store_path) as store:
        nomor, _, _ = _new(store, home)
        _approve(store, nomor)
        pkg = fulfil(store, home, nomor, "Rina", "6271")
        events = [
            r[0]
            for r in store.execute(
                "SELECT status FROM request_event WHERE nomor = ? ORDER BY pada", [nomor]
            ).fetchall()
        ]
    assert events[-2:] == ["diproses", "diserahkan"]
    assert verify(home, pkg.folder)[0] and verify(home, pkg.zip)[0]
    for name in ["data.csv", "data.xlsx", f"BAST_{nomor}.pdf", "manifest.json"]:
        copy = tmp_path / name.replace(".", "_")
        shutil.copytree(pkg.folder, copy)
        data = bytearray((copy / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (copy / name).write_bytes(bytes(data))
        ok, findings = verify(home, copy)
        assert not ok and any(name in f for f in findings), (name, findings)


def test_no_personal_data_leaves_in_the_package(home):
    with open_store(home.store_path) as store:
        nomor, _, _ = _new(store, home, jenis_data="jiwa_umur_jenis_kelamin")
        _approve(store, nomor)
        pkg = fulfil(store, home, nomor, "Rina", "6271")
        names = set(store.df("SELECT nama FROM dtks_current")["nama"])
    with zipfile.ZipFile(pkg.zip) as z:
        text = " ".join(
            z.read(n).decode("latin-1") for n in z.namelist() if n.endswith((".csv", ".json"))
        )
    assert not re.search(r"\b\d{16}\b", text)
    assert not any(f";{n};" in text for n in names)


def test_record_level_data_is_refused_for_academic_use(home):
    with open_store(home.store_path) as store:
        nomor, _, _ = _new(store, home, jenis_data="daftar_penerima")
        with pytest.raises(register.RequestError, match="PKS"):
            _approve(store, nomor)  # refused at approval, not only at handover
        with pytest.raises(ReleaseRefused, match="disetujui"):
            fulfil(store, home, nomor, "Rina", "6271")


def _solvable(hidden: np.ndarray, row_margin: bool = True) -> list[bool]:
    """Try to solve for each hidden cell from the published totals (nullspace test)."""
    cells = list(zip(*np.nonzero(hidden), strict=True))
    rows = [[1.0 if c[0] == r else 0.0 for c in cells] for r in range(hidden.shape[0])]
    cols = [[1.0 if c[1] == k else 0.0 for c in cells] for k in range(hidden.shape[1])]
    a = np.array((rows if row_margin else []) + cols)
    _, s, vt = np.linalg.svd(a)
    null = vt[(s > 1e-9).sum() :]  # directions the totals cannot see
    return [
        bool(np.all(np.abs(null[:, i]) < 1e-9)) if len(null) else True for i in range(len(cells))
    ]


@pytest.mark.parametrize("seed", range(25))
def test_suppressed_cells_cannot_be_recomputed_from_totals(seed):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 40, size=(rng.integers(3, 9), rng.integers(2, 6)))
    values[rng.random(values.shape) < 0.25] = rng.integers(1, 9)
    table = pd.DataFrame(values)
    prot = protect(table, threshold=10)
    hidden = prot.table.isna().to_numpy()
    small = (values > 0) & (values < 10)
    assert hidden[small].all(), "every small cell is hidden"
    if hidden.any():
        assert not any(_solvable(hidden)), "no hidden cell follows from the totals"
    assert (prot.col_totals.to_numpy() == values.sum(axis=0)).all()


def test_threshold_is_never_below_three():
    with pytest.raises(ValueError):
        protect(pd.DataFrame([[1, 2]]), threshold=2)


def _cli(*args: str, home: Home) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DTKS_"))}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args, "--home", str(home.root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_request_list_works_on_a_register_with_no_request_handed_over(tiny):
    h = tiny.home
    r = _cli("request", "list", home=h)
    assert r.returncode == 0, r.stderr
    assert "Permintaan data" in r.stdout and "Kesalahan" not in r.stderr
    with open_store(h.store_path) as store:
        _new(store, h)
    r = _cli("request", "list", home=h)
    assert r.returncode == 0 and "REQ-2026-0001" in r.stdout, r.stderr


def test_the_political_flag_is_shown_per_request(tiny):
    h = tiny.home
    with open_store(h.store_path) as store:
        _new(store, h)
        _new(store, h, tujuan="Data pemilih untuk kampanye pilkada")
        third, _, _ = _new(store, h)
        register.advance(store, third, "ditolak", "Y", "Kepala Dinas", register.RULE)
    out = CliRunner().invoke(app, ["request", "list", "--home", str(h.root)], terminal_width=200)
    lines = {ln.split()[1]: ln for ln in out.output.splitlines() if "REQ-2026-" in ln}
    assert [n for n, ln in sorted(lines.items()) if "politik" in ln] == ["REQ-2026-0002"]


def test_roles_come_from_the_configured_list_matched_without_case(tiny):
    h = tiny.home
    with open_store(h.store_path) as store:
        nomor, _, _ = _new(store, h)
        with pytest.raises(register.RequestError, match="Peran 'Sekertaris' tidak dikenal") as e:
            register.advance(store, nomor, "ditelaah", "X", "Sekertaris")
        assert "Sekretaris, Kepala Dinas, Kepala Bidang, Kepala Seksi" in str(e.value)
        for role in ["sekretaris", "KEPALA DINAS", "Kepala  Bidang", "kepala seksi"]:
            register.advance(store, nomor, "ditelaah", "X", role)
        with pytest.raises(register.RequestError, match="tidak berwenang untuk langkah"):
            register.advance(store, nomor, "disetujui", "Y", "Kepala Seksi")
        register.advance(store, nomor, "disetujui", "Y", "kepala dinas")
        roles = store.df("SELECT peran FROM request_event WHERE nomor = ?", [nomor])["peran"]
    # every step under its role's own name, the intake too (it read 'petugas')
    assert set(roles) == {
        register.OFFICER,
        "Sekretaris",
        "Kepala Dinas",
        "Kepala Bidang",
        "Kepala Seksi",
    }
    settings = parse(
        {"permintaan": {"rantai_telaah": ["Kepala Bidang"], "penyetuju": ["Kepala Seksi"]}}
    )
    with open_store(h.store_path) as store:
        other, _, _ = _new(store, h)
        register.advance(store, other, "ditelaah", "X", "Kepala Bidang", settings=settings)
        register.advance(store, other, "disetujui", "Y", "Kepala Seksi", settings=settings)


def test_a_pks_number_can_be_added_before_approval_and_is_checked_at_approval(tiny):
    h = tiny.home
    with open_store(h.store_path) as store:
        nomor, _, _ = _new(store, h, jenis_data="daftar_penerima", kategori="perencanaan_opd")
        with pytest.raises(register.RequestError, match="dtks request pks"):
            _approve(store, nomor)
        assert (
            store.one("SELECT status FROM data_request WHERE nomor = ?", [nomor])[0] == "ditelaah"
        )
        register.set_pks(store, nomor, "070/12/PKS/2026", "Rina")
        register.advance(store, nomor, "disetujui", "Y", "Kepala Dinas")
        with pytest.raises(register.RequestError, match="sebelum disetujui"):
            register.set_pks(store, nomor, "070/13/PKS/2026", "Rina")
        events = store.df("SELECT status, catatan FROM request_event WHERE nomor = ?", [nomor])
    assert "Nomor PKS dicatat: 070/12/PKS/2026" in set(events["catatan"].dropna())
    r = _cli("request", "pks", nomor, "--nomor-pks", "1/PKS", "--petugas", "Rina", home=h)
    assert r.returncode == 1 and "sebelum disetujui" in r.stderr
