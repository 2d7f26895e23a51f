"""Matching accuracy against the DTKS: this pipeline's passes vs a fairly configured Splink 5.

Two labelled synthetic sets, each with its own register of ~68k persons (4% of them with a
broken NIK) and ~10,600 prelist rows: half of them registered persons proposed again, half
new persons from the same population (same names, birth dates and regions; newborns of
registered households; on the noisy set also twins born into a registered household, whose
NIK serial is next to their sibling's), plus 600 rows repeating an earlier row.

- accuracy: NIK typos (substitution or adjacent swap), Indonesian name variants (M./Muh./Moh.,
  St., Nurul, H./Hj., ", S.Pd.", spacing, doubled and dropped letters), missing NIKs,
  birth-date typos, persons registered with a broken NIK;
- noisy: more missing NIKs, day and month swapped, changed No KK, households moved to another
  kecamatan (new No KK too), reordered names, and these combined.

On both, a re-proposed person also carries what real re-proposals change: another No KK, the
mother's name spelled otherwise, shortened or left out, the birthplace written otherwise or
left out, another kelurahan.

This pipeline runs as `dtks finalize` does: validation rules route each row (household
checks left out: the rows are single persons drawn from many households), rejected rows get
their "probably registered" note, valid rows go through the matching passes. Splink (DuckDB,
link_only against the register and dedupe_only inside the batch) is set up as its docs
recommend (see splink_setup.py): prior from exact NIK, u from 1e7 random pairs, m by EM on
three blocking rules, its threshold chosen to maximise F1 on a labelled 30% of the rows.
Both are scored on the other 70%: precision, recall and F1 of "already in the DTKS" (a link
counts only with the right ID DTKS), registered persons missed (they would leak in as new),
new persons held back; the same for in-batch repeats. Wall time end to end: this pipeline's
validation rules and matching vs Splink's input preparation, training and prediction.

    .venv/bin/python benchmarks/bench_dedup.py [--households N] [--sets accuracy,noisy]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import splink_setup

from pipelines import household, validate
from pipelines import problems as P
from pipelines.dedup import batch as batch_dups
from pipelines.dedup import store_match
from pipelines.dedup.names import macros_sql
from pipelines.ingest.snapshot import load
from pipelines.store import open_store
from pipelines.synth import KABKOTA, SNAPSHOT_HEADER
from pipelines.synth.population import Population
from pipelines.wilayah import dotted
from pipelines.wilayah import load as wilayah

FIELDS = ["nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
          "hubungan_keluarga", "nama_ibu_kandung", "status_kawin", "pekerjaan", "alamat", "rt",
          "rw", "kode_wilayah"]  # fmt: skip
TUNE_SHARE = 0.3  # rows whose labels choose Splink's threshold; the rest are scored


@dataclass(frozen=True)
class Scenario:
    """How registered persons come back in a prelist, and which new persons come in."""

    seed: int
    kinds: dict[str, int]  # '+'-joined changes -> weight
    drift: dict[str, float]  # chance of each attribute change on any re-proposal
    twins: int  # new persons born the same day into a registered household


SETS = {
    "accuracy": Scenario(
        seed=11,
        kinds={
            "exact": 20,
            "nik_typo": 20,
            "name": 20,
            "nik_typo+name": 10,
            "nik_missing": 10,
            "dob_typo": 5,
            "broken_in_register": 15,
        },  # fmt: skip
        drift={"kk": 0.15, "ibu": 0.2, "tempat": 0.15, "kelurahan": 0.1},
        twins=0,
    ),
    "noisy": Scenario(
        seed=23,
        kinds={
            "exact": 5,
            "nik_missing": 15,
            "dob_swap": 15,
            "kk": 10,
            "moved": 10,
            "moved+nik_missing": 5,
            "reordered": 10,
            "reordered+nik_missing": 5,
            "nik_typo+name": 10,
            "nik_typo+kk": 5,
            "dob_swap+name": 5,
            "broken_in_register": 5,
        },  # fmt: skip
        drift={"kk": 0.25, "ibu": 0.3, "tempat": 0.25, "kelurahan": 0.2},
        twins=200,
    ),
}


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


def reordered(name: str, r: random.Random) -> str:
    """The words of a name in another order (a one-word name gets a variant instead)."""
    words = name.split()
    if len(words) < 2:
        return name_variant(name, r)
    return " ".join(words[1:] + words[:1])


def mother_variant(name: str, r: random.Random) -> str | None:
    pick = r.random()
    if pick < 0.4:
        return name_variant(name, r)
    if pick < 0.7:
        return name.split()[0]  # only the first name written
    return None


def place_variant(place: str, r: random.Random) -> str | None:
    if r.random() < 0.3:
        return None
    if place == "PALANGKA RAYA":
        return r.choice(["PALANGKARAYA", "P. RAYA", "PALANGKA-RAYA", "KOTA PALANGKA RAYA"])
    i = r.randrange(1, len(place))
    return place[:i] + place[i + 1 :] if place[i] != " " else place.replace(" ", "")


def build(households: int, sc: Scenario):
    """Register rows, query dicts, truth (kind, id or None) and the person behind each row."""
    r = random.Random(sc.seed)
    pop = Population(sc.seed, wilayah().desa_in(KABKOTA), dt.date(2026, 11, 1))
    register = [pop.household() for _ in range(households)]
    persons = [m for hh in register for m in hh.members]
    broken = set(r.sample(range(len(persons)), len(persons) * 4 // 100))
    reg_rows = []
    for i, p in enumerate(persons):
        nik = p.nik[: r.randint(6, 15)] if i in broken else p.nik
        reg_rows.append([p.id_dtks, nik, *[getattr(p, f) for f in FIELDS[1:]]])
    queries, truth, who = [], [], []
    kinds = [k for k, w in sc.kinds.items() for _ in range(w)]
    broken_people = [persons[i] for i in sorted(broken)]
    swappable = [p for p in persons if p.tanggal_lahir.day <= 12 and p.tanggal_lahir.day != (
        p.tanggal_lahir.month)]  # fmt: skip
    n_existing = 5000
    for k in range(n_existing):
        kind = kinds[k % len(kinds)]
        changes = set(kind.split("+"))
        pool = broken_people if "broken_in_register" in changes else persons
        p = r.choice(swappable if "dob_swap" in changes else pool)
        q = {f: getattr(p, f) for f in FIELDS}
        if "nik_typo" in changes:
            q["nik"] = nik_typo(p.nik, r)
        if "name" in changes:
            q["nama"] = name_variant(p.nama, r)
        if "reordered" in changes:
            q["nama"] = reordered(p.nama, r)
        if "nik_missing" in changes:
            q["nik"] = None
        if "dob_typo" in changes:
            q["tanggal_lahir"] = p.tanggal_lahir + dt.timedelta(days=r.choice([-1, 1]))
        if "dob_swap" in changes:
            d = p.tanggal_lahir
            q["tanggal_lahir"] = d.replace(day=d.month, month=d.day)
        if "kk" in changes or r.random() < sc.drift["kk"]:
            q["no_kk"] = pop.kk(q["kode_wilayah"][:6])
        if "moved" in changes:
            away = [d for d in pop.desa if d[:6] != p.kode_wilayah[:6]]
            q["kode_wilayah"] = r.choice(away)
            q["no_kk"] = pop.kk(q["kode_wilayah"][:6])
        elif r.random() < sc.drift["kelurahan"]:
            q["kode_wilayah"] = r.choice(pop.desa)
        if r.random() < sc.drift["ibu"]:
            q["nama_ibu_kandung"] = mother_variant(p.nama_ibu_kandung, r)
        if r.random() < sc.drift["tempat"]:
            q["tempat_lahir"] = place_variant(p.tempat_lahir, r)
        queries.append(q)
        truth.append((kind, p.id_dtks))
        who.append(p.id_dtks)
    with_children = [
        hh for hh in register if any(m.hubungan_keluarga == "ANAK" for m in hh.members)
    ]
    for k in range(5000):
        if k < 300:
            p, kind = pop.child_of(r.choice(register)), "new_member"
        elif k < 300 + sc.twins:
            hh = r.choice(with_children)
            sib = r.choice([m for m in hh.members if m.hubungan_keluarga == "ANAK"])
            sex = r.choice("LP")
            p = sib.copy(
                nik=pop.nik(sib.nik[:6], sib.tanggal_lahir, sex),
                nama=pop._name(sex),
                jenis_kelamin=sex,
                id_dtks=pop.id_dtks(),
            )
            kind = "twin"
        else:
            p, kind = r.choice(pop.household().members), "new"
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
        truth.append(("dup:" + truth[i][0].split(":")[-1], truth[i][1]))
        who.append(who[i])
    return reg_rows, queries, truth, who


def load_register(store, reg_rows: list, folder: Path) -> None:
    snap = folder / "dtks.csv"
    with snap.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(SNAPSHOT_HEADER[:15])  # ID DTKS ... KODE WILAYAH
        for row in reg_rows:
            row = list(row)
            row[5] = row[5].isoformat()
            row[6] = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}[row[6]]
            row[-1] = dotted(row[-1])
            w.writerow(row)
    load(store, [snap], petugas="bench")


def clean_queries(queries: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The prelist normalised as `dtks finalize` does it, and the problems found doing so."""
    raw = pd.DataFrame(queries, dtype=object)
    raw["tanggal_lahir"] = raw["tanggal_lahir"].map(lambda d: d.strftime("%d-%m-%Y"))
    raw.insert(0, "row_id", range(1, len(raw) + 1))
    raw["source_file"], raw["source_sheet"], raw["source_row"] = "q", "", raw["row_id"] + 1
    raw["folder_kode"] = raw["kode_wilayah"]
    return validate.prepare(raw)


