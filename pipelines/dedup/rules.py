"""The matching rules' thresholds and evidence, named once.

Every threshold the passes use is a `Level` here: the .sql files name it as a parameter
(`$name_near`), `bind` supplies the values, and the Python side (notes, the evidence text
and the match score) asks the same object. An evidence item carries its Indonesian label and
its share of the score, so what a note says, what the score counts and what the SQL decided
cannot drift apart (Splink's comparison levels build their SQL and their label from one
parameter in the same way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Level:
    """A similarity counted from `threshold` on; `$param` in the SQL."""

    param: str
    threshold: float
    meaning: str

    def holds(self, sim):
        """sim >= threshold, for a number or a Series (a missing similarity does not hold)."""
        if isinstance(sim, pd.Series):
            return sim.astype("float64").fillna(0.0) >= self.threshold
        return pd.notna(sim) and sim >= self.threshold


# name similarity (nama_sim of the normalised names)
NAME_SIMILAR = Level(
    "name_similar", 0.85, "a name typo: with a NIK one digit off in the same No KK, or with "
    "the mother's name and kelurahan; below it an exact NIK is held by someone else"
)  # fmt: skip
NAME_CLOSE = Level("name_close", 0.90, "pass 3's floor (either NIK missing or broken)")
NAME_NEAR = Level("name_near", 0.95, "near-identical: the same person, with one more fact")
NAME_SAME = Level("name_same", 0.97, "almost identical: pass 3 needs nothing more")
# mother's name similarity
MOTHER_SIMILAR = Level("mother_similar", 0.85, "the same mother (evidence, score, rules)")
MOTHER_OTHER = Level("mother_other", 0.80, "below it, with another No KK: a stranger")
MOTHER_SAME = Level("mother_same", 0.95, "two NIK slips outside the household")
# cheap tests on raw names that keep pass 3's search beyond the kecamatan small
MOTHER_PREFILTER = Level("mother_prefilter", 0.7, "Jaro-Winkler, raw mother's names")
LETTERS_PREFILTER = Level("letters_prefilter", 0.5, "shared letters, raw name")

LEVELS = (NAME_SIMILAR, NAME_CLOSE, NAME_NEAR, NAME_SAME, MOTHER_SIMILAR, MOTHER_OTHER,
          MOTHER_SAME, MOTHER_PREFILTER, LETTERS_PREFILTER)  # fmt: skip


def bind(sql: str) -> dict[str, float]:
    """The values of the `$param`s `sql` uses outside its comments (an unknown one is a
    programming error)."""
    used = set(re.findall(r"\$([a-z_]+)", re.sub(r"--[^\n]*", "", sql)))
    levels = {level.param: level for level in LEVELS}
    unknown = used - levels.keys()
    if unknown:
        raise KeyError(f"no matching rule named {sorted(unknown)}")
    return {p: levels[p].threshold for p in sorted(used)}


@dataclass(frozen=True)
class Evidence:
    """One compared fact of a candidate pair: its column, Indonesian label and score share.

    A similarity column counts as its value (`level` None) or from a level on; a flag
    column counts when true. The label's `{sim:.2f}` is the similarity.
    """

    column: str
    label: str
    weight: float
    similarity: bool = False
    level: Level | None = None

    def shown(self, value) -> bool:
        if self.level is not None:
            return bool(self.level.holds(value))
        return True if self.similarity else bool(value)

    def text(self, value) -> str:
        return self.label.format(sim=value) if self.similarity else self.label

    def score(self, values: pd.Series) -> pd.Series:
        if self.level is not None:
            return self.level.holds(values)
        if self.similarity:
            return values.astype("float64").fillna(0.0)
        return values.astype(bool)


EVIDENCE = (
    Evidence("name_sim", "nama mirip ({sim:.2f})", 0.4, similarity=True),
    Evidence("same_birth", "tanggal lahir sama", 0.2),
    Evidence("same_kk", "NO KK sama", 0.2),
    Evidence("mother_sim", "nama ibu mirip ({sim:.2f})", 0.1, True, MOTHER_SIMILAR),
    Evidence("same_place", "tempat lahir sama", 0.1),
)
