"""dtks.toml, parsed once into frozen dataclasses with defaults and help text.

Every setting is a field of one section class below, with its default and a one-line help
(`setting(default, help)`); the README documents each one (tests/test_settings.py checks).
An unknown section or key, or a value of the wrong type, stops with an Indonesian message
naming the key. `load(path)` parses a file once per content (cached on its size and mtime).
"""

from __future__ import annotations

import logging
import tomllib
import types
import typing
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipelines.errors import ConfigError

log = logging.getLogger(__name__)


def setting(default: Any, help: str) -> Any:
    """A field with its default and the help text the README mirrors."""
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata={"help": help})
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Jadwal:
    """[jadwal]: when `dtks serve` runs the scheduled flows."""

    hari_finalisasi: int = setting(5, "day of the month of the scheduled finalisation, 1-28")
    zona_waktu: str = setting("Asia/Jakarta", "time zone of the schedules (IANA name)")


@dataclass(frozen=True)
class Dinas:
    """[dinas]: the Dinas itself and the names on the Berita Acara."""

    kode_kabkota: str | None = setting(
        None, "the Dinas's kab/kota (62.71 or 6271); default: the DTKS snapshot's"
    )
    nama: str | None = setting(None, "the Dinas's name; default: from the kab/kota code")
    kota: str | None = setting(None, "the place written by the signatures")
    kepala_dinas: str = setting("", "name of the Kepala Dinas on the Berita Acara")
    nip_kepala_dinas: str = setting("", "NIP of the Kepala Dinas")
    kepala_bidang: str = setting("", "name of the Kepala Bidang on the Berita Acara")
    nip_kepala_bidang: str = setting("", "NIP of the Kepala Bidang")
    istilah: str = setting(
        "DTKS", 'the register\'s name in reports, letters and messages: "DTKS" or "DTSEN"'
    )


SKEMA_HUBUNGAN = ("dtks", "dukcapil")  # the keys of ingest.schemes.SCHEMES


@dataclass(frozen=True)
class Data:
    """[data]: how kelurahan files are read."""

    skema_hubungan: str = setting(
        "dtks",
        'numeric relationship codes: "dtks" or "dukcapil", when a file does not say',
    )


@dataclass(frozen=True)
class Limits:
    """[batas_berkas]: what one input file may cost before it is refused as one file problem.

    The defaults let a DTKS snapshot of a million persons through (about 2 GB of memory to
    read) and stop what would take more. Every value must be a number above 0.
    """

    ukuran_berkas_mb: float = setting(200, "the file on disk, MB")
    ukuran_terurai_mb: float = setting(1536, "every part of an xlsx/ods once unzipped, MB")
    rasio_kompresi: float = setting(100, "unzipped / zipped size of a part over 1 MiB")
    baris_per_berkas: int = setting(2_000_000, "rows of a file, all sheets together")
    sel_per_sheet: int = setting(
        40_000_000, "rows x columns between a sheet's first and farthest cell"
    )
    pindai_sheet_mb: float = setting(2, "sheets up to this unzipped size are scanned, MB")


@dataclass(frozen=True)
class DuckDB:
    """[duckdb]: the store's database engine."""

    memory_limit: str | None = setting(
        None, "cap on DuckDB's memory, e.g. \"6GB\"; default DuckDB's (80% of RAM)"
    )
    threads: int | None = setting(
        None, "DuckDB's worker threads; default DuckDB's (one per CPU core)"
    )


@dataclass(frozen=True)
class Snapshot:
    """[snapshot]: how far a DTKS snapshot load may change the register."""

    batas_tutup_persen: float = setting(
        5, "percent of the register a load may close without --perubahan-besar"
    )
    batas_rusak_persen: float = setting(
        10, "percent of damaged NIK or NO KK cells above which a snapshot is refused"
    )


@dataclass(frozen=True)
class Surat:
    """[surat]: the Surat Keterangan Terdaftar."""

    nomor: str = setting(
        "400.9.2/{urut:04d}/DINSOS/{tahun}", "letter number format ({urut}, {tahun})"
    )
    kop: list[str] = setting([], "letterhead lines; default: the Dinas's name and region")
    tampilkan_desil: bool = setting(
        False, "print the family's national desil (DTSEN) on letters; BPS restricts its use"
    )
    url_verifikasi: str | None = setting(
        None,
        "public address of the web desk; letters then carry <address>/cek?nomor=&kode= "
        "in text and QR code",
    )


@dataclass(frozen=True)
class TandaTangan:
    """[tanda_tangan]: the Dinas's signing key."""

    pkcs12: str | None = setting(
        None,
        "a PKCS#12 file (password in DTKS_PKCS12_PASSWORD); default: keys/ of dtks keys",
    )


@dataclass(frozen=True)
class Usulan:
    """[usulan]: proposals across months (issue 17)."""

    usul_ulang_bulan: int = setting(
        6, "months a proposal waits at Kemensos before it may be proposed again, 1-60"
    )


