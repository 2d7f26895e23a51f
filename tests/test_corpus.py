"""The committed fixture corpus: every file variant and bad-file case, with expected outcomes.

tests/fixtures/make_corpus.py builds it; expected.csv holds the outcome of every data row.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import run_finalize_stages
from tests_helpers import corpus_root

from pipelines.config import Home

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
KEY = ["source_file", "source_sheet", "source_row"]


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    home = Home(corpus_root(tmp_path_factory.mktemp("corpus") / "root"))
    batch, outcomes, published = run_finalize_stages(home)
    expected = pd.read_csv(CORPUS / "expected.csv", dtype=str, keep_default_na=False)
    expected["source_row"] = expected["source_row"].astype(int)
    return batch, outcomes, published, expected


def test_rows_in_equal_rows_out_per_file(corpus_run):
    _, outcomes, _, expected = corpus_run
    got = outcomes.groupby("source_file").size()
    want = expected.groupby("source_file").size()
    pd.testing.assert_series_equal(got, want, check_names=False)


def test_every_row_has_its_expected_outcome(corpus_run):
    _, outcomes, _, expected = corpus_run
    m = outcomes.merge(expected, on=KEY, how="outer", indicator=True)
    assert (m["_merge"] == "both").all(), m[m["_merge"] != "both"][KEY].to_string()
    wrong = m[m["outcome"] != m["expected_outcome"]]
    assert wrong.empty, wrong[[*KEY, "note", "expected_outcome", "outcome", "reasons"]].to_string()


@pytest.mark.parametrize(
    ("note", "needle"),
    [
        ("NIK 15 digit", "NIK harus tepat 16 digit"),
        ("nama kosong", "NAMA kosong"),
        ("lahir masa depan", "TANGGAL LAHIR berada di masa depan"),
        ("NIK tak cocok tanggal lahir", "Digit tanggal lahir pada NIK"),
        ("KK wilayah", "2 digit awal NO KK bukan kode provinsi"),
        ("NIK angka terpotong Excel", "ketik ulang sebagai teks"),
        ("notasi ilmiah", "notasi ilmiah"),
        ("wilayah di luar Dinas", "bukan wilayah kabupaten/kota Dinas ini"),
        ("ditolak musyawarah: MAMPU", "dinilai mampu"),
        ("tidak ada di berita acara", "tidak tercantum dalam berita acara"),
        ("tanpa berita acara", "belum mengirim berita acara"),
        ("baris diketik dua kali", "sudah diusulkan di"),
        ("NIK sama nama beda", "NIK yang sama dipakai orang lain"),
        ("pekerjaan berubah", "data berbeda pada: PEKERJAAN"),
        ("NIK satu digit", "berbeda satu digit"),
    ],
)
def test_reason_tells_the_operator_what_is_wrong(corpus_run, note, needle):
    _, outcomes, _, expected = corpus_run
    rows = outcomes.merge(expected[expected["note"] == note], on=KEY)
    assert len(rows) > 0
    for reason in rows["reasons"]:
        assert needle in reason


def test_every_bad_file_is_reported_and_the_rest_processed(corpus_run):
    batch, outcomes, _, _ = corpus_run
    problems = pd.read_csv(CORPUS / "expected_problems.csv", dtype=str, keep_default_na=False)
    got = batch.problems
    for p in problems.itertuples():
        mine = got[got["folder"] == p.folder]
        if p.source_file:
            mine = mine[mine["source_file"] == p.source_file]
        assert mine["masalah"].str.contains(p.contains, regex=False).any(), (p, got.to_string())
    # the good prelist beside the broken files still went through
    assert (outcomes["source_file"] == "62.71.01.1006 Tanjung Pinang/prelist.csv").sum() == 3


def test_musyawarah_facts_are_read(corpus_run):
    batch, _, _, _ = corpus_run
    m = batch.meetings.set_index("kode_wilayah")
    assert str(m.loc["6271011001", "tanggal"]) == "2026-11-02"
    assert m.loc["6271011001", "jumlah_peserta"] == 21
    assert m.loc["6271011002", "pimpinan"] == "Kepala Desa"
    assert m.loc["6271011002", "jumlah_peserta"] == 17
