"""Supervisor review round trip, SIKS-NG export after review, closing the month, the report."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from pipelines import review
from pipelines.close import PeriodNotReady, close
from pipelines.config import Home
from pipelines.export.final import export, sha256
from pipelines.report import review_workbook
from pipelines.store import open_store
from pipelines.synth.decide import fill_review

PERIOD = "2026-11"


@pytest.fixture
def home(finalized, loaded_home, tmp_path) -> Home:
    """A private copy of the finalised demo root: these tests change the store."""
    shutil.copytree(loaded_home.root, tmp_path / "root")
    return Home(tmp_path / "root")


def _review_path(home: Home):
    return home.period_out(PERIOD) / f"telaah_{PERIOD}.xlsx"


def _edit(path, out, **cells):
    """Set cells of the first decision row: {header: value}."""
    wb = load_workbook(path)
    ws = wb[review.SHEET]
    headers = [c.value for c in ws[2]]
    for header, value in cells.items():
        ws.cell(3, headers.index(header.replace("_", " ")) + 1).value = value
    wb.save(out)
    return out


def test_review_sheet_puts_each_doubtful_row_beside_its_candidate(home, finalized):
    _, outcomes, _ = finalized
    wb = load_workbook(_review_path(home), read_only=True)
    rows = list(wb[review.SHEET].iter_rows(min_row=3, values_only=True))
    headers = [c for c in next(wb[review.SHEET].iter_rows(min_row=2, max_row=2, values_only=True))]
    assert len(rows) == (outcomes["outcome"] == "perlu_verifikasi").sum()
    near = [r for r in rows if "satu digit" in (r[headers.index("BUKTI")] or "")]
    assert near
    for r in near:
        assert (
            r[headers.index("NIK KANDIDAT")]
            and r[headers.index("NIK KANDIDAT")] != r[headers.index("NIK")]
        )
        assert r[headers.index("NAMA KANDIDAT")].upper() == r[headers.index("NAMA")].upper()
    assert "Usulan Baru" in wb.sheetnames and "Ditolak Validasi" in wb.sheetnames


def test_apply_records_decisions_once(home):
    filled = fill_review(_review_path(home))
    with open_store(home.store_path) as store:
        first = review.apply(store, PERIOD, filled, "Rina")
        again = review.apply(store, PERIOD, filled, "Rina")
        audit = store.df("SELECT * FROM review_decision WHERE period = ?", [PERIOD])
        final = store.df(
            "SELECT outcome, count(*) n FROM prelist_final WHERE period = ? GROUP BY ALL", [PERIOD]
        ).set_index("outcome")["n"]
    assert first.applied > 0 and first.undecided == 0
    assert (again.applied, again.unchanged) == (0, first.applied)
    assert len(audit) == first.applied
    assert set(audit["petugas"]) == {"Rina"} and audit["file_sha256"].str.len().eq(64).all()
    assert "perlu_verifikasi" not in final.index


def _bukti(path) -> dict[str, str | None]:
    ws = load_workbook(path, read_only=True)[review.SHEET]
    headers = next(ws.iter_rows(min_row=2, max_row=2, values_only=True))
    rows = ws.iter_rows(min_row=3, values_only=True)
    return {r[headers.index("KUNCI")]: r[headers.index("BUKTI")] for r in rows}


def test_after_deciding_the_evidence_is_still_the_evidence(home):
    """The BUKTI a supervisor decided on stays in the rewritten review workbook and on the
    desk's Telaah page; the decision shows in KEPUTUSAN/ALASAN, not in place of the evidence."""
    before = _bukti(_review_path(home))
    assert any(before.values())
    with open_store(home.store_path) as store:
        web_before = review_workbook.doubtful_rows(store, PERIOD).set_index("row_key")["reasons"]
        applied = review.apply(store, PERIOD, fill_review(_review_path(home)), "Rina", home=home)
        web_after = review_workbook.doubtful_rows(store, PERIOD).set_index("row_key")
    assert applied.applied == len(before)
    assert _bukti(_review_path(home)) == before
    assert web_after["keputusan"].notna().all()
    pd.testing.assert_series_equal(web_after["reasons"], web_before)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"KEPUTUSAN": "MUNGKIN"}, "KEPUTUSAN 'MUNGKIN' tidak dikenal"),
        ({"KEPUTUSAN": "BARU", "NIK": "6271010101010001"}, "kolom kunci"),
        ({"KEPUTUSAN": "TOLAK", "ALASAN": None}, "TOLAK wajib disertai ALASAN"),
    ],
)
def test_bad_decision_file_is_refused_whole_naming_sheet_and_row(home, tmp_path, cells, message):
    filled = fill_review(_review_path(home))
    bad = _edit(filled, tmp_path / "bad.xlsx", **cells)
    with open_store(home.store_path) as store:
        with pytest.raises(review.ReviewRefused, match=message) as exc:
            review.apply(store, PERIOD, bad, "Rina")
        assert f"sheet '{review.SHEET}' baris 3" in str(exc.value)
        assert store.one("SELECT count(*) FROM review_decision")[0] == 0


