"""Merge a staged DTKS snapshot into the register, guarded against silent shrinking.

The rows come normalised from pipelines/ingest/snapshot.py as Parquet parts. Here they are
staged in DuckDB, the area they cover is compared with the current register, and the load
is refused with its figures when it covers only part of the Dinas' area or would close more
than a set share of the register, unless the operator said which it is: a partial export of
named kecamatan/kelurahan (only persons inside them are closed) or a real large change.
Loading an earlier export again restores it; a load that changes nothing records nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.errors import SnapshotRejected
from pipelines.files import location
from pipelines.store.store import Store
from pipelines.wilayah import dotted

log = logging.getLogger(__name__)

# the columns of a person in the register that a snapshot carries (dtks_person's order)
COLUMNS = ["id_dtks", "nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
           "hubungan_keluarga", "nama_ibu_kandung", "status_kawin", "pekerjaan", "alamat", "rt",
           "rw", "kode_wilayah", "pkh", "bpnt", "pbi"]  # fmt: skip
MAX_LISTED = 5
DEFAULT_MAX_CLOSE_SHARE = 0.05


@dataclass
class LoadResult:
    """What a load did (or would have done), in counts and region codes only."""

    snapshot_id: int | None
    persons: int
    households: int
    already_current: bool
    persons_before: int = 0
    persons_after: int = 0
    opened: int = 0
    closed: int = 0
    changed: int = 0
    same_as: int | None = None
    scope: str = "penuh"
    area: list[str] = field(default_factory=list)
    kabkota: list[str] = field(default_factory=list)
    kecamatan: list[str] = field(default_factory=list)
    kelurahan: list[str] = field(default_factory=list)
    invalid_nik: int = 0
    fingerprint: str = field(default="", repr=False)

    @property
    def removed(self) -> int:
        """Persons who left the register with this load."""
        return self.closed - self.changed

    @property
    def added(self) -> int:
        """Persons new to the register (or back in it) with this load."""
        return self.opened - self.changed


def register_columns(store: Store) -> dict[str, int]:
    """Columns the current register holds values in -> how many persons have one."""
    counts = ", ".join(f'count("{c}")' for c in COLUMNS)
    row = store.one(f"SELECT {counts} FROM dtks_person WHERE valid_to IS NULL")
    return {c: int(n) for c, n in zip(COLUMNS, row, strict=True) if n}


def parse_area(codes: list[str]) -> list[str]:
    """'62.71.01', '6271011001' -> digit prefixes; kecamatan (6) or kelurahan (10) codes only."""
    out = []
    for raw in codes:
        for code in filter(None, (c.strip() for c in raw.split(","))):
            digits = re.sub(r"[.\s]", "", code)
            if not digits.isdigit() or len(digits) not in (6, 10):
                raise SnapshotRejected(
                    f"Wilayah '{code}' pada --sebagian tidak dikenali. Tulis kode kecamatan "
                    "(6 digit, mis. 62.71.01) atau kode kelurahan (10 digit, mis. 62.71.01.1001)."
                )
            out.append(digits)
    return sorted(set(out))


def load_staged(
    store: Store,
    parts: list[Path],
    source_files: list[str],
    *,
    petugas: str,
    area: list[str] | None = None,
    large_change: bool = False,
    max_close_share: float = DEFAULT_MAX_CLOSE_SHARE,
    kabkota: str | None = None,
) -> LoadResult:
    """Stage, check against the register and merge, in one transaction (all or nothing).

    area: digit prefixes of a partial export (parse_area); kabkota: the Dinas' kab/kota
    (4 digits), by default the one of the latest snapshot.
    """
    partial = bool(area)
    params = {"parts": [str(p) for p in parts], "partial": partial, "area": area or []}
    with store.transaction():
        store.run_file("snapshot_stage.sql", params)
        _refuse_duplicate_ids(store)
        res = _figures(store, partial, area or [])
        if kabkota is None:
            row = store.one(
                "SELECT kode_kabkota FROM dtks_snapshot ORDER BY snapshot_id DESC LIMIT 1"
            )
            kabkota = row[0] if row else None
        if partial:
            _refuse_outside_area(store, area or [])
        missing = _missing_kelurahan(store, partial, area or [], kabkota)
        if res.opened == 0 and res.closed == 0:
            res.already_current = True
            _drop_scratch(store)
            return res
        scope_before = (
            store.one(
                "SELECT count(*) FROM dtks_person AS p WHERE valid_to IS NULL AND ("
                "p.id_dtks IN (SELECT id_dtks FROM __dtks_snapshot) OR EXISTS (SELECT 1 FROM "
                "unnest(CAST(? AS VARCHAR[])) AS a(prefix) WHERE starts_with(p.kode_wilayah, "
                "a.prefix)))",
                [area],
            )[0]
            if partial
            else res.persons_before
        )
        if not large_change:
            _refuse_partial_coverage(res, missing, partial)
            _refuse_large_share(res, scope_before, max_close_share, partial)
        _merge(store, res, source_files, petugas, large_change)
    log.info(
        "snapshot %s loaded: %d persons, %d versions opened, %d closed",
        res.snapshot_id,
        res.persons,
        res.opened,
        res.closed,
    )
    return res


def _figures(store: Store, partial: bool, area: list[str]) -> LoadResult:
    persons, households, kab, kec, kel, fingerprint = store.one(
        "SELECT count(*), count(DISTINCT no_kk), "
        "list_sort(list(DISTINCT left(kode_wilayah, 4)) FILTER (kode_wilayah IS NOT NULL)), "
        "list_sort(list(DISTINCT left(kode_wilayah, 6)) FILTER (kode_wilayah IS NOT NULL)), "
        "list_sort(list(DISTINCT kode_wilayah) FILTER (kode_wilayah IS NOT NULL)), "
        "sha256(concat_ws(':', count(row_hash), sum(CAST(row_hash AS HUGEINT)), "
        "bit_xor(row_hash))) FROM __dtks_snapshot"
    )
    before = store.one("SELECT count(*) FROM dtks_person WHERE valid_to IS NULL")[0]
    closed, changed = store.one(
        "SELECT count(*), count(*) FILTER (id_dtks IN (SELECT id_dtks FROM __dtks_snapshot)) "
        "FROM __dtks_closing"
    )
    opened = store.one(
        "SELECT count(*) FROM __dtks_snapshot AS s WHERE NOT EXISTS (SELECT 1 FROM dtks_person "
        "AS p WHERE p.valid_to IS NULL AND p.id_dtks = s.id_dtks AND p.row_hash = s.row_hash)"
    )[0]
    same = store.one(
        "SELECT max(snapshot_id) FROM dtks_snapshot WHERE content_sha256 = ?", [fingerprint]
    )[0]
    res = LoadResult(
        snapshot_id=None,
        persons=persons,
        households=households,
        already_current=False,
        persons_before=before,
        persons_after=before - closed + opened,
        opened=opened,
        closed=closed,
        changed=changed,
        same_as=same,
        scope="sebagian" if partial else "penuh",
        area=area,
        kabkota=list(kab),
        kecamatan=list(kec),
        kelurahan=list(kel),
        fingerprint=fingerprint,
    )
    return res


def _refuse_duplicate_ids(store: Store) -> None:
    dup = store.df(
        "SELECT source_file, source_sheet, source_row FROM __dtks_snapshot WHERE id_dtks IN "
        "(SELECT id_dtks FROM __dtks_snapshot GROUP BY id_dtks HAVING count(*) > 1) "
        "ORDER BY source_file, source_sheet, source_row"
    )
    if len(dup):
        _refuse_rows("ID DTKS ganda", dup)


def _refuse_rows(what: str, rows) -> None:
    where = [location(f, s, r) for f, s, r in rows.head(MAX_LISTED).itertuples(index=False)]
    more = len(rows) - len(where)
    raise SnapshotRejected(
        f"Snapshot DTKS ditolak seluruhnya: {what} pada {_n(len(rows))} baris ("
        + "; ".join(where)
        + (f"; dan {_n(more)} lainnya" if more > 0 else "")
        + "). Tidak ada data yang dimuat; perbaiki ekspornya lalu muat ulang."
    )


def _refuse_outside_area(store: Store, area: list[str]) -> None:
    outside = store.df(
        "SELECT source_file, source_sheet, source_row FROM __dtks_snapshot AS s "
        "WHERE NOT EXISTS (SELECT 1 FROM unnest(CAST(? AS VARCHAR[])) AS a(prefix) "
        "WHERE starts_with(s.kode_wilayah, a.prefix)) ORDER BY 1, 2, 3",
        [area],
    )
    if len(outside):
        regions = store.df(
            "SELECT coalesce(left(kode_wilayah, 6), '(kosong)') AS kec, count(*) AS n "
            "FROM __dtks_snapshot AS s WHERE NOT EXISTS (SELECT 1 FROM "
            "unnest(CAST(? AS VARCHAR[])) AS a(prefix) WHERE starts_with(s.kode_wilayah, "
            "a.prefix)) GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
            [area, MAX_LISTED],
        )
        listed = ", ".join(f"{dotted(k)} ({_n(n)} orang)" for k, n in regions.itertuples(False))
        raise SnapshotRejected(
            f"Snapshot DTKS ditolak: --sebagian menyebut {', '.join(map(dotted, area))}, tetapi "
            f"{_n(len(outside))} orang di snapshot berada di luar wilayah itu (kecamatan "
            f"{listed}; mis. {location(*outside.iloc[0, :3])}). Sebutkan semua "
            "kecamatan/kelurahan yang dicakup ekspor ini. Tidak ada data yang dimuat."
        )


def _missing_kelurahan(
    store: Store, partial: bool, area: list[str], kabkota: str | None
) -> list[tuple[str, int]]:
    """Kelurahan with persons in the current register (inside the Dinas' kab/kota, or inside
    the named area of a partial export) that the export does not hold: (code, persons)."""
    rows = store.execute(
        "SELECT p.kode_wilayah, count(*) AS n FROM dtks_person AS p "
        "WHERE p.valid_to IS NULL AND p.kode_wilayah IS NOT NULL "
        "AND (CAST(? AS VARCHAR) IS NULL OR starts_with(p.kode_wilayah, ?)) "
        "AND (NOT ? OR EXISTS (SELECT 1 FROM unnest(CAST(? AS VARCHAR[])) AS a(prefix) "
        "     WHERE starts_with(p.kode_wilayah, a.prefix))) "
        "AND p.kode_wilayah NOT IN (SELECT kode_wilayah FROM __dtks_snapshot "
        "                           WHERE kode_wilayah IS NOT NULL) "
        "GROUP BY 1 ORDER BY 1",
        [kabkota, kabkota, partial, area],
    ).fetchall()
    return [(k, int(n)) for k, n in rows]


def _refuse_partial_coverage(res: LoadResult, missing: list[tuple[str, int]], partial: bool):
    if not missing or res.persons_before == 0:
        return
    by_kec: dict[str, list[int]] = {}
    for kode, n in missing:
        by_kec.setdefault(kode[:6], []).append(n)
    listed = "; ".join(
        f"kecamatan {dotted(k)}: {len(v)} kelurahan, {_n(sum(v))} orang"
        for k, v in sorted(by_kec.items(), key=lambda kv: -sum(kv[1]))[:MAX_LISTED]
    )
    more = len(by_kec) - MAX_LISTED
    people = sum(n for _, n in missing)
    where = "wilayah yang disebut --sebagian" if partial else "wilayah Dinas di register"
    # the suggestion: kecamatan the export covers whole, the kelurahan of the others
    cut = {k[:6] for k, _ in missing}
    named = [k for k in res.kecamatan if k not in cut] + [k for k in res.kelurahan if k[:6] in cut]
    kec_codes = ",".join(dotted(k) for k in named) or "KODE"
    raise SnapshotRejected(
        f"Snapshot DTKS ditolak: ekspor ini hanya mencakup sebagian {where}. Snapshot memuat "
        f"{_n(res.persons)} orang di {_n(len(res.kelurahan))} kelurahan ({_n(len(res.kecamatan))} "
        f"kecamatan); {_n(len(missing))} kelurahan yang ada di register saat ini tidak ada di "
        f"snapshot ({listed}"
        + (f"; dan {more} kecamatan lainnya" if more > 0 else "")
        + f"), berisi {_n(people)} orang. Jika dimuat, {_n(res.closed)} dari "
        f"{_n(res.persons_before)} orang di register ({_pct(res.closed, res.persons_before)}) "
        "akan ditutup. Tidak ada data yang dimuat.\n"
        + "Jika ini memang ekspor sebagian, sebutkan wilayah yang dicakupnya (hanya orang di "
        f"wilayah itu yang ditutup): dtks load-dtks BERKAS --petugas NAMA --sebagian {kec_codes}\n"
        + "Jika kelurahan itu memang tidak lagi punya warga terdaftar, muat dengan "
        "--perubahan-besar."
    )


def _refuse_large_share(res: LoadResult, scope_before: int, share: float, partial: bool):
    if scope_before == 0 or res.closed <= share * scope_before:
        return
    where = "di wilayah yang disebut --sebagian" if partial else "di register"
    raise SnapshotRejected(
        f"Snapshot DTKS ditolak: memuatnya akan menutup {_n(res.closed)} dari "
        f"{_n(scope_before)} orang {where} ({_pct(res.closed, scope_before)}; batas "
        f"{share * 100:g}%): {_n(res.removed)} orang keluar dari register dan {_n(res.changed)} "
        f"orang berubah datanya. Register sebelum: {_n(res.persons_before)} orang; sesudah: "
        f"{_n(res.persons_after)} orang. Tidak ada data yang dimuat.\n"
        "Periksa ekspornya (berkas yang benar dan lengkap?). Jika perubahan sebesar ini memang "
        "benar, muat dengan --perubahan-besar."
    )


def _merge(
    store: Store, res: LoadResult, source_files: list[str], petugas: str, large: bool
) -> None:
    new_id = store.one("SELECT coalesce(max(snapshot_id), 0) + 1 FROM dtks_snapshot")[0]
    kab = store.one(
        "SELECT mode(left(kode_wilayah, 4)) FROM __dtks_snapshot WHERE kode_wilayah IS NOT NULL"
    )[0]
    store.run(
        "INSERT INTO dtks_snapshot (snapshot_id, content_sha256, source_files, loaded_at, "
        "person_count, household_count, kode_kabkota, petugas, scope, scope_area, "
        "large_change, kelurahan, persons_before, persons_after, opened, closed, changed, "
        "same_as_snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            new_id,
            res.fingerprint,
            source_files,
            dt.datetime.now(),
            res.persons,
            res.households,
            kab,
            petugas,
            res.scope,
            res.area or None,
            large,
            res.kelurahan,
            res.persons_before,
            res.persons_after,
            res.opened,
            res.closed,
            res.changed,
            res.same_as,
        ],
    )
    store.run_file("snapshot_merge.sql", {"snapshot_id": new_id})
    after = store.one("SELECT count(*) FROM dtks_person WHERE valid_to IS NULL")[0]
    if after != res.persons_after:  # the figures the guard used must be the ones applied
        raise SnapshotRejected(
            f"Snapshot DTKS tidak dimuat: hasil penggabungan ({after} orang) berbeda dari "
            f"perhitungan awal ({res.persons_after}); laporkan ke pengembang."
        )
    _drop_scratch(store)
    res.snapshot_id = new_id


def _drop_scratch(store: Store) -> None:
    store.run("DROP TABLE IF EXISTS __dtks_closing")
    store.run("DROP TABLE IF EXISTS __dtks_snapshot")


def _n(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%".replace(".", ",") if b else "0%"
