"""A period's input once every kelurahan folder is read: one Batch, rows numbered."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipelines.ingest import attachments, evidence, musyawarah
from pipelines.ingest.discover import PROBLEM_COLUMNS, KelurahanInput

MAPPING_COLUMNS = [
    *["kode_wilayah", "folder", "source_file", "source_sheet", "jenis", "kolom", "judul"],
    *["dibaca_sebagai", "cara", "catatan", "periksa"],
]
EVIDENCE_COLUMNS = evidence.COLUMNS


@dataclass
class Batch:
    """A period's input once every kelurahan folder is read."""

    period: str
    folders: list[tuple[str, str]]  # (kode, folder name)
    prelist: pd.DataFrame  # raw cells + row_id, folder_kode, source_*
    decisions: pd.DataFrame
    meetings: pd.DataFrame
    problems: pd.DataFrame
    ignored_rows: int = 0
    folders_with_ba: set[str] = field(default_factory=set)
    # how each file's columns were read (ingest/layout.Table.mapping), per file and sheet
    mappings: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MAPPING_COLUMNS))
    # scanned berita acara kept as evidence (ingest/evidence.py), with SHA-256
    evidence: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EVIDENCE_COLUMNS))
    # kelurahan whose rows wait for a readable decision list -> the one reason they get
    held: dict[str, str] = field(default_factory=dict)
    # KTP, KK, SKTM and house photos sent beside the prelist (ingest/attachments.py)
    attachments: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=attachments.COLUMNS)
    )


def combine(period: str, parts: list[KelurahanInput], folder_problems: list[dict]) -> Batch:
    """Stack the kelurahan inputs in folder order and number the rows of the batch."""
    pre: list[pd.DataFrame] = []
    dec: list[pd.DataFrame] = []
    meet: list[dict] = []
    probs = list(folder_problems)
    maps: list[dict] = []
    scans: list[dict] = []
    files: list[dict] = []
    for k in parts:
        probs.extend(k.problems)
        maps.extend(getattr(k, "mappings", []))
        scans.extend(getattr(k, "evidence", []))
        files.extend(getattr(k, "attachments", []))
        if k.prelist is not None:
            pre.append(k.prelist.assign(folder_kode=k.kode_wilayah, folder=k.folder))
        if k.decisions is not None:
            dec.append(k.decisions.assign(folder_kode=k.kode_wilayah))
        meet.extend({**m, "kode_wilayah": k.kode_wilayah} for m in k.meetings)
    prelist = (
        pd.concat(pre, ignore_index=True)
        if pre
        else pd.DataFrame(
            {"source_file": [], "source_sheet": [], "source_row": [], "folder_kode": []}
        )
    )
    prelist.insert(0, "row_id", range(1, len(prelist) + 1))
    decisions = (
        pd.concat(dec, ignore_index=True)
        if dec
        else pd.DataFrame(columns=[*musyawarah.DECISION_COLUMNS, "folder_kode"])
    )
    return Batch(
        period=period,
        folders=[(k.kode_wilayah, k.folder) for k in parts],
        prelist=prelist,
        decisions=decisions,
        meetings=pd.DataFrame(
            meet,
            columns=[
                "kode_wilayah",
                "source_file",
                "source_sheet",
                "tanggal",
                "tempat",
                "pimpinan",
                "jumlah_peserta",
            ],
        ),
        problems=pd.DataFrame(probs, columns=PROBLEM_COLUMNS),
        ignored_rows=sum(k.ignored_rows for k in parts),
        folders_with_ba={k.kode_wilayah for k in parts if k.decisions is not None},
        mappings=pd.DataFrame(maps, columns=MAPPING_COLUMNS),
        evidence=pd.DataFrame(scans, columns=EVIDENCE_COLUMNS),
        held={k.kode_wilayah: k.held for k in parts if getattr(k, "held", None)},
        attachments=pd.DataFrame(files, columns=attachments.COLUMNS),
    )
