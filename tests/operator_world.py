"""A tiny, seeded data root for operator-life tests, and a reader of every month output.

`World` holds a DTKS snapshot of a few households and one period of kelurahan prelists
(';' CSV) with berita acara: new households, registered persons, and persons whose NIK is one
digit off a registered one (perlu_verifikasi). The rows can be edited the way kelurahan
resend their files (insert, remove, edit) and written again.

`month_counts` reads every output of a month and returns its counts per final outcome, so a
test can check that all of them agree with the store.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from pipelines import wilayah
from pipelines.config import Home
from pipelines.ingest.snapshot import load
from pipelines.store import open_store
from pipelines.synth import SNAPSHOT_HEADER
from pipelines.synth.population import Household, Person, Population
from pipelines.synth.scenario import _one_digit_off

PERIOD = "2026-11"
HEADER = ["NIK", "NO KK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR", "JENIS KELAMIN",
          "HUBUNGAN KELUARGA", "NAMA IBU KANDUNG", "STATUS KAWIN", "PEKERJAAN", "ALAMAT", "RT",
          "RW"]  # fmt: skip
FIELDS = ["nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
          "hubungan_keluarga", "nama_ibu_kandung", "status_kawin", "pekerjaan", "alamat", "rt",
          "rw"]  # fmt: skip
JOBS = ["PETANI", "PEDAGANG", "BURUH HARIAN LEPAS", "NELAYAN", "WIRASWASTA", "MENGURUS RUMAH"]


def _row(p: Person) -> list[str]:
    return [
        p.nik,
        p.no_kk,
        p.nama,
        p.tempat_lahir,
        p.tanggal_lahir.strftime("%d-%m-%Y"),
        p.jenis_kelamin,
        p.hubungan_keluarga,
        p.nama_ibu_kandung,
        p.status_kawin,
        p.pekerjaan,
        p.alamat,
        p.rt,
        p.rw,
    ]


@dataclass
class World:
    """A data root and the rows each kelurahan currently sends."""

    home: Home
    pop: Population
    kelurahan: list[str]
    rows: dict[str, list[Person]] = field(default_factory=dict)
    households: dict[str, list[Household]] = field(default_factory=dict)  # in the BA
    snapshot: Path | None = None
    all_nik: set[str] = field(default_factory=set)

    def folder(self, kode: str) -> Path:
        return self.home.period_raw(PERIOD) / f"{wilayah.dotted(kode)} Kelurahan"

    def write(self, kode: str) -> Path:
        """Write the kelurahan's prelist and berita acara as it sends them now."""
        folder = self.folder(kode)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "prelist.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow(["NO", *HEADER])
            for n, p in enumerate(self.rows[kode], start=1):
                w.writerow([n, *_row(p)])
        with (folder / "berita_acara.csv").open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, delimiter=";")
            for line in [
                ["BERITA ACARA MUSYAWARAH KELURAHAN"],
                [],
                ["Hari/Tanggal", ":", "Senin, 12 Oktober 2026"],
                ["Tempat", ":", "Aula Kantor Lurah"],
                ["Pimpinan Rapat", ":", "Lurah"],
                ["Jumlah Peserta", ":", "20 orang"],
                [],
                ["NO", "NO KK", "NAMA KEPALA KELUARGA", "JUMLAH ART", "HASIL MUSYAWARAH"],
                *[
                    [n, hh.no_kk, hh.head.nama, len(hh.members), "SETUJU"]
                    for n, hh in enumerate(self.households[kode], start=1)
                ],
            ]:
                w.writerow(line)
        return path

    # the ways a kelurahan changes its file before sending it again
    def insert(self, kode: str, pos: int) -> None:
        """A newborn of one of the proposed households, inserted at pos."""
        hh = self.households[kode][pos % len(self.households[kode])]
        child = self.pop.child_of(hh)
        self.all_nik.add(child.nik)
        rows = self.rows[kode]
        rows.insert(pos % (len(rows) + 1), child)

    def remove(self, kode: str, pos: int) -> None:
        rows = self.rows[kode]
        if len(rows) > 1:
            rows.pop(pos % len(rows))

    def edit(self, kode: str, pos: int, seed: int) -> None:
        """Change one attribute of one row (occupation or name), as a typo fix would."""
        rows = self.rows[kode]
        i = pos % len(rows)
        r = random.Random(seed)
        p = rows[i]
        if r.random() < 0.5:
            rows[i] = p.copy(pekerjaan=r.choice([j for j in JOBS if j != p.pekerjaan]))
        else:
            rows[i] = p.copy(nama=p.nama + " " + r.choice(["ALI", "PUTRI", "JAYA"]))


