"""Commands only touch what they created: a mistyped --home starts nothing, the demo keeps
to its own roots."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.cli.demo import MARKER, prepare_root
from pipelines.config import Home
from pipelines.errors import DtksError, NoRegister

runner = CliRunner()


def _dtks(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DTKS_"))}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args, "--home", str(home)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "args",
    [
        ["finalize", "2026-11"],
        ["request", "new", "--pemohon", "Ani", "--identitas", "6271014101990001", "--tujuan",
         "Skripsi", "--jenis-data", "keluarga_per_kelurahan_program"],
        ["request", "list"],
    ],
)  # fmt: skip
def test_a_mistyped_home_is_refused_and_nothing_is_created(tmp_path, args):
    typo = tmp_path / "dtsk-dinas"
    r = _dtks(*args, home=typo)
    assert r.returncode == 1, r.stderr
    assert str(typo) in r.stderr and "dtks load-dtks" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert not typo.exists(), "no folder, no register, request numbers do not restart"


@pytest.mark.parametrize(
    "args",
    [
        ["review", "apply", "2026-11", __file__, "--petugas", "Rina"],
        ["siks-ng", "2026-11"],
        ["close", "2026-11", "--petugas", "Rina"],
        ["reopen", "2026-11", "--alasan", "Koreksi resmi kelurahan", "--petugas", "Rina"],
        ["letter", "6271011508800001", "--kk", "6271010101100001", "--petugas", "Rina"],
        ["request", "status", "REQ-2026-0001", "ditelaah", "--petugas", "X", "--peran", "Sekretaris"],
        ["request", "pks", "REQ-2026-0001", "--nomor-pks", "1/PKS", "--petugas", "Rina"],
        ["sql", "SELECT 1"],
        ["export"],
        ["keys", "init"],
        ["serve"],
    ],
)  # fmt: skip
def test_every_command_that_needs_a_register_refuses_a_root_without_one(tmp_path, args):
    empty = tmp_path / "kosong"
    empty.mkdir()
    result = runner.invoke(app, [*args, "--home", str(empty)])
    assert isinstance(result.exception, NoRegister), result.output
    assert "dtks load-dtks" in str(result.exception)
    assert list(empty.iterdir()) == []


def test_the_demo_refuses_a_real_root_whose_snapshot_is_named_like_the_readme_example(tiny):
    """The old check took any register loaded from DTKS_6271_*.csv for demo data and wiped it."""
    root = tiny.home.root
    assert tiny.snapshot.name == "DTKS_6271_2026-10.csv"  # the README's own example name
    before = _tree(root)
    result = runner.invoke(app, ["demo", "--home", str(root)])
    assert isinstance(result.exception, DtksError)
    assert "bukan folder demo" in str(result.exception)
    assert _tree(root) == before, "the real root is untouched"


def test_the_demo_marks_the_roots_it_creates_and_only_reuses_those(tmp_path):
    fresh = Home(tmp_path / "demo")
    prepare_root(fresh)
    assert (fresh.root / MARKER).is_file()
    (fresh.store_path).write_bytes(b"previous demo")
    prepare_root(fresh)  # its own root: the previous demo is cleared
    assert not fresh.store_path.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    prepare_root(Home(empty))
    assert (empty / MARKER).is_file()
    other = tmp_path / "other"
    other.mkdir()
    (other / "catatan.txt").write_text("punya saya", encoding="utf-8")
    with pytest.raises(DtksError, match="bukan folder demo"):
        prepare_root(Home(other))
    assert [p.name for p in other.iterdir()] == ["catatan.txt"]
