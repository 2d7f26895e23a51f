"""Unseen variants of kelurahan files, each row with its right outcome (for tests).

Beside the committed corpus and the five demo styles, draw() makes kelurahan folders the
pipeline has not seen: header spellings (known ones in other cases and punctuation, and
unknown ones whose columns must be recognised by their values), column orders, title rows,
date, sex and identifier styles, relationship vocabularies and numeric schemes (DTKS or
Dukcapil codes), berita acara decision words, decision keys (No KK, head's NIK, a 16-digit
key, head's name with RT) and headers, scanned or missing berita acara, historical NIK and KK
region codes (a kecamatan code not in today's list in an existing province), and household
faults (head born in the future, head's No KK mistyped, married child, spouse under 15, birth
before 1900, head under 18). render() writes them as xlsx or CSV and returns the truth of
every data row: the outcome, words its reason must contain, and the values it must read as.

The truth follows the rules in README (Unseen files), not the code: e.g. a family whose head
fails comes back whole, a historical region code is a note, a '3' in a DTKS-coded file is
ANAK. benchmarks/bench_variants.py runs many; tests/test_variants.py a few in CI.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from pipelines import wilayah
from pipelines.dates import long_date
from pipelines.outcomes import Outcome
from pipelines.synth import names as N

TODAY = dt.date.today()
EPOCH = dt.date(1899, 12, 30)
BULAN_SINGKAT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des"]

# header spellings: known ones (the pipeline's aliases, written differently) and unknown ones
KNOWN = {
    "nik": ["NIK", "No. NIK", "nomor nik", "NIK ART", "Nomor Induk Kependudukan", "NIK_KTP"],
    "no_kk": ["NO KK", "No. KK", "nomor_kartu_keluarga", "NOKK", "No.Kartu Keluarga", "NO. KK"],
    "nama": ["NAMA", "Nama Lengkap", "NAMA_ART", "nama anggota keluarga"],
    "tempat_lahir": ["TEMPAT LAHIR", "Tmp. Lahir", "TMPT_LAHIR"],
    "tanggal_lahir": ["TANGGAL LAHIR", "Tgl. Lahir", "tgl_lahir", "TGL LHR"],
    "jenis_kelamin": ["JENIS KELAMIN", "L/P", "JK", "Jns Kelamin", "J/K"],
    "hubungan_keluarga": ["HUBUNGAN KELUARGA", "Hub. Keluarga", "SHDK", "HUB DGN KK",
                          "Hubungan dengan Kepala Keluarga"],
    "nama_ibu_kandung": ["NAMA IBU KANDUNG", "Nama Ibu", "IBU_KANDUNG"],
    "status_kawin": ["STATUS KAWIN", "Status Perkawinan", "STS_KAWIN"],
    "pekerjaan": ["PEKERJAAN", "Jenis Pekerjaan"],
    "alamat": ["ALAMAT", "Alamat Lengkap"],
    "rt": ["RT", "rt", "R.T."],
    "rw": ["RW", "rw", "R.W."],
}  # fmt: skip
UNKNOWN = {
    "nik": ["NO IDENTITAS", "Identitas Penduduk", "KOLOM B", "NOMOR KTP ELEKTRONIK"],
    "no_kk": ["NOMOR KARTU", "No Kartu (16 digit)", "KARTU", "Dokumen KK"],
    "nama": ["NM LENGKAP", "Nama Peserta", "NAMA ANGGOTA RUMAH TANGGA"],
    "tanggal_lahir": ["TTL", "LAHIR", "Tgl", "WAKTU LAHIR"],
    "jenis_kelamin": ["GENDER", "J.KEL", "Kelamin (L/P)"],
    "hubungan_keluarga": ["Kedudukan", "STATUS DLM KELUARGA", "HUB. DG KEP. KEL"],
    "status_kawin": ["KAWIN?", "Status Nikah Sipil"],
    "tempat_lahir": ["Kota Lahir"],
    "nama_ibu_kandung": ["Ibu"],
    "pekerjaan": ["Mata Pencaharian"],
    "alamat": ["Domisili"],
    "rt": ["Rukun Tetangga"],
    "rw": ["Rukun Warga"],
}  # fmt: skip
FIELDS = list(KNOWN)
DECISION_KNOWN = ["KEPUTUSAN", "Hasil Musyawarah", "HASIL MUSKEL", "Keputusan Musyawarah"]
DECISION_UNKNOWN = ["REKOMENDASI TIM", "Kesimpulan", "PUTUSAN FORUM", "Hasil Akhir"]
APPROVE = ["SETUJU", "Disetujui", "layak", "LAYAK", "diterima", "Ya", "setuju ", "DI SETUJUI"]
REJECT = {  # word -> words the reason must contain
    "TIDAK LAYAK": "tidak layak",
    "tdk layak": "tidak layak",
    "Ditolak": "tidak disetujui",
    "MAMPU": "dinilai mampu",
    "Sudah Mampu": "dinilai mampu",
    "PINDAH": "sudah pindah",
    "pindah domisili": "sudah pindah",
    "MENINGGAL DUNIA": "meninggal dunia",
    "Meninggal": "meninggal dunia",
    "TIDAK DITEMUKAN": "tidak ditemukan",
    "GANDA": "data ganda",
    "Tidak": "tidak disetujui",
}
# relationship: canonical -> (Dukcapil word, DTKS word, Dukcapil code, DTKS code, read as)
REL = {
    "KEPALA KELUARGA": ("KEPALA KELUARGA", "Kepala Keluarga", 1, 1),
    "ISTRI": ("ISTRI", "ISTRI/SUAMI", 3, 2),
    "SUAMI": ("SUAMI", "ISTRI/SUAMI", 2, 2),
    "ANAK": ("Anak Kandung", "ANAK", 4, 3),
    "ORANG TUA": ("ORANG TUA", "Orang Tua/Mertua", 7, 6),
    "FAMILI LAIN": ("FAMILI LAIN", "LAINNYA", 9, 8),
    "PEMBANTU": ("PEMBANTU", "PEMBANTU RUMAH TANGGA", 10, 7),
}
# how a canonical relationship reads back under each vocabulary
READ_AS = {
    "dukcapil": {"ORANG TUA": "ORANG TUA", "FAMILI LAIN": "FAMILI LAIN"},
    "dtks": {"ORANG TUA": "ORANG TUA/MERTUA", "FAMILI LAIN": "LAINNYA"},
}
FAULTS = ["head_future", "head_kk_typo", "child_married", "spouse_young", "born_1899",
          "head_young", "old_nik"]  # fmt: skip


@dataclass
class Person:
    nik: str
    no_kk: str
    nama: str
    lahir: dt.date
    jk: str
    hub: str  # canonical (Dukcapil words)
    kawin: str
    tempat: str = "PALANGKA RAYA"
    ibu: str = "SITI"
    kerja: str = "BURUH HARIAN LEPAS"
    alamat: str = "JL. MERANTI NO. 2"
    rt: str = "001"
    rw: str = "001"
    shown_lahir: dt.date | None = None  # the date written, when a fault changes it
    shown_kk: str | None = None
    expected: str = Outcome.USULAN_BARU
    needles: list[str] = field(default_factory=list)


@dataclass
class Family:
    members: list[Person]
    decision: str | None  # the word written in the berita acara, None: left out of it
    fault: str = ""

    @property
    def head(self) -> Person:
        return next(m for m in self.members if m.hub == "KEPALA KELUARGA")


@dataclass
class Variant:
    """One kelurahan folder: its families and every rendering choice."""

    kode: str
    families: list[Family]
    fmt: str  # 'xlsx', 'csv;', 'csv,'
    headers: dict[str, str]
    unknown: set[str]
    order: list[str]
    numbered: bool
    layout: str  # 'plain', 'double_nik' (an empty NIK column first), 'merged' ('NIK / NO KK'
    # over both columns), 'two_row' ('IDENTITAS' over the NIK and NO KK sub-headers)
    title_rows: int
    date_style: str
    sex_style: str
    rel_style: str  # 'kata_dukcapil', 'kata_dtks', 'kode_dukcapil', 'kode_dtks'
    ba: str  # 'xlsx', 'csv', 'scan', 'none', 'no_decision'
    ba_key: str  # 'no_kk', 'nik', 'kunci', 'nama_rt'
    ba_decision_header: str
    ba_key_header: str
    seed: int


class _Ids:
    """NIK and No KK serials, unique within a draw."""

    def __init__(self) -> None:
        self.serial: dict[str, int] = {}
        self.kk = 0

    @staticmethod
    def prefix(region: str, born: dt.date, sex: str) -> str:
        day = born.day + (40 if sex == "P" else 0)
        return f"{region}{day:02d}{born:%m}{born.year % 100:02d}"

    def taken(self, region: str, born: dt.date, sex: str) -> bool:
        return self.prefix(region, born, sex) in self.serial

    def nik(self, region: str, born: dt.date, sex: str) -> str:
        prefix = self.prefix(region, born, sex)
        self.serial[prefix] = self.serial.get(prefix, 0) + 1
        return f"{prefix}{self.serial[prefix]:04d}"

    def no_kk(self, region: str, r: random.Random) -> str:
        self.kk += 1
        issued = dt.date(2005, 1, 1) + dt.timedelta(days=r.randint(0, 7000))
        return f"{region}{issued:%d%m}{issued.year % 100:02d}{self.kk:04d}"


def historical_codes(kecamatan: str) -> list[str]:
    """Kecamatan codes of the same province that today's list lacks (pre-pemekaran NIKs)."""
    known = wilayah.load().kecamatan_codes
    prov = kecamatan[:2]
    out = [f"{prov}{kab:02d}{kec:02d}" for kab in (71, 1, 2, 50) for kec in range(1, 40)]
    return [c for c in out if c not in known][:30]


