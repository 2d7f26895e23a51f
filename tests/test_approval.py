"""approval.check directly: each prelist row's musyawarah decision and the reason it reads."""

from __future__ import annotations

import random

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import approval
from pipelines import reasons as R

A, B = "6271011001", "6271011002"  # two kelurahan folders


def _kk(n: int) -> str:
    return f"6271010101{n:06d}"


def _nik(n: int, i: int) -> str:
    return f"627101410{n:04d}{i:03d}"


def _head_name(n: int) -> str:
    return "KEPALA " + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n % 26] * 3


def _prelist(households: list[tuple[str, int, int]]) -> pd.DataFrame:
    """(folder, household number, members): the head first, then the others."""
    rows = []
    for folder, n, size in households:
        for i in range(size):
            rel = "KEPALA KELUARGA" if i == 0 else "ANAK"
            rows.append((folder, _kk(n), _nik(n, i), _head_name(n) if i == 0 else "X", "003", rel))
    df = pd.DataFrame(
        rows, columns=["folder_kode", "no_kk", "nik", "nama", "rt", "hubungan_keluarga"]
    )
    df.insert(0, "row_id", range(1, len(df) + 1))
    return df


def _decisions(rows: list[dict]) -> pd.DataFrame:
    """Berita acara rows; each names its household one way (no_kk, nik_kepala, kunci_id, or
    nama_kepala_keluarga with rt) and says disetujui True/False/None."""
    base = {
        "no_kk": None,
        "nik_kepala": None,
        "kunci_id": None,
        "nama_kepala_keluarga": None,
        "rt": None,
        "alasan": "",  # ingest.decisions gives '' where the word carries no reason
    }
    out = [{**base, "keputusan_asli": "SETUJU" if r.get("disetujui") else None, **r} for r in rows]
    df = pd.DataFrame(out, columns=[*base, "folder_kode", "disetujui", "keputusan_asli"])
    df["source_row"] = range(7, 7 + len(df))
    return df.astype({"disetujui": object})


def _by_row(result: pd.DataFrame) -> dict[int, tuple[bool, str]]:
    return {
        int(r.row_id): (bool(r.approved), str(r.reason)) for r in result.itertuples(index=False)
    }


def test_each_row_gets_its_households_decision_or_the_reason_it_has_none():
    rows = _prelist([(A, 1, 2), (A, 2, 1), (A, 3, 1), (A, 4, 1), (B, 5, 1), ("6271011003", 6, 1)])
    dec = _decisions(
        [
            {"folder_kode": A, "no_kk": _kk(1), "disetujui": True},
            {"folder_kode": A, "no_kk": _kk(2), "disetujui": False, "alasan": "mampu"},
            {"folder_kode": A, "no_kk": _kk(3), "disetujui": False},
            {"folder_kode": B, "no_kk": _kk(5), "disetujui": True},
        ]
    )
    got = _by_row(approval.check(rows, dec, {A, B}, held={B: "Ditahan: pindaian."}))
    assert got == {
        1: (True, ""),
        2: (True, ""),  # the whole household follows its one decision
        3: (False, "Ditolak dalam musyawarah: mampu."),
        4: (False, "Ditolak dalam musyawarah: tidak layak."),
        5: (False, R.MUSY_MISSING),  # kelurahan A sent a berita acara without this household
        6: (False, "Ditahan: pindaian."),  # held: even an approved household waits
        7: (False, R.MUSY_NO_BA),
    }


def test_a_household_is_found_by_its_heads_nik_a_key_of_either_kind_or_name_and_rt():
    rows = _prelist([(A, 1, 2), (A, 2, 2), (A, 3, 1), (A, 4, 1)])
    dec = _decisions(
        [
            {"folder_kode": A, "nik_kepala": _nik(1, 0), "disetujui": True},
            {"folder_kode": A, "kunci_id": _nik(2, 1), "disetujui": True},  # a member's NIK
            {"folder_kode": A, "kunci_id": _kk(3), "disetujui": True},
            {
                "folder_kode": A,
                "nama_kepala_keluarga": "kepala  eee",
                "rt": "003",
                "disetujui": True,
            },
        ]
    )
    got = approval.check(rows, dec, {A})
    assert got["approved"].all(), got
    how = approval.resolve(dec, rows)
    assert list(how["cocok_lewat"]) == ["NIK", "NIK", "NO KK", "nama+RT"]
    assert list(how["kk_cocok"]) == [_kk(1), _kk(2), _kk(3), _kk(4)]


