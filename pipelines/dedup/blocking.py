"""Candidate pairs for the near-NIK passes, generated from one list of NIK windows.

A NIK is 16 digits: 1-6 the region (province, kab/kota, kecamatan), 7-12 the birth date
(day, +40 for women; month; year), 13-16 a serial. Each block joins persons born the same day
whose NIKs agree outside one window of region or serial digits and the birth-date digits:
a slip there (a substitution, or a swap of two neighbours) keeps every other digit, so the
pair meets in that block. Every digit and every pair of neighbours lies in some block, so
every NIK one substitution or one adjacent swap away is found (tests/test_dedup_blocking.py
generates them, class by class).

Leaving the birth-date digits free costs nothing: the birth date is in every block, and a
NIK's date digits follow from it (digit 7 from the sex too, so a NIK whose sex digit slipped
is found). It also finds what validation rejects: a slip in those digits, alone or with one
in a window (annotate_rejected's note search). The windows are narrow where the digits say
much, so a block holds the few persons born that day with nearly the same region and serial,
whether the register is one dense kecamatan or a whole province whose serials all start at
0001 (freeing the whole region or the whole serial would make blocks of dozens).

Two slips are found when both fall in one block's free digits; the same No KK (a block of its
own) finds two in any digits.

Each block joins on the birth date and one BIGINT (the NIK with its free digits set to 0),
and measures the NIK edit distance there on the free stretch only: the digits outside it are
equal, and an edit distance does not change by dropping a common prefix or suffix.
"""

from __future__ import annotations

DATE_DIGITS = frozenset(range(7, 13))
# (first, last) region or serial digits, 1-based, left free by one block each
NIK_WINDOWS: tuple[tuple[int, int], ...] = ((1, 4), (4, 5), (5, 6), (13, 15), (15, 16))


def free_digits(window: tuple[int, int]) -> frozenset[int]:
    """The digit positions a block leaves free: the window's and the birth date's."""
    return frozenset(range(window[0], window[1] + 1)) | DATE_DIGITS


def covers(a: str, b: str) -> bool:
    """Whether two 16-digit NIKs of persons born the same day meet in a block."""
    differ = {i + 1 for i in range(16) if a[i] != b[i]}
    return any(differ <= free_digits(w) for w in NIK_WINDOWS)


def _digits(nik: str, first: int, last: int) -> str:
    """SQL: the value digits first..last of `nik` (the NIK as BIGINT) add to it."""
    place = 10 ** (16 - last)
    return f"({nik} // {place} % {10 ** (last - first + 1)}) * {place}"


def block_key(nik: str, window: tuple[int, int]) -> str:
    """SQL: `nik` (a BIGINT of the 16 digits) with the block's free digits set to 0."""
    return f"({nik} - {_digits(nik, *window)} - {_digits(nik, 7, 12)})"


def key_columns_sql(nik: str) -> str:
    """SQL select-list: each block's key (`nik_key_1`...) of `nik`, the NIK as BIGINT."""
    return ", ".join(
        f"{block_key(nik, w)} AS nik_key_{i}" for i, w in enumerate(NIK_WINDOWS, start=1)
    )


def nik_pairs_sql(a: str, b: str, select: str, condition: str = "", two_edits: str = "") -> str:
    """SQL: the UNION of one join per NIK window between relations `a` and `b` (aliased a and
    b) on the same birth date (`tanggal_lahir`) and the NIK's kept digits (`nik_int`, the NIK
    as BIGINT), and one join on the same No KK (`no_kk`), each also on `condition`. Each
    selects `select` and `nik_edits`, the Damerau-Levenshtein distance of the NIKs (`nik`,
    16 digits on both sides), for pairs one or two edits apart. Two edits are measured only
    where they can count: the same birth date and `two_edits` (SQL on a and b), so pairs two
    or more digits apart that fail it are dropped before the costly distance.
    """
    extra = f" AND {condition}" if condition else ""
    two = f" AND ({two_edits})" if two_edits else ""
    ham = "hamming(a.nik, b.nik)"

    def edits(first: int, last: int) -> str:
        span = f"{first}, {last - first + 1}"
        return (f"CASE WHEN {ham} = 1 THEN 1 ELSE "
                f"damerau_levenshtein(substr(a.nik, {span}), substr(b.nik, {span})) END")  # fmt: skip

    joins = []
    for i, w in enumerate(NIK_WINDOWS, start=1):
        free = free_digits(w)
        joins.append(
            f"SELECT * FROM (SELECT {select}, {edits(min(free), max(free))} AS nik_edits\n"
            f"        FROM {a} AS a JOIN {b} AS b ON b.tanggal_lahir = a.tanggal_lahir\n"
            f"        AND b.nik_key_{i} = a.nik_key_{i}{extra}\n"
            f"        WHERE a.nik <> b.nik AND ({ham} <= 2 OR (true{two})))\n"
            f"    WHERE nik_edits <= 2"
        )
    joins.append(
        f"SELECT * FROM (SELECT {select}, {edits(1, 16)} AS nik_edits\n"
        f"        FROM {a} AS a JOIN {b} AS b ON b.no_kk = a.no_kk{extra}\n"
        f"        WHERE a.nik <> b.nik\n"
        f"          AND ({ham} <= 2 OR (b.tanggal_lahir = a.tanggal_lahir{two})))\n"
        f"    WHERE nik_edits <= 2"
    )
    return "\n    UNION\n    ".join(joins)