@dataclass(frozen=True)
class Ekspor:
    """[ekspor]: the SIKS-NG import files."""

    tata_letak: str = setting(
        "siksng", 'export layout: "siksng", "dtks", "dtsen" or the path of a layout TOML'
    )


@dataclass(frozen=True)
class Dtsen:
    """[dtsen]: DTSEN family files (dtks load-dtsen, dtks desil-berubah)."""

    batas_rusak_persen: float = setting(
        10, "percent of damaged No KK cells above which a DTSEN file is refused"
    )
    batas_hilang_persen: float = setting(
        10, "percent of the current families a version may drop without --perubahan-besar"
    )
    ambang: dict[str, int] = setting(
        {"PKH": 4, "SEMBAKO": 5, "PBI-JK": 5},
        "highest national desil each programme serves (Kepmensos 79/HUK/2025)",
    )


# working days: a letter 7, SP4N-LAPOR 8 (Kota Kupang), data 3 to 14 by complexity (Kota
# Banjarmasin); docs/domain.md, Data-use requests
SLA = {"surat": 7, "sp4n_lapor": 8, "email": 7, "tatap_muka": 1,
       "sederhana": 3, "sedang": 7, "kompleks": 14}  # fmt: skip


@dataclass(frozen=True)
class Permintaan:
    """[permintaan]: data-use requests."""

    ambang: int = setting(10, "aggregate cells below this are suppressed (at least 3)")
    pembulatan: int | None = setting(None, "round published counts to a multiple of this")
    sla: dict[str, int] = setting(
        {}, "working days per channel or complexity (over the defaults of SLA)"
    )
    rantai_telaah: list[str] = setting(
        ["Sekretaris", "Kepala Dinas", "Kepala Bidang", "Kepala Seksi"],
        "roles that review a request before approval, in order",
    )
    penyetuju: list[str] = setting(["Kepala Dinas"], "roles that may approve a request")
    petugas_data: list[str] = setting([], "further roles that prepare and hand over data")


# keys read once and no longer: a warning, not an error, so an old dtks.toml still runs
RETIRED = {("permintaan", "garam"): "garam rahasia kini di keys/garam-identitas (dtks keys init)"}


@dataclass(frozen=True)
class Settings:
    """The whole of dtks.toml; a missing file or section gives the defaults."""

    jadwal: Jadwal = field(default_factory=Jadwal)
    dinas: Dinas = field(default_factory=Dinas)
    data: Data = field(default_factory=Data)
    batas_berkas: Limits = field(default_factory=Limits)
    duckdb: DuckDB = field(default_factory=DuckDB)
    snapshot: Snapshot = field(default_factory=Snapshot)
    surat: Surat = field(default_factory=Surat)
    tanda_tangan: TandaTangan = field(default_factory=TandaTangan)
    permintaan: Permintaan = field(default_factory=Permintaan)
    usulan: Usulan = field(default_factory=Usulan)
    ekspor: Ekspor = field(default_factory=Ekspor)
    dtsen: Dtsen = field(default_factory=Dtsen)


def sections() -> dict[str, type]:
    """Section name -> its dataclass, in the order of Settings."""
    hints = typing.get_type_hints(Settings)
    return {f.name: hints[f.name] for f in fields(Settings)}


def parse(data: dict[str, Any]) -> Settings:
    """Settings from a parsed TOML document; ConfigError names any unknown or wrong key."""
    known = sections()
    parts = {}
    for name, table in data.items():
        if name not in known:
            raise ConfigError(
                f"dtks.toml: bagian [{name}] tidak dikenal; yang ada: "
                f"{', '.join(f'[{k}]' for k in known)}."
            )
        if not isinstance(table, dict):
            raise ConfigError(
                f"dtks.toml: '{name}' harus berupa bagian [{name}] berisi pengaturan, "
                f"bukan satu nilai."
            )
        parts[name] = _section(known[name], name, table)
    return _checked(Settings(**parts))


