"""Proposals across months (issue 17 item 6): a family proposed in a closed month and not yet
in a later snapshot waits at Kemensos; it is not proposed again until a configurable age."""

from __future__ import annotations

import dataclasses
import shutil

import pandas as pd
import pytest
from conftest import run_finalize_stages
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.close import close
from pipelines.dedup import pending
from pipelines.errors import ConfigError
from pipelines.finalize import deciding
from pipelines.finalize.batch import Batch, combine
from pipelines.ingest import discover
from pipelines.ingest.snapshot import load
from pipelines.store import open_store

PERIOD, NEXT = "2026-11", "2026-12"


def _resend(home, to: str = NEXT) -> None:
    """The kelurahan send last month's folders again (as a next month's prelist)."""
    shutil.copytree(home.period_raw(PERIOD), home.period_raw(to))


def _batch(home, period: str) -> Batch:
    period_dir = home.period_raw(period)
    folders, problems = discover.kelurahan_folders(period_dir)
    parts = [discover.read_kelurahan(c, p, period_dir) for c, p in folders]
    return combine(period, parts, problems)


def _accept(home, store, rows: pd.DataFrame) -> None:
    """Kemensos takes ROWS in: a later snapshot holds them."""
    snap = next((home.raw / "dtks").glob("DTKS_*.csv"))
    text = snap.read_text(encoding="utf-8").splitlines()
    for i, r in enumerate(rows.itertuples()):
        text.append(";".join([f"NEW{i}", r.nik, r.no_kk, r.nama, r.tempat_lahir or "",
                              str(r.tanggal_lahir), r.jenis_kelamin, r.hubungan_keluarga,
                              r.nama_ibu_kandung or "", r.status_kawin or "", r.pekerjaan or "",
                              r.alamat or "", r.rt or "", r.rw or "", r.kode_wilayah, "Tidak",
                              "Tidak", "Ya"]))  # fmt: skip
    newer = home.raw / "dtks" / "DTKS_6271_2026-12.csv"
    newer.write_text("\n".join(text) + "\n", encoding="utf-8")
    load(store, [newer], petugas="uji")


def test_a_resent_proposal_waits_at_kemensos_until_a_snapshot_takes_it_in(tiny):
    home = tiny.home
    with open_store(home.store_path) as store:
        close(store, PERIOD, "Rina", force=True, alasan="Batas waktu Kemensos")
        sent = store.df("SELECT * FROM register_change WHERE kind = 'usulan_baru'")
    assert len(sent) >= 8
    _resend(home)
    _, outcomes, published = run_finalize_stages(home, NEXT)
    again = outcomes[outcomes["nik"].isin(sent["nik"])]
    assert len(again) == len(sent)
    assert set(again["outcome"]) == {deciding.PENDING}
    assert (
        again["reasons"]
        .str.contains(
            f"Sudah diusulkan pada periode {PERIOD} .* menunggu penetapan Kemensos.* mulai periode "
            "2027-06"
        )
        .all()
    )
    assert published.totals["usulan_baru"] == 0  # nothing goes to SIKS-NG twice
    files = sorted(home.period_out(NEXT).glob("siks-ng/*usulan_baru*"))
    assert not files or all(sent.nik.iloc[0] not in p.read_text(errors="ignore") for p in files)

    # Kemensos took one family in: its members are registered now, the rest still wait
    family = sent[sent["no_kk"] == sent["no_kk"].iloc[0]]
    with open_store(home.store_path) as store:
        _accept(home, store, family)
    _, outcomes, _ = run_finalize_stages(home, NEXT)
    again = outcomes[outcomes["nik"].isin(sent["nik"])].set_index("nik")
    took = again.loc[family["nik"]]
    assert (took["outcome"] == "terdaftar").all()
    assert took["reasons"].str.startswith("Sudah terdaftar di DTKS").all()
    rest = again.drop(family["nik"])
    assert rest["reasons"].str.contains("menunggu penetapan Kemensos").all()


