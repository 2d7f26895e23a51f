"""Surat Keterangan Terdaftar DTKS: who gets a letter, and whether a letter is genuine."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from pipelines import letters, signing
from pipelines.config import Home
from pipelines.store import open_store


@pytest.fixture(scope="module")
def home(loaded_home, tmp_path_factory) -> Home:
    root = tmp_path_factory.mktemp("letters") / "root"
    shutil.copytree(loaded_home.root, root)
    h = Home(root)
    signing.init_keys(h, "Dinas Sosial Kota Palangkaraya")
    return h


@pytest.fixture(scope="module")
def person(home):
    with open_store(home.store_path, read_only=True) as store:
        return store.df("SELECT nik, no_kk, id_dtks FROM dtks_current ORDER BY id_dtks LIMIT 2")


def _issue(home, nik, kk, petugas="Rina"):
    with open_store(home.store_path) as store:
        return letters.issue(store, home, nik, kk, petugas, "6271")


def test_registered_person_gets_a_numbered_signed_letter(home, person):
    year = dt.date.today().year
    with open_store(home.store_path, read_only=True) as store:
        before = store.one("SELECT count(*) FROM letter_log WHERE tahun = ?", [year])[0]
    first = _issue(home, person.nik[0], person.no_kk[0])
    second = _issue(home, person.nik[1], person.no_kk[1])
    assert first.registered and second.registered
    # the year's letters are numbered 0001, 0002, ... in the default format of dtks.toml
    assert first.nomor == f"400.9.2/{before + 1:04d}/DINSOS/{year}"
    assert second.nomor == f"400.9.2/{before + 2:04d}/DINSOS/{year}"
    assert first.path.name == f"SKT_{year}_{before + 1:04d}.pdf"
    assert signing.verify_pdf(home, first.path)[0]
    with open_store(home.store_path, read_only=True) as store:
        log = store.df("SELECT * FROM letter_log ORDER BY urut")
        assert letters.verify(store, home, first.path) == (
            True,
            f"Surat nomor {first.nomor} sah, diterbitkan {log.issued_at[0]:%d-%m-%Y %H:%M}.",
        )
    assert list(log["petugas"]) == ["Rina", "Rina"]
    assert set(log.columns).isdisjoint({"nik", "no_kk", "nama"}), "no personal data in the log"
    assert person.nik[0] not in first.path.name


def test_kk_mismatch_gets_a_printout_not_a_letter(home, person):
    res = _issue(
        home,
        person.nik[0],
        person.no_kk[1] if person.no_kk[1] != person.no_kk[0] else "6271010101109999",
    )
    assert not res.registered and res.nomor is None
    assert "NO KK lain" in res.why and res.path.parent.name == "informasi"


def test_unregistered_person_is_told_how_to_be_proposed(home):
    res = _issue(home, "6271011508991234", "6271010101109999")
    assert not res.registered and "tidak terdaftar" in res.why
    from pypdf import PdfReader

    text = PdfReader(res.path).pages[0].extract_text()
    assert "bukan surat keterangan" in text and "musyawarah" in text


def test_inactive_person_gets_no_letter(home, person, tmp_path):
    h = Home(tmp_path / "r")
    shutil.copytree(home.root, h.root)
    with open_store(h.store_path) as store:  # the person left the register in a later snapshot
        store.run("UPDATE dtks_person SET valid_to = 2 WHERE id_dtks = ?", [person.id_dtks[0]])
        res = letters.issue(store, h, person.nik[0], person.no_kk[0], "Rina", "6271")
    assert not res.registered and "tidak ada dalam DTKS yang berlaku" in res.why


def test_malformed_nik_is_refused(home):
    with pytest.raises(letters.LetterRefused, match="16 digit"):
        _issue(home, "12345", "6271010101109999")


def test_a_changed_letter_fails_verification(home, person, tmp_path):
    res = _issue(home, person.nik[0], person.no_kk[0])
    data = bytearray(res.path.read_bytes())
    i = data.find(b"/Title")
    data[i + 10] ^= 1
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(bytes(data))
    with open_store(home.store_path, read_only=True) as store:
        ok, msg = letters.verify(store, home, forged)
    assert not ok and msg
    other = tmp_path / "other.pdf"
    other.write_bytes(res.path.read_bytes() + b"\n% appended\n")
    with open_store(home.store_path, read_only=True) as store:
        ok, _ = letters.verify(store, home, other)
    assert not ok


def test_a_configured_pkcs12_certificate_signs_and_verifies(home, person, tmp_path, monkeypatch):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    h = Home(tmp_path / "p12root")
    shutil.copytree(home.root, h.root)
    keys = signing.key_paths(h)
    key = serialization.load_pem_private_key(keys.key.read_bytes(), password=None)
    cert = x509.load_pem_x509_certificate(keys.cert.read_bytes())
    p12 = tmp_path / "dinas.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"dinas", key, cert, None, serialization.BestAvailableEncryption(b"rahasia")
        )
    )
    shutil.rmtree(keys.key.parent)  # only the PKCS#12 file is left
    (h.root / "dtks.toml").write_text(f'[tanda_tangan]\npkcs12 = "{p12}"\n', encoding="utf-8")
    monkeypatch.setenv("DTKS_PKCS12_PASSWORD", "rahasia")
    with open_store(h.store_path) as store:
        res = letters.issue(store, h, person.nik[0], person.no_kk[0], "Rina", "6271")
        assert letters.verify(store, h, res.path)[0]
