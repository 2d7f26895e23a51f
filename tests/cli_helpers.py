"""Running the installed `dtks` entry point as a user does: a subprocess, exit code and all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

DTKS = Path(sys.executable).parent / "dtks"


def dtks(
    *args: str,
    home: Path | None = None,
    cwd: Path | None = None,
    timeout: float = 600,
    input_: str | None = None,
    **env,
) -> subprocess.CompletedProcess:
    """Run .venv/bin/dtks ARGS [--home HOME]; Prefect and DTKS variables of the test run out.

    input_: what the command reads on standard input (a password for dtks user add).
    """
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DTKS_"))}
    clean.update(env)
    return subprocess.run(
        [str(DTKS), *args, *(["--home", str(home)] if home is not None else [])],
        capture_output=True,
        text=True,
        input=input_,
        stdin=None if input_ is not None else subprocess.DEVNULL,
        env=clean,
        cwd=cwd,
        timeout=timeout,
    )
