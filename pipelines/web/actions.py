"""The desk's one door into the pipeline: every read and every act the web pages need.

Pages never import a pipeline module; they call these functions, which call the same library
functions as the `dtks` commands (review.apply_decisions beside review.apply, close.close,
letters.issue, register.advance, package.fulfil, ...) and record every act with the user in
desk_action. The store is opened per call and closed again, so the CLI can use it between
two pages; calls are serialised in this process (DuckDB refuses a read-only and a read-write
connection to one file in one process). The finalisation itself runs as `dtks finalize` in a
child process (jobs.py), holding the run lock like any other run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pipelines import close as close_mod
from pipelines import letters, review, runlock, signing, users, wilayah
from pipelines.config import PERIOD_RE, Home, check_period
from pipelines.errors import DtksError, StoreLocked
from pipelines.ingest.read import SUPPORTED, check_zip
from pipelines.outcomes import LABELS as OUTCOME_LABELS
from pipelines.outcomes import OUTCOMES
from pipelines.redact import mask
from pipelines.report import review_workbook
from pipelines.report.finalisation.content import period_label
from pipelines.report.signatories import Signatories
from pipelines.requests import register
from pipelines.store import Store, dinas_kabkota, open_store
from pipelines.store.periods import ensure_open
from pipelines.users import User
from pipelines.web import uploads

__all__ = ["DtksError", "StoreLocked", "User", "period_label", "OUTCOMES", "OUTCOME_LABELS"]

_lock = threading.RLock()
_user_cache: dict[str, User] = {}
SECRET_FILE = "meja-rahasia"


class NotFound(DtksError):
    "What the page asks for does not exist (a period, a file, a request, a letter)."


# Set while this desk's own finalisation child runs: DuckDB lets a process open the file for
# writing only while no other process has it open at all, so one page read at the wrong
# moment (the progress poll checks the account every second) would make the run fail with
# "sedang dipakai". Meanwhile the desk opens the store not at all (accounts from the cache).
_held = threading.Event()
HELD_MESSAGE = (
    "Finalisasi sedang berjalan dari meja ini; basis data dipakai sampai selesai. Coba lagi "
    "setelah finalisasi selesai."
)


@contextmanager
def store_held_for_run() -> Iterator[None]:
    """Keep the desk off the store while a finalisation child runs (waits for a page's read)."""
    with _lock:  # a page's read or act in progress ends first
        _held.set()
    try:
        yield
    finally:
        _held.clear()


@contextmanager
def _store(home: Home, write: bool = False) -> Iterator[Store]:
    with _lock:
        if _held.is_set():
            raise StoreLocked(HELD_MESSAGE)
        store = open_store(
            home.store_path, read_only=not write, memory_limit=home.memory_limit if write else None
        )
        try:
            yield store
        finally:
            store.close()


def _act(store: Store, user: User, aksi: str, sasaran: str | None, hasil: str | None) -> None:
    users.record(store, user, aksi, sasaran, mask(hasil) if hasil else None)


# --- the desk itself --------------------------------------------------------------------------


def open_home(home: Path | None) -> Home:
    """The data root the desk serves; refused without a register, like every command."""
    h = Home.resolve(home)
    h.require_register()
    return h


def secret(home: Home) -> bytes:
    """The key that signs session cookies (keys/meja-rahasia, 0600), made on first need."""
    path = signing.key_paths(home).key.parent / SECRET_FILE
    if not path.exists():
        try:
            signing.write_secret(path, os.urandom(32), exclusive=True)
        except FileExistsError:
            pass
    return path.read_bytes()


@dataclass(frozen=True)
class Dinas:
    """The office the desk serves (names from dtks.toml [dinas], else the kab/kota)."""

    nama: str
    kabkota: str | None
    wilayah: str


_dinas_cache: dict[str, tuple[float, Dinas]] = {}


def dinas(home: Home) -> Dinas:
    """The Dinas and its kab/kota (kept a minute: every page header shows it)."""
    hit = _dinas_cache.get(str(home.root))
    if hit and time.monotonic() - hit[0] < 60:
        return hit[1]
    try:
        with _store(home) as store:
            kabkota = dinas_kabkota(home, store)
    except StoreLocked:
        if hit:
            return hit[1]
        conf = home.config.dinas.kode_kabkota
        kabkota = str(conf).replace(".", "") if conf else None
    who = Signatories.from_settings(home.config, kabkota)
    d = Dinas(who.dinas, kabkota, wilayah.load().name(kabkota or ""))
    _dinas_cache[str(home.root)] = (time.monotonic(), d)
    return d


# --- accounts ---------------------------------------------------------------------------------


def login(home: Home, nama: str, sandi: str) -> User | None:
    """The account for this name and password (recorded either way), else None."""
    with _store(home, write=True) as store:
        user = users.authenticate(store, nama, sandi)
        if user is None:
            known = users.get(store, nama)
            users.record(store, known.nama if known else "(tidak dikenal)", "masuk_gagal")
            return None
        _act(store, user, "masuk", None, None)
    _user_cache[user.nama.casefold()] = user
    return user


def logout(home: Home, user: User) -> None:
    with _store(home, write=True) as store:
        _act(store, user, "keluar", None, None)


def account(home: Home, nama: str) -> User | None:
    """The current state of an account; the last one seen while the store is busy."""
    try:
        with _store(home) as store:
            user = users.get(store, nama)
    except StoreLocked:
        return _user_cache.get(nama.casefold())
    if user is None:
        _user_cache.pop(nama.casefold(), None)
    else:
        _user_cache[nama.casefold()] = user
    return user


# --- months -----------------------------------------------------------------------------------


@dataclass
class MonthRow:
    """One month on the list and the status page (counts only)."""

    period: str
    label: str
    raw_folders: int = 0
    finalised_at: dt.datetime | None = None
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    undecided: int = 0
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    laporan: str | None = None  # the report PDF's name, when written


def months(home: Home) -> list[MonthRow]:
    """Every month with raw files or a finalisation, newest first."""
    found: dict[str, MonthRow] = {}
    if home.raw.is_dir():
        for p in home.raw.iterdir():
            if p.is_dir() and PERIOD_RE.match(p.name):
                n = sum(1 for q in p.iterdir() if q.is_dir() and wilayah.parse_folder_code(q.name))
                found[p.name] = MonthRow(p.name, period_label(p.name), raw_folders=n)
    with _store(home) as store:
        runs = store.execute(
            "SELECT period, max(finished_at) FROM finalisation_run GROUP BY period"
        ).fetchall()
        counts = store.execute(
            "SELECT period, outcome, count(*) FROM prelist_final GROUP BY ALL"
        ).fetchall()
        closes = store.execute("SELECT period, closed_at, petugas FROM period_close").fetchall()
    for period, when in runs:
        found.setdefault(period, MonthRow(period, period_label(period))).finalised_at = when
    for period, outcome, n in counts:
        m = found.setdefault(period, MonthRow(period, period_label(period)))
        m.counts[outcome] = int(n)
        m.rows += int(n)
        if outcome == "perlu_verifikasi":
            m.undecided = int(n)
    for period, when, who in closes:
        m = found.setdefault(period, MonthRow(period, period_label(period)))
        m.closed_at, m.closed_by = when, who
    for m in found.values():
        pdf = home.reports / m.period / f"laporan_finalisasi_{m.period}.pdf"
        m.laporan = pdf.name if pdf.is_file() else None
    return sorted(found.values(), key=lambda m: m.period, reverse=True)


@dataclass
class Kelurahan:
    """A kelurahan/desa of the Dinas and what it sent for a month."""

    kode: str
    nama: str
    kecamatan: str
    folder: str | None = None
    files: list[tuple[str, int, dt.datetime]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def dotted(self) -> str:
        return wilayah.dotted(self.kode)


@dataclass
class Month:
    """One month's page: what came in, the outcomes, the files to download, its state."""

    period: str
    label: str
    kelurahan: list[Kelurahan]
    others: list[str]  # folders that are no kelurahan of this Dinas (named, not processed)
    finalised_at: dt.datetime | None
    totals: dict[str, int]
    undecided: int
    closed: tuple | None  # (closed_at, petugas, forced, alasan)
    downloads: dict[str, list[str]]
    ba_final: bool = False

    @property
    def received(self) -> list[Kelurahan]:
        return [k for k in self.kelurahan if k.files]

    @property
    def missing(self) -> list[Kelurahan]:
        return [k for k in self.kelurahan if not k.files]


def kelurahan_choices(home: Home) -> list[tuple[str, str, str]]:
    """(code, name, kecamatan) of every kelurahan/desa of the Dinas, from the Kemendagri list."""
    kab = dinas(home).kabkota
    if not kab:
        raise DtksError(
            "Kab/kota Dinas belum diketahui: muat snapshot DTKS (dtks load-dtks) atau isi "
            "[dinas] kode_kabkota di dtks.toml."
        )
    w = wilayah.load()
    return [(c, w.name(c), w.name(c[:6])) for c in w.desa_in(kab)]


def _folders(period_dir: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    if period_dir.is_dir():
        for p in sorted(period_dir.iterdir()):
            code = wilayah.parse_folder_code(p.name) if p.is_dir() else None
            if code and code not in out:
                out[code] = p
    return out


_month_seen: dict[str, tuple] = {}  # period -> its last counts read (shown while a run holds)


def month(home: Home, period: str) -> Month:
    """Everything the month's page shows (no personal data: counts and file names)."""
    check_period(period)
    choices = kelurahan_choices(home)
    folders = _folders(home.period_raw(period))
    mine = {c for c, _, _ in choices}
    kel = []
    for code, name, kec in choices:
        k = Kelurahan(code, name, kec)
        if code in folders:
            k.folder = folders[code].name
            k.files = [
                (f.name, f.stat().st_size, dt.datetime.fromtimestamp(f.stat().st_mtime))
                for f in sorted(folders[code].iterdir())
                if f.is_file() and not f.name.startswith((".", "~$"))
            ]
        kel.append(k)
    others = [p.name for c, p in folders.items() if c not in mine]
    try:
        with _store(home) as store:
            run = store.one(
                "SELECT max(finished_at) FROM finalisation_run WHERE period = ?", [period]
            )
            per = store.execute(
                "SELECT folder_kode, outcome, count(*) FROM prelist_final WHERE period = ? "
                "GROUP BY ALL",
                [period],
            ).fetchall()
            closed = store.one(
                "SELECT closed_at, petugas, forced, alasan FROM period_close WHERE period = ?",
                [period],
            )
        _month_seen[period] = (run, per, closed)
    except StoreLocked:
        # the desk's own run holds the store: the page as it was before, with live progress
        if not _held.is_set() or period not in _month_seen:
            raise
        run, per, closed = _month_seen[period]
    by_code = {k.kode: k for k in kel}
    totals: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
    for code, outcome, n in per:
        if code in by_code:
            by_code[code].counts[outcome] = int(n)
        totals[outcome] = totals.get(outcome, 0) + int(n)
    finalised = run[0] if run else None
    return Month(
        period,
        period_label(period),
        kel,
        others,
        finalised,
        totals,
        totals.get("perlu_verifikasi", 0),
        closed,
        _downloads(home, period) if finalised else {},
        ba_final=bool(finalised) and totals.get("perlu_verifikasi", 0) == 0,
    )


# downloadable parts of a month: part -> (folder under the data root, right needed)
PARTS = {
    "utama": ("processed", "unduh"),
    "penolakan": ("processed/penolakan", "unduh"),
    "siks-ng": ("processed/siks-ng", "unduh"),
    "laporan": ("reports", "laporan"),
}


def _part_dir(home: Home, period: str, part: str) -> Path:
    base, _ = PARTS[part]
    if base == "reports":
        return home.reports / period
    sub = base.split("/", 1)
    return home.period_out(period) / (sub[1] if len(sub) > 1 else "")


def _downloads(home: Home, period: str) -> dict[str, list[str]]:
    out = {}
    for part in PARTS:
        d = _part_dir(home, period, part)
        out[part] = sorted(
            p.name
            for p in (d.iterdir() if d.is_dir() else [])
            if p.is_file() and not p.name.startswith(".") and p.suffix != ".parquet"
        )
    return out


def download(home: Home, user: User, period: str, part: str, name: str) -> Path:
    """A month's output file, found by listing its folder (a name is never used as a path)."""
    check_period(period)
    if part not in PARTS:
        raise NotFound("Bagian unduhan tidak dikenal.")
    listed = _downloads(home, period).get(part, [])
    if name not in listed:
        raise NotFound(f"Berkas tidak ada untuk periode {period}.")
    path = _part_dir(home, period, part) / listed[listed.index(name)]
    with _store(home, write=True) as store:
        _act(store, user, "unduh", f"{period}/{part}/{path.name}", None)
    return path


def part_right(part: str) -> str:
    """The right a download part needs (roles.MATRIX)."""
    return PARTS[part][1] if part in PARTS else "unduh"


def upload_limit_mb(home: Home) -> float:
    """The largest file an upload may be: the pipeline's own [batas_berkas] ukuran_berkas_mb."""
    return home.config.batas_berkas.ukuran_berkas_mb


def upload(
    home: Home, user: User, period: str, kode: str, files: list[tuple[str, BinaryIO]]
) -> list[str]:
    """Store a kelurahan's files in its folder for the month; all or none. Returns the names.

    The folder is the existing one of that code, else '<kode> <nama>' from the Kemendagri
    list. Each file is held to the pipeline's input limits (size; for a zip package what it
    unpacks to and the sheets it declares, ingest.read.check_zip) before it lands. Refused
    for a closed month, or while a finalisation of this data root runs.
    """
    check_period(period)
    names = {c: n for c, n, _ in kelurahan_choices(home)}
    if kode not in names:
        raise DtksError("Pilih kelurahan/desa dari daftar wilayah Dinas.")
    if not files:
        raise DtksError("Pilih berkas yang akan diunggah.")
    if len(files) > uploads.MAX_FILES:
        raise DtksError(f"Paling banyak {uploads.MAX_FILES} berkas sekali unggah.")
    limits = home.config.batas_berkas
    safe = [uploads.safe_name(raw, SUPPORTED) for raw, _ in files]
    if len({n.casefold() for n in safe}) != len(safe):
        raise DtksError("Dua berkas bernama sama; ganti nama salah satunya.")
    with _lock:
        with _store(home) as store:
            ensure_open(store, period)
        with runlock.finalisation(home):
            period_dir = home.period_raw(period)
            folder = _folders(period_dir).get(kode) or (
                period_dir / f"{wilayah.dotted(kode)} {names[kode]}"
            )
            made = not folder.exists()
            folder.mkdir(parents=True, exist_ok=True)
            staged: list[tuple[Path, Path]] = []
            try:
                for name, (_, source) in zip(safe, files, strict=True):
                    target = folder / name
                    if target.resolve().parent != folder.resolve():  # cannot after safe_name
                        raise uploads.UploadRefused("Nama berkas tidak sah.")
                    tmp = folder / f".unggah-{uuid.uuid4().hex[:8]}-{name}"
                    staged.append((tmp, target))
                    try:
                        uploads.save(source, tmp, limits.ukuran_berkas_mb)
                    except uploads.UploadRefused as exc:
                        raise uploads.UploadRefused(f"Berkas '{name}': {exc}") from None
                    uploads.check_kind(name, tmp)
                    if tmp.suffix.lower() in uploads.ZIP_KINDS:
                        check_zip(tmp, name, limits)  # zip bombs, absurd sheets: refused here
                for tmp, target in staged:
                    os.replace(tmp, target)
            finally:
                for tmp, _ in staged:
                    tmp.unlink(missing_ok=True)
                if made and not any(folder.iterdir()):
                    folder.rmdir()
        with _store(home, write=True) as store:
            _act(
                store,
                user,
                "unggah",
                f"{period}/{wilayah.dotted(kode)}",
                f"{len(safe)} berkas: " + ", ".join(safe),
            )
    return safe


# --- the finalisation ---------------------------------------------------------------------------


def finalisation_ready(home: Home, period: str) -> None:
    """Refuse a finalisation that cannot start: closed month, no kelurahan, a run going on."""
    check_period(period)
    with _store(home) as store:
        ensure_open(store, period)
    if not _folders(home.period_raw(period)):
        raise DtksError(
            f"Belum ada berkas kelurahan untuk periode {period}. Unggah dulu berkas prelist dan "
            "berita acara tiap kelurahan."
        )
    with runlock.finalisation(home):  # raises StoreLocked at once while a run holds it
        pass


def finalisation_command(home: Home, period: str) -> list[str]:
    """The run the desk starts: `dtks finalize` itself, progress as JSON lines (jobs.py)."""
    return [sys.executable, "-m", "pipelines.cli", "finalize", period, "--home", str(home.root)]


def finalisation_recorded(home: Home, user: User, period: str, hasil: str) -> None:
    with _store(home, write=True) as store:
        _act(store, user, "finalisasi", period, hasil)


# --- review -----------------------------------------------------------------------------------


def doubtful(home: Home, period: str) -> list[dict]:
    """The doubtful rows of a month beside their candidates (the review workbook's sheet)."""
    check_period(period)
    with _store(home) as store:
        return _records(review_workbook.doubtful_rows(store, period))


def _records(frame) -> list[dict]:
    """A frame's rows as dicts with NaN / NaT as None (templates show '-' for them)."""
    return [{k: (None if _blank(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


def _blank(v) -> bool:
    try:
        return v is None or (not isinstance(v, str) and bool(v != v))
    except (TypeError, ValueError):
        return False


def decide(home: Home, user: User, period: str, decisions: list[dict]) -> review.Applied:
    """Apply decisions from the browser through the same code as `dtks review apply`."""
    check_period(period)
    items = [
        review.Decision(
            d["kunci"], d["keputusan"], d.get("alasan", ""), d.get("nik"), d.get("kandidat", "")
        )
        for d in decisions
    ]
    with _store(home, write=True) as store:
        res = review.apply_decisions(store, period, items, user.nama, home=home)
        _act(
            store,
            user,
            "telaah",
            period,
            f"{res.applied} keputusan diterapkan, {res.undecided} menunggu",
        )
    return res


REVIEW_DECISIONS = list(review_workbook.DECISIONS)


def close_month(home: Home, user: User, period: str, force: bool, alasan: str) -> close_mod.Closed:
    """Close a month with the same refusals as `dtks close`."""
    check_period(period)
    with _store(home, write=True) as store:
        res = close_mod.close(store, period, user.nama, force, alasan or None, home=home)
        _act(store, user, "tutup", period, "sudah ditutup" if res.already else "ditutup")
    return res


def reopen_month(home: Home, user: User, period: str, alasan: str) -> close_mod.Reopened:
    """Reopen the latest closed month, as `dtks reopen`."""
    check_period(period)
    with _store(home, write=True) as store:
        res = close_mod.reopen(store, period, user.nama, alasan)
        _act(store, user, "buka_kembali", period, None)
    return res


# --- data requests ------------------------------------------------------------------------------


CHANNELS, CATEGORIES, COMPLEXITY = register.CHANNELS, register.CATEGORIES, register.COMPLEXITY


def catalogue() -> dict[str, str]:
    """Catalogue table -> title, for the request form."""
    from pipelines.requests.catalogue import CATALOGUE

    return {k: e.judul for k, e in CATALOGUE.items()}


def request_roles(home: Home) -> register.Roles:
    return register.Roles.from_settings(home.config)


def requests(home: Home) -> list[dict]:
    """Every request with due date and lateness (no identity numbers)."""
    with _store(home) as store:
        return _records(register.listing(store))


def request_detail(home: Home, nomor: str) -> tuple[dict, list[dict]]:
    """A request and its steps; the identity number only masked."""
    with _store(home) as store:
        req = store.df(
            "SELECT * EXCLUDE (identitas_hash) FROM data_request WHERE nomor = ?", [nomor]
        )
        events = store.df(
            # releases before 2026-12 recorded the intake's role as 'petugas'
            "SELECT status, petugas, CASE peran WHEN 'petugas' THEN ? ELSE peran END AS peran, "
            "pada, catatan FROM request_event WHERE nomor = ? ORDER BY pada",
            [register.OFFICER, nomor],
        )
    if req.empty:
        raise NotFound(f"Permintaan {nomor} tidak ada.")
    return _records(req)[0], _records(events)


def request_new(home: Home, user: User, form: dict[str, str]) -> tuple[str, dt.date, list[str]]:
    """Record a request as `dtks request new` does, the user as the receiving officer."""
    req = register.NewRequest(
        form.get("pemohon", "").strip(),
        form.get("identitas", ""),
        form.get("kanal", "surat"),
        form.get("tujuan", "").strip(),
        form.get("kategori", "penelitian_akademik"),
        form.get("jenis_data", ""),
        form.get("instansi", "").strip(),
        form.get("kontak", "").strip(),
        form.get("wilayah", "").strip(),
        form.get("tahun", "").strip(),
        form.get("kompleksitas", "sedang"),
        form.get("pks", "").strip(),
    )
    if not req.pemohon or not req.tujuan:
        raise DtksError("Isi nama pemohon dan tujuan penggunaan data.")
    salt = signing.identity_salt(home)
    with _store(home, write=True) as store:
        nomor, due, words = register.new(store, req, user.nama, home.config, salt=salt)
        _act(store, user, "permintaan_baru", nomor, "tanda politik" if words else None)
    return nomor, due, words


def request_step(home: Home, user: User, nomor: str, status: str, catatan: str) -> None:
    """One review/approval step, taken by the user in the role of their account."""
    with _store(home, write=True) as store:
        register.advance(store, nomor, status, user.nama, user.jabatan, catatan, home.config)
        _act(store, user, "permintaan_langkah", nomor, status)


def request_pks(home: Home, user: User, nomor: str, nomor_pks: str) -> None:
    with _store(home, write=True) as store:
        register.set_pks(store, nomor, nomor_pks, user.nama)
        _act(store, user, "permintaan_pks", nomor, None)


def request_fulfil(home: Home, user: User, nomor: str) -> Path:
    """Build, sign and hand over the package (`dtks request fulfil`); returns the zip."""
    from pipelines.requests.package import fulfil

    with _store(home, write=True) as store:
        pkg = fulfil(store, home, nomor, user.nama, dinas_kabkota(home, store))
        _act(store, user, "permintaan_penuhi", nomor, pkg.zip.name)
    return pkg.zip


def request_package(home: Home, user: User, nomor: str) -> Path:
    """The handed-over zip of a request (found by number in the package folder)."""
    folder = home.reports / "permintaan"
    found = [p for p in folder.glob("*.zip") if p.stem == nomor] if folder.is_dir() else []
    if not found:
        raise NotFound(f"Paket {nomor} belum ada.")
    with _store(home, write=True) as store:
        _act(store, user, "unduh", found[0].name, None)
    return found[0]


# --- letters ------------------------------------------------------------------------------------


def letter_check_url(home: Home) -> str | None:
    """The public check page printed on letters (dtks.toml [surat] url_verifikasi), if set."""
    return letters.check_url(home.config)


def letter_list(home: Home) -> list[dict]:
    """Issued letters, newest first: number, date, officer, revoked or not (no names)."""
    with _store(home) as store:
        rows = store.execute(
            "SELECT l.nomor, l.tahun, l.urut, l.issued_at, l.petugas, r.dicabut_pada, "
            "r.alasan AS alasan_cabut FROM letter_log AS l LEFT JOIN letter_revoke AS r "
            "USING (nomor) ORDER BY l.issued_at DESC"
        )
        names = [c[0] for c in rows.description]
        return [dict(zip(names, r, strict=True)) for r in rows.fetchall()]


def letter_issue(home: Home, user: User, nik: str, no_kk: str) -> letters.Issued:
    """Issue a letter (or the information printout) as `dtks letter NIK --kk` does."""
    with _store(home, write=True) as store:
        res = letters.issue(store, home, nik, no_kk, user.nama, dinas_kabkota(home, store))
        _act(
            store,
            user,
            "surat_terbit" if res.registered else "surat_informasi",
            res.nomor or res.path.name,
            None,
        )
    return res


def letter_revoke(home: Home, user: User, nomor: str, alasan: str) -> None:
    with _store(home, write=True) as store:
        letters.revoke(store, nomor, alasan, user.nama)
        _act(store, user, "surat_cabut", nomor, None)


def letter_file(home: Home, user: User, tahun: int, urut: int) -> Path:
    """A letter's PDF by year and sequence (looked up in letter_log)."""
    with _store(home) as store:
        row = store.one("SELECT nomor FROM letter_log WHERE tahun = ? AND urut = ?", [tahun, urut])
    path = home.reports / "surat" / str(int(tahun)) / f"SKT_{int(tahun)}_{int(urut):04d}.pdf"
    if row is None or not path.is_file():
        raise NotFound("Surat tidak ada.")
    with _store(home, write=True) as store:
        _act(store, user, "unduh", row[0], None)
    return path


def info_file(home: Home, name: str) -> Path:
    """An information printout (not a letter) by its exact listed name."""
    folder = home.reports / "surat" / "informasi"
    listed = {p.name: p for p in folder.glob("INFO_*.pdf")} if folder.is_dir() else {}
    if name not in listed:
        raise NotFound("Lembar informasi tidak ada.")
    return listed[name]


def check_letter(home: Home, nomor: str, kode: str) -> letters.Check:
    """The public check of a letter; each check is logged without personal data."""
    with _store(home) as store:
        res = letters.check(store, nomor, kode)
    log = home.processed / "log" / "cek-surat.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    entry = {"pada": dt.datetime.now().isoformat(timespec="seconds"), "hasil": res.status}
    if res.nomor:  # only a number that matched; never what a visitor typed
        entry["nomor"] = res.nomor
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")
    return res


# --- the status page ------------------------------------------------------------------------------


def overview(home: Home) -> dict:
    """What the Kepala Dinas reads: months, register size, open requests with due dates."""
    with _store(home) as store:
        persons = store.one("SELECT count(*), count(DISTINCT no_kk) FROM dtks_current")
        snap = store.one(
            "SELECT snapshot_id, loaded_at FROM dtks_snapshot ORDER BY snapshot_id DESC LIMIT 1"
        )
        letters_year = store.one(
            "SELECT count(*) FROM letter_log WHERE tahun = ?", [dt.date.today().year]
        )[0]
        reqs = register.listing(store)
    open_reqs = _records(reqs[reqs["terbuka"]])
    return {
        "orang": int(persons[0]),
        "keluarga": int(persons[1]),
        "snapshot": snap,
        "surat_tahun_ini": int(letters_year),
        "permintaan_terbuka": open_reqs,
        "permintaan_terlambat": sum(1 for r in open_reqs if r["terlambat"]),
        "bulan": months(home),
    }
