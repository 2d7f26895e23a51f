"""Hostile and broken kelurahan files: refused before reading, isolated, never silent.

Readers that could abort or exhaust the process run in a forked child (hostile_files.
run_forked), so a regression shows as a failed test, not a dead test session.
"""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pandas as pd
import pytest
from hostile_files import (
    HEADERS,
    far_cell_xlsx,
    header_only_xlsx,
    lying_dimension_xlsx,
    row,
    run_forked,
    sheet_xml,
    write_xlsx,
    zip_bomb_xlsx,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from pipelines import sanitize, validate, xlsx
from pipelines.errors import ConfigError, FileProblem
from pipelines.ingest import discover
from pipelines.ingest.read import Limits, decode_text, read_grids

PERSON = ["6271011403690001", "6271010101500040", "ANTONIUS", "14-03-1969", "L", "KEPALA KELUARGA"]


# --- input limits, checked before reading -------------------------------------------------


def test_far_cell_workbook_is_refused_not_a_crash(tmp_path):
    """The 1.6 KB xlsx with cells at A1 and XFD1048576 aborted the process (SIGABRT)."""
    path = far_cell_xlsx(tmp_path / "far.xlsx")
    assert path.stat().st_size < 2000
    got = run_forked(read_grids, path, memory_mb=4000)
    assert got[0] == "raised", got
    assert got[1] == "FileProblem"
    assert "XFD1048576" in got[2] and "sel_per_sheet" in got[2]


def test_a_small_sheet_whose_dimension_lies_is_scanned(tmp_path):
    """Declares A1:F3, holds a cell at XFD1048576: the cell scan, not the declaration, decides."""
    path = lying_dimension_xlsx(tmp_path / "lies.xlsx", [PERSON, PERSON])
    got = run_forked(read_grids, path, memory_mb=4000)
    assert got[:2] == ("raised", "FileProblem"), got
    assert "berisi sel sampai XFD1048576" in got[2]


def test_far_cells_without_reference_numbers_are_counted(tmp_path):
    """Cells placed by counting (no r attribute) after a far row push the bound too: 16383
    such cells in row 1048576 would make the reader allocate 550 GB."""
    body = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="1048576">'
        + b"<c><v>1</v></c>" * 16_383
        + b"</row>"
    )
    got = run_forked(read_grids, write_xlsx(tmp_path / "x.xlsx", sheet_xml(body)), memory_mb=4000)
    assert got[:2] == ("raised", "FileProblem"), got
    assert "sel_per_sheet" in got[2]


def test_zip_bomb_is_refused_from_the_zip_directory(tmp_path):
    """6 MB on disk, 2 GB of sheet XML: refused in well under a second, nothing unzipped."""
    path = zip_bomb_xlsx(tmp_path / "bom.xlsx", unzipped_mb=2048)
    assert path.stat().st_size < 8 << 20

    def timed():
        t0 = time.perf_counter()
        try:
            read_grids(path)
        except FileProblem as exc:
            return time.perf_counter() - t0, exc.message
        return time.perf_counter() - t0, None

    got = run_forked(timed, memory_mb=1500)
    assert got[0] == "ok", got
    seconds, message = got[1]
    assert message is not None and "ukuran_terurai_mb" in message
    assert seconds < 2


def test_zip_bomb_ratio_is_refused_below_the_size_limit(tmp_path):
    path = zip_bomb_xlsx(tmp_path / "bom.xlsx", unzipped_mb=20)
    with pytest.raises(FileProblem, match="rasio_kompresi"):
        read_grids(path)


def test_declared_dimension_of_a_large_sheet_is_checked(tmp_path):
    """A sheet too big to scan is judged by the dimension it declares."""
    body = row(1, HEADERS) + row(2, PERSON)
    path = write_xlsx(tmp_path / "d.xlsx", sheet_xml(body, "A1:ZZ1000000"))
    no_scan = Limits(pindai_sheet_mb=0.0001)
    with pytest.raises(FileProblem, match="menyatakan ukuran sampai ZZ1000000"):
        read_grids(path, limits=no_scan)
    honest = write_xlsx(tmp_path / "h.xlsx", sheet_xml(body, "A1:F2"))
    assert len(read_grids(honest, limits=no_scan)[0].rows) == 2


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_rows_and_size_limits(tmp_path, kind):
    persons = [PERSON] * 12
    if kind == "xlsx":
        path = write_xlsx(
            tmp_path / "p.xlsx",
            sheet_xml(row(1, HEADERS) + b"".join(row(i + 2, p) for i, p in enumerate(persons))),
        )
    else:
        path = tmp_path / "p.csv"
        path.write_text("\n".join(";".join(r) for r in [HEADERS, *persons]), encoding="utf-8")
    assert len(read_grids(path)[0].rows) == 13
    with pytest.raises(FileProblem, match="baris_per_berkas"):
        read_grids(path, limits=Limits(baris_per_berkas=10))
    with pytest.raises(FileProblem, match="ukuran_berkas_mb"):
        read_grids(path, limits=Limits(ukuran_berkas_mb=0.0001))


