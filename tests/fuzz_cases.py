"""The fuzzer behind tests/test_fuzz.py and benchmarks/bench_fuzz.py.

From the committed corpus (tests/fixtures/corpus), each case copies one kelurahan folder and
mutates one of its files: bytes flipped, truncated, control characters or formula strings
injected into cells, a cell moved far right or down (or beyond Excel's grid), the sheet
emptied, a huge dimension declared, a zip entry inflated (a small zip bomb), cell references
removed, rows shuffled; for CSV also mixed encodings, a field far right, NUL bytes, the header
removed. The property, for every case:

- no crash: the kelurahan is read in a forked child (hostile_files.run_forked), so a reader
  that aborts shows up as a finding instead of ending the run;
- every file of the folder is either read (its rows, decisions or meeting are there) or
  named in a problem;
- every row read gets exactly one outcome (decide + publish over all cases together, also
  in a child), and no output workbook holds a formula, no output CSV field starts like one;
- no NIK of the corpus on stderr (checked by the caller).
"""

from __future__ import annotations

import io
import random
import re
import shutil
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from hostile_files import run_forked
from tests_helpers import CORPUS, corpus_root

from pipelines.config import Home

PERIOD = "2026-11"
FORMULAS = ['=HYPERLINK("http://x","klik")', "+SUM(1,1)", "@SUM(2,2)", "-2+3", "=cmd|' /C calc'!A0"]
CONTROLS = ["\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x01"]
SOURCES = sorted(
    p for p in (CORPUS / "raw" / PERIOD).rglob("*") if p.is_file() and p.parent.name[:2].isdigit()
)


@dataclass
class Case:
    number: int
    mutation: str
    source: str  # corpus file mutated (relative to the period folder)
    folder: Path
    files: list[str] = field(default_factory=list)  # relative to the period folder


@dataclass
class Report:
    cases: int = 0
    crashes: list[tuple[int, str, str, object]] = field(default_factory=list)
    files_read: int = 0
    files_refused: int = 0
    rows: int = 0
    outcomes: int = 0
    violations: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # errors only the catch-all caught
    by_mutation: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


# --- mutations: (data, suffix, rng) -> new bytes, or None where it does not apply -----------


def _flip(data, suffix, rng):
    if not data:
        return None
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def _truncate(data, suffix, rng):
    return data[: rng.randrange(len(data))] if data else None


def _zip_parts(data: bytes) -> dict[str, bytes] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {i.filename: z.read(i) for i in z.infolist()}
    except (zipfile.BadZipFile, EOFError, KeyError, zlib.error):
        return None


