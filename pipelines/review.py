"""The supervisor's review round trip: a workbook of doubtful rows out, decisions back in.

The workbook is written with the month's other files (pipelines/report/review_workbook.py):
its PERLU KEPUTUSAN sheet puts each perlu_verifikasi row beside its DTKS candidate with the
evidence; the supervisor fills KEPUTUSAN (BARU / SAMA / PERBAIKAN / TOLAK) and ALASAN.
`apply` reads it back, refuses unknown decisions and edited key cells naming sheet and row,
and records every change (who, when, what, from which file) in review_decision.

Each row is identified by KUNCI, its content key (identity.py), never by its position: a
decision stays with the person and the data decided when a kelurahan resends its file
(carry.py). Decisions in force are filled in again when the workbook is rewritten, and the
STATUS KEPUTUSAN column says which were carried from an earlier finalisation and why others
were dropped (sheet KEPUTUSAN GUGUR lists every dropped decision).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from pipelines.config import Home
from pipelines.errors import DtksError
from pipelines.files import sha256
from pipelines.outcomes import Outcome
from pipelines.report.review_workbook import DECISIONS, KEYS, NEEDS_CANDIDATE, SHEET
from pipelines.store import Store


class ReviewRefused(DtksError):
    "A review workbook holds unknown decisions or edited key cells; nothing was applied."


@dataclass
class Applied:
    """What applying a review workbook did, in counts."""

    applied: int
    unchanged: int
    undecided: int


def _cell(v) -> str:
    """A cell or stored value as the text the operator sees; missing (None, NaN, NA) is ''."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def read_decisions(path: Path) -> pd.DataFrame:
    """Rows of the PERLU KEPUTUSAN sheet with their Excel row numbers; refuses a wrong sheet."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise ReviewRefused(f"{path.name} tidak dapat dibuka sebagai workbook Excel.") from exc
    if SHEET not in wb.sheetnames:
        raise ReviewRefused(
            f"{path.name} tidak memiliki sheet '{SHEET}'. Gunakan workbook "
            "telaah yang dibuat oleh dtks finalize."
        )
    rows = list(wb[SHEET].iter_rows(values_only=True))
    wb.close()
    headers = [_cell(h) for h in rows[1]] if len(rows) > 1 else []
    missing = [h for h in [*KEYS, "KEPUTUSAN", "ALASAN"] if h not in headers]
    if missing:
        raise ReviewRefused(f"{path.name} sheet '{SHEET}': kolom {', '.join(missing)} hilang.")
    out = []
    for n, row in enumerate(rows[2:], start=3):
        rec: dict[str, object] = {h: _cell(v) for h, v in zip(headers, row, strict=False)}
        if not any(rec.values()):
            continue
        rec["excel_row"] = n
        out.append(rec)
    return pd.DataFrame(out, columns=[*headers, "excel_row"])


@dataclass(frozen=True)
class Decision:
    """One decision handed in: the row's content key, what the decider saw, and the decision.

    `nik` and `kandidat` are the row's NIK and DTKS candidate as the decider saw them (the
    workbook's key cells, or the desk's form); a mismatch with the store refuses the row.
    """

    key: str
    keputusan: str
    alasan: str = ""
    nik: str | None = None
    kandidat: str = ""
    where: str = ""


def apply(store: Store, period: str, path: Path, petugas: str, home: Home | None = None) -> Applied:
    """Check every row of the workbook, then record the decisions in one transaction.

    With `home`, every output of the month is rewritten from the new final outcomes in the
    same transaction (publish.rewriting), so no file of the month disagrees with the store.
    Refused for a closed month.
    """
    from pipelines.store.periods import ensure_open

    ensure_open(store, period)
    if not petugas.strip():
        raise ReviewRefused("Isi nama petugas: --petugas NAMA.")
    got = read_decisions(path)
    decisions = [
        Decision(
            rec["KUNCI"],
            rec["KEPUTUSAN"],
            rec["ALASAN"],
            rec["NIK"],
            rec["ID DTKS KANDIDAT"],
            f"sheet '{SHEET}' baris {rec['excel_row']}",
        )
        for rec in got.to_dict("records")
    ]
    return _apply(
        store,
        period,
        decisions,
        petugas,
        home,
        source=path.name,
        digest=sha256(path),
        refused=f"{path.name} ditolak",
        fresh_hint="Gunakan workbook telaah terbaru dari dtks finalize.",
    )


DESK_SOURCE = "meja web"  # review_decision.source_file of decisions made in the web desk


def apply_decisions(
    store: Store, period: str, decisions: list[Decision], petugas: str, home: Home | None = None
) -> Applied:
    """The same checks and records as `apply`, for decisions handed in without a workbook.

    The web desk calls this: each decision is recorded in review_decision exactly as from a
    workbook, with source_file 'meja web' and the SHA-256 of the decisions as handed in.
    """
    import json

    from pipelines.store.periods import ensure_open

    ensure_open(store, period)
    if not petugas.strip():
        raise ReviewRefused("Isi nama petugas.")
    canonical = json.dumps(
        [[d.key, d.keputusan, d.alasan, d.nik, d.kandidat] for d in decisions],
        ensure_ascii=False,
    )
    return _apply(
        store,
        period,
        [
            d if d.where else Decision(**{**d.__dict__, "where": f"baris KUNCI {d.key}"})
            for d in decisions
        ],
        petugas,
        home,
        source=DESK_SOURCE,
        digest=hashlib.sha256(canonical.encode()).hexdigest(),
        refused="Keputusan ditolak",
        fresh_hint="Muat ulang halaman telaah untuk melihat baris terbaru.",
    )


def _apply(
    store: Store,
    period: str,
    decisions: list[Decision],
    petugas: str,
    home: Home | None,
    *,
    source: str,
    digest: str,
    refused: str,
    fresh_hint: str,
) -> Applied:
    """Check every decision against the store; record them all, or none."""
    stored = store.df(
        "SELECT row_key, row_id, nik, matched_id_dtks FROM prelist_outcome "
        "WHERE period = ? AND outcome = ?",
        [period, Outcome.PERLU_VERIFIKASI],
    ).set_index("row_key")
    current = store.df(
        "SELECT row_key, keputusan, coalesce(alasan, '') AS alasan FROM prelist_final "
        "WHERE period = ? AND keputusan IS NOT NULL",
        [period],
    ).set_index("row_key")
    errors, todo = [], []
    for d in decisions:
        where = d.where
        key = _cell(d.key)
        if not key:
            errors.append(f"{where}: KUNCI kosong; kembalikan isinya seperti semula.")
            continue
        if key not in stored.index:
            errors.append(
                f"{where}: KUNCI {key} bukan baris perlu_verifikasi periode {period} (diubah, "
                f"atau data baris itu berubah sejak workbook dibuat). {fresh_hint}"
            )
            continue
        s = stored.loc[key]
        if _cell(d.nik) != _cell(s["nik"]) or _cell(d.kandidat) != _cell(s["matched_id_dtks"]):
            errors.append(
                f"{where}: kolom kunci (NIK atau ID DTKS KANDIDAT) diubah; kembalikan "
                "isinya seperti semula."
            )
            continue
        decision = _cell(d.keputusan).upper()
        if not decision:
            continue
        if decision not in DECISIONS:
            errors.append(
                f"{where}: KEPUTUSAN '{d.keputusan}' tidak dikenal; isi BARU, SAMA, "
                "PERBAIKAN atau TOLAK."
            )
            continue
        if decision in NEEDS_CANDIDATE and not _cell(d.kandidat):
            errors.append(f"{where}: {decision} butuh kandidat DTKS, baris ini tidak punya.")
            continue
        why = _cell(d.alasan)
        if decision == "TOLAK" and not why:
            errors.append(f"{where}: TOLAK wajib disertai ALASAN.")
            continue
        todo.append((key, decision, why))
    if errors:
        raise ReviewRefused(
            f"{refused}, tidak ada keputusan yang diterapkan:\n- " + "\n- ".join(errors)
        )
    now = dt.datetime.now()
    fresh = [
        t
        for t in todo
        if not (
            t[0] in current.index
            and current.loc[t[0], "keputusan"] == t[1]
            and current.loc[t[0], "alasan"] == t[2]
        )
    ]

    def record() -> None:
        for key, decision, why in fresh:
            s = stored.loc[key]
            store.run(
                "INSERT INTO review_decision (period, row_id, keputusan, alasan, outcome, "
                "petugas, applied_at, source_file, file_sha256, row_key, matched_id_dtks) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    period,
                    int(s["row_id"]),
                    decision,
                    why or None,
                    DECISIONS[decision],
                    petugas.strip(),
                    now,
                    source,
                    digest,
                    key,
                    None if pd.isna(s["matched_id_dtks"]) else s["matched_id_dtks"],
                ],
            )

    if home is None:
        with store.transaction():
            record()
    else:
        from pipelines.publish import rewriting

        with rewriting(store, home, period):
            record()
    left = store.one(
        "SELECT count(*) FROM prelist_final WHERE period = ? AND outcome = ?",
        [period, Outcome.PERLU_VERIFIKASI],
    )[0]
    return Applied(len(fresh), len(todo) - len(fresh), int(left))
