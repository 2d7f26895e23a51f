"""The analyst's door to the register: sandboxed SQL, exports, and the data dictionary.

`dtks sql` runs on a read-only connection whose file access is switched off
(`enable_external_access = false`, then `lock_configuration = true`): no COPY, EXPORT,
read_*, glob, ATTACH, INSTALL/LOAD or SET can reach a file or undo the sandbox. Exactly one
SELECT (or WITH ... SELECT) statement is accepted, checked by DuckDB's own parser. Results
leave only through `write` (the command's --out), never into the data root's own folders.
Every query, run or refused, is logged (who, when, the statement, rows; never results).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import xlsx
from pipelines.config import Home
from pipelines.errors import DtksError
from pipelines.sanitize import frame_to_csv
from pipelines.store import Store, open_store

VIEWS = ["v_persons_current", "v_households_current", "v_outcomes_per_period",
         "v_monthly_summary", "v_programme_coverage"]  # fmt: skip
# applied in this order; the last one makes every setting, these included, unchangeable
SANDBOX = [
    "SET enable_external_access = false",
    "SET python_enable_replacements = false",  # no reaching the caller's Python variables
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET lock_configuration = true",
]


class QueryRefused(DtksError):
    "A query failed, was not one SELECT, or tried to change the register or reach a file."

    def __init__(self, message: str, code: str = "gagal") -> None:
        super().__init__(message)
        self.code = code  # what the query log records: never the message, it may quote data


def open_sandbox(home: Home) -> Store:
    """The register read-only, with file access and configuration changes switched off."""
    store = open_store(home.store_path, read_only=True, memory_limit=home.memory_limit)
    try:
        for statement in SANDBOX:
            store.run(statement)
    except BaseException:
        store.close()
        raise
    return store


def one_select(sql: str) -> str:
    """The statement if sql is exactly one SELECT/WITH statement, else QueryRefused."""
    try:
        parsed = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"Kueri tidak dapat dibaca: {_first_line(exc)}", "sintaks") from None
    if len(parsed) != 1:
        raise QueryRefused(
            f"Kueri berisi {len(parsed)} perintah dan ditolak: dtks sql menerima tepat satu "
            "perintah SELECT (atau WITH ... SELECT).",
            "bukan_satu_perintah",
        )
    if parsed[0].type != duckdb.StatementType.SELECT:
        raise QueryRefused(
            f"Perintah {parsed[0].type.name} ditolak: dtks sql hanya menjalankan SELECT (atau "
            "WITH ... SELECT). Untuk menyimpan hasil pakai --out BERKAS.",
            "bukan_select",
        )
    return sql


def query(store: Store, sql: str) -> pd.DataFrame:
    """Run one SELECT on the store; anything else, a file access or an error is QueryRefused."""
    one_select(sql)
    try:
        return store.raw_df(sql)
    except duckdb.Error as exc:
        text = str(exc)
        if isinstance(exc, duckdb.PermissionException) or "disabled by configuration" in text:
            raise QueryRefused(
                "dtks sql tidak boleh membaca atau menulis berkas (COPY, EXPORT, read_*, glob, "
                "ATTACH, INSTALL/LOAD ditolak). Untuk menyimpan hasil pakai --out BERKAS.",
                "akses_berkas",
            ) from None
        if "configuration has been locked" in text:
            raise QueryRefused(
                "Pengaturan basis data tidak dapat diubah dari dtks sql.", "pengaturan"
            ) from None
        if "read-only" in text or "read only" in text:
            raise QueryRefused(
                "Basis data dibuka hanya-baca untuk analis: perintah yang mengubah data ditolak.",
                "hanya_baca",
            ) from None
        raise QueryRefused(f"Kueri gagal: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def log_query(
    home: Home, sql: str, petugas: str | None, rows: int | None, refused: str | None, out=None
) -> Path:
    """Append one line to data/processed/log/sql.jsonl: who, when, the statement, rows."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment (a service account)
        user = "tidak-diketahui"
    entry = {
        "waktu": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "petugas": (petugas or "").strip() or None,
        "pengguna_os": user,
        "kueri": sql,
        "baris": rows,
        "hasil": "ditolak" if refused else "dijalankan",
        "alasan": refused,
        "keluaran": str(out) if out is not None else None,
    }
    path = query_log_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return path


