"""Relationship codes: which numeric scheme a kelurahan file uses, and its labels.

Dukcapil (the KK card, SIAK): 1 KEPALA KELUARGA, 2 SUAMI, 3 ISTRI, 4 ANAK, 5 MENANTU, 6 CUCU,
7 ORANG TUA, 8 MERTUA, 9 FAMILI LAIN, 10 PEMBANTU, 11 LAINNYA. DTKS / Regsosek / DTSEN:
1 KEPALA KELUARGA, 2 ISTRI/SUAMI, 3 ANAK, 4 MENANTU, 5 CUCU, 6 ORANG TUA/MERTUA, 7 PEMBANTU
RUMAH TANGGA, 8 LAINNYA. A bare '3' is a wife in one and a child in the other, so a file's
numbers are read in one scheme for the whole file, chosen in this order:

1. declared: the column header names the scheme ('SHDK (KODE DUKCAPIL)', 'HUBUNGAN
   (DTKS)'), or a legend near the table spells a code out ('3 = ANAK', '2 = ISTRI/SUAMI',
   '3 = ISTRI'); a title such as 'PRELIST DTKS' declares nothing;
2. a code above 8 (only Dukcapil has 9, 10, 11);
3. the families (a sample of the file's first rows, grouped by No KK, each with one code-1
   head) vote. For DTKS: a woman coded 2 (Dukcapil's 2 is a husband), a man coded 3
   (Dukcapil's 3 is a wife), a '3' under 15 years old born 15+ years after the head (a
   child, never a wife), a family with two or more '3's (children; two wives are rare), a '5'
   under 12 (DTKS's CUCU; Dukcapil's 5 is a married MENANTU), a '6' older than the head
   (DTKS's ORANG TUA/MERTUA; Dukcapil's 6 is a CUCU). For Dukcapil: a woman coded 3 born
   within 10 years of the head (a wife, never a daughter), a '4' under 12 (Dukcapil's ANAK;
   DTKS's 4 is a married MENANTU), a '6' born 30+ years after the head (a grandchild).
   A scheme wins with at least two votes and three times the other's;
4. a header 'SHDK' (the KK card's term) with no DTKS vote: Dukcapil;
5. otherwise the Dinas default, dtks.toml `[data] skema_hubungan` ("dtks", the default, or
   "dukcapil"), and a warning for the file showing the reading applied. Files whose only code
   is 1 need no scheme.

So a head with several 3s and no 4s reads as DTKS (ANAK): 3 is never read as ISTRI in a file
that looks like DTKS.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.errors import ConfigError
from pipelines.normalize.values import clean_id_value, is_missing, parse_date_value, parse_sex
from pipelines.settings import Settings

SCHEMES: dict[str, dict[int, str]] = {
    "dtks": {1: "KEPALA KELUARGA", 2: "ISTRI/SUAMI", 3: "ANAK", 4: "MENANTU", 5: "CUCU",
             6: "ORANG TUA/MERTUA", 7: "PEMBANTU", 8: "LAINNYA"},
    "dukcapil": {1: "KEPALA KELUARGA", 2: "SUAMI", 3: "ISTRI", 4: "ANAK", 5: "MENANTU",
                 6: "CUCU", 7: "ORANG TUA", 8: "MERTUA", 9: "FAMILI LAIN", 10: "PEMBANTU",
                 11: "LAINNYA"},
}  # fmt: skip
NAMES = {"dtks": "DTKS/Regsosek/DTSEN", "dukcapil": "Dukcapil (KK)"}
DEFAULT = "dtks"
SAMPLE = 300  # rows voted on: some eighty families
_CODE = re.compile(r"^0*(\d{1,2})(?:\.0+)?$")
# in the relationship column's header: 'SHDK (KODE DUKCAPIL)', 'HUBUNGAN (KODE DTKS)'
_HEADER = [
    (re.compile(r"DUKCAPIL|\bKK\s*DUKCAPIL"), "dukcapil"),
    (re.compile(r"DTKS|REGSOSEK|DTSEN|SIKS"), "dtks"),
]
# SHDK (status hubungan dalam keluarga) is the KK card's term: a hint, after the evidence
_SHDK = re.compile(r"\bSHDK\b")
# a legend anywhere near the table: '3 = ISTRI', '2=ISTRI/SUAMI', '3. ANAK'
_LEGEND = [
    (re.compile(r"(?<!\d)3\s*[=:.)\-]\s*ISTRI|(?<!\d)2\s*[=:.)\-]\s*SUAMI\b(?!\s*/)"), "dukcapil"),
    (re.compile(r"(?<!\d)3\s*[=:.)\-]\s*ANAK|(?<!\d)2\s*[=:.)\-]\s*ISTRI\s*/\s*SUAMI"), "dtks"),
]


@dataclass
class Choice:
    """The scheme a file's relationship numbers are read in, and why."""

    scheme: str
    how: str  # 'dinyatakan', 'kode > 8', 'isi', 'bawaan', 'tidak perlu'
    votes: tuple[int, int] = (0, 0)  # (DTKS, Dukcapil)

    @property
    def warn(self) -> bool:
        """No declaration and no clear evidence: the Dinas default was applied."""
        return self.how == "bawaan"

    def legend(self) -> str:
        """'1 KEPALA KELUARGA, 2 ISTRI/SUAMI, ...' of the scheme applied."""
        return ", ".join(f"{k} {v}" for k, v in SCHEMES[self.scheme].items())

    def note(self) -> str:
        """How the numbers were read, in Indonesian, for the mapping listing."""
        why = {
            "dinyatakan": "dinyatakan di berkas",
            "kode > 8": "ada kode di atas 8",
            "isi": f"dari isi keluarga ({self.votes[0]} petunjuk DTKS, {self.votes[1]} Dukcapil)",
            "bawaan": "tidak dapat dipastikan dari isi; dipakai bawaan Dinas (dtks.toml)",
            "judul SHDK": "isi tidak memastikan; judul SHDK adalah istilah KK Dukcapil",
            "tidak perlu": "hanya kode 1",
        }[self.how]
        return f"kode angka dibaca skema {NAMES[self.scheme]} ({why}): {self.legend()}"


