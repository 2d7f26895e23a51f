"""After review: SIKS-NG import files from the final outcomes, and the finalisation report."""

from __future__ import annotations

import hashlib
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from pipelines.config import Home
from pipelines.export import siksng
from pipelines.report import finalisation
from pipelines.store import Store


@dataclass
class Exported:
    import_dir: Path
    files: list[tuple[str, str]]  # (file name, sha256)
    report_xlsx: Path
    report_pdf: Path
    counts: dict[str, int]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def export(store: Store, home: Home, period: str, kabkota: str | None) -> Exported:
    """Rewrite data/processed/PERIOD/siks-ng from prelist_final; write reports/PERIOD/."""
    final = store.df("SELECT * FROM prelist_final WHERE period = ? ORDER BY row_id", [period])
    if final.empty:
        from pipelines.close import PeriodNotReady

        raise PeriodNotReady(
            f"Periode {period} belum difinalisasi. Jalankan dulu: dtks finalize {period}"
        )
    out = home.period_out(period) / "siks-ng"
    scratch = out.parent / f".siks-ng.{uuid.uuid4().hex[:8]}.tmp"
    try:
        written = siksng.write(final, period, scratch)
        counts = {k: int((final["outcome"] == k).sum()) for k in siksng.KINDS}
        for kind in siksng.KINDS:  # every outcome row is in exactly one import file
            rows = sum(
                len(p.read_text(encoding="utf-8-sig").splitlines()) - 1
                for p in written
                if p.suffix == ".csv" and p.stem.endswith(kind)
            )
            if rows != counts[kind]:
                raise RuntimeError(f"{kind}: {rows} rows written, {counts[kind]} outcomes")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    shutil.rmtree(out, ignore_errors=True)
    if scratch.exists():
        scratch.rename(out)
    else:
        out.mkdir(parents=True, exist_ok=True)
    files = [(p.name, sha256(out / p.name)) for p in sorted(written)]
    rec = finalisation.recap(store, period)
    who = finalisation.Signatories.from_settings(home.settings(), kabkota)
    reports = home.reports / period
    xlsx = finalisation.write_xlsx(
        reports / f"laporan_finalisasi_{period}.xlsx", period, rec, files, who
    )
    pdf = finalisation.write_pdf(
        reports / f"laporan_finalisasi_{period}.pdf", period, rec, files, who
    )
    return Exported(out, files, xlsx, pdf, counts)