def query_log_path(home: Home) -> Path:
    """Where dtks sql logs every query."""
    return home.processed / "log" / "sql.jsonl"


def check_out(home: Home, path: Path) -> Path:
    """Refuse an --out inside the data root's own folders (register, raw files, keys)."""
    target = path.expanduser().resolve()
    guarded = [home.root / "data", home.root / "keys", home.config_file]
    for g in guarded:
        g = g.resolve()
        if target == g or g in target.parents:
            raise QueryRefused(
                f"--out {path} ditolak: hasil kueri tidak boleh ditulis ke dalam "
                f"{_rel(g, home)} (berkas kerja DTKS). Pilih folder lain, mis. folder Dokumen.",
                "keluaran",
            )
    return target


def _rel(p: Path, home: Home) -> str:
    try:
        return str(p.relative_to(home.root.resolve()))
    except ValueError:
        return str(p)


def write(frame: pd.DataFrame, path: Path) -> Path:
    """CSV (';', UTF-8 with BOM), Parquet or XLSX by the file's suffix; NIK/KK stay text."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".xlsx"):
        raise QueryRefused(
            f"Jenis berkas '{suffix}' tidak didukung; pakai .csv, .parquet atau .xlsx.",
            "keluaran",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        if suffix == ".csv":
            frame_to_csv(frame, tmp)
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            wb = xlsx.new_workbook()
            xlsx.add_sheet(
                wb,
                "Hasil",
                list(frame.columns),
                list(frame.columns),
                frame.astype(object).where(frame.notna(), None).values.tolist(),
            )
            xlsx.save(wb, tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def export_views(store: Store, out: Path, views: list[str] | None = None) -> list[Path]:
    """Each view to Parquet under out/<view>/, partitioned by kode_wilayah where it has one."""
    written = []
    for view in views or VIEWS:
        if view not in VIEWS:
            raise QueryRefused(f"View '{view}' tidak dikenal; pilih dari: {', '.join(VIEWS)}.")
        target = out / view
        cols = [
            r[0]
            for r in store.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [view]
            ).fetchall()
        ]
        target.mkdir(parents=True, exist_ok=True)
        if "kode_wilayah" in cols:
            store.run(
                f"COPY (SELECT * FROM \"{view}\") TO '{_quote(target)}' "
                "(FORMAT parquet, PARTITION_BY (kode_wilayah), OVERWRITE_OR_IGNORE true)"
            )
        else:
            store.run(
                f"COPY (SELECT * FROM \"{view}\") TO '{_quote(target / 'data.parquet')}' "
                "(FORMAT parquet)"
            )
        written.append(target)
    return written


def _quote(p: Path) -> str:
    return str(p).replace("'", "''")


def dictionary(store: Store) -> str:
    """docs/data_dictionary.md: every table and view of the schema, with column types."""
    objects = store.execute(
        "SELECT table_name, 'table' AS kind, comment FROM duckdb_tables() "
        "WHERE schema_name = 'main' AND NOT starts_with(table_name, '__') "
        "UNION ALL SELECT view_name, 'view', comment FROM duckdb_views() "
        "WHERE schema_name = 'main' AND NOT internal ORDER BY 2, 1"
    ).fetchall()
    lines = [
        "# Data dictionary",
        "",
        "Generated from the store's schema by `dtks dictionary`; "
        "`tests/test_analyst.py` fails when it is out of step. Do not edit by hand.",
        "",
    ]
    for name, kind, comment in objects:
        lines += [
            f"## `{name}` ({kind})",
            "",
            comment or "(no description)",
            "",
            "| column | type |",
            "|---|---|",
        ]
        for col, typ in store.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
            "ORDER BY column_index",
            [name],
        ).fetchall():
            lines.append(f"| `{col}` | {re.sub(r'[|]', '/', typ)} |")
        lines.append("")
    return "\n".join(lines)
