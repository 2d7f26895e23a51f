"""The monthly finalisation, defined once: read the period, decide, publish.

Each stage is a plain function behind a value-free error boundary (`redact.guarded`);
`run` calls them in order and `finalise` does it for one data root under its run lock.
Everything that finalises a month goes through `finalise`:

- `dtks finalize` without a Prefect server configured (no PREFECT_API_URL) calls it directly,
  so a month costs no Prefect start-up;
- the Prefect flow `finalisasi-bulanan` (flows.py; `dtks finalize` with PREFECT_API_URL, the
  web desk, deployments) calls it with the same stage functions wrapped as Prefect tasks;
- the province fan-out (`dtks finalize-province`) calls it once per data root;
- the tests call it, so what they check is what runs.

No stage takes or logs personal data outside its arguments; progress lines carry stage names
and counts only (logger `pipelines.progress`, shown by the CLI).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines import publish as pub
from pipelines import runlock, vocabulary
from pipelines.config import Home
from pipelines.finalize import deciding
from pipelines.finalize.batch import Batch, combine
from pipelines.ingest import discover
from pipelines.redact import guarded
from pipelines.store import Store, dinas_kabkota, open_store
from pipelines.store.periods import ensure_open

log = logging.getLogger(__name__)
# stage-by-stage progress for the CLI and the web desk (codes and counts only)
progress = logging.getLogger("pipelines.progress")


# DuckDB's buffer in a finalisation when dtks.toml sets no [duckdb] memory_limit. DuckDB's
# own default (80% of RAM) comes on top of the pandas frames of the month's rows: at 1M
# prelist rows x 10M persons it took the process to 6.1 GiB, against 5.6 GiB and a faster
# run with 2 GB (benchmarks/bench_province_scale.py); beyond it DuckDB spills to disk
FINALISE_MEMORY = "2GB"


def store_of(home: Home) -> Store:
    """The store as the finalisation's stages open it: dtks.toml's memory_limit (else
    FINALISE_MEMORY) and DuckDB threads (Home.duckdb_threads)."""
    return open_store(
        home.store_path,
        memory_limit=home.memory_limit or FINALISE_MEMORY,
        threads=home.duckdb_threads,
    )


@guarded("baca-kelurahan", where=lambda code, *_, **__: f"kelurahan {code}")
def read_kelurahan(code: str, folder: Path, period_dir: Path) -> discover.KelurahanInput:
    """Stage 1, per kelurahan folder: its prelist, berita acara and file problems."""
    return discover.read_kelurahan(code, folder, period_dir)


@guarded("validasi-dan-pencocokan")
def decide(batch: Batch, home: Home) -> pd.DataFrame:
    """Stage 2: validate, check the berita acara, match; one outcome per prelist row."""
    vocabulary.use(home)  # reasons and messages say DTKS or DTSEN as dtks.toml chooses
    resend = home.config.usulan.usul_ulang_bulan  # proposals waiting at Kemensos
    with store_of(home) as store:
        return deciding.decide(batch, store, dinas_kabkota(home, store), resend)


@guarded("tulis-keluaran")
def publish(batch: Batch, outcomes: pd.DataFrame, home: Home) -> pub.Published:
    """Stage 3: store the outcomes and write every output of the month, all or nothing."""
    with store_of(home) as store:
        return pub.publish(store, home, batch, outcomes)


@dataclass(frozen=True)
class Steps:
    """The stage functions `run` calls: these plain ones, or the same wrapped as tasks."""

    read_kelurahan: Callable[[str, Path, Path], discover.KelurahanInput] = read_kelurahan
    decide: Callable[[Batch, Home], pd.DataFrame] = decide
    publish: Callable[[Batch, pd.DataFrame, Home], pub.Published] = publish


PLAIN = Steps()


@dataclass
class Finalised:
    """What one finalisation produced: the batch read, its outcomes, the month's outputs."""

    batch: Batch
    outcomes: pd.DataFrame
    published: pub.Published


def run(home: Home, period: str, steps: Steps = PLAIN) -> Finalised:
    """Read every kelurahan folder of the period, decide every row, publish the month."""
    period_dir = home.period_raw(period)
    folders, folder_problems = discover.kelurahan_folders(period_dir)
    log.info("periode %s: %d folder kelurahan", period, len(folders))
    parts = [steps.read_kelurahan(code, path, period_dir) for code, path in folders]
    batch = combine(period, parts, folder_problems)
    log.info("%d baris prelist, %d masalah berkas", len(batch.prelist), len(batch.problems))
    progress.info("validasi dan pencocokan %d baris", len(batch.prelist))
    outcomes = steps.decide(batch, home)
    progress.info("menulis keluaran")
    published = steps.publish(batch, outcomes, home)
    log.info("hasil: %s", published.totals)
    return Finalised(batch, outcomes, published)


def finalise(home: Home, period: str, steps: Steps = PLAIN) -> Finalised:
    """The whole finalisation of one data root: refusals first, then `run` under the run lock.

    Refused before any kelurahan is read: a data root without a register (a wrong --home
    never gets a new, empty one), a root another finalisation holds (StoreLocked), a closed
    month (PeriodClosed). What a killed run left in scratch folders is removed first.
    """
    home.require_register()
    with runlock.finalisation(home):  # re-entrant: the CLI may hold it already
        with open_store(home.store_path, read_only=True) as store:
            ensure_open(store, period)
        pub.remove_stale_scratch(home.processed)
        pub.remove_stale_scratch(home.reports)
        return run(home, period, steps)
