"""DuckDB in a finalisation: its threads (dtks.toml [duckdb] threads), its memory cap, no
progress bar; the province fan-out's workers forked from the fork server."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pipelines import province
from pipelines.config import Home
from pipelines.store import open_store


def _threads(home: Home) -> int:
    with open_store(home.store_path, threads=home.duckdb_threads) as store:
        return store.one("SELECT current_setting('threads')")[0]


def test_the_finalisation_store_uses_the_configured_threads(tmp_path):
    home = Home(tmp_path)
    default = _threads(home)
    (tmp_path / "dtks.toml").write_text("[duckdb]\nthreads = 3\n", encoding="utf-8")
    assert home.duckdb_threads == 3 and _threads(home) == 3
    (tmp_path / "dtks.toml").unlink()
    assert _threads(home) == default


@pytest.mark.skipif(sys.platform == "win32", reason="no fork server on Windows")
def test_local_fan_out_workers_come_from_the_fork_server():
    from distributed import Client

    with province.local_cluster(2) as cluster, Client(cluster) as client:
        # forked by the fork server (which imported the pipeline once), not spawned by
        # this process: each spawned worker imported pandas, DuckDB and the pipeline again
        parents = client.run(os.getppid)
        assert len(parents) == 2 and os.getpid() not in parents.values()


def test_the_finalisation_caps_duckdb_memory_unless_dtks_toml_says(tmp_path):
    from pipelines import stages

    home = Home(tmp_path)

    def limit() -> str:
        with stages.store_of(home) as store:
            return store.one("SELECT current_setting('memory_limit')")[0]

    # DuckDB's own default is 80% of the machine's memory, on top of the month's pandas
    # frames; the finalisation's is 2 GB (DuckDB shows 2 GB as 1.8 GiB)
    assert limit() == "1.8 GiB"
    (tmp_path / "dtks.toml").write_text('[duckdb]\nmemory_limit = "3GB"\n', encoding="utf-8")
    assert limit() == "2.7 GiB"


def test_no_duckdb_progress_bar_reaches_the_screen(tmp_path):
    # the Dask workers of `dtks finalize-province` printed DuckDB's bar of every query over
    # 2 s on the operator's screen; the pipeline prints its own progress lines. Checked in a
    # fresh process: under pytest's output capture DuckDB starts without its bar anyway
    code = (
        "import sys; from pathlib import Path; from pipelines.store import open_store\n"
        "for ro in (False, True):\n"
        "    with open_store(Path(sys.argv[1]), read_only=ro) as s:\n"
        "        print(s.one(\"SELECT current_setting('enable_progress_bar')\")[0])\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "dtks.duckdb")], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["False", "False"]
