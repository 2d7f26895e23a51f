"""Fuzzed corpus files: no crash, every file read or named, every row read one outcome.

tests/fuzz_cases.py holds the mutations and the property; benchmarks/bench_fuzz.py runs the
same for many more cases. FUZZ_CASES / FUZZ_SEED change the size and the draw.
"""

from __future__ import annotations

import os
import re

import fuzz_cases

CASES = int(os.environ.get("FUZZ_CASES", "64"))
SEED = int(os.environ.get("FUZZ_SEED", "20261201"))


def test_fuzzed_corpus_files_never_crash_nor_vanish(tmp_path, capfd):
    report = fuzz_cases.run(tmp_path / "root", CASES, SEED)
    assert report.crashes == [], report.crashes
    assert report.violations == [], report.violations[:20]
    assert report.unexpected == [], report.unexpected[:20]
    assert set(report.by_mutation) == set(fuzz_cases.MUTATIONS)
    assert report.files_read > 0 and report.files_refused > 0
    assert report.rows > 0 and report.outcomes == report.rows
    err = capfd.readouterr().err
    assert re.findall(r"(?<!\d)\d{16}(?!\d)", err) == []  # no NIK or No KK on stderr
