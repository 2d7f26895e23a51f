"""Helpers shared by test modules."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.config import Home
from pipelines.ingest.snapshot import load
from pipelines.store import open_store

CORPUS = Path(__file__).parent / "fixtures" / "corpus"


def corpus_root(root: Path) -> Path:
    """A data root holding the fixture corpus with its register loaded."""
    home = Home(root)
    home.ensure()
    shutil.copytree(CORPUS / "raw", home.raw, dirs_exist_ok=True)
    with open_store(home.store_path) as store:
        load(store, [CORPUS / "dtks.csv"], petugas="uji")
    return root