def draw(seed: int, kode: str, ids: _Ids | None = None) -> Variant:
    """A random kelurahan variant for desa `kode` (10 digits); ids keeps NIK and No KK
    serials unique across the variants of one period."""
    r = random.Random(seed)
    ids = ids or _Ids()
    kec = kode[:6]
    old = historical_codes(kec)
    rel_style = r.choice(["kata_dukcapil", "kata_dtks", "kode_dukcapil", "kode_dtks"])
    ba_key = r.choices(["no_kk", "nik", "kunci", "nama_rt"], [5, 2, 1.5, 1.5])[0]
    families: list[Family] = []
    names: set[str] = set()
    n_fam = r.randint(4, 9)
    rts = [f"{r.randint(1, 20):03d}" for _ in range(3)]
    for i in range(n_fam):
        fault = r.choice(FAULTS) if r.random() < 0.35 else ""
        # every code-scheme file gets families that show their scheme (a wife, two children)
        shaped = rel_style.startswith("kode") and i < 3
        fam = _family(r, ids, kec, old, fault if not shaped else "", names, shaped)
        for m in fam.members:
            m.rt, m.rw = (rts[i % 3], "002")
        if r.random() < 0.08:
            fam.decision = None  # left out of the berita acara
        elif r.random() < 0.25:
            fam.decision = r.choice(list(REJECT))
        else:
            fam.decision = r.choice(APPROVE)
        families.append(fam)
    unknown: set[str] = set()
    multi = sum(len(f.members) >= 2 for f in families)
    for f in FIELDS:
        if r.random() < 0.22:
            if f in ("hubungan_keluarga", "jenis_kelamin", "rt", "rw") and multi < 4:
                continue  # numbers told apart within families need several families
            unknown.add(f)
    if "nik" in unknown and "no_kk" in unknown and r.random() < 0.5:
        unknown.discard("no_kk")
    order = list(FIELDS)
    r.shuffle(order)
    if r.random() < 0.4:  # the usual order, NIK and KK first
        order = [f for f in FIELDS]
    headers = {f: r.choice(UNKNOWN[f] if f in unknown else KNOWN[f]) for f in FIELDS}
    if rel_style == "kode_dukcapil" and "hubungan_keluarga" not in unknown and r.random() < 0.3:
        headers["hubungan_keluarga"] = "SHDK (KODE DUKCAPIL)"
        unknown.add("hubungan_keluarga")  # not an alias: read by its values, declared
    if rel_style.startswith("kode") and "hubungan_keluarga" in unknown:
        # codes under an unknown header are told by families opening with their head ('1'):
        # a file listing most heads last is a file problem (README), not drawn here
        for fam in families:
            fam.members.sort(key=lambda m: m.hub != "KEPALA KELUARGA")
    ba = r.choices(["xlsx", "csv", "scan", "none", "no_decision"], [10, 4, 0.8, 0.5, 0.5])[0]
    layout = r.choices(["plain", "double_nik", "merged", "two_row"], [10, 1, 1, 1])[0]
    if layout != "plain":  # NIK and NO KK side by side, named by known headers
        order = [f for f in order if f not in ("nik", "no_kk")]
        at = r.randrange(len(order) + 1)
        order[at:at] = ["nik", "no_kk"]
        unknown -= {"nik", "no_kk"}
        headers["nik"], headers["no_kk"] = r.choice(KNOWN["nik"]), r.choice(KNOWN["no_kk"])
    return Variant(
        kode=kode,
        families=families,
        fmt=r.choice(["xlsx", "xlsx", "csv;", "csv,"]),
        headers=headers,
        unknown=unknown,
        order=order,
        numbered=r.random() < 0.7,
        layout=layout,
        title_rows=r.randint(0, 3),
        date_style=r.choice(["cell", "serial", "dmy-", "dmy/", "iso", "long", "short"]),
        sex_style=r.choice(["LP", "word", "code", "pria"]),
        rel_style=rel_style,
        ba=ba,
        ba_key=ba_key,
        ba_decision_header=r.choice(DECISION_UNKNOWN if r.random() < 0.3 else DECISION_KNOWN),
        ba_key_header={
            "no_kk": r.choice(["NO KK", "No. KK", "NOMOR KK"]),
            "nik": r.choice(["NIK KEPALA KELUARGA", "NIK KK", "NIK"]),
            "kunci": r.choice(["NOMOR", "IDENTITAS KELUARGA"]),
            "nama_rt": "",
        }[ba_key],
        seed=seed,
    )


