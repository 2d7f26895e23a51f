"""The layer rule of docs/architecture.md, checked on every import of pipelines/ and schemas/.

The table in the document is the rule: the test reads it, so the page and the check cannot
drift apart. Imports inside functions count too (a deferred import is still a dependency).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"

# (importer, imported): the known exceptions, each with its reason (docs/architecture.md)
KNOWN: dict[tuple[str, str], str] = {}
PREFECT_ALLOWED = {"pipelines.flows", "pipelines.service", "pipelines.prefect_server"}


def layers() -> list[tuple[int, list[str]]]:
    """(layer, module patterns) from the document's table."""
    rows = re.findall(r"^\| (\d) \| [^|]+ \| (.+) \|$", DOC.read_text(encoding="utf-8"), re.M)
    assert len(rows) >= 6, "the layer table of docs/architecture.md was not found"
    return [(int(n), re.findall(r"`([\w.*]+)`", mods)) for n, mods in rows]


def layer_of(module: str, table: list[tuple[int, list[str]]]) -> int | None:
    for n, patterns in table:
        for p in patterns:
            # `x.*` is the package x and every module under it
            if module == p.removesuffix(".*") or (p.endswith(".*") and module.startswith(p[:-1])):
                return n
    return None


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted([*(ROOT / "pipelines").rglob("*.py"), *(ROOT / "schemas").rglob("*.py")]):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of this repository that `name` imports anywhere in its file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pipelines import x` imports the module pipelines.x when there is one
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]  # fmt: skip
        else:
            continue
        for t in targets:
            while t and t not in known:  # pipelines.store.Store -> pipelines.store
                t = t.rpartition(".")[0]
            if t and t != name:
                out.add(t)
    return out


def all_imports() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports(name, path, set(mods)) for name, path in mods.items()}


def test_every_module_has_a_layer():
    table = layers()
    missing = [m for m in modules() if layer_of(m, table) is None]
    assert not missing, f"give these modules a layer in docs/architecture.md: {missing}"


def test_no_module_imports_a_layer_above_its_own():
    table = layers()
    upward = sorted(
        f"{m} (layer {layer_of(m, table)}) imports {t} (layer {layer_of(t, table)})"
        for m, targets in all_imports().items()
        for t in targets
        if (m, t) not in KNOWN and (layer_of(t, table) or 0) > (layer_of(m, table) or 0)
    )
    assert not upward, "\n".join(upward)


def con_uses(source: str) -> list[int]:
    """Lines of source that touch a DuckDB connection through an attribute `con`
    (`store.con`, `self.con`, `getattr(x, "con")`)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "con":
            lines.append(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr"}
            and any(isinstance(a, ast.Constant) and a.value == "con" for a in node.args[1:2])
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_store_touches_its_connection():
    """The store is the only door: nothing outside pipelines/store/ uses `store.con`
    (scratch tables through Store.scratch, queries through Store.execute/df/raw_df)."""
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for name, path in modules().items()
        if not (name == "pipelines.store" or name.startswith("pipelines.store."))
        for line in con_uses(path.read_text(encoding="utf-8"))
    ]
    assert not found, f"the store's connection used outside pipelines/store/: {found}"


@pytest.mark.parametrize(
    "source,flagged",
    [
        ("store.con.unregister('__dtks_x')", True),
        ("def f(s):\n    return s.con.execute('SELECT 1').df()", True),
        ("con = getattr(store, 'con')", True),
        ("with store.scratch('x', frame) as t:\n    store.df(f'SELECT * FROM {t}')", False),
        ("con = duckdb.connect(); store.df('SELECT 1'); x.conn", False),
    ],
)
def test_the_connection_rule_tells_a_use_from_none(source, flagged):
    """The check itself, on planted code: a use of `.con` is flagged, other code is not."""
    assert bool(con_uses(source)) is flagged


def test_the_known_exceptions_still_exist():
    """An exception that was fixed is taken off the list (and the document)."""
    found = all_imports()
    gone = [pair for pair in KNOWN if pair[1] not in found.get(pair[0], set())]
    assert not gone, f"fixed, remove from KNOWN and docs/architecture.md: {gone}"


LATER_STAGES = {"pipelines.review", "pipelines.close"}


def test_publishing_and_the_reports_never_import_a_later_stage():
    """The review workbook is written on the report side (report/review_workbook.py) and the
    closed-month check sits in the store (store/periods.py): the month's files are built
    without the later stages that read decisions back and close the month, which themselves
    rewrite the month through publish.rewriting."""
    found = all_imports()
    writers = [
        m
        for m in found
        if m in ("pipelines.publish", "pipelines.finalize.persist")
        or m.startswith("pipelines.report.")
    ]
    assert "pipelines.publish" in writers and "pipelines.report.review_workbook" in writers
    leaning = sorted(f"{m} -> {t}" for m in writers for t in found[m] & LATER_STAGES)
    assert not leaning, f"publishing leans on a later stage: {leaning}"


def test_schemas_import_only_the_foundation():
    table = layers()
    for m, targets in all_imports().items():
        if m == "schemas" or m.startswith("schemas."):
            above = [t for t in targets if not t.startswith("schemas") and layer_of(t, table)]
            assert not above, f"{m} imports {above}"


def test_only_the_flows_import_prefect():
    """The stages run without Prefect: only flows.py, service.py, prefect_server.py and the
    interfaces (cli/, web/) may import it."""
    table = layers()
    users = []
    for name, path in modules().items():
        if name in PREFECT_ALLOWED or layer_of(name, table) == 6:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            mods = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            users += [
                name for m in mods if m == "prefect" or m.startswith(("prefect.", "prefect_"))
            ]
    assert not users, f"Prefect imported by {sorted(set(users))}"


@pytest.mark.parametrize(
    "importer,imported,upward",
    [
        ("pipelines.store.snapshots", "pipelines.finalize", True),
        ("pipelines.finalize", "pipelines.store", False),
        ("pipelines.stages", "pipelines.cli.common", True),
        ("pipelines.cli.supervisor", "pipelines.stages", False),
    ],
)
def test_the_rule_tells_up_from_down(importer, imported, upward):
    """The check itself: a store module importing a stage is flagged, the reverse is not."""
    table = layers()
    assert ((layer_of(imported, table) or 0) > (layer_of(importer, table) or 0)) is upward
