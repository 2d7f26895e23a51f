"""Analyst commands: sandboxed read-only SQL, exports, the data dictionary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from pipelines.cli.common import (
    HomeOpt,
    _home,
    _rel,
    app,
    console,
    ribu,
)
from pipelines.errors import DtksError


@app.command("sql")
def sql_cmd(
    query: Annotated[
        str, typer.Argument(help="Tepat satu perintah SELECT (atau WITH ... SELECT).")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Tulis hasil ke berkas .csv, .parquet atau .xlsx, bukan ke layar (di luar "
            "folder data/ dan keys/).",
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="Baris yang ditampilkan di layar.")] = 50,
    petugas: Annotated[
        str | None,
        typer.Option("--petugas", help="Nama analis untuk log kueri (bawaan: pengguna OS)."),
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Jalankan satu kueri SELECT pada basis data DTKS (hanya-baca, tanpa akses berkas).

    View yang tersedia: v_persons_current, v_households_current, v_outcomes_per_period,
    v_monthly_summary, v_programme_coverage (lihat docs/data_dictionary.md). Perintah yang
    mengubah data, lebih dari satu perintah, dan akses berkas dari SQL (COPY, EXPORT,
    read_csv, glob, ATTACH, INSTALL/LOAD, SET) ditolak; hasil hanya ditulis lewat --out.
    Setiap kueri dicatat di data/processed/log/sql.jsonl (siapa, kapan, kueri, jumlah baris;
    tanpa hasilnya).

    Contoh: dtks sql "SELECT * FROM v_programme_coverage ORDER BY keluarga DESC" --out cakupan.xlsx
    """
    from pipelines import analyst

    h = _home(home)
    try:
        target = analyst.check_out(h, out) if out is not None else None
        with analyst.open_sandbox(h) as store:
            frame = analyst.query(store, query)
        if target is not None:
            analyst.write(frame, target)
    except DtksError as exc:
        analyst.log_query(h, query, petugas, None, getattr(exc, "code", type(exc).__name__), out)
        raise
    analyst.log_query(h, query, petugas, len(frame), None, out)
    if out is not None:
        console.print(f"{ribu(len(frame))} baris ditulis ke {out}")
        return
    t = Table(show_lines=False)
    for col in frame.columns:
        t.add_column(str(col))
    for row in frame.head(limit).itertuples(index=False):
        t.add_row(*["" if (not isinstance(v, str) and pd_isna(v)) else str(v) for v in row])
    console.print(t)
    if len(frame) > limit:
        console.print(f"... {ribu(len(frame) - limit)} baris lagi; pakai --out BERKAS untuk semua.")


def pd_isna(v) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


@app.command("export")
def export_cmd(
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder tujuan (bawaan: data/processed/export).")
    ] = None,
    view: Annotated[
        list[str] | None, typer.Option("--view", help="View tertentu saja (boleh diulang).")
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Ekspor view analis ke Parquet, dipartisi per kode wilayah, untuk alat lain.

    Contoh: dtks export --view v_programme_coverage
    """
    from pipelines import analyst
    from pipelines.store import open_store

    h = _home(home)
    target = out or h.processed / "export"
    with open_store(h.store_path, read_only=True) as store:
        paths = analyst.export_views(store, target, view)
    for p in paths:
        console.print(f"{p.name:24}: {_rel(p, h)}")


@app.command("dictionary")
def dictionary_cmd(
    out: Annotated[Path, typer.Option("--out", help="Berkas tujuan.")] = Path(
        "docs/data_dictionary.md"
    ),
) -> None:
    """Tulis kamus data (tabel, view, kolom, tipe) dari skema basis data ke docs/.

    Contoh: dtks dictionary --out docs/data_dictionary.md
    """
    import tempfile

    from pipelines import analyst
    from pipelines.store import open_store

    with tempfile.TemporaryDirectory() as d, open_store(Path(d) / "schema.duckdb") as store:
        text = analyst.dictionary(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    console.print(f"Kamus data ditulis ke {out}")