def _born(r: random.Random, age_min: float, age_max: float) -> dt.date:
    days = int(r.uniform(age_min, age_max) * 365.25)
    return TODAY - dt.timedelta(days=max(days, 30))


def _age(born: dt.date) -> int:
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


def _unique_name(r: random.Random, first: list[str], names: set[str]) -> str:
    while True:
        name = f"{r.choice(first)} {r.choice(N.SECOND)}".upper()
        if name not in names:
            names.add(name)
            return name


def _family(
    r: random.Random,
    ids: _Ids,
    kec: str,
    old: list[str],
    fault: str,
    names: set[str],
    shaped: bool,
) -> Family:
    region = lambda: r.choice(old) if fault == "old_nik" and r.random() < 0.6 else kec  # noqa: E731
    kk_region = r.choice(old) if fault == "old_nik" and r.random() < 0.3 else kec
    kk = ids.no_kk(kk_region, r)

    days: set[tuple[int, int]] = set()  # (month, day): NIKs of one family differ by more
    prefixes: list[str] = []

    def person(born: dt.date, sex: str, hub: str, kawin: str) -> Person:
        reg = region()

        # no twins, no namesakes born the same day in one kecamatan: their consecutive NIKs
        # are rightly held for review (perlu_verifikasi), which is not what is tested here
        def close(b: dt.date) -> bool:  # a NIK one digit from a family member's
            mine = _Ids.prefix(reg, b, sex)
            return any(sum(x != y for x, y in zip(mine, o, strict=True)) <= 1 for o in prefixes)

        while (born.month, born.day) in days or ids.taken(reg, born, sex) or close(born):
            born -= dt.timedelta(days=3)
        days.add((born.month, born.day))
        prefixes.append(_Ids.prefix(reg, born, sex))
        first = N.MALE if sex == "L" else N.FEMALE
        p = Person(
            ids.nik(reg, born, sex), kk, _unique_name(r, first, names), born, sex, hub, kawin
        )
        if reg != kec:
            p.needles.append("mungkin NIK lama sebelum pemekaran")
        if kk_region != kec:
            p.needles.append("mungkin NO KK lama sebelum pemekaran")
        return p

    members: list[Person] = []
    if fault == "head_young":  # orphaned siblings: the eldest, 16 or 17, heads the family
        head = person(_born(r, 16.1, 17.9), r.choice("LP"), "KEPALA KELUARGA", "BELUM KAWIN")
        head.needles.append("kepala keluarga berumur di bawah 18 tahun")
        members.append(head)
        for _ in range(r.randint(1, 3)):
            members.append(person(_born(r, 3, 15), r.choice("LP"), "FAMILI LAIN", "BELUM KAWIN"))
        return Family(members, None, fault)
    female_head = not shaped and r.random() < 0.15
    head_age = r.uniform(28, 68)
    head = person(_born(r, head_age, head_age), "P" if female_head else "L", "KEPALA KELUARGA",
                  "CERAI MATI" if female_head else "KAWIN")  # fmt: skip
    members.append(head)
    youngest_parent = head_age
    if not female_head:
        wife_age = head_age - r.uniform(0, 8) if fault != "spouse_young" else r.uniform(13.2, 14.8)
        wife = person(_born(r, wife_age, wife_age), "P", "ISTRI", "KAWIN")
        if fault == "spouse_young":
            wife.expected, wife.needles = (
                Outcome.DITOLAK_VALIDASI,
                ["ISTRI/SUAMI berumur di bawah 15"],
            )
        members.append(wife)
        youngest_parent = min(head_age, wife_age)
    kids = 0 if fault == "spouse_young" else (r.randint(2, 4) if shaped else r.randint(0, 4))
    room = youngest_parent - 18
    for k in range(kids):
        if room < 1:
            break
        age = r.uniform(0.5, min(room, 11.5 if shaped and k == 0 else room))
        members.append(person(_born(r, age, age), r.choice("LP"), "ANAK", "BELUM KAWIN"))
    if r.random() < 0.15 and head_age < 55 and not shaped:
        age = head_age + r.uniform(20, 30)
        members.append(person(_born(r, age, age), r.choice("LP"), "ORANG TUA", "CERAI MATI"))
    fam = Family(members, None, fault)
    _plant(fam, r)
    if len(members) > 1 and r.random() < 0.1:  # the head listed last or amid the family
        at = r.randrange(1, len(members))
        members.insert(at + 1, members.pop(0))
    return fam


