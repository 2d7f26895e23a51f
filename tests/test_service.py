"""Production mode against a real Prefect server on loopback, and two runs at once."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect_helpers import prefect_env

from pipelines.store import open_store

VENV_BIN = Path(sys.executable).parent


def test_served_deployment_runs_a_finalisation(loaded_home, tmp_path, prefect_server):
    root = tmp_path / "root"
    shutil.copytree(loaded_home.root, root)
    env = prefect_server.env()
    served = None
    try:
        served = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "serve-deployments", "--home", str(root)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 90
        while True:  # the deployment appears once `dtks serve` has registered it
            ls = subprocess.run(
                [str(VENV_BIN / "prefect"), "deployment", "ls"],
                env=env,
                capture_output=True,
                text=True,
            )
            if "finalisasi-bulanan" in ls.stdout or time.monotonic() > deadline:
                break
            time.sleep(2)
        run = subprocess.run(
            [
                str(VENV_BIN / "prefect"),
                "deployment",
                "run",
                "finalisasi-bulanan/finalisasi-bulanan",
                "--param",
                "period=2026-11",
                "--watch",
                "--watch-timeout",
                "300",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=400,
        )
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        assert "Completed" in run.stdout + run.stderr
        out = root / "data" / "processed" / "2026-11"
        assert (out / "outcomes.parquet").exists() and (out / "summary.xlsx").exists()
        with open_store(root / "data" / "processed" / "dtks.duckdb", read_only=True) as store:
            assert (
                store.one("SELECT count(*) FROM finalisation_run WHERE period = '2026-11'")[0] >= 1
            )
    finally:
        if served is not None:
            served.terminate()
            try:
                served.wait(timeout=20)
            except subprocess.TimeoutExpired:
                served.kill()


def test_a_second_run_on_a_busy_store_stops_with_a_clear_message(loaded_home, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(loaded_home.root, root)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from pipelines.store import open_store; s = open_store(Path(sys.argv[1])); "
            "print('held', flush=True); time.sleep(60)",
            str(root / "data/processed/dtks.duckdb"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        r = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "finalize", "2026-11", "--home", str(root)],
            capture_output=True,
            text=True,
            env=prefect_env(),
        )
    finally:
        holder.kill()
        holder.wait()  # the lock goes with the process, not with the kill signal
    assert r.returncode == 1
    assert "sedang dipakai proses lain" in r.stderr and "Traceback" not in r.stderr
    with open_store(root / "data/processed/dtks.duckdb", read_only=True) as store:
        assert store.one("SELECT count(*) FROM dtks_current")[0] > 0  # the store is intact


@pytest.mark.parametrize("today,expected", [("2026-12-05", "2026-11"), ("2027-01-05", "2026-12")])
def test_a_scheduled_run_finalises_the_previous_month(today, expected):
    import datetime as dt

    from pipelines.flows import previous_month

    assert previous_month(dt.date.fromisoformat(today)) == expected


def test_province_run_fans_out_per_kabkota_on_dask(tmp_path):
    from tests_helpers import corpus_root

    roots = [corpus_root(tmp_path / f"k{i}") for i in range(2)]
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "finalize-province",
            "2026-11",
            *map(str, roots),
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        env=prefect_env(),
        timeout=600,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    for root in roots:
        assert str(root) in r.stdout
        assert (root / "data/processed/2026-11/outcomes.parquet").exists()


def test_province_run_on_an_existing_dask_cluster(tmp_path):
    """--dask-address: `dask scheduler` and one `dask worker` on loopback, started apart as an
    operator starts them; both kab/kota are finalised on that cluster."""
    import os
    import signal

    from prefect_helpers import free_port
    from tests_helpers import corpus_root

    roots = [corpus_root(tmp_path / f"k{i}") for i in range(2)]
    address = f"tcp://127.0.0.1:{free_port()}"
    env = prefect_env()
    started: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> subprocess.Popen:
        with (tmp_path / f"{name}.log").open("w") as log:
            proc = subprocess.Popen(
                [str(VENV_BIN / "dask"), *args],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: the worker's nanny and child go too
            )
        started.append(proc)
        return proc

    try:
        port = address.rsplit(":", 1)[1]
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard")
        start(
            "worker", "worker", address, "--host", "127.0.0.1", "--nworkers", "1",
            "--nthreads", "1", "--no-dashboard",
        )  # fmt: skip
        r = subprocess.run(
            [
                str(VENV_BIN / "dtks"),
                "finalize-province",
                "2026-11",
                *map(str, roots),
                "--dask-address",
                address,
            ],  # fmt: skip
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        logs = "".join(p.read_text() for p in sorted(tmp_path.glob("*.log")))
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:] + logs[-3000:]
        for root in roots:
            assert str(root) in r.stdout
            out = root / "data/processed/2026-11"
            assert (out / "outcomes.parquet").exists()
            assert (out / "summary.xlsx").exists()
            assert list((out / "siks-ng").glob("*.xlsx"))
        # the command used the scheduler started here (whose only worker is the one above),
        # not a local cluster of its own
        assert "Receive client connection" in (tmp_path / "scheduler.log").read_text(), logs
    finally:
        for proc in reversed(started):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            except ProcessLookupError:
                proc.wait()


def test_province_run_names_a_failing_kabkota_after_the_others_finish(tmp_path):
    """Without a Prefect server the fan-out runs on Dask directly; a root that cannot be
    finalised (no register) is named at the end, exit 1, and the other root is finished."""
    from tests_helpers import corpus_root

    good = corpus_root(tmp_path / "good")
    empty = tmp_path / "kosong"
    empty.mkdir()
    r = subprocess.run(
        [
            str(VENV_BIN / "dtks"),
            "finalize-province",
            "2026-11",
            str(empty),
            str(good),
            "--workers",
            "1",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        env=prefect_env(),
        timeout=600,
    )
    out = r.stdout + r.stderr
    assert r.returncode == 1, out[-3000:]
    flat = "".join(out.split())  # the screen's line breaks fall anywhere, even in a path
    assert "gagaluntuk1dari2kab/kota" in flat and "belumberisiregister" in flat, out
    assert f"{''.join(str(empty).split())}:Folderdata" in flat, out
    assert (good / "data/processed/2026-11/outcomes.parquet").exists()
    assert "Traceback" not in out
    from pipelines.config import Home

    assert not Home(empty).prefect_home.exists()  # no Prefect was started


def test_province_run_is_a_prefect_flow_when_a_server_is_configured(tmp_path, prefect_server):
    from tests_helpers import corpus_root

    roots = [corpus_root(tmp_path / f"k{i}") for i in range(2)]
    r = subprocess.run(
        [
            str(VENV_BIN / "dtks"),
            "finalize-province",
            "2026-11",
            *map(str, roots),
            "--workers",
            "1",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        env=prefect_server.env(),
        timeout=600,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    assert "Dijalankan sebagai flow Prefect" in r.stdout
    for root in roots:
        assert (root / "data/processed/2026-11/outcomes.parquet").exists()
    runs = prefect_server.flow_runs("finalisasi-provinsi")
    assert any(run["state_type"] == "COMPLETED" for run in runs), runs
