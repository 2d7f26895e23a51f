"""Production mode: the flows as Prefect deployments served against a Prefect server.

    prefect server start --host 127.0.0.1 --port 4200         # once, in its own terminal
    PREFECT_API_URL=http://127.0.0.1:4200/api dtks serve       # serves the deployments

The monthly finalisation runs on a day of the month (dtks.toml [jadwal] hari_finalisasi,
default 5, at 06:00 in [jadwal] zona_waktu, default Asia/Jakarta) for the previous month; the SLA reminder for data requests runs every working
morning. Both are visible in the Prefect UI with each stage as a task.
"""

from __future__ import annotations

from pipelines.config import Home

FINALIZE = "finalisasi-bulanan"
REMINDER = "pengingat-sla-permintaan"


def deployments(home: Home) -> list:
    """The deployments of this data root (import Prefect only when serving)."""
    from prefect.schedules import Cron

    from pipelines.flows import finalize_flow, sla_reminder_flow

    plan = home.config.jadwal
    day, tz = plan.hari_finalisasi, plan.zona_waktu
    return [
        finalize_flow.to_deployment(
            name=FINALIZE,
            schedule=Cron(f"0 6 {day} * *", timezone=tz),
            parameters={"home": str(home.root)},
            description="Finalisasi bulanan usulan DTKS untuk bulan sebelumnya.",
            concurrency_limit=1,
        ),
        sla_reminder_flow.to_deployment(
            name=REMINDER,
            schedule=Cron("0 7 * * 1-5", timezone=tz),
            parameters={"home": str(home.root)},
            description="Pengingat permintaan data yang terbuka dan lewat batas waktu.",
        ),
    ]


def serve(home: Home) -> None:
    """Serve the deployments until interrupted."""
    from prefect import serve as prefect_serve

    prefect_serve(*deployments(home), print_starting_message=False)
