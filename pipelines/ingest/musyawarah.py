"""A berita acara musyawarah kelurahan/desa: meeting facts and one decision per household."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from pipelines.ingest.layout import Table
from pipelines.normalize import clean_id_value, is_missing, map_unique, parse_date_value

APPROVED = {"SETUJU", "DISETUJUI", "LAYAK", "YA", "DITERIMA", "SETUJUI", "LAYAKDIUSULKAN"}
# decision key -> Indonesian reason shown to the operator
REJECTED = {
    "TIDAKLAYAK": "tidak layak",
    "TIDAKSETUJU": "tidak disetujui",
    "DITOLAK": "ditolak",
    "MAMPU": "dinilai mampu",
    "PINDAH": "sudah pindah",
    "PINDAHDOMISILI": "sudah pindah",
    "TIDAKDITEMUKAN": "tidak ditemukan",
    "MENINGGAL": "meninggal dunia",
    "MENINGGALDUNIA": "meninggal dunia",
    "TIDAK": "tidak disetujui",
}
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


def decision_key(v: Any) -> str:
    return re.sub(r"[^A-Z]", "", str(v).upper()) if not is_missing(v) else ""


def read_decision(v: Any) -> tuple[bool | None, str]:
    """(approved?, reason) for a decision cell; None when the decision is not understood."""
    key = decision_key(v)
    if key in APPROVED:
        return True, ""
    if key in REJECTED:
        return False, REJECTED[key]
    return None, ""


def parse(table: Table, rel: str) -> tuple[dict, pd.DataFrame]:
    """Meeting facts from the rows around the table, and the decision rows."""
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
    kk, kk_problem = map_unique(
        df.get("no_kk", pd.Series([None] * len(df), dtype=object)), clean_id_value
    )
    decisions = [read_decision(v) for v in df.get("keputusan", pd.Series([None] * len(df)))]
    out = pd.DataFrame(
        {
            "no_kk": kk,
            "no_kk_problem": kk_problem,
            "nama_kepala_keluarga": df.get("nama_kepala_keluarga", pd.Series([None] * len(df))).map(
                lambda v: None if is_missing(v) else " ".join(str(v).split())
            ),
            "keputusan_asli": df.get("keputusan", pd.Series([None] * len(df))).map(
                lambda v: None if is_missing(v) else str(v).strip()
            ),
            "disetujui": [d[0] for d in decisions],
            "alasan": [d[1] for d in decisions],
            "source_row": df["source_row"],
        }
    )
    out["source_file"] = rel
    out["source_sheet"] = table.grid.sheet
    return meeting, out


def _meta_value(key: str, raw: str) -> Any:
    if key == "tanggal":
        d, _ = parse_date_value(_DAY_NAMES.sub("", raw))
        return d
    if key == "jumlah_peserta":
        m = re.search(r"\d+", raw)
        return int(m.group()) if m else None
    return raw
