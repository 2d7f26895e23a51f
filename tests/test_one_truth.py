"""One month, one truth: after review every output of the month agrees with the decisions."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from operator_world import PERIOD, agree, fill_review, month_counts

from pipelines import review
from pipelines.store import open_store


@pytest.mark.parametrize(
    "choices",
    [
        ["TOLAK"],
        ["BARU", "SAMA", "TOLAK", "PERBAIKAN"],
        ["PERBAIKAN", "", "BARU"],
    ],
)
def test_counts_per_outcome_are_the_same_in_every_output_after_review(tiny, tmp_path, choices):
    before = month_counts(tiny.home)
    assert not agree(before)
    filled = tmp_path / "diisi.xlsx"
    chosen = fill_review(tiny.home, choices, filled, reason="Bukan warga kelurahan ini")
    with open_store(tiny.home.store_path) as store:
        review.apply(store, PERIOD, filled, "Rina", home=tiny.home)
    counts = month_counts(tiny.home)
    assert not agree(counts), agree(counts)
    store = counts["store"]
    tolak = sum(1 for c in chosen.values() if c == "TOLAK")
    assert store.get("ditolak_supervisor", 0) == tolak
    # a supervisor's TOLAK is not a validation failure
    assert store.get("ditolak_validasi", 0) == before["store"].get("ditolak_validasi", 0)
    assert store.get("perlu_verifikasi", 0) == before["store"]["perlu_verifikasi"] - len(chosen)
    # every source named in month_counts was read
    assert set(counts) == {"store", "outcomes.parquet", "summary.xlsx", "siks-ng", "penolakan",
                           "telaah", "laporan"}  # fmt: skip


def test_a_supervisor_tolak_goes_back_to_the_kelurahan_with_the_reason(tiny, tmp_path):
    filled = tmp_path / "diisi.xlsx"
    fill_review(tiny.home, ["TOLAK"], filled, reason="Sudah pindah ke Kota Banjarmasin")
    with open_store(tiny.home.store_path) as store:
        review.apply(store, PERIOD, filled, "Rina", home=tiny.home)
        tolak = store.df(
            "SELECT folder_kode, nik, reasons FROM prelist_final WHERE period = ? "
            "AND outcome = 'ditolak_supervisor'",
            [PERIOD],
        )
    assert len(tolak) == 4
    for kode, part in tolak.groupby("folder_kode"):
        wb = load_workbook(
            tiny.home.period_out(PERIOD) / "penolakan" / f"{kode}_{PERIOD}_penolakan.xlsx"
        )
        summary = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(values_only=True) if r[0]}
        assert summary["Ditolak Supervisor"] == len(part)
        assert summary["Ditolak Validasi"] == 0
        rows = [r for ws in wb.worksheets[1:] for r in ws.iter_rows(min_row=3, values_only=True)]
        sent_back = [r for r in rows if r[-2] == "Ditolak Supervisor"]
        assert len(sent_back) == len(part)
        assert all("Sudah pindah ke Kota Banjarmasin" in r[-1] for r in sent_back)
        assert {r[1] for r in sent_back} == set(part["nik"])  # the rows as the kelurahan sent them
    rep = load_workbook(tiny.home.reports / PERIOD / f"laporan_finalisasi_{PERIOD}.xlsx")
    text = "\n".join(str(r[0]) for r in rep["Berita Acara"].iter_rows(values_only=True))
    assert "ditolak supervisor setelah telaah: 4" in text
    assert "ditolak karena tidak lolos validasi data: 0" in text