def test_a_csv_row_far_right_counts_as_the_whole_rectangle(tmp_path):
    path = tmp_path / "wide.csv"
    lines = [";".join(HEADERS)] + [";".join(PERSON)] * 50 + [";" * 16_383 + "X"]
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FileProblem, match="sel_per_sheet"):
        read_grids(path, limits=Limits(sel_per_sheet=100_000))


def test_limits_from_dtks_toml():
    from pipelines.settings import parse

    assert parse({}).batas_berkas == Limits()
    got = parse({"batas_berkas": {"baris_per_berkas": 50, "rasio_kompresi": 30}}).batas_berkas
    assert got.baris_per_berkas == 50 and got.rasio_kompresi == 30
    with pytest.raises(ConfigError, match="tidak dikenal"):
        parse({"batas_berkas": {"baris": 5}})
    with pytest.raises(ConfigError, match="lebih dari 0"):
        parse({"batas_berkas": {"baris_per_berkas": -1}})


def test_the_data_roots_limits_apply_to_its_kelurahan(tmp_path):
    period = _period(tmp_path)
    (tmp_path / "dtks.toml").write_text("[batas_berkas]\nbaris_per_berkas = 1\n")
    kin = discover.read_kelurahan("6271011001", period / "62.71.01.1001 Pahandut", period)
    assert kin.prelist is None
    assert any("baris_per_berkas" in p["masalah"] for p in kin.problems)


# --- encodings ------------------------------------------------------------------------------


def test_csv_mixing_utf8_and_a_windows_1252_byte_is_decoded_line_by_line():
    raw = "NAMA;ALAMAT\nSÉPTIANA;JL. MERDEKA\n".encode() + "JOSÉ;RT 01\n".encode("cp1252")
    assert decode_text(raw) == "NAMA;ALAMAT\nSÉPTIANA;JL. MERDEKA\nJOSÉ;RT 01\n"
    assert decode_text("NIK;NAMA\n1;RENÉ\n".encode("utf-16")) == "NIK;NAMA\n1;RENÉ\n"


_ACCENTED = st.sampled_from("ÉéÈèÀàÇçÖöÜüÑñ")
_WORD = st.builds(
    lambda parts: "".join(parts),
    st.lists(st.tuples(st.sampled_from("ABCDEFGHIJKLMNOPRSTUWY "), _ACCENTED | st.just(""))
             .map("".join), min_size=1, max_size=8),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.tuples(_WORD, st.sampled_from(["utf-8", "cp1252"])), min_size=1))
def test_each_line_keeps_its_own_encoding(lines):
    """Whatever mix of UTF-8 and Windows-1252 lines a file holds, every line reads as typed
    (an accented letter is always followed by an ASCII one, as in names)."""
    raw = b"\n".join(text.encode(enc) for text, enc in lines)
    assert decode_text(raw).split("\n") == [text for text, _ in lines]


# --- what is read and what is named as skipped ----------------------------------------------


def _csv(path: Path, persons=(PERSON,)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(";".join(r) for r in [HEADERS, *persons]), encoding="utf-8")
    return path


def _period(root: Path) -> Path:
    period = root / "data" / "raw" / "2026-11"
    _csv(period / "62.71.01.1001 Pahandut" / "prelist.csv")
    return period


