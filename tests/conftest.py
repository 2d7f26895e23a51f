"""Shared fixtures: a demo data root generated once per session, loaded into a store."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from pipelines.config import Home

PERIOD = "2026-11"


@pytest.fixture(autouse=True)
def _no_user_prefect_home(tmp_path_factory, monkeypatch):
    """Keep any stray Prefect import away from the real home folder."""
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path_factory.getbasetemp() / "prefect-home"))


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory) -> Home:
    """A data root holding the demo DTKS snapshot and the 2026-11 raw folder."""
    from pipelines.synth import generate

    home = Home(tmp_path_factory.mktemp("demo"))
    generate(home, PERIOD, seed=2026)
    return home


@pytest.fixture(scope="session")
def loaded_home(demo_home: Home) -> Home:
    """The demo root with its snapshot loaded into the store."""
    from pipelines.ingest.snapshot import load
    from pipelines.store import open_store

    snap = next((demo_home.raw / "dtks").glob("DTKS_*.csv"))
    with open_store(demo_home.store_path) as store:
        load(store, [snap], petugas="uji")
    return demo_home


@pytest.fixture(scope="session")
def truth(demo_home: Home) -> pd.DataFrame:
    t = pd.read_csv(demo_home.raw / f"{PERIOD}_truth.csv", dtype=str, keep_default_na=False)
    t["source_row"] = t["source_row"].astype(int)
    return t


def run_finalize_stages(home: Home, period: str = PERIOD):
    """The month's finalisation as every entry point runs it (pipelines.stages), no Prefect."""
    from pipelines import stages

    done = stages.finalise(home, period)
    return done.batch, done.outcomes, done.published


@pytest.fixture(scope="session")
def finalized(loaded_home: Home):
    return run_finalize_stages(loaded_home)


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory):
    """One real Prefect server on loopback for the session's flow runs (PREFECT_API_URL)."""
    import prefect_helpers

    server, proc = prefect_helpers.start(tmp_path_factory.mktemp("prefect-server"))
    try:
        yield server
    finally:
        prefect_helpers.stop(proc)


def pytest_configure(config):
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory):
    """A tiny data root (tests/operator_world.py), loaded and finalised once."""
    from operator_world import build

    world = build(tmp_path_factory.mktemp("tiny") / "root")
    run_finalize_stages(world.home)
    return world


@pytest.fixture
def tiny(tiny_world, tmp_path):
    """A private copy of the tiny finalised root, with its World to resend files."""
    import copy
    import dataclasses
    import shutil

    shutil.copytree(tiny_world.home.root, tmp_path / "root")
    world = copy.deepcopy(tiny_world)
    home = Home(tmp_path / "root")
    return dataclasses.replace(
        world, home=home, snapshot=home.root / tiny_world.snapshot.relative_to(tiny_world.home.root)
    )


# The slow integration tests (a Prefect server, Dask workers, the whole demo, long Hypothesis
# and fuzz runs, the hostile month through the installed command): `make check` leaves them
# out (-m "not slow"), `make test` and CI run them. tests/test_docs_true.py checks each name.
SLOW = (
    "test_service.py::test_province_run_fans_out_per_kabkota_on_dask",
    "test_service.py::test_province_run_on_an_existing_dask_cluster",
    "test_service.py::test_province_run_names_a_failing_kabkota_after_the_others_finish",
    "test_service.py::test_province_run_is_a_prefect_flow_when_a_server_is_configured",
    "test_service.py::test_served_deployment_runs_a_finalisation",
    "test_cli.py::test_demo_end_to_end_writes_only_inside_the_data_root",
    "test_operator_life.py::TestOperatorLife",
    "test_fuzz.py::test_fuzzed_corpus_files_never_crash_nor_vanish",
    "test_hostile_cli.py::test_the_month_ends_normally_and_every_other_kelurahan_gets_its_outputs",
    "test_hostile_cli.py::test_far_cell_workbook_and_zip_bomb_are_named_and_memory_stays_bounded",
    "test_hostile_cli.py::test_a_reader_that_dies_costs_one_file_not_the_month",
    "test_hostile_cli.py::test_every_skipped_folder_and_file_problem_is_listed_before_the_table",
    "test_leaks.py::test_hostile_rows_put_no_personal_data_on_screen_or_in_prefect",
    "test_leaks.py::test_a_killed_runs_scratch_folders_are_removed_by_the_next_run",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.nodeid.removeprefix("tests/").startswith(SLOW):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def soffice():
    """LibreOffice's soffice: installed when missing and running as root (CI), else skip."""
    exe = shutil.which("soffice")
    if exe is None and hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd = ["apt-get", "install", "-y", "-q", "libreoffice-calc-nogui"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(cmd, capture_output=True, env=env).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], capture_output=True, env=env)
            subprocess.run(cmd, capture_output=True, env=env)
        exe = shutil.which("soffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs it as root")
    return exe
