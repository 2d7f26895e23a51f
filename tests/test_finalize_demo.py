"""The demo period scored against the generator's truth, and the outputs a supervisor opens."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from pipelines.outcomes import OUTCOMES

KEY = ["source_file", "source_sheet", "source_row"]


@pytest.fixture(scope="module")
def scored(finalized, truth):
    _, outcomes, _ = finalized
    return outcomes.merge(truth, on=KEY, how="outer", indicator=True, validate="one_to_one")


def test_every_row_accounted_for_exactly_once(finalized, scored, truth):
    batch, outcomes, _ = finalized
    assert len(outcomes) == len(batch.prelist) == len(truth)
    assert outcomes[KEY].duplicated().sum() == 0
    assert (scored["_merge"] == "both").all(), "rows the pipeline read must be the rows written"
    assert outcomes["outcome"].isin(OUTCOMES).all()


def test_outcomes_match_the_truth(scored):
    wrong = scored[scored["outcome"] != scored["expected_outcome"]]
    assert wrong.empty, wrong[
        ["source_file", "source_row", "plant", "expected_outcome", "outcome", "reasons"]
    ].to_string()


def test_no_existing_person_with_exact_nik_leaks_as_new(finalized, loaded_home):
    from pipelines.store import open_store

    _, outcomes, _ = finalized
    with open_store(loaded_home.store_path, read_only=True) as store:
        registered = set(store.df("SELECT nik FROM dtks_current")["nik"])
    leaked = outcomes[(outcomes["outcome"] == "usulan_baru") & outcomes["nik"].isin(registered)]
    assert leaked.empty


def test_no_planted_duplicate_leaks(scored):
    dups = scored[scored["plant"].str.startswith("duplikat")]
    assert len(dups) > 0
    assert (dups["outcome"] == "duplikat_batch").all()
    # each duplicate's reason points the operator at the first occurrence
    assert dups["reasons"].str.contains("baris").all()


def test_planted_invalid_rows_are_rejected_with_a_reason(scored):
    bad = scored[scored["expected_outcome"] == "ditolak_validasi"]
    assert set(bad["plant"]) >= {"nik_pendek", "nama_kosong", "kk_wilayah", "nik_terpotong"}
    assert (bad["outcome"] == "ditolak_validasi").all()
    assert bad["reasons"].str.len().gt(10).all()
    cut = bad[bad["plant"] == "nik_terpotong"]
    assert cut["reasons"].str.contains("ketik ulang sebagai teks").all()


def test_reasons_never_echo_a_nik(finalized):
    _, outcomes, _ = finalized
    assert not outcomes["reasons"].fillna("").str.contains(r"\d{16}").any()
    assert not outcomes["reasons"].fillna("").str.contains(r"\d{12}").any()


def test_corrections_name_the_changed_field(scored):
    fixes = scored[scored["plant"].str.startswith("perbaikan_")]
    assert len(fixes) > 0
    labels = {
        "pekerjaan": "PEKERJAAN",
        "alamat": "ALAMAT",
        "status_kawin": "STATUS KAWIN",
        "rt": "RT",
    }
    for plant, reason in zip(fixes["plant"], fixes["reasons"], strict=True):
        assert labels[plant.removeprefix("perbaikan_")] in reason


def test_siks_ng_files_hold_exactly_the_outcome_rows_with_text_nik(finalized):
    _, outcomes, published = finalized
    for kind in ("usulan_baru", "perbaikan"):
        files = [p for p in published.import_files if p.suffix == ".xlsx" and kind in p.name]
        expected = outcomes[outcomes["outcome"] == kind]
        assert len(files) == expected["folder_kode"].nunique()
        total, niks = 0, set()
        for f in files:
            ws = load_workbook(f, read_only=True).active
            rows = list(ws.iter_rows(values_only=False))
            header = [c.value for c in rows[0]]
            col = header.index("NIK")
            for r in rows[1:]:
                cell = r[col]
                assert cell.data_type == "s", "NIK must be a text cell"
                niks.add(cell.value)
                total += 1
        assert total == len(expected)
        assert niks == set(expected["nik"])


def test_csv_beside_each_workbook(finalized):
    _, _, published = finalized
    xlsx = {p.stem for p in published.import_files if p.suffix == ".xlsx"}
    csv = {p.stem for p in published.import_files if p.suffix == ".csv"}
    assert xlsx == csv
    first = next(p for p in published.import_files if p.suffix == ".csv")
    text = first.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("NIK;NO KK;NAMA") or text.startswith("ID DTKS;NIK")


def test_summary_counts_every_kelurahan_and_outcome(finalized):
    batch, outcomes, published = finalized
    counts = published.counts
    assert len(counts) == 30  # every kelurahan of Kota Palangka Raya
    assert int(counts["jumlah"].sum()) == len(outcomes)
    no_ba = counts.loc["6271051007"]
    assert no_ba["ditolak_musyawarah"] == no_ba["jumlah"] > 0
    ws = load_workbook(published.summary, read_only=True)["Ringkasan"]
    rows = [r for r in ws.iter_rows(values_only=True) if len(r) > 2 and r[2] == "JUMLAH"]
    assert rows and rows[0][-1] == len(outcomes)


def test_missing_berita_acara_is_listed_as_a_file_problem(finalized):
    batch, _, _ = finalized
    problems = batch.problems
    assert (problems["kode_wilayah"] == "6271051007").any()
    assert problems["masalah"].str.contains("Berita acara musyawarah tidak ditemukan").any()


def test_outcomes_are_in_parquet_and_in_the_store(finalized, loaded_home):
    from pipelines.store import open_store

    _, outcomes, published = finalized
    back = pd.read_parquet(published.outcomes)
    assert len(back) == len(outcomes)
    assert back["nik"].dropna().str.fullmatch(r"\d+").all()
    with open_store(loaded_home.store_path, read_only=True) as store:
        counts = store.df(
            "SELECT outcome, count(*) AS n FROM prelist_outcome "
            "WHERE period = '2026-11' GROUP BY ALL"
        )
        meetings = store.one(
            "SELECT count(*), count(tanggal), count(pimpinan) FROM musyawarah "
            "WHERE period = '2026-11'"
        )
    assert int(counts["n"].sum()) == len(outcomes)
    # 29 berita acara, and 4 files that carry a decision per row without meeting facts (the
    # demo's deactivations, complete proposal and the Dinas's usul/sanggah form)
    assert meetings == (33, 29, 29)


def test_rerunning_a_period_replaces_it(loaded_home, finalized):
    from conftest import run_finalize_stages

    from pipelines.store import open_store

    _, outcomes, _ = finalized
    run_finalize_stages(loaded_home)
    with open_store(loaded_home.store_path, read_only=True) as store:
        n = store.one("SELECT count(*) FROM prelist_outcome WHERE period = '2026-11'")[0]
    assert n == len(outcomes)
    leftovers = [p for p in loaded_home.processed.iterdir() if p.name.startswith(".2026-11")]
    assert leftovers == []


def test_rejection_workbook_gives_rows_back_as_sent_with_faulty_cells_red(finalized, scored):
    _, outcomes, published = finalized
    returned = outcomes[outcomes["outcome"].isin(["ditolak_validasi", "ditolak_musyawarah"])]
    assert {p.name.split("_")[0] for p in published.rejection_files} == set(returned["folder_kode"])
    cut = scored[scored["plant"] == "nik_terpotong"].iloc[0]
    path = next(p for p in published.rejection_files if p.name.startswith(cut["folder_kode"]))
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Ringkasan"
    ws = wb[cut["source_sheet"]]
    header = [c.value for c in ws[2]]
    assert header[:3] == ["NO", "NOMOR NIK", "NOMOR KK"]  # the operator's own header cells
    assert header[-3:] == ["BARIS ASLI", "HASIL", "ALASAN"]
    mine = returned[(returned["source_file"] == cut["source_file"])]
    assert ws.max_row - 2 == len(mine)
    row = next(r for r in ws.iter_rows(min_row=3) if r[-3].value == cut["source_row"])
    nik_cell = row[1]
    assert nik_cell.fill.fgColor.rgb.endswith("F4B6B6"), "the cut NIK cell is highlighted"
    assert isinstance(nik_cell.value, str) and nik_cell.value.endswith("0")
    assert "ketik ulang sebagai teks" in row[-1].value
    name_cell = row[4]
    assert not name_cell.fill.fgColor.rgb.endswith("F4B6B6")


def test_berita_acara_households_missing_from_the_prelist_are_listed(finalized, demo_home):
    _, _, published = finalized
    ba_only = published.ba_only
    assert len(ba_only) == 7  # planted in every fourth kelurahan (i % 4 == 3) of 29 with a BA
    ws = load_workbook(published.summary, read_only=True)["BA tanpa Prelist"]
    names = {r[3] for r in ws.iter_rows(min_row=4, values_only=True) if r and len(r) > 3}
    assert set(ba_only["nama_kepala_keluarga"]) <= names
