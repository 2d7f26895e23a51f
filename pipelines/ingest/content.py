"""Recognise a column by its values when its header is unknown, doubled or merged.

Looks at a sample of the rows under the header (the first SAMPLE rows holding at least three
cells: families stay together, the signature block stays out), never at every row, so a
million-row file costs the same as a small one. Each column gets a profile (how many cells
are 16-digit numbers, dates, sex or relationship words, decision words, small numbers, names)
and the fields the header left unfound are filled from the clearest profiles:

- 16-digit numbers: the column whose values repeat on consecutive rows (one family, one card)
  is NO KK; the one whose values differ on every row is NIK; a repeating column whose values
  are NIKs of the same file is the head's NIK (DTSEN's 'NIK KK'). In a berita acara (one row
  per family) a 16-digit column is a key matched against both No KK and NIK.
- dates (date cells, Excel serials from 1902 on, typed dates), L/P words, relationship words,
  marital-status words, decision words (berita acara only), 10-digit region codes;
- small numbers, told apart within families: the same number for a whole family and different
  numbers across families is RT (then RW); numbers 1-11 with one '1' per family, written on
  the family's first row, are relationship codes; 1/2 varying inside families is sex;
- names: letters only, mostly different from row to row.

A column is taken only when at least 60% of its sampled cells fit, and only for a field no
header named. Everything decided here is listed (Pemetaan Kolom) so a supervisor can check.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pipelines.ingest.decisions import read_decision
from pipelines.normalize.values import (
    clean_id_value,
    is_missing,
    parse_date_value,
    parse_marital,
    parse_relationship,
    parse_sex,
)

SAMPLE = 400
FIT = 0.6
_SERIAL_MIN = 730  # 1901-12-31: smaller numbers are RT, codes or counts, not birth dates
_LETTERS = re.compile(r"^[A-Za-z][A-Za-z .,'`\-]*[A-Za-z.]$")
_RTRW_TEXT = re.compile(r"^(?:R[TW]\.?\s*)?0*(\d{1,3})$", re.I)
_SMALL_INT = re.compile(r"^0*(\d{1,3})(?:\.0+)?$")
_REGION = re.compile(r"^\d{2}\.?\d{2}\.?\d{2}\.?\d{4}$")
# what a column is called in the mapping listing when it was recognised by its values
EVIDENCE = {
    "nik": "16 digit, berbeda tiap baris",
    "no_kk": "16 digit, sama untuk satu keluarga",
    "nik_kepala_keluarga": "16 digit, NIK kepala keluarga",
    "kunci_id": "16 digit (dicocokkan dengan NO KK atau NIK)",
    "tanggal_lahir": "berisi tanggal",
    "jenis_kelamin": "berisi L/P",
    "hubungan_keluarga": "berisi hubungan keluarga",
    "status_kawin": "berisi status kawin",
    "keputusan": "berisi keputusan musyawarah",
    "kode_wilayah": "berisi kode wilayah 10 digit",
    "rt": "angka kecil, sama untuk satu keluarga",
    "rw": "angka kecil, sama untuk satu keluarga",
    "nama": "berisi nama",
    "nama_kepala_keluarga": "berisi nama",
}


@dataclass
class Profile:
    """What the sampled cells of one column look like (shares of the non-blank cells)."""

    n: int = 0
    ids: list[str | None] = field(default_factory=list)  # per sampled row, 16-digit or None
    id_share: float = 0.0
    repeat: float = 0.0  # share of id cells equal to the id on the row above
    date: float = 0.0
    sex_word: float = 0.0
    rel_word: float = 0.0
    marital_word: float = 0.0
    decision_word: float = 0.0  # beyond a bare YA/TIDAK
    decision_any: float = 0.0
    region: float = 0.0
    small: list[int | None] = field(default_factory=list)  # per sampled row
    small_share: float = 0.0
    name: float = 0.0
    distinct: float = 0.0


def sample_rows(body: np.ndarray) -> np.ndarray:
    """Row positions of the first SAMPLE rows that hold at least three cells."""
    head = body[: SAMPLE * 3]
    if not len(head):
        return np.zeros(0, dtype=np.int64)
    filled = (~_blank_column(head)).sum(axis=1)
    return np.flatnonzero(filled >= 3)[:SAMPLE]


def profile(cells: list[Any]) -> Profile:
    """The profile of one column's sampled cells (blank cells count in no share)."""
    p = Profile()
    filled = [v for v in cells if not is_missing(v)]
    p.n = len(filled)
    if not p.n:
        return p
    share = lambda k: k / p.n  # noqa: E731
    for v in cells:
        p.ids.append(_id16(v))
        p.small.append(_small_int(v))
    ids = [i for i in p.ids if i]
    p.id_share = share(len(ids))
    if ids:
        same = sum(1 for a, b in zip(p.ids[1:], p.ids[:-1], strict=True) if a and a == b)
        p.repeat = same / len(ids)
    words = [v for v in filled if isinstance(v, str) and not v.strip().isdigit()]
    p.date = share(sum(_is_date(v) for v in filled))
    p.sex_word = share(sum(parse_sex(v)[1] is None for v in words))
    p.rel_word = share(sum(parse_relationship(v)[1] is None for v in words))
    p.marital_word = share(sum(parse_marital(v)[1] is None for v in words))
    decisions = [read_decision(v)[0] is not None for v in filled]
    p.decision_any = share(sum(decisions))
    p.decision_word = share(
        sum(
            ok and _key(v) not in {"YA", "TIDAK", "Y", "T"}
            for ok, v in zip(decisions, filled, strict=True)
        )
    )
    p.region = share(sum(isinstance(v, str) and bool(_REGION.match(v.strip())) for v in filled))
    p.small_share = share(sum(s is not None for s in p.small))
    p.name = share(
        sum(isinstance(v, str) and bool(_LETTERS.match(" ".join(v.split()))) for v in filled)
    )
    p.distinct = len({str(v).strip().upper() for v in filled}) / p.n
    return p


