"""Synthetic households and persons whose NIK and No KK agree with region, birth date and sex."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace

from pipelines.synth import names as N


@dataclass
class Person:
    """One household member, in canonical values."""

    nik: str
    no_kk: str
    nama: str
    tempat_lahir: str
    tanggal_lahir: dt.date
    jenis_kelamin: str
    hubungan_keluarga: str
    nama_ibu_kandung: str
    status_kawin: str
    pekerjaan: str
    alamat: str
    rt: str
    rw: str
    kode_wilayah: str
    id_dtks: str = ""
    pkh: bool = False
    bpnt: bool = False
    pbi: bool = False

    def copy(self, **changes) -> Person:
        return replace(self, **changes)


@dataclass
class Household:
    no_kk: str
    kode_wilayah: str
    members: list[Person] = field(default_factory=list)

    @property
    def head(self) -> Person:
        return self.members[0]


class Population:
    """Draws households for a kab/kota, keeping NIK and KK serials unique."""

    def __init__(self, seed: int, desa: list[str], today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.desa = desa
        self.today = today
        self._serial: dict[str, int] = {}
        self._ids: set[str] = set()

    def _next(self, prefix: str) -> str:
        n = self._serial.get(prefix, 0) + 1
        self._serial[prefix] = n
        return f"{prefix}{n:04d}"

    def nik(self, region6: str, born: dt.date, sex: str) -> str:
        """Region + DDMMYY (day + 40 for women) + a serial unique for that prefix."""
        day = born.day + (40 if sex == "P" else 0)
        return self._next(f"{region6}{day:02d}{born.month:02d}{born.year % 100:02d}")

    def kk(self, region6: str) -> str:
        start = dt.date(2005, 1, 1)
        issued = start + dt.timedelta(days=self.rng.randrange((self.today - start).days))
        return self._next(f"{region6}{issued:%d%m%y}")

    def id_dtks(self) -> str:
        while True:
            v = f"{self.rng.getrandbits(44):013d}"[-13:]
            if v not in self._ids:
                self._ids.add(v)
                return v

    def _born(self, min_age: int, max_age: int) -> dt.date:
        age_days = self.rng.randint(min_age * 365 + 1, max_age * 365 + 300)
        return self.today - dt.timedelta(days=age_days)

    def _name(self, sex: str) -> str:
        r = self.rng
        first = r.choice(N.MALE if sex == "L" else N.FEMALE)
        if r.random() < 0.75:
            second = r.choice(N.SECOND if sex == "L" else N.FEMALE_SECOND + N.FEMALE)
            if second != first:
                return f"{first} {second}".upper()
        return first.upper()

    def household(self, desa: str | None = None) -> Household:
        """A household: head, usually a spouse, children, sometimes a parent or grandchild."""
        r = self.rng
        desa = desa or r.choice(self.desa)
        kec = desa[:6]
        no_kk = self.kk(kec)
        alamat = f"{r.choice(N.STREETS)} No. {r.randint(1, 150)}".upper()
        rt, rw = f"{r.randint(1, 15):03d}", f"{r.randint(1, 6):03d}"
        flags = {"pkh": r.random() < 0.3, "bpnt": r.random() < 0.5, "pbi": r.random() < 0.75}
        hh = Household(no_kk, desa)

        def add(sex: str, rel: str, born: dt.date, status: str, job: str, mother: str) -> Person:
            region = kec if r.random() < 0.8 else r.choice(N.KECAMATAN_ELSEWHERE)
            place = N.BIRTHPLACES[0] if region == kec else r.choice(N.BIRTHPLACES)
            p = Person(
                self.nik(region, born, sex),
                no_kk,
                self._name(sex),
                place,
                born,
                sex,
                rel,
                mother,
                status,
                job,
                alamat,
                rt,
                rw,
                desa,
                self.id_dtks(),
                **flags,
            )
            hh.members.append(p)
            return p

        female_head = r.random() < 0.18
        head_born = self._born(24, 78)
        head = add(
            "P" if female_head else "L",
            "KEPALA KELUARGA",
            head_born,
            "CERAI MATI" if female_head else "KAWIN",
            r.choice(N.JOBS_HEAD),
            self._name("P"),
        )
        mother_of_kids = head.nama
        if not female_head:
            sp_age = max(19, (self.today - head_born).days // 365 - r.randint(0, 8))
            spouse = add(
                "P",
                "ISTRI",
                self._born(sp_age, sp_age),
                "KAWIN",
                r.choice(N.JOBS_SPOUSE),
                self._name("P"),
            )
            mother_of_kids = spouse.nama
        head_age = (self.today - head_born).days // 365
        for _ in range(r.choice([0, 0, 1, 1, 1, 2, 2, 3, 4])):
            top = min(head_age - 19, 30)
            if top < 0:
                break
            sex = r.choice("LP")
            age = r.randint(0, top)
            add(
                sex,
                "ANAK",
                self._born(age, age),
                "BELUM KAWIN" if age < 22 else r.choice(["BELUM KAWIN", "KAWIN"]),
                "PELAJAR/MAHASISWA" if 6 <= age <= 22 else "BELUM/TIDAK BEKERJA",
                mother_of_kids,
            )
        if head_age < 50 and r.random() < 0.08:
            add(
                "P",
                "ORANG TUA",
                self._born(head_age + 20, min(head_age + 35, 95)),
                "CERAI MATI",
                "MENGURUS RUMAH TANGGA",
                self._name("P"),
            )
        return hh

    def child_of(self, hh: Household) -> Person:
        """A newborn added to an existing household."""
        born = self.today - dt.timedelta(days=self.rng.randint(20, 300))
        sex = self.rng.choice("LP")
        mother = next((m.nama for m in hh.members if m.hubungan_keluarga == "ISTRI"), hh.head.nama)
        p = hh.head.copy(
            nik=self.nik(hh.no_kk[:6], born, sex),
            nama=self._name(sex),
            tempat_lahir="PALANGKA RAYA",
            tanggal_lahir=born,
            jenis_kelamin=sex,
            hubungan_keluarga="ANAK",
            nama_ibu_kandung=mother,
            status_kawin="BELUM KAWIN",
            pekerjaan="BELUM/TIDAK BEKERJA",
            id_dtks=self.id_dtks(),
        )
        return p
