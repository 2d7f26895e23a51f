"""The one door to the DuckDB store."""

from pipelines.store.store import Store, open_store

__all__ = ["Store", "open_store"]
