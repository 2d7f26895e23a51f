"""Walk a period folder: one folder per kelurahan, each file recognised by its content."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.errors import FileProblem, PeriodNotFound
from pipelines.ingest import musyawarah
from pipelines.ingest.layout import Table, find_table
from pipelines.ingest.read import SUPPORTED, read_grids
from pipelines.wilayah import parse_folder_code

log = logging.getLogger(__name__)

PROBLEM_COLUMNS = ["kode_wilayah", "folder", "source_file", "source_sheet", "masalah"]


@dataclass
class KelurahanInput:
    """What one kelurahan folder holds once read."""

    kode_wilayah: str
    folder: str
    prelist: pd.DataFrame | None = None
    meetings: list[dict] = field(default_factory=list)
    decisions: pd.DataFrame | None = None
    problems: list[dict] = field(default_factory=list)
    ignored_rows: int = 0

    def problem(self, message: str, file: str = "", sheet: str = "") -> None:
        self.problems.append(
            {
                "kode_wilayah": self.kode_wilayah,
                "folder": self.folder,
                "source_file": file,
                "source_sheet": sheet,
                "masalah": message,
            }
        )


def kelurahan_folders(period_dir: Path) -> tuple[list[tuple[str, Path]], list[dict]]:
    """(kode, folder) pairs sorted by kode, and problems for folders with no kode."""
    if not period_dir.is_dir():
        raise PeriodNotFound(
            f"Folder periode {period_dir} tidak ada. Letakkan berkas tiap kelurahan di "
            f"{period_dir}/<kode wilayah> <nama kelurahan>/ lalu jalankan lagi."
        )
    found, problems = [], []
    for p in sorted(period_dir.iterdir()):
        if p.name.startswith((".", "_")):
            continue
        code = parse_folder_code(p.name) if p.is_dir() else None
        if code is None:
            problems.append(
                {
                    "kode_wilayah": "",
                    "folder": p.name,
                    "source_file": "" if p.is_dir() else p.name,
                    "source_sheet": "",
                    "masalah": "Nama folder tidak diawali kode wilayah 10 digit (mis. 62.71.01.1001 "
                    "Pahandut); isinya tidak diproses. Ganti nama foldernya."
                    if p.is_dir()
                    else "Berkas di luar folder kelurahan tidak diproses. Pindahkan ke folder kelurahannya.",
                }
            )
            continue
        found.append((code, p))
    if not found:
        raise PeriodNotFound(
            f"Folder periode {period_dir} tidak berisi folder kelurahan (nama folder diawali "
            "kode wilayah 10 digit, mis. '62.71.01.1001 Pahandut')."
        )
    return sorted(found, key=lambda t: (t[0], t[1].name)), problems


def read_kelurahan(code: str, folder: Path, period_dir: Path) -> KelurahanInput:
    """Read every file of one kelurahan folder; problems are recorded, never raised."""
    kin = KelurahanInput(code, folder.name)
    prelists, decisions = [], []
    files = sorted(
        p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(("~$", "."))
    )
    for path in files:
        rel = path.relative_to(period_dir).as_posix()
        if path.suffix.lower() not in SUPPORTED:
            kin.problem(f"Berkas '{path.name}' bukan Excel atau CSV dan tidak diproses.", rel)
            continue
        try:
            grids = read_grids(path, rel)
        except FileProblem as exc:
            kin.problem(exc.message[:1].upper() + exc.message[1:], rel)
            continue
        tables = [t for g in grids if (t := find_table(g)) is not None]
        if not tables:
            kin.problem(
                "Tidak ditemukan baris judul kolom yang dikenali (mis. NIK, NO KK, NAMA). "
                "Pastikan tabel memakai judul kolom standar prelist atau berita acara.",
                rel,
            )
            continue
        for t in tables:
            kin.ignored_rows += t.ignored_rows
            if t.kind == "prelist":
                prelists.append(_with_source(t, rel))
            elif t.kind == "musyawarah":
                meeting, dec = musyawarah.parse(t, rel)
                kin.meetings.append(meeting)
                decisions.append(dec)
            else:
                kin.problem(
                    "Berkas ini berisi ekspor DTKS, bukan prelist; muat dengan 'dtks load-dtks'.",
                    rel,
                    t.grid.sheet,
                )
    if prelists:
        kin.prelist = pd.concat(prelists, ignore_index=True)
    else:
        kin.problem(
            "Folder ini tidak berisi prelist (daftar usulan dengan kolom NIK dan NAMA). "
            "Kirim prelist akhir kelurahan."
        )
    if decisions:
        kin.decisions = pd.concat(decisions, ignore_index=True)
    else:
        kin.problem(
            "Berita acara musyawarah tidak ditemukan: semua usulan kelurahan ini "
            "ditolak_musyawarah. Kirim berita acara musyawarah kelurahan."
        )
    logging.getLogger("pipelines.progress").info("kelurahan %s dibaca", code)
    log.info(
        "kelurahan %s: %d prelist rows, %d decisions, %d problems",
        code,
        0 if kin.prelist is None else len(kin.prelist),
        0 if kin.decisions is None else len(kin.decisions),
        len(kin.problems),
    )
    return kin


def _with_source(t: Table, rel: str) -> pd.DataFrame:
    df = t.frame()
    df["source_file"] = rel
    df["source_sheet"] = t.grid.sheet
    return df
