"""The one door to the DuckDB store."""

from pipelines.store.dinas import dinas_kabkota
from pipelines.store.store import Store, open_store

__all__ = ["Store", "dinas_kabkota", "open_store"]
