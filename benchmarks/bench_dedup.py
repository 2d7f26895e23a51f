"""Matching accuracy against the DTKS: this pipeline's passes vs Splink, on the same data.

Labelled synthetic data, harder than the demo: a register of ~68k persons (4% of them with a
broken NIK), 5,000 existing persons proposed again with NIK typos (substitution or adjacent
swap), Indonesian name variants (M./Muh./Moh., St., Nurul, H./Hj., ", S.Pd.", spacing,
doubled and dropped letters), both at once, missing NIKs, birth-date typos; 5,000 new persons
drawn from the same population (same names, birth dates and regions), 300 of them newborns
of registered households. Prints precision, recall and F1 for "already in the DTKS" (a
match counts only with the right ID DTKS) and the share of new persons wrongly held back,
for both tools, and the wall time of each. Splink (DuckDB backend) is trained on the same
data: prior from exact NIK, u by random sampling, m by EM on two blocking rules.

    make bench-dedup     (or: .venv/bin/python benchmarks/bench_dedup.py [--households N])
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
import random
import tempfile
import time
from pathlib import Path

import pandas as pd
import splink_setup

from pipelines import validate
from pipelines.dedup import store_match
from pipelines.ingest.snapshot import load
from pipelines.store import open_store
from pipelines.synth import KABKOTA, SNAPSHOT_HEADER
from pipelines.synth.population import Population
from pipelines.wilayah import dotted
from pipelines.wilayah import load as wilayah

FIELDS = ["nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
          "hubungan_keluarga", "nama_ibu_kandung", "status_kawin", "pekerjaan", "alamat", "rt",
          "rw", "kode_wilayah"]  # fmt: skip


def name_variant(name: str, r: random.Random) -> str:
    words = name.split()
    pick = r.random()
    if words[0] == "MUHAMMAD" and pick < 0.5:
        words[0] = r.choice(["M.", "MUH.", "MOH.", "MUHAMAD", "MHD"])
    elif words[0] == "SITI" and pick < 0.5:
        words[0] = "ST."
    elif words[0] in ("NUR", "NURUL") and pick < 0.5:
        words[0] = "NURUL" if words[0] == "NUR" else "NUR"
    elif pick < 0.6:
        words.insert(0, r.choice(["H.", "HJ.", "IBU", "BAPAK"]))
    elif pick < 0.7:
        words[-1] += r.choice([", S.PD.", ", S.E.", ", SH"])
    elif pick < 0.8 and len(words) > 1:
        words = ["".join(words)]
    elif pick < 0.9:
        w = r.randrange(len(words))
        i = r.randrange(len(words[w]))
        words[w] = words[w][:i] + words[w][i] + words[w][i:]  # doubled letter
    else:
        w = r.randrange(len(words))
        if len(words[w]) > 3:
            i = r.randrange(1, len(words[w]))
            words[w] = words[w][:i] + words[w][i + 1 :]  # a dropped letter
    return " ".join(words)


def nik_typo(nik: str, r: random.Random) -> str:
    if r.random() < 0.7:
        i = r.randrange(16)
        return nik[:i] + r.choice([d for d in "0123456789" if d != nik[i]]) + nik[i + 1 :]
    while True:
        i = r.randrange(15)
        if nik[i] != nik[i + 1]:
            return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]


def build(households: int, seed: int = 11):
    r = random.Random(seed)
    pop = Population(seed, wilayah().desa_in(KABKOTA), dt.date(2026, 11, 1))
    register = [pop.household() for _ in range(households)]
    persons = [m for hh in register for m in hh.members]
    broken = set(r.sample(range(len(persons)), len(persons) * 4 // 100))
    reg_rows = []
    for i, p in enumerate(persons):
        nik = p.nik[: r.randint(6, 15)] if i in broken else p.nik
        reg_rows.append([p.id_dtks, nik, *[getattr(p, f) for f in FIELDS[1:]]])
    queries, truth, who = [], [], []
    kinds = (
        ["exact"] * 20
        + ["nik_typo"] * 20
        + ["name"] * 20
        + ["nik_typo+name"] * 10
        + ["nik_missing"] * 10
        + ["dob_typo"] * 5
        + ["broken_in_register"] * 15
    )
    broken_people = [persons[i] for i in sorted(broken)]
    for k in range(5000):
        kind = kinds[k % len(kinds)]
        p = r.choice(broken_people) if kind == "broken_in_register" else r.choice(persons)
        q = {f: getattr(p, f) for f in FIELDS}
        if "nik_typo" in kind:
            q["nik"] = nik_typo(p.nik, r)
        if "name" in kind:
            q["nama"] = name_variant(p.nama, r)
        if kind == "nik_missing":
            q["nik"] = None
        if kind == "dob_typo":
            q["tanggal_lahir"] = p.tanggal_lahir + dt.timedelta(days=r.choice([-1, 1]))
        queries.append(q)
        truth.append((kind, p.id_dtks))
        who.append(p.id_dtks)
    for k in range(5000):
        if k < 300:
            p = pop.child_of(r.choice(register))
            kind = "new_member"
        else:
            p = r.choice(pop.household().members)
            kind = "new"
        queries.append({f: getattr(p, f) for f in FIELDS})
        truth.append((kind, None))
        who.append(p.id_dtks)
    # the same person proposed again later in the batch: as is, with a NIK typo, or renamed
    for k in range(600):
        i = r.randrange(len(queries))
        q = dict(queries[i])
        if k % 4 == 1 and q["nik"]:
            q["nik"] = nik_typo(q["nik"], r)
        elif k % 4 == 2:
            q["nama"] = name_variant(q["nama"], r)
        queries.append(q)
        truth.append(("dup:" + truth[i][0], truth[i][1]))
        who.append(who[i])
    return reg_rows, queries, truth, who


def clean_queries(queries: list[dict]) -> pd.DataFrame:
    raw = pd.DataFrame(queries, dtype=object)
    raw["tanggal_lahir"] = raw["tanggal_lahir"].map(lambda d: d.strftime("%d-%m-%Y"))
    raw.insert(0, "row_id", range(1, len(raw) + 1))
    raw["source_file"], raw["source_sheet"], raw["source_row"] = "q", "", raw["row_id"] + 1
    raw["folder_kode"] = raw["kode_wilayah"]
    clean, _ = validate.prepare(raw)
    return clean


def ours(store, clean: pd.DataFrame) -> dict[int, str]:
    ok = clean["nik"].str.fullmatch(r"\d{16}").fillna(False).astype(bool)
    found = store_match.match(store, clean[ok])
    notes = store_match.annotate_rejected(
        store, clean[~ok], pd.Series(False, index=clean[~ok].index)
    )
    pred = {r.row_id: str(r.matched_id_dtks).split(",")[0] for r in found.itertuples()}
    pred.update({r.row_id: r.matched_id_dtks for r in notes.itertuples()})
    return pred


def splink_predict(con, register: pd.DataFrame, clean: pd.DataFrame) -> dict[int, str]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    left = splink_setup.frame(clean, "row_id", prefix="q")
    right = splink_setup.frame(register, "id_dtks")
    for df in (left, right):
        df["kec"] = df["kode_wilayah"].str.slice(0, 6)
        splink_setup.as_objects(df)
    db = DuckDBAPI(connection=con)
    settings = SettingsCreator(
        link_type="link_only",
        unique_id_column_name="uid",
        blocking_rules_to_generate_predictions=[
            block_on("nik"),
            block_on("tanggal_lahir", "kec"),
            block_on("no_kk"),
            block_on("substr(nik, 1, 8)", "tanggal_lahir"),
            block_on("substr(nik, 9, 8)", "tanggal_lahir"),
        ],
        comparisons=splink_setup.comparisons(
            input_is_string=True,
            name_tf=True,
            extra=(cl.ExactMatch("tempat_lahir"), cl.ExactMatch("kec")),
        ),
    )
    linker = Linker(
        [
            db.register(left, dataset_display_name="prelist"),
            db.register(right, dataset_display_name="dtks"),
        ],
        settings,
    )
    linker.training.estimate_probability_two_random_records_match([block_on("nik")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("tanggal_lahir"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("no_kk"))
    pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    a_is_q = pred["uid_l"].str.startswith("q")
    pred["q"] = pred["uid_l"].where(a_is_q, pred["uid_r"])
    pred["d"] = pred["uid_r"].where(a_is_q, pred["uid_l"])
    best = pred.sort_values("match_probability", ascending=False).drop_duplicates("q")
    return {int(q[1:]): d for q, d in zip(best["q"], best["d"], strict=True)}


def batch_truth(who: list[str]) -> set[int]:
    """Row ids (1-based) of rows whose person appeared earlier in the batch."""
    seen, dups = set(), set()
    for row_id, person in enumerate(who, start=1):
        if person in seen:
            dups.add(row_id)
        seen.add(person)
    return dups


def ours_batch(store, clean: pd.DataFrame, matched: dict[int, str]) -> set[int]:
    """Rows flagged as repeating an earlier row: same NIK, NIK one digit off with a similar
    name, or matched to the same DTKS person as an earlier row (finalize.decide's note)."""
    from pipelines.dedup import batch

    ok = clean[clean["nik"].str.fullmatch(r"\d{16}").fillna(False).astype(bool)]
    same = batch.find(ok)
    rest = ok[~ok["row_id"].isin(same["row_id"])]
    flagged = set(same["row_id"]) | set(batch.near(store, rest)["row_id"])
    seen: set[str] = set()
    for row_id in sorted(matched):
        if matched[row_id] in seen:
            flagged.add(row_id)
        seen.add(matched[row_id])
    return flagged


def splink_batch(con, clean: pd.DataFrame) -> set[int]:
    """Rows Splink (dedupe_only, same comparisons) pairs with an earlier row at p >= 0.5."""
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    df = splink_setup.as_objects(splink_setup.frame(clean, "row_id"))
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="uid",
        blocking_rules_to_generate_predictions=[
            block_on("nik"),
            block_on("tanggal_lahir", "kode_wilayah"),
            block_on("no_kk"),
        ],
        comparisons=splink_setup.comparisons(input_is_string=True),
    )
    linker = Linker([DuckDBAPI(connection=con).register(df)], settings)
    linker.training.estimate_probability_two_random_records_match([block_on("nik")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("tanggal_lahir"))
    pred = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    return {int(max(a, b)) for a, b in zip(pred["uid_l"], pred["uid_r"], strict=True)}


def prf(flagged: set[int], true: set[int]) -> tuple[float, float, float]:
    tp = len(flagged & true)
    p = tp / len(flagged) if flagged else 0.0
    r = tp / len(true) if true else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(pred: dict[int, str], truth: list[tuple[str, str | None]]) -> dict:
    tp = fp = fn = held = 0
    per_kind: dict[str, list[int]] = {}
    for row_id, (kind, true_id) in enumerate(truth, start=1):
        got = pred.get(row_id)
        hit = got is not None and got == true_id
        per_kind.setdefault(kind, [0, 0])
        per_kind[kind][1] += 1
        if true_id is None:
            held += got is not None
            fp += got is not None
            per_kind[kind][0] += got is None
        else:
            tp += hit
            fn += not hit
            fp += got is not None and not hit
            per_kind[kind][0] += hit
    n_new = sum(1 for k, t in truth if t is None)
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": p,
        "recall": rc,
        "f1": 2 * p * rc / (p + rc) if p + rc else 0.0,
        "held_back": held / n_new,
        "per_kind": per_kind,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--households", type=int, default=20000)
    opts = ap.parse_args()
    reg_rows, queries, truth, who = build(opts.households)
    with tempfile.TemporaryDirectory() as d:
        snap = Path(d) / "dtks.csv"
        with snap.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(SNAPSHOT_HEADER[:15])  # ID DTKS ... KODE WILAYAH
            for row in reg_rows:
                row = list(row)
                row[5] = row[5].isoformat()
                row[6] = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}[row[6]]
                row[-1] = dotted(row[-1])
                w.writerow(row)
        store = open_store(Path(d) / "db.duckdb")
        load(store, [snap], petugas="uji")
        clean = clean_queries(queries)
        print(
            f"register {len(reg_rows):,} persons; queries {len(clean):,} "
            f"({sum(1 for _, t in truth if t):,} existing, "
            f"{sum(1 for _, t in truth if t is None):,} new)"
        )
        t0 = time.perf_counter()
        matched = ours(store, clean)
        mine = score(matched, truth)
        t_ours = time.perf_counter() - t0
        register = store.df("SELECT * FROM dtks_current")
        import duckdb

        t0 = time.perf_counter()
        theirs = score(splink_predict(duckdb.connect(), register, clean), truth)
        t_splink = time.perf_counter() - t0
        true_dups = batch_truth(who)
        t0 = time.perf_counter()
        mine_b = prf(ours_batch(store, clean, matched), true_dups)
        t_ours_b = time.perf_counter() - t0
        t0 = time.perf_counter()
        theirs_b = prf(splink_batch(duckdb.connect(), clean), true_dups)
        t_splink_b = time.perf_counter() - t0
        store.close()
    print(f"\nalready in the DTKS vs new{'':<0}\n{'':24}{'this pipeline':>15}{'Splink 5':>12}")
    for key in ("precision", "recall", "f1", "held_back"):
        print(f"{key:24}{mine[key]:>15.4f}{theirs[key]:>12.4f}")
    print(f"{'seconds':24}{t_ours:>15.1f}{t_splink:>12.1f}")
    print("\nright answers per kind of query (this pipeline / Splink / count)")
    for kind, (ok, n) in mine["per_kind"].items():
        print(f"  {kind:22}{ok:>7}{theirs['per_kind'][kind][0]:>9}{n:>7}")
    print(f"\nin-batch duplicates ({len(true_dups)} rows repeat an earlier person)")
    for i, key in enumerate(("precision", "recall", "f1")):
        print(f"{key:24}{mine_b[i]:>15.4f}{theirs_b[i]:>12.4f}")
    print(f"{'seconds':24}{t_ours_b:>15.1f}{t_splink_b:>12.1f}")
    print("\ngoal: recall >= 0.995, held back <= 0.005, F1 above Splink's")


if __name__ == "__main__":
    main()
