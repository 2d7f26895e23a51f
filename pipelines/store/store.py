"""Open the DuckDB store, own its schema and transactions, attach SQL to failures."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from pipelines.errors import StoreError, StoreLocked
from pipelines.redact import database_message
from pipelines.store import migrate
from pipelines.store.migrate import statements

__all__ = ["SCRATCH", "Store", "open_store", "statements"]

log = logging.getLogger(__name__)
SCRATCH = "__dtks_"


class Store:
    """A DuckDB connection to the register, with the schema applied."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only
        self._installed: set[str] = set()  # keys of install(), on this connection

    def execute(self, sql: str, params: Any = None) -> duckdb.DuckDBPyConnection:
        """Run one statement; a failure becomes StoreError with the statement attached."""
        try:
            return self.con.execute(sql, params) if params is not None else self.con.execute(sql)
        except duckdb.Error as exc:
            # DuckDB quotes the values it fails on: keep them out of the message (redact)
            raise StoreError(
                f"Perintah basis data gagal: {database_message(exc)}\n-- SQL:\n{sql.strip()[:2000]}"
            ) from exc

    def run(self, sql: str, params: Any = None) -> None:
        """Run a statement that returns no rows to read (DDL, INSERT, UPDATE, ...)."""
        self.execute(sql, params).fetchall()

    def one(self, sql: str, params: Any = None) -> tuple | None:
        """The first row of a query (the rest read and dropped: DuckDB 2 wants results finished)."""
        rows = self.execute(sql, params).fetchall()
        return rows[0] if rows else None

    def df(self, sql: str, params: Any = None):
        """A query's rows as a pandas DataFrame."""
        return self.execute(sql, params).df()

    def sql_file(self, name: str) -> str:
        """The text of a .sql file shipped beside this module."""
        return resources.files("pipelines.store").joinpath(name).read_text(encoding="utf-8")

    def run_file(self, name: str, params: dict[str, Any] | None = None) -> None:
        """Run a shipped .sql file statement by statement, each bound to the `$name`
        parameters it uses (DuckDB refuses a named parameter a statement does not use)."""
        params = params or {}
        for statement in statements(self.sql_file(name)):
            used = {k: v for k, v in params.items() if f"${k}" in statement}
            self.run(statement, used or None)

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All or nothing: roll back on any error."""
        self.run("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            self._installed.clear()  # the rollback may undo an install() made inside it
            self.con.execute("ROLLBACK").fetchall()
            raise
        try:
            self.run("COMMIT")
        except BaseException:
            self._installed.clear()  # a failed commit rolls back too
            raise

    @contextmanager
    def scratch(self, name: str, frame: Any) -> Iterator[str]:
        """A DataFrame/Arrow table visible to SQL as `__dtks_<name>` inside the block only.

        `with store.scratch("batch", frame) as table:` registers the frame and yields the
        table's name; leaving the block unregisters it, however the block ends. When a failed
        statement left a transaction aborted, DuckDB refuses the unregister until the
        rollback (which drops the registration itself): the statement's own error is raised,
        not that refusal.
        """
        full = f"{SCRATCH}{name}"
        self.con.register(full, frame)
        try:
            yield full
        except BaseException:
            with suppress(duckdb.Error):
                self.con.unregister(full)
            raise
        self.con.unregister(full)

    def install(self, key: str, sql: str) -> None:
        """Run sql's statements (temporary macros, say) once on this connection.

        Later calls with the same key do nothing, so a caller may install what it needs before
        every use at no cost. Temporary objects write nothing to the file and work on a
        read-only store too. A rolled-back transaction undoes what it installed, so the next
        call installs it again.
        """
        if key in self._installed:
            return
        for statement in statements(sql):
            self.run(statement)
        self._installed.add(key)

    def raw_df(self, sql: str):
        """A query's rows as a DataFrame, failing with DuckDB's own error (not StoreError):
        for a caller that tells DuckDB's errors apart itself (analyst.query)."""
        return self.con.execute(sql).df()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(
    path: Path, read_only: bool = False, memory_limit: str | None = None, threads: int | None = None
) -> Store:
    """Open (and create, unless read-only) the store at path, upgrading an older one first.

    A store made by an earlier release, or in DuckDB 2.0's own storage format, is upgraded
    in place (after a backup, see migrate.py) whether opened for reading or writing.
    """
    if read_only and not path.exists():
        raise StoreError(
            f"Basis data DTKS {path} belum ada. Muat snapshot DTKS dulu: dtks load-dtks BERKAS"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    config = {"temp_directory": str(path.parent / ".duckdb_tmp")}
    if memory_limit:
        config["memory_limit"] = memory_limit
    if threads:
        config["threads"] = str(threads)
    con = _connect(path, read_only, config)
    try:
        if migrate.needs_upgrade(con):
            con.close()
            _guard(path, lambda: migrate.upgrade(path, _writable(config)))
            con = _connect(path, read_only, config)
        store = Store(con, path, read_only)
        if not read_only:
            for statement in schema_statements():
                store.run(statement)
    except BaseException:
        con.close()  # a failed open must not keep the file locked for every other process
        raise
    return store


# The views, table macros and comments of the store, one file per subsystem (schema/), run in
# this order on every read-write open: a view may use only what an earlier file made.
SCHEMA_FILES = (
    "store.sql",
    "register.sql",
    "finalisation.sql",
    "review.sql",
    "close.sql",
    "letters.sql",
    "requests.sql",
    "analyst.sql",
    "desk.sql",
    "dtsen.sql",
)


def schema_statements() -> list[str]:
    """The statements of the schema files, in their order (the outcome columns of
    v_monthly_summary filled in from pipelines/outcomes.py)."""
    from pipelines.outcomes import count_columns_sql

    folder = resources.files("pipelines.store").joinpath("schema")
    text = "\n".join(folder.joinpath(name).read_text("utf-8") for name in SCHEMA_FILES)
    return statements(text.replace("/*outcome_counts*/", count_columns_sql()))


def _writable(config: dict) -> dict:
    # a new file is made in the format the DuckDB 1.x tools read (README)
    return {**config, "storage_compatibility_version": migrate.STORAGE_VERSION}


def _connect(path: Path, read_only: bool, config: dict) -> duckdb.DuckDBPyConnection:
    cfg = config if read_only else _writable(config)
    con = _guard(path, lambda: duckdb.connect(str(path), read_only=read_only, config=cfg))
    # no DuckDB progress bar (a connection setting): the pipeline prints its own progress
    # lines, and the Dask workers of `dtks finalize-province` put DuckDB's bar of every query
    # over 2 s on the operator's screen, the workers' bars interleaved
    con.execute("SET enable_progress_bar = false")
    return con


def _guard(path: Path, fn):
    """Run fn; a lock held by another process becomes StoreLocked, other IO errors StoreError."""
    try:
        return fn()
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreLocked(
                f"Basis data {path} sedang dipakai proses lain (mis. finalisasi yang masih "
                "berjalan atau DuckDB CLI yang terbuka). Tunggu proses itu selesai atau tutup "
                "program itu, lalu jalankan lagi."
            ) from exc
        raise StoreError(f"Basis data {path} tidak dapat dibuka: {database_message(exc)}") from exc
