"""Files on disk, one way each: a file's SHA-256, a folder written all or nothing, and where a
row is ("FILE sheet 'SHEET' baris N") as every message names it."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def sha256(path: Path) -> str:
    """SHA-256 of a file as hex, read in blocks (a 10M-person snapshot never sits in memory)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def location(file: object, sheet: object, row: object) -> str:
    """Where a row is, as every message names it: "FILE sheet 'SHEET' baris N" (no sheet for
    a CSV). Never personal data: a file name, a sheet name and a row number."""
    return f"{file}" + (f" sheet '{sheet}'" if sheet else "") + f" baris {row}"


def scratch_for(target: Path, tag: str = "") -> Path:
    """The scratch folder beside target: .NAME.TAG.tmp (.NAME.tmp without a tag)."""
    return target.parent / (f".{target.name}.{tag}.tmp" if tag else f".{target.name}.tmp")


@contextmanager
def replacing(target: Path, tag: str = "") -> Iterator[Path]:
    """Write a folder's new contents into a scratch folder beside it; when the block ends, the
    scratch folder replaces target. When the block raises, target stays as it was and the
    scratch folder is removed: a reader sees the old folder or the new one, never half of one.
    """
    scratch = scratch_for(target, tag)
    shutil.rmtree(scratch, ignore_errors=True)  # left by a killed run: never carried over
    scratch.mkdir(parents=True)
    try:
        yield scratch
        swap_in(scratch, target)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def swap_in(scratch: Path, target: Path) -> None:
    """Put a finished scratch folder in target's place (the old one moves to .NAME.old and is
    removed; a run killed in between leaves .NAME.old for the next run to remove). When the
    new folder cannot be moved in (on Windows, a file of it open elsewhere), the old one is
    put back and the error raised."""
    old = target.parent / f".{target.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    try:
        scratch.rename(target)
    except BaseException:
        if old.exists() and not target.exists():
            old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)
