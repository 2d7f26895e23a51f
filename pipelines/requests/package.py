"""The handover package of a data request: data, metadata, signed BAST, signed manifest.

reports/permintaan/REQ-YYYY-NNNN/ holds data.xlsx (sheets Data and Metadata), data.csv,
BAST_REQ-YYYY-NNNN.pdf (PAdES-signed by the Dinas), manifest.json (every file with its
SHA-256) and manifest.json.sig (a detached signature of the manifest); a zip of the folder
sits beside it. `verify` names every file that was changed, added or removed.

The parts: policy.py (what may be released), contents.py (data files), bast.py (the PDF),
manifest.py (signed manifest, folder check), archive.py (the zip, zip check); this module
builds a package in a scratch folder and moves the request along its states.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines import signing
from pipelines.config import Home
from pipelines.files import replacing, sha256
from pipelines.report.signatories import Signatories
from pipelines.requests import archive, bast, catalogue, contents, manifest, policy, register
from pipelines.store import Store


@dataclass
class Package:
    folder: Path
    zip: Path
    files: dict[str, str]


def fulfil(store: Store, home: Home, nomor: str, petugas: str, kabkota: str | None) -> Package:
    """Build, sign and record the package of an approved request."""
    req = store.df("SELECT * FROM data_request WHERE nomor = ?", [nomor])
    if req.empty:
        raise policy.ReleaseRefused(f"Permintaan {nomor} tidak ada.")
    r = req.iloc[0]
    policy.check_status(r)
    entry = catalogue.CATALOGUE[r["jenis_data"]]
    threshold, rounding = policy.limits(home.config.permintaan)
    policy.check_record_level(r, entry)
    table = catalogue.build(store, r["jenis_data"], r["wilayah"] or "", r["tahun_data"] or "")
    policy.check_columns(table, entry)
    folder = home.reports / "permintaan" / nomor
    with replacing(folder) as scratch:
        if r["status"] == "disetujui":
            register.advance(store, nomor, "diproses", petugas, "petugas data")
        shown, note = policy.released(table, entry, r, threshold, rounding)
        meta = contents.metadata(r, entry, note, kabkota)
        contents.write_data(scratch, shown, meta, entry.record_level)
        files = {p.name: sha256(p) for p in sorted(scratch.iterdir())}
        who = Signatories.from_settings(home.config, kabkota)
        draft = scratch / "bast.draft.pdf"
        bast.write(draft, r, entry, note, files, who, len(shown))
        signed = scratch / f"BAST_{nomor}.pdf"
        signing.sign_pdf(home, draft, signed, reason=f"Berita Acara Serah Terima Data {nomor}")
        draft.unlink()
        files[signed.name] = sha256(signed)
        manifest.write(home, scratch, nomor, files)
    zpath = archive.write(folder, nomor)
    register.advance(
        store, nomor, "diserahkan", petugas, "petugas data", f"Paket {zpath.name} diserahkan"
    )
    return Package(folder, zpath, files)


def verify(home: Home, path: Path) -> tuple[bool, list[str]]:
    """(all good?, findings) for a package folder or its zip; every problem is a finding."""
    if path.is_dir():
        findings = manifest.check_folder(home, path)
    else:
        findings = archive.check(home, path)
    return not findings, findings or ["Semua berkas utuh; tanda tangan BAST dan manifest sah."]
