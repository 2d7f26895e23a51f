"""Files, spellings and codes the pipeline had never seen (issue 13), as an operator meets them.

Each test builds one small kelurahan folder the way real kelurahan send them, runs the real
read -> validate -> decide stages against an empty register, and checks what the supervisor
and the kelurahan operator would read: outcomes, reasons, file problems, the column mapping.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from pipelines.config import Home
from pipelines.finalize import deciding
from pipelines.finalize.batch import combine
from pipelines.ingest import discover
from pipelines.store import open_store

TODAY = dt.date.today()
KODE = "6271011001"  # Pahandut, Kota Palangka Raya
FOLDER = "62.71.01.1001 Pahandut"
PERSON_HEADER = ["NO", "NIK", "NO KK", "NAMA", "TGL LAHIR", "JK", "HUBUNGAN KELUARGA",
                 "STATUS KAWIN"]  # fmt: skip


def nik(born: dt.date, sex: str, serial: int = 1, region: str = "627101") -> str:
    day = born.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{born:%m}{born.year % 100:02d}{serial:04d}"


def kk(serial: int, region: str = "627101") -> str:
    return f"{region}150312{serial:04d}"


def years_ago(years: float) -> dt.date:
    return TODAY - dt.timedelta(days=int(years * 365.25))


def person(born, sex, rel, no_kk, name, kawin="KAWIN", serial=1, region="627101") -> dict:
    return {"nik": nik(born, sex, serial, region), "kk": no_kk, "nama": name, "lahir": born,
            "jk": sex, "hub": rel, "kawin": kawin}  # fmt: skip


FAMILY_NAMES = ["", "ANWAR", "BAHRUN", "CHANDRA", "DARMAWAN", "EFFENDI", "FIRDAUS", "GUNAWAN",
                "HIDAYAT", "IRAWAN", "JUNAIDI", "KURNIA", "LUBIS"]  # fmt: skip
FIRST = ["AHMAD", "SITI", "RIZKI", "NUR", "BAYU", "DEWI"]


def family(n: int, head_age=45, kids=2, female_head=False, region="627101") -> list[dict]:
    """A head, a spouse (unless a female head) and children, NIKs matching birth and sex."""
    no_kk = kk(n, region)
    hb = years_ago(head_age + 0.53 * n)  # families apart: no two NIKs one digit apart
    out = [person(hb, "P" if female_head else "L", "KEPALA KELUARGA", no_kk, f"BUDI {FAMILY_NAMES[n]}",
                  "CERAI MATI" if female_head else "KAWIN", serial=n, region=region)]  # fmt: skip
    if not female_head:
        out.append(
            person(
                years_ago(head_age - 3 + 0.41 * n),
                "P",
                "ISTRI",
                no_kk,
                f"SRI {FAMILY_NAMES[n]}",
                serial=n,
            )
        )
    for k in range(kids):
        sex = "LP"[k % 2]
        out.append(
            person(
                years_ago(12 - 3 * k + 0.29 * n),
                sex,
                "ANAK",
                no_kk,
                f"{FIRST[k]} {FAMILY_NAMES[n]}",
                "BELUM KAWIN",
                n,
            )  # fmt: skip
        )
    return out


def prelist_rows(people: list[dict], rel=lambda p: p["hub"]) -> list[list]:
    return [
        [i, p["nik"], p["kk"], p["nama"], p["lahir"].strftime("%d-%m-%Y"), p["jk"], rel(p),
         p["kawin"]]
        for i, p in enumerate(people, start=1)
    ]  # fmt: skip


def xlsx(path: Path, header: list, rows: list[list], title: list[list] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    for t in title or []:
        ws.append(t)
    ws.append(header)
    for r in rows:
        ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def ba(path: Path, people: list[dict], decisions: dict[str, str], header=None, key="kk") -> Path:
    """A berita acara: one row per household head with its decision (decisions: No KK -> word)."""
    header = header or ["NO", "NO KK", "NAMA KEPALA KELUARGA", "KEPUTUSAN"]
    heads = [p for p in people if p["hub"] in ("KEPALA KELUARGA", 1, "1")]
    rows = [[i, h["kk"] if key == "kk" else h["nik"], h["nama"], decisions.get(h["kk"], "SETUJU")]
            for i, h in enumerate(heads, start=1)]  # fmt: skip
    return xlsx(path, header, rows, title=[["BERITA ACARA MUSYAWARAH KELURAHAN"], []])


def run(root: Path, kabkota: str = "6271"):
    """read -> combine -> decide for every kelurahan folder of root's period 2026-11."""
    period_dir = root / "data" / "raw" / "2026-11"
    folders, problems = discover.kelurahan_folders(period_dir)
    parts = [discover.read_kelurahan(c, p, period_dir) for c, p in folders]
    batch = combine("2026-11", parts, problems)
    with open_store(root / "dtks.duckdb") as store:
        outcomes = deciding.decide(batch, store, kabkota)
    return batch, outcomes.set_index("source_row")


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "data" / "raw" / "2026-11" / FOLDER


