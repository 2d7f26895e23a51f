"""A closed month is frozen in every write path; reopening is an explicit, recorded act."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import pytest
from conftest import run_finalize_stages
from operator_world import PERIOD, fill_review

from pipelines import review
from pipelines.close import ReopenRefused, close, is_closed, reopen
from pipelines.errors import PeriodClosed
from pipelines.export.final import export
from pipelines.store import open_store


def _state(home) -> tuple:
    """Every file of the month and its register history."""
    files = {
        str(p.relative_to(home.root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for d in (home.period_out(PERIOD), home.reports / PERIOD)
        for p in sorted(d.rglob("*"))
        if p.is_file()
    }
    with open_store(home.store_path, read_only=True) as store:
        history = [
            store.execute(sql, [PERIOD]).fetchall()
            for sql in (
                "SELECT * FROM period_close WHERE period = ?",
                "SELECT * FROM register_change WHERE period = ? ORDER BY row_id",
                "SELECT row_id, outcome, keputusan FROM prelist_final WHERE period = ? "
                "ORDER BY row_id",
                "SELECT count(*) FROM review_decision WHERE period = ?",
            )
        ]
    return files, history


def _close(world, tmp_path, force=False):
    filled = tmp_path / "diisi.xlsx"
    fill_review(world.home, ["BARU", "SAMA"], filled)
    with open_store(world.home.store_path) as store:
        review.apply(store, PERIOD, filled, "Rina", home=world.home)
        close(store, PERIOD, "Rina", force, "Batas waktu" if force else None, home=world.home)
    return filled


def test_a_closed_month_refuses_every_write_and_nothing_of_it_changes(tiny, tmp_path):
    filled = _close(tiny, tmp_path)
    before = _state(tiny.home)
    first = tiny.kelurahan[0]
    tiny.insert(first, 0)  # a kelurahan resends after closing
    tiny.write(first)
    with pytest.raises(PeriodClosed, match="sudah ditutup"):
        run_finalize_stages(tiny.home)
    other = tmp_path / "lagi.xlsx"
    fill_review(tiny.home, ["TOLAK"], other)
    with open_store(tiny.home.store_path) as store:
        for act in (
            lambda: review.apply(store, PERIOD, other, "Rina", home=tiny.home),
            lambda: review.apply(store, PERIOD, filled, "Rina"),
            lambda: export(store, tiny.home, PERIOD),
        ):
            with pytest.raises(PeriodClosed, match="dtks reopen"):
                act()
        assert close(store, PERIOD, "Budi", home=tiny.home).already
    assert _state(tiny.home) == before


def _dtks(*args, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DTKS_"))}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args, "--home", str(home.root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_the_cli_refuses_to_rewrite_a_closed_month(tiny, tmp_path):
    filled = _close(tiny, tmp_path)
    before = _state(tiny.home)
    for args in (
        ["siks-ng", PERIOD],
        ["review", "apply", PERIOD, str(filled), "--petugas", "Rina"],
        ["finalize", PERIOD],
    ):
        r = _dtks(*args, home=tiny.home)
        assert r.returncode == 1, (args, r.stderr)
        assert f"Periode {PERIOD} sudah ditutup" in r.stderr and "Traceback" not in r.stderr
    assert _state(tiny.home) == before


def test_reopening_needs_a_reason_is_recorded_and_lets_the_month_change(tiny, tmp_path):
    _close(tiny, tmp_path, force=True)
    with open_store(tiny.home.store_path) as store:
        sent = store.one("SELECT count(*) FROM register_change")[0]
        with pytest.raises(ReopenRefused, match="alasan"):
            reopen(store, PERIOD, "Rina", "")
        done = reopen(store, PERIOD, "Rina", "Kelurahan mengirim koreksi resmi")
        assert not is_closed(store, PERIOD)
        history = store.df("SELECT * FROM period_history WHERE period = ? ORDER BY pada", [PERIOD])
        withdrawn = store.one("SELECT count(*) FROM register_change_withdrawn")[0]
        left = store.one("SELECT count(*) FROM register_change")[0]
    assert done.withdrawn == withdrawn == sent > 0 and left == 0
    assert history["peristiwa"].tolist() == ["ditutup", "dibuka kembali"]
    assert history["alasan"].tolist() == ["Batas waktu", "Kelurahan mengirim koreksi resmi"]
    first = tiny.kelurahan[0]
    tiny.insert(first, 0)
    tiny.write(first)
    run_finalize_stages(tiny.home)  # open again: the resent file is taken in
    with open_store(tiny.home.store_path) as store:
        assert close(store, PERIOD, "Rina", True, "Batas waktu", home=tiny.home).proposals
        history = store.df("SELECT peristiwa FROM period_history WHERE period = ?", [PERIOD])
    assert sorted(history["peristiwa"]) == ["dibuka kembali", "ditutup", "ditutup"]


def test_only_the_latest_closed_month_can_be_reopened(tiny, tmp_path):
    shutil.copytree(tiny.home.period_raw(PERIOD), tiny.home.period_raw("2026-12"))
    _close(tiny, tmp_path, force=True)
    run_finalize_stages(tiny.home, "2026-12")
    with open_store(tiny.home.store_path) as store:
        close(store, "2026-12", "Rina", True, "Batas waktu")
        with pytest.raises(ReopenRefused, match="2026-12 ditutup sesudahnya"):
            reopen(store, PERIOD, "Rina", "Kelurahan mengirim koreksi resmi")
        assert is_closed(store, PERIOD)
        reopen(store, "2026-12", "Rina", "Kelurahan mengirim koreksi resmi")
        reopen(store, PERIOD, "Rina", "Kelurahan mengirim koreksi resmi")
