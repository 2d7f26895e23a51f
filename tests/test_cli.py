"""The dtks command as an operator meets it: help, messages, the demo end to end."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
COMMANDS = sorted(
    [c.name for c in app.registered_commands]
    + [
        f"{g.name} {c.name}"
        for g in app.registered_groups
        for c in g.typer_instance.registered_commands
    ]
)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = runner.invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert "Contoh: dtks " + command in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"dtks {re.escape(command)}\b", readme), f"README lacks 'dtks {command}'"


def _dtks(*args: str, home: Path, env_home: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DTKS_"))}
    if env_home is not None:
        env["HOME"] = str(env_home)
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args, "--home", str(home)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_unknown_period_is_a_message_not_a_traceback(tmp_path):
    r = _dtks("finalize", "2026-13", home=tmp_path)
    assert r.returncode == 1
    assert "Periode '2026-13' tidak dikenali" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_finalize_before_loading_dtks_says_what_to_do(tmp_path):
    r = _dtks("finalize", "2026-11", home=tmp_path)
    assert r.returncode == 1
    assert "dtks load-dtks" in r.stderr
    assert "Traceback" not in r.stderr


def test_demo_end_to_end_writes_only_inside_the_data_root(tmp_path):
    home, fake_user_home = tmp_path / "root", tmp_path / "userhome"
    fake_user_home.mkdir()
    r = _dtks("demo", home=home, env_home=fake_user_home)
    assert r.returncode == 0, r.stderr[-3000:]
    out = r.stdout
    assert "Snapshot #1 dimuat" in out
    assert "JUMLAH" in out
    assert "user add NAMA --peran supervisor" in out and "serve --home" in out  # the desk
    for path in (
        "data/processed/2026-11/outcomes.parquet",
        "data/processed/2026-11/summary.xlsx",
        "data/processed/2026-11/siks-ng",
        "data/processed/dtks.duckdb",
    ):
        assert path in out
        assert (home / path).exists()
    assert "[1/30] kelurahan 6271011001 dibaca" in out  # plain progress lines off a terminal
    assert "[30/30]" in out and "... validasi dan pencocokan" in out
    assert "keputusan diterapkan" in out
    assert "Periode 2026-11 ditutup" in out
    assert (home / "reports/2026-11/laporan_finalisasi_2026-11.pdf").exists()
    assert "Traceback" not in r.stderr
    assert list(fake_user_home.iterdir()) == [], "nothing may be written outside the data root"
    # no Prefect server configured: the stages ran without Prefect (tests/test_leaks.py and
    # test_hostile_cli.py run the flow against a server)
    assert "flow Prefect" not in out and not (home / "data/processed/.prefect").exists()
    _no_personal_numbers_in_output(home, r.stdout + r.stderr)


def _no_personal_numbers_in_output(home: Path, console_text: str) -> None:
    """No NIK or KK from the data in what the run printed."""
    import csv as _csv

    known: set[str] = set()
    for path in [*(home / "data/raw/dtks").glob("*.csv")]:
        with path.open(encoding="utf-8") as fh:
            for row in _csv.DictReader(fh, delimiter=";"):
                known.update({row["NIK"], row["NO KK"]})
    assert len(known) > 10000
    printed = set(re.findall(r"\d{16}", console_text)) & known
    # the demo prints nothing personal except the letter step's own applicant lookup: none
    assert not printed, f"{len(printed)} NIK/KK printed by the demo"


def test_demo_refuses_a_data_root_with_real_data(tmp_path):
    from tests_helpers import corpus_root

    from pipelines.errors import DtksError

    root = corpus_root(tmp_path / "real")
    result = runner.invoke(app, ["demo", "--home", str(root)])
    assert isinstance(result.exception, DtksError)
    assert "bukan folder demo" in str(result.exception)
    assert (root / "data/processed/dtks.duckdb").exists()