# ------------------------------------------------------------------ the berita acara


def test_unknown_decision_header_is_read_by_its_words(tmp_path, folder):
    people = family(1) + family(2)
    xlsx(folder / "prelist.xlsx", PERSON_HEADER, prelist_rows(people))
    ba(folder / "ba.xlsx", people, {kk(2): "Tidak Layak"},
       header=["NO", "NO KK", "NAMA KEPALA KELUARGA", "REKOMENDASI TIM"])  # fmt: skip
    batch, out = run(tmp_path)
    assert (out.loc[out["no_kk"] == kk(1), "outcome"] == "usulan_baru").all()
    rejected = out[out["no_kk"] == kk(2)]
    assert (rejected["outcome"] == "ditolak_musyawarah").all()
    assert rejected["reasons"].str.contains("tidak layak").all()
    assert not out["reasons"].fillna("").str.contains("''").any()
    read = batch.mappings[batch.mappings["judul"] == "REKOMENDASI TIM"]
    assert read["dibaca_sebagai"].tolist() == ["KEPUTUSAN"]
    assert read["cara"].tolist() == ["isi kolom"]


def test_berita_acara_without_decision_column_is_one_file_problem(tmp_path, folder):
    people = family(1) + family(2)
    xlsx(folder / "prelist.xlsx", PERSON_HEADER, prelist_rows(people))
    xlsx(folder / "ba.xlsx", ["NO", "NO KK", "NAMA KEPALA KELUARGA", "TANDA TANGAN"],
         [[1, kk(1), "KEPALA 1", ""], [2, kk(2), "KEPALA 2", ""]],
         title=[["BERITA ACARA MUSYAWARAH KELURAHAN"]])  # fmt: skip
    batch, out = run(tmp_path)
    about_ba = batch.problems[batch.problems["source_file"].str.endswith("ba.xlsx")]
    assert len(about_ba) == 1
    assert "tidak memiliki kolom KEPUTUSAN" in about_ba["masalah"].iloc[0]
    assert (out["outcome"] == "ditolak_musyawarah").all()
    assert out["reasons"].str.contains("tidak dapat dibaca; lihat Masalah Berkas").all()
    assert not out["reasons"].str.contains("''").any()


def test_berita_acara_keyed_by_name_without_decisions_is_unreadable_not_missing(tmp_path, folder):
    """Found by bench_variants (seed 9): a BA keyed by head's name + RT whose decision column is
    empty has no row the reader can take as data. The kelurahan did send it: its rows are held
    as 'cannot be read', not 'belum mengirim berita acara', and the file problem says why."""
    people = family(1) + family(2)
    xlsx(folder / "prelist.xlsx", PERSON_HEADER, prelist_rows(people))
    xlsx(folder / "ba.xlsx", ["NO", "NAMA KEPALA KELUARGA", "RT", "KETERANGAN"],
         [[1, "KEPALA SATU", "001", None], [2, "KEPALA DUA", "002", None]],
         title=[["BERITA ACARA MUSYAWARAH KELURAHAN"]])  # fmt: skip
    batch, out = run(tmp_path)
    assert (out["outcome"] == "ditolak_musyawarah").all()
    assert out["reasons"].str.contains("tidak dapat dibaca; lihat Masalah Berkas").all()
    assert not out["reasons"].str.contains("belum mengirim").any()
    about_ba = batch.problems[batch.problems["source_file"].str.endswith("ba.xlsx")]
    assert about_ba["masalah"].str.contains("2 baris").any()
    assert not about_ba["masalah"].str.contains("Berkas kosong").any()