# --- this pipeline ------------------------------------------------------------------------


def ours(store, clean: pd.DataFrame, prep_problems: pd.DataFrame):
    """Links {row_id: id_dtks} and in-batch repeats {row_id}, routed as finalize.deciding.decide does."""
    rules = validate.check_rules(clean, KABKOTA)
    # household checks left out: the benchmark's rows are persons drawn from many households
    household_found = household.problems(clean, P.rejecting(rules))
    key = ["row_id", "code"]
    rules = rules.merge(household_found[key].drop_duplicates(), on=key, how="left", indicator=True)
    rules = rules[rules["_merge"] == "left_only"].drop(columns="_merge")
    problems = pd.concat([prep_problems, rules], ignore_index=True)
    invalid = clean["row_id"].isin(problems["row_id"])
    rejected = clean[invalid]
    nik_bad = problems.loc[problems["column"] == "nik", "row_id"]
    nik_ok = rejected["nik"].str.fullmatch(r"\d{16}").fillna(False).astype(bool) & (
        ~rejected["row_id"].isin(nik_bad)
    )
    notes = store_match.annotate_rejected(store, rejected, nik_ok)
    valid = clean[~invalid]
    found = store_match.match(store, valid)
    matched = {r.row_id: str(r.matched_id_dtks).split(",")[0] for r in found.itertuples()}
    noted = notes[notes["matched_id_dtks"].notna()]  # a note naming nobody is no link
    links = {**matched, **dict(zip(noted["row_id"], noted["matched_id_dtks"], strict=True))}
    # in the batch: the same NIK, a NIK one digit off with a similar name, or the same DTKS
    # person as an earlier row (finalize.deciding.decide's note)
    same = batch_dups.find(valid)
    rest = valid[~valid["row_id"].isin(same["row_id"])]
    repeats = set(same["row_id"]) | set(batch_dups.near(store, rest)["row_id"])
    seen: set[str] = set()
    for row_id in sorted(matched):
        if matched[row_id] in seen:
            repeats.add(row_id)
        seen.add(matched[row_id])
    return links, repeats, valid["row_id"].to_numpy()


