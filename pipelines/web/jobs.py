"""The finalisation as a background job of the desk, with live progress.

A run is `dtks finalize PERIOD` in a child process (the same command, flow and run lock as
in a terminal). Like the CLI it runs the stage functions directly unless PREFECT_API_URL names
a Prefect server, which the child then inherits (a flow run per finalisation).
Its progress arrives as JSON lines (DTKS_PROGRESS=json: stage codes and counts only); the
page polls `Job.snapshot()`. A child keeps a file that crashes a reader, and the memory of a
large month, away from the desk. One run at a time per desk; the run lock keeps the CLI and
the desk from both writing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field

from pipelines.web import actions

log = logging.getLogger(__name__)
STAGES = {
    "mulai": "Menyiapkan",
    "membaca": "Membaca berkas kelurahan",
    "validasi": "Validasi dan pencocokan",
    "menulis": "Menulis keluaran",
}


@dataclass
class Job:
    """One finalisation run started from the desk."""

    id: str
    period: str
    user: actions.User
    started: dt.datetime
    state: str = "menunggu"  # menunggu, berjalan, selesai, gagal
    stage: str = "mulai"
    done: int = 0
    total: int = 0
    rows: int = 0
    message: str = ""
    seconds: float = 0.0
    _t0: float = field(default_factory=time.monotonic)

    def snapshot(self) -> dict:
        """What the progress poll returns (no personal data: codes and counts)."""
        return {
            "id": self.id,
            "periode": self.period,
            "status": self.state,
            "tahap": STAGES.get(self.stage, self.stage),
            "selesai": self.done,
            "total": self.total,
            "baris": self.rows,
            "pesan": self.message,
            "detik": round(self.seconds or (time.monotonic() - self._t0), 1),
        }


class Jobs:
    """The desk's finalisation runs (one at a time), kept in memory."""

    def __init__(self, home) -> None:
        self.home = home
        self.jobs: dict[str, Job] = {}
        self.current: Job | None = None
        self._lock = threading.Lock()
        self._procs: list[subprocess.Popen] = []

    def start(self, period: str, user: actions.User) -> Job:
        """Start a run, or refuse (a run going on, closed month, no files)."""
        with self._lock:
            if self.current is not None and self.current.state in ("menunggu", "berjalan"):
                raise actions.DtksError(
                    f"Finalisasi periode {self.current.period} sedang berjalan; tunggu sampai "
                    "selesai."
                )
            actions.finalisation_ready(self.home, period)
            job = Job(uuid.uuid4().hex[:12], period, user, dt.datetime.now())
            self.jobs[job.id] = job
            self.current = job
        threading.Thread(target=self._run, args=(job,), daemon=True, name="dtks-finalisasi").start()
        return job

    def latest(self, period: str) -> Job | None:
        """The newest run of a period started from this desk."""
        found = [j for j in self.jobs.values() if j.period == period]
        return max(found, key=lambda j: j.started) if found else None

    def _run(self, job: Job) -> None:
        state, message = self._finalise(job)
        # recorded before the run is shown as ended: a page or a test that acts on 'selesai'
        # never opens the store while this thread still writes desk_action to it (two
        # connections of one process writing at once: DuckDB's write-write conflict)
        try:
            actions.finalisation_recorded(self.home, job.user, job.period, state)
        except actions.DtksError:
            log.warning("finalisasi %s tidak tercatat di desk_action", job.period)
        finally:
            job.state, job.message = state, message

    def _finalise(self, job: Job) -> tuple[str, str]:
        """Run the finalisation child; (final state, message for the page)."""
        try:
            job.state = "berjalan"
            env = {**os.environ, "DTKS_PROGRESS": "json"}
            env.pop("DTKS_DEBUG", None)  # the child's errors stay value-free
            with (
                tempfile.TemporaryFile("w+", encoding="utf-8") as errors,
                actions.store_held_for_run(),
            ):
                proc = subprocess.Popen(
                    actions.finalisation_command(self.home, job.period),
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    stdin=subprocess.DEVNULL,
                    text=True,
                    env=env,
                )
                self._procs.append(proc)
                for line in proc.stdout:  # type: ignore[union-attr]
                    self._progress(job, line)
                code = proc.wait()
                errors.seek(0)
                problem = _message(errors.read())
            self._procs.remove(proc)
            job.seconds = time.monotonic() - job._t0
            if code == 0:
                return "selesai", f"Selesai dalam {job.seconds:.0f} detik."
            return "gagal", problem or f"Finalisasi berhenti (kode keluar {code})."
        except Exception as exc:  # the desk stays up; the page says what happened
            log.warning("finalisasi gagal dijalankan: %s", type(exc).__name__)
            return "gagal", (
                exc.args[0]
                if isinstance(exc, actions.DtksError) and exc.args
                else f"Finalisasi tidak dapat dijalankan ({type(exc).__name__})."
            )

    @staticmethod
    def _progress(job: Job, line: str) -> None:
        line = line.strip()
        if not line.startswith("{"):
            return
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            return
        job.stage = str(rec.get("tahap", job.stage))
        job.done = int(rec.get("selesai", job.done))
        job.total = int(rec.get("total", job.total))
        if rec.get("baris"):
            job.rows = int(rec["baris"])

    def stop(self) -> None:
        """End running children (the desk is shutting down); a killed run changes nothing."""
        for proc in list(self._procs):
            proc.terminate()


def _message(stderr: str) -> str:
    """The Indonesian message `dtks` printed (already value-free), without markup."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if ln.startswith(("Gagal:", "Kesalahan")):
            return " ".join(lines[i:])[:2000]
    return ""