def load(path: Path) -> Settings:
    """The settings in dtks.toml at path (the defaults when there is no such file)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return Settings()
    return _load(path, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=32)
def _load(path: Path, mtime_ns: int, size: int) -> Settings:  # noqa: ARG001 (cache key)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"Berkas konfigurasi {path} tidak dapat dibaca: {exc}. "
            "Perbaiki isinya (format TOML) atau hapus berkas itu."
        ) from exc
    return parse(data)


_TYPE_WORDS = {bool: "true atau false (tanpa tanda petik)", int: "bilangan bulat (mis. 5)", float: "angka (mis. 2.5)", str: "teks dalam tanda "
               'petik (mis. "abc")', list: 'daftar teks (mis. ["a", "b"])',
               dict: "tabel nama = bilangan bulat"}  # fmt: skip


def _section(cls: type, name: str, table: dict[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    own = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in table.items():
        if (name, key) in RETIRED:
            log.warning("dtks.toml [%s] %s tidak dipakai lagi: %s", name, key, RETIRED[name, key])
            continue
        if key not in own:
            raise ConfigError(
                f"dtks.toml [{name}]: '{key}' tidak dikenal; yang ada: {', '.join(own)}."
            )
        values[key] = _value(name, key, value, hints[key])
    return cls(**values)


def _value(section: str, key: str, value: Any, hint: Any) -> Any:
    """value checked against the field's type (int, float, str, list[str], dict[str, int],
    each optionally | None)."""
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType):
        hint = next(a for a in args if a is not type(None))
        args = typing.get_args(hint)
    base = typing.get_origin(hint) or hint
    ok = False
    if base is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif base is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif base is bool:
        ok = isinstance(value, bool)
    elif base is str:
        ok = isinstance(value, str)
    elif base is list:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
    elif base is dict:
        ok = isinstance(value, dict) and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value.values()
        )
    if not ok:
        shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
        raise ConfigError(f"dtks.toml [{section}] {key} harus {_TYPE_WORDS[base]}, bukan {shown}.")
    return value


def _checked(s: Settings) -> Settings:
    """The rules beyond types: ranges, codes, names."""
    j = s.jadwal
    if not 1 <= j.hari_finalisasi <= 28:
        raise ConfigError(
            "dtks.toml [jadwal] hari_finalisasi harus 1 sampai 28 (ada di setiap bulan), "
            f"bukan {j.hari_finalisasi}."
        )
    try:
        ZoneInfo(j.zona_waktu)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"dtks.toml [jadwal] zona_waktu '{j.zona_waktu}' tidak dikenal; isi mis. "
            '"Asia/Jakarta" (WIB), "Asia/Makassar" (WITA) atau "Asia/Jayapura" (WIT).'
        ) from None
    code = s.dinas.kode_kabkota
    if code is not None:
        digits = code.replace(".", "").strip()
        if not (len(digits) == 4 and digits.isdigit()):
            raise ConfigError(
                f"dtks.toml [dinas] kode_kabkota '{code}' harus kode kab/kota 4 digit, "
                'mis. "62.71".'
            )
        s = replace(s, dinas=replace(s.dinas, kode_kabkota=digits))
    if s.data.skema_hubungan.strip().lower() not in SKEMA_HUBUNGAN:
        raise ConfigError(
            f"dtks.toml [data] skema_hubungan = '{s.data.skema_hubungan}' tidak dikenali; isi "
            '"dtks" (1 KEPALA KELUARGA, 2 ISTRI/SUAMI, 3 ANAK, ...) atau "dukcapil" '
            "(1 KEPALA KELUARGA, 2 SUAMI, 3 ISTRI, 4 ANAK, ...)."
        )
    for f in fields(Limits):
        if getattr(s.batas_berkas, f.name) <= 0:
            raise ConfigError(f"dtks.toml [batas_berkas] {f.name} harus angka lebih dari 0.")
    if s.duckdb.threads is not None and s.duckdb.threads < 1:
        raise ConfigError("dtks.toml [duckdb] threads harus bilangan bulat 1 atau lebih.")
    for f in fields(Snapshot):
        if not 0 <= getattr(s.snapshot, f.name) <= 100:
            raise ConfigError(f"dtks.toml [snapshot] {f.name} harus 0 sampai 100 (persen).")
    p = s.permintaan
    for key, days in p.sla.items():
        if key not in SLA or days <= 0:
            raise ConfigError(
                f"dtks.toml [permintaan.sla] {key} = {days}: nama harus salah satu dari "
                f"{', '.join(SLA)} dan nilainya hari kerja lebih dari 0."
            )
    if p.pembulatan is not None and p.pembulatan <= 0:
        raise ConfigError("dtks.toml [permintaan] pembulatan harus bilangan bulat lebih dari 0.")
    name = s.dinas.istilah.strip().upper()
    if name not in ("DTKS", "DTSEN"):
        raise ConfigError(
            f'dtks.toml [dinas] istilah = {s.dinas.istilah!r} tidak dikenali; isi "DTKS" atau '
            '"DTSEN".'
        )
    s = replace(s, dinas=replace(s.dinas, istilah=name))
    if not 1 <= s.usulan.usul_ulang_bulan <= 60:
        raise ConfigError(
            f"dtks.toml [usulan] usul_ulang_bulan = {s.usulan.usul_ulang_bulan}: isi jumlah "
            "bulan 1-60, misalnya 6."
        )
    if not s.ekspor.tata_letak.strip():
        raise ConfigError('dtks.toml [ekspor] tata_letak kosong; isi "siksng", "dtks", "dtsen" '
                          "atau jalur berkas TOML.")  # fmt: skip
    for key in ("batas_rusak_persen", "batas_hilang_persen"):
        if not 0 <= getattr(s.dtsen, key) <= 100:
            raise ConfigError(f"dtks.toml [dtsen] {key} harus 0 sampai 100 (persen).")
    for prog, desil in s.dtsen.ambang.items():
        if not 1 <= desil <= 10:
            raise ConfigError(
                f"dtks.toml [dtsen.ambang] {prog} = {desil}: desil harus 1 sampai 10."
            )
    return s


def helps() -> dict[str, dict[str, str]]:
    """Every setting's help text, by section and key."""
    return {
        name: {f.name: f.metadata["help"] for f in fields(cls)} for name, cls in sections().items()
    }
