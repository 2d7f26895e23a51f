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

from pipelines import household
from pipelines import problems as P
from pipelines.normalize.columns import DATE, TEXT, Problems, arrow_text, normalise_column, series
from pipelines.normalize.fast import fast_date, fast_date_cells, fast_id
from pipelines.normalize.values import (
    clean_id_value,
    parse_date_value,
    parse_marital,
    parse_relationship,
    parse_sex,
    region_value,
    rt_rw_value,
)
from pipelines.problems import PROBLEM_COLUMNS, columns_by_row, reasons_by_row
from pipelines.reasons import Reason, UnknownReason
from pipelines.sanitize import guarded_fast_text, guarded_text
from schemas.fields import has_kecamatan_prefix, has_province_prefix, is_16_digits
from schemas.prelist import PrelistClean, PrelistRaw

__all__ = ["PROBLEM_COLUMNS", "check_rules", "columns_by_row", "prepare", "reasons_by_row"]

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
# column-wise fast paths for the clean, common spellings (normalize.columns.normalise_column)
FAST = {"nik": fast_id, "no_kk": fast_id, "tanggal_lahir": fast_date,
        **dict.fromkeys(["nama", "tempat_lahir", "nama_ibu_kandung", "pekerjaan", "alamat"],
                        guarded_fast_text)}  # fmt: skip
NORMALISERS = {
    "nik": clean_id_value, "no_kk": clean_id_value,
    # names and addresses: a control character or a formula-like start is flagged (sanitize)
    "nama": guarded_text, "tempat_lahir": guarded_text, "nama_ibu_kandung": guarded_text,
    "pekerjaan": guarded_text, "alamat": guarded_text,
    "tanggal_lahir": parse_date_value, "jenis_kelamin": parse_sex,
    "hubungan_keluarga": parse_relationship, "status_kawin": parse_marital,
    "rt": rt_rw_value, "rw": rt_rw_value, "kode_wilayah": region_value,
}  # fmt: skip
DATE_COLUMNS = {"tanggal_lahir"}
# pandera's built-in check names -> our reason codes
_BUILTIN = {"not_nullable": Reason.KOSONG}
_ISIN_CODES = {
    "jenis_kelamin": Reason.JK_TIDAK_DIKENALI,
    "hubungan_keluarga": Reason.HUBUNGAN_TIDAK_DIKENALI,
    "status_kawin": Reason.STATUS_KAWIN_TIDAK_DIKENALI,
}


def out_type(col: str) -> pyarrow.DataType:
    """The Arrow type a prelist column is normalised to."""
    return DATE if col in DATE_COLUMNS else TEXT


