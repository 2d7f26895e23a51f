"""A data root for the web desk's tests: the tiny operator world, accounts, keys, settings."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from operator_world import PERIOD, World, build

from pipelines import signing, users
from pipelines.store import open_store

PASSWORD = "sandi-uji-rahasia-1"
# one account per role: login name -> role
ACCOUNTS = {
    "rina": "supervisor",
    "oki": "operator",
    "dewi": "petugas data",
    "bagus": "kepala bidang",
    "sinta": "kepala seksi",
    "sekar": "sekretaris",
    "hartono": "kepala dinas",
    "ana": "analis",
}


@dataclass
class DeskWorld:
    """The world, the kelurahan held back to be uploaded, and a registered person's numbers."""

    world: World
    held_back: str  # kelurahan code whose files are not in data/raw yet
    held_files: dict[str, bytes]  # its files, to upload
    person: tuple[str, str]  # (nik, no_kk) of a registered person, for a letter

    @property
    def home(self):
        return self.world.home


def build_desk_world(root: Path, base_url: str = "http://127.0.0.1:8765") -> DeskWorld:
    """A loaded tiny world with one kelurahan's files held back, keys, accounts, dtks.toml."""
    world = build(root)
    home = world.home
    held = world.kelurahan[-1]
    folder = world.folder(held)
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()
    home.config_file.write_text(
        f'[surat]\nurl_verifikasi = "{base_url}"\n\n[dinas]\nkepala_dinas = "Drs. Hartono"\n'
        # the pipeline's input limit, small so a test can pass it cheaply (uploads too)
        "\n[batas_berkas]\nukuran_berkas_mb = 1\n",
        encoding="utf-8",
    )
    signing.init_keys(home, "Dinas Sosial Kota Palangka Raya")
    with open_store(home.store_path) as store:
        for name, peran in ACCOUNTS.items():
            users.add(store, name, peran, PASSWORD)
    with world.snapshot.open(encoding="utf-8") as fh:
        first = next(csv.DictReader(fh, delimiter=";"))
    nik_col = next(k for k in first if k.strip().upper() == "NIK")
    kk_col = next(k for k in first if k.strip().upper().replace(".", "") in ("NO KK", "NOKK"))
    return DeskWorld(world, held, files, (first[nik_col], first[kk_col]))


__all__ = ["ACCOUNTS", "PASSWORD", "PERIOD", "DeskWorld", "build_desk_world"]
