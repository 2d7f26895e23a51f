"""Which persons each kelurahan proposes this period, and what the right outcome of each is.

The expected outcome follows the pipeline's order of precedence: a broken row is
ditolak_validasi, else a household not approved in the musyawarah is ditolak_musyawarah,
else a repeat of an earlier row is duplikat_batch, else the DTKS decides.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from pipelines.outcomes import Outcome
from pipelines.synth.population import Household, Person, Population

APPROVE = ["SETUJU", "DISETUJUI", "LAYAK", "Setuju", "disetujui"]
REJECT = ["TIDAK LAYAK", "MAMPU", "PINDAH", "TIDAK DITEMUKAN", "MENINGGAL", "Tidak Layak"]
INVALID_KINDS = [
    "nik_pendek",
    "nama_kosong",
    "lahir_masa_depan",
    "nik_tgl_beda",
    "kk_wilayah",
    "tanggal_rusak",
    "jk_kosong",
]


@dataclass
class Row:
    """One prelist row to render: canonical values plus the truth about it."""

    person: Person
    expected: str
    plant: str = ""
    truth_id_dtks: str = ""
    overrides: dict = field(default_factory=dict)  # raw values that replace rendered ones


@dataclass
class KelurahanPlan:
    kode: str
    rows: list[Row] = field(default_factory=list)
    decisions: list[tuple[Household, str]] = field(default_factory=list)  # (household, decision)
    has_ba: bool = True
    ba_only: int = 0  # households in the berita acara that the prelist does not hold


def plan_period(
    pop: Population,
    dtks: list[Household],
    desa: list[str],
    scale: int,
    number_styles: set[int],
    sci_styles: set[int],
    style_of,
) -> list[KelurahanPlan]:
    """Plan every kelurahan; style_of(i) tells which render style kelurahan i gets."""
    r: random.Random = pop.rng
    by_desa: dict[str, list[Household]] = {}
    for hh in dtks:
        by_desa.setdefault(hh.kode_wilayah, []).append(hh)
    all_nik = {m.nik for hh in dtks for m in hh.members}
    plans: list[KelurahanPlan] = []
    carry: Household | None = None  # approved household re-proposed by the next kelurahan
    for i, kode in enumerate(desa):
        plan = KelurahanPlan(kode, has_ba=(i != len(desa) - 1))
        style = style_of(i)
        new = [pop.household(kode) for _ in range(10 * scale)]
        for hh in new:
            all_nik.update(m.nik for m in hh.members)
        blocks: list[list[Row]] = []
        approved_new = new[:5] if plan.has_ba else []
        for j, hh in enumerate(new):
            if j >= 5 and plan.has_ba and r.random() < 0.2:
                if r.random() < 0.3:
                    expected, decision = Outcome.DITOLAK_MUSYAWARAH, None  # missing from the BA
                else:
                    expected, decision = Outcome.DITOLAK_MUSYAWARAH, r.choice(REJECT)
            else:
                expected = Outcome.USULAN_BARU if plan.has_ba else Outcome.DITOLAK_MUSYAWARAH
                decision = r.choice(APPROVE)
            if decision:
                plan.decisions.append((hh, decision))
            blocks.append([Row(m, expected, "baru") for m in hh.members])
        if plan.has_ba:
            pool = list(by_desa.get(kode, []))
            r.shuffle(pool)
            for k, hh in enumerate(pool[: 2 + scale]):
                plan.decisions.append((hh, r.choice(APPROVE)))
                block = [Row(m, Outcome.TERDAFTAR, "terdaftar", m.id_dtks) for m in hh.members]
                if k == 0:  # a correction: one attribute changed
                    row = block[-1]
                    field_name, value = r.choice(
                        [
                            ("pekerjaan", "PEDAGANG KELILING"),
                            ("alamat", "JL. BARU NO. 7"),
                            (
                                "status_kawin",
                                "CERAI HIDUP" if row.person.status_kawin == "KAWIN" else "KAWIN",
                            ),
                            ("rt", f"{(int(row.person.rt) % 15) + 1:03d}"),
                        ]
                    )
                    if (
                        field_name == "status_kawin"
                        and value == "KAWIN"
                        and _age(row.person, pop.today) < 15
                    ):  # married under 15 is rejected as implausible: change the job
                        field_name, value = "pekerjaan", "PEDAGANG KELILING"
                    row.person = row.person.copy(**{field_name: value})
                    row.expected, row.plant = Outcome.PERBAIKAN, f"perbaikan_{field_name}"
                if k == 1 and len(block) > 1 and i % 2 == 0:  # NIK one digit off
                    row = block[-1]
                    nik = _one_digit_off(row.person.nik, r, all_nik)
                    all_nik.add(nik)
                    row.person = row.person.copy(nik=nik)
                    row.expected, row.plant = Outcome.PERLU_VERIFIKASI, "nik_satu_digit"
                if k == 2 and i % 3 == 0:  # a newborn joins a registered household
                    block.append(Row(pop.child_of(hh), Outcome.USULAN_BARU, "anggota_baru"))
                blocks.append(block)
            # planted broken rows: non-head members of approved new households
            targets = [m for hh in approved_new[2:5] for m in hh.members[1:]]
            kinds = list(INVALID_KINDS)
            if style in number_styles:
                kinds.append("nik_terpotong")
            if style in sci_styles:
                kinds.append("nik_notasi_ilmiah")
            for person in r.sample(targets, min(len(targets), 1 + (i % 3) * scale)):
                _plant_invalid(person, r.choice(kinds), blocks, max(pop.today, dt.date.today()), r)
            if carry is not None and i % 5 == 0:
                plan.decisions.append((carry, "SETUJU"))
                blocks.append(
                    [
                        Row(m, Outcome.DUPLIKAT_BATCH, "duplikat_antar_kelurahan")
                        for m in carry.members
                    ]
                )
            carry = approved_new[0]
            if i % 4 == 3:  # decided in the musyawarah but left out of the prelist
                plan.decisions.append((pop.household(kode), r.choice(APPROVE)))
                plan.ba_only += 1
        r.shuffle(blocks)
        plan.rows = [row for b in blocks for row in b]
        if plan.has_ba and i % 3 == 1:  # the same person typed twice in one file
            first = next(x for x in plan.rows if x.person.no_kk == approved_new[1].no_kk)
            plan.rows.append(Row(first.person, Outcome.DUPLIKAT_BATCH, "duplikat_satu_kelurahan"))
        plans.append(plan)
    return plans


def _age(person: Person, today: dt.date) -> int:
    born = person.tanggal_lahir
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _one_digit_off(nik: str, r: random.Random, taken: set[str]) -> str:
    while True:
        pos = r.randrange(12, 16)  # the serial: birth date and region stay right
        digit = r.choice([d for d in "0123456789" if d != nik[pos]])
        cand = nik[:pos] + digit + nik[pos + 1 :]
        if cand not in taken and cand[12:] != "0000":
            return cand


def _plant_invalid(
    person: Person, kind: str, blocks: list[list[Row]], today: dt.date, r: random.Random
) -> None:
    row = next(x for b in blocks for x in b if x.person is person)
    row.expected, row.plant = Outcome.DITOLAK_VALIDASI, kind
    p = person
    if kind == "nik_pendek":
        row.person = p.copy(nik=p.nik[:-1])
    elif kind == "nama_kosong":
        row.person = p.copy(nama="")
    elif kind == "lahir_masa_depan":
        row.overrides["tanggal_lahir"] = today + dt.timedelta(days=r.randint(30, 300))
    elif kind == "nik_tgl_beda":
        row.person = p.copy(tanggal_lahir=p.tanggal_lahir + dt.timedelta(days=3))
    elif kind == "kk_wilayah":
        row.person = p.copy(no_kk="999999" + p.no_kk[6:])
    elif kind == "tanggal_rusak":
        row.overrides["tanggal_lahir"] = f"31-02-{p.tanggal_lahir.year}"
    elif kind == "jk_kosong":
        row.person = p.copy(jenis_kelamin="")
    elif kind == "nik_terpotong":
        row.overrides["nik"] = float(int(p.nik[:15] + "0"))
    elif kind == "nik_notasi_ilmiah":
        row.overrides["nik"] = f"{p.nik[0]},{p.nik[1:6]}E+15"
