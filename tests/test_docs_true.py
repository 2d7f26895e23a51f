"""The repository's own docs stay true: what they name exists, and nothing points outside."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
SOURCES = [
    p
    for d in ("pipelines", "schemas", "tests", "benchmarks")
    for p in sorted((ROOT / d).rglob("*"))
    if p.suffix in {".py", ".sql", ".toml"} and p.is_file()
]
# files of the project's workplace, not of this repository: a reader of the code has none
OUTSIDE = re.compile(r"\b(DOMAIN|STACK|STYLE)\.md\b|\bseeds?[ /]0\d\d")


def test_no_code_or_doc_points_at_a_file_outside_the_repository():
    this = Path(__file__).resolve()
    found = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in [*DOCS, *SOURCES, ROOT / "pyproject.toml", ROOT / "Makefile"]
        if p != this
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert not found, "cite docs/domain.md instead:\n" + "\n".join(found)


def test_every_make_target_and_benchmark_the_docs_name_exists():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.M))
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS)
    named = set(re.findall(r"`make ([a-z][a-z-]*)`", text))
    named |= set(re.findall(r"^make ([a-z][a-z-]*)", text, flags=re.M))  # in code blocks
    assert named, "the README names its make targets"
    assert named <= targets, f"not in the Makefile: {sorted(named - targets)}"
    scripts = set(re.findall(r"benchmarks/[A-Za-z0-9_]+\.py", text))
    assert scripts, "the README lists the benchmarks"
    assert all((ROOT / s).is_file() for s in scripts), sorted(
        s for s in scripts if not (ROOT / s).is_file()
    )


def test_no_markdown_table_is_broken_by_a_blank_line():
    for doc in DOCS:
        lines = [line.strip() for line in doc.read_text(encoding="utf-8").splitlines()]
        for i in range(1, len(lines) - 1):
            if not lines[i] and lines[i - 1].startswith("|") and lines[i + 1].startswith("|"):
                # a new table starts with a header row and a |---| rule
                rule = i + 2 < len(lines) and re.fullmatch(r"\|[-:| ]+\|", lines[i + 2])
                assert rule, f"{doc.name}:{i + 1}: a blank line splits a table"


def test_every_test_marked_slow_exists():
    from conftest import SLOW

    for entry in SLOW:
        module, name = entry.split("::")
        text = (ROOT / "tests" / module).read_text(encoding="utf-8")
        assert re.search(rf"^(def|class) {name}\b|^{name} = ", text, flags=re.M), entry
