"""Merge a staged DTSEN version into the desil history, guarded; find versions by label.

Each `dtks load-dtsen` is one version of the family-level DTSEN data (dtsen_version): its
date and release, who loaded it, the files. dtsen_family keeps one row per version of a
family (valid_from / valid_to version ids), as dtks_person does for persons, so any earlier
version can be recalled (`dtsen_as_of`) and two compared (`desil_change`, schema/dtsen.sql).

Loading the data that is already current changes and records nothing; loading an earlier
version's data again makes it current as a new version (the history of both stays). A load
that would drop more than a set share of the current families is refused with its figures
unless the operator says the change is real (--perubahan-besar).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines.errors import DtksError, DtsenRejected
from pipelines.files import location
from pipelines.store.store import Store

log = logging.getLogger(__name__)

DEFAULT_MAX_DROP_SHARE = 0.10
MAX_LISTED = 5


@dataclass
class DtsenLoad:
    """What a DTSEN load did (or would have done), in counts only."""

    version_id: int | None
    families: int
    already_current: bool = False
    current_version: int | None = None
    families_before: int = 0
    opened: int = 0
    closed: int = 0
    changed: int = 0
    in_register: int = 0
    duplicates: int = 0
    same_as: int | None = None
    desil_counts: dict[int, int] = field(default_factory=dict)
    fingerprint: str = field(default="", repr=False)

    @property
    def removed(self) -> int:
        """Families of the current version not in this one."""
        return self.closed - self.changed

    @property
    def added(self) -> int:
        """Families new to the DTSEN data (or back in it) with this version."""
        return self.opened - self.changed


def load_staged(
    store: Store,
    parts: list[Path],
    source_files: list[str],
    *,
    petugas: str,
    tanggal: dt.date,
    rilis: str | None,
    rows_read: int,
    rows_skipped: int,
    large_change: bool = False,
    max_drop_share: float = DEFAULT_MAX_DROP_SHARE,
) -> DtsenLoad:
    """Stage, check against the current version and merge, in one transaction."""
    with store.transaction():
        store.run_file("dtsen_stage.sql", {"parts": [str(p) for p in parts]})
        _refuse_conflicting_duplicates(store)
        res = _figures(store)
        if res.opened == 0 and res.closed == 0:
            res.already_current = True
            _drop_scratch(store)
            return res
        if (
            not large_change
            and res.families_before
            and res.removed > max_drop_share * (res.families_before)
        ):
            raise DtsenRejected(
                f"Berkas DTSEN ditolak: memuatnya akan menghapus {_n(res.removed)} dari "
                f"{_n(res.families_before)} keluarga versi DTSEN saat ini "
                f"({_pct(res.removed, res.families_before)}; batas {max_drop_share * 100:g}%). "
                f"Versi baru memuat {_n(res.families)} keluarga. Tidak ada data yang dimuat.\n"
                "Periksa berkasnya (semua kecamatan/kelurahan ada? berkas yang benar?). Jika "
                "perubahan sebesar ini memang benar, muat dengan --perubahan-besar."
            )
        _merge(store, res, source_files, petugas, tanggal, rilis, rows_read, rows_skipped,
               large_change)  # fmt: skip
    log.info("DTSEN version %s loaded: %d families", res.version_id, res.families)
    return res


def _refuse_conflicting_duplicates(store: Store) -> None:
    rows = store.df(
        "SELECT source_file, source_sheet, source_row FROM __dtks_dtsen_rows WHERE no_kk IN ("
        "SELECT no_kk FROM __dtks_dtsen_dup WHERE versions > 1) ORDER BY 1, 2, 3"
    )
    if rows.empty:
        return
    where = [location(f, s, r) for f, s, r in rows.head(MAX_LISTED).itertuples(index=False)]
    more = len(rows) - len(where)
    raise DtsenRejected(
        f"Berkas DTSEN ditolak seluruhnya: NO KK yang sama muncul dengan data berbeda (desil, "
        f"nama kepala keluarga atau wilayah) pada {_n(len(rows))} baris ("
        + "; ".join(where)
        + (f"; dan {_n(more)} lainnya" if more > 0 else "")
        + "). Tidak ada data yang dimuat; satu keluarga hanya boleh punya satu baris."
    )


def _figures(store: Store) -> DtsenLoad:
    families, fingerprint, rows = store.one(
        "SELECT count(*), sha256(concat_ws(':', count(row_hash), sum(CAST(row_hash AS HUGEINT)), "
        "bit_xor(row_hash))), (SELECT count(*) FROM __dtks_dtsen_rows) FROM __dtks_dtsen"
    )
    before = store.one("SELECT count(*) FROM dtsen_family WHERE valid_to IS NULL")[0]
    closed, changed = store.one(
        "SELECT count(*), count(*) FILTER (no_kk IN (SELECT no_kk FROM __dtks_dtsen)) "
        "FROM __dtks_dtsen_closing"
    )
    opened = store.one(
        "SELECT count(*) FROM __dtks_dtsen AS s WHERE NOT EXISTS (SELECT 1 FROM dtsen_family "
        "AS f WHERE f.valid_to IS NULL AND f.no_kk = s.no_kk AND f.row_hash = s.row_hash)"
    )[0]
    in_register = store.one(
        "SELECT count(*) FROM __dtks_dtsen WHERE no_kk IN "
        "(SELECT no_kk FROM dtks_person WHERE valid_to IS NULL)"
    )[0]
    same = store.one(
        "SELECT max(version_id) FROM dtsen_version WHERE content_sha256 = ?", [fingerprint]
    )[0]
    counts = dict(
        store.execute(
            "SELECT desil_nasional, count(*) FROM __dtks_dtsen GROUP BY 1 ORDER BY 1"
        ).fetchall()
    )
    current = store.one("SELECT max(version_id) FROM dtsen_version")[0]
    return DtsenLoad(
        version_id=None,
        families=families,
        current_version=current,
        families_before=before,
        opened=opened,
        closed=closed,
        changed=changed,
        in_register=in_register,
        duplicates=rows - families,
        same_as=same,
        desil_counts=counts,
        fingerprint=fingerprint,
    )


def _merge(
    store: Store,
    res: DtsenLoad,
    source_files: list[str],
    petugas: str,
    tanggal: dt.date,
    rilis: str | None,
    rows_read: int,
    rows_skipped: int,
    large: bool,
) -> None:
    new_id = store.one("SELECT coalesce(max(version_id), 0) + 1 FROM dtsen_version")[0]
    store.run(
        "INSERT INTO dtsen_version (version_id, tanggal, rilis, content_sha256, source_files, "
        "loaded_at, petugas, families, rows_read, rows_skipped, duplicates, in_register, "
        "families_before, opened, closed, changed, large_change, same_as_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [new_id, tanggal, rilis, res.fingerprint, source_files, dt.datetime.now(), petugas,
         res.families, rows_read, rows_skipped, res.duplicates, res.in_register,
         res.families_before, res.opened, res.closed, res.changed, large, res.same_as],
    )  # fmt: skip
    store.run_file("dtsen_merge.sql", {"version_id": new_id})
    after = store.one("SELECT count(*) FROM dtsen_family WHERE valid_to IS NULL")[0]
    if after != res.families:  # the figures the guard used must be the ones applied
        raise DtsenRejected(
            f"Data DTSEN tidak dimuat: hasil penggabungan ({after} keluarga) berbeda dari "
            f"perhitungan awal ({res.families}); laporkan ke pengembang."
        )
    _drop_scratch(store)
    res.version_id = new_id


def _drop_scratch(store: Store) -> None:
    for table in ("__dtks_dtsen_closing", "__dtks_dtsen", "__dtks_dtsen_dup", "__dtks_dtsen_rows"):
        store.run(f"DROP TABLE IF EXISTS {table}")


# ---------------------------------------------------------------- versions


class VersionNotFound(DtksError):
    "A DTSEN version named on the command line does not exist."


def versions(store: Store) -> pd.DataFrame:
    """Every DTSEN version loaded, oldest first: id, date, release, families, who, when."""
    return store.df(
        "SELECT version_id, tanggal, rilis, families, petugas, loaded_at, same_as_version "
        "FROM dtsen_version ORDER BY version_id"
    )


def describe(row) -> str:
    """'#2 (01-10-2026, Triwulan III 2026)'."""
    label = f"#{row.version_id} ({pd.Timestamp(row.tanggal):%d-%m-%Y}"
    return label + (f", {row.rilis})" if isinstance(row.rilis, str) and row.rilis else ")")


def resolve(store: Store, name: str | None, default: int | None) -> int:
    """A version id from what the user typed: '2', '#2', 'v2', a date (YYYY-MM-DD or
    DD-MM-YYYY; the latest version of that date) or a release label (case-insensitive)."""
    table = versions(store)
    if name is None:
        if default is None:
            raise VersionNotFound(_none_text(table))
        return default
    text = name.strip()
    m = re.fullmatch(r"(?:#|v|V)?(\d{1,5})", text)
    if m and int(m[1]) in set(table["version_id"]):
        return int(m[1])
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        hit = table[pd.to_datetime(table["tanggal"]).dt.date == day]
        if len(hit):
            return int(hit["version_id"].max())
    hit = table[table["rilis"].fillna("").str.casefold() == text.casefold()]
    if len(hit):
        return int(hit["version_id"].max())
    raise VersionNotFound(
        f"Versi DTSEN '{name}' tidak ditemukan. "
        + (
            "Versi yang ada: " + "; ".join(describe(r) for r in table.itertuples()) + "."
            if len(table)
            else _none_text(table)
        )
    )


def _none_text(table: pd.DataFrame) -> str:
    return (
        f"Baru ada {len(table)} versi DTSEN; perbandingan perlu dua. Muat versi DTSEN lain "
        "dengan: dtks load-dtsen BERKAS --petugas NAMA --tanggal YYYY-MM-DD"
    )


def _n(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%".replace(".", ",") if b else "0%"
