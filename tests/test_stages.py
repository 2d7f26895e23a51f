"""The finalisation defined once (pipelines/stages.py), run the ways a user runs it.

`dtks finalize` without a Prefect server runs the stages directly and starts no Prefect; with
PREFECT_API_URL it runs the flow, whose tasks are the same stage functions: both give the
same month, row by row.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from cli_helpers import dtks
from operator_world import PERIOD

from pipelines import stages
from pipelines.config import Home


@pytest.fixture
def two_roots(tiny_world, tmp_path) -> tuple[Home, Home]:
    """Two copies of the tiny root, the month's outputs removed."""
    homes = []
    for name in ("langsung", "flow"):
        shutil.copytree(tiny_world.home.root, tmp_path / name)
        h = Home(tmp_path / name)
        shutil.rmtree(h.period_out(PERIOD))
        homes.append(h)
    return homes[0], homes[1]


def _month(h: Home) -> pd.DataFrame:
    out = pd.read_parquet(h.period_out(PERIOD) / "outcomes.parquet")
    return out.drop(columns=["applied_at"]).sort_values("row_id").reset_index(drop=True)


def _completed(server) -> int:
    return sum(r["state_type"] == "COMPLETED" for r in server.flow_runs("finalisasi-bulanan"))


def test_without_a_prefect_server_the_stages_run_directly_and_match_the_flow(
    two_roots, prefect_server
):
    direct, flow = two_roots
    r = dtks("finalize", PERIOD, home=direct.root)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.startswith(f"Finalisasi periode {PERIOD}")
    assert "flow Prefect" not in r.stdout
    assert not direct.prefect_home.exists(), "Prefect was started without a server configured"
    before = _completed(prefect_server)
    f = dtks("finalize", PERIOD, home=flow.root, PREFECT_API_URL=prefect_server.api)
    assert f.returncode == 0, f.stderr[-2000:]
    assert "Dijalankan sebagai flow Prefect" in f.stdout
    assert _completed(prefect_server) == before + 1, "no completed flow run on the server"
    pd.testing.assert_frame_equal(_month(direct), _month(flow))
    assert len(_month(direct)) > 0


def test_the_steps_run_are_the_stage_functions(tiny, monkeypatch):
    """stages.run calls the stage functions it is given, in order, once per kelurahan read:
    the flow's tasks are these functions (flows.TASKS), so what the tests check is what runs."""
    calls = []

    def spy(name, fn):
        def inner(*args):
            calls.append(name)
            return fn(*args)

        return inner

    steps = stages.Steps(
        spy("read", stages.read_kelurahan),
        spy("decide", stages.decide),
        spy("publish", stages.publish),
    )
    done = stages.finalise(tiny.home, PERIOD, steps)
    n = len(done.batch.folders)
    assert calls == ["read"] * n + ["decide", "publish"] and n == len(tiny.kelurahan)
    assert sum(done.published.totals.values()) == len(done.outcomes) == len(done.batch.prelist)


def test_the_flow_wraps_exactly_the_stage_functions():
    from pipelines import flows

    assert [
        t.fn for t in (flows.TASKS.read_kelurahan, flows.TASKS.decide, flows.TASKS.publish)
    ] == [
        stages.read_kelurahan,
        stages.decide,
        stages.publish,
    ]


def test_a_closed_month_is_refused_before_any_kelurahan_is_read(tiny, monkeypatch):
    from pipelines.close import close
    from pipelines.errors import PeriodClosed
    from pipelines.store import open_store

    with open_store(tiny.home.store_path) as store:
        close(store, PERIOD, "Rina", force=True, alasan="uji")
    read = []
    monkeypatch.setattr(
        stages.discover, "read_kelurahan", lambda *a: read.append(a) or pytest.fail("read")
    )
    with pytest.raises(PeriodClosed, match="sudah ditutup"):
        stages.finalise(tiny.home, PERIOD)
    assert read == []
