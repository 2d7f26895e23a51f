"""Normalise a prelist batch and check every rule; collect problems, never raise on bad rows.

Problems are rows of (row_id, column, code); reasons.py turns codes into Indonesian text.
A value the normaliser could not read is set to empty and its problem recorded first, so the
operator is told "tanggal tidak dapat dibaca", not merely "tanggal kosong".
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

from pipelines import normalize as nz
from pipelines.reasons import message
from pipelines.sanitize import guarded_fast_text, guarded_text
from schemas.prelist import PrelistClean, PrelistRaw

PERSON_COLUMNS = [
    "nik",
    "no_kk",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "hubungan_keluarga",
    "nama_ibu_kandung",
    "status_kawin",
    "pekerjaan",
    "alamat",
    "rt",
    "rw",
]
# column-wise fast paths for the clean, common spellings (normalize.normalise_column)
FAST = {"nik": nz.fast_id, "no_kk": nz.fast_id, "tanggal_lahir": nz.fast_date,
        **dict.fromkeys(["nama", "tempat_lahir", "nama_ibu_kandung", "pekerjaan", "alamat"],
                        guarded_fast_text)}  # fmt: skip
NORMALISERS = {
    "nik": nz.clean_id_value, "no_kk": nz.clean_id_value,
    # names and addresses: a control character or a formula-like start is flagged (sanitize)
    "nama": guarded_text, "tempat_lahir": guarded_text, "nama_ibu_kandung": guarded_text,
    "pekerjaan": guarded_text, "alamat": guarded_text,
    "tanggal_lahir": nz.parse_date_value, "jenis_kelamin": nz.parse_sex,
    "hubungan_keluarga": nz.parse_relationship, "status_kawin": nz.parse_marital,
    "rt": nz.rt_rw_value, "rw": nz.rt_rw_value, "kode_wilayah": nz.region_value,
}  # fmt: skip
DATE_COLUMNS = {"tanggal_lahir"}
PROBLEM_COLUMNS = ["row_id", "column", "code"]
# pandera's built-in check names -> our reason codes
_BUILTIN = {"not_nullable": "kosong", "isin": None}
_ISIN_CODES = {
    "jenis_kelamin": "jk_tidak_dikenali",
    "hubungan_keluarga": "hubungan_tidak_dikenali",
    "status_kawin": "status_kawin_tidak_dikenali",
}


def out_type(col: str) -> pyarrow.DataType:
    """The Arrow type a prelist column is normalised to."""
    return nz.DATE if col in DATE_COLUMNS else nz.TEXT


def normalise(col: str, values: pd.Series | np.ndarray) -> tuple[pyarrow.Array, nz.Problems]:
    """One prelist column through its normaliser, with its fast paths."""
    date = col in DATE_COLUMNS
    return nz.normalise_column(
        values, NORMALISERS[col], FAST.get(col), out_type(col), nz.fast_date_cells if date else None
    )


def prepare(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw cells (with row_id, source_*, folder_kode) -> normalised frame and problems."""
    n = len(raw)
    columns: dict[str, pyarrow.Array] = {}
    problems = []
    for col in NORMALISERS:
        if col not in raw.columns:
            columns[col] = pyarrow.nulls(n, out_type(col))
            continue
        columns[col], bad = normalise(col, raw[col])
        problems.append(_problem(raw["row_id"].to_numpy()[bad.rows], col, bad.codes))
    # the folder's kode wilayah stands in when the file has no KODE WILAYAH column
    columns["kode_wilayah"] = pc.coalesce(
        columns["kode_wilayah"], nz.arrow_text(raw["folder_kode"])
    )
    out = pd.DataFrame(
        {
            "row_id": raw["row_id"].to_numpy(dtype="int64"),
            "source_file": nz.series(nz.arrow_text(raw["source_file"])),
            "source_sheet": nz.series(nz.arrow_text(raw["source_sheet"])),
            "source_row": raw["source_row"].to_numpy(dtype="int64"),
            **{col: nz.series(columns[col]) for col in NORMALISERS},
            "nama_key": nz.series(pc.utf8_upper(columns["nama"])),
        }
    ).set_axis(raw.index)
    PrelistRaw.validate(out)
    return out, _frame(problems)


