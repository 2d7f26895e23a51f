"""Production commands: serving Prefect deployments, province-wide fan-out."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from pipelines.cli.common import (
    HomeOpt,
    _home,
    app,
    console,
)
from pipelines.config import Home, check_period, configure_prefect
from pipelines.errors import DtksError


@app.command("finalize-province")
def finalize_province_cmd(
    period: Annotated[str, typer.Argument(help="Periode, TAHUN-BULAN.")],
    roots: Annotated[
        list[Path], typer.Argument(help="Folder data tiap kab/kota.", exists=True, file_okay=False)
    ],
    workers: Annotated[int, typer.Option(min=1, help="Jumlah worker Dask lokal.")] = 2,
    dask_address: Annotated[
        str | None,
        typer.Option(help="Alamat klaster Dask yang sudah ada, mis. tcp://10.0.0.5:8786."),
    ] = None,
) -> None:
    """Finalisasi banyak kab/kota sekaligus (provinsi/kementerian), disebar ke worker Dask.

    Setiap kab/kota punya folder data sendiri (data/raw, data/processed, reports); langkahnya
    sama dengan dtks finalize. Tanpa --dask-address, klaster Dask lokal dengan --workers
    proses dibuat dan dihentikan otomatis. Tanpa PREFECT_API_URL, dijalankan langsung di
    Dask tanpa Prefect; bila PREFECT_API_URL menunjuk server Prefect, berjalan sebagai flow
    Prefect finalisasi-provinsi yang tercatat di server itu. Kab/kota yang gagal disebutkan
    di akhir; kab/kota lain tetap diselesaikan.

    Contoh: dtks finalize-province 2026-11 /srv/dtks/6271 /srv/dtks/6201 --workers 2
    """
    first = Home.resolve(roots[0])
    check_period(period)
    homes = [str(Home.resolve(r).root) for r in roots]
    t0 = time.perf_counter()
    if os.environ.get("PREFECT_API_URL"):
        console.print("Dijalankan sebagai flow Prefect (server di PREFECT_API_URL).")
        configure_prefect(first)
        from pipelines.flows import province_flow, province_runner

        runner = province_runner(workers, dask_address)
        results: dict[str, dict[str, int]] = province_flow.with_options(task_runner=runner)(
            homes=homes, period=period
        )
        failed: dict[str, str] = {}
    else:
        from pipelines.province import ProvinceFailed, fan_out

        try:
            results, failed = fan_out(homes, period, workers, dask_address), {}
        except ProvinceFailed as exc:
            results, failed = exc.results, exc.failed
    for h, counts in results.items():
        console.print(f"{h}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if failed:
        raise DtksError(
            f"Finalisasi gagal untuk {len(failed)} dari {len(homes)} kab/kota (yang lain "
            "selesai):\n" + "\n".join(f"  {h}: {why}" for h, why in failed.items())
        )
    console.print(f"Selesai dalam {time.perf_counter() - t0:.1f} detik.")


@app.command("serve-deployments")
def serve_deployments_cmd(home: HomeOpt = None) -> None:
    """Mode layanan Prefect: layani deployment (finalisasi bulanan terjadwal, pengingat SLA).

    Butuh server Prefect yang berjalan, mis. `prefect server start --host 127.0.0.1
    --port 4200`, dan PREFECT_API_URL=http://127.0.0.1:4200/api. Finalisasi dijadwalkan
    setiap tanggal [jadwal] hari_finalisasi (bawaan 5) pukul 06.00 zona [jadwal] zona_waktu
    (bawaan Asia/Jakarta) untuk bulan sebelumnya; hanya satu finalisasi berjalan pada satu
    waktu. Berhenti dengan Ctrl+C. (Meja web: dtks serve.)

    Contoh: dtks serve-deployments --home /srv/dtks   (setelah export PREFECT_API_URL=http://127.0.0.1:4200/api)
    """
    h = _home(home)
    if not os.environ.get("PREFECT_API_URL"):
        raise DtksError(
            "PREFECT_API_URL belum diatur. Jalankan server Prefect (prefect server "
            "start --host 127.0.0.1 --port 4200) lalu atur "
            "PREFECT_API_URL=http://127.0.0.1:4200/api."
        )
    configure_prefect(h)
    from pipelines import service

    console.print(
        f"Melayani deployment {service.FINALIZE} dan {service.REMINDER} untuk {h.root} "
        f"di {os.environ['PREFECT_API_URL']} (Ctrl+C untuk berhenti)."
    )
    service.serve(h)
