"""DTSEN family files: loaded as versions with history, joined to the register, compared."""

from __future__ import annotations

import csv
import hashlib
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from dtsen_files import bps_row, write_csv, write_xlsx
from openpyxl import load_workbook

from pipelines.config import Home
from pipelines.errors import ConfigError, DtsenRejected
from pipelines.ingest.dtsen import load
from pipelines.report import desil_change
from pipelines.store import open_store

DTKS = str(Path(sys.executable).with_name("dtks"))
DAY1, DAY2 = "2026-08-01", "2026-10-01"


@pytest.fixture(scope="module")
def register(loaded_home, tmp_path_factory) -> Home:
    """A private copy of the demo root with its register loaded, no DTSEN data yet."""
    root = tmp_path_factory.mktemp("dtsen") / "root"
    shutil.copytree(loaded_home.root, root)
    return Home(root)


@pytest.fixture
def home(register, tmp_path) -> Home:
    root = tmp_path / "root"
    shutil.copytree(register.root, root)
    return Home(root)


@pytest.fixture(scope="module")
def households(register) -> list[dict]:
    with open_store(register.store_path, read_only=True) as store:
        rows = store.df(
            "SELECT no_kk, kode_wilayah, nama_kepala_keluarga FROM v_households_current "
            "ORDER BY no_kk"
        )
    return rows.to_dict("records")


def _families(
    households, rng: random.Random, n: int, extra: int = 0, tag: str = "01"
) -> list[dict]:
    """n registered households and `extra` families the register does not hold."""
    out = [
        {"no_kk": h["no_kk"], "kode": h["kode_wilayah"], "nama": h["nama_kepala_keluarga"],
         "desil": rng.randint(1, 10)}
        for h in rng.sample(households, n)
    ]  # fmt: skip
    for i in range(extra):
        kode = rng.choice(households)["kode_wilayah"]
        out.append(
            {"no_kk": f"{kode[:6]}01{tag}{i:06d}", "kode": kode, "nama": f"WARGA LAIN {i}",
             "desil": rng.randint(1, 10), "sumber": ["REGSOSEK"]}
        )  # fmt: skip
    return out


def _load(home: Home, path: Path, day: str = DAY1, **kw):
    import datetime as dt

    with open_store(home.store_path) as store:
        return load(store, [path], petugas="Rina", tanggal=dt.date.fromisoformat(day), **kw)


def _current(home: Home, version: int | None = None) -> dict[str, int | None]:
    with open_store(home.store_path, read_only=True) as store:
        sql = (
            "SELECT no_kk, desil_nasional FROM dtsen_current"
            if version is None
            else f"SELECT no_kk, desil_nasional FROM dtsen_as_of({int(version)})"
        )
        return dict(store.execute(sql).fetchall())


def test_a_dtsen_file_loads_as_a_version_joined_to_the_register(home, households, tmp_path):
    rng = random.Random(1)
    fams = _families(households, rng, 400, extra=50)
    path = write_csv(tmp_path / "dtsen_v1.csv", fams)
    res, staged = _load(home, path, rilis="Agustus 2026")
    assert res.version_id == 1 and res.families == 450 and res.in_register == 400
    assert staged.rows == 450 and staged.rows_skipped == 0
    with open_store(home.store_path, read_only=True) as store:
        v = store.df("SELECT * FROM dtsen_version")
        assert list(v["petugas"]) == ["Rina"] and list(v["rilis"]) == ["Agustus 2026"]
        assert str(v["tanggal"][0])[:10] == DAY1 and list(v["source_files"][0]) == [path.name]
        cur = store.df("SELECT * FROM v_desil_current")
        per = store.df("SELECT * FROM v_desil_per_kelurahan")
        persons = store.df("SELECT * FROM v_persons_desil WHERE desil_nasional IS NOT NULL")
        members = store.one(
            "SELECT count(*) FROM dtks_current WHERE list_contains(?, no_kk)",
            [[f["no_kk"] for f in fams[:400]]],
        )[0]
    assert dict(zip(cur["no_kk"], cur["desil_nasional"], strict=True)) == {
        f["no_kk"]: f["desil"] for f in fams
    }
    assert int(cur["terdaftar_dtks"].sum()) == 400
    # a registered family's kelurahan is the register's; the others keep the file's
    assert dict(zip(cur["no_kk"], cur["kode_wilayah"], strict=True)) == {
        f["no_kk"]: f["kode"] for f in fams
    }
    assert int(per["keluarga"].sum()) == 450
    assert int(per[[f"desil_{d}" for d in range(1, 11)]].to_numpy().sum()) == 450
    assert len(persons) == members  # every member of a registered family gets its desil
    assert set(cur["sumber"].map(tuple)) == {("DTKS",), ("REGSOSEK",)}


