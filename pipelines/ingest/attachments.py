"""Attachments a kelurahan sends beside its prelist: KTP, KK, house photos, SKTM (issue 17 item 4).

SIKS-NG's proposal form asks for supporting documents; seed OKU Selatan (Persyaratan) lists
a copy of the KK, a copy of the KTP, a letter of poverty (surat keterangan tidak mampu) and
photos of the house, front and inside. A kelurahan puts the scans or photos in its folder,
each named with the kind and the person's NIK or the family's No KK:

    KTP_6271014101900001.jpg      FOTO_RUMAH_6271010101090001_depan.jpg
    KK_6271010101090001.pdf       SKTM_6271010101090001.pdf

A file is an attachment when its name holds a 16-digit number and a kind word; it is kept
with its SHA-256 and referenced on the rows it belongs to (`lampiran`). The naming rule is
this project's (no public SIKS-NG convention exists); other pictures and PDFs are read as
before (a scanned berita acara is evidence, ingest/evidence.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.files import sha256
from pipelines.ingest.evidence import IMAGE_SUFFIXES

COLUMNS = ["kode_wilayah", "folder", "source_file", "jenis", "kunci", "sha256"]
# kind word in the file name -> the kind as the proposal row names it; the key it carries
KINDS = [  # in this order: 'FOTO_KTP_...' is a KTP, 'FOTO_RUMAH_...' a house photo
    (re.compile(r"(?:^|[^A-Z])(SKTM|TIDAK[ _-]?MAMPU)(?:[^A-Z]|$)"), "SKTM"),
    (re.compile(r"(?:^|[^A-Z])(KTP|EKTP|E[ _-]KTP)(?:[^A-Z]|$)"), "KTP"),
    (re.compile(r"(?:^|[^A-Z])(KK|KARTU[ _-]?KELUARGA)(?:[^A-Z]|$)"), "KK"),
    (re.compile(r"(?:^|[^A-Z])(FOTO|RUMAH|FOTORUMAH)(?:[^A-Z]|$)"), "FOTO RUMAH"),
]
ORDER = ["KTP", "KK", "SKTM", "FOTO RUMAH"]
_KEY = re.compile(r"(?<!\d)(\d{16})(?!\d)")


def kind(path: Path) -> tuple[str, str] | None:
    """(kind, 16-digit key) when PATH is an attachment by its name, else None."""
    if path.suffix.lower() not in IMAGE_SUFFIXES | {".pdf"}:
        return None
    stem = path.stem.upper()
    key = _KEY.search(stem)
    if not key:
        return None
    words = stem.replace(key.group(1), " ")
    for pattern, name in KINDS:
        if pattern.search(words):
            return name, key.group(1)
    return None


def record(kode: str, folder: str, path: Path, rel: str, found: tuple[str, str]) -> dict:
    """The attachment row of one file."""
    return {
        "kode_wilayah": kode,
        "folder": folder,
        "source_file": rel,
        "jenis": found[0],
        "kunci": found[1],
        "sha256": sha256(path),
    }
