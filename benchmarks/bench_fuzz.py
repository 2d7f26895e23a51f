"""A longer fuzz run than the CI test: many mutated corpus files, the findings printed.

Prints the number of cases, crashes (a reader that killed its process), property
violations (a file neither read nor named, rows without exactly one outcome, a formula in an
output), files read vs refused, cases per mutation and the time. Same engine as
tests/test_fuzz.py (tests/fuzz_cases.py).

    nice -n 10 .venv/bin/python benchmarks/bench_fuzz.py [--cases 2000] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import fuzz_cases  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=250, help="cases per data root")
    opts = ap.parse_args()
    total = fuzz_cases.Report()
    for start in range(0, opts.cases, opts.batch):
        n = min(opts.batch, opts.cases - start)
        with tempfile.TemporaryDirectory(prefix="dtks-fuzz-") as tmp:
            r = fuzz_cases.run(Path(tmp) / "root", n, opts.seed + start)
        total.cases += r.cases
        total.crashes += [(start + c[0], *c[1:]) for c in r.crashes]
        total.violations += r.violations
        total.unexpected += r.unexpected
        total.files_read += r.files_read
        total.files_refused += r.files_refused
        total.rows += r.rows
        total.outcomes += r.outcomes
        total.seconds += r.seconds
        for k, v in r.by_mutation.items():
            total.by_mutation[k] = total.by_mutation.get(k, 0) + v
        print(
            f"  {total.cases} cases, {len(total.crashes)} crashes, "
            f"{len(total.violations)} violations, {total.seconds:.0f} s",
            flush=True,
        )
    print(f"cases                {total.cases}")
    print(f"crashes              {len(total.crashes)}")
    for c in total.crashes[:20]:
        print(f"  case {c[0]} {c[1]} on {c[2]}: {c[3]}")
    print(f"property violations  {len(total.violations)}")
    for v in total.violations[:20]:
        print(f"  {v}")
    print(f"unexpected errors    {len(total.unexpected)} (caught per file, named as a problem)")
    for u in total.unexpected[:20]:
        print(f"  {u}")
    print(f"files read           {total.files_read}")
    print(f"files refused        {total.files_refused} (named as a problem)")
    print(f"rows read            {total.rows}, outcomes {total.outcomes}")
    print(
        "cases per mutation   "
        + ", ".join(f"{k} {v}" for k, v in sorted(total.by_mutation.items()))
    )
    print(
        f"time                 {total.seconds:.0f} s ({total.seconds / max(total.cases, 1):.2f} s per case)"
    )


if __name__ == "__main__":
    main()
