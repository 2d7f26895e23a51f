"""The store opens in the analysts' DuckDB 1.x tools: the README's queries, with CLI 1.5.6."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.store import open_store

ROOT = Path(__file__).resolve().parents[1]
CLI_VERSION = "1.5.6"  # the newest duckdb-cli on PyPI; reads storage versions 64-68
NETWORK = re.compile(
    r"connect|network|resolve|temporary failure|timed out|unreachable|proxy|ssl", re.I
)


@pytest.fixture(scope="module")
def duckdb_cli(tmp_path_factory) -> Path:
    """duckdb-cli 1.5.6 installed from PyPI into a scratch environment."""
    venv = tmp_path_factory.mktemp("duckdb-cli") / "venv"
    uv = ROOT / ".tools" / "bin" / "uv"
    if uv.exists():
        steps = [
            [str(uv), "venv", "--quiet", "--python", sys.executable, str(venv)],
            [str(uv), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
             f"duckdb-cli=={CLI_VERSION}"],
        ]  # fmt: skip
    else:
        steps = [
            [sys.executable, "-m", "venv", "--without-pip", str(venv)],
            [sys.executable, "-m", "pip", "install", "--quiet", "--target",
             str(venv / "site"), f"duckdb-cli=={CLI_VERSION}"],
        ]  # fmt: skip
    for step in steps:
        r = subprocess.run(step, capture_output=True, text=True)
        if r.returncode:
            if NETWORK.search(r.stderr + r.stdout):
                pytest.skip(f"PyPI unreachable, duckdb-cli not installed: {r.stderr[-300:]}")
            raise AssertionError(f"installing duckdb-cli failed: {r.stderr[-2000:]}")
    found = [p for p in venv.rglob("duckdb") if p.is_file() and p.stat().st_mode & 0o111]
    assert found, "duckdb-cli installed no duckdb executable"
    out = subprocess.run([str(found[0]), "--version"], capture_output=True, text=True).stdout
    assert out.startswith(f"v{CLI_VERSION}"), out
    return found[0]


def readme_queries() -> list[str]:
    """Every SQL statement in the README's ```sql blocks (the analyst section)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, re.S)
    code = "\n".join(ln for b in blocks for ln in b.splitlines() if not ln.startswith("--"))
    return [s.strip() for s in code.split(";") if s.strip()]


def test_readme_names_queries_for_analysts():
    assert len(readme_queries()) >= 4


def test_the_demo_store_answers_the_readme_queries_in_duckdb_cli_1_x(
    duckdb_cli, loaded_home, finalized, tmp_path
):
    db = tmp_path / "dtks.duckdb"
    shutil.copy(loaded_home.store_path, db)  # the CLI must not hold the session's store
    with open_store(db, read_only=True) as store:
        expected = {q: store.df(q) for q in readme_queries()}
        objects = [
            r[0]
            for r in store.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "UNION ALL SELECT view_name FROM duckdb_views() "
                "WHERE database_name = current_database() AND NOT internal"
            ).fetchall()
        ]
    for query, frame in expected.items():
        r = subprocess.run(
            [str(duckdb_cli), "-readonly", "-csv", str(db), "-c", query],
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0 and "Error" not in r.stderr, f"{query}\n{r.stderr}"
        header, *rows = list(csv.reader(io.StringIO(r.stdout)))
        assert header == list(frame.columns), query
        assert len(rows) == len(frame) > 0, query
        assert [row[0] for row in rows] == [str(v) for v in frame.iloc[:, 0]], query
    # every table and view of the schema opens in the 1.x CLI
    for name in objects:
        r = subprocess.run(
            [
                str(duckdb_cli),
                "-readonly",
                "-csv",
                str(db),
                "-c",
                f'SELECT * FROM "{name}" LIMIT 1',
            ],
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0 and "Error" not in r.stderr, f"{name}: {r.stderr}"
