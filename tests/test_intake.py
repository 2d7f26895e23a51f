"""Usul and sanggah recorded by the Dinas (issue 17 item 7): channel, documents checklist,
field verification in place of the musyawarah; they join the month's processing."""

from __future__ import annotations

import pandas as pd
from cli_helpers import dtks
from conftest import run_finalize_stages
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from pipelines import intake
from pipelines.synth.population import Person

PERIOD = "2026-11"
ALL_DOCS = ["ADA", "ADA", "ADA", "ADA"]


def _row(kind: str, channel: str, p: Person, docs: list[str], finding: str) -> list:
    return [None, kind, channel, "03-11-2026", p.nik, p.no_kk, p.nama, p.tempat_lahir,
            p.tanggal_lahir.strftime("%d-%m-%Y"), p.jenis_kelamin, p.hubungan_keluarga,
            p.nama_ibu_kandung, p.status_kawin, p.pekerjaan, p.alamat, p.rt, p.rw,
            p.kode_wilayah, *docs, "keterangan", finding, "Petugas Uji"]  # fmt: skip


def test_direct_usul_and_sanggah_join_the_month_with_their_channel(tiny):
    home, world = tiny.home, tiny
    kode = world.kelurahan[1]
    walk_in = world.pop.household(kode)
    app_user = world.pop.household(kode)
    registered = world.households[kode][2]  # in the snapshot
    objected = registered.members[0]
    rows = [_row("USUL", "datang langsung", m, ALL_DOCS, "SETUJU") for m in walk_in.members]
    rows += [_row("USUL", "Cek Bansos", m, ["ADA", "ADA", "TIDAK", ""], "SETUJU")
             for m in app_user.members]  # fmt: skip
    rows += [_row("SANGGAH", "CEK BANSOS", objected, ["", "", "", ""], "SETUJU")]
    intake.write(world.folder(kode) / intake.FILE_NAME, kode, rows)

    _, outcomes, _ = run_finalize_stages(home, PERIOD)
    by_nik = outcomes.set_index("nik")
    came = by_nik.loc[[m.nik for m in walk_in.members]]
    assert set(came["outcome"]) == {"usulan_baru"}
    assert set(came["kanal"]) == {"DATANG LANGSUNG"} and set(came["jenis_usul"]) == {"USUL"}
    lacking = by_nik.loc[[m.nik for m in app_user.members]]
    assert set(lacking["outcome"]) == {"ditolak_validasi"}
    assert (
        lacking["reasons"]
        .str.contains(
            "Dokumen persyaratan usul belum lengkap: surat keterangan tidak mampu, foto rumah"
        )
        .all()
    )
    assert set(lacking["kanal"]) == {"CEK BANSOS"}
    # an objection that the field check did not bear out: the person stays registered
    sanggah = outcomes[
        (outcomes["nik"] == objected.nik) & (outcomes["source_file"].str.endswith(".xlsx"))
    ].iloc[0]
    assert sanggah["jenis_usul"] == "SANGGAH" and sanggah["kanal"] == "CEK BANSOS"
    assert sanggah["outcome"] in {"terdaftar", "duplikat_batch"}
    # the kelurahan's own rows carry no channel
    own = outcomes[outcomes["source_file"].str.endswith("prelist.csv")]
    assert own["kanal"].isna().all()


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["USUL", "sanggah", "", None]),
            st.sampled_from(["Datang Langsung", "cek bansos", "WA", "", None]),
            st.lists(st.sampled_from(["ADA", "ya", "TIDAK", "", None]), min_size=4, max_size=4),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_channel_kind_and_documents_are_read_per_row(rows):
    raw = pd.DataFrame(
        {
            "jenis_usul": [r[0] for r in rows],
            "kanal": [r[1] for r in rows],
            **{c: [r[2][i] for r in rows] for i, c in enumerate(intake.DOCUMENTS)},
        }
    )
    got = intake.read(raw, pd.Series(range(1, len(rows) + 1)))
    for (kind, channel, docs), r in zip(rows, got.to_dict("records"), strict=True):
        direct = bool(kind) or bool(channel)
        if not direct:
            assert r == {"kanal": None, "jenis_usul": None, "dokumen": None}
            continue
        assert r["kanal"] == {"Datang Langsung": "DATANG LANGSUNG", "cek bansos": "CEK BANSOS",
                              "WA": "LAINNYA"}.get(channel, "LAINNYA")  # fmt: skip
        assert r["jenis_usul"] == ("SANGGAH" if kind == "sanggah" else "USUL")
        missing = [n for d, n in zip(docs, intake.DOCUMENTS.values(), strict=True)
                   if d not in ("ADA", "ya")]  # fmt: skip
        if r["jenis_usul"] == "USUL" and missing:
            assert r["dokumen"].startswith(f"Dokumen persyaratan usul belum lengkap: "
                                           f"{', '.join(missing)}.")  # fmt: skip
        else:
            assert r["dokumen"] is None


def test_the_form_is_written_into_the_kelurahan_folder_and_never_overwritten(tmp_path):
    res = dtks("template", "usul-sanggah", "--kelurahan", "62.71.01.1001", "--periode", PERIOD,
               home=tmp_path)  # fmt: skip
    assert res.returncode == 0, res.stderr
    path = tmp_path / "data/raw" / PERIOD / "62.71.01.1001 Pahandut" / intake.FILE_NAME
    ws = load_workbook(path)["USUL DAN SANGGAH"]
    assert [c.value for c in ws[4]] == intake.HEADERS
    again = dtks("template", "usul-sanggah", "--kelurahan", "62.71.01.1001", "--periode",
                 PERIOD, home=tmp_path)  # fmt: skip
    assert again.returncode != 0 and "sudah ada" in " ".join(again.stderr.split())