def test_every_entry_is_read_or_named(tmp_path):
    period = _period(tmp_path)
    k = period / "62.71.01.1001 Pahandut"
    _csv(k / "..csv")  # a data file whose name starts with a dot: read
    _csv(k / "sub" / "lagi.csv")  # a subfolder: read
    _csv(k / ".git" / "x.csv")  # a hidden subfolder: skipped, named
    _csv(k / "__MACOSX" / "._prelist.csv")
    (k / "~$prelist.xlsx").write_bytes(b"\0" * 165)  # Excel's lock file
    (k / ".~lock.prelist.xlsx#").write_text("x")
    (k / "catatan.docx").write_text("x")
    _csv(period / "_62.71.01.1002 Panarung" / "prelist.csv")  # '_' first: read
    _csv(period / ".62.71.01.1003 Langkai" / "prelist.csv")  # hidden: skipped, named
    (period / "catatan.txt").write_text("x")  # outside a kelurahan folder: named
    folders, problems = discover.kelurahan_folders(period)
    assert [c for c, _ in folders] == ["6271011001", "6271011002"]
    named = {p["folder"] or p["source_file"] for p in problems}
    assert {".62.71.01.1003 Langkai", "catatan.txt"} <= named
    assert all(p["jenis"] == discover.SKIPPED for p in problems)
    kin = discover.read_kelurahan("6271011001", k, period)
    read = set(kin.prelist["source_file"])
    assert read == {
        "62.71.01.1001 Pahandut/prelist.csv",
        "62.71.01.1001 Pahandut/..csv",
        "62.71.01.1001 Pahandut/sub/lagi.csv",
    }
    skipped = {p["source_file"]: p for p in kin.problems if p["source_file"]}
    for rel in [".git", "__MACOSX", "~$prelist.xlsx", ".~lock.prelist.xlsx#", "catatan.docx"]:
        assert f"62.71.01.1001 Pahandut/{rel}" in skipped, (rel, kin.problems)
        assert skipped[f"62.71.01.1001 Pahandut/{rel}"]["jenis"] == discover.SKIPPED


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_links_leaving_the_data_root_are_refused_and_named(tmp_path):
    period = _period(tmp_path / "root")
    outside = tmp_path / "elsewhere"
    _csv(outside / "62.71.01.1009 Luar" / "prelist.csv")
    _csv(outside / "bocor.csv")
    (period / "62.71.01.1009 Luar").symlink_to(outside / "62.71.01.1009 Luar")
    k = period / "62.71.01.1001 Pahandut"
    (k / "bocor.csv").symlink_to(outside / "bocor.csv")
    _csv(period.parent / "arsip" / "dalam.csv")  # a link inside the data root is followed
    (k / "dalam.csv").symlink_to(period.parent / "arsip" / "dalam.csv")
    folders, problems = discover.kelurahan_folders(period)
    assert [c for c, _ in folders] == ["6271011001"]
    assert [p["folder"] for p in problems] == ["62.71.01.1009 Luar"]
    assert "tautan" in problems[0]["masalah"]
    kin = discover.read_kelurahan("6271011001", k, period)
    assert set(kin.prelist["source_file"]) == {
        "62.71.01.1001 Pahandut/prelist.csv",
        "62.71.01.1001 Pahandut/dalam.csv",
    }
    refused = [p for p in kin.problems if p["source_file"].endswith("bocor.csv")]
    assert refused and "tautan" in refused[0]["masalah"]


@pytest.mark.parametrize("kind", ["xlsx", "csv", "berita acara"])
def test_empty_templates_are_berkas_kosong(tmp_path, kind):
    period = _period(tmp_path)
    k = period / "62.71.01.1002 Panarung"
    if kind == "xlsx":
        header_only_xlsx(k / "prelist.xlsx", HEADERS)
    elif kind == "csv":
        _csv(k / "prelist.csv", persons=())
    else:
        _csv(k / "prelist.csv")
        header_only_xlsx(k / "ba.xlsx", ["NO KK", "NAMA KEPALA KELUARGA", "KEPUTUSAN"])
    kin = discover.read_kelurahan("6271011002", k, period)
    empty = [p for p in kin.problems if p["masalah"].startswith("Berkas kosong")]
    assert len(empty) == 1 and empty[0]["jenis"] == discover.UNREADABLE
    assert kin.decisions is None  # an empty berita acara holds the rows: no decision read


def test_an_unforeseen_error_in_one_file_stays_in_that_file(tmp_path, monkeypatch):
    period = _period(tmp_path)
    k = period / "62.71.01.1001 Pahandut"
    _csv(k / "kedua.csv")
    real = discover.find_table

    def boom(grid):
        if len(grid.rows) and grid.rows[0] == HEADERS and boom.calls == 0:
            boom.calls += 1
            raise TypeError("an odd cell")
        return real(grid)

    boom.calls = 0
    monkeypatch.setattr(discover, "find_table", boom)
    kin = discover.read_kelurahan("6271011001", k, period)
    assert len(kin.prelist) == 1  # the other file is read
    bad = [p for p in kin.problems if "kesalahan tak terduga" in p["masalah"]]
    assert len(bad) == 1 and "an odd cell" not in bad[0]["masalah"]


# --- one output sanitiser -------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://x","klik")', "+SUM(1,1)", "@SUM(2,2)", "-2+3", "AB\x00C", "A\x0bB",
           "\tTAB", "\rCR", "X\x7fY"]  # fmt: skip


