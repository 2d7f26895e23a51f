"""Scanned berita acara (PDF or photo): the period's evidence, never a decision list.

A signed paper berita acara is usually sent as a scan. It is archived with its SHA-256 as the
period's evidence (recorded in the store, period_evidence; publish copies it into the outputs
and lists it); when a kelurahan sends
only a scan, its rows are held with one message asking for the decision list (`dtks template
berita-acara` writes the workbook to fill).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd

from pipelines.files import sha256

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".webp", ".bmp"}
# a photo is a berita acara only by its name (a folder may hold photos of houses too)
_BA_NAME = re.compile(
    r"(?:^|[^a-z])(ba|bap)(?:[^a-z]|$)|berita|acara|musyawarah|musdes|muskel|notulen", re.I
)
COLUMNS = ["kode_wilayah", "folder", "source_file", "sha256", "ukuran_byte", "status"]
FOLDER = "bukti_berita_acara"


def is_scan(path: Path) -> bool:
    """A PDF, or an image named like a berita acara: a scanned or photographed one."""
    suffix = path.suffix.lower()
    return suffix == ".pdf" or (suffix in IMAGE_SUFFIXES and bool(_BA_NAME.search(path.stem)))


def record(kode: str, folder: str, path: Path, rel: str) -> dict:
    """The evidence row of one scan (status filled once the folder is read)."""
    return {
        "kode_wilayah": kode,
        "folder": folder,
        "source_file": rel,
        "sha256": sha256(path),
        "ukuran_byte": path.stat().st_size,
        "status": "",
    }


def archive(evidence: pd.DataFrame, raw_dir: Path, out_dir: Path) -> pd.DataFrame:
    """Copy every scan under out_dir/bukti_berita_acara/<kode>/ and check its hash again.

    Returns the evidence rows with `arsip` (the copy's path under out_dir's parent's period
    folder); a scan changed since it was read keeps its recorded hash and is flagged."""
    rows = []
    for r in evidence.to_dict("records"):
        src = raw_dir / r["source_file"]
        dest = out_dir / FOLDER / r["kode_wilayah"] / Path(r["source_file"]).name
        if not src.is_file():  # outputs rebuilt later (review, siks-ng): the scan was moved
            rows.append({**r, "status": f"{r['status']} (berkas tidak ada lagi)", "arsip": ""})
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
        if sha256(dest) != r["sha256"]:
            r["status"] += " (berkas berubah sejak dibaca: periksa)"
        rows.append({**r, "arsip": f"{FOLDER}/{r['kode_wilayah']}/{dest.name}"})
    return pd.DataFrame(rows, columns=[*COLUMNS, "arsip"])