WORDS = [  # (decision as typed, outcome, words of the reason, reason code kept on the row)
    ("disetujui", "usulan_baru", None, ""),
    ("  ya ", "usulan_baru", None, ""),
    ("Diterima", "usulan_baru", None, ""),
    ("Tdk. Layak", "ditolak_musyawarah", "tidak layak", "tidak_layak"),
    ("MENINGGAL DUNIA", "ditolak_musyawarah", "meninggal dunia", "meninggal"),
    ("pindah domisili", "ditolak_musyawarah", "sudah pindah", "pindah"),
    ("Sudah Mampu", "ditolak_musyawarah", "dinilai mampu", "mampu"),
    ("tidak ditemukan", "ditolak_musyawarah", "tidak ditemukan", "tidak_ditemukan"),
    ("GANDA", "ditolak_musyawarah", "data ganda", "ganda"),
    ("ditolak", "ditolak_musyawarah", "tidak disetujui", "ditolak"),
    ("tunda dulu", "ditolak_musyawarah", "tulis salah satu: SETUJU, DISETUJUI, LAYAK", None),
]


def test_decision_words_in_any_case_keep_their_reason(tmp_path, folder):
    people = [p for n in range(1, len(WORDS) + 1) for p in family(n, kids=0, female_head=True)]
    words = {kk(n): w[0] for n, w in enumerate(WORDS, start=1)}
    xlsx(folder / "prelist.xlsx", PERSON_HEADER, prelist_rows(people))
    ba(folder / "ba.xlsx", people, words)
    batch, out = run(tmp_path)
    decided = batch.decisions.set_index("no_kk")
    for n, (word, outcome, reason, code) in enumerate(WORDS, start=1):
        row = out[out["no_kk"] == kk(n)].iloc[0]
        assert row["outcome"] == outcome, word
        if reason:
            assert reason in row["reasons"], word
        assert decided.loc[kk(n), "alasan_kode"] == (code or ""), word
        assert decided.loc[kk(n), "disetujui"] is (None if code is None else code == ""), word


@pytest.mark.parametrize("key", ["nik", "nama_rt", "kunci"])
def test_decision_list_keyed_by_head_nik_or_name_with_rt(tmp_path, folder, key):
    people = family(1) + family(2) + family(3)
    header = [*PERSON_HEADER, "RT"]
    rows = [[*r, "004" if p["kk"] != kk(3) else "007"] for r, p in
            zip(prelist_rows(people), people, strict=True)]  # fmt: skip
    xlsx(folder / "prelist.xlsx", header, rows)
    heads = [p for p in people if p["hub"] == "KEPALA KELUARGA"]
    words = {kk(1): "SETUJU", kk(2): "MAMPU", kk(3): "LAYAK"}
    if key == "nik":
        body = [[i, h["nik"], h["nama"], words[h["kk"]]] for i, h in enumerate(heads, 1)]
        head = ["NO", "NIK KEPALA KELUARGA", "NAMA KEPALA KELUARGA", "KEPUTUSAN"]
    elif key == "kunci":  # a 16-digit column of unknown header: a card number or a NIK
        body = [[i, h["kk"] if i % 2 else h["nik"], h["nama"], words[h["kk"]]]
                for i, h in enumerate(heads, 1)]  # fmt: skip
        head = ["NO", "IDENTITAS KELUARGA", "NAMA KEPALA KELUARGA", "KEPUTUSAN"]
    else:
        body = [[i, h["nama"].title(), "4" if h["kk"] != kk(3) else "RT 07", words[h["kk"]]]
                for i, h in enumerate(heads, 1)]  # fmt: skip
        head = ["NO", "NAMA KEPALA KELUARGA", "RT", "KEPUTUSAN"]
    xlsx(folder / "ba.xlsx", head, body, title=[["BERITA ACARA MUSYAWARAH"]])
    _, out = run(tmp_path)
    by_kk = out.groupby("no_kk")["outcome"].agg(set)
    assert by_kk[kk(1)] == {"usulan_baru"} and by_kk[kk(3)] == {"usulan_baru"}
    assert by_kk[kk(2)] == {"ditolak_musyawarah"}


# ------------------------------------------------------------------ columns