def normalise(col: str, values: pd.Series | np.ndarray) -> tuple[pyarrow.Array, Problems]:
    """One prelist column through its normaliser, with its fast paths."""
    date = col in DATE_COLUMNS
    return normalise_column(
        values, NORMALISERS[col], FAST.get(col), out_type(col), fast_date_cells if date else None
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
        problems.append(P.problem(raw["row_id"].to_numpy()[bad.rows], col, bad.codes))
    columns["hubungan_keluarga"] = _spouse_by_sex(
        columns["hubungan_keluarga"], columns["jenis_kelamin"]
    )
    if "missing_columns" in raw.columns:  # read first: it wins over 'kosong' on these rows
        problems.insert(0, missing_column_problems(raw))
    # the folder's kode wilayah stands in when the file has no KODE WILAYAH column
    columns["kode_wilayah"] = pc.coalesce(columns["kode_wilayah"], arrow_text(raw["folder_kode"]))
    out = pd.DataFrame(
        {
            "row_id": raw["row_id"].to_numpy(dtype="int64"),
            "source_file": series(arrow_text(raw["source_file"])),
            "source_sheet": series(arrow_text(raw["source_sheet"])),
            "source_row": raw["source_row"].to_numpy(dtype="int64"),
            **{col: series(columns[col]) for col in NORMALISERS},
            "nama_key": series(pc.utf8_upper(columns["nama"])),
        }
    ).set_axis(raw.index)
    PrelistRaw.validate(out)
    return out, P.frame(problems)


def _spouse_by_sex(rel: pyarrow.Array, sex: pyarrow.Array) -> pyarrow.Array:
    """DTKS's 'ISTRI/SUAMI' (code 2) is ISTRI for a woman and SUAMI for a man."""
    both = pc.fill_null(pc.equal(rel, "ISTRI/SUAMI"), False)
    if not pc.any(both).as_py():
        return rel
    wife = pc.and_(both, pc.fill_null(pc.equal(sex, "P"), False))
    husband = pc.and_(both, pc.fill_null(pc.equal(sex, "L"), False))
    rel = pc.if_else(wife, pyarrow.scalar("ISTRI", rel.type), rel)
    return pc.if_else(husband, pyarrow.scalar("SUAMI", rel.type), rel)


def missing_column_problems(raw: pd.DataFrame) -> pd.DataFrame:
    """'kolom_tidak_ada' for each needed field a row's file lacks (one file problem each;
    on the rows it replaces 'kosong', which would send the operator to fill cells)."""
    ids, uniques = pd.factorize(raw["missing_columns"], use_na_sentinel=True)
    row_id = raw["row_id"].to_numpy()
    parts = []
    for k, names in enumerate(uniques):
        rows = row_id[ids == k]
        parts += [P.problem(rows, name, Reason.KOLOM_TIDAK_ADA) for name in str(names).split(",")]
    return P.frame(parts)


def check_rules(
    clean: pd.DataFrame, dinas_kabkota: str | None, earlier: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Problems found by the clean schema, plausibility, the Dinas's region, notes, and the
    household checks. `earlier` are prepare()'s problems: a household check never compares
    against a value that failed (validate.prepare or a rule), and a failed head sends its
    family back with it."""
    problems = [] if earlier is None else [earlier]
    try:
        PrelistClean.validate(clean, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems.append(_from_failure_cases(exc.failure_cases, clean))
    failed = P.frame(problems)
    problems.append(plausibility_problems(clean, failed))
    if dinas_kabkota:
        outside = clean["kode_wilayah"].notna() & ~clean["kode_wilayah"].str.startswith(
            dinas_kabkota
        ).fillna(False)
        problems.append(
            P.problem(
                clean.loc[outside, "row_id"].to_numpy(), "kode_wilayah", Reason.WILAYAH_BUKAN_DINAS
            )
        )
    problems.append(region_notes(clean))
    so_far = P.frame(problems)
    problems.append(household.problems(clean, P.rejecting(so_far)))
    out = P.frame(problems)
    return out if earlier is None else out.iloc[len(earlier) :].reset_index(drop=True)


# Plausibility (what a verifier checks). Marriage under 15 is not believable: the legal
# minimum is 19 (UU 16/2019), dispensations and unregistered marriages do occur at 15-18,
# hardly ever below. A head of household under 18 does occur (orphaned siblings): a note.
MIN_AGE_MARRIED = 15
MIN_AGE_SPOUSE = 15
EVER_MARRIED = ["KAWIN", "CERAI HIDUP", "CERAI MATI"]


def plausibility_problems(clean: pd.DataFrame, failed: pd.DataFrame) -> pd.DataFrame:
    """Ever married under 15, a spouse under 15 (rejections); only where the birth date
    itself is sound."""
    row_id = clean["row_id"].to_numpy()
    age = household.ages(clean["tanggal_lahir"])
    sound = ~np.isnan(age) & ~P.failed_rows(failed, row_id, "tanggal_lahir")
    married = clean["status_kawin"].isin(EVER_MARRIED).to_numpy(dtype=bool)
    spouse = clean["hubungan_keluarga"].isin(["ISTRI", "SUAMI", "ISTRI/SUAMI"]).to_numpy(bool)
    return P.frame(
        [
            P.problem(
                row_id[sound & married & (age < MIN_AGE_MARRIED)],
                "status_kawin",
                Reason.STATUS_KAWIN_UMUR,
                P.detail(umur=MIN_AGE_MARRIED),
            ),
            P.problem(
                row_id[sound & spouse & (age < MIN_AGE_SPOUSE)],
                "hubungan_keluarga",
                Reason.PASANGAN_DI_BAWAH_UMUR,
                P.detail(umur=MIN_AGE_SPOUSE),
            ),
        ]
    )


def region_notes(clean: pd.DataFrame) -> pd.DataFrame:
    """A NIK or No KK whose kab/kota or kecamatan part is not in today's list (its province
    is, or the row was rejected): a note, for it is usually an older number. One Arrow pass
    per column; the few numbers off the list are looked at again."""
    out = []
    for col in ("nik", "no_kk"):
        off = np.flatnonzero(
            ~has_kecamatan_prefix(clean[col]).to_numpy() & clean[col].notna().to_numpy()
        )
        if len(off):
            few = clean[col].iloc[off]
            old = (is_16_digits(few) & has_province_prefix(few)).to_numpy()
            out.append(P.problem(clean["row_id"].to_numpy()[off[old]], col, Reason.ID_WILAYAH_LAMA))
    return P.frame(out)


def reason_of_check(column: str, check: str) -> Reason:
    """The reason code of a failed schema check (its name, or a built-in check's meaning).

    Raises UnknownReason for a check without one, so no operator reads a bare check name."""
    if check == "isin":
        return _ISIN_CODES.get(column, Reason.NILAI_TIDAK_DIKENALI)
    code = _BUILTIN.get(check, check)
    try:
        return Reason(code)
    except ValueError:
        raise UnknownReason(f"pemeriksaan {check!r} kolom {column!r} tidak punya alasan") from None


def _from_failure_cases(fc: pd.DataFrame, clean: pd.DataFrame) -> pd.DataFrame:
    broken = fc[fc["index"].isna()]
    if len(broken):  # a check that crashed reports no row: never let that pass silently
        raise RuntimeError(
            f"schema check failed to run: {broken[['column', 'check']].to_dict('records')}"
        )
    fc = fc.copy()
    base = fc["check"].astype(str).str.split("(", n=1).str[0]  # "isin(['L', 'P'])"
    fc["code"] = [reason_of_check(col, chk) for col, chk in zip(fc["column"], base, strict=True)]
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


def notes_by_row(problems: pd.DataFrame) -> pd.Series:
    """row_id -> '; '-joined notes for the supervisor (codes in reasons.NOTES)."""
    return reasons_by_row(P.notes(problems))
