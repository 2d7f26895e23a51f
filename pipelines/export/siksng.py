"""SIKS-NG import files: per kelurahan, one workbook (and a CSV) per kind."""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib import resources
from pathlib import Path

import pandas as pd

from pipelines import xlsx
from pipelines.outcomes import SIKSNG_KINDS
from pipelines.sanitize import write_csv

KINDS = tuple(o.value for o in SIKSNG_KINDS)  # each needs its layout in siksng_layout.toml


def layout(path: Path | None = None) -> dict:
    """The column layout: a given TOML file, else the one shipped beside this module."""
    if path is not None:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    text = resources.files("pipelines.export").joinpath("siksng_layout.toml").read_text("utf-8")
    return tomllib.loads(text)


def file_stem(kode: str, period: str, kind: str) -> str:
    return f"{kode}_{period}_{kind}"


def write(
    outcomes: pd.DataFrame,
    period: str,
    out_dir: Path,
    spec: dict | None = None,
    when: dt.datetime | None = None,
) -> list[Path]:
    """Write every kelurahan's import files; return their paths (none for an empty kind).

    Byte-stable: the same rows give the same files (and SHA-256), `when` stamped inside.
    """
    spec = spec or layout()
    written: list[Path] = []
    for kind in KINDS:
        cols = spec[kind]["columns"]
        headers = [h for h, _ in cols]
        fields = [f for _, f in cols]
        rows = outcomes[outcomes["outcome"] == kind]
        for kode, part in rows.groupby("folder_kode", sort=True):
            part = part.sort_values("row_id")
            values = part[fields].astype(object).where(part[fields].notna(), None).values.tolist()
            stem = file_stem(kode, period, kind)
            wb = xlsx.new_workbook()
            xlsx.add_sheet(wb, spec[kind].get("sheet", kind.upper()), headers, fields, values)
            target = out_dir / f"{stem}.xlsx"
            xlsx.save(wb, target, when)
            written.append(target)
            # ';'-separated UTF-8 with BOM, as Indonesian Excel opens it; dates dd-mm-yyyy
            written.append(write_csv(out_dir / f"{stem}.csv", headers, values))
    return written