def _plant(fam: Family, r: random.Random) -> None:
    head = fam.head
    others = [m for m in fam.members if m is not head]
    if fam.fault == "head_future":
        head.shown_lahir = TODAY + dt.timedelta(days=r.randint(20, 400))
        head.expected, head.needles = (
            Outcome.DITOLAK_VALIDASI,
            ["TANGGAL LAHIR berada di masa depan"],
        )
        for m in others:
            m.expected, m.needles = Outcome.DITOLAK_VALIDASI, ["Kepala keluarga {head_row} ditolak"]
    elif fam.fault == "head_kk_typo" and others:
        pos = r.randrange(12, 16)
        digit = r.choice([d for d in "0123456789" if d != head.no_kk[pos]])
        head.shown_kk = head.no_kk[:pos] + digit + head.no_kk[pos + 1 :]
        head.expected = Outcome.DITOLAK_VALIDASI
        head.needles = ["NO KK kepala keluarga berbeda 1 digit"]
        for m in others:
            m.expected, m.needles = Outcome.DITOLAK_VALIDASI, ["Kepala keluarga {head_row} ditolak"]
    elif fam.fault == "child_married":
        kids = [m for m in others if m.hub == "ANAK" and _age(m.lahir) < 14]
        if kids:
            kids[0].kawin = "KAWIN"
            kids[0].expected = Outcome.DITOLAK_VALIDASI
            kids[0].needles = ["STATUS KAWIN menyatakan pernah kawin"]
    elif fam.fault == "born_1899" and others:
        m = others[-1]
        m.lahir = dt.date(1899, r.randint(1, 12), r.randint(1, 28))
        m.nik = (
            m.nik[:6] + f"{m.lahir.day + (40 if m.jk == 'P' else 0):02d}{m.lahir:%m}99" + m.nik[12:]
        )
        m.expected, m.needles = Outcome.DITOLAK_VALIDASI, ["sebelum tahun 1900"]


