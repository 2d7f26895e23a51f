"""Uploaded kelurahan files: the one place their names, sizes and kinds are checked.

A browser sends a file name chosen by whoever made the file; it is never used as a path.
Only its last component survives, reduced to letters, digits, space, dot, dash, underscore
and brackets, and the file is written inside the kelurahan folder the desk chose from the
Kemendagri list. The content must look like what the name says (a zip package for
.xlsx/.xlsm/.xlsb/.ods, an OLE2 file for .xls, text for .csv/.txt); its size and, for a zip
package, what it unpacks to are held to the pipeline's own input limits (dtks.toml
[batas_berkas], pipelines/ingest/read.py), checked by actions.upload before the file lands.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import BinaryIO

from pipelines.errors import DtksError

MAX_FILES = 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_KINDS = {".xlsx", ".xlsm", ".xlsb", ".ods"}
TEXT_KINDS = {".csv", ".txt"}
MIB = 1 << 20


class UploadRefused(DtksError):
    "An uploaded file is too large, of a kind the pipeline does not read, or not what it claims."


def safe_name(raw: str, allowed: set[str]) -> str:
    """A file name safe to store: last path component only, plain characters, known suffix."""
    last = unicodedata.normalize("NFKC", re.split(r"[\\/]", raw or "")[-1])
    stem, dot, suffix = last.rpartition(".")
    suffix = f".{suffix.lower()}" if dot else ""
    if suffix not in allowed:
        raise UploadRefused(
            f"Berkas '{_shown(raw)}': jenis '{suffix or '(tanpa akhiran)'}' tidak dibaca oleh "
            f"finalisasi. Unggah berkas Excel atau CSV ({', '.join(sorted(allowed))})."
        )
    stem = re.sub(r"[^A-Za-z0-9 ._()\-]", "_", stem)
    stem = re.sub(r"\.{2,}", ".", stem).strip(" ._") or "berkas"
    return f"{stem[:80]}{suffix}"


def save(source: BinaryIO, target: Path, limit_mb: float) -> int:
    """Copy an upload to target in blocks, refusing it once it passes the limit; its size."""
    written = 0
    with target.open("wb") as out:
        while block := source.read(MIB):
            written += len(block)
            if written > limit_mb * MIB:
                raise UploadRefused(
                    f"Berkas lebih besar dari batas {limit_mb:g} MB (dtks.toml [batas_berkas] "
                    "ukuran_berkas_mb). Pecah menjadi beberapa berkas."
                )
            out.write(block)
    return written


def check_kind(name: str, path: Path) -> None:
    """Refuse an empty file, or one whose content is not what its suffix claims."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head:
        raise UploadRefused(f"Berkas '{name}' kosong.")
    suffix = name[name.rfind(".") :]
    looks = (
        head.startswith(ZIP_MAGIC)
        if suffix in ZIP_KINDS
        else head.startswith(OLE_MAGIC)
        if suffix == ".xls"
        else b"\x00" not in head
        if suffix in TEXT_KINDS
        else False
    )
    if not looks:
        raise UploadRefused(
            f"Isi berkas '{name}' bukan berkas {suffix} yang sah. Simpan ulang dari Excel lalu "
            "unggah lagi."
        )


def _shown(raw: str) -> str:
    return re.sub(r"[^\w .\-()/\\]", "?", raw or "")[:80]
