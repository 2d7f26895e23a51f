"""The analyst's door to the register: read-only SQL, exports, and the data dictionary."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import xlsx
from pipelines.errors import DtksError
from pipelines.store import Store

VIEWS = ["v_persons_current", "v_households_current", "v_outcomes_per_period",
         "v_monthly_summary", "v_programme_coverage"]  # fmt: skip


class QueryRefused(DtksError):
    "A query failed or tried to change the read-only register."


def query(store: Store, sql: str) -> pd.DataFrame:
    """Run one query on a read-only connection; a write or an error becomes QueryRefused."""
    try:
        return store.con.execute(sql).df()
    except duckdb.Error as exc:
        text = str(exc)
        if "read-only" in text or "read only" in text:
            raise QueryRefused(
                "Basis data dibuka hanya-baca untuk analis: perintah yang mengubah data ditolak."
            ) from exc
        raise QueryRefused(f"Kueri gagal: {text.splitlines()[0]}") from exc


def write(frame: pd.DataFrame, path: Path) -> Path:
    """CSV (';', UTF-8 with BOM), Parquet or XLSX by the file's suffix; NIK/KK stay text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix == ".xlsx":
        wb = xlsx.new_workbook()
        xlsx.add_sheet(
            wb,
            "Hasil",
            list(frame.columns),
            list(frame.columns),
            frame.astype(object).where(frame.notna(), None).values.tolist(),
        )
        xlsx.save(wb, path)
    else:
        raise QueryRefused(
            f"Jenis berkas '{suffix}' tidak didukung; pakai .csv, .parquet atau .xlsx."
        )
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
