"""The register of data requests: intake, lifecycle with roles, due dates, SLA compliance."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from pipelines.errors import DtksError
from pipelines.requests.workdays import add_workdays
from pipelines.settings import SLA, Permintaan, Settings
from pipelines.signing import hash_identity
from pipelines.store import Store

CHANNELS = ["tatap_muka", "surat", "sp4n_lapor", "email"]
CATEGORIES = [
    "penelitian_akademik",
    "pembangunan_kesejahteraan_sosial",
    "perencanaan_opd",
    "lainnya",
]
COMPLEXITY = ["sederhana", "sedang", "kompleks"]
DEFAULT_SLA = SLA  # working days per channel and complexity (dtks.toml [permintaan.sla])
# the review chain of Kabupaten Sekadau (docs/domain.md, Data-use requests): Sekretaris ->
# Kepala Dinas -> Kepala Bidang -> Kepala Seksi review before approval,
# signed by the Kepala Dinas. dtks.toml [permintaan] rantai_telaah / penyetuju override them.
DEFAULT_CHAIN = Permintaan().rantai_telaah
DEFAULT_APPROVERS = Permintaan().penyetuju
OFFICER = "Petugas Data"  # who prepares and hands over (dtks request fulfil)
NEXT = {
    "diajukan": {"ditelaah", "ditolak"},
    "ditelaah": {"ditelaah", "disetujui", "ditolak"},
    "disetujui": {"diproses"},
    "diproses": {"diserahkan"},
    "ditolak": set(),
    "diserahkan": set(),
}
POLITICAL = [
    "kampanye",
    "pilkada",
    "pemilu",
    "pileg",
    "pilpres",
    "partai",
    "caleg",
    "calon legislatif",
    "calon kepala daerah",
    "tim sukses",
    "timses",
    "relawan paslon",
    "paslon",
    "elektabilitas",
    "konstituen",
    "suara pemilih",
    "dapil",
]
RULE = (
    "Sesuai standar layanan Dinas Sosial (data hanya untuk pembangunan kesejahteraan sosial "
    "atau penelitian akademik, tidak untuk kepentingan politik) dan UU 27/2022 tentang "
    "Pelindungan Data Pribadi"
)


LEGACY_SALT = b"dtks-permintaan"  # the public default of earlier versions: refused


class RequestError(DtksError):
    "A request step is not allowed (unknown request, wrong order, missing reason)."


@dataclass
class NewRequest:
    pemohon: str
    identitas: str
    kanal: str
    tujuan: str
    kategori: str
    jenis_data: str
    instansi: str = ""
    kontak: str = ""
    wilayah: str = ""
    tahun_data: str = ""
    kompleksitas: str = "sedang"
    nomor_pks: str = ""


@dataclass
class Roles:
    """The roles that may take each step of a request, from dtks.toml or the default chain."""

    chain: list[str]  # every one of them reviews (ditelaah) before approval
    approvers: list[str]  # may approve (disetujui)
    officers: list[str]  # prepare and hand over (diproses, diserahkan), record a PKS

    @classmethod
    def from_settings(cls, settings: Settings | None) -> Roles:
        """The roles of dtks.toml [permintaan] (the default chain when not set)."""
        cfg = (settings or Settings()).permintaan
        return cls(
            chain=list(cfg.rantai_telaah),
            approvers=list(cfg.penyetuju),
            officers=[OFFICER, *[r for r in cfg.petugas_data if _fold(r) != _fold(OFFICER)]],
        )

    def allowed(self, status: str) -> list[str]:
        """The roles that may record this step."""
        if status == "ditelaah":
            return self.chain
        if status == "disetujui":
            return self.approvers
        if status == "ditolak":
            return _unique([*self.chain, *self.approvers])
        return self.officers

    def match(self, peran: str, status: str) -> str:
        """The configured spelling of a role, matched case- and space-insensitively; an
        unknown role, or one that may not take this step, is refused with the list."""
        allowed = self.allowed(status)
        for role in allowed:
            if _fold(role) == _fold(peran):
                return role
        known = _unique([*self.chain, *self.approvers, *self.officers])
        if any(_fold(r) == _fold(peran) for r in known):
            raise RequestError(
                f"Peran '{peran}' tidak berwenang untuk langkah '{status}'; yang berwenang: "
                f"{', '.join(allowed)} (dtks.toml [permintaan] rantai_telaah / penyetuju)."
            )
        raise RequestError(
            f"Peran '{peran}' tidak dikenal. Peran yang dikenal: {', '.join(known)}; untuk "
            f"langkah '{status}': {', '.join(allowed)} (dtks.toml [permintaan] rantai_telaah / "
            "penyetuju)."
        )


def _fold(role: str) -> str:
    return " ".join(str(role).casefold().split())


def _unique(roles: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for r in roles:
        if _fold(r) not in seen:
            seen.add(_fold(r))
            out.append(r)
    return out


def political_words(text: str) -> list[str]:
    """Words in a purpose that point to political use."""
    low = text.lower()
    return [w for w in POLITICAL if re.search(rf"\b{re.escape(w)}\b", low)]


def due_date(start: dt.date, kanal: str, kompleksitas: str, settings: Settings) -> dt.date:
    """The later of the channel's and the complexity's deadline, in working days."""
    sla = {**DEFAULT_SLA, **settings.permintaan.sla}
    return add_workdays(start, max(sla[kanal], sla[kompleksitas]))


def _check(value: str, allowed: list[str], label: str) -> str:
    if value not in allowed:
        raise RequestError(f"{label} '{value}' tidak dikenal; pilih: {', '.join(allowed)}.")
    return value


def new(
    store: Store,
    req: NewRequest,
    petugas: str,
    settings: Settings,
    today: dt.date | None = None,
    salt: bytes | None = None,
) -> tuple[str, dt.date, list[str]]:
    """Record a request; returns its number, due date and any political words found.

    salt: the installation's secret (signing.identity_salt); the identity number is stored
    masked and as a keyed hash only, never with no salt or the old public default.
    """
    from pipelines.requests.catalogue import CATALOGUE

    today = today or dt.date.today()
    _check(req.kanal, CHANNELS, "Kanal")
    _check(req.kategori, CATEGORIES, "Kategori")
    _check(req.kompleksitas, COMPLEXITY, "Kompleksitas")
    _check(req.jenis_data, list(CATALOGUE), "Jenis data")
    digits = re.sub(r"\D", "", req.identitas)
    if len(digits) < 6:
        raise RequestError("Nomor identitas (KTP/SIM) pemohon wajib diisi.")
    if not salt or salt == LEGACY_SALT:
        raise RequestError(
            "Garam rahasia instalasi belum ada; nomor identitas tidak di-hash dengan garam "
            "bawaan yang diketahui umum. Jalankan: dtks keys init"
        )
    words = political_words(req.tujuan)
    due = due_date(today, req.kanal, req.kompleksitas, settings)
    with store.transaction():
        urut = store.one(
            "SELECT coalesce(max(urut), 0) + 1 FROM data_request WHERE tahun = ?", [today.year]
        )[0]
        nomor = f"REQ-{today.year}-{urut:04d}"
        store.run(
            "INSERT INTO data_request VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?)",
            [
                nomor,
                today.year,
                urut,
                today,
                req.pemohon,
                req.instansi or None,
                "*" * (len(digits) - 4) + digits[-4:],
                hash_identity(salt, digits),
                req.kontak or None,
                req.kanal,
                req.tujuan,
                req.kategori,
                req.jenis_data,
                req.wilayah or None,
                req.tahun_data or None,
                req.kompleksitas,
                req.nomor_pks or None,
                due,
                "diajukan",
                ", ".join(words) or None,
            ],
        )
        store.run(
            "INSERT INTO request_event VALUES (?, 'diajukan', ?, ?, ?, ?)",
            [
                nomor,
                petugas,
                OFFICER,
                dt.datetime.now(),
                f"Tanda politik: {', '.join(words)}" if words else None,
            ],
        )
    return nomor, due, words


def advance(
    store: Store,
    nomor: str,
    status: str,
    petugas: str,
    peran: str,
    catatan: str = "",
    settings: Settings | None = None,
) -> None:
    """Move a request one step; approval needs every role of the chain to have reviewed it.

    Roles come from a configured list (Roles) and are refused when unknown or not entitled
    to the step. Record-level data needs a data-sharing agreement (PKS) before approval.
    """
    row = store.one(
        "SELECT status, tanda_politik, jenis_data, kategori, nomor_pks FROM data_request "
        "WHERE nomor = ?",
        [nomor],
    )
    if row is None:
        raise RequestError(f"Permintaan {nomor} tidak ada.")
    current, political, jenis, kategori, pks = row
    if status not in NEXT[current]:
        raise RequestError(
            f"{nomor} berstatus '{current}'; langkah berikutnya: "
            f"{', '.join(sorted(NEXT[current])) or '(selesai)'}."
        )
    roles = Roles.from_settings(settings)
    peran = roles.match(peran, status)
    if status == "ditolak" and len(catatan.strip()) < 20:
        raise RequestError(
            f"Penolakan wajib disertai alasan tertulis yang menyebut dasarnya (mis. '{RULE}')."
        )
    if status == "disetujui":
        if political:
            raise RequestError(
                f"{nomor} ditandai untuk kepentingan politik ({political}); "
                f"tidak dapat disetujui. Tolak dengan alasan: {RULE}."
            )
        done = {
            _fold(r[0])
            for r in store.execute(
                "SELECT peran FROM request_event WHERE nomor = ? AND status = 'ditelaah'", [nomor]
            ).fetchall()
        }
        missing = [r for r in roles.chain if _fold(r) not in done]
        if missing:
            raise RequestError(f"{nomor} belum ditelaah oleh: {', '.join(missing)}.")
        _check_record_level(nomor, jenis, kategori, pks)
    with store.transaction():
        store.run("UPDATE data_request SET status = ? WHERE nomor = ?", [status, nomor])
        store.run(
            "INSERT INTO request_event VALUES (?, ?, ?, ?, ?, ?)",
            [nomor, status, petugas, peran, dt.datetime.now(), catatan or None],
        )


def _check_record_level(nomor: str, jenis: str, kategori: str, pks: str | None) -> None:
    """Record-level data only for a government office under a data-sharing agreement (PKS)."""
    from pipelines.requests.catalogue import CATALOGUE

    entry = CATALOGUE.get(jenis)
    if entry is None or not entry.record_level:
        return
    if kategori != "perencanaan_opd":
        raise RequestError(
            f"{nomor} meminta data tingkat individu ({jenis}), yang hanya untuk perangkat "
            "daerah (kategori perencanaan_opd) dengan PKS berbagi data; tidak dapat disetujui."
        )
    if not (pks or "").strip():
        raise RequestError(
            f"{nomor} meminta data tingkat individu ({jenis}) tanpa nomor perjanjian kerja sama "
            f"(PKS) berbagi data; tidak dapat disetujui. Catat nomornya dulu: dtks request pks "
            f'{nomor} --nomor-pks "..." --petugas NAMA'
        )


def set_pks(store: Store, nomor: str, nomor_pks: str, petugas: str) -> None:
    """Record the data-sharing agreement (PKS) number of a request before it is approved."""
    row = store.one("SELECT status, nomor_pks FROM data_request WHERE nomor = ?", [nomor])
    if row is None:
        raise RequestError(f"Permintaan {nomor} tidak ada.")
    if row[0] not in ("diajukan", "ditelaah"):
        raise RequestError(
            f"{nomor} berstatus '{row[0]}'; nomor PKS hanya dapat dicatat sebelum disetujui."
        )
    if not nomor_pks.strip() or not petugas.strip():
        raise RequestError('Isi --nomor-pks "..." dan --petugas NAMA.')
    note = f"Nomor PKS dicatat: {nomor_pks.strip()}" + (
        f" (menggantikan {row[1]})" if row[1] else ""
    )
    with store.transaction():
        store.run(
            "UPDATE data_request SET nomor_pks = ? WHERE nomor = ?", [nomor_pks.strip(), nomor]
        )
        store.run(
            "INSERT INTO request_event VALUES (?, 'pks_dicatat', ?, ?, ?, ?)",
            [nomor, petugas.strip(), OFFICER, dt.datetime.now(), note],
        )


def listing(
    store: Store, status: str | None = None, overdue: bool = False, today: dt.date | None = None
) -> pd.DataFrame:
    """Requests with their due date, whether they are late and whether they are flagged
    political, each on its own (no identity numbers)."""
    today = today or dt.date.today()
    df = store.df(
        "SELECT r.nomor, r.diajukan_pada, r.pemohon, r.instansi, r.kanal, r.kategori, "
        "r.jenis_data, r.status, r.batas_waktu, r.tanda_politik, "
        "r.tanda_politik IS NOT NULL AS politik, e.selesai, "
        "r.status NOT IN ('diserahkan', 'ditolak') AS terbuka, "
        "CASE WHEN r.status IN ('diserahkan', 'ditolak') "
        "THEN coalesce(CAST(e.selesai AS DATE) > r.batas_waktu, false) "
        "ELSE CAST(? AS DATE) > r.batas_waktu END AS terlambat "
        "FROM data_request AS r LEFT JOIN (SELECT nomor, max(pada) AS selesai "
        "FROM request_event WHERE status IN ('diserahkan', 'ditolak') GROUP BY nomor) AS e "
        "USING (nomor) ORDER BY r.nomor",
        [today],
    )
    if status:
        df = df[df["status"] == status]
    if overdue:
        df = df[df["terlambat"] & df["terbuka"]]
    return df.reset_index(drop=True)


def sla_compliance(store: Store) -> pd.DataFrame:
    """Per month handed over: requests handed over, on time, and the share on time."""
    return store.df(
        "SELECT strftime(e.pada, '%Y-%m') AS bulan, count(*) AS diserahkan, "
        "count(*) FILTER (CAST(e.pada AS DATE) <= r.batas_waktu) AS tepat_waktu, "
        "round(count(*) FILTER (CAST(e.pada AS DATE) <= r.batas_waktu) / count(*), 4) AS porsi "
        "FROM request_event AS e JOIN data_request AS r USING (nomor) "
        "WHERE e.status = 'diserahkan' GROUP BY ALL ORDER BY bulan"
    )