def build(root: Path, seed: int = 1, kelurahan: int = 2) -> World:
    """A loaded data root: snapshot of 6 households per kelurahan, prelists and berita acara."""
    home = Home(root)
    home.ensure()
    desa = wilayah.load().desa_in("6271")[:kelurahan]
    pop = Population(seed, desa, dt.date(2026, 11, 1))
    world = World(home, pop, desa)
    registered = {k: [pop.household(k) for _ in range(6)] for k in desa}
    world.all_nik = {m.nik for hhs in registered.values() for hh in hhs for m in hh.members}
    snap = home.raw / "dtks" / "DTKS_6271_2026-10.csv"
    snap.parent.mkdir(parents=True, exist_ok=True)
    with snap.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(SNAPSHOT_HEADER)
        for hhs in registered.values():
            for hh in hhs:
                for m in hh.members:
                    w.writerow(
                        [
                            m.id_dtks or pop.id_dtks(),
                            *_row(m)[:13],
                            wilayah.dotted(m.kode_wilayah),
                            "Ya" if m.pkh else "Tidak",
                            "Ya" if m.bpnt else "Tidak",
                            "Ya" if m.pbi else "Tidak",
                        ]
                    )
    world.snapshot = snap
    for k in desa:
        new = [pop.household(k) for _ in range(2)]
        for hh in new:
            world.all_nik.update(m.nik for m in hh.members)
        rows: list[Person] = []
        for hh in new + registered[k][:1]:
            rows += hh.members
        for hh in registered[k][1:3]:  # a registered household with one NIK typed one digit off
            members = list(hh.members)
            last = members[-1]
            members[-1] = last.copy(nik=_one_digit_off(last.nik, pop.rng, world.all_nik))
            world.all_nik.add(members[-1].nik)
            rows += members
        world.rows[k] = rows
        world.households[k] = new + registered[k][:3]
        world.write(k)
    with open_store(home.store_path) as store:
        load(store, [snap], petugas="uji")
    return world


