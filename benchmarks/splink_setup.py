"""The Splink baseline's shared setup, so every benchmark compares against the same model.

`person_model` is Splink 5 configured as its documentation recommends for person records
(tutorial 04, topic guide "training rationale", the link_only example):

- inputs cleaned first (feature engineering): names and mothers' names through the same
  `nama_norm` the pipeline uses, plus the name without spaces and with its words sorted;
  birthplace upper-cased and squeezed; region split into kelurahan and kecamatan;
- comparisons for NIK (exact / one edit), name (exact with term frequencies, then
  Jaro-Winkler levels on the normalised name), birth date (exact / day and month swapped /
  one of day, month, year differing), sex, No KK, mother's name, birthplace (term
  frequencies: most are born in the kota) and region (kelurahan / kecamatan / other);
- `train`: the prior from a deterministic rule (exact NIK) and a recall guess, u by random
  sampling (1e7 pairs by default), m by EM on several blocking rules (a round robin, so
  every comparison is trained by at least one session).

`weights_table` prints m, u and the match weight (log2 Bayes factor) of every level.
`frame`, `as_objects` and `comparisons` are the smaller model bench_dedup_scale.py times.
"""

from __future__ import annotations

import math
import time

import pandas as pd

COLUMNS = ["nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
           "nama_ibu_kandung", "kode_wilayah"]  # fmt: skip

# The columns of a prepared Splink input (see prepare_sql).
PREPARED = ["uid", "nik", "nama", "nama_rapat", "nama_urut", "tanggal_lahir", "jenis_kelamin",
            "no_kk", "ibu", "tempat_lahir", "kelurahan", "kecamatan"]  # fmt: skip


def prepare_sql(source: str, id_column: str, prefix: str = "") -> str:
    """SELECT turning a table with the prelist/DTKS columns into a Splink input.

    Needs the `nama_norm` macro (pipelines.dedup.names) in the connection.
    """
    uid = f"'{prefix}' || {id_column}::VARCHAR" if prefix else f"{id_column}::VARCHAR"
    return f"""
        SELECT {uid} AS uid,
               nullif(nik, '') AS nik,
               nullif(nama_norm(nama), '') AS nama,
               nullif(replace(nama_norm(nama), ' ', ''), '') AS nama_rapat,
               nullif(array_to_string(list_sort(string_split(nama_norm(nama), ' ')), ' '), '')
                   AS nama_urut,
               tanggal_lahir::DATE AS tanggal_lahir,
               nullif(jenis_kelamin, '') AS jenis_kelamin,
               nullif(no_kk, '') AS no_kk,
               nullif(nama_norm(nama_ibu_kandung), '') AS ibu,
               nullif(trim(regexp_replace(upper(tempat_lahir), '[^A-Z]+', ' ', 'g')), '')
                   AS tempat_lahir,
               nullif(replace(kode_wilayah, '.', ''), '') AS kelurahan,
               nullif(left(replace(kode_wilayah, '.', ''), 6), '') AS kecamatan
        FROM {source}
    """


def _name_sim(side_l: str = "_l", side_r: str = "_r") -> str:
    """The best Jaro-Winkler of the name as is, without spaces and with words sorted."""
    return (
        "greatest("
        f"jaro_winkler_similarity(nama{side_l}, nama{side_r}), "
        f"jaro_winkler_similarity(nama_rapat{side_l}, nama_rapat{side_r}), "
        f"jaro_winkler_similarity(nama_urut{side_l}, nama_urut{side_r}))"
    )