def _key(v: Any) -> str:
    return re.sub(r"[^A-Z]", "", str(v).upper())


def _id16(v: Any) -> str | None:
    if is_missing(v) or isinstance(v, dt.date):
        return None
    digits, problem = clean_id_value(v)
    if digits and len(digits) == 16:
        return digits
    if problem in ("id_terpotong", "id_notasi_ilmiah"):
        return "?" + str(v)  # an identifier Excel damaged: still an id column
    return None


def is_identifier(v: Any) -> bool:
    """A NIK or No KK cell, whole or damaged by Excel."""
    return _id16(v) is not None


def _small_int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return int(v) if float(v).is_integer() and 0 <= v < 1000 else None
    if isinstance(v, str):
        m = _SMALL_INT.match(v.strip()) or _RTRW_TEXT.match(v.strip())
        return int(m.group(1)) if m else None
    return None


def _is_date(v: Any) -> bool:
    if isinstance(v, dt.date):
        return True
    if isinstance(v, bool):
        return False
    if isinstance(v, int | float):
        return _SERIAL_MIN <= v < 60000 and float(v).is_integer()
    if isinstance(v, str) and v.strip().isdigit():
        s = v.strip()  # '1', '12', '0001' are numbers; '29000' a date cell saved to CSV
        return len(s) == 5 and _SERIAL_MIN <= int(s) < 60000
    d, problem = parse_date_value(v)
    return problem is None and d is not None and 1900 <= d.year <= 2100


# ------------------------------------------------------------------ families in the sample


def families(kk_ids: list[str | None]) -> list[list[int]]:
    """Runs of consecutive sampled rows sharing one No KK (positions in the sample)."""
    out: list[list[int]] = []
    for i, k in enumerate(kk_ids):
        if k is None:
            continue
        if out and kk_ids[out[-1][-1]] == k and out[-1][-1] == i - 1:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def constant_in_families(values: list[int | None], fams: list[list[int]]) -> bool:
    """One value per family (families of two or more) while families differ: RT or RW."""
    multi = [f for f in fams if len(f) >= 2]
    if len(multi) < 3:
        return False
    same = sum(len({values[i] for i in f}) == 1 and values[f[0]] is not None for f in multi)
    per_family = {values[f[0]] for f in multi}
    return same >= 0.9 * len(multi) and len(per_family) >= 2


def relationship_codes(values: list[int | None], fams: list[list[int]]) -> bool:
    """Codes 1-11, one '1' per family, some code above 2: relationship codes. Marital codes
    (1 BELUM KAWIN .. 4) can look alike in one-child families; but there the '1' is a child
    below its parents and two '2's (KAWIN) stand in the family, so the head's '1' must
    mostly open its family and few families may hold two '2's."""
    vals = [v for v in values if v is not None]
    if not vals or max(vals) > 11 or min(vals) < 1 or max(vals) < 3 or len(fams) < 3:
        return False
    one_head = sum(sum(values[i] == 1 for i in f) == 1 for f in fams)
    first = sum(values[f[0]] == 1 for f in fams)
    two_twos = sum(sum(values[i] == 2 for i in f) >= 2 for f in fams)
    return one_head >= 0.7 * len(fams) and first >= 0.5 * len(fams) and two_twos <= 0.2 * len(fams)


