"""Complete proposal rows (issue 17 item 4): disability, programmes with eligibility and
reason, attachments with SHA-256, region names and dusun; missing ones noted, not rejected."""

from __future__ import annotations

import csv
import hashlib

import pandas as pd
from conftest import run_finalize_stages
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import proposal
from pipelines.export import siksng
from pipelines.ingest import attachments

PERIOD = "2026-11"
KINDS = {"TUNA NETRA": "SENSORIK", "Tuna Daksa": "FISIK", "disabilitas mental": "MENTAL",
         "GANDA": "GANDA", "tuna grahita": "INTELEKTUAL", "Tidak Ada": "TIDAK ADA",
         "-": None, "": None}  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    cells=st.lists(
        st.tuples(
            st.sampled_from([*KINDS, "KAKI PINCANG"]),
            st.sampled_from(["YA", "layak", "Tidak", "", "MUNGKIN"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_optional_fields_are_read_or_noted_never_dropped(cells):
    n = len(cells)
    raw = pd.DataFrame(
        {
            "jenis_disabilitas": [c[0] or None for c in cells],
            "usul_pkh": [c[1] or None for c in cells],
        }
    )
    clean = pd.DataFrame(
        {"row_id": range(1, n + 1), "folder_kode": "6271011001", "nik": None, "no_kk": None}
    )
    empty = pd.DataFrame(columns=attachments.COLUMNS)
    out = proposal.read(raw, clean, empty, pd.DataFrame(columns=["kode_wilayah", "source_file",
                                                                 "sha256"]))  # fmt: skip
    assert len(out) == n and list(out.index) == list(range(1, n + 1))
    for (dis, pkh), row in zip(cells, out.to_dict("records"), strict=True):
        assert row["catatan"].startswith("Catatan data usulan belum lengkap (tetap diusulkan)")
        if dis == "KAKI PINCANG":
            assert row["jenis_disabilitas"] is None
            assert "JENIS DISABILITAS 'KAKI PINCANG' tidak dikenali" in row["catatan"]
        else:
            assert row["jenis_disabilitas"] == KINDS[dis]
            assert ("jenis disabilitas" in row["catatan"]) == (KINDS[dis] is None)
        want = {"YA": "LAYAK", "layak": "LAYAK", "Tidak": "TIDAK LAYAK"}.get(pkh)
        assert row["usul_pkh"] == want
        assert ("'MUNGKIN' tidak dikenali" in row["catatan"]) == (pkh == "MUNGKIN")
        assert ("program usulan" in row["catatan"]) == (want is None)
        assert "lampiran KTP" in row["catatan"]


def test_attachment_names_say_their_kind_and_key(tmp_path):
    nik, kk = "6271014101900001", "6271010101090001"
    cases = {f"KTP_{nik}.jpg": ("KTP", nik), f"foto_ktp {nik}.JPG": ("KTP", nik),
             f"FOTO_RUMAH_{kk}_depan.jpg": ("FOTO RUMAH", kk), f"KK-{kk}.pdf": ("KK", kk),
             f"SKTM_{kk}.pdf": ("SKTM", kk), f"rumah {kk} dalam.png": ("FOTO RUMAH", kk),
             "berita_acara.pdf": None, f"KTP_{nik}.xlsx": None, "FOTO_RUMAH.jpg": None,
             f"{nik}.jpg": None}  # fmt: skip
    for name, want in cases.items():
        assert attachments.kind(tmp_path / name) == want, name


def _with_optional_columns(world, kode):
    """The kelurahan's prelist with the proposal form's optional columns, some left empty."""
    path = world.folder(kode) / "prelist.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    rows[0] += ["DUSUN", "JENIS DISABILITAS", "USUL PKH", "USUL BPNT/SEMBAKO", "USUL PBI-JK",
                "ALASAN USUL"]  # fmt: skip
    for i, r in enumerate(rows[1:]):
        r += (
            ["Dusun I", "TUNA NETRA", "YA", "YA", "TIDAK", "lansia tunggal"]
            if i == 0
            else ["", "", "", "", "", ""]
        )
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    return rows


def test_proposals_carry_the_form_fields_and_their_attachments(tiny):
    home, world = tiny.home, tiny
    kode = world.kelurahan[0]
    rows = _with_optional_columns(world, kode)
    first = dict(zip(rows[0], rows[1], strict=True))
    nik, kk = first["NIK"], first["NO KK"]
    folder = world.folder(kode)
    (folder / f"KTP_{nik}.jpg").write_bytes(b"\xff\xd8 ktp")
    (folder / f"FOTO_RUMAH_{kk}_depan.jpg").write_bytes(b"\xff\xd8 depan")
    (folder / f"FOTO_RUMAH_{kk}_dalam.jpg").write_bytes(b"\xff\xd8 dalam")
    (folder / "berita_acara_scan.pdf").write_bytes(b"%PDF-1.4 scan")
    digest = hashlib.sha256(b"\xff\xd8 ktp").hexdigest()

    _, outcomes, published = run_finalize_stages(home, PERIOD)
    row = outcomes.set_index("nik").loc[nik]
    assert row["outcome"] == "usulan_baru"
    assert (row["dusun"], row["jenis_disabilitas"]) == ("Dusun I", "SENSORIK")
    assert (row["usul_pkh"], row["usul_sembako"], row["usul_pbi"]) == (
        "LAYAK", "LAYAK", "TIDAK LAYAK")  # fmt: skip
    assert row["alasan_usul"] == "lansia tunggal"
    assert row["lampiran"].startswith(f"KTP: KTP_{nik}.jpg (sha256 {digest}); FOTO RUMAH: ")
    assert f"FOTO_RUMAH_{kk}_dalam.jpg" in row["lampiran"]
    assert "BA: berita_acara_scan.pdf (sha256 " in row["lampiran"]
    assert "lampiran KK" in row["reasons"] and "foto rumah" not in row["reasons"]
    # the rest of the family: proposed all the same, with what is missing noted
    family = outcomes[(outcomes["no_kk"] == kk) & (outcomes["nik"] != nik)]
    assert set(family["outcome"]) == {"usulan_baru"}
    assert family["reasons"].str.contains("belum lengkap \\(tetap diusulkan\\): dusun, jenis "
                                          "disabilitas, program usulan").all()  # fmt: skip
    assert family["lampiran"].str.contains("FOTO RUMAH: ").all()  # the family's house

    # the SIKS-NG file: the form's columns, region names beside the codes
    new = home.period_out(PERIOD) / "siks-ng" / f"{kode}_{PERIOD}_usulan_baru.csv"
    with new.open(encoding="utf-8-sig", newline="") as fh:
        sent = {r["NIK"]: r for r in csv.DictReader(fh, delimiter=";")}
    assert sent[nik]["JENIS DISABILITAS"] == "SENSORIK" and sent[nik]["USUL PKH"] == "LAYAK"
    assert sent[nik]["NAMA KABUPATEN/KOTA"] == "Kota Palangkaraya"
    assert sent[nik]["NAMA KELURAHAN/DESA"] and sent[nik]["NAMA KECAMATAN"]
    assert digest in sent[nik]["LAMPIRAN"]


def test_every_shipped_layout_names_the_form_fields():
    for name in siksng.SHIPPED:
        fields = {f for _, f in siksng.layout(name)["usulan_baru"]["columns"]}
        assert {
            "dusun",
            "jenis_disabilitas",
            "usul_pkh",
            "usul_sembako",
            "usul_pbi",
            "alasan_usul",
            "lampiran",
            "nama_kecamatan",
            "nama_kelurahan",
        } <= fields, name


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["", "dusun", "dusun, lampiran KTP", "foto rumah; PKH 'x' tidak dibaca"]),
        max_size=30,
    ),
    st.sampled_from([object, "str"]),
)
def test_missing_notes_equal_a_note_formatted_per_row(parts, dtype):
    """proposal.missing_notes (once per distinct list) against the per-row formatting it
    replaced, on generated lists with repeats and empty ones, in both text dtypes."""
    s = pd.Series(parts, dtype=dtype, index=range(7, 7 + len(parts)))
    want = s.map(lambda t: proposal.MISSING_NOTE.format(fields=t) if t else None)
    got = proposal.missing_notes(s)
    assert [None if pd.isna(w) else w for w in want] == list(got)
