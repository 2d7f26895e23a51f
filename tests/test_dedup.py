"""Each matching pass on a small register whose answers are known."""

from __future__ import annotations

import csv
import random

import pandas as pd
import pytest

from pipelines import validate
from pipelines.dedup import batch as batch_dups
from pipelines.dedup import store_match
from pipelines.finalize import deciding
from pipelines.finalize.batch import Batch
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


def register_store(folder, persons: list[list[str]]):
    """A store holding `persons` (rows in HEAD's order) as its one snapshot."""
    snap = folder / "dtks.csv"
    with snap.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(HEAD)
        w.writerows(persons)
    s = open_store(folder / "db.duckdb")
    # broken NIKs on purpose: above the damage gate meant for real exports
    load(s, [snap], petugas="uji", max_damage_share=1.0)
    return s


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = register_store(tmp_path_factory.mktemp("dedup"), REGISTER)
    yield s
    s.close()


def raw_rows(*people: dict) -> pd.DataFrame:
    """Prelist cells as a kelurahan sends them, with row_id and source columns."""
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
    return raw


def rows(*people: dict) -> pd.DataFrame:
    clean, _ = validate.prepare(raw_rows(*people))
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


# Two register persons who tie on name similarity: the one with the smaller ID DTKS has
# nothing else in common with the row, the other shares one more piece of evidence.
TIE_KK = "6271010505100001"


def _tie_register(pass_: str, evidence: str, seed: int) -> tuple[list[list[str]], dict]:
    r = random.Random(seed)
    nama = f"{r.choice(['AHMAD', 'BUDI', 'RUDI', 'HASAN'])} {r.choice(['SAPUTRA', 'HIDAYAT'])}"
    born, ibu, place = "1995-06-21", "SALMAH", "PALANGKA RAYA"
    nik = "627101210695"  # region + birth date of a man born 21-06-1995
    row = {"nik": nik + "0005", "nama": nama, "tanggal_lahir": "21-06-1995",
           "no_kk": TIE_KK, "nama_ibu_kandung": ibu, "tempat_lahir": place,
           "kode_wilayah": "6271011001"}  # fmt: skip
    # the stranger: other household, birthplace and kelurahan, no mother's name
    first = ["T1", nik + "0004", "6271020202100001", nama, born, "L", "62.71.02.1001",
             "", "SAMPIT", "ANAK"]  # fmt: skip
    second = ["T2", nik + "0006", "6271020202100002", nama, born, "L", "62.71.02.1001",
              "", "SAMPIT", "ANAK"]  # fmt: skip
    shared = {"kk": (2, TIE_KK), "ibu": (7, ibu), "tempat": (8, place),
              "kelurahan": (6, "62.71.01.1001")}  # fmt: skip
    for key in evidence.split("+"):
        i, value = shared[key]
        second[i] = value
    if pass_ == "name_birth":  # registered with broken NIKs: only pass 3 finds them
        first[1], second[1] = nik[:9], nik[:10]
        # found by birth date and kecamatan: both live in the row's kecamatan
        first[6] = "62.71.01.1002"
        second[6] = "62.71.01.1001" if "kelurahan" in evidence else "62.71.01.1002"
    return [first, second], row


@pytest.mark.parametrize("pass_", ["near_nik", "name_birth"])
@pytest.mark.parametrize("evidence", ["kk", "ibu", "tempat", "kelurahan", "kk+ibu+tempat"])
def test_tied_candidates_are_ranked_by_evidence_not_by_id(tmp_path, pass_, evidence):
    register, row = _tie_register(pass_, evidence, seed=len(pass_) * 7 + len(evidence))
    with register_store(tmp_path, register) as s:
        got = outcome_of(s, rows(row))
    assert got[1][:2] == ("perlu_verifikasi", "T2"), got


