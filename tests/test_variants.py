"""Property: kelurahan files the pipeline has never seen get every row's right outcome.

pipelines/synth/variants.py draws the variants (header spellings known and unknown, column
orders, merged and doubled headers, date and sex styles, relationship words and numeric
schemes, decision words, keys and headers, scanned or missing berita acara, historical region
codes, household faults) and knows each row's outcome, reason words and values. The real
stages read and decide them. benchmarks/bench_variants.py runs many more.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.synth import variants


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1))
def test_unseen_variants_get_their_right_outcomes(seed):
    with tempfile.TemporaryDirectory() as d:
        truth, outcomes, _ = variants.run_period(seed, 8, Path(d))
    wrong = variants.mismatches(truth, outcomes)
    assert not wrong, "\n".join(wrong[:20])


def test_a_seeded_period_of_thirty_kelurahan(tmp_path):
    truth, outcomes, batch = variants.run_period(20261, 30, tmp_path)
    wrong = variants.mismatches(truth, outcomes)
    assert not wrong, "\n".join(wrong[:20])
    # the draw did exercise what it claims to
    assert {"head_future", "head_kk_typo", "old_nik"} <= set(truth["fault"])
    assert (batch.mappings["cara"] == "isi kolom").any()
