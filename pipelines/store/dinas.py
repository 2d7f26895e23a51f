"""The Dinas's own kab/kota: dtks.toml first, else the register's latest snapshot.

It lives beside the store (not in config) because its fallback reads the register."""

from __future__ import annotations

from pipelines.config import Home
from pipelines.store.store import Store, open_store


def dinas_kabkota(home: Home, store: Store | None = None) -> str | None:
    """The Dinas's own kab/kota (4 digits): dtks.toml [dinas] kode_kabkota, else the latest
    DTKS snapshot's (from `store`, or the data root's store read-only); None when neither."""
    configured = home.config.dinas.kode_kabkota
    if configured:
        return configured
    if store is None:
        if not home.store_path.exists():
            return None
        with open_store(home.store_path, read_only=True) as opened:
            return dinas_kabkota(home, opened)
    row = store.one("SELECT kode_kabkota FROM dtks_snapshot ORDER BY snapshot_id DESC LIMIT 1")
    return row[0] if row else None