@pytest.mark.parametrize(
    "person, born",
    [
        ("R1", "16-08-1980"),  # R1 was born 15-08-1980
        ("R1", "15-09-1980"),
        ("R1", "15-08-1981"),
        ("R4", "07-10-1990"),  # R4 was born 10-07-1990: day and month swapped
    ],
)
def test_nik_disagreeing_with_birth_date_still_gets_the_registered_note(store, person, born):
    """Rejected for the NIK's date digits, the row still learns its NIK is in the DTKS."""
    registered = next(p for p in REGISTER if p[0] == person)
    raw = raw_rows(
        {
            "nik": registered[1],
            "nama": registered[3],
            "tanggal_lahir": born,
            "no_kk": "6271010101100099",
            "hubungan_keluarga": "KEPALA KELUARGA",
        }
    )
    batch = Batch(
        period="2026-11",
        folders=[("6271011001", "x")],
        prelist=raw,
        decisions=pd.DataFrame(
            columns=[
                "no_kk",
                "disetujui",
                "alasan",
                "keputusan_asli",
                "folder_kode",
                "nama_kepala_keluarga",
                "source_file",
                "source_sheet",
                "source_row",
            ]
        ),  # fmt: skip
        meetings=pd.DataFrame(),
        problems=pd.DataFrame(),
    )
    out = deciding.decide(batch, store, "6271").iloc[0]
    assert out["outcome"] == "ditolak_validasi"
    assert "Digit tanggal lahir pada NIK" in out["reasons"]
    assert "NIK ini sudah terdaftar di DTKS" in out["reasons"]
    assert out["matched_id_dtks"] == person


@pytest.mark.parametrize(
    "mother, held",
    [
        ("WATI", False),
        ("SRI MULYANI", False),
        ("SUMINAH", False),
        (None, True),
        ("SITI", True),
        ("ST. AMINAH", True),
    ],
)
def test_near_nik_stranger_of_another_household_and_mother_is_not_held(store, mother, held):
    """One digit from R1, same name and birth date, but another KK: the mother's name decides."""
    got = outcome_of(
        store,
        rows(
            {
                "nik": "6271011508800007",
                "nama": "MUHAMMAD RIZKI",
                "tanggal_lahir": "15-08-1980",
                "no_kk": "6271010101100088",
                "nama_ibu_kandung": mother,
            }
        ),
    )
    assert (got.get(1, (None, None))[:2] == ("perlu_verifikasi", "R1")) is held, got


# Registered persons for the searches that go beyond the kecamatan and household.
MOVED = [
    # broken NIK, lives in kecamatan 03; re-proposed from kecamatan 05 with a new No KK
    ["M1", "62710357", "6271030303100001", "RAHMAT HIDAYAT", "1988-04-02", "L",
     "62.71.03.1001", "JAMILAH", "SAMPIT", "KEPALA KELUARGA"],
    # broken NIK, no mother's name, the birth date registered with day and month swapped
    ["M2", "6271034", "6271030303100002", "SITI RAHMAH", "1990-07-03", "P",
     "62.71.03.1001", "", "PALANGKA RAYA", "ISTRI"],
    # a stranger with a valid NIK and no mother's name, and a namesake with a broken NIK
    ["M3", "6271041203950001", "6271040404100001", "AGUS SALIM", "1995-03-12", "L",
     "62.71.04.1001", "", "SAMPIT", "KEPALA KELUARGA"],
    ["M4", "6271041203", "6271040404100009", "AGUS SALIM", "1995-03-12", "L",
     "62.71.04.1002", "MARDIANA", "KASONGAN", "KEPALA KELUARGA"],
    # broken NIK, born in the kota like most: the birthplace is weak evidence
    ["M5", "6271045", "6271040404100005", "AISYAH YANTI", "2001-02-03", "P",
     "62.71.04.1001", "", "PALANGKA RAYA", "ANAK"],
    # a valid NIK two digits from the row's below
    ["M6", "6271051508900001", "6271050505100001", "DEDI KURNIAWAN", "1990-08-15", "L",
     "62.71.05.1001", "RATNA SARI", "SAMPIT", "KEPALA KELUARGA"],
    # a NIK slip in the date digits of M8's NIK lands on M7's: similar name, 46 years older
    ["M7", "6271015807600001", "6271013110210003", "DINA INDAH", "1960-07-18", "P",
     "62.71.01.1003", "AYU LESTARI", "PALANGKA RAYA", "KEPALA KELUARGA"],
    ["M8", "6271014807060001", "6271012103100002", "DINA MAYA", "2006-07-08", "P",
     "62.71.01.1002", "YULIANA", "PALANGKA RAYA", "ANAK"],
]  # fmt: skip