def test_unknown_prelist_headers_are_read_by_their_values_and_listed(tmp_path, folder):
    people = family(1) + family(2) + family(3, kids=1) + family(4, female_head=True)
    header = ["No", "Identitas Penduduk", "Dokumen Keluarga", "Nm Lengkap", "Waktu Lahir",
              "Kelamin?", "Kedudukan", "STATUS KAWIN"]  # fmt: skip
    rows = [[i, p["nik"], p["kk"], p["nama"], p["lahir"], {"L": "Laki-laki", "P": "Perempuan"}[p["jk"]],
             p["hub"], p["kawin"]] for i, p in enumerate(people, 1)]  # fmt: skip
    xlsx(folder / "usulan.xlsx", header, rows, title=[["DAFTAR USULAN"]])
    ba(folder / "ba.xlsx", people, {})
    batch, out = run(tmp_path)
    assert (out["outcome"] == "usulan_baru").all(), out["reasons"].tolist()
    assert out["nik"].tolist() == [p["nik"] for p in people]
    assert out["no_kk"].tolist() == [p["kk"] for p in people]
    assert out["nama"].tolist() == [p["nama"] for p in people]
    m = batch.mappings.set_index("judul")
    assert m.loc["Identitas Penduduk", "dibaca_sebagai"] == "NIK"
    assert m.loc["Dokumen Keluarga", "dibaca_sebagai"] == "NO KK"
    assert m.loc["Nm Lengkap", "dibaca_sebagai"] == "NAMA"
    assert m.loc["Waktu Lahir", "dibaca_sebagai"] == "TANGGAL LAHIR"
    assert m.loc["Kelamin?", "dibaca_sebagai"] == "JENIS KELAMIN"
    assert m.loc["Kedudukan", "dibaca_sebagai"] == "HUBUNGAN KELUARGA"
    assert (m.loc[["Identitas Penduduk", "Kedudukan"], "periksa"] == "ya").all()