def month_counts(home: Home, period: str = PERIOD) -> dict[str, Counter]:
    """Counts per final outcome as each output of the month states them, and the store's."""
    from pipelines.outcomes import LABELS as OUTCOME_LABELS

    by_label = {v: k for k, v in OUTCOME_LABELS.items()}
    out: dict[str, Counter] = {}
    with open_store(home.store_path, read_only=True) as store:
        final = store.df("SELECT outcome FROM prelist_final WHERE period = ?", [period])
    out["store"] = Counter(final["outcome"])
    month = home.period_out(period)
    out["outcomes.parquet"] = Counter(pd.read_parquet(month / "outcomes.parquet")["outcome"])
    ws = load_workbook(month / "summary.xlsx", read_only=True)["Ringkasan"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(r for r in rows if r and r[0] == "KODE WILAYAH")
    total = next(r for r in rows if r and len(r) > 2 and r[2] == "JUMLAH")
    out["summary.xlsx"] = Counter(
        {
            by_label[h.title()]: v
            for h, v in zip(head, total, strict=False)
            if h and h.title() in by_label
        }
    )
    sent = Counter()
    for p in (month / "siks-ng").glob("*.csv"):
        kind = "usulan_baru" if p.stem.endswith("usulan_baru") else "perbaikan"
        with p.open(encoding="utf-8-sig") as fh:
            sent[kind] += sum(1 for _ in csv.reader(fh, delimiter=";")) - 1
    out["siks-ng"] = sent
    returned = Counter()
    for p in (month / "penolakan").glob("*.xlsx"):
        wb = load_workbook(p, read_only=True)
        for ws in wb.worksheets[1:]:
            rows = list(ws.iter_rows(values_only=True))
            head = next(i for i, r in enumerate(rows) if r and "HASIL" in r)
            col = rows[head].index("HASIL")
            returned.update(by_label[r[col]] for r in rows[head + 1 :] if r and r[col] in by_label)
    out["penolakan"] = returned
    wb = load_workbook(month / f"telaah_{period}.xlsx", read_only=True)
    review = Counter()
    for name, key in [(v[:31], k) for k, v in OUTCOME_LABELS.items() if k != "perlu_verifikasi"]:
        review[key] = max(0, wb[name].max_row - 1)
    perlu = list(wb["PERLU KEPUTUSAN"].iter_rows(min_row=2, values_only=True))
    col = perlu[0].index("KEPUTUSAN")
    review["perlu_verifikasi"] = sum(1 for r in perlu[1:] if r and r[0] and not r[col])
    out["telaah"] = review
    rep = home.reports / period / f"laporan_finalisasi_{period}.xlsx"
    ws = load_workbook(rep, read_only=True)["Rekap"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(r for r in rows if r and r[0] == "KODE")
    total = next(r for r in rows if r and len(r) > 2 and r[2] == "JUMLAH")
    from pipelines.report.finalisation.content import COLS

    labels = {label: key for key, label in COLS}
    out["laporan"] = Counter(
        {
            labels[h]: v
            for h, v in zip(head, total, strict=False)
            if h in labels and labels[h] != "diusulkan"
        }
    )
    return {k: Counter({o: n for o, n in c.items() if n}) for k, c in out.items()}


def agree(counts: dict[str, Counter]) -> list[str]:
    """Where an output's counts differ from the store's (only the outcomes it covers)."""
    store = counts["store"]
    covers = {
        "siks-ng": {"usulan_baru", "perbaikan"},
        "penolakan": {"ditolak_validasi", "ditolak_musyawarah", "ditolak_supervisor"},
    }
    bad = []
    for name, c in counts.items():
        keys = covers.get(name, set(store) | set(c))
        want = {k: store.get(k, 0) for k in keys if store.get(k, 0)}
        got = {k: c.get(k, 0) for k in keys if c.get(k, 0)}
        if want != got:
            bad.append(f"{name}: {got} != store {want}")
    return bad


def fill_review(home: Home, choices: list[str], out: Path, reason: str = "") -> dict[str, str]:
    """Fill the month's review workbook row by row with `choices` (cycled; '' = leave open).

    SAMA / PERBAIKAN on a row without a DTKS candidate becomes BARU. Returns KUNCI -> choice.
    """
    from pipelines import review

    wb = load_workbook(home.period_out(PERIOD) / f"telaah_{PERIOD}.xlsx")
    ws = wb[review.SHEET]
    col = {c.value: i for i, c in enumerate(ws[2])}
    chosen: dict[str, str] = {}
    for i, row in enumerate(ws.iter_rows(min_row=3)):
        choice = choices[i % len(choices)]
        if choice in review.NEEDS_CANDIDATE and not row[col["ID DTKS KANDIDAT"]].value:
            choice = "BARU"
        if choice:
            row[col["KEPUTUSAN"]].value = choice
            row[col["ALASAN"]].value = (
                (reason or "Diperiksa ke lapangan") if choice == "TOLAK" else None
            )
            chosen[str(row[col["KUNCI"]].value)] = choice
    wb.save(out)
    return chosen