# ------------------------------------------------------------------ rendering


def _date(v: dt.date, style: str, fmt: str) -> Any:
    if v.year < 1900:  # Excel keeps such a date as the text typed
        return f"{v.day:02d}-{v.month:02d}-{v.year}"
    if style == "cell":
        return v if fmt == "xlsx" else v.strftime("%d-%m-%Y")
    if style == "serial":  # a date cell saved to CSV comes out as its serial number
        return (v - EPOCH).days if fmt == "xlsx" else str((v - EPOCH).days)
    return {
        "dmy-": f"{v.day:02d}-{v.month:02d}-{v.year}",
        "dmy/": f"{v.day:02d}/{v.month:02d}/{v.year}",
        "iso": v.isoformat(),
        "long": long_date(v),
        "short": f"{v.day:02d} {BULAN_SINGKAT[v.month - 1]} {v.year}",
    }[style]


def _sex(v: str, style: str) -> Any:
    return {
        "LP": v,
        "word": {"L": "LAKI-LAKI", "P": "Perempuan"}[v],
        "code": {"L": 1, "P": 2}[v],
        "pria": {"L": "Pria", "P": "Wanita"}[v],
    }[style]


def _rel(p: Person, style: str) -> Any:
    words_dukcapil, words_dtks, code_dukcapil, code_dtks = REL[p.hub]
    return {
        "kata_dukcapil": words_dukcapil,
        "kata_dtks": words_dtks,
        "kode_dukcapil": code_dukcapil,
        "kode_dtks": code_dtks,
    }[style]


