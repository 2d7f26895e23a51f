"""Who signs: the Dinas, its town and its heads, on the Berita Acara, letters and BASTs."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines import wilayah
from pipelines.settings import Settings


@dataclass
class Signatories:
    """Names on the Berita Acara, from dtks.toml [dinas]; blank lines when not configured."""

    dinas: str
    kota: str
    kepala_dinas: str = ""
    nip_kepala_dinas: str = ""
    kepala_bidang: str = ""
    nip_kepala_bidang: str = ""

    @classmethod
    def from_settings(cls, settings: Settings, kabkota: str | None) -> Signatories:
        """The names of dtks.toml [dinas]; the Dinas and its town from the kab/kota code."""
        cfg = settings.dinas
        region = wilayah.load().name(kabkota or "") or "Kabupaten/Kota"
        kota = region.replace("Kota ", "").replace("Kabupaten ", "")
        return cls(
            dinas=cfg.nama if cfg.nama is not None else f"Dinas Sosial {region}",
            kota=cfg.kota if cfg.kota is not None else kota,
            kepala_dinas=cfg.kepala_dinas,
            nip_kepala_dinas=cfg.nip_kepala_dinas,
            kepala_bidang=cfg.kepala_bidang,
            nip_kepala_bidang=cfg.nip_kepala_bidang,
        )
