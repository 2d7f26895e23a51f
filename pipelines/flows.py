"""Prefect flows: thin wrappers that run the stage functions as visible tasks.

No personal data crosses a task boundary that Prefect records: parameters are a period
string and a data-root path; task results are not persisted; logs carry counts only. A task
or flow that fails lets out only a value-free exception (`redact.boundary`), and a failed
flow returns its Failed state itself, because Prefect 3.8 writes the exception of a flow
that raises to the result storage (.prefect/storage/) whatever persist_result says.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed

from pipelines import prefect_server, province, stages
from pipelines.config import Home
from pipelines.publish import Published
from pipelines.redact import boundary, detach
from pipelines.store import open_store

TASK: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}
prefect_server.install()  # a temporary Prefect server (no PREFECT_API_URL) dies with us

# the stage functions of pipelines/stages.py, as visible Prefect tasks
read_kelurahan_task = task(name="baca-kelurahan", retries=1, retry_delay_seconds=2, **TASK)(
    stages.read_kelurahan
)
decide_task = task(name="validasi-dan-pencocokan", **TASK)(stages.decide)
publish_task = task(name="tulis-keluaran", retries=1, retry_delay_seconds=2, **TASK)(stages.publish)
TASKS = stages.Steps(read_kelurahan_task, decide_task, publish_task)


def previous_month(today: dt.date | None = None) -> str:
    """'YYYY-MM' of the month before today: what a scheduled run finalises."""
    first = (today or dt.date.today()).replace(day=1)
    return (first - dt.timedelta(days=1)).strftime("%Y-%m")


def fails_as_state(stage: str):
    """A flow body whose failure is returned as a Failed state holding a value-free exception.

    Prefect writes the exception of a flow that raises to .prefect/storage/ even with
    persist_result=False; a returned Failed state is not written, and calling the flow still
    raises that exception.
    """

    def deco(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            try:
                with boundary(stage):
                    return fn(*args, **kwargs)
            except Exception as exc:
                return Failed(message=f"{type(exc).__name__}: {exc}", data=detach(exc))

        return inner

    return deco


@flow(name="finalisasi-bulanan", log_prints=False, persist_result=False)
@fails_as_state("finalisasi-bulanan")
def finalize_flow(period: str | None = None, home: str = ".") -> Published:
    """Monthly finalisation of one period (default: last month) under one data root."""
    period = period or previous_month()
    result = stages.finalise(Home(Path(home).resolve()), period, TASKS).published
    get_run_logger().info("hasil: %s", result.totals)
    create_table_artifact(
        key=f"finalisasi-{period}",
        table=[{"hasil": k, "jumlah_baris": v} for k, v in result.totals.items()],
        description=f"Jumlah baris per hasil, periode {period} (tanpa data pribadi).",
    )
    return result


@flow(name="pengingat-sla-permintaan", log_prints=False, persist_result=False)
@fails_as_state("pengingat-sla-permintaan")
def sla_reminder_flow(home: str = ".") -> dict[str, int]:
    """Daily: count open data requests and those past their due date (counts only)."""
    from pipelines.requests import register

    h = Home(Path(home).resolve())
    with open_store(h.store_path, read_only=True) as store:
        listing = register.listing(store)
    open_ = listing[~listing["status"].isin(["diserahkan", "ditolak"])]
    counts = {"terbuka": len(open_), "terlambat": int(open_["terlambat"].sum())}
    get_run_logger().warning(
        "permintaan data: %d terbuka, %d lewat batas waktu", counts["terbuka"], counts["terlambat"]
    ) if counts["terlambat"] else None
    create_table_artifact(
        key="sla-permintaan-data",
        table=[counts],
        description="Permintaan data terbuka dan terlambat (jumlah saja).",
    )
    return counts


# one kab/kota's whole finalisation on a fan-out worker (the same function `dtks
# finalize-province` runs on Dask without Prefect: pipelines/province.py)
finalize_root_task = task(name="finalisasi-kabkota", **TASK)(province.finalise_root)


@flow(name="finalisasi-provinsi", log_prints=False, persist_result=False)
@fails_as_state("finalisasi-provinsi")
def province_flow(homes: list[str], period: str) -> dict[str, dict[str, int]]:
    """Fan the finalisation out per kab/kota (one data root each) on the flow's task runner."""
    futures = [finalize_root_task.submit(h, period) for h in homes]
    results = {h: f.result() for h, f in zip(homes, futures, strict=True)}
    create_table_artifact(
        key=f"finalisasi-provinsi-{period}",
        table=[{"kabkota": Path(h).name, **c} for h, c in results.items()],
        description="Jumlah baris per hasil per kab/kota (tanpa data pribadi).",
    )
    return results


def province_runner(workers: int, address: str | None = None):
    """A Dask task runner: a local cluster of `workers` single-threaded processes (why:
    pipelines/province.py), or an existing cluster."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(cluster_kwargs=province.cluster_kwargs(workers))
