"""`dtks sql` as an attacker meets it: no file read or written, one SELECT, every query logged.

Every case runs the installed `dtks` in a subprocess (exit codes and all) against a copy of
the finalised demo root, and checks the files it aimed at are byte for byte unchanged.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest
from cli_helpers import dtks

from pipelines import analyst, signing
from pipelines.config import Home
from pipelines.store import open_store


@pytest.fixture(scope="module")
def root(finalized, loaded_home, tmp_path_factory):
    base = tmp_path_factory.mktemp("sql")
    shutil.copytree(loaded_home.root, base / "root")
    h = Home(base / "root")
    signing.init_keys(h, "Dinas Sosial Kota Palangka Raya")
    h.config_file.write_text('[dinas]\nkode_kabkota = "62.71"\n', encoding="utf-8")
    other = base / "other.duckdb"
    with open_store(other) as store:
        store.run("CREATE TABLE rahasia AS SELECT 42 AS x")
    return h


def _digests(h: Home) -> dict[str, str]:
    files = [
        h.store_path,
        h.period_out("2026-11") / "outcomes.parquet",
        h.config_file,
        signing.key_paths(h).key,
    ]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


# the cases, each through the installed command
ATTACKS = {
    "copy_over_store": "COPY (SELECT 1 AS a) TO '{root}/data/processed/dtks.duckdb' (FORMAT csv)",
    "copy_over_outcomes": (
        "COPY (SELECT 1 AS a) TO '{root}/data/processed/2026-11/outcomes.parquet' (FORMAT csv)"
    ),
    "copy_over_config": "COPY (SELECT 1 AS a) TO '{root}/dtks.toml' (FORMAT csv)",
    "read_private_key": "SELECT content FROM read_text('{root}/keys/dinas-key.pem')",
    "read_passwd": "SELECT * FROM read_csv('/etc/passwd')",
    "glob_root": "SELECT * FROM glob('{root}/**')",
    "dump_register_csv": "COPY (SELECT * FROM dtks_current) TO 'register.csv'",
    "export_database": "EXPORT DATABASE '{work}/dump'",
    "select_then_copy": "SELECT 1 AS satu; COPY (SELECT * FROM dtks_current) TO '{work}/x.csv'",
    "attach_other": "ATTACH '{base}/other.duckdb' AS o",
    "set_external_access": "SET enable_external_access = true",
    "create_temp_table": "CREATE TEMP TABLE t AS SELECT * FROM dtks_current",
}
# more of the same kind, checked in-process on the same sandbox (a dtks start costs ~2 s)
MORE = [
    "SELECT * FROM '{root}/data/processed/2026-11/outcomes.parquet'",
    "SELECT * FROM read_parquet('{base}/other.duckdb')",
    "SELECT * FROM read_blob('{root}/keys/dinas-key.pem')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "RESET lock_configuration",
    "SET lock_configuration = false",
    "PRAGMA enable_profiling",
    "INSTALL httpfs",
    "LOAD httpfs",
    "DELETE FROM dtks_person",
    "CHECKPOINT",
    "EXPLAIN ANALYZE SELECT 1",
    "SELECT * FROM frame",  # no reaching the caller's Python variables
    "",
    "SELEC 1",
]


@pytest.mark.parametrize("sql", MORE)
def test_more_file_and_setting_attacks_are_refused_in_the_sandbox(root, sql):
    frame = pd.DataFrame({"nik": ["6271011508800001"]})  # noqa: F841 (bait for the query)
    base = root.root.parent
    with analyst.open_sandbox(root) as store:
        with pytest.raises(analyst.QueryRefused):
            analyst.query(store, sql.format(root=root.root, base=base))
        # the sandbox holds after a refusal: still no file access, still locked
        with pytest.raises(analyst.QueryRefused, match="berkas"):
            analyst.query(store, "SELECT * FROM read_csv('/etc/passwd')")


@pytest.fixture(scope="module")
def attacked(root):
    """Each attack on its own copy of the root, four at a time (a dtks start costs ~2 s)."""
    base = root.root.parent

    def attack(name: str):
        copy = Home(base / "attack" / name / "root")
        shutil.copytree(root.root, copy.root)
        work = copy.root.parent / "work"
        work.mkdir()
        sql = ATTACKS[name].format(root=copy.root, work=work, base=base)
        before = _digests(copy)
        r = dtks("sql", sql, home=copy.root, cwd=work)
        return r, before, _digests(copy), sorted(p.name for p in work.iterdir())

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(ATTACKS, pool.map(attack, ATTACKS), strict=True))


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_an_attack_through_dtks_sql_is_refused_and_touches_no_file(attacked, name):
    r, before, after, written = attacked[name]
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Gagal:" in r.stderr and "ditolak" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert after == before, "a file of the data root changed"
    assert written == [], "dtks sql wrote a file"
    assert "PRIVATE KEY" not in r.stdout + r.stderr
    assert "root:" not in r.stdout, "/etc/passwd was read"
    assert "satu" not in r.stdout, "the first statement of two ran"


def test_views_work_in_the_sandbox_and_results_go_only_to_out(root, tmp_path):
    for view in ["v_persons_current", "v_households_current", "v_outcomes_per_period",
                 "v_monthly_summary", "v_programme_coverage", "dtks_current", "prelist_final"]:  # fmt: skip
        r = dtks("sql", f"SELECT count(*) AS n FROM {view}", home=root.root)
        assert r.returncode == 0, (view, r.stderr)
    r = dtks("sql", "SELECT count(*) AS n FROM register_as_of('2026-11')", home=root.root)
    assert r.returncode == 0, r.stderr
    with open_store(root.store_path, read_only=True) as store:
        persons = store.one("SELECT count(*) FROM dtks_current")[0]
        nik = store.one("SELECT nik FROM dtks_current ORDER BY id_dtks LIMIT 1")[0]
    r = dtks(
        "sql",
        "WITH p AS (SELECT * FROM v_persons_current) SELECT nik, nama FROM p",
        "--out",
        str(tmp_path / "hasil.csv"),
        "--petugas",
        "Analis Satu",
        home=root.root,
    )
    assert r.returncode == 0, r.stderr
    assert f"{persons:,}".replace(",", ".") + " baris ditulis" in r.stdout
    assert nik in (tmp_path / "hasil.csv").read_text(encoding="utf-8-sig")
    refused = dtks("sql", "SELECT 1 AS a", "--out", str(root.processed / "x.csv"), home=root.root)
    assert refused.returncode == 1 and "tidak boleh ditulis" in refused.stderr
    assert not (root.processed / "x.csv").exists()


def test_every_query_is_logged_with_who_when_statement_and_rows_but_no_results(root, tmp_path):
    log = root.processed / "log" / "sql.jsonl"
    start = len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0
    ok = "SELECT nik FROM v_persons_current ORDER BY nik LIMIT 3"
    bad = f"COPY (SELECT 1) TO '{tmp_path}/y.csv'"
    assert dtks("sql", ok, "--petugas", "Rina", home=root.root).returncode == 0
    assert dtks("sql", bad, home=root.root).returncode == 1
    lines = log.read_text(encoding="utf-8").splitlines()[start:]
    entries = [json.loads(line) for line in lines]
    assert [(e["kueri"], e["hasil"], e["baris"]) for e in entries] == [
        (ok, "dijalankan", 3),
        (bad, "ditolak", None),
    ]
    assert entries[0]["petugas"] == "Rina" and entries[1]["pengguna_os"]
    assert entries[1]["alasan"] == "bukan_select" and entries[0]["waktu"]
    with open_store(root.store_path, read_only=True) as store:
        niks = [r[0] for r in store.execute(ok).fetchall()]
    assert not any(n in "\n".join(lines) for n in niks), "query results in the log"
    assert oct(log.stat().st_mode & 0o777) == "0o600"