def code_of(v: Any) -> int | None:
    """A relationship cell that is a number (3, 3.0, '03') -> the number."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return int(v) if float(v).is_integer() else None
    if isinstance(v, str):
        m = _CODE.match(v.strip())
        return int(m.group(1)) if m else None
    return None


def default_scheme(settings: Settings) -> str:
    """The Dinas default, dtks.toml [data] skema_hubungan ('dtks' when unset)."""
    value = settings.data.skema_hubungan.strip().lower()
    if value not in SCHEMES:
        raise ConfigError(
            f"dtks.toml [data] skema_hubungan = '{value}' tidak dikenali; isi \"dtks\" "
            '(1 KEPALA KELUARGA, 2 ISTRI/SUAMI, 3 ANAK, ...) atau "dukcapil" (1 KEPALA '
            "KELUARGA, 2 SUAMI, 3 ISTRI, 4 ANAK, ...)."
        )
    return value


def codes_in(values: pd.Series) -> tuple[np.ndarray, list[Any], list[int | None]]:
    """pd.factorize of a relationship column and the code (or None) of each distinct cell."""
    ids, uniques = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    return ids, list(uniques), [code_of(u) for u in uniques]


def has_numbers(values: pd.Series) -> bool:
    """Whether any cell is a number or a 1-2 digit text ('3', '03'): in Arrow, without a
    Python call per cell (most files write relationships as words)."""
    try:
        text = pa.array(values.to_numpy(dtype=object), type=pa.large_string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return True  # number cells among the text
    hit = pc.match_substring_regex(text, r"^\s*0*\d{1,2}(?:\.0+)?\s*$")
    return bool(pc.any(hit).as_py())


def choose(df: pd.DataFrame, header: str, around: str, default: str) -> Choice | None:
    """The scheme of a prelist frame's relationship numbers; None when it has none.

    header: the relationship column's header cell; around: the text of the sheet outside the
    table's body (title rows, notes under it), where a legend may stand."""
    if "hubungan_keluarga" not in df or not has_numbers(df["hubungan_keluarga"]):
        return None
    _, _, codes = codes_in(df["hubungan_keluarga"])
    present = {c for c in codes if c is not None}
    if not present:
        return None
    for patterns, text in ((_HEADER, header), (_LEGEND, f"{header} {around}")):
        for pattern, scheme in patterns:
            if pattern.search(text.upper()):
                return Choice(scheme, "dinyatakan")
    if max(present) > 8:
        return Choice("dukcapil", "kode > 8")
    if present <= {1}:
        return Choice(default, "tidak perlu")
    dtks, dukcapil = votes(df.iloc[:SAMPLE])
    if dtks >= 2 and dtks >= 3 * dukcapil:
        return Choice("dtks", "isi", (dtks, dukcapil))
    if dukcapil >= 2 and dukcapil >= 3 * dtks:
        return Choice("dukcapil", "isi", (dtks, dukcapil))
    if _SHDK.search(header.upper()) and not dtks:
        return Choice("dukcapil", "judul SHDK", (dtks, dukcapil))
    return Choice(default, "bawaan", (dtks, dukcapil))


