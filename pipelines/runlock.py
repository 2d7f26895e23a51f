"""One finalisation at a time per data root, checked before any kelurahan file is read.

DuckDB's own lock is held only while a stage has the store open, so a second
`dtks finalize` started while the first was still reading kelurahan files passed the check
and read everything before it met the lock. The run lock is an OS file lock on
data/processed/.finalisasi.lock held for the whole run: released by the OS when the process
ends, however it ends (kill -9 included), so it never goes stale. Re-entrant within one
process (the CLI takes it, then the flow it runs takes it again).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.config import Home
from pipelines.errors import StoreLocked

_held: dict[str, list[int]] = {}  # lock file -> [descriptor, depth]
# set by the crash guard (pipelines.ingest.guard) for the child it runs the finalisation in:
# the lock file its parent holds for the child's whole life
INHERITED_ENV = "DTKS_RUNLOCK_HELD_BY_PARENT"
_guard = threading.Lock()


def lock_path(home: Home) -> Path:
    """The lock file of a data root's finalisation."""
    return home.processed / ".finalisasi.lock"


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextmanager
def finalisation(home: Home) -> Iterator[None]:
    """Hold the data root's finalisation lock, or raise StoreLocked at once."""
    path = lock_path(home)
    key = str(path.resolve())
    if os.environ.get(INHERITED_ENV) == key:  # the guard's parent holds it for this child
        yield
        return
    with _guard:
        if key in _held:
            _held[key][1] += 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            if not _try_lock(fd):
                os.close(fd)
                # the wording of store.open_store's StoreLocked: one message for one situation
                raise StoreLocked(
                    f"Basis data {home.store_path} sedang dipakai proses lain (mis. finalisasi "
                    "yang masih berjalan atau DuckDB CLI yang terbuka). Tunggu proses itu "
                    "selesai atau tutup program itu, lalu jalankan lagi."
                )
            _held[key] = [fd, 1]
    try:
        yield
    finally:
        with _guard:
            _held[key][1] -= 1
            if _held[key][1] == 0:
                os.close(_held.pop(key)[0])  # closing the descriptor releases the lock
