"""Read + validate + decide of one month, in-process, step by step (issue 16 goal 2).

Runs the finalisation's first two stages on a data root as `dtks finalize` runs them
(pipelines.stages.read_kelurahan for every kelurahan folder, then stages.decide), without
publishing: nothing in the root is written. Prints wall and CPU seconds (CPU: this
process's user+sys, the steadier figure on a shared machine) of the read and of the
decision stage, and with --steps of each step of finalize.deciding.decide; the steps
marked M are the matching passes (batch and register), the rest is validate + decide.
--profile writes cProfile files (read.prof, decide.prof) to --out and prints the top
cumulative entries. --out also gets outcomes.pkl, to compare two versions of the code
(pandas.testing.assert_frame_equal). Counts and seconds only, never a value of a row.

Build a root first with benchmarks/bench_province_scale.py --root DIR (e.g. --persons
2000000 --rows 200000, or the 1M x 10M default), then:

    .venv/bin/python benchmarks/bench_read_decide.py --root DIR [--steps] [--profile]
        [--out DIR] [--period 2026-11]
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import pstats
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# (label, module attribute path in finalize.deciding, matching pass?)
STEPS = [
    ("validate.prepare", "validate", "prepare", False),
    ("validate.check_rules", "validate", "check_rules", False),
    ("validate.reasons_by_row", "validate", "reasons_by_row", False),
    ("validate.columns_by_row", "validate", "columns_by_row", False),
    ("validate.notes_by_row", "validate", "notes_by_row", False),
    ("intake.read", "intake", "read", False),
    ("approval.check", "approval", "check", False),
    ("deactivation.find", "deactivation", "find", False),
    ("_same_person_twice", None, "_same_person_twice", False),
    ("proposal.read", "proposal", "read", False),
    ("annotate_rejected", "store_match", "annotate_rejected", True),
    ("batch.find", "batch_dups", "find", True),
    ("batch.near", "batch_dups", "near", True),
    ("store_match.match", "store_match", "match", True),
    ("earlier_proposals.find", "earlier_proposals", "find", True),
    ("known_households", "store_match", "known_households", True),
]


def _time_steps(seconds: dict[str, list[float]]) -> None:
    from pipelines.finalize import deciding

    for label, owner, attr, _ in STEPS:
        mod = deciding if owner is None else getattr(deciding, owner)
        fn = getattr(mod, attr)

        @functools.wraps(fn)
        def timed(*a, _fn=fn, _label=label, **k):
            w, c = time.perf_counter(), time.process_time()
            try:
                return _fn(*a, **k)
            finally:
                s = seconds.setdefault(_label, [0.0, 0.0])
                s[0] += time.perf_counter() - w
                s[1] += time.process_time() - c

        setattr(mod, attr, timed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--root", type=Path, required=True, help="a data root (dtks.toml, data/)")
    ap.add_argument("--period", default="2026-11")
    ap.add_argument("--steps", action="store_true", help="time each step of the decision")
    ap.add_argument("--profile", action="store_true", help="cProfile both stages")
    ap.add_argument("--out", type=Path, help="folder for outcomes.pkl and the profiles")
    opts = ap.parse_args()

    from pipelines import stages
    from pipelines.config import Home
    from pipelines.finalize.batch import combine
    from pipelines.ingest import discover

    home = Home(opts.root.resolve())
    if opts.out:
        opts.out.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, list[float]] = {}
    if opts.steps:
        _time_steps(seconds)

    def run(name, fn):
        prof = cProfile.Profile() if opts.profile else None
        w, c = time.perf_counter(), time.process_time()
        if prof:
            prof.enable()
        result = fn()
        if prof:
            prof.disable()
        print(f"{name:<8} wall {time.perf_counter() - w:7.2f} s, CPU {time.process_time() - c:7.2f} s",
              flush=True)  # fmt: skip
        if prof:
            path = (opts.out or Path(".")) / f"{name}.prof"
            prof.dump_stats(path)
        return result

    def read():
        period_dir = home.period_raw(opts.period)
        folders, problems = discover.kelurahan_folders(period_dir)
        parts = [stages.read_kelurahan(code, path, period_dir) for code, path in folders]
        return combine(opts.period, parts, problems)

    batch = run("read", read)
    print(f"  {len(batch.prelist):,} prelist rows, {len(batch.decisions):,} decision rows, "
          f"{len(batch.folders)} kelurahan")  # fmt: skip
    outcomes = run("decide", lambda: stages.decide(batch, home))
    if seconds:
        match = {label for label, *_, m in STEPS if m}
        for label, (w, c) in seconds.items():
            print(
                f"  {'M ' if label in match else '  '}{label:<24} wall {w:7.2f} s, CPU {c:7.2f} s"
            )
        rest = [v for k, v in seconds.items() if k not in match]
        print(f"    {'validate + decide steps':<24} wall {sum(v[0] for v in rest):7.2f} s, "
              f"CPU {sum(v[1] for v in rest):7.2f} s")  # fmt: skip
    print(
        "  outcomes: "
        + ", ".join(f"{k} {v:,}" for k, v in outcomes["outcome"].value_counts().items())
    )
    if opts.out:
        outcomes.to_pickle(opts.out / "outcomes.pkl")
    if opts.profile:
        for name in ("read", "decide"):
            print(f"--- {name}: cumulative")
            pstats.Stats(str((opts.out or Path(".")) / f"{name}.prof")).sort_stats(
                "cumulative"
            ).print_stats(30)


if __name__ == "__main__":
    main()