def test_a_split_or_unreadable_decision_is_not_an_approval():
    rows = _prelist([(A, 1, 1), (A, 2, 1), (A, 3, 1)])
    dec = _decisions(
        [
            {"folder_kode": A, "no_kk": _kk(1), "disetujui": True},
            {"folder_kode": A, "no_kk": _kk(1), "disetujui": False, "alasan": "pindah"},
            {"folder_kode": A, "no_kk": _kk(2), "disetujui": None, "keputusan_asli": "MUNGKIN"},
            {"folder_kode": A, "no_kk": _kk(3), "disetujui": None, "keputusan_asli": None},
        ]
    )
    got = _by_row(approval.check(rows, dec, {A}))
    assert got[1] == (False, "Ditolak dalam musyawarah: pindah.")
    assert not got[2][0] and got[2][1].startswith("Keputusan musyawarah 'MUNGKIN' tidak dikenali")
    assert got[3] == (
        False,
        "Keputusan musyawarah untuk keluarga ini kosong di berita acara (baris 10); "
        "isi keputusannya.",
    )


def test_a_decision_in_one_kelurahan_never_approves_the_same_card_in_another():
    rows = _prelist([(A, 1, 1), (B, 1, 1)])
    dec = _decisions([{"folder_kode": A, "no_kk": _kk(1), "disetujui": True}])
    assert _by_row(approval.check(rows, dec, {A, B})) == {
        1: (True, ""),
        2: (False, R.MUSY_MISSING),
    }


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 15), seed=st.integers(0, 2**32))
def test_generated_decisions_approve_exactly_the_households_approved_in_their_kelurahan(n, seed):
    """Model: a row is approved iff its kelurahan sent a berita acara, is not held, and every
    decision row naming its household (by card or head's NIK) approves it, at least one."""
    r = random.Random(seed)
    folders = [A, B, "6271011003"]
    households = [(r.choice(folders), k, r.randint(1, 3)) for k in range(1, n + 1)]
    rows = _prelist(households)
    with_ba = {f for f in folders if r.random() < 0.8}
    held = {f: "Ditahan." for f in with_ba if r.random() < 0.2}
    dec_rows, said = [], {}
    for folder, k, _ in households:
        if folder not in with_ba:  # decisions come from a berita acara
            continue
        for _ in range(r.choice([0, 1, 1, 1, 2])):
            yes = r.random() < 0.7
            key = {"no_kk": _kk(k)} if r.random() < 0.5 else {"nik_kepala": _nik(k, 0)}
            dec_rows.append({"folder_kode": folder, "disetujui": yes, **key})
            said.setdefault(k, []).append(yes)
    dec = _decisions(dec_rows)
    got = _by_row(approval.check(rows, dec, with_ba, held))
    row = 0
    for folder, k, size in households:
        want = folder in with_ba and folder not in held and bool(said.get(k)) and all(said[k])
        for _ in range(size):
            row += 1
            assert got[row][0] == want, (folder, k, said.get(k))
            if folder in held:
                assert got[row][1] == "Ditahan."
            elif folder not in with_ba:
                assert got[row][1] == R.MUSY_NO_BA
            elif k not in said:
                assert got[row][1] == R.MUSY_MISSING


