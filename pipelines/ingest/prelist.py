"""A prelist table as the later stages want it: raw cells by field, relationship numbers read
in the file's scheme, and what the supervisor should know about the file (file problems and
the column mapping used)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipelines.ingest import schemes
from pipelines.ingest.layout import PERSON_FIELDS, Table, column_letter, label

# columns without which a row cannot be judged: their absence is a file problem
NEEDED = PERSON_FIELDS


@dataclass
class PrelistRead:
    """One prelist table read: its rows, file problems, the mapping used."""

    frame: pd.DataFrame
    problems: list[str] = field(default_factory=list)
    mapping: list[dict[str, str]] = field(default_factory=list)


def read(table: Table, rel: str, default_scheme: str) -> PrelistRead:
    """Rows with source columns, numbers of HUBUNGAN KELUARGA read in the file's scheme,
    `missing_columns` naming the needed fields the file lacks (each is one file problem)."""
    df = table.frame()
    df["source_file"] = rel
    df["source_sheet"] = table.grid.sheet
    out = PrelistRead(df)
    missing = [f for f in NEEDED if f not in df.columns]
    df["missing_columns"] = ",".join(missing) if missing else None
    if missing:
        out.problems.append(_missing_message(table, missing, len(df)))
    choice = None
    if "hubungan_keluarga" in df.columns:
        col = next(c for c, f in table.columns.items() if f == "hubungan_keluarga")
        around = " ".join(
            " ".join(str(c) for c in r if c is not None)
            for r in [*table.grid.rows[: table.header_index], *_rows_after(table)]
        )
        choice = schemes.choose(df, table.headers[col], around, default_scheme)
        if choice is not None:
            df["hubungan_keluarga"] = schemes.apply(df["hubungan_keluarga"], choice.scheme)
            if choice.warn:
                out.problems.append(
                    "Peringatan: kolom HUBUNGAN KELUARGA berisi kode angka yang skemanya tidak "
                    f"dapat dipastikan (petunjuk DTKS {choice.votes[0]}, Dukcapil "
                    f"{choice.votes[1]}); dibaca dengan skema bawaan Dinas {schemes.NAMES[choice.scheme]}: "
                    f"{choice.legend()}. Bila salah, tulis HUBUNGAN KELUARGA dengan kata (ANAK, "
                    "ISTRI, ...) atau beri keterangan kode pada judul kolom (mis. 'SHDK (KODE "
                    "DUKCAPIL)'), lalu jalankan finalisasi lagi."
                )
    out.mapping = table.mapping()
    if choice is not None:
        for m in out.mapping:
            if m["dibaca_sebagai"] == label("hubungan_keluarga"):
                m["catatan"] = "; ".join(x for x in (m["catatan"], choice.note()) if x)
                m["periksa"] = "ya" if choice.how in ("bawaan", "isi") else m.get("periksa", "")
    return out


def _rows_after(table: Table) -> list[list]:
    last = int(table.data_index[-1]) + 1 if len(table.data_index) else 0
    return table.grid.rows[table.header_index + 1 + last :][:30]


def _missing_message(table: Table, missing: list[str], rows: int) -> str:
    names = ", ".join(label(f) for f in missing)
    headers = ", ".join(
        f"{column_letter(c)} '{' '.join(h.split())}'"
        for c, h in enumerate(table.headers)
        if h.strip()
    )
    return (
        f"Kolom {names} tidak ditemukan: judul kolomnya tidak dikenali dan isinya tidak dapat "
        f"ditebak (judul kolom berkas ini: {headers or 'tidak ada'}). Semua {rows} baris berkas ini "
        "dikembalikan (ditolak_validasi) dengan alasan yang sama. Beri judul kolom yang baku "
        f"({names}) lalu kirim ulang berkasnya."
    )
