"""household.problems directly: which row each household check names, and with what."""

from __future__ import annotations

import random

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import household
from pipelines import problems as P

HEAD, WIFE, HUSBAND, CHILD = "KEPALA KELUARGA", "ISTRI", "SUAMI", "ANAK"


def _kk(n: int) -> str:
    """Card numbers of different families differ in at least three digits."""
    return f"627101{n % 1000:03d}{n % 1000:03d}{n % 1000:03d}9"


def _rows(people: list[tuple]) -> pd.DataFrame:
    """A clean batch: (no_kk, nik, relationship, sex, birth date) in file order."""
    df = pd.DataFrame(
        people, columns=["no_kk", "nik", "hubungan_keluarga", "jenis_kelamin", "tanggal_lahir"]
    )
    df["tanggal_lahir"] = pd.to_datetime(df["tanggal_lahir"]).astype("datetime64[us]")
    df.insert(0, "row_id", range(1, len(df) + 1))
    df["source_file"] = "usulan.xlsx"
    df["source_sheet"] = "DATA"
    df["source_row"] = range(5, 5 + len(df))  # data starts on spreadsheet row 5
    return df


def _failed(*problems: tuple[int, str, str]) -> pd.DataFrame:
    """Rejecting problems found before the household checks: (row_id, column, code)."""
    return P.frame([P.problem([r], col, code) for r, col, code in problems])


def _codes(out: pd.DataFrame) -> dict[int, set[str]]:
    return {int(r): {str(c) for c in g["code"]} for r, g in out.groupby("row_id")}


def _family(n: int, size: int = 3) -> list[tuple]:
    kk = _kk(n)
    nik = lambda i: f"62710141{n % 1000:03d}{i:05d}"  # noqa: E731
    people = [
        (kk, nik(0), HEAD, "L", "1980-03-04"),
        (kk, nik(1), WIFE, "P", "1982-05-06"),
    ]
    people += [(kk, nik(i), CHILD, "P", f"20{10 + i:02d}-01-01") for i in range(2, size)]
    return people


def test_a_sound_household_has_no_problem():
    clean = _rows(_family(1, 4) + _family(2, 2))
    assert household.problems(clean, _failed()).empty


def test_two_heads_in_one_card_reject_the_family_but_one_head_proposed_twice_does_not():
    fam = _family(1)
    other_head = (fam[0][0], "6271014100199999", HEAD, "L", "1979-01-01")
    out = household.problems(_rows([*fam, other_head]), _failed())
    # every row of the card: which of the two is the head is the family's to say
    assert _codes(out) == {r: {"kk_kepala_ganda"} for r in (1, 2, 3, 4)}
    twice = household.problems(_rows([*fam, fam[0]]), _failed())  # same head, same NIK
    assert twice.empty


def test_spouse_of_the_heads_sex_and_a_child_older_than_the_head_are_named():
    kk = _kk(3)
    clean = _rows(
        [
            (kk, "6271014100300001", HEAD, "L", "1980-01-01"),
            (kk, "6271014100300002", WIFE, "L", "1981-01-01"),
            (kk, "6271014100300003", CHILD, "P", "1979-12-31"),
        ]
    )
    out = household.problems(clean, _failed())
    assert _codes(out) == {2: {"pasangan_jenis_kelamin"}, 3: {"anak_lebih_tua"}}
    assert set(out.loc[out["row_id"] == 2, "column"]) == {"jenis_kelamin"}
    assert set(out.loc[out["row_id"] == 3, "column"]) == {"tanggal_lahir"}


def test_a_failed_head_sends_the_family_back_naming_its_row_and_fault():
    clean = _rows(_family(4, 3))
    failed = _failed((1, "tanggal_lahir", "tanggal_masa_depan"))
    out = household.problems(clean, failed)
    assert _codes(out) == {2: {"kepala_ditolak"}, 3: {"kepala_ditolak"}}
    detail = dict(p.split("=", 1) for p in out["detail"].iloc[0].split("\x1f"))
    assert detail["detail"] == "di baris 5"  # the head's spreadsheet row
    assert detail["alasan"] == "TANGGAL LAHIR berada di masa depan."  # and its fault
    # a head whose birth date failed is never compared with the children's
    assert "anak_lebih_tua" not in set(out["code"])


def test_a_head_whose_card_is_one_digit_off_is_blamed_instead_of_a_headless_family():
    fam = _family(5, 3)
    typo = fam[0][0][:-2] + "7" + fam[0][0][-1]
    head = (typo, *fam[0][1:])
    out = household.problems(_rows([head, *fam[1:]]), _failed())
    assert _codes(out) == {1: {"kk_kepala_beda"}, 2: {"kepala_ditolak"}, 3: {"kepala_ditolak"}}
    head_detail = out.loc[out["row_id"] == 1, "detail"].iloc[0]
    assert "digit=1" in head_detail and "baris 6-7" in head_detail


def test_a_family_without_any_head_is_told_so_on_every_row():
    fam = _family(6, 3)[1:]
    out = household.problems(_rows(fam), _failed())
    assert _codes(out) == {1: {"kk_tanpa_kepala"}, 2: {"kk_tanpa_kepala"}}


def test_an_unreadable_relationship_is_named_instead_of_no_head():
    fam = _family(7, 3)
    clean = _rows([(fam[0][0], fam[0][1], None, "L", "1980-03-04"), *fam[1:]])
    failed = _failed((1, "hubungan_keluarga", "kosong"))
    out = household.problems(clean, failed)
    # every row of the family points at the row whose relationship could not be read (that
    # row's own 'kosong' came first, so it is what its operator reads)
    assert _codes(out) == {r: {"kepala_tidak_terbaca"} for r in (1, 2, 3)}
    assert all("di baris 5" in d for d in out["detail"])


def test_a_head_under_18_is_a_note_not_a_fault():
    kk = _kk(8)
    clean = _rows([(kk, "6271014100800001", HEAD, "P", "2015-01-01")])
    out = household.problems(clean, _failed())
    assert _codes(out) == {1: {"kepala_di_bawah_18"}}
    assert P.rejecting(out).empty


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.integers(1, 5), min_size=1, max_size=12), seed=st.integers(0, 2**32))
def test_generated_batches_flag_exactly_the_families_that_lost_their_head(sizes, seed):
    """Sound families give no problem; remove some families' heads and exactly their rows are
    'kk_tanpa_kepala' (card numbers of different families are never one or two digits apart)."""
    r = random.Random(seed)
    families = [_family(n, size + 1) for n, size in enumerate(sizes, start=10)]
    headless = {i for i in range(len(families)) if r.random() < 0.3}
    people, expect = [], {}
    for i, fam in enumerate(families):
        members = fam[1:] if i in headless else fam
        for p in members:
            people.append(p)
            if i in headless:
                expect[len(people)] = {"kk_tanpa_kepala"}
    out = household.problems(_rows(people), _failed())
    assert _codes(out) == expect


def test_a_head_in_another_file_is_named_with_its_file_sheet_and_row():
    clean = _rows(_family(9, 2))
    clean.loc[0, ["source_file", "source_sheet"]] = ["KEPALA.xlsx", "Lembar1"]
    out = household.problems(clean, _failed((1, "nik", "id_16_digit")))
    assert _codes(out) == {2: {"kepala_ditolak"}}
    detail = dict(p.split("=", 1) for p in out["detail"].iloc[0].split("\x1f"))
    assert detail["detail"] == "di berkas KEPALA.xlsx sheet 'Lembar1' baris 5"
