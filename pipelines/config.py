"""The data root (DTKS_HOME) and the paths and settings derived from it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.errors import ConfigError, NoRegister

if TYPE_CHECKING:
    from pipelines.settings import Settings

PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Home:
    """A data root: data/raw, data/processed and reports live under it."""

    root: Path

    @classmethod
    def resolve(cls, home: str | Path | None = None) -> Home:
        """Pick the data root: --home, then DTKS_HOME, then the current folder."""
        chosen = home or os.environ.get("DTKS_HOME") or Path.cwd()
        return cls(Path(chosen).expanduser().resolve())

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def store_path(self) -> Path:
        return self.processed / "dtks.duckdb"

    @property
    def prefect_home(self) -> Path:
        return self.processed / ".prefect"

    @property
    def config_file(self) -> Path:
        return self.root / "dtks.toml"

    @property
    def config(self) -> Settings:
        """dtks.toml of the data root, parsed and checked (the defaults when absent)."""
        from pipelines import settings

        return settings.load(self.config_file)

    @property
    def memory_limit(self) -> str | None:
        """DuckDB's memory_limit from dtks.toml [duckdb] (DuckDB's own default: 80% of RAM)."""
        return self.config.duckdb.memory_limit or None

    @property
    def duckdb_threads(self) -> int | None:
        """DuckDB's threads in a finalisation: dtks.toml [duckdb] threads (None: DuckDB's
        default, one per core)."""
        return self.config.duckdb.threads

    def period_raw(self, period: str) -> Path:
        return self.raw / check_period(period)

    def period_out(self, period: str) -> Path:
        return self.processed / check_period(period)

    def has_register(self) -> bool:
        """Whether this data root holds a DTKS register (data/processed/dtks.duckdb)."""
        return self.store_path.is_file()

    def require_register(self) -> None:
        """Refuse a data root without a register: a mistyped --home never starts a new one."""
        if not self.has_register():
            raise NoRegister(
                f"Folder data {self.root} belum berisi register DTKS ({self.store_path.name} "
                "tidak ada di data/processed). Periksa --home atau DTKS_HOME. Untuk memulai "
                "register baru di folder ini: dtks load-dtks BERKAS_EKSPOR_DTKS --home "
                f"{self.root}; untuk data demo: dtks demo --home FOLDER_KOSONG."
            )

    def ensure(self) -> None:
        """Create the folders of the data root."""
        for p in (self.raw, self.processed, self.reports):
            p.mkdir(parents=True, exist_ok=True)


def check_period(period: str) -> str:
    """Return PERIOD if it looks like YYYY-MM, else raise ConfigError."""
    if not PERIOD_RE.match(period or ""):
        raise ConfigError(
            f"Periode '{period}' tidak dikenali. Tulis periode sebagai TAHUN-BULAN, "
            "misalnya 2026-11."
        )
    return period


def configure_prefect(home: Home) -> None:
    """Point Prefect at a home inside the data root before prefect is imported.

    Without a PREFECT_API_URL, Prefect runs a temporary local server; these settings keep
    it quiet and keep its database inside the data root.
    """
    home.prefect_home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "PREFECT_HOME": str(home.prefect_home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_SERVER_UI_ENABLED": "false",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    }
    for key, value in defaults.items():
        if key == "PREFECT_HOME":
            os.environ[key] = value
        else:
            os.environ.setdefault(key, value)