def votes(sample: pd.DataFrame) -> tuple[int, int]:
    """(DTKS votes, Dukcapil votes) from the families of a sample (see the module's doc)."""
    today = dt.date.today()
    col = lambda name: sample[name].tolist() if name in sample else [None] * len(sample)  # noqa: E731
    kks = [clean_id_value(v)[0] if not is_missing(v) else None for v in col("no_kk")]
    codes = [code_of(v) for v in col("hubungan_keluarga")]
    sexes = [parse_sex(v)[0] if not is_missing(v) else None for v in col("jenis_kelamin")]
    born = [parse_date_value(v)[0] if not is_missing(v) else None for v in col("tanggal_lahir")]
    families: dict[str, list[int]] = {}
    for i, k in enumerate(kks):
        if k:
            families.setdefault(k, []).append(i)
    dtks = dukcapil = 0
    for rows in families.values():
        heads = [i for i in rows if codes[i] == 1]
        if len(heads) != 1:
            continue
        hb = born[heads[0]]
        threes = 0
        for i in rows:
            c, s, b = codes[i], sexes[i], born[i]
            gap = (b - hb).days / 365.25 if b and hb else None  # years born after the head
            age = (today - b).days / 365.25 if b else None
            if c == 2 and s == "P":
                dtks += 1
            elif c == 3:
                threes += 1
                if s == "L" or (age is not None and age < 15 and gap is not None and gap >= 15):
                    dtks += 1
                elif s == "P" and gap is not None and abs(gap) <= 10:
                    dukcapil += 1
            elif c == 4 and age is not None and age < 12:
                dukcapil += 1
            elif c == 5 and age is not None and age < 12:
                dtks += 1
            elif c == 6 and gap is not None:
                dtks += gap < 0
                dukcapil += gap >= 30
        dtks += threes >= 2
    return dtks, dukcapil


def apply(values: pd.Series, scheme: str) -> pd.Series:
    """The relationship column with its numbers replaced by the scheme's labels (a number the
    scheme lacks is left, and reported as not understood)."""
    ids, uniques, codes = codes_in(values)
    table = SCHEMES[scheme]
    if not any(c in table for c in codes if c is not None):
        return values
    labels = np.array(
        [table.get(c, u) if c is not None else u for u, c in zip(uniques, codes, strict=True)]
        + [None],
        dtype=object,
    )
    return pd.Series(labels[ids], index=values.index, dtype=object)
