"""Deactivation proposals (issue 17 item 3): a musyawarah decision of meninggal / pindah /
mampu / tidak ditemukan / ganda on a registered person is a proposal to deactivate it, with
its own SIKS-NG file and counts in every report; on an unregistered family it is a rejection."""

from __future__ import annotations

import csv
from types import SimpleNamespace

import pandas as pd
from conftest import run_finalize_stages
from openpyxl import load_workbook

from pipelines import intake
from pipelines.close import close
from pipelines.store import open_store
from pipelines.synth.era import HEADER, _cells

PERIOD = "2026-11"
DECISIONS = ["MENINGGAL", "Pindah", "sudah mampu", "TIDAK DITEMUKAN", "data ganda"]
CODES = ["MENINGGAL", "PINDAH", "MAMPU", "TIDAK DITEMUKAN", "GANDA"]


def _registered(world, kode: str, n: int = 1) -> list[SimpleNamespace]:
    """Heads of registered households of the kelurahan that the month's files do not name."""
    named = {p.no_kk for p in world.rows[kode]}
    with open_store(world.home.store_path, read_only=True) as store:
        rows = store.df(
            "SELECT * FROM dtks_current WHERE kode_wilayah = ? "
            "AND hubungan_keluarga = 'KEPALA KELUARGA' ORDER BY id_dtks",
            [kode],
        )
    out = []
    for row in rows[~rows["no_kk"].isin(named)].head(n).to_dict("records"):
        row["tanggal_lahir"] = pd.Timestamp(row["tanggal_lahir"]).date()
        out.append(SimpleNamespace(**row))
    return out


def _decided(world, kode: str, picks: list[tuple]) -> None:
    """A file of the kelurahan with a musyawarah decision on every row."""
    path = world.folder(kode) / "usulan_penonaktifan.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow([*HEADER, "KEPUTUSAN MUSYAWARAH"])
        for i, (p, decision) in enumerate(picks, start=1):
            w.writerow([i, *_cells(p), decision])


def test_registered_people_decided_away_become_deactivation_proposals(tiny):
    home, world = tiny.home, tiny
    first, second = world.kelurahan
    people = _registered(world, first, 3) + _registered(world, second, 2)
    stranger = world.pop.household(first).members[0]  # not registered
    _decided(world, first, [*zip(people[:3], DECISIONS[:3], strict=True), (stranger, "MAMPU")])
    _decided(world, second, list(zip(people[3:], DECISIONS[3:], strict=True)))

    _, outcomes, published = run_finalize_stages(home, PERIOD)
    by_nik = outcomes.set_index("nik")
    for person, code in zip(people, CODES, strict=True):
        row = by_nik.loc[person.nik]
        assert row["outcome"] == "usulan_nonaktif", (code, row["reasons"])
        assert row["alasan_nonaktif"] == code
        assert row["matched_id_dtks"] == person.id_dtks
        assert f"musyawarah memutuskan {code}" in row["reasons"]
    assert by_nik.loc[stranger.nik, "outcome"] == "ditolak_musyawarah"
    assert published.totals["usulan_nonaktif"] == 5
    kode = first

    # its own SIKS-NG file, and the count in the summary and the Berita Acara
    out = home.period_out(PERIOD)
    with (out / "siks-ng" / f"{kode}_{PERIOD}_usulan_nonaktif.csv").open(
        encoding="utf-8-sig", newline=""
    ) as fh:
        sent = list(csv.DictReader(fh, delimiter=";"))
    assert sorted((r["NIK"], r["ID DTKS"], r["ALASAN NONAKTIF"]) for r in sent) == sorted(
        (p.nik, p.id_dtks, c) for p, c in zip(people[:3], CODES, strict=False)
    )
    summary = load_workbook(out / "summary.xlsx", read_only=True)
    cells = [c for ws in summary.worksheets for r in ws.iter_rows(values_only=True) for c in r]
    assert "USULAN NONAKTIF" in {str(c).upper() for c in cells}
    rekap = next((home.reports / PERIOD).glob("laporan_finalisasi_*.xlsx"))
    ba = [c for ws in load_workbook(rekap, read_only=True).worksheets
          for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]  # fmt: skip
    assert any("usulan penonaktifan" in c and c.endswith(": 5") for c in ba), ba


def test_a_closed_deactivation_leaves_the_register_and_a_snapshot_without_it_accepts_it(tiny):
    home, world = tiny.home, tiny
    kode = world.kelurahan[0]
    (person,) = _registered(world, kode)
    _decided(world, kode, [(person, "MENINGGAL")])
    run_finalize_stages(home, PERIOD)
    with open_store(home.store_path) as store:
        close(store, PERIOD, "Rina", force=True, alasan="Batas waktu Kemensos")
        change = store.df("SELECT * FROM register_change WHERE kind = 'usulan_nonaktif'")
        as_of = store.df(f"SELECT id_dtks FROM register_as_of('{PERIOD}')")
    assert list(change["id_dtks"]) == [person.id_dtks]
    assert person.id_dtks not in set(as_of["id_dtks"])

    from pipelines.ingest.snapshot import load

    lines = world.snapshot.read_text(encoding="utf-8").splitlines()
    newer = home.raw / "dtks" / "DTKS_6271_2026-12.csv"
    newer.write_text(
        "\n".join(x for x in lines if not x.startswith(person.id_dtks + ";")) + "\n",
        encoding="utf-8",
    )
    with open_store(home.store_path) as store:
        res = load(store, [newer], petugas="uji", large_change=True)
        accepted = store.one(
            "SELECT accepted_snapshot_id FROM register_change WHERE kind = 'usulan_nonaktif'"
        )[0]
    assert accepted == res.snapshot_id


def test_a_sanggah_borne_out_by_the_field_check_is_a_deactivation_with_its_channel(tiny):
    home, world = tiny.home, tiny
    kode = world.kelurahan[1]
    (p,) = _registered(world, kode)
    row = [None, "SANGGAH", "CEK BANSOS", "03-11-2026", p.nik, p.no_kk, p.nama, p.tempat_lahir,
           p.tanggal_lahir.strftime("%d-%m-%Y"), p.jenis_kelamin, p.hubungan_keluarga,
           p.nama_ibu_kandung, p.status_kawin, p.pekerjaan, p.alamat, p.rt, p.rw,
           p.kode_wilayah, "", "", "", "", "rumah permanen, punya mobil", "MAMPU", "Uji"]  # fmt: skip
    intake.write(world.folder(kode) / intake.FILE_NAME, kode, [row])
    _, outcomes, _ = run_finalize_stages(home, PERIOD)
    got = outcomes.set_index("nik").loc[p.nik]
    assert (got["outcome"], got["alasan_nonaktif"]) == ("usulan_nonaktif", "MAMPU")
    assert (got["kanal"], got["jenis_usul"]) == ("CEK BANSOS", "SANGGAH")
    assert isinstance(got, pd.Series)