@pytest.fixture(scope="module")
def moved_store(tmp_path_factory):
    s = register_store(tmp_path_factory.mktemp("moved"), MOVED)
    yield s
    s.close()


@pytest.mark.parametrize(
    "nama, ibu", [("RAHMAT HIDAYAT", "JAMILAH"), ("H. RAHMAT HIDAYAT", "HJ. JAMILAH"),
                  ("HIDAYAT RAHMAT", "JAMILAH"), ("RACHMAT HIDAYAT", "DJAMILAH")],
)  # fmt: skip
def test_household_that_moved_is_found_by_birth_date_sex_name_and_mother(moved_store, nama, ibu):
    moved = {"nama": nama, "nama_ibu_kandung": ibu, "tanggal_lahir": "02-04-1988",
             "no_kk": "6271050505200001", "kode_wilayah": "6271051001"}  # fmt: skip
    # with a valid NIK not in the register: a match to verify
    got = outcome_of(moved_store, rows({**moved, "nik": "6271030204880001"}))
    assert got[1][:2] == ("perlu_verifikasi", "M1"), got
    # without a NIK: rejected, with a note
    frame = rows(moved)
    notes = store_match.annotate_rejected(moved_store, frame, pd.Series(False, index=frame.index))
    assert notes["matched_id_dtks"].tolist() == ["M1"]


@pytest.mark.parametrize("ibu", [None, "SUMIATI"])
def test_moved_namesake_without_the_same_mother_is_not_matched(moved_store, ibu):
    frame = rows({"nama": "RAHMAT HIDAYAT", "nama_ibu_kandung": ibu, "tanggal_lahir": "02-04-1988",
                  "no_kk": "6271050505200001", "kode_wilayah": "6271051001"})  # fmt: skip
    notes = store_match.annotate_rejected(moved_store, frame, pd.Series(False, index=frame.index))
    assert notes.empty, notes


def test_birth_date_typo_inside_the_household_is_found(moved_store):
    got = outcome_of(
        moved_store,
        rows({"nik": "6271034703900001", "nama": "SITI RAHMAH", "jenis_kelamin": "P",
              "tanggal_lahir": "07-03-1990", "no_kk": "6271030303100002",
              "kode_wilayah": "6271031001", "hubungan_keluarga": "ISTRI"}),
    )  # fmt: skip
    assert got[1][:2] == ("perlu_verifikasi", "M2"), got


def test_person_with_more_evidence_beats_a_nik_one_digit_away(moved_store):
    """M3's NIK is one digit from the row's; M4 (broken NIK) shares household, mother, place."""
    got = outcome_of(
        moved_store,
        rows({"nik": "6271041203950002", "nama": "AGUS SALIM", "tanggal_lahir": "12-03-1995",
              "no_kk": "6271040404100009", "nama_ibu_kandung": "MARDIANA",
              "tempat_lahir": "KASONGAN", "kode_wilayah": "6271041002"}),
    )  # fmt: skip
    assert got[1][:2] == ("perlu_verifikasi", "M4"), got
    assert "NIK-nya kosong/rusak" in got[1][2]


def test_rejected_row_gets_the_near_nik_note(store):
    """A slip in the NIK's year digit gets the row rejected; R1 is one digit away."""
    frame = rows({"nik": "6271011508700001", "nama": "MUHAMMAD RIZKI", "tanggal_lahir": "15-08-1980",
                  "no_kk": "6271050505200001", "kode_wilayah": "6271051001"})  # fmt: skip
    notes = store_match.annotate_rejected(store, frame, pd.Series(False, index=frame.index))
    assert notes["matched_id_dtks"].tolist() == ["R1"]
    assert "NIK berbeda satu digit" in notes["note"].iloc[0]