def test_history_same_file_twice_and_an_earlier_version_again(home, households, tmp_path):
    rng = random.Random(2)
    v1 = _families(households, rng, 300)
    v2 = [dict(f, desil=rng.randint(1, 10)) if i % 4 == 0 else f for i, f in enumerate(v1)]
    v2 = v2[:290] + _families(households, rng, 0, 5, tag="99")
    p1, p2 = write_csv(tmp_path / "v1.csv", v1), write_xlsx(tmp_path / "v2.xlsx", v2)
    _load(home, p1)
    res, _ = _load(home, p2, DAY2)
    expected_changed = sum(1 for a, b in zip(v1[:290], v2[:290], strict=True) if a != b)
    assert (res.version_id, res.removed, res.changed) == (2, 10, expected_changed)
    assert _current(home) == {f["no_kk"]: f["desil"] for f in v2}
    assert _current(home, 1) == {f["no_kk"]: f["desil"] for f in v1}
    again, _ = _load(home, p2, DAY2)  # the file that is current: nothing recorded
    assert again.already_current and again.version_id is None
    back, _ = _load(home, p1)  # an earlier version's file: current again, as a new version
    assert (back.version_id, back.same_as) == (3, 1)
    assert _current(home) == {f["no_kk"]: f["desil"] for f in v1}
    assert _current(home, 2) == {f["no_kk"]: f["desil"] for f in v2}
    assert _load(home, p1)[0].already_current
    with open_store(home.store_path, read_only=True) as store:
        assert store.one("SELECT count(*) FROM dtsen_version")[0] == 3


@pytest.mark.parametrize("fmt", ["pipe", "semicolon", "comma", "xlsx"])
def test_the_same_families_load_alike_in_every_format(home, households, tmp_path, fmt):
    fams = _families(households, random.Random(3), 120, extra=10)
    path = (
        write_xlsx(tmp_path / "d.xlsx", fams)
        if fmt == "xlsx"
        else write_csv(tmp_path / "d.csv", fams, {"pipe": "|", "semicolon": ";", "comma": ","}[fmt])
    )
    res, _ = _load(home, path)
    assert res.families == 130
    with open_store(home.store_path, read_only=True) as store:
        got = store.df("SELECT no_kk, desil_nasional, kode_wilayah, sumber FROM dtsen_current")
    assert dict(zip(got["no_kk"], got["kode_wilayah"], strict=True)) == {
        f["no_kk"]: f["kode"] for f in fams
    }
    assert dict(zip(got["no_kk"], got["desil_nasional"], strict=True)) == {
        f["no_kk"]: f["desil"] for f in fams
    }


@pytest.mark.parametrize("ragged", [False, True])
def test_rows_without_a_usable_kk_are_named_not_dropped_in_silence(
    home, households, tmp_path, ragged
):
    fams = _families(households, random.Random(4), 100)
    rows = [bps_row(f) for f in fams]
    rows[10][0] = ""
    rows[20][0] = rows[20][0][:15]
    if ragged:  # a row with a cell too many: read again the slow way, same rows named
        rows[50].append("")
    res, staged = _load(home, write_csv(tmp_path / "d.csv", fams, rows=rows))
    assert res.families == 98 and staged.rows == 100 and staged.rows_skipped == 2
    assert staged.skipped["NO KK kosong"].where == ["d.csv baris 12"]
    assert staged.skipped["NO KK rusak (bukan 16 digit)"].where == ["d.csv baris 22"]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("sci", "kolom NO KK sebagian besar rusak"),
        ("desil", "nilai DESIL NASIONAL tidak dapat dibaca pada 1 baris (d.csv baris 6)"),
        ("conflict", "NO KK yang sama muncul dengan data berbeda"),
        ("empty", "tidak memuat satu baris keluarga pun"),
    ],
)
def test_a_damaged_dtsen_file_is_refused_whole(home, households, tmp_path, damage, message):
    fams = _families(households, random.Random(5), 60)
    rows = [bps_row(f) for f in fams]
    if damage == "sci":  # opened and saved in Excel: 6,27101E+15
        for r in rows[:20]:
            r[0] = f"{int(r[0]):.5E}".replace(".", ",")
    elif damage == "desil":
        rows[4][6] = "11"
    elif damage == "conflict":
        rows.append([*rows[0][:6], (int(rows[0][6]) % 10) + 1, *rows[0][7:]])
    else:
        rows = []
    with pytest.raises(DtsenRejected, match=re.escape(message)):
        _load(home, write_csv(tmp_path / "d.csv", fams, rows=rows))
    with open_store(home.store_path, read_only=True) as store:
        assert store.one("SELECT count(*) FROM dtsen_version")[0] == 0
        assert store.one("SELECT count(*) FROM dtsen_family")[0] == 0


