"""dtks template berita-acara: the decision-list workbook a Dinas sends to a kelurahan whose
berita acara arrived only as a scan; filled in, the pipeline reads it like any berita acara."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from test_unseen import FOLDER, PERSON_HEADER, family, kk, prelist_rows, run, xlsx

from pipelines.ingest import ba_template, musyawarah
from pipelines.ingest.decisions import DROPDOWN
from pipelines.ingest.layout import find_table
from pipelines.ingest.read import read_grids

DTKS = Path(sys.executable).with_name("dtks")


def test_template_keeps_16_digits_offers_the_words_and_reads_back(tmp_path):
    households = [ba_template.Household(kk(n), "", f"KEPALA {n}", "003") for n in (1, 2, 3)]
    path = ba_template.write(tmp_path / "ba.xlsx", "6271011001", households)
    wb = load_workbook(path)
    assert wb.sheetnames == ["PETUNJUK", "DAFTAR KEPUTUSAN"]
    ws = wb["DAFTAR KEPUTUSAN"]
    header = [c.value for c in ws[8]]
    assert header[:6] == ["NO", "NO KK", "NIK KEPALA KELUARGA", "NAMA KEPALA KELUARGA", "RT",
                          "KEPUTUSAN"]  # fmt: skip
    assert "Pahandut" in ws["A2"].value
    for r in (9, 10, 11, 200):  # prefilled and empty rows alike: text cells
        assert ws.cell(r, 2).number_format == "@"
    assert ws.cell(9, 2).value == kk(1) and ws.cell(9, 2).data_type == "s"
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"' + ",".join(DROPDOWN) + '"' and "F9" in str(dv.sqref)
    for r, word in zip((9, 10, 11), ("SETUJU", "MAMPU", "PINDAH"), strict=True):
        ws.cell(r, 6).value = word
    ws["A3"] = "Hari/Tanggal : Senin, 5 Oktober 2026"
    wb.save(path)
    table = next(t for g in read_grids(path) if (t := find_table(g)))
    assert table.kind == "musyawarah"
    parsed = musyawarah.parse(table, "ba.xlsx")
    d = parsed.decisions
    assert parsed.usable and d["no_kk"].tolist() == [kk(1), kk(2), kk(3)]
    assert d["disetujui"].tolist() == [True, False, False]
    assert d["alasan_kode"].tolist() == ["", "mampu", "pindah"]
    assert str(parsed.meeting["tanggal"]) == "2026-10-05"


def test_cli_prefills_the_households_of_a_held_kelurahan(tmp_path):
    folder = tmp_path / "data" / "raw" / "2026-11" / FOLDER
    people = family(1) + family(2)
    xlsx(folder / "usulan.xlsx", PERSON_HEADER, prelist_rows(people))
    (folder / "BA.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    out = tmp_path / "kirim.xlsx"
    res = subprocess.run(
        [str(DTKS), "template", "berita-acara", "--kelurahan", "62.71.01.1001",
         "--periode", "2026-11", "--keluar", str(out), "--home", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "2 keluarga dari prelist 2026-11" in res.stdout
    ws = load_workbook(out)["DAFTAR KEPUTUSAN"]
    assert [ws.cell(r, 2).value for r in (9, 10)] == [kk(1), kk(2)]
    assert ws.cell(9, 4).value == people[0]["nama"]
    # the kelurahan fills it in and it is put beside the scan: the rows are decided
    for r in (9, 10):
        ws.cell(r, 6).value = "SETUJU"
    ws.parent.save(folder / "daftar keputusan.xlsx")
    _, outcomes = run(tmp_path)
    assert (outcomes["outcome"] == "usulan_baru").all()


def test_cli_refuses_an_unknown_kelurahan_code(tmp_path):
    res = subprocess.run(
        [str(DTKS), "template", "berita-acara", "--kelurahan", "99.99", "--home", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert res.returncode == 1
    assert "tidak dikenal; tulis kode wilayah 10 digit" in res.stderr