def _no_formula_cells(path: Path) -> list:
    wb = load_workbook(path)
    return [
        (ws.title, c.coordinate)
        for ws in wb.worksheets
        for r in ws.iter_rows()
        for c in r
        if c.data_type == "f"
    ]


def test_xlsx_writers_never_write_a_formula(tmp_path):
    wb = xlsx.new_workbook()
    xlsx.add_sheet(wb, "A", ["NAMA", "NIK"], ["nama", "nik"], [[h, h] for h in HOSTILE])
    xlsx.save(wb, tmp_path / "wo.xlsx")
    wb = Workbook()
    for h in HOSTILE:
        xlsx.append(wb.active, [h])
    wb.active["B1"] = "=1+1"  # a cell set directly: made a string when saved
    xlsx.save(wb, tmp_path / "n.xlsx")
    for name in ("wo.xlsx", "n.xlsx"):
        assert _no_formula_cells(tmp_path / name) == []
        values = [c.value for r in load_workbook(tmp_path / name).active.iter_rows() for c in r]
        assert sanitize.clean('=HYPERLINK("http://x","klik")') in values
        assert not any(isinstance(v, str) and sanitize.CONTROL.search(v) for v in values)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=6))
def test_any_text_comes_out_as_text(tmp_path_factory, texts):
    """Any text: the xlsx cell is a string equal to the cleaned text; the CSV field never
    starts like a formula and reads back as the cleaned text behind at most one apostrophe."""
    out = tmp_path_factory.mktemp("s")
    wb = xlsx.new_workbook()
    xlsx.add_sheet(wb, "A", [f"K{i}" for i in range(len(texts))], ["x"] * len(texts), [texts])
    xlsx.save(wb, out / "a.xlsx")
    assert _no_formula_cells(out / "a.xlsx") == []
    got = [c.value for c in load_workbook(out / "a.xlsx").active[2]]
    assert [g or "" for g in got] == [sanitize.clean(t) for t in texts]
    sanitize.write_csv(out / "a.csv", [f"K{i}" for i in range(len(texts))], [texts])
    with (out / "a.csv").open(encoding="utf-8-sig", newline="") as fh:
        fields = list(csv.reader(fh, delimiter=";"))[1]
    for f, t in zip(fields, texts, strict=True):
        assert not f.startswith(sanitize.FORMULA_START)
        assert f.removeprefix("'") == sanitize.clean(t) or f == sanitize.clean(t)


def test_csv_guard_touches_text_only(tmp_path):
    frame = pd.DataFrame(
        {"nama": ["-2+3", "ANI", None], "selisih": [-5, 3, 0], "nik": ["6271011403690001"] * 3}
    )
    sanitize.frame_to_csv(frame, tmp_path / "f.csv")
    text = (tmp_path / "f.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == [
        "nama;selisih;nik",
        "'-2+3;-5;6271011403690001",
        "ANI;3;6271011403690001",
        ";0;6271011403690001",
    ]


