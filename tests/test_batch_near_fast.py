"""The in-batch near-NIK pass (batch_near.sql) gives what its slower former text gave.

The former text normalised both names of every candidate pair before any rule was applied;
the current one normalises each row's name once and compares names only on the pairs that
the birth date, No KK and NIK distance leave a rule for. On generated batches (families,
persons born the same day in neighbouring kecamatan, one- and two-digit slips, names spelled
differently, missing KK and birth dates) both give the same rows, earlier rows and figures.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.dedup import batch as batch_dups
from pipelines.dedup import store_match
from pipelines.store import open_store

REFERENCE = Path(__file__).parent / "fixtures" / "reference" / "batch_near_before.sql"
NAMES = ["MUHAMMAD RIZKI", "MUHAMAD RIZKY", "M. RIZKI", "SITI AMINAH", "SITI AMINA",
         "NUR HALIMAH", "NURHALIMAH", "AHMAD FAUZI", "ACHMAD FAUZI", "H. AHMAD FAUZI, S.Pd"]  # fmt: skip
DATES = [pd.Timestamp("1980-08-15"), pd.Timestamp("1982-08-15"), pd.Timestamp("1980-08-16"), None]
KKS = ["6271010101100001", "6271010101100002", None]


def _nik(region: str, born: pd.Timestamp | None, serial: int) -> str:
    b = born or pd.Timestamp("1980-08-15")
    return f"{region}{b.day:02d}{b.month:02d}{b.year % 100:02d}{serial:04d}"


def _slip(nik: str, where: int, digit: int, swap: bool) -> str:
    if swap and where < 15:
        return nik[:where] + nik[where + 1] + nik[where] + nik[where + 2 :]
    return nik[:where] + str(digit) + nik[where + 1 :]


person = st.tuples(
    st.sampled_from(["627101", "627102", "627103"]),  # kecamatan: neighbours one digit apart
    st.sampled_from(DATES),
    st.integers(1, 4),  # serial
    st.sampled_from(NAMES),
    st.sampled_from(KKS),
    st.lists(st.tuples(st.integers(0, 15), st.integers(0, 9), st.booleans()), max_size=2),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(people=st.lists(person, min_size=2, max_size=14))
def test_the_pass_gives_what_the_former_text_gave(tmp_path_factory, monkeypatch, people):
    frame = pd.DataFrame(
        [
            {
                "row_id": i + 1,
                "nik": _apply(_nik(region, born, serial), slips),
                "no_kk": kk,
                "nama_key": nama,
                "tanggal_lahir": born,
                "source_file": f"k{i % 3}/prelist.xlsx",
                "source_sheet": "S",
                "source_row": i + 2,
            }
            for i, (region, born, serial, nama, kk, slips) in enumerate(people)
        ]
    )
    frame["tanggal_lahir"] = pd.to_datetime(frame["tanggal_lahir"])
    with open_store(tmp_path_factory.mktemp("near") / "dtks.duckdb") as store:
        now = batch_dups.near(store, frame)
        current = store_match.sql

        def former(name: str) -> str:
            text = current(name)
            if name != "batch_near.sql":
                return text
            return (
                REFERENCE.read_text(encoding="utf-8")
                .replace("/* pairs */", store_match.GENERATED[name]())
                .replace("/* keys */", store_match.blocking.key_columns_sql("nik_int"))
            )

        monkeypatch.setattr(store_match, "sql", former)
        before = batch_dups.near(store, frame)
        monkeypatch.setattr(store_match, "sql", current)
    pd.testing.assert_frame_equal(now.reset_index(drop=True), before.reset_index(drop=True))


def _apply(nik: str, slips: list[tuple[int, int, bool]]) -> str:
    for where, digit, swap in slips:
        nik = _slip(nik, where, digit, swap)
    return nik
