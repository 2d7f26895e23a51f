"""Reading kelurahan files: header detection, title rows, signature block, CSV dialects."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from pipelines.errors import FileProblem
from pipelines.ingest import discover
from pipelines.ingest.layout import find_table
from pipelines.ingest.read import read_grids

HEAD = ["NO", "No. NIK", "NOMOR KK", "Nama Lengkap", "TGL. LAHIR", "L/P", "SHDK"]
ROWS = [
    [1, "6271011508800001", "6271010101100001", "BUDI", "15-08-1980", "L", "KEPALA KELUARGA"],
    [2, "6271015508820002", "6271010101100001", "SITI", "15-08-1982", "P", "ISTRI"],
]


def _xlsx(path: Path, title_rows=2, signature=True, instructions=False) -> Path:
    wb = Workbook()
    ws = wb.active
    if instructions:
        ws.title = "PETUNJUK"
        ws.append(["Isi NIK sebagai teks"])
        ws = wb.create_sheet("DATA")
    for i in range(title_rows):
        ws.append([f"DAFTAR USULAN baris judul {i}"])
    ws.append(HEAD)
    for r in ROWS:
        ws.append(r)
    ws.append([])
    if signature:
        ws.append([None, None, None, "Mengetahui,"])
        ws.append([None, None, None, "LURAH CONTOH"])
    wb.save(path)
    return path


def test_title_rows_instructions_and_signature_block(tmp_path):
    path = _xlsx(tmp_path / "a.xlsx", title_rows=3, instructions=True)
    tables = [t for g in read_grids(path) if (t := find_table(g))]
    assert len(tables) == 1
    t = tables[0]
    assert t.kind == "prelist" and t.grid.sheet == "DATA"
    df = t.frame()
    assert list(df["source_row"]) == [5, 6]  # the row numbers Excel shows
    assert t.ignored_rows == 2  # "Mengetahui," and the Lurah's name
    assert {"nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "hubungan_keluarga"} <= set(
        df.columns
    )


def test_row_with_single_identity_cell_inside_table_is_kept(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append(ROWS[0])
    ws.append([3, None, None, "HANYA NAMA"])  # a person with most data missing
    ws.append(ROWS[1])
    wb.save(tmp_path / "b.xlsx")
    t = find_table(read_grids(tmp_path / "b.xlsx")[0])
    assert list(t.frame()["source_row"]) == [2, 3, 4]


@pytest.mark.parametrize(
    ("encoding", "delimiter", "bom"),
    [("cp1252", ";", False), ("utf-8", ",", True), ("utf-8", ";", False)],
)
def test_csv_dialects(tmp_path, encoding, delimiter, bom):
    lines = [delimiter.join(HEAD)] + [delimiter.join(str(v) for v in r) for r in ROWS]
    lines[1] = lines[1].replace("BUDI", "BUDI SANTOSÉ")
    data = "\r\n".join(lines).encode(encoding)
    path = tmp_path / "x.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    t = find_table(read_grids(path)[0])
    df = t.frame()
    assert list(df["nama"]) == ["BUDI SANTOSÉ", "SITI"]
    assert list(df["source_row"]) == [2, 3]


def test_bad_files_are_problems_not_crashes(tmp_path):
    folder = tmp_path / "2026-11" / "62.71.01.1001 Pahandut"
    folder.mkdir(parents=True)
    (folder / "rusak.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "kosong.csv").write_text("")
    (folder / "foto.jpg").write_bytes(b"\xff\xd8")
    kin = discover.read_kelurahan("6271011001", folder, tmp_path / "2026-11")
    text = " | ".join(p["masalah"] for p in kin.problems)
    assert "rusak" in text and "kosong" in text and "bukan Excel" in text
    assert "tidak berisi prelist" in text and "Berita acara" in text
    assert kin.prelist is None


def test_unsupported_extension_message_is_indonesian(tmp_path):
    p = tmp_path / "a.pdf"
    p.write_bytes(b"%PDF")
    with pytest.raises(FileProblem, match="tidak didukung"):
        read_grids(p)


def test_folder_without_code_is_reported(tmp_path):
    period = tmp_path / "2026-11"
    (period / "Pahandut").mkdir(parents=True)
    (period / "62.71.01.1002 Panarung").mkdir()
    folders, problems = discover.kelurahan_folders(period)
    assert [c for c, _ in folders] == ["6271011002"]
    assert "kode wilayah 10 digit" in problems[0]["masalah"]