def test_rejected_row_with_someone_elses_nik_is_told_so(store):
    frame = rows({"nik": "6271015508820002", "nama": "BUDI SANTOSO", "tanggal_lahir": "15-08-1983",
                  "no_kk": "6271050505200001", "kode_wilayah": "6271051001"})  # fmt: skip
    notes = store_match.annotate_rejected(store, frame, pd.Series(False, index=frame.index))
    assert "atas nama yang jauh berbeda" in notes["note"].iloc[0]
    assert notes["matched_id_dtks"].isna().all()


@pytest.mark.parametrize(
    "nama, matched", [("AISYAH SARI", False), ("AISAH YANTI", True),
                      ("AISYAH YANTY", True)],
)  # fmt: skip
def test_same_birthplace_backs_only_a_near_identical_name(moved_store, nama, matched):
    """Born the same day in the same kecamatan, in the kota most are born in: name >= 0.95."""
    got = outcome_of(
        moved_store,
        rows({"nik": "6271044302010001", "nama": nama, "jenis_kelamin": "P",
              "tanggal_lahir": "03-02-2001", "no_kk": "6271040909200001",
              "tempat_lahir": "PALANGKA RAYA", "kode_wilayah": "6271041003"}),
    )  # fmt: skip
    assert (got.get(1, (None, None))[:2] == ("perlu_verifikasi", "M5")) is matched, got


@pytest.mark.parametrize(
    "changes, matched",
    [({}, True), ({"tempat_lahir": "PALANGKA RAYA"}, False), ({"nama_ibu_kandung": "RATNA"}, False),
     ({"no_kk": "6271050505100001", "tempat_lahir": None, "nama_ibu_kandung": None}, True)],
)  # fmt: skip
def test_two_slips_in_a_nik_need_the_household_or_mother_and_birthplace(
    moved_store, changes, matched
):
    row = {"nik": "6271051508900043", "nama": "DEDI KURNIAWAN", "tanggal_lahir": "15-08-1990",
           "no_kk": "6271050909200001", "nama_ibu_kandung": "RATNA SARI", "tempat_lahir": "SAMPIT",
           "kode_wilayah": "6271051002"}  # fmt: skip
    got = outcome_of(moved_store, rows({**row, **changes}))
    assert (got.get(1, (None, None))[:2] == ("perlu_verifikasi", "M6")) is matched, got


def test_rejected_row_is_not_claimed_by_a_similar_name_born_decades_apart(moved_store):
    frame = rows({"nik": "6271015807600001", "nama": "DINA MAYA", "jenis_kelamin": "P",
                  "tanggal_lahir": "08-07-2006", "no_kk": "6271012103100002",
                  "nama_ibu_kandung": "YULIANA", "kode_wilayah": "6271011002"})  # fmt: skip
    notes = store_match.annotate_rejected(moved_store, frame, pd.Series(False, index=frame.index))
    assert notes["matched_id_dtks"].tolist() == ["M8"], notes
    assert "NIK berbeda dua digit" in notes["note"].iloc[0]


@pytest.mark.parametrize("kelurahan, held", [("6271011001", True), ("6271011002", False)])
def test_name_typo_and_nik_slip_found_where_mother_and_kelurahan_agree(store, kelurahan, held):
    """'MUHAMMADRISKY' is 0.93 like R1's name, one NIK digit off, another No KK."""
    got = outcome_of(
        store,
        rows({"nik": "6271011508800007", "nama": "MUHAMMADRISKY", "tanggal_lahir": "15-08-1980",
              "no_kk": "6271010101100066", "nama_ibu_kandung": "SITI AMINAH",
              "kode_wilayah": kelurahan}),
    )  # fmt: skip
    assert (got.get(1, (None, None))[:2] == ("perlu_verifikasi", "R1")) is held, got
