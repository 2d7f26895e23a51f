"""Verifying letters and handover packages: a real exit code, every tampering a named finding.

Exit codes are checked through the installed `dtks` in a subprocess (an in-process runner
sees the code even when the installed command swallows it); the findings themselves are
checked on `package.verify` directly.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from cli_helpers import dtks

from pipelines import letters, signing
from pipelines.config import Home
from pipelines.requests import register
from pipelines.requests.package import fulfil, verify
from pipelines.settings import Settings
from pipelines.store import open_store


def _request(store, home: Home) -> str:
    req = register.NewRequest(
        pemohon="Ani Lestari",
        identitas="6271014101990001",
        kanal="surat",
        tujuan="Skripsi tentang cakupan bantuan sosial",
        kategori="penelitian_akademik",
        jenis_data="keluarga_per_kelurahan_program",
        instansi="UPR",
    )
    nomor, _, _ = register.new(
        store, req, "Rina", Settings(), today=dt.date(2026, 3, 16), salt=signing.identity_salt(home)
    )
    for role in register.DEFAULT_CHAIN:
        register.advance(store, nomor, "ditelaah", "X", role)
    register.advance(store, nomor, "disetujui", "Y", "Kepala Dinas")
    return nomor


@pytest.fixture(scope="module")
def home(finalized, loaded_home, tmp_path_factory) -> Home:
    h = Home(tmp_path_factory.mktemp("verify") / "root")
    shutil.copytree(loaded_home.root, h.root)
    signing.init_keys(h, "Dinas Sosial Kota Palangka Raya")
    return h


@pytest.fixture(scope="module")
def packages(home):
    """Two fulfilled requests: REQ-2026-0001 and REQ-2026-0002."""
    with open_store(home.store_path) as store:
        return [fulfil(store, home, _request(store, home), "Rina", "6271") for _ in range(2)]


@pytest.fixture(scope="module")
def letter(home) -> Path:
    with open_store(home.store_path) as store:
        nik, kk = store.one("SELECT nik, no_kk FROM dtks_current ORDER BY id_dtks LIMIT 1")
        return letters.issue(store, home, nik, kk, "Rina", "6271").path


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return path


def _entries(folder: Path, prefix: str) -> dict[str, bytes]:
    return {f"{prefix}/{p.name}": p.read_bytes() for p in sorted(folder.iterdir())}


def test_verify_exit_codes_through_the_installed_command(home, packages, tmp_path):
    pkg = packages[0]
    ok = dtks("request", "verify", str(pkg.zip), home=home.root)
    assert ok.returncode == 0 and "SAH." in ok.stdout, ok.stderr
    changed = tmp_path / pkg.folder.name
    shutil.copytree(pkg.folder, changed)
    with (changed / "data.csv").open("ab") as fh:
        fh.write(b"1;2;3\n")
    bad = dtks("request", "verify", str(changed), home=home.root)
    assert bad.returncode == 1, "TIDAK SAH must be a failing exit code"
    assert "TIDAK SAH" in bad.stderr and "data.csv diubah" in bad.stderr
    junk = tmp_path / f"{pkg.folder.name}.zip"
    junk.write_bytes(os.urandom(2000))
    r = dtks("request", "verify", str(junk), home=home.root)
    assert r.returncode == 1 and "bukan berkas zip yang utuh" in r.stderr
    assert "Traceback" not in r.stderr + bad.stderr and "tak terduga" not in r.stderr


def test_another_requests_package_renamed_to_this_number_is_caught(home, packages, tmp_path):
    first, second = packages
    renamed = tmp_path / first.folder.name
    shutil.copytree(second.folder, renamed)
    ok, findings = verify(home, renamed)
    assert not ok
    assert (
        f"Paket ini untuk permintaan {second.folder.name} (menurut manifest), bukan "
        in (findings[0])
    )
    zipped = tmp_path / "z" / first.zip.name
    zipped.parent.mkdir()
    shutil.copy(second.zip, zipped)  # the zip renamed, its folder and manifest unchanged
    ok, findings = verify(home, zipped)
    assert not ok and any("tidak sama dengan nama zip" in f for f in findings)
    assert any(f"bukan {first.folder.name}" in f for f in findings)


def test_a_zip_must_hold_one_package_folder_and_nothing_else(home, packages, tmp_path):
    pkg = packages[0]
    name = pkg.folder.name
    good = _entries(pkg.folder, name)
    for d in "abc":
        (tmp_path / d).mkdir()
    extra_root = _zip(tmp_path / "a" / f"{name}.zip", {**good, "baca-saya.txt": b"x"})
    tampered = {k.replace(f"{name}/", "salinan/"): v for k, v in good.items()}
    tampered["salinan/data.csv"] = b"NIK;nama\n"
    second = _zip(tmp_path / "b" / f"{name}.zip", {**good, **tampered})
    nested = _zip(tmp_path / "c" / f"{name}.zip", {**good, f"{name}/lain/x.csv": b"1"})
    for path in (extra_root, second):
        ok, findings = verify(home, path)
        assert not ok and "harus berisi tepat satu folder paket" in findings[0], findings
    ok, findings = verify(home, nested)
    assert not ok and "bukan berkas paket biasa" in findings[0]


@pytest.mark.parametrize(
    "damage",
    ["not_json", "a_list", "no_nomor", "no_berkas", "bad_digest", "path_in_name", "folder"],
)
def test_malformed_manifests_and_odd_files_are_named_findings(home, packages, tmp_path, damage):
    pkg = packages[0]
    copy = tmp_path / pkg.folder.name
    shutil.copytree(pkg.folder, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    text = {
        "not_json": "{berkas: ",
        "a_list": "[1, 2]",
        "no_nomor": json.dumps({k: v for k, v in manifest.items() if k != "nomor"}),
        "no_berkas": json.dumps({k: v for k, v in manifest.items() if k != "berkas"}),
        "bad_digest": json.dumps({**manifest, "berkas": {"data.csv": 7}}),
        "path_in_name": json.dumps({**manifest, "berkas": {"../../dtks.toml": "0" * 64}}),
    }.get(damage)
    if text is not None:
        (copy / "manifest.json").write_text(text, encoding="utf-8")
    else:  # a listed file replaced by a folder of the same name
        (copy / "data.csv").unlink()
        (copy / "data.csv").mkdir()
    ok, findings = verify(home, copy)
    expected = {
        "not_json": "bukan JSON yang sah",
        "a_list": "tidak berisi daftar berkas",
        "no_nomor": "tidak menyebut nomor permintaan",
        "no_berkas": "tidak memuat daftar berkas",
        "bad_digest": "SHA-256 untuk data.csv tidak sah",
        "path_in_name": "nama berkas tidak sah",
        "folder": "data.csv bukan berkas biasa",
    }[damage]
    assert not ok and any(expected in f for f in findings), findings
    if damage != "folder":
        assert findings[0] == "manifest.json diubah (tanda tangan manifest tidak cocok)."


def test_any_damage_to_a_zip_is_a_finding_never_a_crash(home, packages, tmp_path):
    """Seeded byte flips and truncations of a real package zip: verify always answers."""
    data = packages[0].zip.read_bytes()
    rng = random.Random(14)
    target = tmp_path / packages[0].zip.name
    for _ in range(40):
        mutated = bytearray(data)
        if rng.random() < 0.3:
            mutated = mutated[: rng.randrange(len(mutated))]
        else:
            for _ in range(rng.randint(1, 8)):
                mutated[rng.randrange(len(mutated))] ^= 1 << rng.randrange(8)
        target.write_bytes(bytes(mutated))
        ok, findings = verify(home, target)
        assert findings and all(isinstance(f, str) for f in findings)
        if bytes(mutated) != data and ok:
            # a flip in a field nothing reads: the extracted package must still be the same
            with zipfile.ZipFile(target) as z:
                for name in z.namelist():
                    assert z.read(name) == (packages[0].folder / Path(name).name).read_bytes()


def test_letter_verify_exit_codes_and_another_dinas_key(home, letter, tmp_path):
    ok = dtks("letter", "verify", str(letter), home=home.root)
    assert ok.returncode == 0 and ok.stdout.startswith("SAH."), ok.stderr
    other = Home(tmp_path / "other")
    other.ensure()
    shutil.copy(home.store_path, other.store_path)
    signing.init_keys(other, "Dinas Sosial Kabupaten Lain")
    r = dtks("letter", "verify", str(letter), home=other.root)
    assert r.returncode == 1
    assert "TIDAK SAH." in r.stderr and "tidak sah untuk sertifikat Dinas ini" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def _pdfsig() -> str:
    if shutil.which("pdfsig"):
        return "pdfsig"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("pdfsig (poppler-utils) missing and not root: cannot install it here")
    subprocess.run(["apt-get", "install", "-y", "poppler-utils"], capture_output=True, timeout=600)
    if not shutil.which("pdfsig"):
        pytest.skip("apt-get could not install poppler-utils (no package list or network)")
    return "pdfsig"


def test_letters_and_basts_validate_with_an_independent_verifier(home, letter, packages):
    """poppler's pdfsig, not pyHanko: the PAdES signature holds for another implementation."""
    exe = _pdfsig()
    bast = next(packages[0].folder.glob("BAST_*.pdf"))
    for pdf in (letter, bast):
        r = subprocess.run([exe, str(pdf)], capture_output=True, text=True, timeout=60)
        assert "Signature is Valid" in r.stdout, (pdf.name, r.stdout, r.stderr)
        assert "Total document signed" in r.stdout  # the signature covers the whole file
