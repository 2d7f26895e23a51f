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
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines import wilayah, xlsx
from pipelines.config import Home
from pipelines.errors import ConfigError
from pipelines.store import Store
from pipelines.store import dtsen as history

# Kepmensos 79/HUK/2025 (DOMAIN.md "DTSEN"): the highest national desil each programme serves
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


def cutoffs(settings: dict) -> dict[str, int]:
    """Programme -> highest desil it serves, from dtks.toml [dtsen.ambang] (else the defaults)."""
    given = (settings.get("dtsen") or {}).get("ambang")
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


def changes(store: Store, v_from: int, v_to: int, cuts: dict[str, int]) -> pd.DataFrame:
    """Every family of either version, with MASUK / KELUAR / '' per programme."""
    frame = store.df(
        "SELECT * FROM desil_change(?, ?) ORDER BY kode_wilayah NULLS LAST, no_kk",
        [v_from, v_to],
    )
    before = pd.to_numeric(frame["desil_dari"], errors="coerce").astype("float64")
    after = pd.to_numeric(frame["desil_ke"], errors="coerce").astype("float64")
    for prog, cut in cuts.items():
        # no desil (or no family) in a version: outside every cut-off there (NaN <= c is False)
        was, now = (before <= cut).to_numpy(bool), (after <= cut).to_numpy(bool)
        frame[prog] = np.select([~was & now, was & ~now], ["MASUK", "KELUAR"], "")
    frame["crosses"] = (frame[list(cuts)] != "").any(axis=1) if cuts else False
    return frame


def write(store: Store, home: Home, v_from: int, v_to: int, cuts: dict[str, int]) -> ChangeList:
    """Write the work lists of two versions, all or nothing, byte-stable for the same data."""
    table = history.versions(store).set_index("version_id", drop=False)
    a, b = table.loc[v_from], table.loc[v_to]
    labels = history.describe(a), history.describe(b)
    frame = changes(store, v_from, v_to, cuts)
    crossing = frame[frame["crosses"]]
    when = dt.datetime.combine(pd.Timestamp(b.tanggal).date(), dt.time())
    name = f"desil_berubah_v{v_from}_v{v_to}"
    target = home.processed / "dtsen" / name
    scratch = target.parent / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
    scratch.mkdir(parents=True)
    try:
        books = []
        w = wilayah.load()
        for kode, part in crossing.groupby(crossing["kode_wilayah"].fillna(""), sort=True):
            books.append(_kelurahan_book(scratch, name, kode, part, cuts, labels, w, when))
        recap = _recap(scratch, name, frame, cuts, labels, w, when)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    old = target.parent / f".{name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    scratch.rename(target)
    shutil.rmtree(old, ignore_errors=True)
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
        target / recap.name,
        len(frame),
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
    headers = ["NO", "NO KK", "NAMA KEPALA KELUARGA", "KODE WILAYAH", "ALAMAT (DTKS)", "RT",
               "RW", "TERDAFTAR DTKS", "JUMLAH ANGGOTA (DTKS)", f"DESIL {labels[0].split()[0]}",
               f"DESIL {labels[1].split()[0]}", "PERUBAHAN",
               *[f"{p} (DESIL 1-{c})" for p, c in cuts.items()],
               "HASIL VERIFIKASI LAPANGAN", "CATATAN PETUGAS"]  # fmt: skip
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
    frame: pd.DataFrame,
    cuts: dict[str, int],
    labels: tuple[str, str],
    w: wilayah.Wilayah,
    when: dt.datetime,
) -> Path:
    frame = frame.assign(kode=frame["kode_wilayah"].fillna(""))
    rows, totals = [], np.zeros(3 + 2 * len(cuts), dtype=np.int64)
    for kode, part in frame.groupby("kode", sort=True):
        in_from = int((part["perubahan"] != "baru").sum())
        in_to = int((part["perubahan"] != "hilang").sum())
        moved = int((~part["perubahan"].isin(["tetap"])).sum())
        figures = [in_from, in_to, moved]
        for p in cuts:
            figures += [int((part[p] == "MASUK").sum()), int((part[p] == "KELUAR").sum())]
        totals += np.array(figures)
        rows.append(
            [
                wilayah.dotted(kode) if kode else "",
                w.name(kode[:6]) if kode else "",
                w.name(kode) if kode else "(tanpa kelurahan)",
                *figures,
                f"{kode or NO_REGION}_{name}.xlsx"
                if any((part[p] != "").any() for p in cuts)
                else "",
            ]
        )
    rows.append(["", "", "JUMLAH", *[int(t) for t in totals], ""])
    headers = ["KODE WILAYAH", "KECAMATAN", "KELURAHAN/DESA", f"KELUARGA {labels[0].split()[0]}",
               f"KELUARGA {labels[1].split()[0]}", "DESIL BERUBAH"]  # fmt: skip
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
        widths=[16, 18, 22, 12, 12, 12, *[12] * (2 * len(cuts)), 44],
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
