"""The province fan-out: each kab/kota's whole finalisation as one task on a Dask cluster.

`dtks finalize-province` without PREFECT_API_URL runs `fan_out` here, with Dask and no
Prefect at all, as `dtks finalize` runs the stages directly: a run pays no Prefect start-up
(its temporary server took 20-50 s of a province run on the shared 2-core machine, more
than a small kab/kota's whole finalisation; benchmarks/bench_province.py). With
PREFECT_API_URL set, the command runs flows.province_flow instead: the same `finalise_root`
per data root as Prefect tasks on prefect-dask's task runner, recorded in that server.

The local cluster (`cluster_kwargs`) is one process per worker, one thread each: a
kab/kota's finalisation is pandas and DuckDB in one Python process, so two threads in one
process would share one GIL and one heap, and a worker with several threads would run two
kab/kota side by side in one memory budget; separate processes run them truly in parallel.
Dask's memory limit per worker is its share of the machine (memory / workers). DuckDB keeps
its own default threads (one per core) in every worker: measured with two kab/kota on two
workers of the 2-core machine (benchmarks/bench_province.py, --scale 80), one DuckDB thread
per worker took 26.2 s on average (28.4, 26.0, 24.2) and DuckDB's default 24.4 s (24.4,
23.8, 25.1): while one worker is in pandas, the other's DuckDB uses both cores.

Worker processes start from a fork server that has imported the pipeline once (POSIX; Windows
has no fork and spawns, each worker importing pandas, DuckDB and the pipeline itself): that
import, paid again by every spawned worker, was most of the fan-out's fixed cost.
"""

from __future__ import annotations

import logging
import multiprocessing
from pathlib import Path

from pipelines import stages
from pipelines.config import Home
from pipelines.errors import DtksError
from pipelines.redact import StageFailed, guarded


@guarded("finalisasi-kabkota")
def finalise_root(home: str, period: str) -> dict[str, int]:
    """One kab/kota's whole finalisation on a fan-out worker; counts per outcome only."""
    return stages.finalise(Home(Path(home).resolve()), period).published.totals


def cluster_kwargs(workers: int) -> dict:
    """The local Dask cluster of `workers` single-threaded processes (see the module doc)."""
    return {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": None,  # no dashboard; its HTTP server on a free port
        "scheduler_kwargs": {"dashboard_address": ":0"},
        # a failed task is reported by the command, named by its data root; Dask's own
        # "Compute Failed" log line would put a traceback on the operator's screen
        "silence_logs": logging.CRITICAL,
    }


class ProvinceFailed(Exception):
    """Some kab/kota failed; `results` holds the others', `failed` root -> value-free message."""

    def __init__(self, results: dict[str, dict[str, int]], failed: dict[str, str]) -> None:
        super().__init__(f"{len(failed)} kab/kota gagal")
        self.results, self.failed = results, failed


def fan_out(
    homes: list[str], period: str, workers: int, address: str | None = None
) -> dict[str, dict[str, int]]:
    """Finalise every data root on a Dask cluster (a local one of `workers` processes, or the
    one at `address`); counts per outcome per root. Every root runs to its end even when
    another fails; then ProvinceFailed names the failed ones."""
    from distributed import Client, wait

    # Dask's INFO lines (scheduler, nanny) would reach the operator's screen through the
    # CLI's log handler: only its errors do
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    cluster = client = None
    try:
        cluster = None if address else local_cluster(workers)
        client = Client(address or cluster)
        futures = [client.submit(finalise_root, h, period, pure=False) for h in homes]
        wait(futures)
        results: dict[str, dict[str, int]] = {}
        failed: dict[str, str] = {}
        for h, f in zip(homes, futures, strict=True):
            if f.status == "finished":
                results[h] = f.result()
            else:
                failed[h] = _why(f.exception())
        if failed:
            raise ProvinceFailed(results, failed)
        return results
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        quiet.setLevel(level)


# what the fork server imports once, before it forks each worker
PRELOAD = ["distributed", "pipelines.province", "pipelines.stages"]


def local_cluster(workers: int):
    """A LocalCluster of `workers` processes (cluster_kwargs), forked from a fork server that
    has imported PRELOAD once, where the platform has one (not Windows: spawned there)."""
    import dask
    from distributed import LocalCluster
    from distributed.utils import get_mp_context

    # Dask sets MALLOC_TRIM_THRESHOLD_=65536 in its workers so that freed memory goes back to
    # the system at once; a finalisation frees and takes big pandas buffers all the time,
    # and ran ~7% slower with it (19.4/21.7 s vs 21.2/23.0 s, one kab/kota, scale 80)
    config: dict[str, str | None] = {
        "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None
    }
    if "forkserver" in multiprocessing.get_all_start_methods():
        config["distributed.worker.multiprocessing-method"] = "forkserver"
    with dask.config.set(config):
        if "forkserver" in config.values():
            get_mp_context().set_forkserver_preload(PRELOAD)  # after Dask's own: ours wins
        return LocalCluster(**cluster_kwargs(workers))


def _why(exc: BaseException) -> str:
    """What the operator reads for a failed kab/kota: the pipeline's own (Indonesian,
    value-free) message, or what happened to the worker."""
    from distributed import KilledWorker

    if isinstance(exc, DtksError | StageFailed):
        return str(exc)
    if isinstance(exc, KilledWorker):
        return (
            "worker Dask berhenti saat memproses kab/kota ini (mungkin memori habis); "
            "jalankan lagi dengan --workers lebih kecil."
        )
    return f"{type(exc).__name__}: {exc}"
