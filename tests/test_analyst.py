"""The analyst's view of the register: views, read-only SQL, exports, the data dictionary."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipelines import analyst
from pipelines.cli import app
from pipelines.store import open_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ro(finalized, loaded_home):
    with open_store(loaded_home.store_path, read_only=True) as store:
        yield store


def test_views_agree_with_the_register_and_the_outcomes(ro, finalized):
    _, outcomes, _ = finalized
    households = ro.one("SELECT count(DISTINCT no_kk) FROM dtks_current")[0]
    persons = ro.one("SELECT count(*) FROM dtks_current")[0]
    cov = analyst.query(ro, "SELECT * FROM v_programme_coverage")
    assert cov["keluarga"].sum() == households and cov["jiwa"].sum() == persons
    assert (cov["keluarga_pkh"] <= cov["keluarga"]).all()
    assert len(cov) == 30
    per = analyst.query(ro, "SELECT * FROM v_outcomes_per_period WHERE period = '2026-11'")
    assert per["jumlah"].sum() == len(outcomes)
    summary = analyst.query(ro, "SELECT * FROM v_monthly_summary WHERE period = '2026-11'")
    assert summary["baris_usulan"].iloc[0] == len(outcomes)
    assert summary["usulan_baru"].iloc[0] == (outcomes["outcome"] == "usulan_baru").sum()
    hh = analyst.query(ro, "SELECT * FROM v_households_current")
    assert len(hh) == households and hh["jumlah_anggota"].sum() == persons


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM dtks_person",
        "UPDATE dtks_person SET nama = 'X'",
        "CREATE TABLE t (a INT)",
        "DROP VIEW dtks_current",
    ],
)
def test_the_analyst_connection_refuses_writes(ro, sql):
    with pytest.raises(analyst.QueryRefused, match="ditolak"):
        analyst.query(ro, sql)


def test_query_results_keep_nik_as_text_in_every_format(ro, tmp_path):
    frame = analyst.query(ro, "SELECT nik, no_kk, nama FROM v_persons_current LIMIT 5")
    for suffix in (".csv", ".parquet", ".xlsx"):
        path = analyst.write(frame, tmp_path / f"out{suffix}")
        if suffix == ".csv":
            back = pd.read_csv(path, sep=";", dtype=str)
        elif suffix == ".parquet":
            back = pd.read_parquet(path)
        else:
            back = pd.read_excel(path, dtype=str, engine="openpyxl")
        assert back["nik"].tolist() == frame["nik"].tolist()


def test_export_partitions_views_by_region(ro, tmp_path):
    paths = analyst.export_views(ro, tmp_path, ["v_programme_coverage", "v_monthly_summary"])
    parts = sorted(p.name for p in (tmp_path / "v_programme_coverage").iterdir())
    assert len(parts) == 30 and parts[0].startswith("kode_wilayah=")
    back = pd.read_parquet(tmp_path / "v_programme_coverage")
    assert back["keluarga"].sum() == ro.one("SELECT count(DISTINCT no_kk) FROM dtks_current")[0]
    assert (tmp_path / "v_monthly_summary" / "data.parquet").exists() and len(paths) == 2


def test_data_dictionary_is_in_step_with_the_schema():
    with tempfile.TemporaryDirectory() as d, open_store(Path(d) / "s.duckdb") as store:
        expected = analyst.dictionary(store) + "\n"
    committed = (ROOT / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == expected, "run: dtks dictionary"
    for view in analyst.VIEWS:
        assert f"## `{view}` (view)" in committed


def test_sql_command_prints_a_table(loaded_home, finalized):
    with open_store(loaded_home.store_path, read_only=True) as store:
        n = store.one("SELECT count(*) FROM v_persons_current")[0]
    r = CliRunner().invoke(
        app,
        [
            "sql",
            "SELECT count(*) AS jumlah FROM v_persons_current",
            "--home",
            str(loaded_home.root),
        ],
    )
    assert r.exit_code == 0, r.output
    assert n > 0
    lines = r.output.splitlines()
    assert any("jumlah" in line for line in lines), r.output  # the column's header
    assert any(line.strip(" |│┃") == str(n) for line in lines), r.output  # and its one value
