"""The register of data requests: intake, lifecycle with roles, due dates, SLA compliance."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from pipelines.errors import DtksError
from pipelines.requests.workdays import add_workdays
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
# working days: seed 000 (letter 7, SP4N-LAPOR 8), seed 001 (data 3 to 14 by complexity)
DEFAULT_SLA = {
    "surat": 7,
    "sp4n_lapor": 8,
    "email": 7,
    "tatap_muka": 1,
    "sederhana": 3,
    "sedang": 7,
    "kompleks": 14,
}
# seed 002: Sekretaris -> Kepala Dinas -> Kepala Bidang -> Kepala Seksi review before approval
DEFAULT_CHAIN = ["Sekretaris", "Kepala Dinas", "Kepala Bidang", "Kepala Seksi"]
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


def political_words(text: str) -> list[str]:
    """Words in a purpose that point to political use."""
    low = text.lower()
    return [w for w in POLITICAL if re.search(rf"\b{re.escape(w)}\b", low)]


def due_date(start: dt.date, kanal: str, kompleksitas: str, settings: dict) -> dt.date:
    """The later of the channel's and the complexity's deadline, in working days."""
    sla = {**DEFAULT_SLA, **settings.get("permintaan", {}).get("sla", {})}
    return add_workdays(start, max(sla[kanal], sla[kompleksitas]))


def _check(value: str, allowed: list[str], label: str) -> str:
    if value not in allowed:
        raise RequestError(f"{label} '{value}' tidak dikenal; pilih: {', '.join(allowed)}.")
    return value


def new(
    store: Store,
    req: NewRequest,
    petugas: str,
    settings: dict,
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
            "INSERT INTO request_event VALUES (?, 'diajukan', ?, 'petugas', ?, ?)",
            [
                nomor,
                petugas,
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
    settings: dict | None = None,
) -> None:
    """Move a request one step; approval needs every role of the chain to have reviewed it."""
    row = store.one("SELECT status, tanda_politik FROM data_request WHERE nomor = ?", [nomor])
    if row is None:
        raise RequestError(f"Permintaan {nomor} tidak ada.")
    current, political = row
    if status not in NEXT[current]:
        raise RequestError(
            f"{nomor} berstatus '{current}'; langkah berikutnya: "
            f"{', '.join(sorted(NEXT[current])) or '(selesai)'}."
        )
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
        chain = (settings or {}).get("permintaan", {}).get("rantai_telaah", DEFAULT_CHAIN)
        done = {
            r[0]
            for r in store.execute(
                "SELECT peran FROM request_event WHERE nomor = ? AND status = 'ditelaah'", [nomor]
            ).fetchall()
        }
        missing = [r for r in chain if r not in done]
        if missing:
            raise RequestError(f"{nomor} belum ditelaah oleh: {', '.join(missing)}.")
    with store.transaction():
        store.run("UPDATE data_request SET status = ? WHERE nomor = ?", [status, nomor])
        store.run(
            "INSERT INTO request_event VALUES (?, ?, ?, ?, ?, ?)",
            [nomor, status, petugas, peran, dt.datetime.now(), catatan or None],
        )


def listing(
    store: Store, status: str | None = None, overdue: bool = False, today: dt.date | None = None
) -> pd.DataFrame:
    """Requests with their due date and whether they are late (no identity numbers)."""
    today = today or dt.date.today()
    df = store.df(
        "SELECT nomor, diajukan_pada, pemohon, instansi, kanal, kategori, jenis_data, status, "
        "batas_waktu, tanda_politik FROM data_request ORDER BY nomor"
    )
    done = store.df(
        "SELECT nomor, max(pada) AS selesai FROM request_event WHERE status IN "
        "('diserahkan', 'ditolak') GROUP BY nomor"
    ).set_index("nomor")["selesai"]
    end = df["nomor"].map(done)
    open_ = ~df["status"].isin(["diserahkan", "ditolak"])
    df["terlambat"] = (open_ & (pd.Timestamp(today) > pd.to_datetime(df["batas_waktu"]))) | (
        ~open_ & (pd.to_datetime(end).dt.normalize() > pd.to_datetime(df["batas_waktu"]))
    )
    if status:
        df = df[df["status"] == status]
    if overdue:
        df = df[df["terlambat"] & open_.loc[df.index]]
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
