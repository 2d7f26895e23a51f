"""Write a period's outputs all or nothing: build in a scratch folder, store, then swap in."""

from __future__ import annotations

import json
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines import review
from pipelines.export import siksng
from pipelines.finalize import (
    OUTCOMES,
    Batch,
    ba_not_in_prelist,
    counts_table,
    latest_snapshot,
    store_outcomes,
)
from pipelines.report import rejections, summary
from pipelines.store import Store


@dataclass
class Published:
    """Where a period's outputs are, and the counts (no personal data)."""

    out_dir: Path
    outcomes: Path
    summary: Path
    import_files: list[Path]
    rejection_files: list[Path]
    review: Path
    counts: pd.DataFrame
    totals: dict[str, int]
    ba_only: pd.DataFrame


def remove_stale_scratch(processed: Path) -> list[Path]:
    """Remove what a killed run left under data/processed: .PERIOD.<hex>.tmp and .PERIOD.old.

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


def publish(
    store: Store, batch: Batch, outcomes: pd.DataFrame, out_dir: Path, raw_dir: Path
) -> Published:
    """Write outcomes.parquet, SIKS-NG files and summary.xlsx, and the store rows."""
    counts = counts_table(outcomes, batch)
    totals = {o: int(counts[o].sum()) for o in OUTCOMES}
    scratch = out_dir.parent / f".{out_dir.name}.{uuid.uuid4().hex[:8]}.tmp"
    scratch.mkdir(parents=True)
    try:
        outcomes.to_parquet(scratch / "outcomes.parquet", index=False)
        files = siksng.write(outcomes, batch.period, scratch / "siks-ng")
        returned = rejections.write(outcomes, raw_dir, scratch / "penolakan", batch.period)
        review_name = f"telaah_{batch.period}.xlsx"
        review.write_workbook(store, batch.period, outcomes, scratch / review_name)
        ba_only = ba_not_in_prelist(batch, outcomes)
        summary.write(
            scratch / "summary.xlsx",
            batch.period,
            counts,
            batch.problems,
            batch.meetings,
            batch.ignored_rows,
            ba_only,
        )
        if not batch.problems.empty:
            batch.problems.to_csv(
                scratch / "masalah_berkas.csv", index=False, sep=";", encoding="utf-8-sig"
            )
        store_outcomes(store, batch, outcomes, latest_snapshot(store), json.dumps(totals))
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    old = out_dir.parent / f".{out_dir.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(old)
    scratch.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)
    return Published(
        out_dir=out_dir,
        outcomes=out_dir / "outcomes.parquet",
        summary=out_dir / "summary.xlsx",
        import_files=[out_dir / "siks-ng" / p.name for p in files],
        rejection_files=[out_dir / "penolakan" / p.name for p in returned],
        review=out_dir / review_name,
        counts=counts,
        totals=totals,
        ba_only=ba_only,
    )


def finalise_root(home_root: str, period: str) -> dict[str, int]:
    """The whole finalisation of one data root as plain calls (for fan-out workers).

    The same stage functions as the finalisasi-bulanan flow, without per-stage tasks; returns
    counts per outcome only.
    """
    from pathlib import Path as _Path

    from pipelines.config import Home
    from pipelines.finalize import combine, decide, dinas_kabkota
    from pipelines.ingest import discover
    from pipelines.store import open_store

    h = Home(_Path(home_root))
    period_dir = h.period_raw(period)
    folders, problems = discover.kelurahan_folders(period_dir)
    batch = combine(
        period, [discover.read_kelurahan(c, p, period_dir) for c, p in folders], problems
    )
    with open_store(h.store_path, memory_limit=h.memory_limit) as store:
        outcomes = decide(batch, store, dinas_kabkota(h, store))
        return publish(store, batch, outcomes, h.period_out(period), period_dir).totals
