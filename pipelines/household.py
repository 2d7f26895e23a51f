"""Household checks that point at the row holding the fault.

Per No KK in the batch:

- exactly one head; each (No KK, NIK) head counts once, so the same household proposed twice
  is a batch duplicate, not a household with two heads;
- a head whose row failed sends the whole family back, and every member's reason names the
  head's row and its fault (a head born in the future does not make the children "older
  than the head");
- a family without a head, next to a head row whose No KK is broken, or is alone under a
  number one or two digits away: the head's No KK is mistyped. That head is rejected for it
  and the family names the head's row, instead of being told it has no head;
- a family without a head where a member's relationship could not be read names that row;
- the spouse's sex and the children's age are compared with the head's only when both values
  are sound;
- a head under 18 is a note for the supervisor, not a fault.

Everything runs on integer codes and numpy arrays; Python loops only over the few families
whose head failed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from pipelines import problems as P
from pipelines.files import location
from pipelines.reasons import Reason

HEAD = "KEPALA KELUARGA"
MIN_AGE_HEAD = 18


def problems(clean: pd.DataFrame, failed: pd.DataFrame) -> pd.DataFrame:
    """Household problems and notes; `failed` holds the rejecting problems found so far."""
    row_id = clean["row_id"].to_numpy()
    bad = P.Failed(failed, row_id)
    kk, kk_uniques = pd.factorize(clean["no_kk"], use_na_sentinel=True)
    # a row whose No KK failed belongs to no household: nothing is compared against it
    kk_failed = bad.column("no_kk")
    kk[kk_failed] = -1
    groups = len(kk_uniques)
    in_kk = kk >= 0
    rel = clean["hubungan_keluarga"]
    is_head = (rel == HEAD).to_numpy(dtype=bool)
    row_failed = bad.any
    born_ok = ~bad.column("tanggal_lahir")
    out = [_young_heads(clean, is_head & born_ok)]
    if not groups:
        return P.frame(out)
    # the first row of each distinct (KK, NIK) head counts, a sound one before a failed one
    head = np.flatnonzero(in_kk & is_head)
    head = head[np.argsort(row_failed[head], kind="stable")]
    nik, nik_uniques = pd.factorize(clean["nik"].iloc[head], use_na_sentinel=False)
    _, first = np.unique(
        kk[head].astype(np.int64) * (len(nik_uniques) + 1) + nik, return_index=True
    )
    head_rows = head[first]
    n_heads = np.bincount(kk[head_rows], minlength=groups)
    counts = np.where(in_kk, n_heads[np.maximum(kk, 0)], -1)
    out.append(P.problem(row_id[counts > 1], "hubungan_keluarga", Reason.KK_KEPALA_GANDA))
    the_head = np.full(groups, -1, dtype=np.int64)
    single = head_rows[n_heads[kk[head_rows]] == 1]
    the_head[kk[single]] = single
    mine = np.where(in_kk, the_head[np.maximum(kk, 0)], -1)
    has_head = mine >= 0
    head_at = np.maximum(mine, 0)
    head_failed = has_head & row_failed[head_at]
    # a failed head: the family comes back with it
    back = np.flatnonzero(head_failed & (np.arange(len(kk)) != mine) & ~is_head)
    out.append(_family_back(clean, failed, back, mine[back], {}))
    # sound head: compare spouse's sex and children's birth dates where both are sound
    sound = has_head & ~head_failed
    sex_ok = ~bad.column("jenis_kelamin")
    female = (clean["jenis_kelamin"] == "P").to_numpy(dtype=bool)
    male = (clean["jenis_kelamin"] == "L").to_numpy(dtype=bool)
    spouse = rel.isin(["ISTRI", "SUAMI"]).to_numpy(dtype=bool) & sound & sex_ok
    same_sex = (female & female[head_at]) | (male & male[head_at])
    out.append(P.problem(row_id[spouse & same_sex], "jenis_kelamin", Reason.PASANGAN_JENIS_KELAMIN))
    born = clean["tanggal_lahir"].to_numpy(dtype="datetime64[us]")
    child = (rel == "ANAK").to_numpy(dtype=bool) & sound & born_ok
    older = ~np.isnat(born) & ~np.isnat(born[head_at]) & (born <= born[head_at])
    out.append(P.problem(row_id[child & older], "tanggal_lahir", Reason.ANAK_LEBIH_TUA))
    headless = np.flatnonzero(in_kk & (counts == 0))
    if len(headless):
        out.append(_headless(clean, failed, bad, kk, kk_uniques, is_head, headless))
    return P.frame(out)


def ages(born: pd.Series, today: dt.date | None = None) -> np.ndarray:
    """Whole years of age today (NaN where the birth date is empty)."""
    today = today or dt.date.today()
    y = born.dt.year.to_numpy(dtype="float64")
    m = born.dt.month.to_numpy(dtype="float64")
    d = born.dt.day.to_numpy(dtype="float64")
    before_birthday = (m > today.month) | ((m == today.month) & (d > today.day))
    return today.year - y - before_birthday


def _young_heads(clean: pd.DataFrame, heads: np.ndarray) -> pd.DataFrame:
    """A note on heads under 18 (heads: the head rows whose birth date is sound)."""
    at = np.flatnonzero(heads)
    young = ages(clean["tanggal_lahir"].iloc[at]) < MIN_AGE_HEAD
    return P.problem(
        clean["row_id"].to_numpy()[at[young]], "hubungan_keluarga", Reason.KEPALA_DI_BAWAH_18
    )


def _where(clean: pd.DataFrame, head: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """'di baris N' of each head, naming its file when it is not the member's file."""
    cols = ["source_file", "source_sheet"]
    mine = clean[cols].iloc[rows].to_numpy(dtype=object)
    theirs = clean[cols].iloc[head].to_numpy(dtype=object)
    line = clean["source_row"].to_numpy()[head]
    same = (mine == theirs).all(axis=1) if len(rows) else np.zeros(0, dtype=bool)
    return np.array(
        [
            f"di baris {n}" if ok else f"di berkas {location(f, s, n)}"
            for ok, (f, s), n in zip(same, theirs, line, strict=True)
        ],
        dtype=object,
    )


