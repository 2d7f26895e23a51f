"""Issue 12's measurement: do supervisor decisions stay with their people across a resent file?

On the demo data (30 kelurahan): finalise, let the demo supervisor decide every doubtful row
(15), insert one child row at the top of one ';' CSV prelist, finalise again, and count how many
decided people keep their final outcome (identified by kelurahan + NIK + name + birth date +
KK). Then edit one decided row (a name typo fixed) and finalise again: the changed person's
decision must be reported dropped, never moved to someone else.

    .venv/bin/python benchmarks/bench_review_identity.py [WORKDIR]

Prints figures only; no personal data.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import run_finalize_stages  # noqa: E402

from pipelines import review  # noqa: E402
from pipelines.config import Home  # noqa: E402
from pipelines.ingest.snapshot import load  # noqa: E402
from pipelines.store import open_store  # noqa: E402
from pipelines.synth import generate  # noqa: E402
from pipelines.synth.decide import fill_review  # noqa: E402

PERIOD = "2026-11"
WHO = ["folder_kode", "nik", "nama", "tanggal_lahir", "no_kk"]


def _decided(h: Home) -> pd.DataFrame:
    with open_store(h.store_path, read_only=True) as s:
        return s.df(
            f"SELECT {', '.join(WHO)}, row_id, outcome, keputusan FROM prelist_final "
            "WHERE period = ?",
            [PERIOD],
        )


def _rewrite_csv(path: Path, change) -> None:
    raw = path.read_bytes()
    enc = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "cp1252"
    text = raw.decode(enc).splitlines()
    delim = ";" if text[0].count(";") > text[0].count(",") else ","
    rows = list(csv.reader(text, delimiter=delim))
    change(rows)
    with path.open("w", newline="", encoding=enc) as fh:
        csv.writer(fh, delimiter=delim).writerows(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "workdir", nargs="?", type=Path, help="a new or empty folder (default: a temp one)"
    )
    opts = ap.parse_args()
    work = opts.workdir or Path(tempfile.mkdtemp(prefix="dtks-id-"))
    if work.exists() and any(work.iterdir()):  # never delete a folder someone gave
        sys.exit(f"{work} is not empty: give a new or empty folder")
    h = Home(work)
    generate(h, PERIOD, seed=2026)
    with open_store(h.store_path) as s:
        load(s, [next((h.raw / "dtks").glob("DTKS_*.csv"))], petugas="uji")
    t0 = time.perf_counter()
    run_finalize_stages(h)
    t_first = time.perf_counter() - t0
    filled = fill_review(h.period_out(PERIOD) / f"telaah_{PERIOD}.xlsx")
    with open_store(h.store_path) as s:
        applied = review.apply(s, PERIOD, filled, "Supervisor", home=h)
    before = _decided(h)
    before = before[before["keputusan"].notna()]
    print(f"decisions applied: {applied.applied}")

    target = sorted(
        p for p in h.period_raw(PERIOD).rglob("*.csv") if "berita" not in p.name.lower()
    )[0]

    def insert_child(rows: list[list[str]]) -> None:
        header, first = rows[0], list(rows[1])
        for i, col in enumerate(header):
            up = col.upper()
            if up.startswith("NAMA") and "IBU" not in up:
                first[i] = "ANAK BARU LAHIR"
            elif up in ("NIK", "NO NIK", "NIK ART"):
                first[i] = first[i].strip("' ").replace(" ", "")[:-4] + "0999"
            elif up.startswith("HUB"):
                first[i] = "ANAK"
        rows.insert(1, first)

    _rewrite_csv(target, insert_child)
    t0 = time.perf_counter()
    _, _, published = run_finalize_stages(h)
    t_second = time.perf_counter() - t0
    after = _decided(h)
    m = before.merge(after, on=WHO, how="left", suffixes=("_before", "_after"))
    kept = int((m["outcome_before"] == m["outcome_after"]).sum())
    moved = int((m["row_id_before"] != m["row_id_after"]).sum())
    foreign = len(after[after["keputusan"].notna()].merge(before[WHO], on=WHO, how="left_anti"))
    print(f"one child row inserted at the top of {target.parent.name}/{target.name}")
    print(f"decided people keeping their final outcome: {kept} of {len(before)}")
    print(f"decided people whose row number shifted: {moved}")
    print(f"decisions found on people nobody decided: {foreign}")
    print(f"carried: {published.carry.carried}, dropped: {published.carry.dropped}")

    # a decided person's row changes: the decision is dropped and reported, nobody inherits it
    csv_folders = {
        _code(p.parent): p
        for p in h.period_raw(PERIOD).rglob("*.csv")
        if "berita" not in p.name.lower()
    }
    victim = before[before["folder_kode"].isin(csv_folders)].iloc[0]
    changed = False

    def fix_name(rows: list[list[str]]) -> None:
        nonlocal changed
        col = next(i for i, c in enumerate(rows[0]) if c.upper().startswith("NAMA"))
        for r in rows[1:]:
            if any(c.strip("' ").replace(" ", "") == victim.nik for c in r):
                r[col] = r[col] + " PUTRA"
                changed = True

    _rewrite_csv(csv_folders[victim.folder_kode], fix_name)
    if changed:
        _, _, published = run_finalize_stages(h)
        last = _decided(h)
        print(
            f"after one decided row's name changed: carried {published.carry.carried}, "
            f"dropped {published.carry.dropped}, decisions in force {int(last['keputusan'].notna().sum())}"
        )
    print(f"finalize: {t_first:.1f} s first, {t_second:.1f} s again (machine may be shared)")


def _code(folder: Path) -> str | None:
    from pipelines.wilayah import parse_folder_code

    return parse_folder_code(folder.name)


if __name__ == "__main__":
    main()
