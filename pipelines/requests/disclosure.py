"""Statistical disclosure control for count tables: primary and complementary suppression.

Cells from 1 to threshold-1 are hidden (primary). Published totals could give them back, so
further cells are hidden (complementary) until no hidden cell can be recomputed: every row
and column with a hidden cell has at least two, and no hidden cell is fixed by the linear
equations the published totals make (the hidden pattern has no "bridge"). Threshold 10
follows ONS/ACRO practice; it is configurable but never below 3.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

MIN_THRESHOLD = 3


@dataclass
class Protected:
    """A table ready to publish: hidden cells are NaN; totals are of the true values."""

    table: pd.DataFrame  # cells, NaN where hidden
    row_totals: pd.Series | None  # None when rows are not additive
    col_totals: pd.Series
    grand_total: int | None
    primary: int
    complementary: int
    threshold: int
    rounding: int | None


def determined(hidden: np.ndarray, row_margin: bool) -> np.ndarray:
    """Which hidden cells the published totals fix: e_i in the row space of the constraints."""
    cells = list(zip(*np.nonzero(hidden), strict=True))
    if not cells:
        return np.zeros(0, dtype=bool)
    n_rows, n_cols = hidden.shape
    eqs = []
    if row_margin:
        for r in range(n_rows):
            eqs.append([1.0 if c[0] == r else 0.0 for c in cells])
    for k in range(n_cols):
        eqs.append([1.0 if c[1] == k else 0.0 for c in cells])
    a = (
        np.array([e for e in eqs if any(e)])
        if any(any(e) for e in eqs)
        else np.zeros((0, len(cells)))
    )
    rank = np.linalg.matrix_rank(a) if len(a) else 0
    out = np.zeros(len(cells), dtype=bool)
    for i in range(len(cells)):
        unit = np.zeros(len(cells))
        unit[i] = 1.0
        out[i] = np.linalg.matrix_rank(np.vstack([a, unit])) == rank
    return out


def protect(
    table: pd.DataFrame, threshold: int = 10, row_margin: bool = True, rounding: int | None = None
) -> Protected:
    """Hide small cells and enough others that none can be recomputed from the totals."""
    if threshold < MIN_THRESHOLD:
        raise ValueError(f"threshold below {MIN_THRESHOLD} is not allowed")
    values = table.to_numpy(dtype=np.int64)
    hidden = (values > 0) & (values < threshold)
    primary = int(hidden.sum())

    def hide_partner(positions: list[tuple[int, int]]) -> bool:
        """Hide the smallest visible cell among positions (a zero only when nothing else)."""
        visible = [p for p in positions if not hidden[p]]
        if not visible:
            return False
        nonzero = [p for p in visible if values[p] > 0]
        pick = min(nonzero or visible, key=lambda p: (values[p], p))
        hidden[pick] = True
        return True

    changed = True
    while changed:
        changed = False
        lines = (
            [[(r, c) for c in range(values.shape[1])] for r in range(values.shape[0])]
            if row_margin
            else []
        )
        lines += [[(r, c) for r in range(values.shape[0])] for c in range(values.shape[1])]
        for line in lines:
            if sum(hidden[p] for p in line) == 1:
                changed |= hide_partner(line)
        if not changed:
            cells = list(zip(*np.nonzero(hidden), strict=True))
            fixed = determined(hidden, row_margin)
            for cell, is_fixed in zip(cells, fixed, strict=True):
                if is_fixed:  # a bridge: add another hidden cell in its column to make a cycle
                    col = [(r, cell[1]) for r in range(values.shape[0])]
                    row = [(cell[0], c) for c in range(values.shape[1])]
                    changed |= hide_partner(col) or hide_partner(row)
                    break
    shown = table.astype("float64").mask(hidden)
    if rounding:
        shown = (shown / rounding).round() * rounding
    rt = table.sum(axis=1) if row_margin else None
    ct = table.sum(axis=0)
    gt = int(values.sum())
    if rounding:
        rt = None if rt is None else (rt / rounding).round().astype(int) * rounding
        ct = (ct / rounding).round().astype(int) * rounding
        gt = int(round(gt / rounding) * rounding)
    return Protected(shown, rt, ct, gt, primary, int(hidden.sum()) - primary, threshold, rounding)
