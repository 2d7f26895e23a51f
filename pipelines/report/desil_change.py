"""Desil-change work lists: families that cross a programme's desil cut-off between two
DTSEN versions, one workbook per kelurahan for field verification, and a recap.

A programme's cut-off is the highest national desil it serves (dtks.toml [dtsen.ambang];
defaults from Kepmensos 79/HUK/2025: PKH desil 1-4, Sembako and PBI-JK desil 1-5). A family
MASUK a programme when it is within the cut-off in the later version and was not in the
earlier one (or was not in the DTSEN data at all); it KELUAR when it was within and is no
longer (or is gone from the DTSEN data). The workbooks hold No KK and names: personal data,
and DTSEN data whose use BPS restricts.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipelines import wilayah, xlsx
from pipelines.config import Home
from pipelines.errors import ConfigError
from pipelines.files import replacing
from pipelines.store import Store
from pipelines.store import dtsen as history
from pipelines.vocabulary import say

# Kepmensos 79/HUK/2025 (docs/domain.md, "DTSEN"): the highest national desil each programme serves
DEFAULT_CUTOFFS = {"PKH": 4, "SEMBAKO": 5, "PBI-JK": 5}
CHANGE_LABELS = {
    "turun": "TURUN",
    "naik": "NAIK",
    "baru": "BARU DI DTSEN",
    "hilang": "TIDAK ADA LAGI DI DTSEN",
    "berubah": "BERUBAH",
    "tetap": "TETAP",
}
NO_REGION = "tanpa_kelurahan"
WARNING = (
    "RAHASIA: data DTSEN (No KK, nama) hanya untuk verifikasi lapangan Dinas; penggunaannya "
    "dibatasi BPS. Jangan disebarkan."
)


def cutoffs(given: dict[str, int] | None) -> dict[str, int]:
    """Programme -> highest desil it serves, from dtks.toml [dtsen.ambang] (else the defaults)."""
    if given is None:
        return dict(DEFAULT_CUTOFFS)
    if not isinstance(given, dict) or not given:
        raise ConfigError(
            "dtks.toml [dtsen.ambang] harus berisi program = desil tertinggi, mis. PKH = 4."
        )
    out = {}
    for name, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
            raise ConfigError(
                f"dtks.toml [dtsen.ambang] {name} = {value!r}: isi angka desil 1 sampai 10 "
                "(desil tertinggi yang dilayani program itu)."
            )
        out[str(name).strip().upper()] = value
    return out


@dataclass
class ChangeList:
    """What `dtks desil-berubah` wrote, in counts only (no personal data)."""

    v_from: int
    v_to: int
    label_from: str
    label_to: str
    out_dir: Path
    workbooks: list[Path]
    recap: Path
    compared: int  # families in either version
    crossing: int  # families crossing at least one cut-off
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)  # programme -> in, out


def changes_sql(v_from: int, v_to: int, cuts: dict[str, int]) -> tuple[str, list]:
    """SQL over desil_change(v_from, v_to) adding, per programme, a column p0, p1, ... that
    is 'MASUK', 'KELUAR' or '' (no desil, or no family, in a version: outside the cut-off)."""
    cols, params = [], []
    for i, cut in enumerate(cuts.values()):
        cols.append(
            "CASE WHEN coalesce(desil_dari <= ?, false) = coalesce(desil_ke <= ?, false) "
            f"THEN '' WHEN coalesce(desil_ke <= ?, false) THEN 'MASUK' ELSE 'KELUAR' END AS p{i}"
        )
        params += [cut, cut, cut]
    extra = "".join(f", {c}" for c in cols)
    return f"SELECT *{extra} FROM desil_change(?, ?)", [*params, v_from, v_to]


def changes(
    store: Store, v_from: int, v_to: int, cuts: dict[str, int], crossing_only: bool = True
) -> pd.DataFrame:
    """The families of either version (only those crossing a cut-off, by default), with
    MASUK / KELUAR / '' per programme, by kelurahan and No KK."""
    sql, params = changes_sql(v_from, v_to, cuts)
    where = " OR ".join(f"p{i} <> ''" for i in range(len(cuts))) if crossing_only else ""
    frame = store.df(
        f"SELECT * FROM ({sql}) {'WHERE ' + where if where else ''} "
        "ORDER BY kode_wilayah NULLS LAST, no_kk",
        params,
    )
    return frame.rename(columns={f"p{i}": prog for i, prog in enumerate(cuts)})


def recap(store: Store, v_from: int, v_to: int, cuts: dict[str, int]) -> pd.DataFrame:
    """Per kelurahan ('' = unknown): families in each version, changed, MASUK/KELUAR per
    programme."""
    sql, params = changes_sql(v_from, v_to, cuts)
    per = "".join(
        f", count(*) FILTER (p{i} = 'MASUK') AS \"{prog}_masuk\", "
        f"count(*) FILTER (p{i} = 'KELUAR') AS \"{prog}_keluar\""
        for i, prog in enumerate(cuts)
    )
    return store.df(
        "SELECT coalesce(kode_wilayah, '') AS kode, count(*) AS families, "
        "count(*) FILTER (perubahan <> 'baru') AS a, "
        f"count(*) FILTER (perubahan <> 'hilang') AS b, "
        f"count(*) FILTER (perubahan <> 'tetap') AS berubah{per} "
        f"FROM ({sql}) GROUP BY 1 ORDER BY 1",
        params,
    )


def write(store: Store, home: Home, v_from: int, v_to: int, cuts: dict[str, int]) -> ChangeList:
    """Write the work lists of two versions, all or nothing, byte-stable for the same data."""
    table = history.versions(store).set_index("version_id", drop=False)
    a, b = table.loc[v_from], table.loc[v_to]
    labels = history.describe(a), history.describe(b)
    crossing = changes(store, v_from, v_to, cuts)
    per = recap(store, v_from, v_to, cuts)
    when = dt.datetime.combine(pd.Timestamp(b.tanggal).date(), dt.time())
    name = f"desil_berubah_v{v_from}_v{v_to}"
    target = home.processed / "dtsen" / name
    with replacing(target, uuid.uuid4().hex[:8]) as scratch:
        books = []
        w = wilayah.load()
        for kode, part in crossing.groupby(crossing["kode_wilayah"].fillna(""), sort=True):
            books.append(_kelurahan_book(scratch, name, kode, part, cuts, labels, w, when))
        summary = _recap(scratch, name, per, cuts, labels, w, when)
    totals = {
        p: (int((crossing[p] == "MASUK").sum()), int((crossing[p] == "KELUAR").sum())) for p in cuts
    }
    return ChangeList(
        v_from,
        v_to,
        labels[0],
        labels[1],
        target,
        [target / p.name for p in books],
        target / summary.name,
        int(per["families"].sum()),
        len(crossing),
        totals,
    )


def _cut_text(cuts: dict[str, int]) -> str:
    return ", ".join(f"{p} desil 1-{c}" for p, c in cuts.items())


def _kelurahan_book(
    out: Path,
    name: str,
    kode: str,
    part: pd.DataFrame,
    cuts: dict[str, int],
    labels: tuple[str, str],
    w: wilayah.Wilayah,
    when: dt.datetime,
) -> Path:
    place = (
        f"{w.name(kode) or '(nama tidak dikenal)'}, Kecamatan {w.name(kode[:6]) or '-'} "
        f"({wilayah.dotted(kode)})"
        if kode
        else "tanpa kelurahan: No KK tidak ada di register DTKS dan kode wilayah berkas DTSEN "
        "bukan kode Kemendagri"
    )
    place = say(place)
    headers = ["NO", "NO KK", "NAMA KEPALA KELUARGA", "KODE WILAYAH", "ALAMAT (DTKS)", "RT",
               "RW", "TERDAFTAR DTKS", "JUMLAH ANGGOTA (DTKS)", f"DESIL {labels[0].split()[0]}",
               f"DESIL {labels[1].split()[0]}", "PERUBAHAN",
               *[f"{p} (DESIL 1-{c})" for p, c in cuts.items()],
               "HASIL VERIFIKASI LAPANGAN", "CATATAN PETUGAS"]  # fmt: skip
    headers = [say(h) for h in headers]
    keys = ["no", "no_kk", "nama", "kode_wilayah", "alamat", "rt", "rw", "terdaftar", "jumlah",
            "desil_dari", "desil_ke", "perubahan", *cuts, "hasil", "catatan"]  # fmt: skip
    rows = []
    at = [list(part.columns).index(p) for p in cuts]
    for i, r in enumerate(part.itertuples(index=False), 1):
        region = wilayah.dotted(r.kode_wilayah) if _given(r.kode_wilayah) else r.kode_wilayah_sumber
        rows.append(
            [i, r.no_kk, r.nama_kepala_keluarga, _text(region), _text(r.alamat), _text(r.rt),
             _text(r.rw), "YA" if r.terdaftar_dtks else "TIDAK", _int(r.jumlah_anggota_dtks),
             _int(r.desil_dari), _int(r.desil_ke), CHANGE_LABELS.get(r.perubahan, r.perubahan),
             *[r[j] for j in at], None, None]
        )  # fmt: skip
    wb = xlsx.new_workbook()
    xlsx.add_sheet(
        wb,
        "VERIFIKASI",
        headers,
        keys,
        rows,
        widths=[5, 20, 28, 16, 30, 6, 6, 10, 10, 9, 9, 14, *[12] * len(cuts), 24, 30],
        preamble=[
            "DAFTAR VERIFIKASI LAPANGAN: KELUARGA YANG MELEWATI BATAS DESIL PROGRAM",
            f"Kelurahan/Desa: {place}",
            f"Versi DTSEN: {labels[0]} -> {labels[1]}",
            f"Batas desil nasional: {_cut_text(cuts)} (dtks.toml [dtsen.ambang]). "
            "MASUK = kini di dalam batas; KELUAR = kini di luar batas atau tidak ada lagi.",
            WARNING,
        ],
    )
    path = out / f"{kode or NO_REGION}_{name}.xlsx"
    return xlsx.save(wb, path, when)


def _recap(
    out: Path,
    name: str,
    per: pd.DataFrame,
    cuts: dict[str, int],
    labels: tuple[str, str],
    w: wilayah.Wilayah,
    when: dt.datetime,
) -> Path:
    figures = ["a", "b", "berubah", *[f"{p}_{k}" for p in cuts for k in ("masuk", "keluar")]]
    rows = []
    for r in per.itertuples(index=False):
        kode = r.kode
        values = [int(v) for v in r[2:]]  # the figures, in their order
        crossed = any(values[3:])
        rows.append(
            [
                wilayah.dotted(kode) if kode else "",
                w.name(kode[:6]) if kode else "",
                w.name(kode) if kode else "(tanpa kelurahan)",
                *values,
                f"{kode or NO_REGION}_{name}.xlsx" if crossed else "",
            ]
        )
    rows.append(["", "", "JUMLAH", *[int(per[f].sum()) for f in figures], ""])
    headers = ["KODE WILAYAH", "KECAMATAN", "KELURAHAN/DESA", f"KELUARGA {labels[0].split()[0]}",
               f"KELUARGA {labels[1].split()[0]}", "BERUBAH (DESIL, BARU, HILANG)"]  # fmt: skip
    keys = ["kode_wilayah", "kecamatan", "kelurahan", "a", "b", "berubah"]
    for p, c in cuts.items():
        headers += [f"{p} MASUK (DESIL 1-{c})", f"{p} KELUAR"]
        keys += [f"{p}_masuk", f"{p}_keluar"]
    headers.append("BERKAS VERIFIKASI")
    keys.append("berkas")
    wb = xlsx.new_workbook()
    xlsx.add_sheet(
        wb,
        "REKAP",
        headers,
        keys,
        rows,
        widths=[16, 18, 22, 12, 12, 14, *[12] * (2 * len(cuts)), 44],
        preamble=[
            "REKAP PERUBAHAN DESIL DTSEN PER KELURAHAN/DESA",
            f"Versi DTSEN: {labels[0]} -> {labels[1]}",
            f"Batas desil nasional: {_cut_text(cuts)} (dtks.toml [dtsen.ambang]).",
            WARNING,
        ],
    )
    return xlsx.save(wb, out / f"REKAP_{name}.xlsx", when)


def _given(v) -> bool:
    return isinstance(v, str) and bool(v)


def _text(v):
    return v if _given(v) else None


def _int(v):
    return None if v is None or pd.isna(v) else int(v)