def read_as(p: Person, style: str) -> str:
    """The relationship a row must read as under the file's vocabulary."""
    scheme = "dtks" if style.endswith("dtks") else "dukcapil"
    return READ_AS[scheme].get(p.hub, p.hub)


def _cells(p: Person, v: Variant) -> dict[str, Any]:
    r = random.Random(f"{v.seed}-{p.nik}")
    nik, kk = p.nik, p.shown_kk or p.no_kk
    if v.fmt.startswith("csv") and r.random() < 0.2:
        nik = "'" + nik
    if r.random() < 0.1:
        kk = " ".join(kk[i : i + 4] for i in range(0, 16, 4))
    return {
        "nik": nik,
        "no_kk": kk,
        "nama": p.nama if r.random() < 0.8 else p.nama.title(),
        "tempat_lahir": p.tempat,
        "tanggal_lahir": _date(p.shown_lahir or p.lahir, v.date_style, v.fmt),
        "jenis_kelamin": _sex(p.jk, v.sex_style),
        "hubungan_keluarga": _rel(p, v.rel_style),
        "nama_ibu_kandung": p.ibu,
        "status_kawin": p.kawin,
        "pekerjaan": p.kerja,
        "alamat": p.alamat,
        "rt": p.rt if r.random() < 0.5 else int(p.rt),
        "rw": p.rw,
    }


