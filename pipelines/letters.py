"""Surat Keterangan Terdaftar dalam DTKS: checked, numbered, signed, logged, verifiable.

A person shows KTP and KK; NIK and No KK must belong to the same person in the current
register. Registered: a numbered letter (sequence per year), signed by the Dinas (PAdES),
with a verification code and a QR code. Otherwise: a printout that says why and how to be
proposed, never a letter and never a number.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas

from pipelines import signing, wilayah
from pipelines.config import Home
from pipelines.dates import long_date
from pipelines.errors import ConfigError, DtksError
from pipelines.files import sha256
from pipelines.report.signatories import Signatories
from pipelines.settings import Settings
from pipelines.store import Store
from pipelines.vocabulary import say, use

CODE_RE = re.compile(r"^[A-Z2-7]{10}$")
CHECK_PATH = "/cek"  # the desk's public page that checks a letter (pipelines/web)


class LetterRefused(DtksError):
    "The NIK or No KK is malformed; nothing was looked up."


class RevokeRefused(DtksError):
    "A letter cannot be revoked (unknown number, already revoked, no reason or officer)."


def check_url(settings: Settings) -> str | None:
    """The public page that checks letters: dtks.toml [surat] url_verifikasi + /cek, or None."""
    base = (settings.surat.url_verifikasi or "").strip().rstrip("/")
    if not base:
        return None
    if not re.match(r"^https?://[^\s/]+", base):
        raise ConfigError(
            f"dtks.toml [surat] url_verifikasi '{base}' bukan alamat web (http:// atau https://)."
        )
    return base + CHECK_PATH


def letter_url(settings: Settings, nomor: str, kode: str) -> str | None:
    """The address printed on a letter and in its QR code: the check page, number and code."""
    base = check_url(settings)
    if base is None:
        return None
    return base + "?" + urllib.parse.urlencode({"nomor": nomor, "kode": kode})


@dataclass
class Issued:
    registered: bool
    path: Path
    nomor: str | None = None
    kode: str | None = None
    why: str = ""


def _clean_id(v: str, label: str) -> str:
    digits = re.sub(r"[\s.\-']", "", v or "")
    if not re.fullmatch(r"\d{16}", digits):
        raise LetterRefused(f"{label} harus 16 digit angka; periksa KTP/KK.")
    return digits


def _person(store: Store, nik: str) -> tuple[str, dict | None]:
    """('aktif'|'kk_beda'|'tidak_aktif'|'tidak_ada', current row) for a NIK."""
    rows = store.df("SELECT * FROM dtks_current WHERE nik = ?", [nik])
    if len(rows):
        return "aktif", rows.iloc[0].to_dict()
    old = store.one("SELECT count(*) FROM dtks_person WHERE nik = ?", [nik])[0]
    return ("tidak_aktif" if old else "tidak_ada"), None


def issue(
    store: Store, home: Home, nik: str, no_kk: str, petugas: str, kabkota: str | None
) -> Issued:
    """Check the register and write the letter (or the printout); log every letter."""
    use(home)  # the letter says DTKS or DTSEN as dtks.toml [dinas] istilah chooses
    if not petugas.strip():
        raise LetterRefused("Isi nama petugas: --petugas NAMA.")
    nik, no_kk = _clean_id(nik, "NIK"), _clean_id(no_kk, "NO KK")
    status, person = _person(store, nik)
    if status == "aktif" and person["no_kk"] != no_kk:
        status = "kk_beda"
    who = Signatories.from_settings(home.config, kabkota)
    today = dt.date.today()
    out = home.reports / "surat"
    if status != "aktif":
        why = {
            "kk_beda": "NIK terdaftar di DTKS, tetapi dengan NO KK lain. Perbarui data KK "
            "melalui kelurahan/desa (usulan perbaikan pada musyawarah berikutnya).",
            "tidak_aktif": "NIK pernah terdaftar tetapi tidak ada dalam DTKS yang berlaku.",
            "tidak_ada": "NIK tidak terdaftar dalam DTKS yang berlaku.",
        }[status]
        why = say(why)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = out / "informasi" / f"INFO_{stamp}.pdf"
        _printout(path, who, why, today)
        return Issued(False, path, why=why)
    tahun = today.year
    with store.transaction():
        urut = store.one(
            "SELECT coalesce(max(urut), 0) + 1 FROM letter_log WHERE tahun = ?", [tahun]
        )[0]
        fmt = home.config.surat.nomor
        nomor = fmt.format(urut=urut, tahun=tahun)
        kode = "".join(secrets.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(10))
        path = out / str(tahun) / f"SKT_{tahun}_{urut:04d}.pdf"
        draft = path.with_suffix(".draft.pdf")
        _letter(draft, who, person, nomor, kode, today, home.config, store)
        signing.sign_pdf(home, draft, path, reason=say(f"Surat Keterangan Terdaftar DTKS {nomor}"))
        draft.unlink()
        digest = sha256(path)
        snapshot = store.one("SELECT max(snapshot_id) FROM dtks_snapshot")[0]
        store.run(
            "INSERT INTO letter_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                nomor,
                tahun,
                urut,
                dt.datetime.now(),
                petugas.strip(),
                person["id_dtks"],
                snapshot,
                kode,
                digest,
            ],
        )
    return Issued(True, path, nomor, kode)


def verify(store: Store, home: Home, path: Path) -> tuple[bool, str]:
    """Signature intact, and the file is the very one logged under its number and code."""
    ok, msg = signing.verify_pdf(home, path)
    if not ok:
        return False, msg
    info = _info(path)
    kode = info.get("kode", "")
    row = (
        store.one(
            "SELECT nomor, pdf_sha256, issued_at FROM letter_log WHERE kode_verifikasi = ?", [kode]
        )
        if CODE_RE.match(kode)
        else None
    )
    if row is None:
        return False, "Kode verifikasi tidak ada dalam daftar surat yang diterbitkan."
    if sha256(path) != row[1]:
        return False, f"Berkas berbeda dari surat nomor {row[0]} yang diterbitkan."
    revoked = _revoked(store, row[0])
    if revoked is not None:
        return False, (
            f"Surat nomor {row[0]} telah DICABUT pada {revoked[0]:%d-%m-%Y %H:%M} oleh "
            f"{revoked[1]}: {revoked[2]}"
        )
    return True, f"Surat nomor {row[0]} sah, diterbitkan {row[2]:%d-%m-%Y %H:%M}."


def _revoked(store: Store, nomor: str) -> tuple | None:
    return store.one(
        "SELECT dicabut_pada, petugas, alasan FROM letter_revoke WHERE nomor = ?", [nomor]
    )


def revoke(store: Store, nomor: str, alasan: str, petugas: str) -> dt.datetime:
    """Revoke a letter issued in error, recorded with who, when and why; returns when."""
    nomor, alasan, petugas = nomor.strip(), (alasan or "").strip(), (petugas or "").strip()
    if not petugas:
        raise RevokeRefused("Isi nama petugas: --petugas NAMA.")
    if len(alasan) < 10:
        raise RevokeRefused('Pencabutan surat wajib disertai alasan tertulis: --alasan "..."')
    if store.one("SELECT 1 FROM letter_log WHERE nomor = ?", [nomor]) is None:
        raise RevokeRefused(f"Surat nomor {nomor} tidak ada dalam daftar surat yang diterbitkan.")
    done = _revoked(store, nomor)
    if done is not None:
        raise RevokeRefused(
            f"Surat nomor {nomor} sudah dicabut pada {done[0]:%d-%m-%Y %H:%M} oleh {done[1]}."
        )
    now = dt.datetime.now()
    store.run("INSERT INTO letter_revoke VALUES (?, ?, ?, ?)", [nomor, now, petugas, alasan])
    return now


@dataclass(frozen=True)
class Check:
    """What the public page may say about a letter: status, number, date, a masked name."""

    status: str  # 'sah', 'dicabut' or 'tidak_dikenal'
    nomor: str | None = None
    tanggal: dt.date | None = None
    nama_samar: str | None = None


def check(store: Store, nomor: str, kode: str) -> Check:
    """A letter by number and verification code, for anyone holding it; nothing else shown.

    Both must match one issued letter: a right number with a wrong code is unknown, so the
    page never tells which numbers exist.
    """
    nomor, kode = (nomor or "").strip()[:80], (kode or "").strip().upper()[:20]
    if not nomor or not CODE_RE.match(kode):
        return Check("tidak_dikenal")
    row = store.one(
        "SELECT l.nomor, l.issued_at, l.id_dtks, l.snapshot_id FROM letter_log AS l "
        "WHERE l.nomor = ? AND l.kode_verifikasi = ?",
        [nomor, kode],
    )
    if row is None:
        return Check("tidak_dikenal")
    name = store.one(
        "SELECT nama FROM dtks_person WHERE id_dtks = ? AND (? IS NULL OR valid_from <= ?) "
        "ORDER BY valid_from DESC LIMIT 1",
        [row[2], row[3], row[3]],
    )
    status = "dicabut" if _revoked(store, row[0]) else "sah"
    return Check(status, row[0], row[1].date(), mask_name(name[0] if name else ""))


def mask_name(name: str) -> str:
    """'BUDI SANTOSO' -> 'B*** S******': enough to match the letter in hand, no more."""
    return " ".join(w[0] + "*" * (len(w) - 1) for w in str(name).split()) or "-"


def _info(path: Path) -> dict[str, str]:
    """Number and code from the PDF's keywords (set when the letter is drawn)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    with path.open("rb") as fh:
        reader = PdfFileReader(fh, strict=False)
        keywords = str(reader.trailer["/Info"].get("/Keywords", ""))
    return dict(part.split("=", 1) for part in keywords.split(";") if "=" in part)


