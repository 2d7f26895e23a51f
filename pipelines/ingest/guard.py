"""The crash guard: a reader that dies in native code ends one file, never the month.

python-calamine (Rust) aborts the whole process on some inputs, such as a sheet whose far
cell makes it allocate hundreds of gigabytes or a malformed .xls; no Python `except` sees it.
The input limits (read.py) refuse the kinds of files known to do that when a cheap check can
tell. For the rest, `dtks finalize` runs the finalisation in a child process: while a file is
parsed, read.reading() names it in a marker file; a child that dies with the marker present
died on that file. The parent records the file in the data root's quarantine list
(data/processed/.karantina_berkas.json, with its size and modification time) and runs the
finalisation again; the file is then a problem of its kelurahan ("menghentikan pembaca
Excel") and every other kelurahan's outputs are produced. A file that is changed (size or
time) is tried again. The guard costs one more Python start (about half a second) per run
and nothing per file.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from pipelines.config import Home
from pipelines.ingest.read import MARKER_ENV

GUARDED_ENV = "DTKS_GUARDED"
PARENT_ENV = "DTKS_GUARD_PARENT"
MAX_RESTARTS = 20
CRASHED = (
    "Berkas ini menghentikan program pembaca Excel secara paksa (kemungkinan rusak atau sengaja "
    "dibuat merusak); berkas dilewati. Buka di Excel, salin tabelnya ke berkas baru, simpan, "
    "lalu kirim ulang."
)
# what a dying Rust reader prints on stderr: kept from the operator's screen
_NATIVE_NOISE = re.compile(
    r"^(memory allocation of \d+ bytes failed|note: run with `RUST_BACKTRACE|thread '.*' "
    r"panicked at|stack backtrace:|\s+\d+: |\s+at /)"
)


def quarantine_file(root: Path) -> Path:
    return Home(root).processed / ".karantina_berkas.json"


def load(root: Path) -> dict[str, tuple[int, int]]:
    """Quarantined files: resolved path -> (size, mtime_ns) when it crashed the reader."""
    try:
        data = json.loads(quarantine_file(root).read_text(encoding="utf-8"))
        return {f["path"]: (int(f["size"]), int(f["mtime_ns"])) for f in data["berkas"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def is_quarantined(path: Path, quarantined: dict[str, tuple[int, int]]) -> bool:
    """Whether this very file (same size and time) crashed the reader before."""
    if not quarantined:
        return False
    try:
        st = path.stat()
        return quarantined.get(str(path.resolve())) == (st.st_size, st.st_mtime_ns)
    except OSError:
        return False


def add(root: Path, path: Path) -> None:
    """Put a file into the quarantine list of a data root."""
    q = load(root)
    st = path.stat()
    q[str(path.resolve())] = (st.st_size, st.st_mtime_ns)
    target = quarantine_file(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {"berkas": [{"path": p, "size": s, "mtime_ns": m} for p, (s, m) in sorted(q.items())]},
            indent=1,
        ),
        encoding="utf-8",
    )
    tmp.replace(target)


def run(argv: list[str], home: Home, say) -> int:
    """Run `dtks ARGV` in a child until it ends without dying inside a reader; its exit code.

    The caller holds the finalisation run lock (pipelines.runlock); `say` prints a line for
    the operator (Indonesian)."""
    from pipelines import runlock

    for stale in home.processed.glob(".membaca-*"):  # of a guard killed before (run lock held)
        stale.unlink(missing_ok=True)
    marker = home.processed / f".membaca-{os.getpid()}"
    env = {
        **os.environ,
        GUARDED_ENV: "1",
        PARENT_ENV: str(os.getpid()),
        MARKER_ENV: str(marker),
        "RUST_BACKTRACE": "0",
        # the caller holds the finalisation lock for the child's whole life, restarts included
        runlock.INHERITED_ENV: str(runlock.lock_path(home).resolve()),
    }
    if sys.stderr.isatty():
        env.setdefault("FORCE_COLOR", "1")
    try:
        for _ in range(MAX_RESTARTS):
            marker.unlink(missing_ok=True)
            rc = _child(argv, env)
            if not marker.exists():
                return rc
            culprit = Path(marker.read_text(encoding="utf-8").strip())
            marker.unlink(missing_ok=True)
            if not culprit.is_file():
                return rc or 2
            add(home.root, culprit)
            say(
                f"Berkas {_shown(culprit, home)} menghentikan program pembaca Excel secara paksa; "
                "berkas itu dilewati dan finalisasi diulang tanpa berkas itu."
            )
        say(f"Finalisasi dihentikan: lebih dari {MAX_RESTARTS} berkas menghentikan pembaca Excel.")
        return 2
    finally:
        marker.unlink(missing_ok=True)


def die_with_parent() -> None:
    """In the child: end once the guard's process is gone (kill -9 included), so the child
    and what it started (Prefect's temporary server watches it in turn) never outlive it."""
    parent = int(os.environ.get(PARENT_ENV) or 0)
    if not parent:
        return

    def alive() -> bool:
        if os.name == "posix":
            return os.getppid() == parent  # an orphan is adopted: its parent id changes
        try:
            import psutil
        except ImportError:  # pragma: no cover - psutil comes with prefect-dask
            return True
        return psutil.pid_exists(parent)

    def watch() -> None:
        while alive():
            time.sleep(0.5)
        if os.name == "posix":
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        os._exit(1)

    threading.Thread(target=watch, name="dtks-guard-parent", daemon=True).start()


def _child(argv: list[str], env: dict[str, str]) -> int:
    """The child's exit code, its stderr passed through without a dying reader's noise.

    The child leads a process group of its own, so that what it started (Prefect's temporary
    server) is stopped with it even when it dies without cleaning up; Ctrl-C and a
    termination request are passed on to it."""
    posix = os.name == "posix"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", *argv],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=posix,
    )
    assert proc.stderr is not None

    def forward() -> None:
        for line in proc.stderr:  # type: ignore[union-attr]
            if not _NATIVE_NOISE.match(line):
                sys.stderr.write(line)
                sys.stderr.flush()

    def pass_on(signum, _frame) -> None:
        _signal_group(proc.pid, signum)

    handlers = {s: signal.signal(s, pass_on) for s in (signal.SIGINT, signal.SIGTERM)}
    t = threading.Thread(target=forward, daemon=True)
    t.start()
    try:
        rc = proc.wait()
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
        if posix:
            _signal_group(proc.pid, signal.SIGTERM)  # leftovers of the child, if any
    t.join(timeout=10)
    return rc


def _signal_group(pid: int, signum: int) -> None:
    try:
        if os.name == "posix":
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _shown(path: Path, home: Home) -> str:
    try:
        return str(path.relative_to(home.raw.resolve()))
    except ValueError:
        return path.name