def check_rules(clean: pd.DataFrame, dinas_kabkota: str | None) -> pd.DataFrame:
    """Problems found by the clean schema, the Dinas's region and the household checks."""
    problems = []
    try:
        PrelistClean.validate(clean, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems.append(_from_failure_cases(exc.failure_cases, clean))
    if dinas_kabkota:
        outside = clean["kode_wilayah"].notna() & ~clean["kode_wilayah"].str.startswith(
            dinas_kabkota
        ).fillna(False)
        problems.append(
            _problem(clean.loc[outside, "row_id"].to_numpy(), "kode_wilayah", "wilayah_bukan_dinas")
        )
    problems.append(household_problems(clean))
    return _frame(problems)


def _from_failure_cases(fc: pd.DataFrame, clean: pd.DataFrame) -> pd.DataFrame:
    broken = fc[fc["index"].isna()]
    if len(broken):  # a check that crashed reports no row: never let that pass silently
        raise RuntimeError(
            f"schema check failed to run: {broken[['column', 'check']].to_dict('records')}"
        )
    fc = fc.copy()
    base = fc["check"].astype(str).str.split("(", n=1).str[0]  # "isin(['L', 'P'])"
    fc["code"] = [
        _ISIN_CODES.get(col, "nilai_tidak_dikenali") if chk == "isin" else _BUILTIN.get(chk, chk)
        for col, chk in zip(fc["column"], base, strict=True)
    ]
    # a dataframe-level check names no column (or every column): blame it on the NIK
    df_level = fc["schema_context"] == "DataFrameSchema"
    fc.loc[df_level, "column"] = "nik"
    fc = fc.drop_duplicates(["index", "column", "code"])
    row_ids = clean["row_id"].to_numpy()
    return pd.DataFrame(
        {
            "row_id": row_ids[fc["index"].astype(int).to_numpy()],
            "column": fc["column"].to_numpy(),
            "code": fc["code"].to_numpy(),
        }
    )


def household_problems(clean: pd.DataFrame) -> pd.DataFrame:
    """Per No KK in the batch: exactly one head; spouse of the other sex; children younger.

    Each person counts once per household, so the same household proposed twice is a batch
    duplicate, not a household with two heads. Done on integer codes: a million rows take
    a fraction of a second.
    """
    kk, _ = pd.factorize(clean["no_kk"], use_na_sentinel=True)
    rel = clean["hubungan_keluarga"]
    in_kk = kk >= 0
    head = np.flatnonzero(in_kk & (rel == "KEPALA KELUARGA").to_numpy(dtype=bool))
    # the first row of each distinct (KK, NIK) head counts; empty NIKs count as one
    nik, nik_uniques = pd.factorize(clean["nik"].iloc[head], use_na_sentinel=False)
    _, first = np.unique(
        kk[head].astype(np.int64) * (len(nik_uniques) + 1) + nik, return_index=True
    )
    head_rows = head[first]
    n_heads = np.bincount(kk[head_rows], minlength=kk.max() + 1 if len(kk) else 0)
    counts = np.where(in_kk, n_heads[np.maximum(kk, 0)] if len(n_heads) else 0, -1)
    row_id = clean["row_id"].to_numpy()
    out = [
        _problem(row_id[counts == 0], "hubungan_keluarga", "kk_tanpa_kepala"),
        _problem(row_id[counts > 1], "hubungan_keluarga", "kk_kepala_ganda"),
    ]
    # the one head of each household: its row, per KK (-1 where none or several)
    the_head = np.full(len(n_heads), -1, dtype=np.int64)
    single = head_rows[n_heads[kk[head_rows]] == 1]
    the_head[kk[single]] = single
    mine = np.where(in_kk, the_head[np.maximum(kk, 0)] if len(the_head) else -1, -1)
    has_head = mine >= 0
    female = (clean["jenis_kelamin"] == "P").to_numpy(dtype=bool)
    male = (clean["jenis_kelamin"] == "L").to_numpy(dtype=bool)
    spouse = rel.isin(["ISTRI", "SUAMI"]).to_numpy(dtype=bool) & has_head
    head_at = np.maximum(mine, 0)
    same_sex = (female & female[head_at]) | (male & male[head_at])
    out.append(_problem(row_id[spouse & same_sex], "jenis_kelamin", "pasangan_jenis_kelamin"))
    born = clean["tanggal_lahir"].to_numpy(dtype="datetime64[us]")
    child = (rel == "ANAK").to_numpy(dtype=bool) & has_head
    older = ~np.isnat(born) & ~np.isnat(born[head_at]) & (born <= born[head_at])
    out.append(_problem(row_id[child & older], "tanggal_lahir", "anak_lebih_tua"))
    return _frame(out)


def _problem(row_ids: np.ndarray, column: str, code: str | np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"row_id": row_ids, "column": column, "code": code})


def reasons_by_row(problems: pd.DataFrame) -> pd.Series:
    """row_id -> '; '-joined Indonesian reasons, one per column (the first problem wins)."""
    if problems.empty:
        return pd.Series(dtype="str")
    first = problems.drop_duplicates(["row_id", "column"], keep="first")
    text = [message(code, col) for code, col in zip(first["code"], first["column"], strict=True)]
    return pd.Series(text, index=first["row_id"].to_numpy()).groupby(level=0).agg("; ".join)


def columns_by_row(problems: pd.DataFrame) -> pd.Series:
    """row_id -> ','-joined canonical columns with a problem (for highlighting cells)."""
    if problems.empty:
        return pd.Series(dtype="str")
    uniq = problems.drop_duplicates(["row_id", "column"])
    return uniq.groupby("row_id")["column"].agg(",".join)


def _frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in PROBLEM_COLUMNS})
    return pd.concat(parts, ignore_index=True)[PROBLEM_COLUMNS]