# --- Splink ---------------------------------------------------------------------------------

LINK_RULES = ["nik", "tanggal_lahir", "no_kk", ("nama", "year(tanggal_lahir)")]
# A round robin where every comparison is estimated twice and the estimates agree (what the
# docs' parameter_estimate_comparisons_chart is for). Not the birth date alone: persons born
# the same day in the same kecamatan have NIKs one serial apart, and EM takes that cluster of
# strangers for the matches (a one-digit NIK then outweighs an exact one, and a different
# name costs almost nothing).
EM_RULES = ["nik", ("tanggal_lahir", "ibu"), "nama"]


def _rules(spec: list) -> list:
    from splink import block_on

    return [block_on(*s) if isinstance(s, tuple) else block_on(s) for s in spec]


def _splink_con(tables: dict[str, tuple[pd.DataFrame, str, str]]) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the name macros and each frame as a prepared Splink input."""
    con = duckdb.connect()
    for stmt in macros_sql().split(";\n"):
        if stmt.strip():
            con.execute(stmt)
    for name, (df, id_column, prefix) in tables.items():
        con.register(f"src_{name}", df)
        con.execute(
            f"CREATE TABLE {name} AS {splink_setup.prepare_sql(f'src_{name}', id_column, prefix)}"
        )
        con.unregister(f"src_{name}")
    return con


def splink_link(register: pd.DataFrame, clean: pd.DataFrame, u_pairs: float):
    """Best DTKS candidate per row (row_id, id_dtks, match_weight), weights text, seconds."""
    from splink import DuckDBAPI, Linker

    t0 = time.perf_counter()
    con = _splink_con({"prelist": (clean, "row_id", "q"), "dtks": (register, "id_dtks", "")})
    db = DuckDBAPI(connection=con)
    settings = splink_setup.person_model("link_only", _rules(LINK_RULES))
    linker = Linker(
        [
            db.register("prelist", dataset_display_name="prelist"),
            db.register("dtks", dataset_display_name="dtks"),
        ],
        settings,
    )
    # about 60% of re-proposed persons keep their exact NIK in these sets; the docs' advice
    # is a rough guess of the rule's recall
    splink_setup.train(linker, _rules(EM_RULES), recall=0.6, u_pairs=u_pairs)
    pred = linker.inference.predict(threshold_match_weight=-10).physical_name
    best = con.sql(
        f"""SELECT CASE WHEN starts_with(uid_l, 'q') THEN uid_l ELSE uid_r END AS q,
                  CASE WHEN starts_with(uid_l, 'q') THEN uid_r ELSE uid_l END AS id_dtks,
                  match_weight
           FROM {pred} QUALIFY row_number() OVER (PARTITION BY q ORDER BY match_weight DESC) = 1"""
    ).df()
    secs = time.perf_counter() - t0
    best["row_id"] = best["q"].str.slice(1).astype(int)
    table = splink_setup.weights_table(linker)
    con.close()
    return best[["row_id", "id_dtks", "match_weight"]], table, secs


def splink_batch(clean: pd.DataFrame, u_pairs: float):
    """Per row, the best match weight with an earlier row of the batch (row_id, match_weight)."""
    from splink import DuckDBAPI, Linker

    t0 = time.perf_counter()
    con = _splink_con({"prelist": (clean, "row_id", "")})
    db = DuckDBAPI(connection=con)
    linker = Linker(
        [db.register("prelist")], splink_setup.person_model("dedupe_only", _rules(LINK_RULES))
    )
    # few rows repeat an earlier one; most that do keep the NIK
    splink_setup.train(linker, _rules(EM_RULES), recall=0.7, u_pairs=u_pairs)
    pred = linker.inference.predict(threshold_match_weight=-10).physical_name
    best = con.sql(
        f"""SELECT greatest(uid_l::INT, uid_r::INT) AS row_id, max(match_weight) AS match_weight
           FROM {pred} GROUP BY ALL"""
    ).df()
    con.close()
    return best, time.perf_counter() - t0


# --- scoring --------------------------------------------------------------------------------


def link_outcomes(pred: dict[int, str], truth: list, rows: np.ndarray) -> dict:
    """Counts over `rows` (1-based row ids): tp, wrong links, missed, held back, per kind."""
    tp = fp = fn = held = 0
    per_kind: dict[str, list[int]] = {}
    for row_id in rows:
        kind, true_id = truth[row_id - 1]
        got = pred.get(int(row_id))
        per_kind.setdefault(kind, [0, 0])
        per_kind[kind][1] += 1
        if true_id is None:
            held += got is not None
            fp += got is not None
            per_kind[kind][0] += got is None
        else:
            hit = got == true_id
            tp += hit
            fn += not hit
            fp += got is not None and not hit
            per_kind[kind][0] += hit
    return {"tp": tp, "fp": fp, "fn": fn, "held": held, "per_kind": per_kind}


def f_scores(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def best_threshold(weights: np.ndarray, good: np.ndarray, positives: int) -> float:
    """The match-weight cut maximising F1 on labelled rows: `weights` of each row's best
    candidate, `good` whether that candidate is right, `positives` the rows with a true match."""
    order = np.argsort(-weights)
    w, g = weights[order], good[order]
    tp = np.cumsum(g)
    fp = np.cumsum(~g)
    f1 = 2 * tp / (2 * tp + fp + (positives - tp))
    # cut between equal weights only: take the last index of each run of equal weights
    last = np.r_[w[1:] != w[:-1], True]
    i = int(np.argmax(np.where(last, f1, -1)))
    return float(w[i])


def run_set(name: str, sc: Scenario, households: int, u_pairs: float) -> dict:
    reg_rows, queries, truth, who = build(households, sc)
    rng = np.random.default_rng(sc.seed)
    ids = np.arange(1, len(queries) + 1)
    tune_mask = rng.random(len(ids)) < TUNE_SHARE
    tune, score_rows = ids[tune_mask], ids[~tune_mask]
    with tempfile.TemporaryDirectory() as d:
        store = open_store(Path(d) / "db.duckdb")
        load_register(store, reg_rows, Path(d))
        clean, prep_problems = clean_queries(queries)
        register = store.df("SELECT * FROM dtks_current")
        t0 = time.perf_counter()
        links, repeats, valid = ours(store, clean, prep_problems)
        t_ours = time.perf_counter() - t0
        store.close()
    print(
        f"\n=== {name} set: register {len(reg_rows):,} persons; prelist {len(clean):,} rows "
        f"({sum(1 for _, t in truth if t):,} registered persons, "
        f"{sum(1 for _, t in truth if t is None):,} new; {len(clean) - len(valid):,} rejected by validation); "
        f"{len(score_rows):,} rows scored, {len(tune):,} labelled rows tune Splink's threshold",
        flush=True,
    )
    best, table, t_link = splink_link(register, clean, u_pairs)
    true_id = {i + 1: t for i, (_, t) in enumerate(truth)}
    sel = best[best["row_id"].isin(tune)]
    good = sel["id_dtks"].to_numpy() == sel["row_id"].map(true_id).to_numpy()
    positives = sum(1 for i in tune if true_id[int(i)] is not None)
    cut = best_threshold(sel["match_weight"].to_numpy(), good, positives)
    chosen = best[best["match_weight"] >= cut]
    splink_links = dict(zip(chosen["row_id"].astype(int), chosen["id_dtks"], strict=True))
    # in the batch, both look only at rows that pass validation (the others are rejected
    # whatever they repeat): the same rows dtks finalize checks for repeats
    pairs, t_batch = splink_batch(clean[clean["row_id"].isin(valid)], u_pairs)
    repeat_truth = batch_truth(who, valid)
    sel = pairs[pairs["row_id"].isin(tune)]
    good = sel["row_id"].isin(repeat_truth).to_numpy()
    cut_b = best_threshold(
        sel["match_weight"].to_numpy(), good, len(repeat_truth & set(tune.tolist()))
    )
    splink_repeats = set(pairs.loc[pairs["match_weight"] >= cut_b, "row_id"].astype(int))
    print(f"\nSplink's trained model (link_only against the register)\n{table}")
    print(f"Splink's threshold: match weight >= {cut:.2f} (link), >= {cut_b:.2f} (in-batch)")
    mine = link_outcomes(links, truth, score_rows)
    theirs = link_outcomes(splink_links, truth, score_rows)
    # on rows that pass validation a miss leaks a duplicate and a wrong link holds a new
    # person back; a rejected row's link is only a note
    passing = np.intersect1d(score_rows, valid)
    mine["valid"] = link_outcomes(links, truth, passing)
    theirs["valid"] = link_outcomes(splink_links, truth, passing)
    scored = set(score_rows.tolist())
    true_rep = repeat_truth & scored
    mine_b = repeat_counts({r for r in repeats if r in scored}, true_rep)
    theirs_b = repeat_counts({r for r in splink_repeats if r in scored}, true_rep)
    report(mine, theirs, mine_b, theirs_b, len(true_rep), t_ours, t_link + t_batch)
    return {
        "set": name,
        "ours": f_scores(mine["tp"], mine["fp"], mine["fn"]),
        "splink": f_scores(theirs["tp"], theirs["fp"], theirs["fn"]),
        "ours_b": f_scores(*mine_b),
        "splink_b": f_scores(*theirs_b),
        "seconds": (t_ours, t_link + t_batch),
    }


def batch_truth(who: list[str], rows: np.ndarray) -> set[int]:
    """Row ids among `rows` (valid rows, in batch order) whose person came earlier in them."""
    seen, dups = set(), set()
    for row_id in rows:
        person = who[row_id - 1]
        if person in seen:
            dups.add(int(row_id))
        seen.add(person)
    return dups


def repeat_counts(flagged: set[int], true: set[int]) -> tuple[int, int, int]:
    return len(flagged & true), len(flagged - true), len(true - flagged)


def report(mine, theirs, mine_b, theirs_b, n_rep, t_ours, t_splink) -> None:
    print(f"\nalready in the DTKS (scored rows)\n{'':26}{'this pipeline':>15}{'Splink 5':>12}")
    a, b = (
        f_scores(mine["tp"], mine["fp"], mine["fn"]),
        f_scores(theirs["tp"], theirs["fp"], theirs["fn"]),
    )
    for i, key in enumerate(("precision", "recall", "F1")):
        print(f"{key:26}{a[i]:>15.4f}{b[i]:>12.4f}")
    print(f"{'registered, missed':26}{mine['fn']:>15}{theirs['fn']:>12}")
    print(f"{'new, held back':26}{mine['held']:>15}{theirs['held']:>12}")
    print(f"{'wrong person linked':26}{mine['fp'] - mine['held']:>15}"
          f"{theirs['fp'] - theirs['held']:>12}")  # fmt: skip
    for who, c in (("this pipeline", mine["valid"]), ("Splink 5", theirs["valid"])):
        print(f"on rows that pass validation, {who}: {c['fn']} missed, {c['held']} new held "
              f"back, {c['fp'] - c['held']} wrong person")  # fmt: skip
    print("\nright answers per kind of row (this pipeline / Splink / rows)")
    for kind, (ok, n) in sorted(mine["per_kind"].items()):
        print(f"  {kind:26}{ok:>7}{theirs['per_kind'][kind][0]:>9}{n:>7}")
    print(f"\nin-batch repeats among valid rows ({n_rep} scored rows repeat an earlier one)")
    a, b = f_scores(*mine_b), f_scores(*theirs_b)
    for i, key in enumerate(("precision", "recall", "F1")):
        print(f"{key:26}{a[i]:>15.4f}{b[i]:>12.4f}")
    print(
        f"\nseconds end to end: this pipeline {t_ours:.1f}, Splink {t_splink:.1f} "
        f"(ratio {t_splink / t_ours:.0f}x)",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--households", type=int, default=20000)
    ap.add_argument("--sets", default="accuracy,noisy")
    ap.add_argument("--u-pairs", type=float, default=1e7)
    opts = ap.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    results = [
        run_set(name, SETS[name], opts.households, opts.u_pairs) for name in opts.sets.split(",")
    ]
    print("\n=== summary (F1 on scored rows; seconds end to end)")
    print(f"{'set':10}{'link: ours':>12}{'Splink':>9}{'batch: ours':>13}{'Splink':>9}"
          f"{'s ours':>9}{'s Splink':>10}{'ratio':>7}")  # fmt: skip
    for r in results:
        t_o, t_s = r["seconds"]
        print(
            f"{r['set']:10}{r['ours'][2]:>12.4f}{r['splink'][2]:>9.4f}{r['ours_b'][2]:>13.4f}"
            f"{r['splink_b'][2]:>9.4f}{t_o:>9.1f}{t_s:>10.1f}{t_s / t_o:>6.0f}x"
        )
    print("goal: this pipeline's F1 >= Splink's on every set, at least 20x faster end to end")


if __name__ == "__main__":
    main()
