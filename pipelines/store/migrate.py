"""Numbered schema migrations, and the storage format the DuckDB 1.x tools can read.

Tables are made and changed only by `migrations/NNN_name.sql`, applied in order and recorded
in `schema_migration`. Opening a store made by an earlier release copies it to
`cadangan/` beside it, then applies the pending migrations in one transaction: all or none.
A store in a newer storage format than STORAGE_VERSION (DuckDB 2.0's own) is rewritten in
that format first, the original file kept as the backup. How to add a migration:
docs/store.md.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

from pipelines.errors import StoreError
from pipelines.redact import database_message

log = logging.getLogger(__name__)

# The newest storage format the DuckDB 1.x line reads (CLI 1.5.6 reads versions 64-68;
# DuckDB 2.0 writes 69 unless told otherwise). README "The register in other tools".
STORAGE_VERSION = "v1.4.0"
# A store made before migrations existed (release 0.1.0) holds exactly migration 001's tables.
LEGACY_VERSION = 1
BACKUP_DIR = "cadangan"
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    """One numbered migration file."""

    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped, in order; numbers must run 1, 2, 3, ... with no gap."""
    found = []
    for entry in resources.files("pipelines.store.migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append(Migration(int(m[1]), m[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    numbers = [m.version for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration numbers must be 1..N without gaps or repeats: {numbers}")
    return found


def latest() -> int:
    """The schema version this release creates."""
    return len(migrations())


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The store's schema version: 0 for an empty file, 1 for a store from before migrations."""
    tables = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = 'main'"
        ).fetchall()
    }
    if "schema_migration" in tables:
        # fetchall: a fetchone leaves the result unfinished, and DuckDB 2 then refuses to
        # register a DataFrame on a read-only connection
        return con.execute("SELECT coalesce(max(version), 0) FROM schema_migration").fetchall()[0][
            0
        ]
    return LEGACY_VERSION if "dtks_snapshot" in tables else 0