def render(v: Variant, folder: Path, period_dir: Path) -> list[dict]:
    """Write the variant's files into folder; return the truth of every prelist row."""
    folder.mkdir(parents=True, exist_ok=True)
    rel = lambda p: p.relative_to(period_dir).as_posix()  # noqa: E731
    header = (["NO"] if v.numbered else []) + [v.headers[f] for f in v.order]
    lead = 1 if v.numbered else 0
    at = lead + v.order.index("nik")
    sub: list[Any] | None = None
    if v.layout == "merged":  # one header cell merged over both columns
        header[at : at + 2] = [f"{v.headers['nik']} / {v.headers['no_kk']}", None]
    elif v.layout == "two_row":  # a group label above, the names below, the rest merged down
        sub = [None] * len(header)
        sub[at : at + 2] = header[at : at + 2]
        header[at : at + 2] = ["IDENTITAS", None]
    elif v.layout == "double_nik":  # an empty NIK column left of the real one
        header.insert(at, v.headers["nik"])
    titles = [
        ["DAFTAR USULAN PRELIST AKHIR DTKS"],
        [f"KELURAHAN : {wilayah.load().name(v.kode).upper()}"],
        ["Keadaan bulan ini"],
    ][: v.title_rows]
    body: list[tuple[Person, list[Any]]] = []
    n = 0
    for fam in v.families:
        for p in fam.members:
            n += 1
            cells = _cells(p, v)
            row = ([n] if v.numbered else []) + [cells[f] for f in v.order]
            if v.layout == "double_nik":
                row.insert(at, None)
            body.append((p, row))
    truth: list[dict] = []
    rows_at: dict[int, int] = {}
    if v.fmt == "xlsx":
        path = folder / "usulan.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.title = "DATA"
        for t in titles:
            ws.append(t)
        ws.append(header)
        if sub:
            ws.append(sub)
        for p, row in body:
            ws.append(row)
            rows_at[id(p)] = ws.max_row
        ws.append([])
        ws.append([None, None, "Mengetahui, Lurah"])
        wb.save(path)
        sheet = "DATA"
    else:
        path = folder / "usulan.csv"
        delim, enc = (";", "cp1252") if v.fmt == "csv;" else (",", "utf-8-sig")
        with path.open("w", newline="", encoding=enc) as fh:
            w = csv.writer(fh, delimiter=delim)
            line = 0
            for t in [*titles, header, *([sub] if sub else [])]:
                w.writerow(["" if c is None else c for c in t])
                line += 1
            for p, row in body:
                w.writerow(["" if c is None else c for c in row])
                line += 1
                rows_at[id(p)] = line
        sheet = ""
    musy = _musyawarah_outcomes(v)
    for fam in v.families:
        head_row = rows_at[id(fam.head)]
        for p in fam.members:
            expected, needles = p.expected, list(p.needles)
            if expected == Outcome.USULAN_BARU and musy[id(fam)]:
                expected = Outcome.DITOLAK_MUSYAWARAH
                needles = [*needles, musy[id(fam)]]
            truth.append(
                {
                    "source_file": rel(path),
                    "source_sheet": sheet,
                    "source_row": rows_at[id(p)],
                    "expected_outcome": expected,
                    "needles": [x.replace("{head_row}", f"di baris {head_row}") for x in needles],
                    "nik": p.nik,
                    "no_kk": p.no_kk,
                    "nama": p.nama,
                    "tanggal_lahir": p.lahir,
                    "jenis_kelamin": p.jk,
                    "hubungan_keluarga": read_as(p, v.rel_style),
                    "fault": fam.fault,
                }
            )
    _write_ba(v, folder)
    return truth


def _musyawarah_outcomes(v: Variant) -> dict[int, str]:
    """Per family: '' when approved, else words the ditolak_musyawarah reason contains."""
    out = {}
    for fam in v.families:
        if v.ba == "scan":
            out[id(fam)] = "hanya berupa pindaian"
        elif v.ba == "none":
            out[id(fam)] = "belum mengirim berita acara"
        elif v.ba == "no_decision":
            out[id(fam)] = "tidak dapat dibaca"
        elif fam.decision is None:
            out[id(fam)] = "tidak tercantum dalam berita acara"
        elif fam.decision in REJECT:
            out[id(fam)] = REJECT[fam.decision]
        else:
            out[id(fam)] = ""
    return out


def _write_ba(v: Variant, folder: Path) -> None:
    if v.ba == "none":
        return
    if v.ba == "scan":
        (folder / "BA Musyawarah.pdf").write_bytes(
            b"%PDF-1.4\n% pindaian berita acara " + str(v.seed).encode() + b"\n%%EOF\n"
        )
        return
    key_header = {"nama_rt": "NAMA KEPALA KELUARGA"}.get(v.ba_key, v.ba_key_header)
    header = ["NO", key_header]
    header.append("RT" if v.ba_key == "nama_rt" else "NAMA KEPALA KELUARGA")
    if v.ba != "no_decision":
        header.append(v.ba_decision_header)
    header.append("KETERANGAN")
    rows: list[list[Any]] = []
    fams = [f for f in v.families if f.decision is not None]
    random.Random(v.seed + 1).shuffle(fams)
    for i, fam in enumerate(fams, start=1):
        h = fam.head
        key = {"no_kk": fam.members[-1].no_kk, "nik": h.nik, "nama_rt": h.nama}.get(v.ba_key)
        if v.ba_key == "kunci":
            key = fam.members[-1].no_kk if i % 2 else h.nik
        row = [i, key]
        if v.ba_key == "nama_rt":
            row.append(h.rt)
        else:
            row.append(h.nama.title())
        if v.ba != "no_decision":
            row.append(fam.decision)
        row.append("")
        rows.append(row)
    meta = [
        ["BERITA ACARA MUSYAWARAH KELURAHAN"],
        ["Hari/Tanggal", ":", "Senin, 5 Oktober 2026"],
        ["Tempat", ":", "Aula Kelurahan"],
        [],
    ]
    if v.ba == "csv":
        with (folder / "berita_acara.csv").open("w", newline="", encoding="utf-8-sig") as fh:
            w = csv.writer(fh, delimiter=";")
            for line in [*meta, header, *rows]:
                w.writerow(line)
        return
    wb = Workbook()
    ws = wb.active
    ws.title = "BA"
    for line in [*meta, header, *rows]:
        ws.append(line)
    wb.save(folder / "BA Musyawarah.xlsx")