def sex_codes(values: list[int | None], fams: list[list[int]]) -> bool:
    """Only 1 and 2, both used, and differing inside some families: sex coded 1/2."""
    vals = {v for v in values if v is not None}
    if vals != {1, 2}:
        return False
    mixed = sum(len({values[i] for i in f}) > 1 for f in fams if len(f) >= 2)
    return mixed >= 2


def is_sequence(values: list[int | None]) -> bool:
    """1, 2, 3, ... on consecutive rows: a NO column."""
    vals = [v for v in values if v is not None]
    return len(vals) >= 3 and all(b == a + 1 for a, b in zip(vals, vals[1:], strict=False))


# ------------------------------------------------------------------ completing a header

PERSON_NEEDED = ["nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "hubungan_keluarga"]
ID_FIELDS = {"nik", "no_kk", "nik_kepala_keluarga", "kunci_id"}


@dataclass
class Read:
    """How one column was read: the field, and 'judul' (header) or 'isi' (its values)."""

    field: str
    how: str
    note: str = ""


def needs_a_look(
    candidates: dict[int, list[str]], body: np.ndarray, width: int, context: str
) -> bool:
    """Whether the header leaves anything to settle by content (cheap: a few array tests)."""
    chosen = [c[0] for c in candidates.values() if len(c) == 1]
    if len(chosen) != len(set(chosen)) or any(len(c) > 1 for c in candidates.values()):
        return True  # a field named twice, or a merged 'NIK / NO KK' header
    needed = {"keputusan"} if context == "musyawarah" else set(PERSON_NEEDED)
    if not needed <= set(chosen):
        return True
    head = body[:SAMPLE]
    for c in range(width):
        if c not in candidates and len(head) and not _blank_column(head[:, c]).all():
            return True  # an unknown (or blank) header over cells with data
    return False


def _blank_column(cells: np.ndarray) -> np.ndarray:
    return pd.isna(cells) | (cells == "")


def complete(
    candidates: dict[int, list[str]], body: np.ndarray, width: int, context: str
) -> dict[int, Read]:
    """Column index -> how it is read, from the header's candidates and a sample of the rows.

    candidates: column -> the fields its header names (one, two for a merged header such as
    'NIK / NO KK' spread over two columns, none for an unknown or blank header).
    context: 'musyawarah' when the sheet is a berita acara, else 'prelist'.
    """
    rows = sample_rows(body)
    cells = body[rows] if len(rows) else body[:0]
    profiles: dict[int, Profile] = {}

    def prof(c: int) -> Profile:
        if c not in profiles:
            profiles[c] = profile(list(cells[:, c])) if c < cells.shape[1] else Profile()
        return profiles[c]

    out: dict[int, Read] = {}
    open_cols: dict[int, list[str] | None] = {}  # column -> fields it may take (None: any)
    by_field: dict[str, list[int]] = {}
    for c, names in candidates.items():
        if len(names) == 1:
            by_field.setdefault(names[0], []).append(c)
        elif names:
            open_cols[c] = list(names)
    for name, cols in by_field.items():
        if len(cols) == 1:
            c = cols[0]
            if name in ID_FIELDS | {"tanggal_lahir", "nama"} and len(rows) and prof(c).n == 0:
                open_cols[c] = None  # a header over an empty column: its field is still open
                continue
            out[c] = Read(name, "judul")
            continue
        # the same field named twice: the column whose cells fit it best keeps it
        fit = [(_fit(prof(c), name), -c) for c in cols]
        best = cols[fit.index(max(fit))]
        out[best] = Read(name, "judul", "judul ganda: kolom ini dipakai (isinya paling sesuai)")
        for c in cols:
            if c != best:
                open_cols[c] = None
    for c in range(width):
        if c not in candidates and c < cells.shape[1] and prof(c).n:
            open_cols[c] = None
    if not open_cols:
        return out
    taken = {r.field for r in out.values()}

    def take(c: int, name: str, note: str = "") -> None:
        out[c] = Read(name, "isi", note or EVIDENCE.get(name, ""))
        taken.add(name)
        open_cols.pop(c, None)

    def allowed(c: int, name: str) -> bool:
        limits = open_cols.get(c)
        return name not in taken and (limits is None or name in limits)

    _assign_ids(open_cols, prof, allowed, take, taken, context, out)
    order = sorted(open_cols)
    simple = [
        ("keputusan", lambda p: p.decision_word >= FIT
         or (context == "musyawarah" and p.decision_any >= FIT)),
        ("kode_wilayah", lambda p: p.region >= FIT),
        ("tanggal_lahir", lambda p: context != "musyawarah" and p.date >= FIT),
        ("jenis_kelamin", lambda p: p.sex_word >= FIT),
        ("hubungan_keluarga", lambda p: p.rel_word >= FIT),
        ("status_kawin", lambda p: p.marital_word >= FIT),
    ]  # fmt: skip
    for name, test in simple:
        for c in order:
            if c in open_cols and allowed(c, name) and test(prof(c)):
                take(c, name)
                break
    _assign_numbers(open_cols, prof, allowed, take, context, out)
    name_field = "nama_kepala_keluarga" if context == "musyawarah" else "nama"
    if context == "musyawarah" and "nama" in taken:
        name_field = ""  # a NAMA header in a berita acara is the head's name already
    for c in sorted(open_cols):
        p = prof(c)
        if name_field and allowed(c, name_field) and p.name >= FIT and p.distinct >= 0.5:
            take(c, name_field)
            break
    return out


def _fit(p: Profile, name: str) -> float:
    """How many sampled cells fit a field (used to pick between two columns of one name)."""
    if name in ID_FIELDS:
        return p.id_share * p.n
    if name == "tanggal_lahir":
        return p.date * p.n
    return float(p.n)


def _assign_ids(open_cols, prof, allowed, take, taken, context, out) -> None:
    """16-digit columns: NIK, NO KK, the head's NIK, or (berita acara) a key to match."""
    id_cols = [c for c in sorted(open_cols) if prof(c).id_share >= FIT]
    if context == "musyawarah":
        # one row per family: a NIK shows itself by a woman's birth day (41-71) in digits 7-8
        for c in id_cols:
            limits = open_cols.get(c)
            # a merged header names its fields in order; otherwise one row per family leaves
            # nothing to tell a card from a NIK by: the key is matched against both
            names = [n for n in limits if allowed(c, n)] if limits is not None else []
            names.append("kunci_id")
            name = next((n for n in names if allowed(c, n)), None)
            if name:
                take(c, name)
        return
    known_nik = next((c for c, r in out.items() if r.field == "nik"), None)
    nik_values = set(filter(None, prof(known_nik).ids)) if known_nik is not None else set()
    # the most repeating column is the card number, the least repeating the person's NIK
    for c in sorted(id_cols, key=lambda c: -prof(c).repeat):
        p = prof(c)
        vals = [v for v in p.ids if v]
        head_like = nik_values and sum(v in nik_values for v in vals) >= 0.5 * len(vals)
        if head_like and p.repeat > 0:
            if allowed(c, "nik_kepala_keluarga"):
                take(c, "nik_kepala_keluarga")
            continue
        if p.repeat >= 0.2 and allowed(c, "no_kk"):
            take(c, "no_kk")
    for c in sorted(id_cols, key=lambda c: prof(c).repeat):
        if c in open_cols and prof(c).repeat < 0.5 and allowed(c, "nik"):
            take(c, "nik")
            nik_values = set(filter(None, prof(c).ids))
    for c in id_cols:  # a single family per card in the sample: what is left is the card
        if c in open_cols and allowed(c, "no_kk"):
            take(c, "no_kk")
    # DTSEN's 'NIK KK' is the head's NIK; unless its values are no NIK of the file, when it
    # holds the card number after all
    head = next((c for c, r in out.items() if r.field == "nik_kepala_keluarga"), None)
    if head is not None and "no_kk" not in taken and nik_values:
        vals = [v for v in prof(head).ids if v]
        if vals and sum(v in nik_values for v in vals) < 0.5 * len(vals):
            out[head] = Read(
                "no_kk", "isi", "judul NIK KK, tetapi isinya bukan NIK anggota: dibaca NO KK"
            )
            taken.add("no_kk")


def _assign_numbers(open_cols, prof, allowed, take, context, out) -> None:
    """Small numbers, told apart within families (the families come from the No KK)."""
    kk = next((c for c, r in out.items() if r.field in ("no_kk", "kunci_id")), None)
    if kk is None:
        return
    fams = families(prof(kk).ids)
    for c in sorted(open_cols):
        p = prof(c)
        if c not in open_cols or p.small_share < FIT:
            continue
        if is_sequence(p.small):
            open_cols.pop(c)
            out[c] = Read("no", "isi", "nomor urut")
        elif context == "musyawarah":
            continue  # one row per family: nothing to tell RT from a count
        elif allowed(c, "rt") and constant_in_families(p.small, fams):
            take(c, "rt")
        elif allowed(c, "rw") and constant_in_families(p.small, fams):
            take(c, "rw")
        elif allowed(c, "hubungan_keluarga") and relationship_codes(p.small, fams):
            take(c, "hubungan_keluarga", "kode 1-11, satu kode 1 (kepala) per keluarga")
        elif allowed(c, "jenis_kelamin") and sex_codes(p.small, fams):
            take(c, "jenis_kelamin", "kode 1/2")
