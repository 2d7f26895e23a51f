"""Every output of a month, written from the store, all or nothing.

One month, one truth: the month's files (data/processed/PERIOD/ and reports/PERIOD/) are always
derived from the final outcomes in the store (prelist_final). Each act that changes them
(finalisation, review apply, closing) changes the store and rebuilds the files inside one
transaction (`rewriting`): files are built in scratch folders, the store commits, then the
folders are swapped in. A failure anywhere leaves the previous store and files as they were.
A closed month is never rewritten (store/periods.ensure_open).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines import stable, vocabulary
from pipelines.carry import Carry
from pipelines.config import Home
from pipelines.export import siksng
from pipelines.files import replacing, scratch_for, sha256
from pipelines.finalize.batch import Batch
from pipelines.finalize.counts import counts_table
from pipelines.finalize.deciding import OUTCOME_COLUMNS
from pipelines.finalize.persist import latest_snapshot, store_outcomes
from pipelines.ingest import evidence
from pipelines.outcomes import OUTCOMES
from pipelines.report import rejections, review_workbook, summary
from pipelines.report.finalisation import content, pdf, workbook
from pipelines.report.signatories import Signatories
from pipelines.sanitize import frame_to_csv
from pipelines.store import Store, dinas_kabkota

# the step being written, for the CLI's progress lines (no personal data)
progress = logging.getLogger("pipelines.progress")

# outcomes.parquet: the final outcome of every row, with the flow's outcome and the decision
PARQUET_COLUMNS = [*OUTCOME_COLUMNS, "row_key", "flow_outcome", "keputusan", "alasan", "petugas",
                   "applied_at"]  # fmt: skip


@dataclass
class Published:
    """Where a month's outputs are, and the counts (no personal data)."""

    out_dir: Path
    outcomes: Path
    summary: Path
    import_files: list[Path]
    rejection_files: list[Path]
    review: Path
    counts: pd.DataFrame
    totals: dict[str, int]
    ba_only: pd.DataFrame
    report_xlsx: Path
    report_pdf: Path
    files: list[tuple[str, str]] = field(default_factory=list)  # import file name, SHA-256
    ba: content.BaState | None = None
    carry: Carry | None = None
    # the run's file problems with their kind (jenis), for the listing on screen
    problems: pd.DataFrame | None = None
    mappings: pd.DataFrame | None = None  # how each file's columns were read (ingest)
    evidence: pd.DataFrame | None = None  # scanned berita acara archived, with SHA-256


@dataclass
class _Stage:
    out: Path
    reports: Path
    result: Published | None = None


def remove_stale_scratch(processed: Path) -> list[Path]:
    """Remove what a killed run left under data/processed (or reports/): .PERIOD.<hex>.tmp and
    .PERIOD.old.

    They hold personal data and are never part of a period's outputs. Call only while holding
    the finalisation lock (runlock), so no live run's scratch folder is taken.
    """
    stale = [
        p
        for p in processed.glob(".*")
        if p.is_dir() and re.fullmatch(r"\.\d{4}-\d{2}\.([0-9a-f]{8}\.tmp|old)", p.name)
    ]
    for p in stale:
        shutil.rmtree(p, ignore_errors=True)
    return stale


@contextmanager
def rewriting(store: Store, home: Home, period: str, report_only: bool = False) -> Iterator[_Stage]:
    """Change the store inside the block; the month's outputs are then rebuilt from it.

    The store changes and the files are built in one transaction; the files are swapped in
    once it commits. report_only rebuilds reports/PERIOD/ alone (closing changes only the BA).
    """
    vocabulary.use(home)  # the month's files say DTKS or DTSEN as dtks.toml chooses
    out_dir, rep_dir = home.period_out(period), home.reports / period
    tag = uuid.uuid4().hex[:8]
    from pipelines import runlock

    # the finalisation lock (re-entrant): no finalize of this root runs meanwhile, so its
    # clean-up of stale scratch folders never takes ours. The scratch folders replace the
    # month's folders (data first, then reports) once the store has committed; when anything
    # raises, the store rolls back and the scratch folders are removed.
    with runlock.finalisation(home), ExitStack() as folders:
        reports = folders.enter_context(replacing(rep_dir, tag))
        out = scratch_for(out_dir, tag)  # report_only: data/processed/PERIOD is not rewritten
        if not report_only:
            out = folders.enter_context(replacing(out_dir, tag))
        stage = _Stage(out=out, reports=reports)
        with store.transaction():
            yield stage
            stage.result = _build(store, home, period, stage, report_only)


