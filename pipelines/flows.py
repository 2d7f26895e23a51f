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
import logging
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed

from pipelines import finalize as fin
from pipelines import prefect_server, runlock, vocabulary
from pipelines.config import Home
from pipelines.dedup import pending
from pipelines.ingest import discover
from pipelines.publish import Published, publish, remove_stale_scratch
from pipelines.redact import boundary, guarded
from pipelines.store import open_store

TASK = {"cache_policy": NO_CACHE, "persist_result": False}
prefect_server.install()  # the temporary Prefect server dies with this process
# stage-by-stage progress for the CLI (codes and counts only; see cli._Progress)
progress = logging.getLogger("pipelines.progress")


@task(name="baca-kelurahan", retries=1, retry_delay_seconds=2, **TASK)
@guarded("baca-kelurahan", where=lambda code, *_, **__: f"kelurahan {code}")
def read_kelurahan_task(code: str, folder: Path, period_dir: Path) -> discover.KelurahanInput:
    return discover.read_kelurahan(code, folder, period_dir)


@task(name="validasi-dan-pencocokan", **TASK)
@guarded("validasi-dan-pencocokan")
def decide_task(batch: fin.Batch, store_path: Path, home: Home):
    with open_store(store_path, memory_limit=home.memory_limit) as store:
        resend = pending.months_setting(home.settings())  # [usulan] usul_ulang_bulan
        return fin.decide(batch, store, fin.dinas_kabkota(home, store), resend)


@task(name="tulis-keluaran", retries=1, retry_delay_seconds=2, **TASK)
@guarded("tulis-keluaran")
def publish_task(batch: fin.Batch, outcomes, home: Home) -> Published:
    with open_store(home.store_path) as store:
        return publish(store, home, batch, outcomes)


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
                return Failed(message=f"{type(exc).__name__}: {exc}", data=exc)

        return inner

    return deco


@flow(name="finalisasi-bulanan", log_prints=False, persist_result=False)
@fails_as_state("finalisasi-bulanan")
def finalize_flow(period: str | None = None, home: str = ".") -> Published:
    """Monthly finalisation of one period (default: last month) under one data root."""
    period = period or previous_month()
    h = Home(Path(home).resolve())
    h.require_register()  # a wrong data root never gets a new, empty register
    with runlock.finalisation(h):  # before any kelurahan is read; the CLI holds it already
        remove_stale_scratch(h.processed)
        remove_stale_scratch(h.reports)
        return _finalize(period, h)


def _finalize(period: str, h: Home) -> Published:
    logger = get_run_logger()
    vocabulary.use(h)  # reasons and reports say DTKS or DTSEN as dtks.toml chooses
    period_dir = h.period_raw(period)
    folders, folder_problems = discover.kelurahan_folders(period_dir)
    logger.info("periode %s: %d folder kelurahan", period, len(folders))
    parts = [read_kelurahan_task(code, p, period_dir) for code, p in folders]
    batch = fin.combine(period, parts, folder_problems)
    logger.info("%d baris prelist, %d masalah berkas", len(batch.prelist), len(batch.problems))
    progress.info("validasi dan pencocokan %d baris", len(batch.prelist))
    outcomes = decide_task(batch, h.store_path, h)
    progress.info("menulis keluaran")
    result = publish_task(batch, outcomes, h)
    logger.info("hasil: %s", result.totals)
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


@task(name="finalisasi-kabkota", **TASK)
@guarded("finalisasi-kabkota")
def finalize_root_task(home: str, period: str) -> dict[str, int]:
    from pipelines.publish import finalise_root

    h = Home(Path(home).resolve())
    with runlock.finalisation(h):
        remove_stale_scratch(h.processed)
        remove_stale_scratch(h.reports)
        return finalise_root(home, period)


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
    """A Dask task runner: a local cluster of `workers` processes, or an existing cluster."""
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        }
    )