def test_after_the_configured_age_a_waiting_proposal_may_be_sent_again(tiny):
    home = tiny.home
    with open_store(home.store_path) as store:
        close(store, PERIOD, "Rina", force=True, alasan="Batas waktu Kemensos")
        sent = set(store.df("SELECT nik FROM register_change WHERE kind = 'usulan_baru'")["nik"])
    _resend(home)
    batch = _batch(home, NEXT)
    with open_store(home.store_path, read_only=True) as store:
        later = deciding.decide(dataclasses.replace(batch, period="2027-02"), store, "6271", 2)
    with open_store(home.store_path, read_only=True) as store:
        within = deciding.decide(dataclasses.replace(batch, period="2027-01"), store, "6271", 2)
    again = later[later["nik"].isin(sent)]
    assert set(again["outcome"]) == {"usulan_baru"}
    assert (
        again["reasons"]
        .str.contains(
            rf"Diusulkan lagi: usulan periode {PERIOD} belum ditetapkan Kemensos setelah 3 bulan"
        )
        .all()
    )
    assert set(within.loc[within["nik"].isin(sent), "outcome"]) == {deciding.PENDING}


def test_a_new_member_of_a_waiting_family_is_proposed_with_a_note(tiny):
    home, world = tiny.home, tiny
    kode = world.kelurahan[0]
    with open_store(home.store_path) as store:
        close(store, PERIOD, "Rina", force=True, alasan="Batas waktu Kemensos")
    world.insert(kode, 0)  # a newborn of the first proposed household
    world.write(kode)
    _resend(home)
    _, outcomes, _ = run_finalize_stages(home, NEXT)
    baby = outcomes[outcomes["nik"] == world.rows[kode][0].nik].iloc[0]
    assert baby["outcome"] == "usulan_baru"
    assert f"sudah diusulkan pada periode {PERIOD} dan menunggu" in baby["reasons"]


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory):
    with open_store(tmp_path_factory.mktemp("pending") / "dtks.duckdb") as store:
        yield store


@settings(max_examples=40, deadline=None)
@given(
    proposed=st.lists(st.integers(0, 30), min_size=1, max_size=4),
    now=st.integers(1, 40),
    limit=st.integers(1, 12),
    accepted=st.booleans(),
)
def test_waiting_or_resend_follows_the_age_of_the_latest_proposal(
    empty_store, proposed, now, limit, accepted
):
    store = empty_store

    def period(m: int) -> str:
        return f"{2025 + m // 12}-{m % 12 + 1:02d}"

    store.run("DELETE FROM register_change")
    for i, m in enumerate(proposed):
        store.run(
            "INSERT INTO register_change (period, row_id, kind, nik, no_kk, accepted_snapshot_id)"
            " VALUES (?, ?, 'usulan_baru', '6271010101900001', '6271010101900009', ?)",
            [period(m), i, 1 if accepted else None],
        )
    rows = pd.DataFrame({"row_id": [7], "nik": ["6271010101900001"], "no_kk": ["x"]})
    got = pending.find(store, period(now), rows, limit)
    earlier = [m for m in proposed if m < now]
    if accepted or not earlier:
        assert got.empty
        return
    age = now - max(earlier)
    assert list(got["status"]) == ["menunggu" if age <= limit else "ulang"]
    assert period(max(earlier)) in got["reason"].iloc[0]


def test_the_age_setting_is_checked(tmp_path):
    from pipelines.settings import parse

    assert parse({}).usulan.usul_ulang_bulan == pending.DEFAULT_MONTHS
    assert parse({"usulan": {"usul_ulang_bulan": 3}}).usulan.usul_ulang_bulan == 3
    for bad in ("6", 0, True, 2.5, 61):
        with pytest.raises(ConfigError, match=r"\[usulan\] usul_ulang_bulan"):
            parse({"usulan": {"usul_ulang_bulan": bad}})


def test_a_read_only_store_can_match_a_batch(tmp_path):
    """The upgrade check left a result unfinished; registering a frame then failed."""
    with open_store(tmp_path / "dtks.duckdb"):
        pass
    with open_store(tmp_path / "dtks.duckdb", read_only=True) as store:
        rows = pd.DataFrame({"row_id": [1], "nik": ["6271010101900001"], "no_kk": ["x"]})
        assert pending.find(store, NEXT, rows, 6).empty