def test_every_writer_goes_through_the_sanitiser():
    """No module saves a workbook or writes a CSV except through pipelines.xlsx / sanitize."""
    root = Path(validate.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if path.name in ("xlsx.py", "sanitize.py", "stable.py") or "synth" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("wb.save(", "save_workbook(", ".to_csv(", "csv.writer(", ".to_excel("):
            if needle in text:
                offenders.append((path.relative_to(root).as_posix(), needle))
    assert offenders == []


@pytest.mark.parametrize("column", ["nama", "alamat", "nama_ibu_kandung", "tempat_lahir",
                                    "pekerjaan"])  # fmt: skip
def test_names_and_addresses_that_start_like_a_formula_are_flagged(column):
    raw = pd.DataFrame(
        {
            "row_id": range(1, 8),
            "source_file": "f.csv",
            "source_sheet": "",
            "source_row": range(2, 9),
            "folder_kode": "6271011001",
            column: ["=1+1", "+SUM(1,1)", "@A", "-2+3", "A\x00B", "A\x0bB", "-"],
        }
    )
    clean, problems = validate.prepare(raw)
    got = problems[problems["column"] == column].set_index("row_id")["code"].to_dict()
    assert got == {1: "diawali_tanda_rumus", 2: "diawali_tanda_rumus", 3: "diawali_tanda_rumus",
                   4: "diawali_tanda_rumus", 5: "karakter_kontrol", 6: "karakter_kontrol"}  # fmt: skip
    assert clean[column].iloc[4] == "AB" and pd.isna(clean[column].iloc[6])
    reasons = validate.reasons_by_row(problems)
    assert "rumus" in reasons[1] and "karakter kontrol" in reasons[5]


def test_return_workbook_is_never_wider_than_the_table_plus_its_own_columns(tmp_path):
    from pipelines.report import rejections

    period = _period(tmp_path)
    path = period / "62.71.01.1001 Pahandut" / "prelist.csv"
    bad = [PERSON[0], PERSON[1], "", *PERSON[3:]]
    path.write_text(
        "\n".join(";".join(r) for r in [HEADERS, PERSON]) + "\n" + ";".join(bad) + ";" * 16378
        + "NILAI DI XFD\n",
        encoding="utf-8",
    )  # fmt: skip
    outcomes = pd.DataFrame(
        {
            "folder_kode": "6271011001",
            "source_file": "62.71.01.1001 Pahandut/prelist.csv",
            "source_sheet": "",
            "source_row": [3],
            "outcome": "ditolak_validasi",
            "reasons": "NAMA kosong; wajib diisi.",
            "problem_columns": "nama",
        }
    )
    (written,) = rejections.write(outcomes, period, tmp_path / "out", "2026-11")
    ws = load_workbook(written).worksheets[1]
    assert ws.max_column == len(HEADERS) + 4
    header = [c.value for c in ws[2]]
    assert header[-4:] == ["BARIS ASLI", "HASIL", "ALASAN", "ISI DI LUAR TABEL"]
    assert ws.cell(3, len(HEADERS) + 4).value == "KOLOM XFD: NILAI DI XFD"


def test_csv_field_text_rules():
    assert sanitize.csv_value("=1+1") == "'=1+1"
    assert sanitize.csv_value("-") == "'-"
    assert sanitize.csv_value(-5) == -5
    assert sanitize.csv_value("A\x00B") == "A\ufffdB"
    buf = io.StringIO()
    csv.writer(buf).writerow([sanitize.csv_value("\tX")])
    assert buf.getvalue().startswith("'")


def _only_kelurahan(tmp_path: Path, rows, ba: bool):
    import shutil

    from conftest import run_finalize_stages
    from tests_helpers import corpus_root

    from pipelines.config import Home

    home = Home(corpus_root(tmp_path / "root"))
    period = home.period_raw("2026-11")
    for p in period.iterdir():
        if p.is_dir():
            shutil.rmtree(p)
    k = period / "62.71.01.1001 Pahandut"
    _csv(k / "prelist.csv", rows)
    if ba:
        (k / "ba.csv").write_text(f"NO KK;KEPUTUSAN\n{PERSON[1]};SETUJU\n", encoding="utf-8")
    return run_finalize_stages(home)


def test_a_month_where_every_row_is_rejected(tmp_path):
    """Found by the fuzzer: when no row reached the register match, decide() ended the
    month with pandas' TypeError instead of giving each row its outcome."""
    _, outcomes, _ = _only_kelurahan(tmp_path, [["1", "2", "", "", "X", "?"]] * 3, ba=True)
    assert len(outcomes) == 3 and set(outcomes["outcome"]) == {"ditolak_validasi"}


def test_a_month_without_any_berita_acara(tmp_path):
    """No kelurahan sent a berita acara: every row ditolak_musyawarah, outputs written (the
    summary's 'BA tanpa Prelist' sheet ended the run with a KeyError)."""
    _, outcomes, published = _only_kelurahan(tmp_path, [PERSON], ba=False)
    assert list(outcomes["outcome"]) == ["ditolak_musyawarah"]
    assert published.summary.exists()


def test_ragged_csv_rows_are_padded_never_copied_across(tmp_path):
    """Found by the fuzzer: when a CSV had as many data rows as columns, numpy broadcast the
    ragged rows: a row of one cell was copied into every column (the NIK became the NAMA),
    and rows of other lengths became list cells (TypeError, the file lost)."""
    period = _period(tmp_path)
    k = period / "62.71.01.1002 Panarung"
    k.mkdir()
    (k / "prelist.csv").write_text(
        f"NIK;NO KK;NAMA\n{PERSON[0]}\n6271014206710001\n6271010909940001\n", encoding="utf-8"
    )
    (k / "ba.csv").write_text(
        f"NO KK;NAMA KEPALA KELUARGA;KEPUTUSAN\n{PERSON[1]};ANTONIUS;SETUJU\n{PERSON[1]}\n1;2;3;4\n",
        encoding="utf-8",
    )
    kin = discover.read_kelurahan("6271011002", k, period)
    assert kin.prelist is None or kin.prelist["nama"].isna().all()  # never the NIK again
    assert list(kin.decisions["keputusan_asli"].fillna("")) == ["SETUJU", "", "3"]
    assert not [p for p in kin.problems if "tak terduga" in p["masalah"]]
