"""Walk a period folder: one folder per kelurahan, each file recognised by its content.

Nothing is skipped in silence: every folder or file that is not read becomes a problem row
(jenis 'dilewati', 'tak_terbaca' or 'masalah'), listed on screen at the end of `dtks
finalize` and in masalah_berkas.csv. What is read and what is not:

- a kelurahan folder is read when its name starts with the 10-digit kode wilayah, after any
  leading underscores ('_62.71.01.1001 Pahandut' is read); a folder whose name starts with
  '.' is hidden (made by a program) and skipped, named;
- inside it every file in every subfolder is read, dot-files included ('..xlsx'), except
  what programs leave beside a workbook, skipped and named: Excel and LibreOffice lock files
  ('~$...', '.~lock...#'), macOS resource forks ('._...', '__MACOSX') and hidden folders;
- a folder or file that is a symbolic link is followed only while it stays inside the data
  root or the period folder; one leading elsewhere is refused, named;
- a file that cannot be read (damaged, protected, over a limit, empty, or one that makes the
  reader fail in a way nobody foresaw) is a problem of its kelurahan only.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines import reasons as R
from pipelines.config import Home
from pipelines.errors import FileProblem, PeriodNotFound
from pipelines.ingest import attachments, evidence, guard, musyawarah, schemes
from pipelines.ingest import prelist as prelist_table
from pipelines.ingest.layout import find_table
from pipelines.ingest.read import SUPPORTED, Limits, read_grids
from pipelines.wilayah import parse_folder_code

log = logging.getLogger(__name__)

PROBLEM_COLUMNS = ["kode_wilayah", "folder", "source_file", "source_sheet", "masalah", "jenis"]
# jenis: what happened to the folder or file (shown grouped at the end of dtks finalize)
SKIPPED, UNREADABLE, PROBLEM = "dilewati", "tak_terbaca", "masalah"


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
    mappings: list[dict] = field(default_factory=list)  # how each file's columns were read
    evidence: list[dict] = field(default_factory=list)  # scanned berita acara (SHA-256)
    attachments: list[dict] = field(default_factory=list)  # KTP, KK, photos (SHA-256)
    held: str | None = None  # why the rows wait for a readable decision list, if they do
    unreadable_ba: list[str] = field(default_factory=list)  # berita acara without decisions

    def problem(self, message: str, file: str = "", sheet: str = "", kind: str = PROBLEM) -> None:
        self.problems.append(
            {
                "kode_wilayah": self.kode_wilayah,
                "folder": self.folder,
                "source_file": file,
                "source_sheet": sheet,
                "masalah": message,
                "jenis": kind,
            }
        )


def data_root(period_dir: Path) -> Path:
    """The data root of a period folder (ROOT/data/raw/PERIOD), else the folder's parent."""
    p = period_dir.absolute()
    if p.parent.name == "raw" and p.parent.parent.name == "data":
        return p.parent.parent.parent
    return p.parent


def limits_of(period_dir: Path) -> Limits:
    """The input limits of the period's data root (dtks.toml [batas_berkas])."""
    return Home(data_root(period_dir)).config.batas_berkas