def test_mapping_is_shown_on_screen_and_in_the_summary(tmp_path, folder):
    from pipelines.cli import supervisor
    from pipelines.cli.common import console
    from pipelines.publish import publish

    people = family(1) + family(2) + family(3)
    header = ["NO", "Identitas Penduduk", "NO KK", "NAMA", "TGL LAHIR", "JK", "SHDK"]
    rows = [[i, p["nik"], p["kk"], p["nama"], p["lahir"], p["jk"],
             {"KEPALA KELUARGA": 1, "ISTRI": 2, "ANAK": 3}[p["hub"]]]
            for i, p in enumerate(people, 1)]  # fmt: skip
    xlsx(folder / "usulan.xlsx", header, rows)
    ba(folder / "ba.xlsx", people, {})
    batch, out = run(tmp_path)
    with open_store(tmp_path / "dtks.duckdb") as store:
        result = publish(store, Home(tmp_path), batch, out.reset_index())
    with console.capture() as cap:
        supervisor._print_ingest_notes(result)
    screen = " ".join(cap.get().split())  # as read, whatever the terminal's width
    assert "Identitas Penduduk' -> NIK" in screen
    assert "SHDK' -> HUBUNGAN KELUARGA" in screen and "3 ANAK" in screen
    sheet = load_workbook(result.summary)["Pemetaan Kolom"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(
        r[6] == "Identitas Penduduk" and r[7] == "NIK" and r[8] == "isi kolom" for r in cells
    )


def test_a_missing_needed_column_is_one_file_problem_not_empty_cells(tmp_path, folder):
    people = family(1) + family(2)
    header = ["NO", "NIK", "NO KK", "NAMA", "JK", "HUBUNGAN KELUARGA"]
    rows = [[i, p["nik"], p["kk"], p["nama"], p["jk"], p["hub"]] for i, p in enumerate(people, 1)]
    xlsx(folder / "usulan.xlsx", header, rows)
    ba(folder / "ba.xlsx", people, {})
    batch, out = run(tmp_path)
    about = batch.problems[batch.problems["source_file"].str.endswith("usulan.xlsx")]
    assert len(about) == 1
    assert about["masalah"].iloc[0].startswith("Kolom TANGGAL LAHIR tidak ditemukan")
    assert (out["outcome"] == "ditolak_validasi").all()
    assert out["reasons"].str.startswith("Kolom TANGGAL LAHIR tidak ditemukan").all()
    assert not out["reasons"].str.contains("TANGGAL LAHIR kosong").any()


def test_nik_kk_header_is_the_heads_nik_not_the_card(tmp_path, folder):
    people = family(1) + family(2)
    header = ["NO", "NIK", "NIK KK", "NO KK", "NAMA", "TGL LAHIR", "JK", "HUBUNGAN KELUARGA"]
    heads = {p["kk"]: p["nik"] for p in people if p["hub"] == "KEPALA KELUARGA"}
    rows = [[i, p["nik"], heads[p["kk"]], p["kk"], p["nama"], p["lahir"], p["jk"], p["hub"]]
            for i, p in enumerate(people, 1)]  # fmt: skip
    xlsx(folder / "usulan.xlsx", header, rows)
    ba(folder / "ba.xlsx", people, {})
    _, out = run(tmp_path)
    assert out["no_kk"].tolist() == [p["kk"] for p in people]
    assert (out["outcome"] == "usulan_baru").all()


@pytest.mark.parametrize("layout", ["merged", "two_rows", "empty_first_nik"])
def test_merged_or_doubled_nik_headers_are_resolved(tmp_path, folder, layout):
    people = family(1) + family(2) + family(3)
    wb = Workbook()
    ws = wb.active
    ws.append(["DAFTAR USULAN"])
    body = [[i, p["nik"], p["kk"], p["nama"], p["lahir"], p["jk"], p["hub"]]
            for i, p in enumerate(people, 1)]  # fmt: skip
    if layout == "merged":  # one header cell 'NIK / NO KK' merged over both columns
        ws.append(["NO", "NIK / NO KK", None, "NAMA", "TGL LAHIR", "JK", "HUBUNGAN KELUARGA"])
        ws.merge_cells("B2:C2")
    elif layout == "two_rows":  # 'IDENTITAS' over NIK and NO KK; the others merged down
        ws.append(["NO", "IDENTITAS", None, "NAMA", "TGL LAHIR", "JK", "HUBUNGAN KELUARGA"])
        ws.append([None, "NIK", "NO KK", None, None, None, None])
        ws.merge_cells("B2:C2")
        for col in "ADEFG":
            ws.merge_cells(f"{col}2:{col}3")
    else:  # two NIK columns, the first left empty
        ws.append(["NO", "NIK", "NIK", "NO KK", "NAMA", "TGL LAHIR", "JK", "HUBUNGAN KELUARGA"])
        body = [[r[0], None, *r[1:]] for r in body]
    for r in body:
        ws.append(r)
    folder.mkdir(parents=True)
    wb.save(folder / "usulan.xlsx")
    ba(folder / "ba.xlsx", people, {})
    _, out = run(tmp_path)
    assert len(out) == len(people)
    assert (out["outcome"] == "usulan_baru").all(), out["reasons"].tolist()
    assert out["nik"].tolist() == [p["nik"] for p in people]
    assert out["no_kk"].tolist() == [p["kk"] for p in people]


# ------------------------------------------------------------------ region codes


def test_old_kecamatan_code_is_a_note_not_a_rejection(tmp_path, folder):
    people = family(1, region="627109") + family(2)  # 62.71.09 is in no current list
    people[3]["nik"] = nik(people[3]["lahir"], people[3]["jk"], 5, region="620199")
    bad_province = person(years_ago(30), "L", "KEPALA KELUARGA", kk(9), "SALAH", serial=9,
                          region="997101")  # fmt: skip
    xlsx(folder / "usulan.xlsx", PERSON_HEADER, prelist_rows([*people, bad_province]))
    ba(folder / "ba.xlsx", [*people, bad_province], {})
    _, out = run(tmp_path)
    old_card = out[out["no_kk"] == kk(1, "627109")]
    assert (old_card["outcome"] == "usulan_baru").all(), old_card["reasons"].tolist()
    assert (
        old_card["reasons"]
        .str.contains(
            "kode wilayah NO KK tidak ada di daftar Kemendagri terbaru; mungkin NO KK lama"
        )
        .all()
    )
    assert "mungkin NIK lama sebelum pemekaran" in out.loc[2, "reasons"]
    assert out.loc[5, "outcome"] == "usulan_baru"
    assert "mungkin NIK lama sebelum pemekaran" in out.loc[5, "reasons"]
    assert out.loc[10, "outcome"] == "ditolak_validasi"
    assert "2 digit awal NIK bukan kode provinsi" in out.loc[10, "reasons"]


def test_residence_kelurahan_is_still_checked_against_the_current_list(tmp_path, folder):
    people = family(1)
    rows = [[*r, "62.71.09.1001"] for r in prelist_rows(people)]
    xlsx(folder / "usulan.xlsx", [*PERSON_HEADER, "KODE WILAYAH"], rows)
    ba(folder / "ba.xlsx", people, {})
    _, out = run(tmp_path)
    assert (out["outcome"] == "ditolak_validasi").all()
    assert out["reasons"].str.contains("KODE WILAYAH tidak ada dalam daftar kode wilayah").all()


# ------------------------------------------------------------------ household checks


def test_head_born_in_the_future_sends_the_family_back_naming_the_head(tmp_path, folder):
    people = family(1, kids=3) + family(2)
    rows = prelist_rows(people)
    rows[0][4] = (TODAY + dt.timedelta(days=90)).strftime("%d-%m-%Y")
    xlsx(folder / "usulan.xlsx", PERSON_HEADER, rows)  # header row 1, the head on row 2
    ba(folder / "ba.xlsx", people, {})
    _, out = run(tmp_path)
    head, members = out.loc[2], out.loc[3:6]
    assert head["outcome"] == "ditolak_validasi"
    assert "TANGGAL LAHIR berada di masa depan" in head["reasons"]
    assert (members["outcome"] == "ditolak_validasi").all()
    assert members["reasons"].str.startswith("Kepala keluarga di baris 2 ditolak: ").all()
    assert members["reasons"].str.contains("TANGGAL LAHIR berada di masa depan").all()
    assert not members["reasons"].str.contains("lebih tua").any()
    assert (out.loc[7:, "outcome"] == "usulan_baru").all()  # the next family is untouched


def test_head_kk_mistyped_names_the_head_not_a_missing_head(tmp_path, folder):
    people = family(1, kids=2) + family(2)
    people[0]["kk"] = people[0]["kk"][:-1] + "7"  # one digit off
    xlsx(folder / "usulan.xlsx", PERSON_HEADER, prelist_rows(people))
    ba(folder / "ba.xlsx", people[1:], {})
    _, out = run(tmp_path)
    assert out.loc[2, "outcome"] == "ditolak_validasi"
    assert (
        "NO KK kepala keluarga berbeda 1 digit dari NO KK anggota keluarganya (baris 3-5)"
        in (out.loc[2, "reasons"])
    )
    members = out.loc[3:5]
    assert (members["outcome"] == "ditolak_validasi").all()
    assert members["reasons"].str.contains("Kepala keluarga di baris 2 ditolak: NO KK-nya").all()
    assert not out["reasons"].fillna("").str.contains("tidak memiliki KEPALA KELUARGA").any()


def test_head_with_broken_kk_is_named_by_the_family(tmp_path, folder):
    people = family(1, kids=1) + family(2)
    people[0]["kk"] = people[0]["kk"][:15]  # fifteen digits
    xlsx(folder / "usulan.xlsx", PERSON_HEADER, prelist_rows(people))
    ba(folder / "ba.xlsx", people[1:], {})
    _, out = run(tmp_path)
    assert (
        out.loc[3:4, "reasons"]
        .str.startswith("Kepala keluarga di baris 2 ditolak: NO KK harus tepat 16 digit")
        .all()
    )


# ------------------------------------------------------------------ relationship schemes


def _coded(people, codes):
    return prelist_rows(people, rel=lambda p: codes[(p["hub"], p["jk"])])


def test_dtks_codes_never_read_3_as_istri(tmp_path, folder):
    people = family(1, kids=3) + family(2, kids=2) + family(3, kids=2)
    dtks = {("KEPALA KELUARGA", "L"): 1, ("ISTRI", "P"): 2, ("ANAK", "L"): 3, ("ANAK", "P"): 3}
    xlsx(folder / "usulan.xlsx", PERSON_HEADER, _coded(people, dtks))
    ba(folder / "ba.xlsx", people, {})
    batch, out = run(tmp_path)
    assert out["hubungan_keluarga"].tolist() == [p["hub"] for p in people]
    assert (out["outcome"] == "usulan_baru").all()
    note = batch.mappings.loc[batch.mappings["dibaca_sebagai"] == "HUBUNGAN KELUARGA", "catatan"]
    assert "skema DTKS/Regsosek/DTSEN" in note.iloc[0]


def test_dukcapil_codes_read_3_as_istri(tmp_path, folder):
    people = family(1, kids=2) + family(2, kids=1) + family(3, kids=2)
    dukcapil = {("KEPALA KELUARGA", "L"): 1, ("ISTRI", "P"): 3, ("ANAK", "L"): 4, ("ANAK", "P"): 4}
    xlsx(folder / "usulan.xlsx", PERSON_HEADER, _coded(people, dukcapil))
    ba(folder / "ba.xlsx", people, {})
    _, out = run(tmp_path)
    assert out["hubungan_keluarga"].tolist() == [p["hub"] for p in people]


def test_dtks_labels_are_accepted(tmp_path, folder):
    people = family(1, kids=1)
    people.append(person(years_ago(75), "P", "ORANG TUA/MERTUA", kk(1), "NENEK", "CERAI MATI", 7))
    people.append(person(years_ago(40), "P", "PEMBANTU RUMAH TANGGA", kk(1), "BIBI", "KAWIN", 8))
    labels = {"ISTRI": "ISTRI/SUAMI"}
    xlsx(folder / "usulan.xlsx", PERSON_HEADER,
         prelist_rows(people, rel=lambda p: labels.get(p["hub"], p["hub"])))  # fmt: skip
    ba(folder / "ba.xlsx", people, {})
    _, out = run(tmp_path)
    assert (out["outcome"] == "usulan_baru").all(), out["reasons"].tolist()
    assert out["hubungan_keluarga"].tolist() == [
        "KEPALA KELUARGA", "ISTRI", "ANAK", "ORANG TUA/MERTUA", "PEMBANTU"
    ]  # fmt: skip


@pytest.mark.parametrize("setting", [None, "dukcapil"])
def test_undecidable_codes_use_the_dinas_default_and_warn(tmp_path, folder, setting):
    if setting:
        (tmp_path / "dtks.toml").write_text(f'[data]\nskema_hubungan = "{setting}"\n')
    no_kk = kk(1)
    people = [person(years_ago(50), "L", "KEPALA KELUARGA", no_kk, "KEPALA", serial=1),
              person(years_ago(34), "P", "X", no_kk, "KEDUA", serial=1)]  # fmt: skip
    xlsx(folder / "usulan.xlsx", PERSON_HEADER,
         prelist_rows(people, rel=lambda p: 1 if p["hub"] != "X" else 3))  # fmt: skip
    ba(folder / "ba.xlsx", people, {})
    batch, out = run(tmp_path)
    expected = "ISTRI" if setting == "dukcapil" else "ANAK"
    assert out.loc[3, "hubungan_keluarga"] == expected
    warning = batch.problems[batch.problems["masalah"].str.startswith("Peringatan")]
    assert len(warning) == 1
    legend = "1 KEPALA KELUARGA, 2 SUAMI, 3 ISTRI" if setting else "2 ISTRI/SUAMI, 3 ANAK"
    assert legend in warning["masalah"].iloc[0]


# ------------------------------------------------------------------ scanned berita acara


def test_scanned_berita_acara_holds_the_rows_and_is_kept_as_evidence(tmp_path, folder):
    from pipelines.publish import publish

    people = family(1) + family(2)
    xlsx(folder / "usulan.xlsx", PERSON_HEADER, prelist_rows(people))
    scan = folder / "BA Musyawarah ttd.pdf"
    scan.write_bytes(b"%PDF-1.4\n% signed paper\n%%EOF\n")
    batch, out = run(tmp_path)
    assert (out["outcome"] == "ditolak_musyawarah").all()
    assert out["reasons"].str.contains("hanya berupa pindaian").all()
    assert out["reasons"].str.contains("dtks template berita-acara").all()
    about = batch.problems[batch.problems["masalah"].str.contains("pindaian")]
    assert len(about) == 1 and len(batch.problems) == 1  # one message, not 'no berita acara'
    with open_store(tmp_path / "dtks.duckdb") as store:
        result = publish(store, Home(tmp_path), batch, out.reset_index())
    digest = hashlib.sha256(scan.read_bytes()).hexdigest()
    kept = pd.read_csv(result.out_dir / "bukti_berita_acara.csv", sep=";", dtype=str)
    assert kept["sha256"].tolist() == [digest]
    assert (result.out_dir / kept["arsip"].iloc[0]).read_bytes() == scan.read_bytes()
    with open_store(tmp_path / "dtks.duckdb") as store:  # recorded in the store too
        assert store.one("SELECT sha256 FROM period_evidence")[0] == digest
    assert result.evidence["status"].iloc[0].startswith("ditahan")
    assert "Bukti Berita Acara" in load_workbook(result.summary).sheetnames
    from pipelines.cli import supervisor
    from pipelines.cli.common import console

    with console.capture() as cap:  # and on screen at the end of dtks finalize
        supervisor._print_ingest_notes(result)
    screen = " ".join(cap.get().split())
    assert "1 kelurahan ditahan menunggu daftar keputusan (dtks template berita-acara)" in screen


def test_scan_beside_a_decision_list_is_evidence_only(tmp_path, folder):
    people = family(1)
    xlsx(folder / "usulan.xlsx", PERSON_HEADER, prelist_rows(people))
    ba(folder / "ba.xlsx", people, {})
    (folder / "foto berita acara.jpg").write_bytes(b"\xff\xd8 photo")
    batch, out = run(tmp_path)
    assert (out["outcome"] == "usulan_baru").all()
    assert batch.evidence["status"].tolist() == ["bukti"]


# ------------------------------------------------------------------ plausibility


def test_plausibility_married_infant_young_spouse_and_1899(tmp_path, folder):
    a = family(1, kids=2)
    a[2]["lahir"] = years_ago(1.2)  # a one-year-old ...
    a[2]["nik"] = nik(a[2]["lahir"], a[2]["jk"], 1)
    a[2]["kawin"] = "KAWIN"  # ... with STATUS KAWIN
    b = family(2, head_age=30, kids=0)
    b[1]["lahir"] = years_ago(14.2)  # a wife of fourteen
    b[1]["nik"] = nik(b[1]["lahir"], "P", 2)
    c = family(3, kids=0, female_head=True)
    old = dt.date(1899, 5, 17)
    c.append(person(old, "P", "ORANG TUA", kk(3), "BUYUT", "CERAI MATI", 3))
    d = [person(years_ago(17.3), "L", "KEPALA KELUARGA", kk(4), "YATIM", "BELUM KAWIN", 4),
         person(years_ago(9), "P", "FAMILI LAIN", kk(4), "ADIK", "BELUM KAWIN", 4)]  # fmt: skip
    people = a + b + c + d
    rows = prelist_rows(people)
    xlsx(folder / "usulan.xlsx", PERSON_HEADER, rows)
    ba(folder / "ba.xlsx", people, {})
    _, out = run(tmp_path)
    infant, wife, oldest, young_head = out.loc[4], out.loc[7], out.loc[9], out.loc[10]
    assert infant["outcome"] == "ditolak_validasi"
    assert "STATUS KAWIN menyatakan pernah kawin, padahal umurnya di bawah 15" in infant["reasons"]
    assert wife["outcome"] == "ditolak_validasi"
    assert "ISTRI/SUAMI berumur di bawah 15 tahun" in wife["reasons"]
    assert oldest["outcome"] == "ditolak_validasi"
    assert "TANGGAL LAHIR sebelum tahun 1900" in oldest["reasons"]
    assert young_head["outcome"] == "usulan_baru"
    assert "kepala keluarga berumur di bawah 18 tahun" in young_head["reasons"]
    assert out.loc[11, "outcome"] == "usulan_baru"


def test_csv_prelist_with_unknown_headers_and_serial_dates(tmp_path, folder):
    people = family(1) + family(2) + family(3)
    folder.mkdir(parents=True)
    epoch = dt.date(1899, 12, 30)
    with (folder / "data.csv").open("w", newline="", encoding="cp1252") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["No", "Identitas", "Kartu", "Nm", "Lahir", "L/P", "Hubungan"])
        for i, p in enumerate(people, 1):
            w.writerow([i, "'" + p["nik"], p["kk"], p["nama"], (p["lahir"] - epoch).days,
                        p["jk"], p["hub"]])  # fmt: skip
    ba(folder / "ba.xlsx", people, {})
    _, out = run(tmp_path)
    assert (out["outcome"] == "usulan_baru").all(), out["reasons"].tolist()
    assert [d.isoformat() for d in out["tanggal_lahir"]] == [p["lahir"].isoformat() for p in people]