def _resolve_reference(decisions, rows):
    """approval.resolve as it was (a set of (folder, card) tuples built row by row)."""
    import numpy as np

    d = decisions.copy()
    for col in ("nik_kepala", "kunci_id", "nama_kepala_keluarga", "rt"):
        if col not in d.columns:
            d[col] = None
    d["kk_cocok"] = d["no_kk"].where(d["no_kk"].notna(), None)
    d["cocok_lewat"] = np.where(d["kk_cocok"].notna(), "NO KK", None)
    r = rows[rows["no_kk"].notna()]
    by_kk = set(zip(r["folder_kode"], r["no_kk"], strict=True))
    by_nik = (
        r[r["nik"].notna()]
        .drop_duplicates(["folder_kode", "nik"])
        .set_index(["folder_kode", "nik"])["no_kk"]
    )

    def settle(kks, how):
        kks = kks.dropna()
        d.loc[kks.index, "kk_cocok"] = kks
        d.loc[kks.index, "cocok_lewat"] = how

    def pairs(rows, col):
        return list(zip(d.loc[rows, "folder_kode"], d.loc[rows, col], strict=True))

    todo = d.index[d["kk_cocok"].isna() & d["nik_kepala"].notna()]
    settle(pd.Series(by_nik.reindex(pairs(todo, "nik_kepala")).to_numpy(), index=todo), "NIK")
    todo = d.index[d["kk_cocok"].isna() & d["kunci_id"].notna()]
    as_kk = [k[1] if k in by_kk else None for k in pairs(todo, "kunci_id")]
    settle(pd.Series(as_kk, index=todo, dtype=object), "NO KK")
    todo = d.index[d["kk_cocok"].isna() & d["kunci_id"].notna()]
    settle(pd.Series(by_nik.reindex(pairs(todo, "kunci_id")).to_numpy(), index=todo), "NIK")
    todo = d.index[d["kk_cocok"].isna() & d["kunci_id"].notna()]
    settle(d.loc[todo, "kunci_id"], "NO KK")
    todo = d["kk_cocok"].isna()
    named = todo & d["nama_kepala_keluarga"].notna() & d["rt"].notna()
    if named.any():
        heads = r[r["hubungan_keluarga"] == "KEPALA KELUARGA"]
        heads = heads.assign(_nama=approval.name_key(heads["nama"]))
        heads = heads[["folder_kode", "_nama", "rt", "no_kk"]]
        unique = heads.drop_duplicates().groupby(["folder_kode", "_nama", "rt"])["no_kk"]
        one = unique.agg(lambda s: s.iloc[0] if s.nunique() == 1 else None)
        want = d.loc[named]
        keys = list(
            zip(
                want["folder_kode"],
                approval.name_key(want["nama_kepala_keluarga"]),
                want["rt"],
                strict=True,
            )
        )
        found = pd.Series(one.reindex(keys).to_numpy(), index=want.index).dropna()
        d.loc[found.index, "kk_cocok"] = found
        d.loc[found.index, "cocok_lewat"] = "nama+RT"
    return d


def _check_reference(rows, decisions, folders_with_ba, held=None):
    """approval.check as it was before the per-household texts became column-wise (a Python
    function per household): the plain reference the fast one must equal."""
    import numpy as np

    from pipelines.ingest.decisions import ACCEPTED_WORDS

    held = held or {}
    d = _resolve_reference(decisions, rows)
    d = d[d["kk_cocok"].notna()]
    if "alasan_kode" not in d.columns:
        d = d.assign(alasan_kode=None)
    d = d.assign(
        _unknown=d["disetujui"].isna(),
        _yes=d["disetujui"].map(lambda v: v is True or v == True),  # noqa: E712
        _empty=d["keputusan_asli"].isna(),
    )
    per_kk = d.groupby(["folder_kode", "kk_cocok"]).agg(
        all_yes=("_yes", "all"),
        any_unknown=("_unknown", "any"),
        all_empty=("_empty", "all"),
        alasan=("alasan", lambda s: ", ".join(sorted({a for a in s if a}))),
        asli=("keputusan_asli", lambda s: ", ".join(sorted({str(a) for a in s if a}))),
        baris=("source_row", lambda s: ", ".join(str(int(x)) for x in sorted(set(s)))),
        kode=("alasan_kode", lambda s: ",".join(sorted({a for a in s if a}))),
    )
    keys = pd.MultiIndex.from_arrays([rows["folder_kode"], rows["no_kk"]])
    found = per_kk.reindex(keys).astype(
        {"alasan": object, "asli": object, "baris": object, "kode": object}
    )
    folder = rows["folder_kode"].to_numpy()
    is_held = np.isin(folder, list(held))
    has_ba = np.isin(folder, list(folders_with_ba))
    in_ba = found["all_yes"].notna().to_numpy()
    approved = (found["all_yes"] == True).to_numpy() & in_ba & ~is_held  # noqa: E712
    unknown = (found["any_unknown"] == True).to_numpy()  # noqa: E712
    empty = (found["all_empty"] == True).to_numpy()  # noqa: E712
    reason = np.select(
        [is_held, ~has_ba, ~in_ba, approved, unknown & empty, unknown],
        [
            pd.Series(folder).map(held).to_numpy(dtype=object),
            R.MUSY_NO_BA,
            R.MUSY_MISSING,
            "",
            ("Keputusan musyawarah untuk keluarga ini kosong di berita acara (baris "
             + found["baris"].fillna("").to_numpy(dtype=object) + "); isi keputusannya."),
            ("Keputusan musyawarah '" + found["asli"].fillna("").to_numpy(dtype=object)
             + f"' tidak dikenali; tulis salah satu: {ACCEPTED_WORDS}."),
        ],
        default=(
            "Ditolak dalam musyawarah: "
            + found["alasan"].fillna("").replace("", "tidak layak").to_numpy(dtype=object)
            + "."
        ),
    )  # fmt: skip
    code = found["kode"].fillna("").to_numpy(dtype=object)
    code = np.where(approved | is_held | ~in_ba, "", code)
    return pd.DataFrame(
        {"row_id": rows["row_id"].to_numpy(), "approved": approved, "reason": reason,
         "alasan_kode": code}
    )  # fmt: skip


