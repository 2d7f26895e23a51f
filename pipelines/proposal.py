"""The optional fields of a complete proposal row (issue 17 item 4).

SIKS-NG's proposal form asks, beside the identity: disability, the programmes proposed with
eligibility and reason, references to the attachments, region names and the dusun. A
kelurahan file may carry them; when it does not, or a cell is empty or unreadable, the row is
still proposed and a note says what is missing: these fields are never a reason to reject.

- `dusun` (DUSUN, LINGKUNGAN, ...): text.
- `jenis_disabilitas`: the kinds of UU 8/2016 Pasal 4 (FISIK, INTELEKTUAL, MENTAL, SENSORIK;
  GANDA for more than one) or TIDAK ADA; the old words (TUNA DAKSA, TUNA NETRA, ...) are read
  as their kind.
- `usul_pkh`, `usul_sembako`, `usul_pbi`: LAYAK (proposed, judged eligible) or TIDAK LAYAK;
  empty means not proposed for it. `alasan_usul`: the reason, text.
- `lampiran`: the attachments found in the folder for the row (KTP by NIK; KK, SKTM, house
  photos by No KK; the scanned berita acara of the kelurahan), each with its SHA-256.
Region names are not read: they come from the Kemendagri list at export (export/siksng.py).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pipelines.normalize.values import is_missing

FIELDS = ["dusun", "jenis_disabilitas", "usul_pkh", "usul_sembako", "usul_pbi", "alasan_usul",
          "lampiran"]  # fmt: skip
PROGRAMMES = {"usul_pkh": "PKH", "usul_sembako": "BPNT/SEMBAKO", "usul_pbi": "PBI-JK"}
LABELS = {"dusun": "DUSUN", "jenis_disabilitas": "JENIS DISABILITAS", "usul_pkh": "USUL PKH",
          "usul_sembako": "USUL BPNT/SEMBAKO", "usul_pbi": "USUL PBI-JK",
          "alasan_usul": "ALASAN USUL"}  # fmt: skip

# UU 8/2016 tentang Penyandang Disabilitas, Pasal 4: ragam penyandang disabilitas
DISABILITY = {
    **dict.fromkeys(["TIDAKADA", "TIDAK", "BUKAN", "NORMAL", "0", "NON", "NONDISABILITAS"],
                    "TIDAK ADA"),
    **dict.fromkeys(["FISIK", "DISABILITASFISIK", "TUNADAKSA", "DAKSA", "LUMPUH", "AMPUTASI",
                     "CACATFISIK", "CACATTUBUH"], "FISIK"),
    **dict.fromkeys(["INTELEKTUAL", "DISABILITASINTELEKTUAL", "TUNAGRAHITA", "GRAHITA",
                     "DOWNSYNDROME", "LAMBATBELAJAR"], "INTELEKTUAL"),
    **dict.fromkeys(["MENTAL", "DISABILITASMENTAL", "PSIKOSOSIAL", "ODGJ", "GANGGUANJIWA",
                     "AUTIS", "SKIZOFRENIA", "BIPOLAR", "TUNALARAS"], "MENTAL"),
    **dict.fromkeys(["SENSORIK", "DISABILITASSENSORIK", "TUNANETRA", "NETRA", "TUNARUNGU",
                     "RUNGU", "TUNAWICARA", "WICARA", "TUNARUNGUWICARA", "BUTA", "TULI",
                     "BISU"], "SENSORIK"),
    **dict.fromkeys(["GANDA", "MULTI", "DISABILITASGANDA", "GANDAMULTI", "DISABILITASGANDAMULTI",
                     "CACATGANDA"], "GANDA"),
}  # fmt: skip
PROGRAMME = {
    **dict.fromkeys(["LAYAK", "YA", "Y", "1", "V", "USUL", "DIUSULKAN", "ADA"], "LAYAK"),
    **dict.fromkeys(["TIDAKLAYAK", "TIDAK", "T", "0", "TL", "TDKLAYAK", "TDK"], "TIDAK LAYAK"),
}

MISSING_NOTE = "Catatan data usulan belum lengkap (tetap diusulkan): {fields}."
UNREAD_NOTE = "{label} '{value}' tidak dikenali, dikosongkan"


def _key(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return re.sub(r"[^A-Z0-9]", "", str(v).upper())


def _text(v: object) -> str | None:
    if is_missing(v):
        return None
    s = " ".join(str(v.__int__() if isinstance(v, float) and v.is_integer() else v).split())
    return s if s and s != "-" else None


def _by_value(raw: pd.Series, fn) -> pd.Series:
    """FN applied once per distinct cell (a column holds few distinct values)."""
    cells = raw.astype(object).where(raw.notna(), None)
    table = {v: fn(v) for v in pd.unique(cells) if v is not None}
    return cells.map(table).astype(object).where(cells.notna(), None)


def _coded(raw: pd.Series, table: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """Values through TABLE; the cells that were there but unknown (as typed), else None."""

    def code(v):
        text = _text(v)
        return (table.get(_key(v)), None) if text is None or _key(v) in table else (None, text)

    pairs = _by_value(raw, code)
    values = pairs.map(lambda p: None if p is None else p[0]) if len(pairs) else pairs
    bad = pairs.map(lambda p: None if p is None else p[1]) if len(pairs) else pairs
    return values, bad


def read(
    raw: pd.DataFrame, clean: pd.DataFrame, files: pd.DataFrame, scans: pd.DataFrame
) -> pd.DataFrame:
    """The optional proposal fields of each prelist row (index row_id), and a `catatan`.

    RAW: the batch's raw cells (the optional columns when a file has them); CLEAN: the same
    rows normalised (row_id, folder_kode, nik, no_kk). FILES: attachments
    (ingest/attachments.py). SCANS: scanned berita acara (ingest/evidence.py). `catatan`
    names what is missing or unreadable; None when the row is complete.
    """
    idx = pd.Index(clean["row_id"].to_numpy(), name="row_id")
    out = pd.DataFrame(index=idx, columns=FIELDS, dtype=object)
    unread = pd.Series("", index=idx, dtype=object)
    for col in ("dusun", "alasan_usul"):
        if col in raw.columns:
            out[col] = _by_value(raw[col], _text).to_numpy()
    coded = [("jenis_disabilitas", DISABILITY)] + [(c, PROGRAMME) for c in PROGRAMMES]
    for col, table in coded:
        if col in raw.columns:
            values, bad = _coded(raw[col], table)
            out[col] = values.to_numpy()
            said = bad.map(lambda v, c=col: "" if v is None else UNREAD_NOTE.format(
                label=LABELS[c], value=v))  # fmt: skip
            unread = unread.str.cat(said.to_numpy(), sep="; ").str.strip("; ")
    refs, kinds = _attachments(clean, files, scans)
    out["lampiran"] = refs.to_numpy()

    missing = {
        "dusun": out["dusun"].isna(),
        "jenis disabilitas": out["jenis_disabilitas"].isna(),
        "program usulan (PKH, BPNT/SEMBAKO, PBI-JK)": out[list(PROGRAMMES)].isna().all(axis=1),
        "lampiran KTP": ~kinds["KTP"],
        "lampiran KK": ~kinds["KK"],
        "foto rumah": ~kinds["FOTO RUMAH"],
    }
    mask = sum(m.to_numpy(dtype="int64") << i for i, m in enumerate(missing.values()))
    names = list(missing)
    listed = pd.Series(mask, index=idx).map(
        {m: ", ".join(n for i, n in enumerate(names) if m >> i & 1) for m in set(mask)}
    )
    parts = listed.str.cat(unread, sep="; ").str.strip("; ")
    out["catatan"] = missing_notes(parts)
    return out.astype(object).where(out.notna(), None)


def missing_notes(parts: pd.Series) -> np.ndarray:
    """MISSING_NOTE of each row's '; '-joined list of what is missing (None where nothing
    is): formatted once per distinct list (a handful), not once per row."""
    ids, lists = pd.factorize(parts, use_na_sentinel=False)
    notes = np.array([MISSING_NOTE.format(fields=t) if t else None for t in lists], dtype=object)
    return notes[ids]


def _attachments(
    clean: pd.DataFrame, files: pd.DataFrame, scans: pd.DataFrame
) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Per row 'KTP: KTP_...jpg (sha256 ...); FOTO RUMAH: ...; BA: ...' (None when none),
    and per kind whether the row has one: KTP by NIK, KK, SKTM and photos by No KK or NIK."""
    from pipelines.ingest.attachments import ORDER

    idx = pd.Index(clean["row_id"].to_numpy(), name="row_id")
    kinds = {name: pd.Series(False, index=idx) for name in ORDER}
    refs = pd.Series(None, index=idx, dtype=object)
    if not files.empty:
        f = files.assign(ref=files["source_file"].str.rsplit("/", n=1).str[-1]
                         + " (sha256 " + files["sha256"] + ")")  # fmt: skip
        rows = clean[["row_id", "nik", "no_kk"]]
        hits = pd.concat(
            [
                rows.merge(f[f["jenis"] == "KTP"], left_on="nik", right_on="kunci"),
                rows.merge(f[f["jenis"] != "KTP"], left_on="nik", right_on="kunci"),
                rows.merge(f[f["jenis"] != "KTP"], left_on="no_kk", right_on="kunci"),
            ]
        ).drop_duplicates(["row_id", "source_file"])
        if not hits.empty:
            hits["order"] = hits["jenis"].map({k: i for i, k in enumerate(ORDER)})
            hits = hits.sort_values(["row_id", "order", "source_file"])
            per_kind = hits.groupby(["row_id", "order", "jenis"], sort=True)["ref"].agg(", ".join)
            per_kind = per_kind.reset_index()
            per_kind["text"] = per_kind["jenis"] + ": " + per_kind["ref"]
            refs = per_kind.groupby("row_id")["text"].agg("; ".join).reindex(idx)
            for name in ORDER:
                kinds[name] = idx.isin(per_kind.loc[per_kind["jenis"] == name, "row_id"])
                kinds[name] = pd.Series(kinds[name], index=idx)
    if not scans.empty:
        ba = scans.assign(ref=scans["source_file"].str.rsplit("/", n=1).str[-1]
                          + " (sha256 " + scans["sha256"] + ")")  # fmt: skip
        by_folder = ba.groupby("kode_wilayah")["ref"].agg(", ".join)
        text = clean["folder_kode"].astype(object).map("BA: " + by_folder)
        both = refs.fillna("").astype(str).str.cat(text.fillna("").astype(str).to_numpy(), sep="; ")
        refs = both.str.strip("; ").replace("", None)
    return refs.astype(object).where(refs.notna(), None), kinds
