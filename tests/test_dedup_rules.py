"""The matching rules are data: each threshold named once (pipelines/dedup/rules.py), bound
into the SQL as a parameter, and the evidence text and score built from the same objects."""

from __future__ import annotations

import dataclasses
import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from test_dedup import outcome_of, rows
from test_dedup import store as store  # the module fixture: the small known register

from pipelines.dedup import rules, store_match

SQL_FILES = sorted(
    p.name for p in resources.files("pipelines.dedup").iterdir() if p.name.endswith(".sql")
)


@pytest.mark.parametrize("name", SQL_FILES)
def test_no_threshold_is_written_into_the_sql(name):
    """Outside comments, a .sql file compares similarities only with bound rules."""
    text = re.sub(r"--[^\n]*", "", store_match.sql(name))
    assert not re.search(r"[<>]=?\s*[01]?\.\d", text), name
    rules.bind(text)  # every $parameter it names is a rule


def test_an_unknown_rule_is_refused():
    with pytest.raises(KeyError, match="name_nearly"):
        rules.bind("SELECT 1 WHERE x >= $name_nearly")


def _with_threshold(monkeypatch, level: rules.Level, threshold: float) -> None:
    """rules.LEVELS with `level` moved to `threshold`, as an edit of rules.py would."""
    moved = tuple(
        dataclasses.replace(lv, threshold=threshold) if lv == level else lv for lv in rules.LEVELS
    )
    monkeypatch.setattr(rules, "LEVELS", moved)


@pytest.mark.parametrize("threshold, held", [(0.85, True), (0.95, False)])
def test_the_sql_decides_with_the_threshold_rules_py_names(store, monkeypatch, threshold, held):
    """'MUHAMMADRISKY' is 0.93 like R1's name, one NIK digit off, in R1's No KK: a name typo
    (NAME_SIMILAR) the near-NIK pass holds, until rules.py asks for more."""
    _with_threshold(monkeypatch, rules.NAME_SIMILAR, threshold)
    got = outcome_of(
        store,
        rows({"nik": "6271011508800007", "nama": "MUHAMMADRISKY", "tanggal_lahir": "15-08-1980"}),
    )
    assert (got.get(1, (None, None))[:2] == ("perlu_verifikasi", "R1")) is held, got


def _candidates(seed: int, n: int = 200) -> pd.DataFrame:
    r = np.random.default_rng(seed)
    mother = r.uniform(0.5, 1.0, n)
    return pd.DataFrame(
        {
            "name_sim": r.uniform(0.85, 1.0, n).round(2),
            "same_birth": r.random(n) < 0.5,
            "same_kk": r.random(n) < 0.5,
            "mother_sim": np.where(r.random(n) < 0.2, np.nan, mother.round(2)),
            "same_place": r.random(n) < 0.5,
        }
    )


@pytest.mark.parametrize("seed", range(5))
def test_the_score_counts_what_the_evidence_text_names(seed):
    """Each candidate's score is its name similarity's share plus the share of every other
    fact its Indonesian evidence text names: the text and the score cannot drift apart."""
    found = _candidates(seed)
    scores = store_match.scores(found)
    shares = {ev.label.split(" (")[0]: ev.weight for ev in rules.EVIDENCE[1:]}
    for r, score in zip(found.itertuples(), scores, strict=True):
        text = store_match.evidence(r)
        assert text.startswith(f"nama mirip ({r.name_sim:.2f})")
        named = sum(w for label, w in shares.items() if label in text)
        assert score == pytest.approx(0.4 * r.name_sim + named, abs=1e-3), text
        mother_named = "nama ibu mirip" in text
        assert mother_named is bool(rules.MOTHER_SIMILAR.holds(r.mother_sim)), text
