"""Load a DTKS snapshot export (CSV or XLSX) into the store, whole or not at all."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines import normalize as nz
from pipelines.errors import FileProblem, SnapshotRejected
from pipelines.ingest.layout import find_table
from pipelines.ingest.read import read_grids
from pipelines.reasons import LABELS
from pipelines.store.store import Store, statements
from pipelines.validate import NORMALISERS, PERSON_COLUMNS, out_type

log = logging.getLogger(__name__)

SNAPSHOT_COLUMNS = ["id_dtks", *PERSON_COLUMNS, "kode_wilayah", "pkh", "bpnt", "pbi"]
REQUIRED = ["id_dtks", "nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah"]
STRICT = ["tanggal_lahir", "jenis_kelamin", "kode_wilayah"]  # needed for matching
MAX_LISTED = 5


@dataclass
class LoadResult:
    """What a load did, in counts only."""

    snapshot_id: int
    persons: int
    households: int
    already_loaded: bool
    opened: int = 0
    closed: int = 0
    invalid_nik: int = 0


def read_snapshot(paths: list[Path]) -> pd.DataFrame:
    """Read and normalise the export files; SnapshotRejected on any structural fault."""
    frames = []
    for path in paths:
        try:
            grids = read_grids(path)
        except FileProblem as exc:
            raise SnapshotRejected(f"Snapshot DTKS ditolak: {exc}") from exc
        tables = [t for g in grids if (t := find_table(g)) is not None and t.kind == "dtks"]
        if not tables:
            raise SnapshotRejected(
                f"Snapshot DTKS ditolak: {path.name} tidak memuat tabel ekspor DTKS (kolom ID DTKS "
                "dan NIK tidak ditemukan). Gunakan berkas ekspor DTKS dari SIKS-NG."
            )
        for t in tables:
            missing = [c for c in REQUIRED if c not in t.columns.values()]
            if missing:
                sheet = f" sheet '{t.grid.sheet}'" if t.grid.sheet else ""
                names = ", ".join(LABELS.get(m, m.upper()) for m in missing)
                raise SnapshotRejected(
                    f"Snapshot DTKS ditolak: {path.name}{sheet} tidak memiliki kolom {names}. "
                    "Ekspor ulang DTKS dengan kolom lengkap."
                )
            df = t.frame()
            df["where"] = [
                f"{path.name}"
                + (f" sheet '{t.grid.sheet}'" if t.grid.sheet else "")
                + f" baris {r}"
                for r in df["source_row"]
            ]
            frames.append(df)
    raw = pd.concat(frames, ignore_index=True)
    return _normalise(raw)


def _normalise(raw: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=raw.index)
    ids = raw["id_dtks"].map(lambda v: None if nz.is_missing(v) else nz.text_value(v)[0])
    _refuse_if(ids.isna(), raw, "ID DTKS kosong")
    _refuse_if(ids.duplicated(keep=False) & ids.notna(), raw, "ID DTKS ganda")
    out["id_dtks"] = ids
    for col in [*PERSON_COLUMNS, "kode_wilayah"]:
        if col in raw.columns:
            values, codes = nz.map_unique(raw[col], NORMALISERS[col], out_type(col))
            if col in STRICT:
                _refuse_if(codes.notna(), raw, f"nilai {LABELS[col]} tidak dapat dibaca")
            out[col] = values
        else:
            out[col] = None
    for col in ("pkh", "bpnt", "pbi"):
        if col in raw.columns:
            values, _ = nz.map_unique(raw[col], nz.parse_yes_no)
            out[col] = values.map({"YA": True, "TIDAK": False})
        else:
            out[col] = None
    out["tanggal_lahir"] = pd.to_datetime(out["tanggal_lahir"], errors="coerce").dt.date
    for col in ("pkh", "bpnt", "pbi"):
        out[col] = out[col].astype("boolean")
    out = out[SNAPSHOT_COLUMNS].sort_values("id_dtks", kind="stable").reset_index(drop=True)
    out["row_hash"] = pd.util.hash_pandas_object(out.astype(str), index=False).astype("uint64")
    return out


def _refuse_if(bad: pd.Series, raw: pd.DataFrame, what: str) -> None:
    if bad.any():
        where = raw.loc[bad, "where"].head(MAX_LISTED).tolist()
        more = int(bad.sum()) - len(where)
        raise SnapshotRejected(
            f"Snapshot DTKS ditolak seluruhnya: {what} pada {int(bad.sum())} baris ("
            + "; ".join(where)
            + (f"; dan {more} lainnya" if more > 0 else "")
            + "). Tidak ada data yang dimuat; perbaiki ekspornya lalu muat ulang."
        )


def content_hash(snapshot: pd.DataFrame) -> str:
    """SHA-256 over the sorted row hashes: the same rows give the same hash."""
    return hashlib.sha256(np.sort(snapshot["row_hash"].to_numpy()).tobytes()).hexdigest()


def load(store: Store, paths: list[Path]) -> LoadResult:
    """Read, check and merge a snapshot in one transaction."""
    snap = read_snapshot(paths)
    digest = content_hash(snap)
    households = int(snap["no_kk"].nunique())
    found = store.one("SELECT snapshot_id FROM dtks_snapshot WHERE content_sha256 = ?", [digest])
    if found:
        return LoadResult(found[0], len(snap), households, already_loaded=True)
    kabkota = snap["kode_wilayah"].str.slice(0, 4).mode()
    invalid_nik = int((~snap["nik"].fillna("").str.fullmatch(r"\d{16}")).sum())
    with store.transaction():
        new_id = store.one("SELECT coalesce(max(snapshot_id), 0) + 1 FROM dtks_snapshot")[0]
        store.run(
            "INSERT INTO dtks_snapshot VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                new_id,
                digest,
                [p.name for p in paths],
                dt.datetime.now(),
                len(snap),
                households,
                kabkota.iloc[0] if len(kabkota) else None,
            ],
        )
        before = store.one("SELECT count(*) FROM dtks_person WHERE valid_to IS NULL")[0]
        store.register("snapshot", snap)
        for statement in statements(store.sql_file("snapshot_merge.sql")):
            store.run(statement, {"snapshot_id": new_id})
        store.con.unregister("__dtks_snapshot")
        opened = store.one("SELECT count(*) FROM dtks_person WHERE valid_from = ?", [new_id])[0]
        closed = store.one("SELECT count(*) FROM dtks_person WHERE valid_to = ?", [new_id])[0]
    log.info("snapshot %d loaded: %d persons (%d current before)", new_id, len(snap), before)
    return LoadResult(new_id, len(snap), households, False, opened, closed, invalid_nik)
