"""Demo files of the DTSEN era (issue 17): deactivations decided in the musyawarah, a
complete proposal with its attachments, and the Dinas's own usul/sanggah intake.

Written last, from their own random stream, as extra files in a few kelurahan folders, so
every file generated before stays as it was. Each row's expected outcome goes to the truth.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from pipelines.synth.population import Household, Person, Population
from pipelines.synth.scenario import KelurahanPlan

HEADER = ["NO", "NIK", "NO KK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR", "JENIS KELAMIN",
          "HUBUNGAN KELUARGA", "NAMA IBU KANDUNG", "STATUS KAWIN", "PEKERJAAN", "ALAMAT", "RT",
          "RW"]  # fmt: skip
# a stand-in for a scanned page or a photo (the demo's files are not real pictures)
FAKE_JPEG = b"\xff\xd8\xff\xe0 contoh lampiran demo dtks \xff\xd9"
FAKE_PDF = b"%PDF-1.4\n% contoh lampiran demo dtks\n%%EOF\n"


def _cells(p: Person) -> list[str]:
    return [p.nik, p.no_kk, p.nama, p.tempat_lahir, p.tanggal_lahir.strftime("%d-%m-%Y"),
            p.jenis_kelamin, p.hubungan_keluarga, p.nama_ibu_kandung, p.status_kawin,
            p.pekerjaan, p.alamat, p.rt, p.rw]  # fmt: skip


def _truth(rel: str, row: int, expected: str, plant: str, p: Person, registered: bool) -> dict:
    return {
        "source_file": rel,
        "source_sheet": "",
        "source_row": row,
        "expected_outcome": expected,
        "plant": plant,
        "truth_id_dtks": p.id_dtks if registered else "",
        "person_key": p.id_dtks,
    }


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        w.writerows(rows)


def _unused(plan: KelurahanPlan, dtks: list[Household]) -> list[Household]:
    """Registered households of the kelurahan its month's files do not name."""
    named = {hh.no_kk for hh, _ in plan.decisions} | {row.person.no_kk for row in plan.rows}
    return [hh for hh in dtks if hh.kode_wilayah == plan.kode and hh.no_kk not in named]


def write_extras(
    period_dir: Path,
    plans: list[tuple[KelurahanPlan, Path]],
    pop: Population,
    dtks: list[Household],
    seed: int,
) -> list[dict]:
    """Write the extra files; return their truth rows."""
    r = random.Random(seed + 17)
    with_ba = [(p, f) for p, f in plans if p.has_ba]
    truth: list[dict] = []
    rel = lambda p: p.relative_to(period_dir).as_posix()  # noqa: E731

    # 1. deactivations: a musyawarah decides on registered people (one file with a decision
    # per row): one head died, a household moved, a household is judged well-off; and a new
    # household judged well-off, which is only a rejected proposal
    plan, folder = with_ba[0]
    pool = _unused(plan, dtks)
    r.shuffle(pool)
    died, moved = pool[0], pool[1]
    plan2, folder2 = with_ba[1]
    pool2 = _unused(plan2, dtks)
    r.shuffle(pool2)
    well_off = pool2[0]
    for fo, picks in [
        (folder, [(died.members[:1], "MENINGGAL", True),
                          (moved.members, "PINDAH", True)]),
        (folder2, [(well_off.members, "MAMPU", True),
                            (pop.household(plan2.kode).members, "MAMPU", False)]),
    ]:  # fmt: skip
        path = fo / "usulan_penonaktifan.csv"
        rows: list[list[object]] = []
        for members, decision, registered in picks:
            for m in members:
                rows.append([len(rows) + 1, *_cells(m), decision])
                expected = "usulan_nonaktif" if registered else "ditolak_musyawarah"
                plant = f"nonaktif_{decision.lower()}" if registered else "mampu_baru"
                truth.append(_truth(rel(path), len(rows) + 1, expected, plant, m, registered))
        _write(path, [*HEADER, "KEPUTUSAN MUSYAWARAH"], rows)

    # 2. a complete proposal: disability, programmes with eligibility and reason, dusun, and
    # the KTP, KK, SKTM and house photos in the folder
    plan3, folder3 = with_ba[2]
    hh = pop.household(plan3.kode)
    path = folder3 / "usulan_lengkap.csv"
    rows = []
    for i, m in enumerate(hh.members):
        rows.append([i + 1, *_cells(m), "Dusun II", "TUNA NETRA" if i == 0 else "TIDAK ADA",
                     "YA", "YA", "YA", "lansia penyandang disabilitas netra", "SETUJU"])  # fmt: skip
        truth.append(_truth(rel(path), i + 2, "usulan_baru", "usulan_lengkap", m, False))
    _write(path, [*HEADER, "DUSUN", "JENIS DISABILITAS", "USUL PKH", "USUL BPNT/SEMBAKO",
                  "USUL PBI-JK", "ALASAN USUL", "KEPUTUSAN MUSYAWARAH"], rows)  # fmt: skip
    head = hh.members[0]
    (folder3 / f"KTP_{head.nik}.jpg").write_bytes(FAKE_JPEG)
    (folder3 / f"KK_{hh.no_kk}.pdf").write_bytes(FAKE_PDF)
    (folder3 / f"SKTM_{hh.no_kk}.pdf").write_bytes(FAKE_PDF)
    (folder3 / f"FOTO_RUMAH_{hh.no_kk}_depan.jpg").write_bytes(FAKE_JPEG)
    (folder3 / f"FOTO_RUMAH_{hh.no_kk}_dalam.jpg").write_bytes(FAKE_JPEG)

    # 3. the Dinas's own form: a walk-in family proposed with every document, one proposed
    # through Cek Bansos without the letter of poverty, and an objection through Cek Bansos
    # that the field check bore out (a registered family is well-off)
    from pipelines import intake

    plan4, folder4 = with_ba[3]
    walk_in = pop.household(plan4.kode)
    short = pop.household(plan4.kode)
    pool4 = _unused(plan4, dtks)
    r.shuffle(pool4)
    objected = pool4[0].members[0]
    path = folder4 / intake.FILE_NAME
    form: list[list] = []
    cases = [(m, "USUL", "DATANG LANGSUNG", ["ADA"] * 4, "SETUJU", "usulan_baru", False)
             for m in walk_in.members]  # fmt: skip
    cases += [(m, "USUL", "CEK BANSOS", ["ADA", "ADA", "TIDAK", "ADA"], "SETUJU",
               "ditolak_validasi", False) for m in short.members]  # fmt: skip
    cases += [(objected, "SANGGAH", "CEK BANSOS", ["", "", "", ""], "MAMPU", "usulan_nonaktif",
               True)]  # fmt: skip
    for m, kind, channel, docs, finding, expected, registered in cases:
        form.append([None, kind, channel, "03-11-2026", *_cells(m)[:13],
                     plan4.kode, *docs, "pengajuan langsung", finding, "Petugas Demo"])  # fmt: skip
        plant = f"{kind.lower()}_{channel.lower().replace(' ', '_')}"
        t = _truth(rel(path), 4 + len(form), expected, plant, m, registered)
        truth.append({**t, "source_sheet": "USUL DAN SANGGAH"})
    intake.write(path, plan4.kode, form)
    return truth
