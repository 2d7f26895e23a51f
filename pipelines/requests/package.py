"""The handover package of a data request: data, metadata, signed BAST, signed manifest.

reports/permintaan/REQ-YYYY-NNNN/ holds data.xlsx (sheets Data and Metadata), data.csv,
BAST_REQ-YYYY-NNNN.pdf (PAdES-signed by the Dinas), manifest.json (every file with its
SHA-256) and manifest.json.sig (a detached signature of the manifest); a zip of the folder
sits beside it. `verify` names every file that was changed, added or removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pipelines import signing, xlsx
from pipelines.config import Home
from pipelines.report.finalisation import BULAN, Signatories
from pipelines.requests import catalogue, register
from pipelines.requests.disclosure import MIN_THRESHOLD, protect
from pipelines.sanitize import frame_to_csv
from pipelines.store import Store

TERMS = [
    "Data digunakan hanya untuk tujuan yang tercantum dalam berita acara ini (untuk penelitian: "
    "hanya untuk penelitian tersebut) dan tidak untuk kepentingan politik.",
    "Penerima tidak akan mencoba mengenali kembali (re-identifikasi) orang atau keluarga dari "
    "data ini, termasuk dengan menggabungkannya dengan data lain.",
    "Penerima tidak akan membagikan, menjual atau menerbitkan ulang data ini kepada pihak lain; "
    "publikasi hanya berupa hasil analisis.",
    "Data dihapus setelah tujuan penggunaan selesai, dan penghapusan diberitahukan kepada Dinas.",
    "Pelanggaran tunduk pada Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data "
    "Pribadi dan peraturan perundang-undangan lain.",
]


class ReleaseRefused(register.RequestError):
    "The release would break a rule (identifying columns, no agreement, wrong status)."


@dataclass
class Package:
    folder: Path
    zip: Path
    files: dict[str, str]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fulfil(store: Store, home: Home, nomor: str, petugas: str, kabkota: str | None) -> Package:
    """Build, sign and record the package of an approved request."""
    req = store.df("SELECT * FROM data_request WHERE nomor = ?", [nomor])
    if req.empty:
        raise ReleaseRefused(f"Permintaan {nomor} tidak ada.")
    r = req.iloc[0]
    if r["status"] not in ("disetujui", "diproses"):
        raise ReleaseRefused(
            f"{nomor} berstatus '{r['status']}'; hanya permintaan yang "
            "disetujui yang dapat diserahkan."
        )
    entry = catalogue.CATALOGUE[r["jenis_data"]]
    settings = home.config.permintaan
    threshold = max(settings.ambang, MIN_THRESHOLD)
    rounding = settings.pembulatan
    if entry.record_level:
        if r["kategori"] != "perencanaan_opd" or not r["nomor_pks"]:
            raise ReleaseRefused(
                "Data tingkat individu hanya untuk perangkat daerah dengan "
                "nomor perjanjian kerja sama (PKS) berbagi data; permintaan "
                "ini tidak memenuhinya."
            )
    table = catalogue.build(store, r["jenis_data"], r["wilayah"] or "", r["tahun_data"] or "")
    if not entry.record_level:
        leaked = catalogue.IDENTIFYING & {str(c).lower() for c in table.columns}
        if leaked:
            raise ReleaseRefused(
                f"Kolom identitas ({', '.join(sorted(leaked))}) tidak boleh dirilis."
            )
    folder = home.reports / "permintaan" / nomor
    scratch = folder.with_name(f".{nomor}.tmp")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        if r["status"] == "disetujui":
            register.advance(store, nomor, "diproses", petugas, "petugas data")
        if entry.record_level:
            data, note = (
                table,
                (
                    f"Data tingkat individu berdasarkan PKS nomor {r['nomor_pks']}; "
                    "tanpa pengendalian pengungkapan."
                ),
            )
            shown = data
        else:
            prot = protect(table, threshold, entry.row_margin, int(rounding) if rounding else None)
            shown = _with_totals(prot)
            note = (
                f"Sel bernilai 1 sampai {threshold - 1} disembunyikan ({prot.primary} sel), "
                f"ditambah {prot.complementary} sel pelengkap agar tidak dapat dihitung dari "
                "jumlah"
                + (f"; angka dibulatkan ke kelipatan {rounding}" if rounding else "")
                + ". Sel tersembunyi ditulis 'x'."
            )
        meta = _metadata(r, entry, note, kabkota)
        _write_data(scratch, shown, meta, entry.record_level)
        files = {p.name: sha256(p) for p in sorted(scratch.iterdir())}
        who = Signatories.from_settings(home.config, kabkota)
        draft = scratch / "bast.draft.pdf"
        _bast(draft, r, entry, note, files, who, len(shown))
        bast = scratch / f"BAST_{nomor}.pdf"
        signing.sign_pdf(home, draft, bast, reason=f"Berita Acara Serah Terima Data {nomor}")
        draft.unlink()
        files[bast.name] = sha256(bast)
        manifest = json.dumps(
            {
                "nomor": nomor,
                "dibuat": dt.datetime.now().isoformat(timespec="seconds"),
                "berkas": files,
            },
            indent=2,
            sort_keys=True,
        ).encode()
        (scratch / "manifest.json").write_bytes(manifest)
        (scratch / "manifest.json.sig").write_bytes(signing.sign_bytes(home, manifest))
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    scratch.rename(folder)
    zpath = folder.with_suffix(".zip")
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.iterdir()):
            z.write(p, f"{nomor}/{p.name}")
    register.advance(
        store, nomor, "diserahkan", petugas, "petugas data", f"Paket {zpath.name} diserahkan"
    )
    return Package(folder, zpath, files)


def _with_totals(prot) -> pd.DataFrame:
    t = prot.table.copy()
    if prot.row_totals is not None:
        t["Jumlah"] = prot.row_totals
    total_row = prot.col_totals.copy()
    if prot.row_totals is not None:
        total_row["Jumlah"] = prot.grand_total
    t.loc["Jumlah"] = total_row
    return t.astype(object).map(lambda v: "x" if pd.isna(v) else int(v))


def _metadata(r, entry, note: str, kabkota) -> list[tuple[str, str]]:
    return [
        ("Nomor permintaan", r["nomor"]),
        ("Judul", entry.judul),
        ("Baris", entry.baris),
        ("Kolom", entry.kolom),
        ("Satuan", entry.satuan),
        ("Wilayah", r["wilayah"] or (kabkota or "seluruh wilayah Dinas")),
        ("Tahun data", r["tahun_data"] or "data berlaku saat penyerahan"),
        ("Sumber", "Data Terpadu Kesejahteraan Sosial (DTKS), salinan lokal Dinas Sosial"),
        ("Pengendalian pengungkapan", note),
        ("Dibuat", dt.date.today().isoformat()),
    ]


def _write_data(folder: Path, shown: pd.DataFrame, meta, record_level: bool) -> None:
    frame = shown.reset_index() if not record_level else shown
    cols = [str(c) for c in frame.columns]
    wb = xlsx.new_workbook()
    xlsx.add_sheet(
        wb,
        "Data",
        cols,
        [c.lower() for c in cols],
        frame.astype(object).where(frame.notna(), None).values.tolist(),
    )
    xlsx.add_sheet(
        wb, "Metadata", ["Keterangan", "Isi"], ["k", "v"], [list(m) for m in meta], widths=[28, 100]
    )
    xlsx.save(wb, folder / "data.xlsx")
    frame_to_csv(frame, folder / "data.csv")


def _bast(
    path: Path, r, entry, note: str, files: dict[str, str], who: Signatories, rows: int
) -> None:
    st = getSampleStyleSheet()
    body = ParagraphStyle("b", parent=st["BodyText"], fontSize=9.5, leading=13)
    small = ParagraphStyle("s", parent=body, fontSize=7.5, leading=9)
    today = dt.date.today()
    story = [
        Paragraph("<b>BERITA ACARA SERAH TERIMA DATA</b>", st["Title"]),
        Paragraph(f"Nomor: {r['nomor']}", st["Heading4"]),
        Paragraph(
            f"Pada hari ini, {today.day} {BULAN[today.month - 1]} {today.year}, "
            f"{who.dinas} (Pihak Pertama) menyerahkan data kepada pemohon (Pihak Kedua) "
            "dengan keterangan sebagai berikut:",
            body,
        ),
        Spacer(1, 6),
    ]
    facts = [
        ("Pemohon", r["pemohon"]),
        ("Instansi", r["instansi"] or "-"),
        ("Identitas", r["identitas_samar"]),
        ("Tujuan", r["tujuan"]),
        ("Kategori", r["kategori"].replace("_", " ")),
        ("Data", entry.judul),
        ("Wilayah / tahun", f"{r['wilayah'] or 'seluruh wilayah'} / {r['tahun_data'] or '-'}"),
        ("Volume", f"{rows} baris tabel; satuan {entry.satuan}"),
        ("Kolom", entry.kolom),
        (
            "Cara pembuatan",
            "Dihitung dari salinan lokal DTKS dengan kueri baku katalog "
            f"'{r['jenis_data']}'. {note}",
        ),
    ]
    if entry.record_level:
        facts.append(("Data tingkat individu", f"YA - berdasarkan PKS nomor {r['nomor_pks']}"))
    t = Table(
        [[Paragraph(f"<b>{k}</b>", body), Paragraph(str(v), body)] for k, v in facts],
        colWidths=[4 * cm, 12.5 * cm],
    )
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [t, Spacer(1, 6), Paragraph("<b>Berkas yang diserahkan</b>", body)]
    ft = Table(
        [[Paragraph("<b>Berkas</b>", small), Paragraph("<b>SHA-256</b>", small)]]
        + [
            [Paragraph(n, small), Paragraph(f"<font face='Courier'>{d}</font>", small)]
            for n, d in files.items()
        ],
        colWidths=[4 * cm, 12.5 * cm],
    )
    ft.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
    story += [ft, Spacer(1, 6), Paragraph("<b>Ketentuan kerahasiaan</b>", body)]
    story += [Paragraph(f"{i}. {term}", body) for i, term in enumerate(TERMS, 1)]
    sign = Table(
        [
            ["Pihak Kedua (Penerima)", "Pihak Pertama"],
            ["", f"Kepala {who.dinas}"],
            ["", ""],
            ["", ""],
            [r["pemohon"], who.kepala_dinas or "(.................................)"],
        ],
        colWidths=[8.25 * cm, 8.25 * cm],
        rowHeights=[14, 14, 24, 24, 14],
    )
    sign.setStyle(
        TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("FONTSIZE", (0, 0), (-1, -1), 9.5)])
    )
    story += [Spacer(1, 12), sign]
    SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=f"BAST Data {r['nomor']}",
        author=who.dinas,
    ).build(story)


# what zipfile raises on a damaged archive: headers, deflate streams, CRCs, odd methods
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    struct.error,
)
MAX_UNZIPPED = 2 * 1024**3  # a package is a few MB; more is not a package
HEX64 = re.compile(r"[0-9a-f]{64}")


def verify(home: Home, path: Path) -> tuple[bool, list[str]]:
    """(all good?, findings) for a package folder or its zip; every problem is a finding."""
    if path.is_dir():
        findings = _verify_folder(home, path)
    else:
        findings = _verify_zip(home, path)
    return not findings, findings or ["Semua berkas utuh; tanda tangan BAST dan manifest sah."]


def _verify_zip(home: Home, path: Path) -> list[str]:
    """A zip must hold exactly one folder, named as the zip, with plain files only."""
    import tempfile

    try:
        z = zipfile.ZipFile(path)
    except ZIP_ERRORS:
        return [f"{path.name} bukan berkas zip yang utuh; minta paket dikirim ulang."]
    with z:
        entries = z.infolist()
        tops = sorted({e.filename.split("/", 1)[0] for e in entries})
        at_root = sorted(e.filename for e in entries if "/" not in e.filename.rstrip("/"))
        if len(tops) != 1 or at_root and at_root != [tops[0]]:
            shown = ", ".join(tops[:5]) + (" ..." if len(tops) > 5 else "")
            return [
                f"{path.name} harus berisi tepat satu folder paket dan tidak ada yang lain; "
                f"isinya: {shown}."
            ]
        folder = tops[0]
        odd = [
            e.filename
            for e in entries
            if e.filename.rstrip("/") != folder
            and (
                e.is_dir()
                or e.filename.count("/") != 1
                or ".." in e.filename.split("/")
                or (e.external_attr >> 16) & 0o170000 == 0o120000  # a symbolic link
            )
        ]
        if odd:
            return [
                f"{path.name}: isi yang bukan berkas paket biasa: {', '.join(sorted(odd)[:5])}."
            ]
        if sum(e.file_size for e in entries) > MAX_UNZIPPED:
            return [f"{path.name} terlalu besar setelah diekstrak untuk sebuah paket data."]
        findings = []
        if folder != path.stem:
            findings.append(
                f"Folder di dalam zip ({folder}) tidak sama dengan nama zip ({path.stem})."
            )
        with tempfile.TemporaryDirectory() as d:
            try:
                z.extractall(d)
            except ZIP_ERRORS as exc:
                return [
                    f"{path.name} rusak: berkas di dalamnya tidak dapat dibuka ({type(exc).__name__})."
                ]
            return findings + _verify_folder(home, Path(d) / folder, also=path.stem)


def _manifest(path: Path) -> tuple[dict | None, list[str]]:
    """The parsed manifest and what is wrong with its shape."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, OSError):
        return None, ["manifest.json tidak dapat dibaca (bukan JSON yang sah)."]
    if not isinstance(data, dict):
        return None, ["manifest.json tidak berisi daftar berkas paket."]
    findings = []
    nomor = data.get("nomor")
    if not isinstance(nomor, str) or not nomor:
        findings.append("manifest.json tidak menyebut nomor permintaan ('nomor').")
    listed = data.get("berkas")
    if not isinstance(listed, dict) or not listed:
        findings.append("manifest.json tidak memuat daftar berkas ('berkas').")
        data["berkas"] = {}
    else:
        for name, digest in list(listed.items()):
            if not isinstance(digest, str) or not HEX64.fullmatch(digest):
                findings.append(f"manifest.json: SHA-256 untuk {name} tidak sah.")
                del listed[name]
            elif Path(name).name != name or name in ("", ".", ".."):
                findings.append(f"manifest.json: nama berkas tidak sah: {name!r}.")
                del listed[name]
    return data, findings