def _header(c: canvas.Canvas, who: Signatories, kop: list[str]) -> float:
    w, h = A4
    lines = kop or [
        f"PEMERINTAH {who.dinas.upper().replace('DINAS SOSIAL ', '')}",
        who.dinas.upper(),
    ]
    y = h - 2 * cm
    for i, line in enumerate(lines):
        c.setFont("Helvetica-Bold" if i < 2 else "Helvetica", 13 if i < 2 else 9)
        c.drawCentredString(w / 2, y, line)
        y -= 16 if i < 2 else 12
    c.setLineWidth(1.5)
    c.line(2 * cm, y, w - 2 * cm, y)
    return y - 1 * cm


def _letter(
    path: Path,
    who: Signatories,
    p: dict,
    nomor: str,
    kode: str,
    today: dt.date,
    settings: Settings,
    store: Store,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    w, _ = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(say(f"Surat Keterangan Terdaftar DTKS {nomor}"))
    c.setAuthor(who.dinas)
    c.setKeywords(f"nomor={nomor};kode={kode}")
    y = _header(c, who, settings.surat.kop)
    c.setFont("Helvetica-Bold", 12)
    c.drawCentredString(w / 2, y, "SURAT KETERANGAN TERDAFTAR")
    c.drawCentredString(w / 2, y - 15, say("DALAM DATA TERPADU KESEJAHTERAAN SOSIAL (DTKS)"))
    c.setFont("Helvetica", 10)
    c.drawCentredString(w / 2, y - 30, f"Nomor: {nomor}")
    y -= 60
    c.drawString(
        2.5 * cm, y, f"Yang bertanda tangan di bawah ini, Kepala {who.dinas}, menerangkan bahwa:"
    )
    born = p["tanggal_lahir"]
    born_txt = long_date(born) if born is not None else "-"
    w_ = wilayah.load()
    rows = [
        ("Nama", p["nama"]),
        ("NIK", p["nik"]),
        ("Nomor KK", p["no_kk"]),
        ("Tempat/Tgl. Lahir", f"{p['tempat_lahir'] or '-'}, {born_txt}"),
        ("Alamat", f"{p['alamat'] or '-'} RT {p['rt'] or '-'} RW {p['rw'] or '-'}"),
        ("Kelurahan/Desa", w_.name(p["kode_wilayah"] or "")),
        ("Kecamatan", w_.name((p["kode_wilayah"] or "")[:6])),
    ]
    if settings.surat.tampilkan_desil:
        rows.append(("Desil (DTSEN)", desil_text(store, p["no_kk"])))
    y -= 22
    for label, value in rows:
        c.drawString(3 * cm, y, label)
        c.drawString(7 * cm, y, f": {value}")
        y -= 16
    y -= 8
    text = c.beginText(2.5 * cm, y)
    text.setFont("Helvetica", 10)
    text.setLeading(15)
    for line in [
        "adalah benar terdaftar dalam Data Terpadu Kesejahteraan Sosial (DTKS) yang",
        f"dikelola {who.dinas} berdasarkan data DTKS yang berlaku pada tanggal",
        "surat ini diterbitkan.",
        "",
        "Demikian surat keterangan ini dibuat untuk dipergunakan sebagaimana mestinya.",
    ]:
        text.textLine(say(line))
    c.drawText(text)
    y -= 100
    c.drawString(12 * cm, y, f"{who.kota}, {long_date(today)}")
    c.drawString(12 * cm, y - 14, f"Kepala {who.dinas}")
    c.setFont("Helvetica-Oblique", 8)
    c.drawString(12 * cm, y - 40, "Ditandatangani secara elektronik")
    c.setFont("Helvetica", 10)
    c.drawString(12 * cm, y - 70, who.kepala_dinas or "(.................................)")
    c.drawString(12 * cm, y - 84, f"NIP. {who.nip_kepala_dinas}")
    url = letter_url(settings, nomor, kode)
    if url is not None:  # the reader scans it, or types the address, number and code
        qr = QrCodeWidget(url)
        b = qr.getBounds()
        d = Drawing(
            3.2 * cm,
            3.2 * cm,
            transform=[3.2 * cm / (b[2] - b[0]), 0, 0, 3.2 * cm / (b[3] - b[1]), 0, 0],
        )
        d.add(qr)
        renderPDF.draw(d, c, 2.5 * cm, y - 90)
    c.setFont("Helvetica", 8)
    c.drawString(2.5 * cm, y - 100, f"Kode verifikasi: {kode}")
    if url is not None:
        c.drawString(
            2.5 * cm, y - 111, "Periksa keaslian surat ini: pindai kode QR atau buka alamat"
        )
        c.drawString(2.5 * cm, y - 122, f"{check_url(settings)} lalu isi nomor surat dan kode")
        c.drawString(2.5 * cm, y - 133, "verifikasi di atas.")
    else:
        c.drawString(
            2.5 * cm,
            y - 111,
            f"Keaslian surat ini dapat ditanyakan ke {who.dinas} dengan menyebut",
        )
        c.drawString(2.5 * cm, y - 122, "nomor surat dan kode verifikasi di atas.")
    c.showPage()
    c.save()


def desil_text(store: Store, no_kk: str) -> str:
    """'Desil nasional 3 (data DTSEN 01-10-2026)', or why there is none."""
    version = store.one("SELECT version_id, tanggal FROM dtsen_version ORDER BY 1 DESC LIMIT 1")
    if version is None:
        return "belum ada data DTSEN di Dinas"
    row = store.one("SELECT desil_nasional FROM dtsen_current WHERE no_kk = ?", [no_kk])
    when = f"data DTSEN {version[1]:%d-%m-%Y}"
    if row is None or row[0] is None:
        return f"keluarga tidak ada dalam {when}"
    return f"desil nasional {row[0]} ({when})"


def _printout(path: Path, who: Signatories, why: str, today: dt.date) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    w, _ = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle(say("Informasi pemeriksaan DTKS (bukan surat keterangan)"))
    y = _header(c, who, [])
    c.setFont("Helvetica-Bold", 12)
    c.drawCentredString(w / 2, y, say("INFORMASI HASIL PEMERIKSAAN DTKS"))
    c.setFont("Helvetica", 9)
    c.drawCentredString(w / 2, y - 14, "(bukan surat keterangan)")
    text = c.beginText(2.5 * cm, y - 45)
    text.setFont("Helvetica", 10)
    text.setLeading(15)
    for line in [
        f"Tanggal pemeriksaan: {long_date(today)}",
        "",
        "Hasil:",
        *_wrap(why, 90),
        "",
        "Cara diusulkan masuk DTKS:",
        "1. Datang ke kantor kelurahan/desa tempat tinggal dengan membawa KTP dan KK.",
        "2. Minta didaftarkan dalam usulan (prelist) DTKS kelurahan/desa.",
        "3. Usulan dibahas dalam musyawarah kelurahan/desa, lalu dikirim ke Dinas Sosial",
        "   untuk diverifikasi dan diteruskan ke Kementerian Sosial.",
        "Layanan ini tidak dipungut biaya.",
    ]:
        text.textLine(say(line))
    c.drawText(text)
    c.showPage()
    c.save()


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines
