"""A berita acara musyawarah kelurahan/desa: meeting facts and one decision per household.

A decision row is keyed by the No KK, by the head's NIK, by a 16-digit number that may be
either (kunci_id: matched against both), or by the head's name with the RT; approval.py
matches the keys to the prelist's households. The decision words are in decisions.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.ingest.decisions import ACCEPTED_WORDS, decision_key, read_decision
from pipelines.ingest.layout import Table, column_letter
from pipelines.normalize.columns import TEXT, Fast, cell_types, map_unique
from pipelines.normalize.fast import fast_id, fast_text
from pipelines.normalize.values import clean_id_value, is_missing, parse_date_value, rt_rw_value

DECISION_COLUMNS = [
    "no_kk", "no_kk_problem", "nik_kepala", "kunci_id", "nama_kepala_keluarga", "rt",
    "keputusan_asli", "disetujui", "alasan_kode", "alasan", "source_row", "source_file",
    "source_sheet",
]  # fmt: skip
_META = {
    "tanggal": re.compile(r"^(?:HARI\s*/\s*)?TANGGAL(?:\s+MUSYAWARAH)?\s*:?\s*(.+)$", re.I),
    "tempat": re.compile(r"^TEMPAT(?:\s+MUSYAWARAH)?\s*:?\s*(.+)$", re.I),
    "pimpinan": re.compile(
        r"^(?:PIMPINAN(?:\s+RAPAT|\s+MUSYAWARAH)?|KETUA|DIPIMPIN\s+OLEH)\s*:?\s*(.+)$", re.I
    ),
    "jumlah_peserta": re.compile(
        r"^(?:JUMLAH\s+(?:PESERTA|YANG\s+HADIR|HADIR)|PESERTA)\s*:?\s*(.+)$", re.I
    ),
}
_DAY_NAMES = re.compile(r"^(SENIN|SELASA|RABU|KAMIS|JUMAT|JUM'AT|SABTU|MINGGU)\s*,?\s*", re.I)


@dataclass
class Parsed:
    """A berita acara read: meeting facts, decision rows, file problems (Indonesian)."""

    meeting: dict
    decisions: pd.DataFrame
    problems: list[str]
    usable: bool  # False: no decision column, or no key to find the households by


def parse(table: Table, rel: str) -> Parsed:
    """Meeting facts from the rows around the table, the decision rows, and file-level
    problems: a decision column or a key that cannot be found (the file is then not
    usable), or decisions most of which are not understood."""
    meeting: dict[str, Any] = {
        "source_file": rel,
        "source_sheet": table.grid.sheet,
        "tanggal": None,
        "tempat": None,
        "pimpinan": None,
        "jumlah_peserta": None,
    }
    last = int(table.data_index[-1]) + 1 if len(table.data_index) else 0
    outside = (
        table.grid.rows[: table.header_index] + table.grid.rows[table.header_index + 1 + last :]
    )
    for row in outside:
        text = " ".join(str(c).strip() for c in row if not is_missing(c))
        text = re.sub(r"\s*:\s*", " : ", text).strip()
        for key, pattern in _META.items():
            m = pattern.match(text)
            if m and meeting[key] is None:
                meeting[key] = _meta_value(key, m.group(1).strip(" :"))
    df = table.frame()
    n = len(df)
    blank = pd.Series([None] * n, index=df.index, dtype=object)
    col = lambda name: df[name] if name in df.columns else blank  # noqa: E731
    kk, kk_problem = map_unique(col("no_kk"), clean_id_value, fast=fast_id)
    head_nik = col("nik_kepala_keluarga") if "nik_kepala_keluarga" in df else col("nik")
    if table.kind == "prelist":  # decisions on every member's row: the card is the key
        head_nik = blank
    nik, _ = map_unique(head_nik, clean_id_value, fast=fast_id)
    key, _ = map_unique(col("kunci_id"), clean_id_value, fast=fast_id)
    names = col("nama_kepala_keluarga") if "nama_kepala_keluarga" in df else col("nama")
    if table.kind == "prelist":
        names = blank
    rt, _ = map_unique(col("rt"), rt_rw_value)
    raw = col("keputusan")
    ids, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=True)
    lookup = [read_decision(v) for v in uniques] + [(None, "", "")]  # id -1: an empty cell
    decided = [lookup[i] for i in ids]
    out = pd.DataFrame(
        {
            "no_kk": kk,
            "no_kk_problem": kk_problem,
            "nik_kepala": nik,
            "kunci_id": key,
            "nama_kepala_keluarga": by_text(names, _spaced, fast_text),
            "rt": rt,
            "keputusan_asli": by_text(raw, _stripped),
            "disetujui": pd.Series([d[0] for d in decided], index=df.index, dtype=object),
            "alasan_kode": [d[1] for d in decided],
            "alasan": [d[2] for d in decided],
            "source_row": df["source_row"],
        }
    )
    out["source_file"] = rel
    out["source_sheet"] = table.grid.sheet
    problems, usable = _file_problems(table, out)
    return Parsed(meeting, out[DECISION_COLUMNS], problems, usable)


def _spaced(v: Any) -> str | None:
    return None if is_missing(v) else " ".join(str(v).split())


def _stripped(v: Any) -> str | None:
    return None if is_missing(v) else str(v).strip()


def by_text(cells: pd.Series, fn: Callable[[Any], Any], fast: Fast | None = None) -> pd.Series:
    """fn of every cell, as cells.map(fn) gives it: text cells settled by `fast` (Arrow,
    null where it leaves a spelling to fn) or by fn once per distinct text (a berita acara
    repeats its words); empty cells (None) and the few cells of other types (numbers, dates)
    one by one, so 1 and 1.0 or True stay apart."""
    values = cells.to_numpy(dtype=object)
    out = np.full(len(values), fn(None), dtype=object)
    kinds = cell_types(values)
    text = np.flatnonzero(np.equal(kinds, np.asarray(str, dtype=object)))
    if len(text) and fast is not None:
        got = fast(pa.array(values[text], type=TEXT))
        settled = got.is_valid().to_numpy(zero_copy_only=False)
        out[text[settled]] = got.filter(settled).to_numpy(zero_copy_only=False)
        text = text[~settled]
    if len(text):
        ids, uniques = pd.factorize(values[text])
        done = np.empty(len(uniques), dtype=object)
        done[:] = [fn(u) for u in uniques]
        out[text] = done[ids]
    none = np.asarray(type(None), dtype=object)
    other = np.flatnonzero(np.not_equal(kinds, np.asarray(str, dtype=object)) & (kinds != none))
    out[other] = [fn(v) for v in values[other]]
    return pd.Series(out.tolist(), index=cells.index)


def _file_problems(table: Table, out: pd.DataFrame) -> tuple[list[str], bool]:
    """One message per fault of the whole berita acara, never one per row."""
    fields = set(table.columns.values())
    headers = ", ".join(
        f"{column_letter(c)} '{h.strip()}'" for c, h in enumerate(table.headers) if h.strip()
    )
    problems = []
    usable = True
    if "keputusan" not in fields:
        usable = False
        problems.append(
            "Berita acara ini tidak memiliki kolom KEPUTUSAN yang dapat dikenali (judul "
            f"kolomnya: {headers or 'tidak ada'}; tidak ada kolom yang isinya kata keputusan). "
            "Keputusan keluarga di kelurahan ini belum dapat dibaca: beri judul KEPUTUSAN pada "
            f"kolom keputusan dan isi tiap baris dengan {ACCEPTED_WORDS}, lalu kirim ulang."
        )
    keys = {"no_kk", "nik", "nik_kepala_keluarga", "kunci_id"}
    by_name = ({"nama_kepala_keluarga", "nama"} & fields) and "rt" in fields
    if not fields & keys and not by_name:
        usable = False
        problems.append(
            "Berita acara ini tidak memiliki kolom NO KK, NIK kepala keluarga, atau NAMA KEPALA "
            f"KELUARGA bersama RT (judul kolomnya: {headers or 'tidak ada'}), sehingga "
            "keputusannya tidak dapat dicocokkan dengan keluarga di prelist. Tambahkan kolom "
            "NO KK (disarankan), lalu kirim ulang."
        )
    if "keputusan" in fields and len(out) >= 3:
        unknown = out[out["disetujui"].isna() & out["keputusan_asli"].notna()]
        if len(unknown) * 2 > len(out):
            seen = sorted({decision_key(v) and str(v).strip() for v in unknown["keputusan_asli"]})
            problems.append(
                f"Sebagian besar keputusan di berita acara ini ({len(unknown)} dari {len(out)} "
                f"baris) tidak dikenali, mis. {', '.join(repr(v) for v in seen[:5])}. "
                f"Tulis keputusan dengan salah satu kata: {ACCEPTED_WORDS}."
            )
    return problems, usable


def _meta_value(key: str, raw: str) -> Any:
    if key == "tanggal":
        d, _ = parse_date_value(_DAY_NAMES.sub("", raw))
        return d
    if key == "jumlah_peserta":
        m = re.search(r"\d+", raw)
        return int(m.group()) if m else None
    return raw