def test_a_damaged_dtsen_file_is_refused_by_the_installed_command(home, households, tmp_path):
    fams = _families(households, random.Random(6), 80)
    good = _load(home, write_xlsx(tmp_path / "good.xlsx", fams))[0]
    assert good.version_id == 1
    # the same families typed as numbers in Excel: 16 digits do not survive
    bad = write_xlsx(tmp_path / "excel.xlsx", fams, kk_as_number=True)
    r = subprocess.run(
        [DTKS, "load-dtsen", str(bad), "--petugas", "Rina", "--tanggal", DAY2, "--home",
         str(home.root)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    err = " ".join(r.stderr.split())
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Berkas DTSEN ditolak seluruhnya: kolom NO KK sebagian besar rusak" in err, err
    assert "Traceback" not in r.stderr
    for f in fams:  # personal data stays out of the message
        assert f["no_kk"] not in r.stderr and f["nama"] not in r.stderr
    with open_store(home.store_path, read_only=True) as store:
        assert store.one("SELECT count(*) FROM dtsen_version")[0] == 1


def test_a_file_dropping_many_families_needs_the_flag(home, households, tmp_path):
    fams = _families(households, random.Random(7), 200)
    _load(home, write_csv(tmp_path / "all.csv", fams))
    part = write_csv(tmp_path / "part.csv", fams[:150])
    with pytest.raises(
        DtsenRejected, match=r"(?s)menghapus 50 dari 200 keluarga .*--perubahan-besar"
    ):
        _load(home, part, DAY2)
    assert len(_current(home)) == 200
    res, _ = _load(home, part, DAY2, large_change=True)
    assert res.removed == 50 and len(_current(home)) == 150


def test_bps_region_codes_keep_the_file_code_and_take_the_register_kelurahan(
    home, households, tmp_path
):
    fams = _families(households, random.Random(8), 30, extra=3)
    rows = [bps_row(f) for f in fams]
    for r in rows:  # BPS's own numbering: kecamatan 3 digits, desa 3 digits
        r[3], r[4] = r[2] + "010", r[2] + "010" + "001"
    _, staged = _load(home, write_csv(tmp_path / "bps.csv", fams, rows=rows))
    assert staged.unknown_region == 33
    with open_store(home.store_path, read_only=True) as store:
        cur = store.df("SELECT * FROM v_desil_current")
    got = dict(zip(cur["no_kk"], cur["kode_wilayah"], strict=True))
    assert {f["no_kk"]: got[f["no_kk"]] for f in fams[:30]} == {
        f["no_kk"]: f["kode"] for f in fams[:30]
    }
    assert all(pd.isna(got[f["no_kk"]]) for f in fams[30:])
    assert set(cur["kode_wilayah_sumber"]) == {fams[0]["kode"][:4] + "010001"}


# ---------------------------------------------------------------- desil-change work lists


def _plan(households, seed: int):
    """Two versions whose crossings are known: the expected (kk -> status) per programme
    and kelurahan is written down first, from the planned desil alone."""
    rng = random.Random(seed)
    v1 = _families(households, rng, 250, extra=20)
    v2 = []
    for f in v1:
        roll = rng.random()
        if roll < 0.05:
            continue  # gone
        v2.append(dict(f, desil=rng.randint(1, 10)) if roll < 0.4 else f)
    v2 += _families(households, rng, 0, 4, tag="99")
    return v1, v2


def _expected(v1, v2, cuts) -> dict[str, dict[str, dict[str, str]]]:
    a = {f["no_kk"]: f for f in v1}
    b = {f["no_kk"]: f for f in v2}
    out: dict[str, dict[str, dict[str, str]]] = {}
    for kk in a.keys() | b.keys():
        f = b.get(kk) or a[kk]
        for prog, cut in cuts.items():
            was = kk in a and a[kk]["desil"] <= cut
            now = kk in b and b[kk]["desil"] <= cut
            if was != now:
                status = "MASUK" if now else "KELUAR"
                out.setdefault(f["kode"], {}).setdefault(kk, {})[prog] = status
    return out


def _read_lists(folder: Path, cuts) -> dict[str, dict[str, dict[str, str]]]:
    got: dict[str, dict[str, dict[str, str]]] = {}
    for path in folder.glob("*_desil_berubah_*.xlsx"):
        if path.name.startswith("REKAP"):
            continue
        ws = load_workbook(path).active
        rows = list(ws.iter_rows(values_only=True))
        header = next(r for r in rows if r[0] == "NO")
        body = rows[rows.index(header) + 1 :]
        kode = path.name.split("_")[0]
        for r in body:
            rec = dict(zip(header, r, strict=True))
            cell = ws.cell(rows.index(r) + 1, header.index("NO KK") + 1)
            assert cell.data_type == "s" and cell.number_format == "@", "No KK as a text cell"
            statuses = {p: rec[f"{p} (DESIL 1-{c})"] for p, c in cuts.items()}
            got.setdefault(kode, {})[rec["NO KK"]] = {p: s for p, s in statuses.items() if s}
    return got


@pytest.mark.parametrize("seed", [11, 12])
def test_the_change_list_names_every_family_crossing_a_cut_off(home, households, tmp_path, seed):
    v1, v2 = _plan(households, seed)
    _load(home, write_csv(tmp_path / "v1.csv", v1))
    _load(home, write_xlsx(tmp_path / "v2.xlsx", v2), DAY2)
    cuts = desil_change.cutoffs(None)
    assert cuts == {"PKH": 4, "SEMBAKO": 5, "PBI-JK": 5}
    with open_store(home.store_path) as store:
        res = desil_change.write(store, home, 1, 2, cuts)
    expected = _expected(v1, v2, cuts)
    assert _read_lists(res.out_dir, cuts) == expected
    assert res.crossing == sum(len(v) for v in expected.values())
    for prog in cuts:
        assert res.totals[prog] == (
            sum(s.get(prog) == "MASUK" for k in expected.values() for s in k.values()),
            sum(s.get(prog) == "KELUAR" for k in expected.values() for s in k.values()),
        )
    recap = list(load_workbook(res.recap).active.iter_rows(values_only=True))
    total = next(r for r in recap if r[2] == "JUMLAH")
    assert total[3:5] == (len(v1), len(v2))
    assert total[6:8] == res.totals["PKH"]


def test_the_change_list_is_byte_stable_and_follows_dtks_toml(home, households, tmp_path):
    v1, v2 = _plan(households, 13)
    _load(home, write_csv(tmp_path / "v1.csv", v1))
    _load(home, write_csv(tmp_path / "v2.csv", v2), DAY2)

    def run(cuts):
        with open_store(home.store_path) as store:
            res = desil_change.write(store, home, 1, 2, cuts)
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in res.out_dir.iterdir()}

    first = run(desil_change.cutoffs(None))
    assert run(desil_change.cutoffs(None)) == first
    (home.root / "dtks.toml").write_text("[dtsen.ambang]\nPKH = 3\nBPNT = 6\n", encoding="utf-8")
    cuts = desil_change.cutoffs(home.config.dtsen.ambang)
    assert cuts == {"PKH": 3, "BPNT": 6}
    run(cuts)
    folder = home.processed / "dtsen" / "desil_berubah_v1_v2"
    assert _read_lists(folder, cuts) == _expected(v1, v2, cuts)
    with pytest.raises(ConfigError, match="PKH = 11"):
        desil_change.cutoffs({"PKH": 11})


def test_desil_berubah_through_the_installed_command(home, households, tmp_path):
    v1, v2 = _plan(households, 14)
    _load(home, write_csv(tmp_path / "v1.csv", v1))
    r = subprocess.run([DTKS, "desil-berubah", "--home", str(home.root)], capture_output=True,
                       text=True)  # fmt: skip
    assert r.returncode == 1 and "perbandingan perlu dua" in " ".join(r.stderr.split())
    _load(home, write_csv(tmp_path / "v2.csv", v2), DAY2)
    r = subprocess.run([DTKS, "desil-berubah", "--dari", DAY1, "--ke", "#2", "--home",
                        str(home.root)], capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert "#1 (01-08-2026) -> #2 (01-10-2026)" in out
    expected = _expected(v1, v2, desil_change.DEFAULT_CUTOFFS)
    assert f"{sum(len(v) for v in expected.values())} melewati batas" in out
    r = subprocess.run([DTKS, "desil-berubah", "--dari", "Maret 2020", "--home",
                        str(home.root)], capture_output=True, text=True)  # fmt: skip
    assert r.returncode == 1 and "Versi DTSEN 'Maret 2020' tidak ditemukan" in r.stderr


# ---------------------------------------------------------------- desil where it is shown


def test_the_review_workbook_shows_the_family_desil(home, households, tmp_path):
    from conftest import PERIOD, run_finalize_stages

    from pipelines.report import review_workbook

    run_finalize_stages(home)
    with open_store(home.store_path, read_only=True) as store:
        final = store.df("SELECT * FROM prelist_final WHERE period = ?", [PERIOD])
    doubt = final[final["flow_outcome"] == "perlu_verifikasi"]
    kks = sorted(set(doubt["no_kk"].dropna()))
    fams = [{"no_kk": k, "kode": "6271011001", "nama": "X", "desil": 1 + i % 10}
            for i, k in enumerate(kks)]  # fmt: skip
    fams += _families([h for h in households if h["no_kk"] not in kks], random.Random(9), 20)
    _load(home, write_csv(tmp_path / "d.csv", fams))
    with open_store(home.store_path) as store:
        path = review_workbook.write_workbook(store, PERIOD, final, tmp_path / "telaah.xlsx")
    rows = list(load_workbook(path)[review_workbook.SHEET].iter_rows(values_only=True))
    header = rows[1]
    assert header.index("DESIL") == header.index("NAMA IBU KANDIDAT") + 1
    desil = {f["no_kk"]: f["desil"] for f in fams}
    shown = [(r[header.index("NO KK")], r[header.index("DESIL")]) for r in rows[2:]]
    assert shown and all(d == desil.get(kk) for kk, d in shown)
    assert any(d is not None for _, d in shown)


def test_letters_show_the_desil_only_when_configured(home, households, tmp_path):
    from pypdf import PdfReader

    from pipelines import letters, signing

    signing.init_keys(home, "Dinas Sosial Kota Palangkaraya")
    with open_store(home.store_path, read_only=True) as store:
        nik, kk = store.one("SELECT nik, no_kk FROM dtks_current ORDER BY id_dtks LIMIT 1")
    _load(home, write_csv(tmp_path / "d.csv", [{"no_kk": kk, "kode": "6271011001", "nama": "X",
                                                "desil": 3}]), DAY2)  # fmt: skip

    def text() -> str:
        with open_store(home.store_path) as store:
            issued = letters.issue(store, home, nik, kk, "Rina", "6271")
        return " ".join(p.extract_text() for p in PdfReader(issued.path).pages)

    assert "Desil" not in text()
    (home.root / "dtks.toml").write_text("[surat]\ntampilkan_desil = true\n", encoding="utf-8")
    assert "desil nasional 3 (data DTSEN 01-10-2026)" in text()
    (home.root / "dtks.toml").write_text('[surat]\ntampilkan_desil = "ya"\n', encoding="utf-8")
    with pytest.raises(Exception, match="tampilkan_desil"):
        text()


def test_demo_dtsen_files_hold_two_versions_with_crossings(demo_home):
    from pipelines.ingest.dtsen import read
    from pipelines.synth import KABKOTA

    files = sorted((demo_home.raw / "dtsen").glob(f"DTSEN_{KABKOTA}_*"))
    assert [p.suffix for p in files] == [".csv", ".xlsx"]
    with files[0].open(encoding="utf-8", newline="") as fh:
        first = {r["nomor_kartu_keluarga"]: int(r["desil_nasional"])
                 for r in csv.DictReader(fh, delimiter="|")}  # fmt: skip
    work = Path(str(files[0]) + ".work")
    work.mkdir()
    try:
        staged = read(files[1:], work)
        import pyarrow.parquet as pq

        second = dict(
            zip(*(pq.read_table(staged.parts[0]).column(c).to_pylist()
                  for c in ("no_kk", "desil_nasional")), strict=True)
        )  # fmt: skip
    finally:
        shutil.rmtree(work)
    crossing = [k for k in first.keys() & second.keys() if (first[k] <= 4) != (second[k] <= 4)]
    assert len(crossing) > 20 and first.keys() - second.keys() and second.keys() - first.keys()