def publish(store: Store, home: Home, batch: Batch, outcomes: pd.DataFrame) -> Published:
    """Store a finalisation (carrying supervisor decisions forward) and write the month."""
    flow_totals = outcomes["outcome"].value_counts().reindex(OUTCOMES, fill_value=0)
    counts_json = json.dumps({k: int(v) for k, v in flow_totals.items()})
    raw_dir = home.period_raw(batch.period)
    hashes = {
        f: sha256(raw_dir / f)
        for f in sorted(set(batch.prelist["source_file"]))
        if (raw_dir / f).is_file()
    }
    with rewriting(store, home, batch.period) as stage:
        carried = store_outcomes(
            store, batch, outcomes, latest_snapshot(store), counts_json, hashes
        )
    stage.result.carry = carried
    stage.result.problems = batch.problems
    return stage.result


def rewrite(store: Store, home: Home, period: str) -> Published:
    """Rewrite every output of an open month from the store (dtks siks-ng)."""
    from pipelines.store.periods import ensure_open

    ensure_open(store, period)
    with rewriting(store, home, period) as stage:
        pass
    return stage.result


def _build(store: Store, home: Home, period: str, stage: _Stage, report_only: bool) -> Published:
    from pipelines.errors import PeriodNotReady

    final = store.df("SELECT * FROM prelist_final WHERE period = ? ORDER BY row_id", [period])
    if final.empty:
        raise PeriodNotReady(
            f"Periode {period} belum difinalisasi. Jalankan dulu: dtks finalize {period}"
        )
    final["tanggal_lahir"] = pd.to_datetime(final["tanggal_lahir"]).dt.date
    # reasons are stored as decided; the files say DTKS or DTSEN as dtks.toml chooses now
    final["reasons"] = vocabulary.say_column(final["reasons"])
    folders = [
        r[0]
        for r in store.execute(
            "SELECT kode_wilayah FROM period_folder WHERE period = ? ORDER BY kode_wilayah, folder",
            [period],
        ).fetchall()
    ] or sorted(final["folder_kode"].unique())
    counts = counts_table(final, folders)
    totals: dict[str, int] = {o: int(counts[o].sum()) for o in OUTCOMES}
    out_dir = home.period_out(period)
    review_name = f"telaah_{period}.xlsx"
    ba_only = pd.DataFrame()
    import_files: list[Path] = []
    returned: list[Path] = []
    mappings = archived = None
    if report_only:
        import_dir = out_dir / "siks-ng"
    else:
        out = stage.out
        final[PARQUET_COLUMNS].to_parquet(out / "outcomes.parquet", index=False)
        import_dir = out / "siks-ng"
        import_dir.mkdir()
        progress.info("menulis berkas SIKS-NG")
        import_files = siksng.write(
            final,
            period,
            import_dir,
            spec=siksng.layout(home.config.ekspor.tata_letak),  # dtks.toml [ekspor] tata_letak
            when=stable.period_time(period),
        )
        _check_import_rows(import_files, final)
        raw_dir = home.period_raw(period)
        progress.info("menulis berkas penolakan")
        returned = rejections.write(
            final, raw_dir, out / "penolakan", period, _unchanged_files(store, period, raw_dir)
        )
        progress.info("menulis telaah dan ringkasan")
        review_workbook.write_workbook(store, period, final, out / review_name)
        ba_only = _ba_only(store, period)
        problems = store.df(
            "SELECT kode_wilayah, folder, source_file, source_sheet, masalah FROM period_problem "
            "WHERE period = ?",
            [period],
        )
        mappings = store.df(
            "SELECT * EXCLUDE (period) FROM period_column_map WHERE period = ?", [period]
        )
        scans = store.df(
            "SELECT * EXCLUDE (period) FROM period_evidence WHERE period = ?", [period]
        )
        archived = evidence.archive(scans, raw_dir, out)
        if len(archived):
            frame_to_csv(archived, out / "bukti_berita_acara.csv")
        summary.write(
            out / "summary.xlsx",
            period,
            counts,
            problems,
            _meetings(store, period),
            _ignored_rows(store, period),
            ba_only,
            mappings=mappings,
            evidence=archived,
        )
        if not problems.empty:
            frame_to_csv(problems, out / "masalah_berkas.csv")
    files = [(p.name, sha256(p)) for p in sorted(import_dir.glob("*")) if p.is_file()]
    progress.info("menulis laporan")
    state = content.ba_state(store, period, final)
    rec = content.recap(final, store, period)
    who = Signatories.from_settings(home.config, dinas_kabkota(home, store))
    name = f"laporan_finalisasi_{period}"
    workbook.write_xlsx(stage.reports / f"{name}.xlsx", period, rec, files, who, state)
    pdf.write_pdf(stage.reports / f"{name}.pdf", period, rec, files, who, state)
    report_dir = home.reports / period
    return Published(
        out_dir=out_dir,
        outcomes=out_dir / "outcomes.parquet",
        summary=out_dir / "summary.xlsx",
        import_files=[out_dir / "siks-ng" / p.name for p in import_files],
        rejection_files=[out_dir / "penolakan" / p.name for p in returned],
        review=out_dir / review_name,
        counts=counts,
        totals=totals,
        ba_only=ba_only,
        report_xlsx=report_dir / f"{name}.xlsx",
        report_pdf=report_dir / f"{name}.pdf",
        files=files,
        ba=state,
        mappings=mappings,
        evidence=archived,
    )


