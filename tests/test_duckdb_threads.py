"""DuckDB in a finalisation: its threads (dtks.toml [duckdb] threads, the province fan-out's
share per worker) and its memory cap."""

from __future__ import annotations

import os
import sys

import pytest

from pipelines import province
from pipelines.config import THREADS_ENV, Home
from pipelines.store import open_store


def _threads(home: Home) -> int:
    with open_store(home.store_path, threads=home.duckdb_threads) as store:
        return store.one("SELECT current_setting('threads')")[0]


def test_the_finalisation_store_uses_the_configured_threads(tmp_path, monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    home = Home(tmp_path)
    default = _threads(home)
    (tmp_path / "dtks.toml").write_text("[duckdb]\nthreads = 1\n", encoding="utf-8")
    assert home.duckdb_threads == 1 and _threads(home) == 1
    # the fan-out's per-worker share wins over dtks.toml; a junk value is ignored
    monkeypatch.setenv(THREADS_ENV, "3")
    assert _threads(home) == 3
    monkeypatch.setenv(THREADS_ENV, "semua")
    (tmp_path / "dtks.toml").unlink()
    assert _threads(home) == default


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows")
def test_local_fan_out_workers_share_the_cores_and_come_from_the_fork_server():
    from distributed import Client

    with province.local_cluster(2) as cluster, Client(cluster) as client:
        got = client.run(os.getenv, THREADS_ENV)
        assert sorted(got.values()) == [str(max(1, province.cores() // 2))] * 2
        # forked by the fork server (which imported the pipeline once), not spawned by
        # this process: each spawned worker imported pandas, DuckDB and the pipeline again
        parents = client.run(os.getppid)
        assert len(parents) == 2 and os.getpid() not in parents.values()


def test_the_finalisation_caps_duckdb_memory_unless_dtks_toml_says(tmp_path, monkeypatch):
    from pipelines import stages

    monkeypatch.delenv(THREADS_ENV, raising=False)
    home = Home(tmp_path)

    def limit() -> str:
        with stages.store_of(home) as store:
            return store.one("SELECT current_setting('memory_limit')")[0]

    # DuckDB's own default is 80% of the machine's memory, on top of the month's pandas
    # frames; the finalisation's is 2 GB (DuckDB shows 2 GB as 1.8 GiB)
    assert limit() == "1.8 GiB"
    (tmp_path / "dtks.toml").write_text('[duckdb]\nmemory_limit = "3GB"\n', encoding="utf-8")
    assert limit() == "2.7 GiB"
