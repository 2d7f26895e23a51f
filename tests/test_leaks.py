"""Personal data never leaves through errors: hostile rows in, nothing personal out.

NUL and other control characters are planted (seeded) in register rows that the period's
prelists match and in prelist rows; the snapshot is loaded and the month finalised through
the installed `dtks` as a Prefect flow, against a Prefect server (PREFECT_API_URL). Whatever
the run's outcome, no planted NIK, No KK or name may be on stdout or stderr or anywhere in
Prefect's homes, the data root's and the server's with its database (every file, read as
bytes, and the base64 of saved results decoded), and no NIK or KK of the register may be in
Prefect's files. A scratch folder left by a killed run is removed by this run.
"""

from __future__ import annotations

import base64
import binascii
import csv
import io
import random
import re
import shutil
from pathlib import Path

import pytest
from cli_helpers import dtks

from pipelines.config import Home

CONTROL = ["\x00", "\x0b", "\x07", "\x1f", "\x0c"]
FIELDS_SNAPSHOT = ["NAMA", "ALAMAT", "NAMA IBU KANDUNG", "TEMPAT LAHIR", "PEKERJAAN"]
FIELDS_PRELIST = ["Nama Lengkap", "Alamat", "Nama Ibu Kandung", "Tempat Lahir", "Pekerjaan"]


def _poison(value: str, rng: random.Random) -> str:
    i = rng.randrange(1, max(2, len(value)))
    return value[:i] + rng.choice(CONTROL) + value[i:]


def _plant_snapshot(home: Home, rng: random.Random) -> list[dict[str, str]]:
    """Control characters in the register rows the period's prelist rows are matched to."""
    truth = home.raw.parent / "raw" / "2026-11_truth.csv"
    with truth.open(encoding="utf-8") as fh:
        matched = sorted({r["truth_id_dtks"] for r in csv.DictReader(fh) if r["truth_id_dtks"]})
    chosen = set(rng.sample(matched, 8))
    snap = next((home.raw / "dtks").glob("*.csv"))
    with snap.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    planted = []
    for row in rows:
        if row["ID DTKS"] in chosen:
            planted.append({"nik": row["NIK"], "kk": row["NO KK"], "nama": row["NAMA"]})
            for field in rng.sample(FIELDS_SNAPSHOT, 2):
                row[field] = _poison(row[field], rng)
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    snap.write_text(out.getvalue(), encoding="utf-8")
    return planted


def _plant_prelists(home: Home, rng: random.Random) -> list[dict[str, str]]:
    """Control characters in rows of every CSV prelist (both dialects the demo writes)."""
    planted = []
    for path in sorted((home.raw / "2026-11").glob("*/*.csv")):
        raw = path.read_bytes()
        text, enc = (
            (raw.decode("utf-8-sig"), "utf-8-sig")
            if raw.startswith(b"\xef\xbb\xbf")
            else (raw.decode("cp1252"), "cp1252")
        )
        delim = (
            ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
        )
        rows = list(csv.reader(io.StringIO(text), delimiter=delim))
        header = rows[0]
        if "Nama Lengkap" not in header:  # a berita acara
            continue
        col = {name: header.index(name) for name in header}
        for row in rng.sample(rows[1:], 2):
            planted.append(
                {
                    "nik": row[col["NIK"]].strip("' "),
                    "kk": row[col["No. KK"]].strip("' "),
                    "nama": row[col["Nama Lengkap"]].strip(),
                }
            )
            for field in rng.sample([f for f in FIELDS_PRELIST if f in col], 2):
                row[col[field]] = _poison(row[col[field]], rng)
        out = io.StringIO()
        csv.writer(out, delimiter=delim, lineterminator="\r\n").writerows(rows)
        path.write_bytes(out.getvalue().encode(enc, errors="replace"))
    return planted


def _needles(planted: list[dict[str, str]]) -> set[str]:
    found = set()
    for p in planted:
        found.update(v for v in (p["nik"], p["kk"]) if re.fullmatch(r"\d{16}", v))
        name = " ".join(p["nama"].split())
        if len(name) >= 6:
            found.add(name)
    return found


def _prefect_text(prefect_home: Path) -> bytes:
    """Every file of Prefect's home, and saved results (base64 pickles) decoded."""
    chunks = []
    for f in prefect_home.rglob("*"):
        if not f.is_file():
            continue
        data = f.read_bytes()
        chunks.append(data)
        try:
            chunks.append(base64.b64decode(b"".join(data.split()), validate=False))
        except (binascii.Error, ValueError):
            pass
    return b"\n".join(chunks)


@pytest.fixture(scope="module")
def hostile_run(demo_home, tmp_path_factory, prefect_server):
    h = Home(tmp_path_factory.mktemp("leaks") / "root")
    shutil.copytree(demo_home.root, h.root, ignore=shutil.ignore_patterns("processed"))
    h.ensure()
    rng = random.Random(1405)
    planted = _plant_snapshot(h, rng) + _plant_prelists(h, rng)
    # what a run killed while publishing leaves behind: personal data in a hidden folder
    for stale in (".2026-11.0badc0de.tmp", ".2026-10.old"):
        (h.processed / stale).mkdir(parents=True)
        (h.processed / stale / "outcomes.csv").write_text(planted[0]["nik"], encoding="utf-8")
    load = dtks(
        "load-dtks", *map(str, (h.raw / "dtks").glob("*.csv")), "--petugas", "uji", home=h.root
    )
    flows_before = len(prefect_server.flow_runs("finalisasi-bulanan"))
    run = dtks("finalize", "2026-11", home=h.root, PREFECT_API_URL=prefect_server.api)
    run.flow_runs = len(prefect_server.flow_runs("finalisasi-bulanan")) - flows_before
    return h, planted, load, run, prefect_server


def test_hostile_rows_put_no_personal_data_on_screen_or_in_prefect(hostile_run):
    h, planted, load, run, server = hostile_run
    needles = _needles(planted)
    assert len(needles) > 40
    assert load.returncode == 0, load.stderr
    # the run may end in an error (a value it cannot write) but never with a traceback
    assert run.returncode in (0, 1, 3), run.stderr[-2000:]
    assert "Traceback" not in run.stderr + load.stderr
    console = load.stdout + load.stderr + run.stdout + run.stderr
    on_screen = sorted(n for n in needles if n in console)
    assert not on_screen, f"printed: {on_screen}"
    # the run went through the Prefect flow, recorded by the server
    assert "flow Prefect" in run.stdout and run.flow_runs == 1
    prefect = _prefect_text(h.prefect_home) + _prefect_text(server.home)
    assert len(prefect) > 100_000, "Prefect's database was not written: no run to check"
    in_prefect = sorted(n for n in needles if n.encode() in prefect)
    assert not in_prefect, f"in Prefect's home: {in_prefect}"
    register = set()
    with next((h.raw / "dtks").glob("*.csv")).open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            register.update({row["NIK"], row["NO KK"]})
    numbers = {m.decode() for m in re.findall(rb"\d{16}", prefect)}
    assert not numbers & register, "register NIK/KK in Prefect's files"
    storage = h.prefect_home / "storage"
    assert not storage.exists() or not any(storage.iterdir()), "results or exceptions saved"


def test_a_killed_runs_scratch_folders_are_removed_by_the_next_run(hostile_run):
    h, *_ = hostile_run
    left = sorted(p.name for p in h.processed.iterdir() if p.name.endswith((".tmp", ".old")))
    assert left == []