def _verify_folder(home: Home, path: Path, also: str | None = None) -> list[str]:
    findings: list[str] = []
    manifest, sig = path / "manifest.json", path / "manifest.json.sig"
    for p in (manifest, sig):
        if not p.is_file() or p.is_symlink():
            return [f"{p.name} tidak ada (atau bukan berkas biasa)."]
    if not signing.verify_bytes(home, manifest.read_bytes(), sig.read_bytes()):
        findings.append("manifest.json diubah (tanda tangan manifest tidak cocok).")
    data, problems = _manifest(manifest)
    findings += problems
    if data is None:
        return findings
    nomor = data.get("nomor")
    if isinstance(nomor, str) and nomor:
        for name in dict.fromkeys([path.name, *([also] if also else [])]):
            if name != nomor:
                findings.append(
                    f"Paket ini untuk permintaan {nomor} (menurut manifest), bukan {name}."
                )
    listed: dict[str, str] = data["berkas"]
    present = {p.name: p for p in path.iterdir()}
    for name in ("manifest.json", "manifest.json.sig"):
        present.pop(name, None)
    for name, digest in listed.items():
        p = present.get(name)
        if p is None:
            findings.append(f"{name} hilang.")
        elif p.is_symlink() or not p.is_file():
            findings.append(f"{name} bukan berkas biasa (folder atau tautan).")
        elif sha256(p) != digest:
            findings.append(f"{name} diubah (SHA-256 berbeda).")
    findings += [f"{n} tidak tercantum di manifest." for n in sorted(set(present) - set(listed))]
    for name in [n for n in listed if n.startswith("BAST_")]:
        p = present.get(name)
        if p is not None and p.is_file() and not p.is_symlink():
            ok, msg = signing.verify_pdf(home, p)
            if not ok:
                findings.append(f"{name}: {msg}")
    return findings