def draw_period(seed: int, count: int, period_dir: Path, kabkota: str = "6271") -> list[dict]:
    """count variants in one period folder, one kelurahan each; the truth of every row."""
    desa = wilayah.load().desa_in(kabkota)
    r = random.Random(seed)
    picked = r.sample(desa, min(count, len(desa)))
    truth: list[dict] = []
    ids = _Ids()
    for i, kode in enumerate(picked):
        v = draw(seed * 1000 + i, kode, ids)
        folder = period_dir / f"{wilayah.dotted(kode)} {wilayah.load().name(kode)}"
        for t in render(v, folder, period_dir):
            truth.append({**t, "variant": v.seed, "kode": kode})
    return truth


def run_period(seed: int, count: int, root: Path, kabkota: str = "6271"):
    """Draw count variants under root (a data root), read and decide them through the real
    stages against an empty register; returns (truth, outcomes, batch)."""
    import pandas as pd

    from pipelines.finalize import deciding
    from pipelines.finalize.batch import combine
    from pipelines.ingest import discover
    from pipelines.store import open_store

    period_dir = root / "data" / "raw" / "2026-11"
    truth = pd.DataFrame(draw_period(seed, count, period_dir, kabkota))
    folders, problems = discover.kelurahan_folders(period_dir)
    parts = [discover.read_kelurahan(c, p, period_dir) for c, p in folders]
    batch = combine("2026-11", parts, problems)
    with open_store(root / "dtks.duckdb") as store:
        outcomes = deciding.decide(batch, store, kabkota)
    return truth, outcomes, batch


def mismatches(truth, outcomes) -> list[str]:
    """Every way the outcomes differ from the truth: a row missing or extra, a wrong outcome,
    a reason lacking its words, a value read wrong on a row that was not rejected for it."""
    import pandas as pd

    key = ["source_file", "source_sheet", "source_row"]
    m = truth.merge(outcomes, on=key, how="outer", suffixes=("_t", ""), indicator="found")
    out = []
    for r in m.itertuples():
        where = f"{r.source_file} baris {r.source_row}"
        if r.found != "both":
            out.append(f"{where}: {'tidak ada hasil' if r.found == 'left_only' else 'baris lebih'}")
            continue
        why = []
        if r.outcome != r.expected_outcome:
            why.append(f"hasil {r.outcome}, seharusnya {r.expected_outcome}")
        reasons = r.reasons if isinstance(r.reasons, str) else ""
        why += [f"alasan tanpa '{n}'" for n in r.needles if n not in reasons]
        if r.outcome in (Outcome.USULAN_BARU, Outcome.DITOLAK_MUSYAWARAH):
            for c in ("nik", "no_kk", "jenis_kelamin", "hubungan_keluarga"):
                if getattr(r, c) != getattr(r, c + "_t"):
                    why.append(f"{c} {getattr(r, c)!r} != {getattr(r, c + '_t')!r}")
            if str(r.nama).upper() != r.nama_t:
                why.append("nama")
            if pd.Timestamp(r.tanggal_lahir) != pd.Timestamp(r.tanggal_lahir_t):
                why.append("tanggal_lahir")
        if why:
            out.append(f"{where} ({r.fault or 'tanpa kesalahan'}): " + "; ".join(why))
    return out
