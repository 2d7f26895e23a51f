"""Uploaded kelurahan files: the one place their names, sizes and kinds are checked.

A browser sends a file name chosen by whoever made the file; it is never used as a path.
Only its last component survives, reduced to letters, digits, space, dot, dash, underscore
and brackets, and the file is written inside the kelurahan folder the desk chose from the
Kemendagri list. The content must look like what the name says (a zip package for
.xlsx/.xlsm/.xlsb/.ods, an OLE2 file for .xls, text for .csv/.txt), and the size stays under
the limit ([meja] batas_unggah_mb in dtks.toml, default 50 MB per file).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipelines.errors import DtksError

DEFAULT_LIMIT_MB = 50
MAX_FILES = 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_KINDS = {".xlsx", ".xlsm", ".xlsb", ".ods"}
TEXT_KINDS = {".csv", ".txt"}


class UploadRefused(DtksError):
    "An uploaded file is too large, of a kind the pipeline does not read, or not what it claims."


@dataclass(frozen=True)
class Checked:
    """An upload that passed: the name it is stored under, and its bytes."""

    name: str
    data: bytes


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


def check(raw_name: str, data: bytes, allowed: set[str], limit_mb: float) -> Checked:
    """Refuse an upload that is too large, empty, or not what its suffix claims."""
    name = safe_name(raw_name, allowed)
    if len(data) > limit_mb * (1 << 20):
        raise UploadRefused(
            f"Berkas '{name}' lebih besar dari batas {limit_mb:g} MB. Pecah menjadi beberapa "
            "berkas, atau minta administrator menaikkan [meja] batas_unggah_mb di dtks.toml."
        )
    if not data:
        raise UploadRefused(f"Berkas '{name}' kosong.")
    suffix = name[name.rfind(".") :]
    looks = (
        data.startswith(ZIP_MAGIC)
        if suffix in ZIP_KINDS
        else data.startswith(OLE_MAGIC)
        if suffix == ".xls"
        else b"\x00" not in data[:65536]
        if suffix in TEXT_KINDS
        else False
    )
    if not looks:
        raise UploadRefused(
            f"Isi berkas '{name}' bukan berkas {suffix} yang sah. Simpan ulang dari Excel lalu "
            "unggah lagi."
        )
    return Checked(name, data)


def _shown(raw: str) -> str:
    return re.sub(r"[^\w .\-()/\\]", "?", raw or "")[:80]