def test_close_refuses_while_rows_are_undecided_and_lists_them(home):
    with open_store(home.store_path) as store:
        with pytest.raises(PeriodNotReady, match="masih perlu keputusan") as exc:
            close(store, PERIOD, "Rina")
        assert "baris" in str(exc.value) and "ROW_ID" in str(exc.value)
        with pytest.raises(PeriodNotReady, match="--alasan"):
            close(store, PERIOD, "Rina", force=True)
        assert store.one("SELECT count(*) FROM period_close")[0] == 0
        done = close(store, PERIOD, "Rina", force=True, alasan="Batas waktu Kemensos")
        rec = store.one("SELECT forced, alasan, undecided FROM period_close")
    assert not done.already and done.undecided > 0
    assert rec == (True, "Batas waktu Kemensos", done.undecided)


def test_close_writes_the_sent_rows_once_and_the_register_can_be_recalled(home):
    with open_store(home.store_path) as store:
        review.apply(store, PERIOD, fill_review(_review_path(home)), "Rina")
        final = store.df(
            "SELECT outcome, count(*) n FROM prelist_final WHERE period = ? GROUP BY ALL", [PERIOD]
        ).set_index("outcome")["n"]
        first = close(store, PERIOD, "Rina")
        second = close(store, PERIOD, "Rina")
        n_changes = store.one("SELECT count(*) FROM register_change")[0]
        persons = store.one("SELECT count(*) FROM dtks_current")[0]
        as_of = store.df(
            f"SELECT sumber, count(*) n FROM register_as_of('{PERIOD}') GROUP BY ALL"
        ).set_index("sumber")["n"]
    assert (first.proposals, first.corrections) == (final["usulan_baru"], final["perbaikan"])
    # deactivation proposals (issue 17) are register changes too
    assert second.already and n_changes == first.proposals + first.corrections + int(
        final.get("usulan_nonaktif", 0)
    )
    assert as_of["usulan_baru"] == first.proposals
    assert as_of["perbaikan"] == first.corrections
    # corrected persons appear once; persons proposed for deactivation leave the register
    off = int(final.get("usulan_nonaktif", 0))
    assert as_of["dtks"] == persons - first.corrections - off


def test_a_later_snapshot_supersedes_accepted_proposals(home):
    from pipelines.ingest.snapshot import load

    with open_store(home.store_path) as store:
        review.apply(store, PERIOD, fill_review(_review_path(home)), "Rina")
        close(store, PERIOD, "Rina")
        sent = store.df("SELECT * FROM register_change WHERE kind = 'usulan_baru' LIMIT 5")
        snap = next((home.raw / "dtks").glob("DTKS_*.csv"))
        text = snap.read_text(encoding="utf-8").splitlines()
        for i, r in enumerate(sent.itertuples()):  # Kemensos took in five proposals
            text.append(
                ";".join(
                    [
                        f"NEW{i}",
                        r.nik,
                        r.no_kk,
                        r.nama,
                        r.tempat_lahir or "",
                        str(r.tanggal_lahir),
                        r.jenis_kelamin,
                        r.hubungan_keluarga,
                        r.nama_ibu_kandung or "",
                        r.status_kawin or "",
                        r.pekerjaan or "",
                        r.alamat or "",
                        r.rt or "",
                        r.rw or "",
                        r.kode_wilayah,
                        "Tidak",
                        "Tidak",
                        "Ya",
                    ]
                )
            )
        newer = home.raw / "dtks" / "DTKS_6271_2026-12.csv"
        newer.write_text("\n".join(text) + "\n", encoding="utf-8")
        res = load(store, [newer], petugas="uji")
        accepted = store.one(
            "SELECT count(*) FROM register_change WHERE accepted_snapshot_id = ?", [res.snapshot_id]
        )[0]
        as_of = store.one(f"SELECT count(*) FROM register_as_of('{PERIOD}')")[0]
        before_total = store.one("SELECT count(*) FROM dtks_person WHERE valid_from = 1")[0]
    assert accepted == 5
    # the month's own picture is unchanged: the new snapshot came after it closed
    assert as_of == (
        before_total + store_changes_count(home) - corrections_count(home) - off_count(home)
    )


