"""Secrets of an installation: the identity salt and the signing key, readable by no one else."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import stat

import pytest
from cli_helpers import dtks
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import signing
from pipelines.config import Home
from pipelines.requests import register
from pipelines.settings import Settings
from pipelines.store import open_store


def _mode(p) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.fixture
def home(loaded_home, tmp_path) -> Home:
    h = Home(tmp_path / "root")
    h.ensure()
    shutil.copy(loaded_home.store_path, h.store_path)
    return h


def _request(identitas: str = "6271014101990001") -> register.NewRequest:
    return register.NewRequest(
        pemohon="Ani Lestari",
        identitas=identitas,
        kanal="surat",
        tujuan="Skripsi tentang cakupan bantuan sosial",
        kategori="penelitian_akademik",
        jenis_data="keluarga_per_kelurahan_program",
    )


def test_keys_init_writes_key_and_salt_for_the_owner_only(home):
    os.umask(0o022)
    r = dtks("keys", "init", home=home.root)
    assert r.returncode == 0, r.stderr
    keys = signing.key_paths(home)
    assert _mode(keys.key) == 0o600
    assert _mode(signing.salt_path(home)) == 0o600
    assert _mode(keys.key.parent) == 0o700
    salt = signing.salt_path(home).read_bytes()
    assert len(salt.strip()) == 64
    again = dtks("keys", "init", "--force", home=home.root)
    assert again.returncode == 0, again.stderr
    assert signing.salt_path(home).read_bytes() == salt, "a new key must not change the salt"
    assert _mode(keys.key) == 0o600


def test_the_private_key_is_never_readable_by_others_not_even_for_a_moment(home, monkeypatch):
    """Written with mode 0600 from its first byte, not written 0644 and then restricted."""
    monkeypatch.setattr(os, "chmod", lambda *a, **k: None)
    os.umask(0o022)
    keys = signing.init_keys(home, "Dinas Sosial Kota Palangka Raya")
    assert _mode(keys.key) & 0o077 == 0
    assert _mode(signing.salt_path(home)) & 0o077 == 0


@pytest.mark.parametrize("salt", [None, b"", register.LEGACY_SALT])
def test_identities_are_never_hashed_with_no_salt_or_the_public_default(home, salt):
    with open_store(home.store_path) as store:
        with pytest.raises(register.RequestError, match="dtks keys init"):
            register.new(
                store, _request(), "Rina", Settings(), today=dt.date(2026, 3, 16), salt=salt
            )
        assert store.one("SELECT count(*) FROM data_request")[0] == 0


def test_request_new_makes_the_salt_on_first_need_and_stores_a_keyed_hash(home):
    r = dtks(
        "request", "new", "--pemohon", "Ani", "--identitas", "6271014101990001",
        "--tujuan", "Skripsi kemiskinan", "--jenis-data", "keluarga_per_kelurahan_program",
        home=home.root,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert _mode(signing.salt_path(home)) == 0o600
    with open_store(home.store_path, read_only=True) as store:
        stored, masked = store.one("SELECT identitas_hash, identitas_samar FROM data_request")
    legacy = hashlib.sha256(b"dtks-permintaan:6271014101990001").hexdigest()
    assert stored != legacy and legacy not in stored
    assert stored == signing.hash_identity(signing.identity_salt(home), "6271014101990001")
    assert masked.endswith("0001") and "627101410199" not in masked


@settings(max_examples=30, deadline=None)
@given(st.from_regex(r"[1-9][0-9]{15}", fullmatch=True))
def test_the_same_number_hashes_differently_in_two_installations(tmp_path_factory, digits):
    a, b = (Home(tmp_path_factory.mktemp(n)) for n in "ab")
    ha = signing.hash_identity(signing.identity_salt(a), digits)
    hb = signing.hash_identity(signing.identity_salt(b), digits)
    assert ha != hb and ha.startswith("hmac1:") and digits not in ha
    assert ha == signing.hash_identity(signing.identity_salt(a), digits), "stable per install"