def storage_too_new(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file's storage version when newer than STORAGE_VERSION (e.g. 'v2.0.0+'), else None."""
    rows = con.execute(
        "SELECT tags['storage_version'] FROM duckdb_databases() "
        "WHERE database_name = current_database()"
    ).fetchall()
    tag = rows[0][0] if rows else None
    if not tag or _version(tag) is None:
        return None
    return tag if _version(tag) > _version(STORAGE_VERSION) else None


def _version(tag: str) -> tuple[int, ...] | None:
    m = re.match(r"v(\d+)\.(\d+)\.(\d+)", tag)
    return tuple(int(x) for x in m.groups()) if m else None


def needs_upgrade(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store must be converted or migrated before use."""
    version = schema_version(con)
    if version > latest():
        raise StoreError(
            f"Basis data ini dibuat oleh versi dtks yang lebih baru (skema {version}; versi ini "
            f"mengenal sampai skema {latest()}). Perbarui dtks; basis data tidak diubah."
        )
    return version < latest() or storage_too_new(con) is not None


def upgrade(path: Path, config: dict) -> list[str]:
    """Convert the storage format and apply pending migrations; returns what was done.

    Every step that changes an existing store is preceded by a backup in cadangan/.
    """
    done: list[str] = []
    con = duckdb.connect(str(path), config=config)
    try:
        old_format = storage_too_new(con)
        backup = None
        if old_format:
            con, backup = _convert(con, path, old_format, config, done)
        _migrate(con, path, done, backup)
    finally:
        con.close()
    for line in done:
        log.warning(line)
    return done


def _backup_path(path: Path, what: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = path.parent / BACKUP_DIR
    folder.mkdir(exist_ok=True)
    return folder / f"{path.stem}-{what}-{stamp}{path.suffix}"


def _convert(
    con: duckdb.DuckDBPyConnection, path: Path, old_format: str, config: dict, done: list[str]
) -> tuple[duckdb.DuckDBPyConnection, Path]:
    """Rewrite the store in STORAGE_VERSION; the original file becomes the backup."""
    tmp = path.with_name(f".{path.name}.konversi")
    tmp.unlink(missing_ok=True)
    try:
        con.execute("CHECKPOINT")
        con.execute(f"ATTACH '{_quote(tmp)}' AS __dtks_baru (STORAGE_VERSION '{STORAGE_VERSION}')")
        con.execute('COPY FROM DATABASE "' + _db(con) + '" TO __dtks_baru')
        con.execute("DETACH __dtks_baru")
    except duckdb.Error as exc:
        con.close()
        tmp.unlink(missing_ok=True)
        raise StoreError(
            f"Basis data {path} tidak dapat diubah ke format {STORAGE_VERSION}: "
            f"{database_message(exc)}. "
            "Basis data tidak diubah."
        ) from exc
    con.close()
    backup = _backup_path(path, f"format-{old_format.strip('+')}")
    try:
        os.replace(path, backup)
    except OSError as exc:  # Windows: another program has the file open
        tmp.unlink(missing_ok=True)
        raise StoreError(
            f"Basis data {path} tidak dapat diubah ke format {STORAGE_VERSION}: berkasnya sedang "
            f"dibuka program lain ({exc.strerror}). Tutup program itu lalu jalankan lagi."
        ) from exc
    os.replace(tmp, path)
    done.append(
        f"Basis data diubah ke format penyimpanan {STORAGE_VERSION} (dapat dibuka DuckDB 1.x); "
        f"berkas lama disimpan sebagai {backup}."
    )
    return duckdb.connect(str(path), config=config), backup


def _migrate(
    con: duckdb.DuckDBPyConnection, path: Path, done: list[str], backup: Path | None = None
) -> None:
    """Apply the pending migrations in one transaction, after a backup of a non-empty store
    (none more when the format conversion just kept the original file)."""
    version = schema_version(con)
    todo = [m for m in migrations() if m.version > version]
    if not todo:
        return
    if version > 0 and backup is None:
        backup = _backup_path(path, f"skema-{version}")
        con.execute(
            f"ATTACH '{_quote(backup)}' AS __dtks_cadangan (STORAGE_VERSION '{STORAGE_VERSION}')"
        )
        con.execute('COPY FROM DATABASE "' + _db(con) + '" TO __dtks_cadangan')
        con.execute("DETACH __dtks_cadangan")
    now = dt.datetime.now()
    current = None
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, "
            "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
        )
        if (
            version == LEGACY_VERSION
            and not con.execute("SELECT count(*) FROM schema_migration").fetchone()[0]
        ):
            first = migrations()[0]
            # made by release 0.1.0: its tables are migration 001's; recorded, not re-run
            con.execute(
                "INSERT INTO schema_migration VALUES (?, ?, ?)", [first.version, first.name, now]
            )
        for current in todo:
            for statement in statements(current.sql):
                con.execute(statement).fetchall()
            con.execute(
                "INSERT INTO schema_migration VALUES (?, ?, ?)",
                [current.version, current.name, now],
            )
        con.execute("COMMIT")
    except duckdb.Error as exc:
        con.execute("ROLLBACK")
        where = f"{current.version:03d}_{current.name}" if current else "?"
        raise StoreError(
            f"Pembaruan skema basis data {path} gagal pada migrasi {where}: "
            f"{database_message(exc)}. "
            "Basis data "
            "tidak diubah" + (f"; cadangannya ada di {backup}." if backup else ".")
        ) from exc
    if version > 0:
        done.append(
            f"Basis data diperbarui dari skema {version} ke skema {todo[-1].version}; "
            f"cadangan sebelum pembaruan: {backup}."
        )


def statements(sql: str) -> list[str]:
    """Split a .sql file into statements: comments dropped, then split on ';'.

    Our .sql files hold no ';' or '--' inside string literals.
    """
    code = "\n".join(ln.split("--", 1)[0].rstrip() for ln in sql.splitlines())
    return [p.strip() for p in code.split(";") if p.strip()]


def _db(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_database()").fetchone()[0].replace('"', '""')


def _quote(p: Path) -> str:
    return str(p).replace("'", "''")