def _rezip(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    return buf.getvalue()


def _on_sheet(data, fn, rng):
    """Apply fn(xml, rng) -> xml to one worksheet of an xlsx; None when not an xlsx."""
    parts = _zip_parts(data)
    sheets = [n for n in (parts or {}) if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    if not sheets:
        return None
    name = rng.choice(sheets)
    new = fn(parts[name], rng)
    if new is None:
        return None
    parts[name] = new
    return _rezip(parts)


def _text_cells(xml: bytes) -> list[re.Match]:
    return list(re.finditer(rb"<t(?: [^>]*)?>([^<]*)</t>", xml))


def _inject(strings):
    def into_xlsx(xml, rng):
        cells = _text_cells(xml)
        if not cells:
            return None
        for m in sorted(
            rng.sample(cells, min(len(cells), rng.randint(1, 4))), key=lambda m: -m.start()
        ):
            s = rng.choice(strings)
            text = m.group(1).decode("utf-8", "replace")
            text = s + text if strings is FORMULAS else text[:1] + s + text[1:]
            esc = text.replace("&", "&amp;").replace("<", "&lt;").encode("utf-8")
            esc = re.sub(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda c: b"&#%d;" % c.group()[0], esc)
            xml = xml[: m.start(1)] + esc + xml[m.end(1) :]
        return xml

    def mutate(data, suffix, rng):
        if suffix == ".csv":
            lines = data.split(b"\n")
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(1, max(2, len(lines)))
                if i < len(lines) and lines[i]:
                    fields = lines[i].split(b";" if b";" in lines[i] else b",")
                    j = rng.randrange(len(fields))
                    s = rng.choice(strings).encode("utf-8")
                    fields[j] = (
                        s + fields[j] if strings is FORMULAS else fields[j][:1] + s + fields[j][1:]
                    )
                    lines[i] = (b";" if b";" in lines[i] else b",").join(fields)
            return b"\n".join(lines)
        return _on_sheet(data, into_xlsx, rng)

    return mutate


_REF = re.compile(rb'<c r="([A-Z]+)(\d+)"')


def _move(where):
    def move(xml, rng):
        refs = list(_REF.finditer(xml))
        if not refs:
            return None
        m = rng.choice(refs)
        far = {"right": b"XFD%s" % m.group(2), "down": m.group(1) + b"1048576",
               "beyond": rng.choice([b"XFE1", b"A1048577", b"A4294967295", b"ZZZZ9"]),
               }[where]  # fmt: skip
        return xml[: m.start(1)] + far + xml[m.end(2) :]

    return lambda data, suffix, rng: _on_sheet(data, move, rng)


def _empty_sheet(data, suffix, rng):
    if suffix == ".csv":
        return data.split(b"\n", 1)[0] + b"\n"
    return _on_sheet(data, lambda x, r: re.sub(rb"<sheetData>.*</sheetData>", b"<sheetData/>", x,
                                               flags=re.S), rng)  # fmt: skip


def _huge_dimension(data, suffix, rng):
    def declare(xml, r):
        ref = r.choice([b"A1:XFD1048576", b"A1:ZZ999999", b"A1:XFD1"])
        if b"<dimension" in xml:
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + ref + b'"', xml)
        return xml.replace(b"<sheetData", b'<dimension ref="' + ref + b'"/><sheetData', 1)

    return _on_sheet(data, declare, rng)


def _inflate_entry(data, suffix, rng):
    """A worksheet replaced by ~24 MiB of empty rows: a zip bomb in miniature."""
    parts = _zip_parts(data)
    sheets = [n for n in (parts or {}) if n.startswith("xl/worksheets/")]
    if not sheets:
        return None
    head, _, tail = parts[sheets[0]].partition(b"</sheetData>")
    parts[sheets[0]] = head + b"<row/>" * (4 << 20) + b"</sheetData>" + tail
    return _rezip(parts)


def _no_refs(data, suffix, rng):
    return _on_sheet(data, lambda x, r: re.sub(rb' r="[A-Z]*\d+"', b"", x) or None, rng)


def _shuffle_rows(data, suffix, rng):
    def shuffle(xml, r):
        rows = re.findall(rb"<row .*?</row>", xml, flags=re.S)
        if len(rows) < 2:
            return None
        shuffled = rows[:]
        r.shuffle(shuffled)
        body = b"".join(shuffled)
        return re.sub(rb"<sheetData>.*</sheetData>", lambda _: b"<sheetData>" + body + b"</sheetData>",
                      xml, flags=re.S)  # fmt: skip

    return _on_sheet(data, shuffle, rng)


def _csv_only(fn):
    return lambda data, suffix, rng: fn(data, rng) if suffix == ".csv" else None


def _mixed_encoding(data, rng):
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    lines[i] = lines[i] + ";SÉPTIANA"
    return (
        "\n".join(lines[:i]).encode()
        + b"\n"
        + lines[i].encode("cp1252", "replace")
        + (b"\n" + "\n".join(lines[i + 1 :]).encode() if i + 1 < len(lines) else b"")
    )


def _far_field(data, rng):
    if not data:
        return None
    lines = data.split(b"\n")
    i = rng.randrange(len(lines))
    lines[i] += b";" * rng.choice([100, 16_384, 20_000]) + b"X"
    return b"\n".join(lines)


def _nul_bytes(data, rng):
    b = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        b.insert(rng.randrange(len(b) + 1), 0)
    return bytes(b)


def _no_header(data, rng):
    return data.split(b"\n", 1)[1] if b"\n" in data else None


MUTATIONS = {
    "bytes_flipped": _flip,
    "truncated": _truncate,
    "control_chars": _inject(CONTROLS),
    "formula_strings": _inject(FORMULAS),
    "cell_far_right": _move("right"),
    "cell_far_down": _move("down"),
    "cell_beyond_grid": _move("beyond"),
    "empty_sheet": _empty_sheet,
    "huge_dimension": _huge_dimension,
    "zip_entry_inflated": _inflate_entry,
    "no_cell_refs": _no_refs,
    "rows_shuffled": _shuffle_rows,
    "csv_mixed_encoding": _csv_only(_mixed_encoding),
    "csv_far_field": _csv_only(_far_field),
    "csv_nul_bytes": _csv_only(_nul_bytes),
    "csv_no_header": _csv_only(_no_header),
}


def build(root: Path, cases: int, seed: int) -> list[Case]:
    """A data root (corpus register loaded) whose period holds one folder per case."""
    corpus_root(root)
    period = Home(root).period_raw(PERIOD)
    shutil.rmtree(period)
    rng = random.Random(seed)
    names = sorted(MUTATIONS)
    out = []
    for n in range(cases):
        name = names[n % len(names)]  # every kind of mutation, in turn
        while True:
            src = rng.choice(SOURCES)
            data = MUTATIONS[name](src.read_bytes(), src.suffix.lower(), rng)
            if data is not None:
                break
        folder = period / f"62.71.99.{n + 1:04d} kasus {name}"
        shutil.copytree(src.parent, folder)
        (folder / src.name).write_bytes(data)
        rel = [p.relative_to(period).as_posix() for p in sorted(folder.rglob("*")) if p.is_file()]
        out.append(Case(n, name, src.relative_to(CORPUS / "raw" / PERIOD).as_posix(), folder, rel))
    return out


def _read(folder: Path, period: Path):
    from pipelines.ingest import discover

    return discover.read_kelurahan(discover.parse_folder_code(folder.name), folder, period)


def _finalise(root: Path, parts):
    """decide + publish over every case read; the counts the property needs."""
    import pandas as pd

    from pipelines.finalize import deciding
    from pipelines.finalize.batch import combine
    from pipelines.outcomes import OUTCOMES
    from pipelines.publish import publish
    from pipelines.store import open_store

    home = Home(root)
    batch = combine(PERIOD, parts, [])
    with open_store(home.store_path) as store:
        outcomes = deciding.decide(batch, store, "6271")
        publish(store, home, batch, outcomes)
    return {
        "rows": len(batch.prelist),
        "outcomes": len(outcomes),
        "unique": bool(outcomes["row_id"].is_unique),
        "valid": bool(outcomes["outcome"].isin(OUTCOMES).all()),
        "files": sorted(pd.unique(outcomes["source_file"])),
    }


def run(root: Path, cases: int, seed: int) -> Report:
    """Build, read every case in a child, then finalise them together; the findings."""
    t0 = time.perf_counter()
    report = Report()
    period = Home(root).period_raw(PERIOD)
    built = build(root, cases, seed)
    parts = []
    for case in built:
        report.cases += 1
        report.by_mutation[case.mutation] = report.by_mutation.get(case.mutation, 0) + 1
        got = run_forked(_read, case.folder, period, timeout=120)
        if got[0] != "ok":
            report.crashes.append((case.number, case.mutation, case.source, got))
            continue
        kin = got[1]
        parts.append(kin)
        used = set()
        for frame in (kin.prelist, kin.decisions):
            if frame is not None:
                used |= set(frame["source_file"])
        used |= {m["source_file"] for m in kin.meetings}
        named = {p["source_file"] for p in kin.problems}
        report.unexpected += [
            f"case {case.number} {case.mutation} on {case.source}: {p['masalah'][:90]}"
            for p in kin.problems
            if "kesalahan tak terduga" in p["masalah"]
        ]
        for rel in case.files:
            if rel in used:
                report.files_read += 1
            elif rel in named:
                report.files_refused += 1
            else:
                report.violations.append(
                    f"case {case.number} {case.mutation}: {rel} neither read nor named"
                )
    got = run_forked(_finalise, root, parts, timeout=600)
    if got[0] != "ok":
        report.crashes.append((-1, "decide+publish", "", got))
    else:
        f = got[1]
        report.rows, report.outcomes = f["rows"], f["outcomes"]
        if not (f["rows"] == f["outcomes"] and f["unique"] and f["valid"]):
            report.violations.append(
                f"rows {f['rows']} -> outcomes {f['outcomes']} (unique {f['unique']})"
            )
        report.violations += _output_violations(Home(root).period_out(PERIOD))
    report.seconds = time.perf_counter() - t0
    return report


def _output_violations(out: Path) -> list[str]:
    """Formula cells in output workbooks, formula-like fields in output CSVs."""
    import csv

    from openpyxl import load_workbook

    found = []
    for path in sorted(out.rglob("*.xlsx")):
        for ws in load_workbook(path).worksheets:
            if ws.max_column > 16_384:
                found.append(f"{path.name}: {ws.max_column} columns")
            for row in ws.iter_rows():
                found += [f"{path.name}!{c.coordinate}: formula" for c in row if c.data_type == "f"]
    for path in sorted(out.rglob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for line in csv.reader(fh, delimiter=";"):
                found += [
                    f"{path.name}: {v[:20]!r}"
                    for v in line
                    if v.startswith(("=", "+", "-", "@", "\t", "\r"))
                ]
    return found
