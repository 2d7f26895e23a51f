"""Candidate pairs for the near-NIK passes, generated from one list of NIK blocks.

A block joins persons born the same day whose NIKs agree on every digit outside the block's
free digits. The NIK is read as four 4-digit chunks: a substitution, or a swap inside a
chunk, leaves three chunks intact; a swap across a chunk boundary leaves the other two. So
one block frees each chunk and one each pair of neighbouring chunks, and every NIK one
substitution or one adjacent swap away meets the row in some block (`covers` is the same
rule in Python, for tests). The same No KK is one more block, which finds two slips in any
digits.

near_nik.sql (a row against the register) and batch_near.sql (a row against the earlier
rows of the batch) use the same blocks: `nik_pairs_sql` writes their UNION of joins.
"""

from __future__ import annotations

CHUNKS: tuple[tuple[int, int], ...] = ((1, 4), (5, 8), (9, 12), (13, 16))  # 1-based digits
# each block's free digits: one chunk, or two neighbouring chunks
BLOCKS: tuple[frozenset[int], ...] = (
    *(frozenset(range(first, last + 1)) for first, last in CHUNKS),
    *(frozenset(range(CHUNKS[i][0], CHUNKS[i + 1][1] + 1)) for i in range(len(CHUNKS) - 1)),
)


def covers(a: str, b: str) -> bool:
    """Whether two 16-digit NIKs of persons born the same day meet in a block."""
    differ = {i + 1 for i in range(16) if a[i] != b[i]}
    return any(differ <= free for free in BLOCKS)


def kept_runs(free: frozenset[int]) -> list[tuple[int, int]]:
    """The runs of digits a block joins on, as (first, last) 1-based positions."""
    runs, start = [], None
    for i in range(1, 18):
        if i <= 16 and i not in free:
            start = start or i
        elif start:
            runs.append((start, i - 1))
            start = None
    return runs


def nik_pairs_sql(a: str, b: str, select: str, condition: str = "") -> str:
    """SQL: the UNION of one join per block between relations `a` and `b` (aliased a and b)
    on the same birth date (`tanggal_lahir`) and the NIK's kept digits (`nik`), and one join
    on the same No KK (`no_kk`); each selects `select` and joins also on `condition`.
    """
    extra = f" AND {condition}" if condition else ""
    joins = []
    for free in BLOCKS:
        keys = " AND ".join(
            f"substr(b.nik, {first}, {last - first + 1}) = substr(a.nik, {first}, {last - first + 1})"
            for first, last in kept_runs(free)
        )
        joins.append(
            f"SELECT {select} FROM {a} AS a JOIN {b} AS b ON b.tanggal_lahir = a.tanggal_lahir\n"
            f"        AND {keys}{extra}"
        )
    joins.append(f"SELECT {select} FROM {a} AS a JOIN {b} AS b ON b.no_kk = a.no_kk{extra}")
    return "\n    UNION\n    ".join(joins)
