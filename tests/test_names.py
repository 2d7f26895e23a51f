"""Indonesian name variants the matcher must treat as the same (or not)."""

from __future__ import annotations

import pytest

from pipelines.dedup.names import install
from pipelines.store import open_store


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("names") / "n.duckdb")
    install(store)
    yield store
    store.close()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Muhammad Rizki", "MUHAMAD RIZKI"),
        ("M. Rizki", "Muhammad Rizki"),
        ("Moh. Hasan", "MUHAMMAD HASAN"),
        ("Muh Yusuf", "MUHAMMAD YUSUP"),
        ("Mhd. Ilham", "Muhammad Ilham"),
        ("St. Aminah", "SITI AMINAH"),
        ("Nurul Hidayah", "NUR HIDAYAH"),
        ("Noor Hasanah", "NUR HASANAH"),
        ("H. Abdul Rahman", "ABDUL RAHMAN"),
        ("Hj. Siti Fatimah", "SITI FATIMAH"),
        ("Drs. Bambang Sutrisno", "BAMBANG SUTRISNO"),
        ("Ir. Joko Santoso", "JOKO SANTOSO"),
        ("Budi Santoso, S.Pd.", "BUDI SANTOSO"),
        ("Dewi Lestari, S.E.", "DEWI LESTARI"),
        ("Ibu Rusmini", "RUSMINI"),
        ("Bapak Slamet", "SLAMET"),
        ("Achmad Fauzi", "AHMAD FAUZI"),
        ("Abd. Gani", "ABDUL GANI"),
        ("Soekarno", "SUKARNO"),
        ("Djoko Susilo", "JOKO SUSILO"),
        ("Tjilik Riwut", "CILIK RIWUT"),
        ("Abdullah", "ABDULAH"),
        ("Muhammad  Rizki", "muhammad rizki"),
        ("Alm. Hasan", "HASAN"),
    ],
)
def test_spelling_variants_normalise_to_the_same_name(con, a, b):
    got = con.one("SELECT nama_norm(?), nama_norm(?)", [a, b])
    assert got[0] == got[1], got


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("NUR HALIMAH", "NURHALIMAH", 0.99, 1.0),  # spacing
        ("RIZKI MUHAMMAD", "MUHAMMAD RIZKI", 0.99, 1.0),  # word order
        ("SITI AMINAH", "SITI AMINA", 0.93, 0.99),  # a dropped letter
        ("BUDI SANTOSO", "SITI AMINAH", 0.0, 0.6),  # different people
        ("HASAN", "HUSIN", 0.0, 0.85),  # twins' names are not one name
    ],
)
def test_similarity(con, a, b, low, high):
    sim = con.one("SELECT nama_sim(nama_norm(?), nama_norm(?))", [a, b])[0]
    assert low <= sim <= high, sim


def test_empty_names_never_match(con):
    assert con.one("SELECT nama_sim(nama_norm(NULL), nama_norm('BUDI'))")[0] == 0.0