def person_comparisons() -> list:
    """The comparisons of the fair model, on columns made by prepare_sql."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    sim = _name_sim()
    name = cl.CustomComparison(
        output_column_name="nama",
        comparison_levels=[
            cll.NullLevel("nama"),
            cll.ExactMatchLevel("nama").configure(tf_adjustment_column="nama"),
            *[
                cll.CustomLevel(f"{sim} >= {t}", label_for_charts=f"Jaro-Winkler >= {t}")
                for t in (0.95, 0.88, 0.7)
            ],
            cll.ElseLevel(),
        ],
    )
    d_l, d_r = "tanggal_lahir_l", "tanggal_lahir_r"
    same = [f"day({d_l}) = day({d_r})", f"month({d_l}) = month({d_r})",
            f"year({d_l}) = year({d_r})"]  # fmt: skip
    birth = cl.CustomComparison(
        output_column_name="tanggal_lahir",
        comparison_levels=[
            cll.NullLevel("tanggal_lahir"),
            cll.ExactMatchLevel("tanggal_lahir"),
            cll.CustomLevel(
                f"day({d_l}) = month({d_r}) AND month({d_l}) = day({d_r}) AND {same[2]}",
                label_for_charts="day and month swapped",
            ),
            cll.CustomLevel(
                " + ".join(f"({s})::INT" for s in same) + " = 2",
                label_for_charts="one of day, month, year differs",
            ),
            cll.ElseLevel(),
        ],
    )
    region = cl.CustomComparison(
        output_column_name="wilayah",
        comparison_levels=[
            cll.NullLevel("kelurahan"),
            cll.ExactMatchLevel("kelurahan").configure(label_for_charts="same kelurahan"),
            cll.ExactMatchLevel("kecamatan").configure(label_for_charts="same kecamatan"),
            cll.ElseLevel(),
        ],
    )
    return [
        cl.DamerauLevenshteinAtThresholds("nik", [1]),
        name,
        birth,
        cl.ExactMatch("jenis_kelamin"),
        cl.ExactMatch("no_kk"),
        cl.JaroWinklerAtThresholds("ibu", [0.92, 0.8]),
        cl.JaroWinklerAtThresholds("tempat_lahir", [0.9]).configure(
            term_frequency_adjustments=True
        ),
        region,
    ]


def person_model(link_type: str, blocking_rules: list):
    """SettingsCreator of the fair model for `link_type` (link_only or dedupe_only)."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="uid",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=person_comparisons(),
    )


def train(linker, em_rules: list, recall: float, u_pairs: float, seed: int = 1) -> dict:
    """Prior from exact NIK, u by random sampling, m by EM per rule: seconds per step."""
    from splink import block_on

    t, out = time.perf_counter(), {}
    # exact NIK admits almost no false pairs; `recall` is the guessed share of true pairs it
    # finds (the docs: a rough guess within half or double is enough to anchor EM)
    linker.training.estimate_probability_two_random_records_match([block_on("nik")], recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    out["prior+u"] = time.perf_counter() - t
    t = time.perf_counter()
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    out["em"] = time.perf_counter() - t
    return out


def weights_table(linker) -> str:
    """m, u and match weight (log2 m/u) of every comparison level, as text."""
    model = linker.misc.save_model_to_json()
    prior = model["probability_two_random_records_match"]
    lines = [
        f"prior: probability two random records match {prior:.3g} "
        f"(match weight {math.log2(prior / (1 - prior)):+.2f})",
        f"{'comparison':14}{'level':44}{'m':>10}{'u':>10}{'weight':>8}",
    ]
    for comp in model["comparisons"]:
        for lev in comp["comparison_levels"]:
            label = lev.get("label_for_charts") or lev["sql_condition"]
            if lev.get("is_null_level"):
                continue
            m, u = lev.get("m_probability"), lev.get("u_probability")
            w = f"{math.log2(m / u):+8.2f}" if m and u else f"{'':>8}"
            tf = " (tf)" if lev.get("tf_adjustment_column") else ""
            lines.append(
                f"{comp['output_column_name']:14}{(label + tf)[:43]:44}"
                f"{(m if m is not None else float('nan')):>10.4g}"
                f"{(u if u is not None else float('nan')):>10.4g}{w}"
            )
    return "\n".join(lines)


def frame(df: pd.DataFrame, id_column: str, prefix: str = "") -> pd.DataFrame:
    """COLUMNS plus uid, birth dates as ISO text, missing values as None (Splink's input)."""
    out = df[[id_column, *COLUMNS]].rename(columns={id_column: "uid"}).copy()
    if prefix:
        out["uid"] = prefix + out["uid"].astype(str)
    out["tanggal_lahir"] = pd.to_datetime(out["tanggal_lahir"]).dt.strftime("%Y-%m-%d")
    return out


def as_objects(df: pd.DataFrame) -> pd.DataFrame:
    """Every column as Python objects with None for missing (what Splink's DuckDB side wants)."""
    for c in df.columns:
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    return df


def comparisons(input_is_string: bool, name_tf: bool = False, extra: tuple = ()) -> list:
    """NIK (Damerau-Levenshtein 1), name (Jaro-Winkler), birth date, sex, KK, mother's name."""
    import splink.comparison_library as cl

    name = cl.JaroWinklerAtThresholds("nama", [0.95, 0.88, 0.7])
    if name_tf:
        name = name.configure(term_frequency_adjustments=True)
    return [
        cl.DamerauLevenshteinAtThresholds("nik", [1]),
        name,
        cl.DateOfBirthComparison("tanggal_lahir", input_is_string=input_is_string),
        cl.ExactMatch("jenis_kelamin"),
        cl.ExactMatch("no_kk"),
        cl.JaroWinklerAtThresholds("nama_ibu_kandung", [0.9, 0.7]),
        *extra,
    ]
