"""Unseen kelurahan variants through the real ingest, validation and decision stages.

Draws --periods periods of --per-period kelurahan each (pipelines/synth/variants.py: header
spellings known and unknown, column orders, merged and doubled headers, date and sex styles,
relationship words and numeric schemes, decision words, keys and headers, scanned or missing
berita acara, historical region codes, household faults), runs each period against an empty
register and prints: variants drawn, rows right / total, the draws by kind, and every row it
still gets wrong (with the seed to reproduce it).

    .venv/bin/python benchmarks/bench_variants.py [--periods 25] [--per-period 20] [--seed 1]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from pipelines import wilayah
from pipelines.synth import variants


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--periods", type=int, default=25)
    ap.add_argument("--per-period", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    opts = ap.parse_args()
    t0 = time.perf_counter()
    rows = right = drawn = 0
    wrong: list[str] = []
    kinds: Counter[str] = Counter()
    desa = wilayah.load().desa_in("6271")
    for p in range(opts.periods):
        seed = opts.seed + p
        with tempfile.TemporaryDirectory() as d:
            truth, outcomes, _ = variants.run_period(seed, opts.per_period, Path(d))
        bad = variants.mismatches(truth, outcomes)
        drawn += truth["variant"].nunique()
        rows += len(truth)
        right += len(truth) - len({b.split(" (")[0].split(":")[0] for b in bad})
        wrong += [f"seed {seed}: {b}" for b in bad]
        for v in truth.drop_duplicates("variant").itertuples():
            d = variants.draw(v.variant, v.kode)
            kinds.update(
                [
                    f"layout={d.layout}",
                    f"hubungan={d.rel_style}",
                    f"ba={d.ba}",
                    f"kunci={d.ba_key}",
                    f"format={d.fmt}",
                    f"tanggal={d.date_style}",
                ]
            )
            kinds.update(f"judul tak dikenal={f}" for f in d.unknown)
        kinds.update(f"rows of families with fault={f}" for f in truth["fault"] if f)
    seconds = time.perf_counter() - t0
    print(
        f"variants drawn      {drawn} kelurahan in {opts.periods} periods ({len(desa)} desa codes)"
    )
    print(f"rows right / total  {right} / {rows} ({100 * right / max(rows, 1):.2f}%)")
    print(f"wall time           {seconds:.0f} s")
    print("draws by kind:")
    for k, n in sorted(kinds.items()):
        print(f"  {k:34s} {n}")
    if wrong:
        print(f"still wrong ({len(wrong)}):")
        for w in wrong[:50]:
            print("  " + w)


if __name__ == "__main__":
    main()