def _inside(path: Path, bounds: tuple[Path, ...]) -> bool:
    """Whether a path, links followed, lies inside one of the (resolved) bounds."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a link loop
        return False
    return any(real == b or real.is_relative_to(b) for b in bounds)


def _bounds(period_dir: Path) -> tuple[Path, ...]:
    return (data_root(period_dir).resolve(), period_dir.resolve())


def _folder_problem(name: str, message: str, kind: str, file: str = "") -> dict:
    return {
        "kode_wilayah": "",
        "folder": name,
        "source_file": file,
        "source_sheet": "",
        "masalah": message,
        "jenis": kind,
    }


LINK_OUTSIDE = (
    "{what} adalah tautan (symlink/shortcut) ke tempat di luar folder data; tidak dibaca. "
    "Salin isinya ke dalam folder data lalu jalankan lagi."
)


def kelurahan_folders(period_dir: Path) -> tuple[list[tuple[str, Path]], list[dict]]:
    """(kode, folder) pairs sorted by kode, and a problem for every entry not read."""
    if not period_dir.is_dir():
        raise PeriodNotFound(
            f"Folder periode {period_dir} tidak ada. Letakkan berkas tiap kelurahan di "
            f"{period_dir}/<kode wilayah> <nama kelurahan>/ lalu jalankan lagi."
        )
    limits_of(period_dir)  # a bad [batas_berkas] stops the run before any file is read
    bounds = _bounds(period_dir)
    found, problems = [], []
    for p in sorted(period_dir.iterdir()):
        if p.is_symlink() and not _inside(p, bounds):
            problems.append(
                _folder_problem(p.name, LINK_OUTSIDE.format(what="Folder ini"), SKIPPED)
            )
            continue
        if p.is_dir() and p.name.startswith("."):
            problems.append(
                _folder_problem(
                    p.name,
                    "Folder tersembunyi (nama diawali titik, biasanya dibuat program) tidak "
                    "diproses. Bila berisi berkas kelurahan, ganti namanya dengan kode wilayah "
                    "di depan.",
                    SKIPPED,
                )
            )
            continue
        code = parse_folder_code(p.name.lstrip("_ ")) if p.is_dir() else None
        if code is None:
            problems.append(
                _folder_problem(
                    p.name,
                    "Nama folder tidak diawali kode wilayah 10 digit (mis. 62.71.01.1001 "
                    "Pahandut); isinya tidak diproses. Ganti nama foldernya."
                    if p.is_dir()
                    else "Berkas di luar folder kelurahan tidak diproses. Pindahkan ke folder "
                    "kelurahannya.",
                    SKIPPED,
                    "" if p.is_dir() else p.name,
                )
            )
            continue
        found.append((code, p))
    if not found:
        raise PeriodNotFound(
            f"Folder periode {period_dir} tidak berisi folder kelurahan (nama folder diawali "
            "kode wilayah 10 digit, mis. '62.71.01.1001 Pahandut')."
        )
    return sorted(found, key=lambda t: (t[0], t[1].name)), problems


# what programs leave beside a workbook: (name test, why it is skipped)
_LEFTOVERS = [
    (lambda n: n.startswith("~$"), "berkas kunci Excel (dibuat selama berkas dibuka di Excel)"),
    (lambda n: n.startswith(".~lock."), "berkas kunci LibreOffice"),
    (lambda n: n.startswith("._"), "berkas sisa macOS (bukan isi tabel)"),
]


def _files(folder: Path, period_dir: Path, kin: KelurahanInput) -> list[Path]:
    """Every file under a kelurahan folder in name order; what is not read becomes a problem."""
    bounds = _bounds(period_dir)
    out: list[Path] = []
    seen: set[Path] = set()

    def walk(d: Path) -> None:
        real = d.resolve()
        if real in seen:  # a link back up the tree
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            kin.problem(
                f"Folder tidak dapat dibuka ({exc.strerror}).", _rel(d, period_dir), kind=SKIPPED
            )
            return
        for e in entries:
            path = Path(e.path)
            rel = _rel(path, period_dir)
            if e.is_symlink() and not _inside(path, bounds):
                what = "Folder ini" if path.is_dir() else "Berkas ini"
                kin.problem(LINK_OUTSIDE.format(what=what), rel, kind=SKIPPED)
            elif path.is_dir():
                if e.name.startswith(".") or e.name == "__MACOSX":
                    kin.problem(
                        "Folder tersembunyi atau sisa program tidak diproses; pindahkan berkas "
                        "kelurahan di dalamnya ke folder kelurahan.",
                        rel,
                        kind=SKIPPED,
                    )
                else:
                    walk(path)
            elif path.is_file():
                why = next((w for test, w in _LEFTOVERS if test(e.name)), None)
                if why:
                    kin.problem(f"Dilewati: {why}.", rel, kind=SKIPPED)
                else:
                    out.append(path)
            else:
                kin.problem("Bukan berkas biasa; tidak dibaca.", rel, kind=SKIPPED)

    walk(folder)
    return out


def _rel(path: Path, period_dir: Path) -> str:
    try:
        return path.relative_to(period_dir).as_posix()
    except ValueError:
        return path.name


def read_kelurahan(code: str, folder: Path, period_dir: Path) -> KelurahanInput:
    """Read every file of one kelurahan folder; problems are recorded, never raised."""
    kin = KelurahanInput(code, folder.name)
    limits = limits_of(period_dir)
    scheme = schemes.default_scheme(Home(data_root(period_dir)).config)
    quarantined = guard.load(data_root(period_dir))
    prelists: list[pd.DataFrame] = []
    decisions: list[pd.DataFrame] = []
    for path in _files(folder, period_dir, kin):
        rel = _rel(path, period_dir)
        if found := attachments.kind(path):  # KTP_<NIK>.jpg, FOTO_RUMAH_<NO KK>.jpg, ...
            kin.attachments.append(attachments.record(code, folder.name, path, rel, found))
            continue
        if evidence.is_scan(path):  # a berita acara scanned or photographed: evidence
            kin.evidence.append(evidence.record(code, folder.name, path, rel))
            continue
        if path.suffix.lower() not in SUPPORTED:
            kin.problem(
                f"Berkas '{path.name}' bukan Excel atau CSV dan tidak diproses.", rel, kind=SKIPPED
            )
            continue
        if guard.is_quarantined(path, quarantined):
            kin.problem(guard.CRASHED, rel, kind=UNREADABLE)
            continue
        try:
            _read_file(kin, path, rel, limits, prelists, decisions, scheme)
        except FileProblem as exc:
            kin.problem(exc.message[:1].upper() + exc.message[1:], rel, exc.sheet, UNREADABLE)
        except Exception as exc:  # one odd file never stops the kelurahan, nor the month
            if os.environ.get("DTKS_DEBUG"):
                raise
            log.warning("kelurahan %s: a file failed to read (%s)", code, type(exc).__name__)
            kin.problem(
                "Berkas tidak dapat diproses karena kesalahan tak terduga "
                f"({type(exc).__name__}); berkas dilewati. Simpan ulang dari Excel lalu kirim "
                "ulang; bila berulang, laporkan ke pengembang.",
                rel,
                kind=UNREADABLE,
            )
    if prelists:
        kin.prelist = pd.concat(prelists, ignore_index=True)
    else:
        kin.problem(
            "Folder ini tidak berisi prelist (daftar usulan dengan kolom NIK dan NAMA). "
            "Kirim prelist akhir kelurahan."
        )
    for e in kin.evidence:
        e["status"] = "bukti" if decisions else "ditahan: hanya pindaian"
    if decisions:
        kin.decisions = pd.concat(decisions, ignore_index=True)
    elif kin.unreadable_ba:
        kin.held = R.MUSY_UNREADABLE.format(berkas=", ".join(kin.unreadable_ba))
    elif kin.evidence:
        scans = ", ".join(e["source_file"] for e in kin.evidence)
        kin.held = R.MUSY_SCAN.format(berkas=scans)
        kin.problem(
            f"Berita acara musyawarah hanya dikirim sebagai pindaian ({scans}); berkas itu "
            "disimpan sebagai bukti (dengan SHA-256), tetapi keputusan per keluarga tidak dapat "
            "dibaca dari gambar. Semua usulan kelurahan ini ditahan (ditolak_musyawarah) sampai "
            "daftar keputusan dikirim: buat formulirnya dengan 'dtks template berita-acara', "
            "minta kelurahan mengisinya (NO KK dan KEPUTUSAN tiap keluarga), letakkan di folder "
            "ini bersama pindaiannya, lalu jalankan finalisasi lagi.",
            scans,
        )
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


def _read_file(
    kin: KelurahanInput,
    path: Path,
    rel: str,
    limits: Limits,
    prelists: list[pd.DataFrame],
    decisions: list[pd.DataFrame],
    scheme: str = schemes.DEFAULT,
) -> None:
    """The tables of one file into the kelurahan's prelists and decisions, with how their
    columns were read (kin.mappings) and what the supervisor should know (kin.problems)."""
    grids = read_grids(path, rel, limits)
    tables = [t for g in grids if (t := find_table(g)) is not None]
    if not tables:
        kin.problem(
            "Tidak ditemukan baris judul kolom yang dikenali (mis. NIK, NO KK, NAMA). "
            "Pastikan tabel memakai judul kolom standar prelist atau berita acara.",
            rel,
        )
        return
    for t in tables:
        kin.ignored_rows += t.ignored_rows
        if t.kind == "dtks":
            kin.problem(
                "Berkas ini berisi ekspor DTKS, bukan prelist; muat dengan 'dtks load-dtks'.",
                rel,
                t.grid.sheet,
            )
        elif not len(t.data_index) and t.kind == "musyawarah" and t.ignored_rows:
            # rows were sent, but none holds a key and a decision: the berita acara came and
            # cannot be read, which is not the same as "not sent" (its rows are held)
            kin.unreadable_ba.append(rel)
            kin.problem(
                f"Berita acara ini berisi {t.ignored_rows} baris, tetapi tidak satu pun dapat "
                "dibaca sebagai keputusan (tiap baris perlu NO KK, NIK atau nama kepala keluarga, "
                "dan KEPUTUSAN). Isi kolom KEPUTUSAN (formulir: 'dtks template berita-acara') "
                "lalu kirim ulang.",
                rel,
                t.grid.sheet,
                UNREADABLE,
            )
        elif not len(t.data_index):
            what = "Prelist" if t.kind == "prelist" else "Berita acara"
            kin.problem(
                f"Berkas kosong: {what} ini hanya berisi judul kolom, tanpa baris data. "
                "Isi tabelnya lalu kirim ulang.",
                rel,
                t.grid.sheet,
                UNREADABLE,
            )
        else:
            _read_table(kin, t, rel, prelists, decisions, scheme)


def _read_table(
    kin: KelurahanInput,
    t,
    rel: str,
    prelists: list[pd.DataFrame],
    decisions: list[pd.DataFrame],
    scheme: str,
) -> None:
    """A prelist (relationship codes read in the file's scheme) or a berita acara (or a
    prelist carrying the decision on every row): rows, mapping and file problems."""
    if t.kind == "prelist":
        got = prelist_table.read(t, rel, scheme)
        prelists.append(got.frame)
        mapping, problems = got.mapping, got.problems
    else:
        mapping, problems = t.mapping(), []
    kind = "prelist" if t.kind == "prelist" else "berita acara"
    kin.mappings.extend(
        {"kode_wilayah": kin.kode_wilayah, "folder": kin.folder, "source_file": rel,
         "source_sheet": t.grid.sheet, "jenis": kind, **m}
        for m in mapping
    )  # fmt: skip
    if t.kind == "musyawarah" or t.has_decisions:
        ba = musyawarah.parse(t, rel)
        kin.meetings.append(ba.meeting)
        if ba.usable:
            decisions.append(ba.decisions)
        else:
            kin.unreadable_ba.append(rel)
        problems = problems + ba.problems
    for p in problems:
        kin.problem(p, rel, t.grid.sheet)
