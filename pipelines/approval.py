"""Was each household approved in its kelurahan's musyawarah?

A decision row names its household by No KK, by the head's NIK, by a 16-digit key that may be
either, or by the head's name with the RT; resolve() turns each into the No KK of a household
in the same kelurahan's prelist. check() then gives every prelist row its decision.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import reasons as R
from pipelines.ingest.decisions import ACCEPTED_WORDS


def name_key(s: pd.Series) -> pd.Series:
    """Upper-case letters, one space apart: how a head's name is compared."""
    return (
        s.fillna("")
        .astype(str)
        .str.upper()
        .map(lambda v: " ".join(re.sub(r"[^A-Z ]", " ", v).split()))
    )


def resolve(decisions: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """decisions plus `kk_cocok` (the household's No KK, or None) and `cocok_lewat`.

    rows: every prelist row of the batch (folder_kode, no_kk, nik, nama, rt,
    hubungan_keluarga). A No KK is taken as written (a household missing from the prelist
    stays a No KK the prelist lacks); a NIK finds the household of the member who holds it;
    a name with an RT must name exactly one head of household in the kelurahan.
    """
    d = decisions.copy()
    for col in ("nik_kepala", "kunci_id", "nama_kepala_keluarga", "rt"):
        if col not in d.columns:
            d[col] = None
    d["kk_cocok"] = d["no_kk"].where(d["no_kk"].notna(), None)
    d["cocok_lewat"] = np.where(d["kk_cocok"].notna(), "NO KK", None)
    r = rows[rows["no_kk"].notna()]
    keyed = r
    if not (d["kk_cocok"].isna() & (d["nik_kepala"].notna() | d["kunci_id"].notna())).any():
        keyed = r.iloc[:0]  # no decision is keyed by a NIK or a key of either kind
    # (folder_kode, No KK) and (folder_kode, NIK) -> No KK, looked up column-wise
    by_kk = pd.MultiIndex.from_arrays([keyed["folder_kode"], keyed["no_kk"]])
    by_nik = (
        keyed[keyed["nik"].notna()]
        .drop_duplicates(["folder_kode", "nik"])
        .set_index(["folder_kode", "nik"])["no_kk"]
    )

    def settle(kks: pd.Series, how: str) -> None:
        kks = kks.dropna()
        d.loc[kks.index, "kk_cocok"] = kks
        d.loc[kks.index, "cocok_lewat"] = how

    def pairs(rows: pd.Index, col: str) -> list[tuple]:
        return list(zip(d.loc[rows, "folder_kode"], d.loc[rows, col], strict=True))

    # the head's NIK: the household of the member holding it
    todo = d.index[d["kk_cocok"].isna() & d["nik_kepala"].notna()]
    settle(pd.Series(by_nik.reindex(pairs(todo, "nik_kepala")).to_numpy(), index=todo), "NIK")
    # a key that may be either: a card of the prelist, else a NIK, else a card the prelist lacks
    todo = d.index[d["kk_cocok"].isna() & d["kunci_id"].notna()]
    known = pd.MultiIndex.from_tuples(pairs(todo, "kunci_id"), names=by_kk.names).isin(by_kk)
    as_kk = d.loc[todo, "kunci_id"].where(known, None)
    settle(pd.Series(as_kk.to_numpy(dtype=object), index=todo, dtype=object), "NO KK")
    todo = d.index[d["kk_cocok"].isna() & d["kunci_id"].notna()]
    settle(pd.Series(by_nik.reindex(pairs(todo, "kunci_id")).to_numpy(), index=todo), "NIK")
    todo = d.index[d["kk_cocok"].isna() & d["kunci_id"].notna()]
    settle(d.loc[todo, "kunci_id"], "NO KK")
    todo = d["kk_cocok"].isna()
    named = todo & d["nama_kepala_keluarga"].notna() & d["rt"].notna()
    if named.any():
        heads = r[r["hubungan_keluarga"] == "KEPALA KELUARGA"]
        heads = heads.assign(_nama=name_key(heads["nama"]))[["folder_kode", "_nama", "rt", "no_kk"]]
        unique = heads.drop_duplicates().groupby(["folder_kode", "_nama", "rt"])["no_kk"]
        one = unique.agg(lambda s: s.iloc[0] if s.nunique() == 1 else None)
        want = d.loc[named]
        keys = list(
            zip(
                want["folder_kode"], name_key(want["nama_kepala_keluarga"]), want["rt"], strict=True
            )
        )
        found = pd.Series(one.reindex(keys).to_numpy(), index=want.index).dropna()
        d.loc[found.index, "kk_cocok"] = found
        d.loc[found.index, "cocok_lewat"] = "nama+RT"
    return d


def check(
    rows: pd.DataFrame,
    decisions: pd.DataFrame,
    folders_with_ba: set[str],
    held: dict[str, str] | None = None,
    all_rows: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """row_id, approved, reason for each row (rows need row_id, folder_kode, no_kk).

    held: kelurahan whose berita acara cannot be read (a scan, no decision column) -> the
    one reason its rows get. all_rows: every prelist row, to resolve NIK and name keys
    (default: rows).
    """
    held = held or {}
    d = resolve(decisions, rows if all_rows is None else all_rows)
    d = d[d["kk_cocok"].notna()]
    if "alasan_kode" not in d.columns:
        d = d.assign(alasan_kode=None)
    per_kk = _per_household(d)
    keys = pd.MultiIndex.from_arrays([rows["folder_kode"], rows["no_kk"]])
    # object columns: with no decision found at all the texts come back float (NaN), and
    # filling a float column with '' is deprecated in pandas 3 (an error in pandas 4)
    found = per_kk.reindex(keys).astype({"alasan": object, "asli": object, "baris": object})
    folder = rows["folder_kode"].to_numpy()
    is_held = rows["folder_kode"].isin(list(held)).to_numpy(dtype=bool)
    has_ba = rows["folder_kode"].isin(list(folders_with_ba)).to_numpy(dtype=bool)
    in_ba = found["all_yes"].notna().to_numpy()
    approved = (found["all_yes"] == True).to_numpy() & in_ba & ~is_held  # noqa: E712
    unknown = (found["any_unknown"] == True).to_numpy()  # noqa: E712
    empty = (found["all_empty"] == True).to_numpy()  # noqa: E712
    # the first condition that holds gives the reason (as np.select would), each text built
    # only for the rows it is given to
    reason = np.empty(len(rows), dtype=object)
    todo = np.ones(len(rows), dtype=bool)

    def give(mask: np.ndarray, text) -> None:
        at = np.flatnonzero(todo & mask)
        reason[at] = text(at) if callable(text) else text
        todo[at] = False

    def column(name: str, at: np.ndarray) -> np.ndarray:
        return found[name].iloc[at].fillna("").to_numpy(dtype=object)

    give(is_held, lambda at: pd.Series(folder[at]).map(held).to_numpy(dtype=object))
    give(~has_ba, R.MUSY_NO_BA)
    give(~in_ba, R.MUSY_MISSING)
    give(approved, "")
    give(
        unknown & empty,
        lambda at: (
            "Keputusan musyawarah untuk keluarga ini kosong di berita acara (baris "
            + column("baris", at)
            + "); isi keputusannya."
        ),
    )
    give(
        unknown,
        lambda at: (
            "Keputusan musyawarah '"
            + column("asli", at)
            + f"' tidak dikenali; tulis salah satu: {ACCEPTED_WORDS}."
        ),
    )
    give(todo, lambda at: (
        "Ditolak dalam musyawarah: "
        + pd.Series(column("alasan", at)).replace("", "tidak layak").to_numpy(dtype=object)
        + "."))  # fmt: skip
    # the reason code the decisions give (meninggal, pindah, ...; several joined by ','): on
    # a registered person a request to deactivate it (deactivation.py)
    code = found["kode"].fillna("").to_numpy(dtype=object)
    code = np.where(approved | is_held | ~in_ba, "", code)
    return pd.DataFrame(
        {
            "row_id": rows["row_id"].to_numpy(),
            "approved": approved,
            "reason": reason,
            "alasan_kode": code,
        }
    )


def _per_household(d: pd.DataFrame) -> pd.DataFrame:
    """Per (folder_kode, kk_cocok): whether every decision approves, any is not understood,
    every cell is empty, and the distinct reasons, original words, berita acara rows and
    reason codes, each sorted and joined.

    Column-wise: the texts are sorted and joined with Arrow over the whole frame, never a
    Python function per household (that took ~17 s under cProfile for 200,000 rows)."""
    d = d.assign(
        _unknown=d["disetujui"].isna(),
        _yes=[v is True or v == True for v in d["disetujui"].to_numpy(dtype=object)],  # noqa: E712
        _empty=d["keputusan_asli"].isna(),
    )
    groups = d.groupby(["folder_kode", "kk_cocok"])
    per_kk = groups.agg(
        all_yes=("_yes", "all"), any_unknown=("_unknown", "any"), all_empty=("_empty", "all")
    )
    code = groups.ngroup().to_numpy()
    n = len(per_kk)
    # each value as the per-household texts took it: the truthy ones (str() of the
    # original word); the berita acara rows as numbers, sorted by value
    # (from numpy: iterating an Arrow-backed column costs ~1 us a value)
    alasan = [a if a else None for a in d["alasan"].to_numpy(dtype=object)]
    asli = [str(a) if a else None for a in d["keputusan_asli"].to_numpy(dtype=object)]
    kode = [a if a else None for a in d["alasan_kode"].to_numpy(dtype=object)]
    baris = d["source_row"].to_numpy(dtype=object)
    texts = {
        "alasan": _joined(code, n, alasan, ", "),
        "asli": _joined(code, n, asli, ", "),
        "baris": _joined(code, n, baris, ", ", text=lambda x: str(int(x))),
        "kode": _joined(code, n, kode, ","),
    }  # object columns: no str inference over every household
    return per_kk.join(pd.DataFrame(texts, index=per_kk.index, dtype=object))


def _joined(code: np.ndarray, n: int, values, sep: str, text=str) -> np.ndarray:
    """For groups 0..n-1 (code: each value's group, -1 for none): the group's distinct
    values (None left out) in sorted order, each through `text`, joined by sep; '' for a
    group without any."""
    v = pd.Series(values, dtype=object)
    keep = (code >= 0) & v.notna().to_numpy()
    pairs = pd.DataFrame({"g": code[keep], "v": v[keep].to_numpy()}).drop_duplicates()
    pairs = pairs.sort_values(["g", "v"], kind="stable")
    offsets = np.searchsorted(pairs["g"].to_numpy(), np.arange(n + 1)).astype(np.int64)
    vals = pairs["v"].to_numpy(dtype=object)
    words = None
    if text is str:  # texts already: handed to Arrow as they are
        try:
            words = pa.array(vals, type=pa.large_string())
        except (pa.ArrowTypeError, pa.ArrowInvalid):
            words = None
    if words is None:
        words = pa.array([text(x) for x in vals], type=pa.large_string())
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), words)
    return (
        pc.binary_join(lists, pa.scalar(sep, pa.large_string()))
        .to_numpy(zero_copy_only=False)
        .astype(object)
    )
