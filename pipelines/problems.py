"""Problem rows (row_id, column, code, detail): how every check reports a fault or a note.

reasons.py turns a code into Indonesian text; `detail` fills the code's other blanks (the
head's row number, an age threshold). Codes in reasons.NOTES are notes for the supervisor: the
row keeps its outcome. The first problem of a row and column is the one the operator reads.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.reasons import NOTES, message

PROBLEM_COLUMNS = ["row_id", "column", "code", "detail"]


def problem(
    row_ids: np.ndarray, column: str, code: str | np.ndarray, extra: str | np.ndarray | None = None
) -> pd.DataFrame:
    """Problem rows for some rows, one column and code."""
    return pd.DataFrame({"row_id": row_ids, "column": column, "code": code, "detail": extra})


def frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Problem frames stacked in order (an empty frame with the columns when none)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in PROBLEM_COLUMNS})
    return pd.concat(parts, ignore_index=True).reindex(columns=PROBLEM_COLUMNS)


def detail(**fields: object) -> str:
    """The extra blanks of a reason (reasons.message), packed into one string."""
    return "\x1f".join(f"{k}={v}" for k, v in fields.items())


def rejecting(problems: pd.DataFrame) -> pd.DataFrame:
    """The problems that reject a row (the others are notes for the supervisor)."""
    return problems[~problems["code"].isin(NOTES)]


def notes(problems: pd.DataFrame) -> pd.DataFrame:
    """The problems that are notes."""
    return problems[problems["code"].isin(NOTES)]


def failed_rows(
    problems: pd.DataFrame, row_ids: np.ndarray, column: str | None = None
) -> np.ndarray:
    """Which of row_ids have a rejecting problem (on `column`, or on any column)."""
    p = rejecting(problems)
    if column is not None:
        p = p[p["column"] == column]
    return np.isin(row_ids, p["row_id"].to_numpy())


class Failed:
    """Which rows have a rejecting problem, overall and per column, as boolean masks over the
    rows of a frame (one hash look-up of the problems, however many questions follow)."""

    def __init__(self, problems: pd.DataFrame, row_ids: np.ndarray) -> None:
        p = rejecting(problems)
        at = pd.Index(row_ids).get_indexer(p["row_id"].to_numpy())
        keep = at >= 0
        self._at, self._cols = at[keep], p["column"].to_numpy()[keep]
        self.n = len(row_ids)
        self.any = np.zeros(self.n, dtype=bool)
        self.any[self._at] = True

    def column(self, name: str) -> np.ndarray:
        """Rows with a rejecting problem on one column."""
        mask = np.zeros(self.n, dtype=bool)
        mask[self._at[self._cols == name]] = True
        return mask


def reasons_by_row(problems: pd.DataFrame) -> pd.Series:
    """row_id -> '; '-joined Indonesian reasons, one per column (the first problem wins)."""
    if problems.empty:
        return pd.Series(dtype="str")
    first = problems.drop_duplicates(["row_id", "column"], keep="first")
    text = [
        message(code, col, None if pd.isna(d) else d)
        for code, col, d in zip(first["code"], first["column"], first["detail"], strict=True)
    ]
    return pd.Series(text, index=first["row_id"].to_numpy()).groupby(level=0).agg("; ".join)


def columns_by_row(problems: pd.DataFrame) -> pd.Series:
    """row_id -> ','-joined canonical columns with a problem (for highlighting cells)."""
    if problems.empty:
        return pd.Series(dtype="str")
    uniq = problems.drop_duplicates(["row_id", "column"])
    return uniq.groupby("row_id")["column"].agg(",".join)