def store_changes_count(home: Home) -> int:
    """New proposals and corrections sent (a deactivation takes a person out instead)."""
    with open_store(home.store_path, read_only=True) as store:
        return store.one("SELECT count(*) FROM register_change WHERE kind <> 'usulan_nonaktif'")[0]


def off_count(home: Home) -> int:
    """Registered persons proposed for deactivation: the register as of the month lacks them."""
    with open_store(home.store_path, read_only=True) as store:
        return store.one("SELECT count(*) FROM register_change WHERE kind = 'usulan_nonaktif'")[0]


def corrections_count(home: Home) -> int:
    with open_store(home.store_path, read_only=True) as store:
        return store.one("SELECT count(*) FROM register_change WHERE kind = 'perbaikan'")[0]


def test_export_after_review_and_the_signed_page_pins_every_file(home):
    with open_store(home.store_path) as store:
        review.apply(store, PERIOD, fill_review(_review_path(home)), "Rina")
        res = export(store, home, PERIOD, "6271")
        final = store.df("SELECT * FROM prelist_final WHERE period = ?", [PERIOD])
    for kind in ("usulan_baru", "perbaikan"):
        assert res.counts[kind] == (final["outcome"] == kind).sum()
        rows = sum(
            len(pd.read_csv(res.import_dir / n, sep=";", dtype=str))
            for n, _ in res.files
            if n.endswith(f"{kind}.csv")
        )
        assert rows == res.counts[kind]
    for name, digest in res.files:
        assert sha256(res.import_dir / name) == digest
    pdf = PdfReader(res.report_pdf)
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert len(pdf.pages) >= 3
    assert "BERITA ACARA FINALISASI" in text and "Kepala Bidang" in text
    assert f"usulan baru yang dikirim ke SIKS-NG: {res.counts['usulan_baru']}" in text
    flat = text.replace("\n", "")
    assert all(d in flat for _, d in res.files), "every import file's SHA-256 is on the page"
    ws = load_workbook(res.report_xlsx, read_only=True)["Rekap"]
    total = [r for r in ws.iter_rows(values_only=True) if len(r) > 2 and r[2] == "JUMLAH"][0]
    assert total[3] == len(final)


def test_review_file_shows_old_and_new_values_of_corrections(home, finalized, scored_plants):
    wb = load_workbook(_review_path(home), read_only=True)
    ws = wb["Perbaikan"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][-1] == "PERUBAHAN (LAMA -> BARU)"
    changes = [r[-1] for r in rows[1:]]
    assert len(changes) == scored_plants and all(" -> " in c for c in changes)
    assert any(c.startswith(("PEKERJAAN:", "ALAMAT:", "STATUS KAWIN:", "RT:")) for c in changes)


@pytest.fixture
def scored_plants(truth):
    return int(truth["plant"].str.startswith("perbaikan_").sum())


def test_a_closed_month_cannot_be_finalised_again(home):
    from conftest import run_finalize_stages

    from pipelines.errors import PeriodClosed

    with open_store(home.store_path) as store:
        review.apply(store, PERIOD, fill_review(_review_path(home)), "Rina")
        close(store, PERIOD, "Rina")
        before = store.one("SELECT count(*) FROM prelist_outcome")[0]
    with pytest.raises(PeriodClosed, match="sudah ditutup"):
        run_finalize_stages(home)
    with open_store(home.store_path, read_only=True) as store:
        assert store.one("SELECT count(*) FROM prelist_outcome")[0] == before


def test_a_row_without_candidate_can_be_decided(home, tmp_path):
    """A doubtful row with no DTKS candidate (stored NULL) is decided BARU, not refused as 'kunci
    diubah': the stored NULL must read as the empty cell the workbook shows."""
    wb = load_workbook(_review_path(home))
    ws = wb[review.SHEET]
    headers = [c.value for c in ws[2]]
    key = ws.cell(3, headers.index("KUNCI") + 1).value
    ws.cell(3, headers.index("ID DTKS KANDIDAT") + 1).value = None
    ws.cell(3, headers.index("KEPUTUSAN") + 1).value = "BARU"
    wb.save(tmp_path / "no_candidate.xlsx")
    with open_store(home.store_path) as store:
        store.execute(
            "UPDATE prelist_outcome SET matched_id_dtks = NULL WHERE period = ? AND row_key = ?",
            [PERIOD, key],
        )
        result = review.apply(store, PERIOD, tmp_path / "no_candidate.xlsx", "Rina")
        decided = store.one(
            "SELECT keputusan FROM review_decision WHERE period = ? AND row_key = ?", [PERIOD, key]
        )
    assert result.applied == 1 and decided == ("BARU",)
