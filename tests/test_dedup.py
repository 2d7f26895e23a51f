"""Each matching pass on a small register whose answers are known."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from pipelines import validate
from pipelines.dedup import batch as batch_dups
from pipelines.dedup import store_match
from pipelines.ingest.snapshot import load
from pipelines.store import open_store

HEAD = [
    "ID DTKS",
    "NIK",
    "NO KK",
    "NAMA",
    "TANGGAL LAHIR",
    "JENIS KELAMIN",
    "KODE WILAYAH",
    "NAMA IBU KANDUNG",
    "TEMPAT LAHIR",
    "HUBUNGAN KELUARGA",
]
KK = "6271010101100001"
REGISTER = [
    [
        "R1",
        "6271011508800001",
        KK,
        "MUHAMMAD RIZKI",
        "1980-08-15",
        "L",
        "62.71.01.1001",
        "SITI AMINAH",
        "PALANGKA RAYA",
        "KEPALA KELUARGA",
    ],
    [
        "R2",
        "6271015508820002",
        KK,
        "NUR HALIMAH",
        "1982-08-15",
        "P",
        "62.71.01.1001",
        "RUSMINI",
        "SAMPIT",
        "ISTRI",
    ],
    # registered with a broken NIK: only name, birth date and place can find her
    [
        "R3",
        "62710152",
        "6271010101100002",
        "SITI FATIMAH",
        "1975-03-12",
        "P",
        "62.71.01.1002",
        "MARIANI",
        "KUALA KAPUAS",
        "KEPALA KELUARGA",
    ],
    # a stranger born the same day in the same kecamatan, NIK serial next to a new person's
    [
        "R4",
        "6271011007900001",
        "6271010101100003",
        "BUDI SANTOSO",
        "1990-07-10",
        "L",
        "62.71.01.1003",
        "WATI",
        "PALANGKA RAYA",
        "KEPALA KELUARGA",
    ],
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    d = tmp_path_factory.mktemp("dedup")
    snap = d / "dtks.csv"
    with snap.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(HEAD)
        w.writerows(REGISTER)
    s = open_store(d / "db.duckdb")
    # one of the four has a broken NIK on purpose: above the 10% damage gate of real exports
    load(s, [snap], petugas="uji", max_damage_share=0.5)
    yield s
    s.close()


def rows(*people: dict) -> pd.DataFrame:
    base = {
        "nik": None,
        "no_kk": KK,
        "nama": "X",
        "tanggal_lahir": "01-01-1990",
        "jenis_kelamin": "L",
        "hubungan_keluarga": "ANAK",
        "nama_ibu_kandung": None,
        "tempat_lahir": None,
    }
    raw = pd.DataFrame([{**base, **p} for p in people], dtype=object)
    raw.insert(0, "row_id", range(1, len(raw) + 1))
    raw["source_file"], raw["source_sheet"], raw["folder_kode"] = "f.xlsx", "S", "6271011001"
    raw["source_row"] = raw["row_id"] + 1
    clean, _ = validate.prepare(raw)
    return clean


def outcome_of(store, frame) -> dict:
    got = store_match.match(store, frame)
    return {r.row_id: (r.outcome, r.matched_id_dtks, r.reason) for r in got.itertuples()}


def test_one_substitution_with_same_name_and_birth_date(store):
    got = outcome_of(
        store,
        rows({"nik": "6271011508800007", "nama": "Muhamad Rizki", "tanggal_lahir": "15-08-1980"}),
    )
    assert got[1][:2] == ("perlu_verifikasi", "R1")
    assert "berbeda satu digit" in got[1][2] and "tanggal lahir sama" in got[1][2]


def test_adjacent_transposition_across_the_middle(store):
    nik = "6271011508800001"
    swapped = nik[:7] + nik[8] + nik[7] + nik[9:]
    assert swapped != nik
    got = outcome_of(
        store, rows({"nik": swapped, "nama": "MUHAMMAD RIZKI", "tanggal_lahir": "15-08-1980"})
    )
    assert got[1][:2] == ("perlu_verifikasi", "R1")


def test_stranger_with_neighbouring_serial_is_new(store):
    got = outcome_of(
        store,
        rows(
            {
                "nik": "6271011007900002",
                "nama": "AGUS SALIM",
                "no_kk": "6271010101100009",
                "tanggal_lahir": "10-07-1990",
            }
        ),
    )
    assert got == {}


def test_broken_nik_in_register_found_by_name_birth_date_and_kecamatan(store):
    got = outcome_of(
        store,
        rows(
            {
                "nik": "6271015203750001",
                "nama": "St. Fatimah",
                "jenis_kelamin": "P",
                "no_kk": "6271010101100002",
                "tanggal_lahir": "12-03-1975",
                "nama_ibu_kandung": "Mariani",
            }
        ),
    )
    outcome, matched, reason = got[1]
    assert (outcome, matched) == ("perlu_verifikasi", "R3")
    assert "NIK-nya kosong/rusak" in reason and "nama ibu mirip" in reason


def test_exact_nik_with_changed_field_is_a_correction(store):
    got = outcome_of(
        store,
        rows(
            {
                "nik": "6271015508820002",
                "nama": "NUR HALIMAH",
                "jenis_kelamin": "P",
                "tanggal_lahir": "15-08-1982",
                "hubungan_keluarga": "ISTRI",
                "tempat_lahir": "BANJARMASIN",
            }
        ),
    )
    assert got[1][0] == "perbaikan" and "TEMPAT LAHIR" in got[1][2]


def test_new_member_of_a_registered_household(store):
    frame = rows({"nik": "6271012001250001", "nama": "BAYI BARU", "tanggal_lahir": "20-01-2025"})
    members = store_match.known_households(store, frame)
    assert list(members["row_id"]) == [1] and members["head_id_dtks"].iloc[0] == "R1"


def test_rejected_row_is_annotated_with_its_likely_registration(store):
    frame = rows(
        {
            "nik": "62710152037",
            "nama": "SITI FATIMAH",
            "jenis_kelamin": "P",
            "no_kk": "6271010101100002",
            "tanggal_lahir": "12-03-1975",
            "nama_ibu_kandung": "MARIANI",
        }
    )
    notes = store_match.annotate_rejected(store, frame, pd.Series([False], index=frame.index))
    assert notes["matched_id_dtks"].tolist() == ["R3"]
    assert "kemungkinan sudah terdaftar" in notes["note"].iloc[0]


def test_near_nik_inside_the_batch_across_kelurahan(store):
    frame = rows(
        {
            "nik": "6271011212000011",
            "nama": "AHMAD FAUZI",
            "tanggal_lahir": "12-12-2000",
            "no_kk": "6271010101100077",
        },
        {
            "nik": "6271011212000017",
            "nama": "ACHMAD FAUZI",
            "tanggal_lahir": "12-12-2000",
            "no_kk": "6271010101100077",
        },
    )
    frame.loc[1, "source_file"] = "other kelurahan/prelist.csv"
    got = batch_dups.near(store, frame)
    assert got["row_id"].tolist() == [2]
    assert "f.xlsx sheet 'S' baris 2" in got["reason"].iloc[0]


def test_two_slips_in_a_nik_are_caught_only_inside_the_same_household(store):
    same_kk = outcome_of(
        store,
        rows({"nik": "6271011508800094", "nama": "MUHAMMAD RIZKI", "tanggal_lahir": "15-08-1980"}),
    )
    assert same_kk[1][:2] == ("perlu_verifikasi", "R1") and "dua digit" in same_kk[1][2]
    other_kk = outcome_of(
        store,
        rows(
            {
                "nik": "6271011508800094",
                "nama": "MUHAMMAD RIZKI",
                "tanggal_lahir": "15-08-1980",
                "no_kk": "6271010101100055",
            }
        ),
    )
    assert other_kk == {}
