"""A real Prefect server on loopback, for the tests that run the Prefect flow."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


@dataclass
class Server:
    api: str  # PREFECT_API_URL
    home: Path  # the server's PREFECT_HOME (its database)

    def env(self, **extra: str) -> dict[str, str]:
        """The test run's environment without PREFECT_/DTKS_ variables, pointed at this server."""
        return prefect_env(PREFECT_HOME=str(self.home), PREFECT_API_URL=self.api, **extra)

    def flow_runs(self, name: str) -> list[dict]:
        """The flow runs of the flow `name` the server has recorded (name, state)."""
        flows = _post(f"{self.api}/flows/filter", {"flows": {"name": {"any_": [name]}}})
        if not flows:
            return []
        ids = [f["id"] for f in flows]
        return _post(f"{self.api}/flow_runs/filter", {"flows": {"id": {"any_": ids}}})


def prefect_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DTKS_"))}
    env.update(
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_UI_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        **extra,
    )
    return env


def _post(url: str, body: dict) -> list[dict]:
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise TimeoutError("prefect server did not become healthy")


def start(home: Path) -> tuple[Server, subprocess.Popen]:
    """`prefect server start` on a free loopback port, its database under `home`."""
    port = free_port()
    server = Server(api=f"http://127.0.0.1:{port}/api", home=home)
    home.mkdir(parents=True, exist_ok=True)
    log = home / "server.log"  # a file, not a pipe: a long session never fills it
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(VENV_BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
             str(port)],
            env=server.env(), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_healthy(f"{server.api}/health", proc, log)
    except BaseException:
        stop(proc)
        raise
    return server, proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
