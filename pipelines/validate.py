"""Normalise a prelist batch and check every rule; collect problems, never raise on bad rows.

Problems are rows of (row_id, column, code); reasons.py turns codes into Indonesian text.
A value the normaliser could not read is set to empty and its problem recorded first, so the
operator is told "tanggal tidak dapat dibaca", not merely "tanggal kosong".
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from pipelines import normalize as nz
from pipelines.reasons import message
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
# column-wise fast paths for the clean, common spellings (normalize.map_unique)
FAST = {"nik": nz.fast_id, "no_kk": nz.fast_id, "tanggal_lahir": nz.fast_date,
        **dict.fromkeys(["nama", "tempat_lahir", "nama_ibu_kandung", "pekerjaan", "alamat"],
                        nz.fast_text)}  # fmt: skip
NORMALISERS = {
    "nik": nz.clean_id_value, "no_kk": nz.clean_id_value,
    "nama": nz.text_value, "tempat_lahir": nz.text_value, "nama_ibu_kandung": nz.text_value,
    "pekerjaan": nz.text_value, "alamat": nz.text_value,
    "tanggal_lahir": nz.parse_date_value, "jenis_kelamin": nz.parse_sex,
    "hubungan_keluarga": nz.parse_relationship, "status_kawin": nz.parse_marital,
    "rt": nz.rt_rw_value, "rw": nz.rt_rw_value, "kode_wilayah": nz.region_value,
}  # fmt: skip
PROBLEM_COLUMNS = ["row_id", "column", "code"]
# pandera's built-in check names -> our reason codes
_BUILTIN = {"not_nullable": "kosong", "str_matches": "id_16_digit", "isin": None}
_ISIN_CODES = {
    "jenis_kelamin": "jk_tidak_dikenali",
    "hubungan_keluarga": "hubungan_tidak_dikenali",
    "status_kawin": "status_kawin_tidak_dikenali",
}


def prepare(raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Raw cells (with row_id, source_*, folder_kode) -> normalised frame and problems."""
    out = raw[["row_id", "source_file", "source_sheet", "source_row"]].copy()
    problems = []
    for col, fn in NORMALISERS.items():
        if col in raw.columns:
            values, codes = nz.map_unique(raw[col], fn, FAST.get(col))
            bad = codes.notna()
            if bad.any():
                problems.append(
                    pd.DataFrame(
                        {"row_id": raw.loc[bad, "row_id"], "column": col, "code": codes[bad]}
                    )
                )
        else:
            values = pd.Series([None] * len(raw), index=raw.index, dtype=object)
        out[col] = values
    # the folder's kode wilayah stands in when the file has no KODE WILAYAH column
    out["kode_wilayah"] = out["kode_wilayah"].where(out["kode_wilayah"].notna(), raw["folder_kode"])
    out["tanggal_lahir"] = pd.to_datetime(out["tanggal_lahir"], errors="coerce").astype(
        "datetime64[us]"
    )
    for col in out.columns:
        if col not in ("row_id", "source_row", "tanggal_lahir"):
            out[col] = nz.to_str(out[col].to_numpy(dtype=object)).set_axis(out.index)
    out["row_id"] = out["row_id"].astype("int64")
    out["source_row"] = out["source_row"].astype("int64")
    out["nama_key"] = nz.squeeze_spaces(out["nama"].str.upper())
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
            pd.DataFrame(
                {
                    "row_id": clean.loc[outside, "row_id"],
                    "column": "kode_wilayah",
                    "code": "wilayah_bukan_dinas",
                }
            )
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
    base = fc["check"].astype(str).str.split("(", n=1).str[0]  # "str_matches('^\\d{16}$')"
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
    duplicate, not a household with two heads.
    """
    df = clean[clean["no_kk"].notna()].drop_duplicates(["no_kk", "nik"])
    heads = df[df["hubungan_keluarga"] == "KEPALA KELUARGA"]
    n_heads = heads.groupby("no_kk").size()
    all_kk = clean[clean["no_kk"].notna()]
    counts = all_kk["no_kk"].map(n_heads).fillna(0)
    out = [
        pd.DataFrame(
            {
                "row_id": all_kk.loc[counts == 0, "row_id"],
                "column": "hubungan_keluarga",
                "code": "kk_tanpa_kepala",
            }
        ),
        pd.DataFrame(
            {
                "row_id": all_kk.loc[counts > 1, "row_id"],
                "column": "hubungan_keluarga",
                "code": "kk_kepala_ganda",
            }
        ),
    ]
    single = heads[heads["no_kk"].map(n_heads) == 1].set_index("no_kk")
    head_sex = all_kk["no_kk"].map(single["jenis_kelamin"])
    head_born = all_kk["no_kk"].map(single["tanggal_lahir"])
    rel = all_kk["hubungan_keluarga"]
    spouse_bad = rel.isin(["ISTRI", "SUAMI"]) & (all_kk["jenis_kelamin"] == head_sex)
    child_bad = (rel == "ANAK") & (all_kk["tanggal_lahir"] <= head_born)
    out.append(
        pd.DataFrame(
            {
                "row_id": all_kk.loc[spouse_bad.fillna(False), "row_id"],
                "column": "jenis_kelamin",
                "code": "pasangan_jenis_kelamin",
            }
        )
    )
    out.append(
        pd.DataFrame(
            {
                "row_id": all_kk.loc[child_bad.fillna(False), "row_id"],
                "column": "tanggal_lahir",
                "code": "anak_lebih_tua",
            }
        )
    )
    return _frame(out)


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
