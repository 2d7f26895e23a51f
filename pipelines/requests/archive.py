"""The zip of a package folder, and checking one: exactly one folder of plain files, named
as the zip, within a sane unzipped size; then the folder's own check (manifest.py)."""

from __future__ import annotations

import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

from pipelines.config import Home
from pipelines.requests import manifest

# what zipfile raises on a damaged archive: headers, deflate streams, CRCs, odd methods
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    struct.error,
)
MAX_UNZIPPED = 2 * 1024**3  # a package is a few MB; more is not a package


def write(folder: Path, nomor: str) -> Path:
    """Zip the package folder beside it (one folder named nomor inside); returns the zip."""
    zpath = folder.with_suffix(".zip")
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.iterdir()):
            z.write(p, f"{nomor}/{p.name}")
    return zpath


def check(home: Home, path: Path) -> list[str]:
    """A zip must hold exactly one folder, named as the zip, with plain files only."""
    try:
        z = zipfile.ZipFile(path)
    except ZIP_ERRORS:
        return [f"{path.name} bukan berkas zip yang utuh; minta paket dikirim ulang."]
    with z:
        entries = z.infolist()
        tops = sorted({e.filename.split("/", 1)[0] for e in entries})
        at_root = sorted(e.filename for e in entries if "/" not in e.filename.rstrip("/"))
        if len(tops) != 1 or at_root and at_root != [tops[0]]:
            shown = ", ".join(tops[:5]) + (" ..." if len(tops) > 5 else "")
            return [
                f"{path.name} harus berisi tepat satu folder paket dan tidak ada yang lain; "
                f"isinya: {shown}."
            ]
        folder = tops[0]
        odd = [
            e.filename
            for e in entries
            if e.filename.rstrip("/") != folder
            and (
                e.is_dir()
                or e.filename.count("/") != 1
                or ".." in e.filename.split("/")
                or (e.external_attr >> 16) & 0o170000 == 0o120000  # a symbolic link
            )
        ]
        if odd:
            return [
                f"{path.name}: isi yang bukan berkas paket biasa: {', '.join(sorted(odd)[:5])}."
            ]
        if sum(e.file_size for e in entries) > MAX_UNZIPPED:
            return [f"{path.name} terlalu besar setelah diekstrak untuk sebuah paket data."]
        findings = []
        if folder != path.stem:
            findings.append(
                f"Folder di dalam zip ({folder}) tidak sama dengan nama zip ({path.stem})."
            )
        with tempfile.TemporaryDirectory() as d:
            try:
                z.extractall(d)
            except ZIP_ERRORS as exc:
                return [
                    f"{path.name} rusak: berkas di dalamnya tidak dapat dibuka ({type(exc).__name__})."
                ]
            return findings + manifest.check_folder(home, Path(d) / folder, also=path.stem)
