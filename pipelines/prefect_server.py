"""Prefect's temporary server dies with the dtks process that started it.

Without PREFECT_API_URL, Prefect 3.8 starts a temporary API server as a child process
(`SubprocessASGIServer`: `python -m uvicorn ...`) and stops it from an atexit hook. A dtks
process killed with SIGKILL (or by a power cut of the terminal) runs no atexit hook, so the
server stayed behind, holding Prefect's database open. `install()` makes Prefect start the
server through this module instead: it runs the same uvicorn command in-process with a
watchdog thread that stops the server within about a second once its parent is gone.

Why a watchdog and not prctl(PR_SET_PDEATHSIG): the death signal fires when the *thread*
that started the child ends, and Prefect starts the server from whichever thread first needs
a client; a watchdog also works on Windows (through psutil, which prefect-dask brings).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5


def _parent_alive(parent: int) -> bool:
    if os.name == "posix":
        # an orphan is adopted by init or a subreaper: its parent id changes
        return os.getppid() == parent
    try:
        import psutil
    except ImportError:  # no way to tell: keep serving (Prefect's atexit hook still works)
        return True
    return psutil.pid_exists(parent)


def _watch(parent: int) -> None:
    while _parent_alive(parent):
        time.sleep(POLL_SECONDS)
    # uvicorn shuts down cleanly on SIGTERM (SIGBREAK-less Windows: the hard way)
    if os.name == "posix":
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    os._exit(0)


def install() -> None:
    """Make Prefect's temporary server a watched child of this process (idempotent)."""
    try:
        from prefect.server.api import server
    except ImportError:  # pragma: no cover - prefect always installed
        return
    cls = getattr(server, "SubprocessASGIServer", None)
    original = getattr(cls, "_run_uvicorn_command", None)
    if original is None or getattr(original, "_dtks_watched", False):
        return

    def run_watched(self):
        import subprocess

        popen = subprocess.Popen

        def watched_popen(args, *a, **kw):
            if list(args[1:3]) == ["-m", "uvicorn"]:
                args = [args[0], "-m", __name__, str(os.getpid()), *args[3:]]
            return popen(args, *a, **kw)

        subprocess.Popen = watched_popen
        try:
            return original(self)
        finally:
            subprocess.Popen = popen

    run_watched._dtks_watched = True  # type: ignore[attr-defined]
    cls._run_uvicorn_command = run_watched


def main(argv: list[str]) -> None:
    """`python -m pipelines.prefect_server PARENT_PID UVICORN_ARGS...`"""
    parent = int(argv[0])
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="dtks-watchdog").start()
    from uvicorn.main import main as uvicorn_main

    sys.argv = ["uvicorn", *argv[1:]]
    uvicorn_main()


if __name__ == "__main__":
    main(sys.argv[1:])