def _check_import_rows(written: list[Path], final: pd.DataFrame) -> None:
    """Every usulan_baru / perbaikan row is in exactly one import file."""
    for kind in siksng.KINDS:
        rows = sum(
            len(p.read_text(encoding="utf-8-sig").splitlines()) - 1
            for p in written
            if p.suffix == ".csv" and p.stem.endswith(kind)
        )
        expected = int((final["outcome"] == kind).sum())
        if rows != expected:
            raise RuntimeError(f"{kind}: {rows} rows written, {expected} outcomes")


def _unchanged_files(store: Store, period: str, raw_dir: Path) -> set[str]:
    """Source files still as the finalisation read them (safe to copy rows from)."""
    return {
        f
        for f, digest in store.execute(
            "SELECT source_file, sha256 FROM period_file WHERE period = ?", [period]
        ).fetchall()
        if (raw_dir / f).is_file() and sha256(raw_dir / f) == digest
    }


def _ba_only(store: Store, period: str) -> pd.DataFrame:
    """Households decided in a berita acara that the kelurahan's prelist does not hold."""
    return store.df(
        "SELECT k.kode_wilayah AS folder_kode, k.source_file, k.source_sheet, k.source_row, "
        "k.nama_kepala_keluarga, k.keputusan_asli FROM musyawarah_keputusan AS k "
        "WHERE k.period = ? AND NOT EXISTS (SELECT 1 FROM prelist_outcome AS o "
        "WHERE o.period = k.period AND o.folder_kode = k.kode_wilayah "
        "AND o.no_kk IS NOT DISTINCT FROM coalesce(k.kk_cocok, k.no_kk)) "
        "ORDER BY k.kode_wilayah, k.source_file, k.source_sheet, k.source_row",
        [period],
    )


def _meetings(store: Store, period: str) -> pd.DataFrame:
    return store.df(
        "SELECT kode_wilayah, source_file, source_sheet, tanggal, tempat, pimpinan, "
        "jumlah_peserta FROM musyawarah WHERE period = ? ORDER BY kode_wilayah, source_file",
        [period],
    )


def _ignored_rows(store: Store, period: str) -> int:
    row = store.one(
        "SELECT ignored_rows FROM finalisation_run WHERE period = ? "
        "ORDER BY finished_at DESC LIMIT 1",
        [period],
    )
    return int(row[0]) if row and row[0] is not None else 0
