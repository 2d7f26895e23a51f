"""The signed manifest of a package: every file with its SHA-256, and a detached signature
(manifest.json.sig); checking a package folder against it, its BAST signature included."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from pipelines import signing
from pipelines.config import Home
from pipelines.files import sha256

HEX64 = re.compile(r"[0-9a-f]{64}")


def write(home: Home, folder: Path, nomor: str, files: dict[str, str]) -> None:
    """manifest.json (number, time, files and digests) and its signature manifest.json.sig."""
    manifest = json.dumps(
        {
            "nomor": nomor,
            "dibuat": dt.datetime.now().isoformat(timespec="seconds"),
            "berkas": files,
        },
        indent=2,
        sort_keys=True,
    ).encode()
    (folder / "manifest.json").write_bytes(manifest)
    (folder / "manifest.json.sig").write_bytes(signing.sign_bytes(home, manifest))


def _read(path: Path) -> tuple[dict | None, list[str]]:
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


def check_folder(home: Home, path: Path, also: str | None = None) -> list[str]:
    """What is wrong with a package folder: signatures, digests, missing or extra files."""
    findings: list[str] = []
    manifest, sig = path / "manifest.json", path / "manifest.json.sig"
    for p in (manifest, sig):
        if not p.is_file() or p.is_symlink():
            return [f"{p.name} tidak ada (atau bukan berkas biasa)."]
    if not signing.verify_bytes(home, manifest.read_bytes(), sig.read_bytes()):
        findings.append("manifest.json diubah (tanda tangan manifest tidak cocok).")
    data, problems = _read(manifest)
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
