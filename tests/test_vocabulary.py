"""DTKS or DTSEN in what users read (dtks.toml [dinas] istilah): reports, letters, messages."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest
from cli_helpers import dtks
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pipelines import vocabulary
from pipelines.config import Home
from pipelines.errors import ConfigError

PERIOD = "2026-11"
DTSEN_TOML = '[dinas]\nistilah = "DTSEN"\n'
KEPT = ["ID DTKS", "ID DTKS KANDIDAT", "DTKS-SKT|", "DTKS_HOME", "dtks load-dtks", "dtks.toml"]
PIECES = [*KEPT, "DTKS", "(DTKS)", "di DTKS.", "DTKS;", "Data Terpadu Kesejahteraan Sosial",
          "DATA TERPADU KESEJAHTERAAN SOSIAL", "register", "Sudah terdaftar di", " ", ", "]  # fmt: skip
WORD = re.compile(r"(?<![\w.-])DTKS(?![\w-])")


@pytest.fixture(autouse=True)
def _back_to_dtks():
    yield
    vocabulary.use("DTKS")


RENAMED = {"DTKS", "(DTKS)", "di DTKS.", "DTKS;", "Data Terpadu Kesejahteraan Sosial",
           "DATA TERPADU KESEJAHTERAAN SOSIAL"}  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_dtsen_mode_renames_the_register_and_keeps_its_identifiers(pieces):
    text = " ".join(pieces)
    said = vocabulary.say(text, "DTSEN")
    assert vocabulary.say(text, "DTKS") == text
    assert said.count("DTSEN") == sum(p in RENAMED and "DTKS" in p for p in pieces)
    assert said.lower().count("tunggal sosial dan ekonomi nasional") == sum(
        "Terpadu" in p or "TERPADU" in p for p in pieces
    )
    for kept in KEPT:  # the register's own identifiers stay
        assert said.count(kept) == text.count(kept)
    rest = said
    for kept in KEPT:
        rest = rest.replace(kept, "")
    assert not WORD.search(rest) and "terpadu kesejahteraan" not in said.lower(), said
    vocabulary.use("DTSEN")
    assert vocabulary.say_column(pd.Series([text, None], dtype="str")).iloc[0] == said


def test_an_unknown_istilah_is_refused_with_the_key_named(tmp_path):
    (tmp_path / "dtks.toml").write_text('[dinas]\nistilah = "DTKSN"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[dinas\] istilah"):
        vocabulary.use(Home(tmp_path))
    (tmp_path / "dtks.toml").write_text('[dinas]\nistilah = "dtsen"\n', encoding="utf-8")
    assert vocabulary.use(Home(tmp_path)) == "DTSEN"


def test_messages_say_dtsen_through_the_installed_command(tmp_path):
    home = tmp_path / "kosong"
    home.mkdir()
    (home / "dtks.toml").write_text(DTSEN_TOML, encoding="utf-8")
    res = dtks("finalize", PERIOD, home=home)
    said = " ".join(res.stderr.split())
    assert res.returncode != 0
    assert "belum berisi register DTSEN" in said, said
    assert not WORD.search(said), said
    (home / "dtks.toml").write_text('[dinas]\nistilah = "BDT"\n', encoding="utf-8")
    res = dtks("finalize", PERIOD, home=home)
    said = " ".join(res.stderr.split())
    assert res.returncode != 0 and "[dinas] istilah = 'BDT' tidak dikenali" in said, said


def test_month_files_say_dtsen_when_the_dinas_chooses_it(tiny):
    from pipelines.publish import rewrite
    from pipelines.store import open_store

    home = tiny.home
    review = home.period_out(PERIOD) / f"telaah_{PERIOD}.xlsx"

    def texts() -> tuple[str, str]:
        with open_store(home.store_path) as store:
            rewrite(store, home, PERIOD)
        rekap = next((home.reports / PERIOD).glob("laporan_finalisasi_*.xlsx"))
        title = load_workbook(rekap, read_only=True)["Rekap"]["A1"].value
        wb = load_workbook(review, read_only=True)
        cells = " ".join(
            str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
        )
        return title, cells

    title, cells = texts()
    assert title.startswith("REKAPITULASI FINALISASI USULAN DTKS")
    assert "terdaftar di DTKS" in cells
    (home.root / "dtks.toml").write_text(DTSEN_TOML, encoding="utf-8")
    title, cells = texts()
    assert title.startswith("REKAPITULASI FINALISASI USULAN DTSEN")
    assert "terdaftar di DTSEN" in cells and "terdaftar di DTKS" not in cells
    assert "ID DTKS" in cells  # the register's own column names stay


def test_letters_say_dtsen_when_the_dinas_chooses_it(loaded_home, tmp_path):
    from pypdf import PdfReader

    from pipelines import letters, signing
    from pipelines.store import open_store

    root = tmp_path / "root"
    shutil.copytree(loaded_home.root, root)
    home = Home(root)
    signing.init_keys(home, "Dinas Sosial Kota Palangkaraya")
    (root / "dtks.toml").write_text(DTSEN_TOML, encoding="utf-8")
    with open_store(home.store_path) as store:
        nik, kk = store.one("SELECT nik, no_kk FROM dtks_current ORDER BY id_dtks LIMIT 1")
        issued = letters.issue(store, home, nik, kk, "Rina", "6271")
        refused = letters.issue(store, home, "6271010101990009", kk, "Rina", "6271")
    text = " ".join(p.extract_text() for p in PdfReader(issued.path).pages)
    assert "DATA TUNGGAL SOSIAL DAN EKONOMI NASIONAL (DTSEN)" in text
    assert "Data Tunggal Sosial dan Ekonomi Nasional (DTSEN)" in text
    assert not WORD.search(text), text
    assert refused.why == "NIK tidak terdaftar dalam DTSEN yang berlaku."
    with open_store(home.store_path, read_only=True) as store:
        assert letters.verify(store, home, issued.path)[0]  # the QR payload is unchanged
