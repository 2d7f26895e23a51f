"""A Berita Acara that can be signed: DRAF while rows are open, final when all are decided
(or the month is force-closed, which it states), and the same data gives the same bytes."""

from __future__ import annotations

import hashlib
import time

from openpyxl import load_workbook
from operator_world import PERIOD, fill_review
from pypdf import PdfReader

from pipelines import review
from pipelines.close import close
from pipelines.export.final import export
from pipelines.store import open_store


def _report(home) -> tuple[str, list[str]]:
    name = home.reports / PERIOD / f"laporan_finalisasi_{PERIOD}"
    pdf = " ".join(p.extract_text() for p in PdfReader(f"{name}.pdf").pages).replace("\n", " ")
    ws = load_workbook(f"{name}.xlsx", read_only=True)["Berita Acara"]
    return pdf, [str(r[0]) for r in ws.iter_rows(values_only=True) if r and r[0]]


def _apply(world, tmp_path, choices):
    filled = tmp_path / "diisi.xlsx"
    fill_review(world.home, choices, filled)
    with open_store(world.home.store_path) as store:
        return review.apply(store, PERIOD, filled, "Rina", home=world.home)


def test_the_ba_is_a_draft_while_rows_are_open_and_final_once_all_are_decided(tiny, tmp_path):
    pdf, lines = _report(tiny.home)
    assert lines[0].startswith("DRAF BERITA ACARA FINALISASI")
    assert "DRAF, BELUM FINAL: 4 baris masih perlu keputusan supervisor" in pdf
    assert "Jangan ditandatangani" in lines[2]
    assert "sedang melaksanakan finalisasi" in pdf and "telah menyelesaikan" not in pdf
    _apply(tiny, tmp_path, ["BARU", ""])  # half of them
    pdf, lines = _report(tiny.home)
    assert "DRAF, BELUM FINAL: 2 baris" in pdf and lines[0].startswith("DRAF")
    _apply(tiny, tmp_path, ["BARU"])
    pdf, lines = _report(tiny.home)
    assert lines[0].startswith("BERITA ACARA FINALISASI") and "DRAF" not in pdf
    assert "telah menyelesaikan finalisasi" in pdf and "belum diputus: 0" in pdf


def test_a_forced_close_makes_the_ba_final_and_states_it(tiny):
    with open_store(tiny.home.store_path) as store:
        close(store, PERIOD, "Rina", True, "Batas waktu pengiriman Kemensos", home=tiny.home)
    pdf, lines = _report(tiny.home)
    assert lines[0].startswith("BERITA ACARA FINALISASI") and "DRAF" not in pdf
    assert "ditutup paksa oleh Rina" in pdf
    assert "Batas waktu pengiriman Kemensos" in pdf
    assert "4 baris belum diputus saat ditutup dan tidak dikirim ke SIKS-NG" in pdf


def _hashes(home) -> dict[str, str]:
    return {
        str(p.relative_to(home.root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for d in (home.period_out(PERIOD), home.reports / PERIOD)
        for p in sorted(d.rglob("*"))
        if p.is_file()
    }


def test_the_same_data_gives_byte_identical_files_and_the_listed_hashes_hold(tiny, tmp_path):
    _apply(tiny, tmp_path, ["BARU", "SAMA", "TOLAK", "PERBAIKAN"])
    first = _hashes(tiny.home)
    time.sleep(2.1)  # zip entries keep time to 2 s; docProps to 1 s
    with open_store(tiny.home.store_path) as store:
        res = export(store, tiny.home, PERIOD)
    second = _hashes(tiny.home)
    assert first == second
    assert any(k.endswith(".pdf") for k in second) and any(k.endswith(".xlsx") for k in second)
    pdf, lines = _report(tiny.home)
    for name, digest in res.files:
        assert second[f"data/processed/{PERIOD}/siks-ng/{name}"] == digest
        assert digest in pdf.replace(" ", "")
