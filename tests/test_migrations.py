"""A store made by the previous release upgrades in place, after a backup, in one transaction."""

from __future__ import annotations

import ast
from pathlib import Path

import duckdb
import pytest

from pipelines.dedup.names import macros_sql
from pipelines.errors import StoreError
from pipelines.ingest.snapshot import load
from pipelines.store import migrate, open_store
from pipelines.store.migrate import statements

FIXTURE = Path(__file__).parent / "fixtures" / "store_b258a82"
CORPUS = Path(__file__).parent / "fixtures" / "corpus"
ROOT = Path(__file__).resolve().parents[1]


def old_store(path: Path, storage: str | None = None) -> Path:
    """A store as release 0.1.0 (b258a82) left it: its schema, its rows, DuckDB 2.0's format
    (or the given storage format)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    config = {"storage_compatibility_version": storage} if storage else {}
    con = duckdb.connect(str(path), config=config)
    # 0.1.0 wrote the name macros into the file (the matching now makes them per connection)
    persistent = macros_sql().replace(" TEMP MACRO ", " MACRO ")
    for s in statements((FIXTURE / "schema.sql").read_text()) + statements(persistent):
        con.execute(s)
    for line in (FIXTURE / "data.sql").read_text(encoding="utf-8").splitlines():
        if line.startswith("INSERT"):
            con.execute(line)
    con.close()
    return path


def _counts(con) -> dict[str, int]:
    tables = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    ]
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _catalog(con) -> list[tuple]:
    """Tables, columns, types and constraints: what a schema is."""
    return (
        con.execute(
            "SELECT table_name, column_name, data_type, column_default, is_nullable "
            "FROM duckdb_columns() WHERE database_name = current_database() "
            "AND NOT starts_with(table_name, '__') ORDER BY table_name, column_index"
        ).fetchall()
        + con.execute(
            "SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints() "
            "WHERE database_name = current_database() ORDER BY ALL"
        ).fetchall()
    )


@pytest.mark.parametrize(
    ("storage", "backup_name"), [(None, "format-v2.0.0"), ("v1.4.0", "skema-1")]
)
def test_a_store_of_the_previous_release_is_upgraded_in_place(tmp_path, storage, backup_name):
    db = old_store(tmp_path / "processed" / "dtks.duckdb", storage)
    con = duckdb.connect(str(db), read_only=True)
    before = _counts(con)
    con.close()
    with open_store(db) as store:
        versions = store.execute("SELECT version FROM schema_migration ORDER BY 1").fetchall()
        fmt = store.one(
            "SELECT tags['storage_version'] FROM duckdb_databases() "
            "WHERE database_name = current_database()"
        )[0]
        after = _counts(store.con)
        history = store.df(
            "SELECT snapshot_id, persons_before, persons_after, opened, closed, changed, "
            "kelurahan FROM dtks_snapshot ORDER BY 1"
        )
        # the current snapshot again: nothing changes (the row hashes were recomputed as
        # the new loader computes them); the first one again: restored, and recognised
        same = load(store, [FIXTURE / "dtks_2.csv"], petugas="Rina")
        first = load(store, [CORPUS / "dtks.csv"], petugas="Rina", large_change=True)
        as_of = store.one("SELECT count(*) FROM register_as_of('2026-11')")[0]
    assert [v for (v,) in versions] == list(range(1, migrate.latest() + 1))
    assert fmt.startswith(migrate.STORAGE_VERSION)
    # every row kept; tables later migrations add start empty
    assert {t: after[t] for t in before} == before
    assert all(n == 0 for t, n in after.items() if t not in before and t != "schema_migration")
    assert history[
        ["persons_before", "persons_after", "opened", "closed", "changed"]
    ].values.tolist() == [
        [0, 6, 6, 0, 0],
        [6, 6, 2, 2, 1],
    ]
    assert list(history["kelurahan"][0]) == ["6271011001"]
    assert same.already_current
    assert first.same_as == 1 and (first.added, first.changed, first.removed) == (1, 1, 1)
    assert as_of == 36
    # the file as it was is kept in cadangan/, and still opens as the old release left it
    backups = sorted((db.parent / "cadangan").iterdir())
    assert len(backups) == 1 and backup_name in backups[0].name
    con = duckdb.connect(str(backups[0]), read_only=True)
    assert _counts(con) == before
    con.close()


def test_a_migrated_store_has_the_same_schema_as_a_new_one(tmp_path):
    with open_store(old_store(tmp_path / "old" / "dtks.duckdb")) as old:
        migrated = _catalog(old.con)
    with open_store(tmp_path / "new" / "dtks.duckdb") as new:
        fresh = _catalog(new.con)
    assert migrated == fresh


def test_a_failed_migration_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    db = old_store(tmp_path / "dtks.duckdb")
    real = migrate.migrations()
    broken = migrate.Migration(
        len(real) + 1, "rusak", "CREATE TABLE baru (a INTEGER); SELECT * FROM tidak_ada;"
    )
    monkeypatch.setattr(migrate, "migrations", lambda: [*real, broken])
    with pytest.raises(StoreError, match=f"migrasi {len(real) + 1:03d}_rusak") as exc:
        open_store(db)
    assert "cadangan" in str(exc.value)
    con = duckdb.connect(str(db), read_only=True)
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    # all or nothing: neither the good migrations before it nor the broken one applied
    assert "baru" not in tables and "schema_migration" not in tables
    monkeypatch.undo()
    with open_store(db) as store:  # fixed release: the upgrade goes through
        assert store.one("SELECT max(version) FROM schema_migration")[0] == len(real)


def test_a_store_of_a_newer_release_is_refused_untouched(tmp_path):
    db = tmp_path / "dtks.duckdb"
    with open_store(db) as store:
        store.run("INSERT INTO schema_migration VALUES (99, 'masa_depan', now())")
    size = db.stat().st_size
    with pytest.raises(StoreError, match="versi dtks yang lebih baru"):
        open_store(db)
    assert db.stat().st_size == size


def test_a_read_only_open_upgrades_too(tmp_path):
    db = old_store(tmp_path / "dtks.duckdb")
    with open_store(db, read_only=True) as store:
        assert store.one("SELECT max(version) FROM schema_migration")[0] == migrate.latest()
        assert store.one("SELECT count(*) FROM dtks_current")[0] == 6


def test_migrations_are_numbered_without_gaps_and_never_edited_in_place():
    found = migrate.migrations()
    assert [m.version for m in found] == list(range(1, len(found) + 1))
    # 001 holds exactly the tables of release 0.1.0's schema
    old = [s for s in statements((FIXTURE / "schema.sql").read_text()) if "CREATE TABLE" in s]
    new = statements(found[0].sql)
    assert [s.replace("IF NOT EXISTS ", "") for s in old] == new


def test_the_store_layer_does_not_import_the_stages_above_it():
    """pipelines/store is the bottom layer: parsing and validation live in ingest/."""
    above = ("pipelines.ingest", "pipelines.validate", "pipelines.normalize", "schemas")
    for path in (ROOT / "pipelines" / "store").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert not name.startswith(above), f"{path.name} imports {name}"