# decision cells as ingest.decisions reads them: (disetujui, original word, reason, code)
_WORDS = [
    (True, "SETUJU", "", ""),
    (True, "layak", "", ""),
    (True, "√", "", ""),
    (False, "Tdk  layak", "tidak layak", "tidak_layak"),
    (False, "MENINGGAL", "meninggal dunia", "meninggal"),
    (False, "pindah", "sudah pindah", "pindah"),
    (False, "DITOLAK", "tidak disetujui", "ditolak"),
    (None, "MUNGKIN", "", ""),
    (None, "?", "", ""),
    (None, "Ölah", "", ""),
    (None, None, "", ""),
]


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(0, 12),
    seed=st.integers(0, 2**32),
    text_dtype=st.sampled_from([object, "str"]),
)
def test_the_column_wise_household_texts_equal_the_per_household_reference(n, seed, text_dtype):
    """Generated berita acara (several decisions per household, repeated and split words,
    empty and unknown cells, duplicated rows, one-member households, cards the prelist
    lacks, households named by card, head's NIK, a member's NIK, a key of either kind or the
    head's name with RT, odd spellings, both text dtypes) give exactly the reference's
    decisions, and resolve() finds the same households the same way."""
    r = random.Random(seed)
    folders = [A, B, "6271011003"]
    households = [(r.choice(folders), k, r.randint(1, 3)) for k in range(1, n + 1)]
    rows = _prelist(households)
    with_ba = {f for f in folders if r.random() < 0.8}
    held = {f: "Ditahan." for f in with_ba if r.random() < 0.15}
    dec_rows, line = [], []
    for folder, k, _ in households + [(A, 900 + i, 1) for i in range(r.randint(0, 2))]:
        for _ in range(r.choice([0, 1, 2, 3])):
            yes, word, alasan, kode = r.choice(_WORDS)
            key = r.choice(
                [{"no_kk": _kk(k)}, {"nik_kepala": _nik(k, 0)}, {"nik_kepala": _nik(k, 2)},
                 {"kunci_id": _kk(k)}, {"kunci_id": _nik(k, r.randint(0, 2))},
                 {"nama_kepala_keluarga": _head_name(k).lower(), "rt": "003"},
                 {"nama_kepala_keluarga": _head_name(k + 1), "rt": "003"}]
            )  # fmt: skip
            dec_rows.append(
                {"folder_kode": folder, "disetujui": yes, "keputusan_asli": word,
                 "alasan": alasan, "alasan_kode": kode, **key}
            )  # fmt: skip
            line.append(r.choice([line[-1], r.randint(5, 60)]) if line else r.randint(5, 60))
    dec = _decisions(dec_rows)
    dec["alasan_kode"] = [x["alasan_kode"] for x in dec_rows]
    dec["source_row"] = line
    dec = dec.astype({"keputusan_asli": text_dtype, "alasan": text_dtype})
    how, how_ref = approval.resolve(dec, rows), _resolve_reference(dec, rows)
    assert how["kk_cocok"].tolist() == how_ref["kk_cocok"].tolist()
    assert how["cocok_lewat"].tolist() == how_ref["cocok_lewat"].tolist()
    got = approval.check(rows, dec, with_ba, held)
    want = _check_reference(rows, dec, with_ba, held)
    assert got["row_id"].tolist() == want["row_id"].tolist()
    assert got["approved"].tolist() == want["approved"].tolist()
    assert got["reason"].tolist() == want["reason"].tolist()
    assert got["alasan_kode"].tolist() == want["alasan_kode"].tolist()
