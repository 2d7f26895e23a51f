"""After review: SIKS-NG import files from the final outcomes, and the finalisation report.

`dtks siks-ng` rewrites every output of the month from the store (publish.rewrite): the
import files, the return and review workbooks, the summary and the report with its Berita
Acara, so they all agree with the final decisions. A closed month is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.config import Home
from pipelines.export import siksng
from pipelines.files import sha256
from pipelines.publish import rewrite
from pipelines.report.finalisation.content import BaState
from pipelines.store import Store

__all__ = ["Exported", "export", "sha256"]


@dataclass
class Exported:
    import_dir: Path
    files: list[tuple[str, str]]  # (file name, sha256)
    report_xlsx: Path
    report_pdf: Path
    counts: dict[str, int]
    ba: BaState | None = None


def export(store: Store, home: Home, period: str, kabkota: str | None = None) -> Exported:  # noqa: ARG001
    """Rewrite the month's outputs from prelist_final; the import files and report in particular.

    kabkota is taken from the store and dtks.toml (store.dinas_kabkota); the parameter is
    kept for callers of the earlier signature.
    """
    month = rewrite(store, home, period)
    counts = {k: month.totals.get(k, 0) for k in siksng.KINDS}
    return Exported(
        month.out_dir / "siks-ng",
        month.files,
        month.report_xlsx,
        month.report_pdf,
        counts,
        month.ba,
    )
