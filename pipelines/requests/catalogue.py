"""Releasable tables: SQL over the store, parameters region (kode prefix) and year.

Every aggregate is a count table (rows x columns) that goes through disclosure control before
it leaves the Dinas. `daftar_penerima` is record level: only for a government office under a
data-sharing agreement (nomor PKS), never for academic research.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipelines import wilayah
from pipelines.store import Store

IDENTIFYING = {"nik", "no_kk", "nama", "alamat", "tanggal_lahir", "nama_ibu_kandung", "rt", "rw"}


@dataclass(frozen=True)
class Entry:
    judul: str
    baris: str  # what a row is
    kolom: str  # what a column is
    satuan: str  # keluarga / jiwa / baris usulan
    row_margin: bool  # rows add up (a row total is published)
    record_level: bool = False


CATALOGUE = {
    "keluarga_per_kelurahan_program": Entry(
        "Keluarga DTKS per kelurahan/desa menurut program bantuan",
        "kelurahan/desa",
        "program (PKH, BPNT, PBI-JK; satu keluarga bisa menerima lebih dari satu)",
        "keluarga",
        row_margin=False,
    ),
    "jiwa_per_kelurahan_program": Entry(
        "Jiwa DTKS per kelurahan/desa menurut program bantuan",
        "kelurahan/desa",
        "program (PKH, BPNT, PBI-JK)",
        "jiwa",
        row_margin=False,
    ),
    "jiwa_umur_jenis_kelamin": Entry(
        "Jiwa DTKS menurut kelompok umur dan jenis kelamin",
        "kelompok umur (tahun)",
        "jenis kelamin",
        "jiwa",
        row_margin=True,
    ),
    "keluarga_ukuran": Entry(
        "Keluarga DTKS per kelurahan/desa menurut jumlah anggota",
        "kelurahan/desa",
        "jumlah anggota keluarga",
        "keluarga",
        row_margin=True,
    ),
    "tren_usulan_bulanan": Entry(
        "Usulan DTKS per bulan menurut hasil finalisasi",
        "periode",
        "hasil",
        "baris usulan",
        row_margin=True,
    ),
    "daftar_penerima": Entry(
        "Daftar keluarga penerima (tingkat individu)",
        "orang",
        "atribut",
        "orang",
        row_margin=False,
        record_level=True,
    ),
}


def _names(codes: pd.Index) -> pd.Index:
    w = wilayah.load()
    return pd.Index([f"{wilayah.dotted(c)} {w.name(c)}" for c in codes], name="kelurahan/desa")


def build(store: Store, jenis: str, region: str = "", year: str = "") -> pd.DataFrame:
    """The table of a catalogue entry for a region prefix and year."""
    prefix = region.replace(".", "")
    if jenis in ("keluarga_per_kelurahan_program", "jiwa_per_kelurahan_program"):
        source = "v_households_current" if jenis.startswith("keluarga") else "dtks_current"
        df = store.df(
            "SELECT kode_wilayah, count(*) FILTER (pkh) AS PKH, "
            'count(*) FILTER (bpnt) AS BPNT, count(*) FILTER (pbi) AS "PBI-JK" '
            f"FROM {source} WHERE starts_with(kode_wilayah, ?) GROUP BY ALL ORDER BY 1",
            [prefix],
        ).set_index("kode_wilayah")
        df.index = _names(df.index)
        return df
    if jenis == "jiwa_umur_jenis_kelamin":
        df = store.df(
            "SELECT least(CAST(date_diff('year', tanggal_lahir, current_date) / 5 AS INTEGER) "
            "* 5, 75) AS umur, jenis_kelamin, count(*) AS n FROM dtks_current "
            "WHERE starts_with(kode_wilayah, ?) AND tanggal_lahir IS NOT NULL GROUP BY ALL",
            [prefix],
        )
        t = df.pivot_table(
            index="umur", columns="jenis_kelamin", values="n", fill_value=0, aggfunc="sum"
        ).reindex(columns=["L", "P"], fill_value=0)
        t = t.reindex(range(0, 80, 5), fill_value=0)
        t.index = pd.Index(
            [f"{a}-{a + 4}" if a < 75 else "75+" for a in t.index], name="kelompok umur"
        )
        t.columns = ["Laki-laki", "Perempuan"]
        return t.astype(int)
    if jenis == "keluarga_ukuran":
        df = store.df(
            "SELECT kode_wilayah, least(jumlah_anggota, 6) AS ukuran, count(*) AS n "
            "FROM v_households_current WHERE starts_with(kode_wilayah, ?) "
            "GROUP BY ALL",
            [prefix],
        )
        t = df.pivot_table(
            index="kode_wilayah", columns="ukuran", values="n", fill_value=0, aggfunc="sum"
        ).reindex(columns=range(1, 7), fill_value=0)
        t.columns = ["1", "2", "3", "4", "5", "6+"]
        t.index = _names(t.index)
        return t.astype(int)
    if jenis == "tren_usulan_bulanan":
        df = store.df(
            "SELECT period, outcome, count(*) AS n FROM prelist_final "
            "WHERE starts_with(folder_kode, ?) AND starts_with(period, ?) GROUP BY ALL",
            [prefix, year or ""],
        )
        t = df.pivot_table(
            index="period", columns="outcome", values="n", fill_value=0, aggfunc="sum"
        )
        t.index.name = "periode"
        return t.astype(int)
    if jenis == "daftar_penerima":
        return store.df(
            "SELECT id_dtks, nik, no_kk, nama, kode_wilayah, pkh, bpnt, pbi "
            "FROM dtks_current WHERE starts_with(kode_wilayah, ?) ORDER BY id_dtks",
            [prefix],
        )
    raise KeyError(jenis)
