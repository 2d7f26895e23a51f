"""Supervisor decisions belong to the person and the data decided, never to a row number.

Issue 12: a kelurahan resending its file with one more row moved every later decision onto
another person. Here the tiny root's doubtful rows are decided, its files are resent with rows
inserted, changed or removed, and the month is finalised again.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import run_finalize_stages
from openpyxl import load_workbook
from operator_world import PERIOD, fill_review

from pipelines import review
from pipelines.identity import as_text
from pipelines.report import review_workbook
from pipelines.store import open_store
from pipelines.validate import PERSON_COLUMNS

CONTENT = ["folder_kode", *PERSON_COLUMNS]


def _final(home) -> pd.DataFrame:
    with open_store(home.store_path, read_only=True) as store:
        return store.df("SELECT * FROM prelist_final WHERE period = ? ORDER BY row_id", [PERIOD])


def _who(frame: pd.DataFrame) -> pd.Series:
    return frame[CONTENT].map(as_text).agg("|".join, axis=1)


def _decide(world, tmp_path, choices=("BARU", "SAMA", "TOLAK", "PERBAIKAN")):
    filled = tmp_path / "diisi.xlsx"
    chosen = fill_review(world.home, list(choices), filled)
    with open_store(world.home.store_path) as store:
        review.apply(store, PERIOD, filled, "Rina", home=world.home)
    before = _final(world.home)
    return chosen, before[before["keputusan"].notna()]


def test_every_decision_stays_with_its_person_when_a_resent_file_gains_a_row(tiny, tmp_path):
    chosen, decided = _decide(tiny, tmp_path)
    assert len(decided) == len(chosen) == 4
    first = tiny.kelurahan[0]
    tiny.insert(first, 0)  # a newborn at the top of the first kelurahan's prelist
    tiny.write(first)
    _, _, published = run_finalize_stages(tiny.home)
    after = _final(tiny.home)
    now = after.set_index(_who(after))
    was = decided.set_index(_who(decided))
    assert set(was.index) <= set(now.index)
    kept = now.loc[was.index]
    assert (kept["keputusan"] == was["keputusan"]).all()
    assert (kept["outcome"] == was["outcome"]).all(), "every decided person keeps the outcome"
    assert (kept["row_id"] != was["row_id"]).all(), "their row numbers did shift"
    assert published.carry.carried == 4 and published.carry.n_dropped == 0
    # nobody else got a decision
    assert after["keputusan"].notna().sum() == 4
    # the rewritten review workbook shows the carried decisions and says so
    ws = load_workbook(published.review, read_only=True)[review.SHEET]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    col = {h: i for i, h in enumerate(rows[0])}
    shown = {r[col["KUNCI"]]: r for r in rows[1:]}
    for key, choice in chosen.items():
        assert shown[key][col["KEPUTUSAN"]] == choice
        assert shown[key][col[review_workbook.STATUS]].startswith(
            "Dibawa dari finalisasi sebelumnya"
        )


def test_a_changed_row_loses_its_decision_and_the_workbook_says_why(tiny, tmp_path):
    chosen, decided = _decide(tiny, tmp_path)
    target = decided.iloc[0]
    kode = target["folder_kode"]
    i = next(i for i, p in enumerate(tiny.rows[kode]) if p.nik == target["nik"])
    tiny.rows[kode][i] = tiny.rows[kode][i].copy(nama=tiny.rows[kode][i].nama + " PUTRI")
    tiny.write(kode)
    _, _, published = run_finalize_stages(tiny.home)
    after = _final(tiny.home)
    mine = after[after["nik"] == target["nik"]].iloc[0]
    assert mine["flow_outcome"] == "perlu_verifikasi" and pd.isna(mine["keputusan"])
    assert mine["outcome"] == "perlu_verifikasi", "the changed row waits for a new decision"
    assert published.carry.carried == 3
    assert published.carry.dropped == {"data baris berubah": 1}
    with open_store(tiny.home.store_path, read_only=True) as store:
        drop = store.df("SELECT * FROM review_decision_drop")
    assert drop["alasan"].tolist() == ["data baris berubah (NAMA)"]
    assert drop["keputusan"].tolist() == [target["keputusan"]]
    wb = load_workbook(published.review, read_only=True)
    rows = list(wb[review.SHEET].iter_rows(min_row=2, values_only=True))
    col = {h: i for i, h in enumerate(rows[0])}
    row = next(r for r in rows[1:] if r[col["NIK"]] == target["nik"])
    assert row[col["KEPUTUSAN"]] is None
    assert "gugur: data baris berubah (NAMA)" in row[col[review_workbook.STATUS]]
    gone = list(wb[review_workbook.DROPPED_SHEET].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[6], r[-1]) for r in gone] == [
        (target["keputusan"], target["nik"], "data baris berubah (NAMA)")
    ]


def test_a_removed_row_drops_its_decision_and_no_other_row_takes_it(tiny, tmp_path):
    _, decided = _decide(tiny, tmp_path)
    target = decided.iloc[0]
    kode = target["folder_kode"]
    tiny.rows[kode] = [p for p in tiny.rows[kode] if p.nik != target["nik"]]
    tiny.write(kode)
    _, _, published = run_finalize_stages(tiny.home)
    after = _final(tiny.home)
    assert published.carry.dropped == {"baris tidak ada lagi dalam berkas kelurahan": 1}
    assert target["nik"] not in set(after["nik"])
    now = after[after["keputusan"].notna()]
    rest = decided.iloc[1:]
    assert sorted(zip(_who(now), now["keputusan"], strict=True)) == sorted(
        zip(_who(rest), rest["keputusan"], strict=True)
    ), "the other decisions stay on their own people, none moves to a neighbour"


def test_an_edited_kunci_cell_refuses_the_whole_workbook(tiny, tmp_path):
    filled = tmp_path / "diisi.xlsx"
    fill_review(tiny.home, ["BARU"], filled)
    wb = load_workbook(filled)
    ws = wb[review.SHEET]
    ws.cell(3, 1).value = "0" * 24 + "-1"
    wb.save(filled)
    with open_store(tiny.home.store_path) as store:
        with pytest.raises(review.ReviewRefused, match="baris 3: KUNCI") as exc:
            review.apply(store, PERIOD, filled, "Rina", home=tiny.home)
        assert "tidak ada keputusan yang diterapkan" in str(exc.value)
        assert store.one("SELECT count(*) FROM review_decision")[0] == 0


def test_a_store_from_before_row_keys_gets_the_same_keys_and_keeps_its_decisions(tmp_path):
    """Migration 003 on a store of release 0.1.0 with two decisions: one made after the month's
    finalisation keeps its row (same key a finalisation computes), one made before it is no
    longer counted (that run may have renumbered the rows)."""
    import duckdb
    from test_migrations import FIXTURE, old_store

    from pipelines.identity import backfill_sql, row_key_sql
    from pipelines.store.migrate import statements

    db = old_store(tmp_path / "processed" / "dtks.duckdb")
    con = duckdb.connect(str(db))
    period, finished = con.execute("SELECT period, max(finished_at) FROM finalisation_run "
                                   "GROUP BY ALL").fetchone()  # fmt: skip
    rows = con.execute(
        "SELECT row_id FROM prelist_outcome WHERE period = ? ORDER BY row_id LIMIT 2", [period]
    ).fetchall()
    for (row_id,), offset in zip(rows, (60, -60), strict=True):
        con.execute(
            "INSERT INTO review_decision VALUES (?, ?, 'BARU', NULL, 'usulan_baru', 'Rina', "
            "? + to_seconds(?), 'telaah.xlsx', 'x')",
            [period, row_id, finished, offset],
        )
    con.close()
    with open_store(db) as store:  # the upgrade runs on open
        keys = store.execute(
            "SELECT row_id, row_key FROM prelist_outcome WHERE period = ? ORDER BY row_id",
            [period],
        ).fetchall()
        decided = store.execute(
            "SELECT row_id, row_key FROM review_decision ORDER BY applied_at DESC"
        ).fetchall()
        store.run("UPDATE prelist_outcome SET row_key = NULL")
        store.run(row_key_sql(), {"period": period})
        again = store.execute(
            "SELECT row_id, row_key FROM prelist_outcome WHERE period = ? ORDER BY row_id",
            [period],
        ).fetchall()
    assert all(k for _, k in keys) and keys == again, "the keys a finalisation computes"
    after, before = decided
    assert after[1] == dict(keys)[after[0]]
    assert before[1] is None
    shipped = (
        FIXTURE.parents[2] / "pipelines/store/migrations/003_keputusan_ikut_orang.sql"
    ).read_text(encoding="utf-8")
    norm = {" ".join(s.split()) for s in statements(shipped)}
    assert all(" ".join(s.split()) in norm for s in backfill_sql()), "003 is in step"
