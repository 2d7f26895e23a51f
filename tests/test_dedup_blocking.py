"""Every class of one-digit NIK slip is still found after blocking (pipelines/dedup/blocking.py).

Registered persons and their slips are generated (seeded), class by class: a substitution in
a region or serial digit, a swap of every pair of neighbouring digits (across each block's
edge too), the sex digit of a row giving the other sex, and slips in the birth-date digits
(validation rejects those rows; their note still names the person). Each row goes through
`finalize.deciding.decide` as a kelurahan's approved row would.
"""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest
from test_dedup import register_store

from pipelines import wilayah
from pipelines.dedup import blocking
from pipelines.finalize import deciding
from pipelines.finalize.batch import Batch
from pipelines.synth import names as N

KEC = ["627101", "627102", "627103", "627104", "627105"]
REGION_SERIAL = [*range(1, 7), *range(13, 17)]
# what each class slips: ("sub", digit) or ("swap", digit and the next one)
CLASSES = {
    "region_digit": [("sub", p) for p in range(1, 7)],
    "serial_digit": [("sub", p) for p in range(13, 17)],
    "swap_in_region_or_serial": [("swap", i) for i in [1, 2, 3, 4, 5, 13, 14, 15]],
    "sex_digit": [("sex", 7)],
    # rejected by validation: the NIK's birth-date digits disagree with the birth date
    "birth_date_digit": [("sub", p) for p in range(7, 13)],
    "swap_at_birth_date_digits": [("swap", i) for i in range(6, 13)],
}


def _person(r: random.Random, pid: str) -> dict:
    kec, sex = r.choice(KEC), r.choice("LP")
    born = dt.date(1945, 1, 1) + dt.timedelta(days=r.randrange(27000))
    day = born.day + (40 if sex == "P" else 0)
    names = N.MALE if sex == "L" else N.FEMALE
    return {
        "id": pid,
        "nik": f"{kec}{day:02d}{born:%m%y}{r.randrange(1, 400):04d}",
        "no_kk": f"{kec}{r.randrange(10**10):010d}",
        "nama": f"{r.choice(names)} {r.choice(N.SECOND)}".upper(),
        "born": born,
        "sex": sex,
        "desa": f"{kec}{r.choice(['1001', '1002'])}",
        "ibu": r.choice(N.FEMALE).upper(),
    }


def _slipped(r: random.Random, nik: str, kind: str, pos: int) -> str | None:
    """The NIK with the slip, or None where the slip changes nothing (equal neighbours)."""
    i = pos - 1
    if kind == "sub":
        return nik[:i] + r.choice([c for c in "0123456789" if c != nik[i]]) + nik[i + 1 :]
    if kind == "swap":
        return None if nik[i] == nik[i + 1] else nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]
    day = int(nik[6:8])  # the sex digit: the row gives the other sex, its NIK agrees
    return nik[:6] + f"{day - 40 if day > 40 else day + 40:02d}" + nik[8:]


def generated(seed: int) -> tuple[list[dict], dict[str, list[tuple[dict, str]]]]:
    """Registered persons, and per class (person, slipped NIK) pairs."""
    r = random.Random(seed)
    persons, cases = [], {}
    for name, slips in CLASSES.items():
        cases[name] = []
        for kind, pos in slips:
            while True:  # a person whose digits make the slip a change
                p = _person(r, f"P{len(persons) + 1:03d}")
                nik = _slipped(r, p["nik"], kind, pos)
                if nik is not None:
                    break
            if kind == "sex":
                p["slipped_sex"] = "L" if p["sex"] == "P" else "P"
            persons.append(p)
            cases[name].append((p, nik))
    return persons, cases


def _snapshot_row(p: dict) -> list[str]:
    d = p["desa"]
    desa = f"{d[:2]}.{d[2:4]}.{d[4:6]}.{d[6:]}"
    return [p["id"], p["nik"], p["no_kk"], p["nama"], p["born"].isoformat(), p["sex"], desa,
            p["ibu"], "PALANGKA RAYA", "KEPALA KELUARGA"]  # fmt: skip


SEEDS = [3, 17]


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    """Per seed: the register store of every generated person, and the slips."""
    out = {}
    for seed in SEEDS:
        persons, cases = generated(seed)
        nik_set = {p["nik"] for p in persons}
        assert all(nik not in nik_set for c in cases.values() for _, nik in c)
        store = register_store(tmp_path_factory.mktemp(f"slips{seed}"), map(_snapshot_row, persons))
        out[seed] = (store, cases)
    yield out
    for store, _ in out.values():
        store.close()