def _family_back(
    clean: pd.DataFrame,
    failed: pd.DataFrame,
    rows: np.ndarray,
    heads: np.ndarray,
    extra: dict[int, str],
) -> pd.DataFrame:
    """'kepala_ditolak' for member rows, naming their head's row and its fault (the head's
    own reasons, plus extra[head] when the fault was found here)."""
    if not len(rows):
        return P.frame([])
    row_id = clean["row_id"].to_numpy()
    wanted = np.unique(heads)
    said = P.reasons_by_row(failed[failed["row_id"].isin(row_id[wanted])])
    fault = {
        h: " ".join(x for x in (str(said.get(row_id[h], "")), extra.get(int(h), "")) if x).strip()
        for h in wanted
    }
    where = _where(clean, heads, rows)
    text = [
        P.detail(detail=w, alasan=_sentence(fault[h])) for w, h in zip(where, heads, strict=True)
    ]
    return P.problem(row_id[rows], "keluarga", Reason.KEPALA_DITOLAK, np.array(text, dtype=object))


def _sentence(text: str) -> str:
    text = text.strip() or "barisnya tidak lolos pemeriksaan."
    return text if text.endswith(".") else text + "."


def _headless(
    clean: pd.DataFrame,
    failed: pd.DataFrame,
    bad: P.Failed,
    kk: np.ndarray,
    kk_uniques: np.ndarray,
    is_head: np.ndarray,
    rows: np.ndarray,
) -> pd.DataFrame:
    """Families with no head: find the head row whose No KK is mistyped next to the family,
    else a member whose relationship could not be read, else 'no head'.

    The batch holds each table's rows in file order, so a family's neighbours in its file are
    its neighbours in the batch (blank rows between skipped): the rows just before and after
    its block, and those inside it where it has gaps (a head listed amid its family), when
    they come from the same file and sheet."""
    row_id = clean["row_id"].to_numpy()
    line = clean["source_row"].to_numpy()
    files, _ = pd.factorize(clean["source_file"].iloc[rows])
    sheets, sheet_names = pd.factorize(clean["source_sheet"].iloc[rows])
    block = (
        pd.DataFrame({"g": kk[rows], "f": files * (len(sheet_names) + 1) + sheets, "pos": rows})
        .groupby(["g", "f"], sort=True)["pos"]
        .agg(["min", "max", "size"])
        .reset_index()
    )
    fam, first = block["g"].to_numpy(), block["min"].to_numpy()
    # (family, candidate position, a position of the family to compare files with)
    pairs_g, pairs_pos, pairs_ref = (
        [fam, fam],
        [first - 1, block["max"].to_numpy() + 1],
        [first, first],
    )
    gaps = block[block["max"] - block["min"] + 1 > block["size"]]
    for g, lo, hi in zip(gaps["g"], gaps["min"], gaps["max"], strict=True):
        inside = np.arange(lo + 1, hi)
        pairs_g.append(np.full(len(inside), g))
        pairs_pos.append(inside)
        pairs_ref.append(np.full(len(inside), lo))
    g, cand, member = (np.concatenate(x) for x in (pairs_g, pairs_pos, pairs_ref))
    inside_batch = (cand >= 0) & (cand < len(kk))
    g, cand, member = g[inside_batch], cand[inside_batch], member[inside_batch]
    ok = is_head[cand] & (kk[cand] != g)
    if ok.any():  # same file and sheet as the family (checked on the few candidates only)
        cols = ["source_file", "source_sheet"]
        here = clean[cols].iloc[cand[ok]].to_numpy(dtype=object)
        there = clean[cols].iloc[member[ok]].to_numpy(dtype=object)
        ok[np.flatnonzero(ok)[~(here == there).all(axis=1)]] = False
    size = np.bincount(kk[kk >= 0], minlength=len(kk_uniques))
    kk_failed = bad.column("no_kk")
    apart = np.full(len(cand), 99, dtype=np.int64)
    if ok.any():  # the card numbers of the few head rows in question only
        no_kk = clean["no_kk"].iloc[cand[ok]].to_numpy(dtype=object)
        apart[ok] = _digits_apart(no_kk, kk_uniques[g[ok]])
    broken = (kk[cand] < 0) | kk_failed[cand]
    alone = (kk[cand] >= 0) & (size[np.maximum(kk[cand], 0)] == 1)
    near = alone & ~broken & (apart >= 1) & (apart <= 2)
    sel = ok & (broken | near)
    found: dict[int, tuple[int, int]] = {}  # group -> (head row position, digits apart)
    for gi, c, a, b in zip(g[sel], cand[sel], apart[sel], broken[sel], strict=True):
        found.setdefault(int(gi), (int(c), 0 if b else int(a)))
    out = []
    extra: dict[int, str] = {}
    mistyped = []
    for g, (c, a) in found.items():
        if 1 <= a <= 2 and not kk_failed[c] and kk[c] >= 0:
            members = rows[kk[rows] == g]
            lines = line[members]
            span = f"baris {lines.min()}" + (
                f"-{lines.max()}" if lines.max() != lines.min() else ""
            )
            mistyped.append(
                P.problem(
                    row_id[[c]], "no_kk", Reason.KK_KEPALA_BEDA, P.detail(digit=a, detail=span)
                )
            )
            extra[c] = f"NO KK-nya berbeda {a} digit dari NO KK anggota keluarga ini."
    out += mistyped
    by_head = np.array([found.get(int(g), (-1, 0))[0] for g in kk[rows]], dtype=np.int64)
    back = by_head >= 0
    out.append(_family_back(clean, failed, rows[back], by_head[back], extra))
    rest = rows[~back]
    if len(rest):
        rel_bad = bad.column("hubungan_keluarga")
        suspects = rest[rel_bad[rest]]
        first = pd.Series(suspects, index=kk[suspects]).groupby(level=0).min()
        who = first.reindex(kk[rest]).to_numpy()
        named = ~np.isnan(who)
        heads = who[named].astype(np.int64)
        out.append(
            P.problem(
                row_id[rest[named]],
                "hubungan_keluarga",
                Reason.KEPALA_TIDAK_TERBACA,
                np.array(
                    [P.detail(detail=w) for w in _where(clean, heads, rest[named])], dtype=object
                ),
            )
        )
        out.append(P.problem(row_id[rest[~named]], "hubungan_keluarga", Reason.KK_TANPA_KEPALA))
    return P.frame(out)


def _digits_apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """How many of 16 digits differ (99 where either is not 16 digits)."""
    out = np.full(len(a), 99, dtype=np.int64)
    ok = np.array(
        [
            isinstance(x, str) and isinstance(y, str) and len(x) == len(y) == 16
            for x, y in zip(a, b, strict=True)
        ],
        dtype=bool,
    )
    if ok.any():
        left = np.frombuffer("".join(a[ok]).encode(), dtype=np.uint8).reshape(-1, 16)
        right = np.frombuffer("".join(b[ok]).encode(), dtype=np.uint8).reshape(-1, 16)
        out[ok] = (left != right).sum(axis=1)
    return out