def _decide(store, prelist: list[dict]) -> pd.DataFrame:
    """finalize.deciding.decide on prelist rows, every household approved in its berita acara."""
    raw = pd.DataFrame(prelist, dtype=object)
    raw.insert(0, "row_id", range(1, len(raw) + 1))
    raw["hubungan_keluarga"] = "KEPALA KELUARGA"
    raw["tempat_lahir"] = "PALANGKA RAYA"
    raw["folder_kode"] = raw["kode_wilayah"]
    raw["source_file"], raw["source_sheet"] = "usulan.xlsx", ""
    raw["source_row"] = raw["row_id"] + 1
    decisions = pd.DataFrame(
        {"no_kk": raw["no_kk"], "disetujui": True, "alasan": "", "keputusan_asli": "YA",
         "folder_kode": raw["folder_kode"], "nama_kepala_keluarga": raw["nama"],
         "source_file": "ba.xlsx", "source_sheet": "", "source_row": raw["source_row"]}
    )  # fmt: skip
    batch = Batch(
        period="2026-11",
        folders=[(k, k) for k in sorted(set(raw["folder_kode"]))],
        prelist=raw,
        decisions=decisions,
        meetings=pd.DataFrame(),
        problems=pd.DataFrame(),
        folders_with_ba=set(raw["folder_kode"]),
    )
    return deciding.decide(batch, store, "6271").set_index("row_id")


def _row(p: dict, nik: str, no_kk: str) -> dict:
    return {"nik": nik, "no_kk": no_kk, "nama": p["nama"], "nama_ibu_kandung": p["ibu"],
            "tanggal_lahir": p["born"].strftime("%d-%m-%Y"),
            "jenis_kelamin": p.get("slipped_sex", p["sex"]), "kode_wilayah": p["desa"]}  # fmt: skip


REJECTED = {"birth_date_digit", "swap_at_birth_date_digits"}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", list(CLASSES))
def test_every_class_of_one_digit_slip_finds_the_registered_person(worlds, seed, kind):
    """Proposed again with a slipped NIK and a new No KK: the register person is named,
    as a doubtful row, or for rows validation rejects, in the note."""
    store, cases = worlds[seed]
    prelist = [
        _row(p, nik, f"{p['nik'][:6]}99999999{i:02d}") for i, (p, nik) in enumerate(cases[kind])
    ]
    out = _decide(store, prelist)
    for i, (p, _) in enumerate(cases[kind]):
        got = out.loc[i + 1]
        assert got["matched_id_dtks"] == p["id"] and "NIK berbeda satu digit" in got["reasons"], (
            kind, got.to_dict())  # fmt: skip
        # a region slip may name an unknown kecamatan (rejected, with the note)
        if kind in REJECTED or kind in ("serial_digit", "sex_digit"):
            assert (got["outcome"] == "ditolak_validasi") is (kind in REJECTED), got.to_dict()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["region_digit", "serial_digit", "swap_in_region_or_serial"])
def test_every_class_of_one_digit_slip_is_found_inside_the_batch(worlds, seed, kind):
    """A new person proposed twice in one month, the second time with a slipped NIK (one
    that keeps a known kecamatan, so both rows pass validation)."""
    store, _ = worlds[seed]
    r, known = random.Random(seed), wilayah.load().kecamatan_codes
    prelist = []
    for i, (slip, pos) in enumerate(CLASSES[kind]):
        # some region slips can never keep a known kecamatan (6271d1, or any swap among
        # 627101's digits): those rows are rejected, not batch work; a bounded search skips them
        for _ in range(50):
            p = _person(r, "-")
            p["nik"] = p["nik"][:12] + str(r.randrange(5000, 10000))  # not in the register
            nik = _slipped(r, p["nik"], slip, pos)
            if nik is not None and nik[:6] in known:
                kk = f"{p['nik'][:6]}88888888{i:02d}"
                prelist += [_row(p, p["nik"], p["no_kk"]), _row(p, nik, kk)]
                break
    assert len(prelist) >= 6, kind  # at least three slips of the class
    out = _decide(store, prelist)
    assert (out["outcome"] != "ditolak_validasi").all(), out["reasons"]
    later = out.loc[range(2, len(prelist) + 1, 2)]
    assert later["reasons"].str.contains("NIK berbeda satu digit dari baris lain").all(), later


@pytest.mark.parametrize("seed", range(40))
def test_the_windows_cover_every_slip_a_block_must_find(seed):
    """blocking.covers, the mirror of the SQL blocks, holds for every substitution and
    neighbour swap, and for a birth-date slip with one more in a region or serial digit."""
    r = random.Random(seed)
    p = _person(r, "X")
    for kind in ("sub", "swap"):
        for pos in range(1, 17 if kind == "sub" else 16):
            nik = _slipped(r, p["nik"], kind, pos)
            assert nik is None or blocking.covers(p["nik"], nik), (kind, pos)
    nik = _slipped(r, p["nik"], "sub", r.randint(7, 12))
    assert blocking.covers(p["nik"], _slipped(r, nik, "sub", r.choice(REGION_SERIAL)))
