"""Export layouts per target: columns and value codes; each shipped layout round-trips the
demo data through the ingest path (export, read back, the same persons)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import PERIOD

from pipelines.errors import ConfigError
from pipelines.export import siksng
from pipelines.validate import PERSON_COLUMNS

FIELDS = [*PERSON_COLUMNS, "kode_wilayah"]


def _coded(frame: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """The persons as the target sees them: coded fields through the layout's codes."""
    out = frame[FIELDS].astype(object).where(frame[FIELDS].notna(), None).copy()
    out["tanggal_lahir"] = [
        None if v is None else pd.Timestamp(v).date() for v in out.tanggal_lahir
    ]
    for field, table in (spec.get("kode") or {}).items():
        out[field] = out[field].map(lambda v, t=table: None if v is None else t[v])
    return out


def _persons(frame: pd.DataFrame, spec: dict, key: list[str]) -> set[tuple]:
    coded = _coded(frame, spec).assign(**{k: frame[k].to_numpy() for k in key})
    return set(coded.itertuples(index=False, name=None))


def _read_proposals(files: list[Path], root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """usulan_baru files read as kelurahan prelists are: discover, combine, normalise."""
    from pipelines.finalize.batch import combine
    from pipelines.ingest import discover
    from pipelines.validate import prepare

    period_dir = root / "data" / "raw" / PERIOD
    parts = []
    for path in files:
        kode = path.name[:10]
        folder = period_dir / f"{kode} Kelurahan"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / path.name)
    for kode, folder in discover.kelurahan_folders(period_dir)[0]:
        parts.append(discover.read_kelurahan(kode, folder, period_dir))
    batch = combine(PERIOD, parts, [])
    return prepare(batch.prelist)


def _read_corrections(files: list[Path], work: Path) -> pd.DataFrame:
    """perbaikan files (they carry ID DTKS) read as a DTKS export is: the snapshot reader."""
    import pyarrow.parquet as pq

    from pipelines.ingest import snapshot

    work.mkdir()
    staged = snapshot.read(files, work)
    return pd.concat([pq.read_table(p).to_pandas() for p in staged.parts], ignore_index=True)


@pytest.mark.parametrize("name", list(siksng.SHIPPED))
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_every_shipped_layout_round_trips_the_demo_data(finalized, tmp_path, name, fmt):
    _, outcomes, _ = finalized
    spec = siksng.layout(name)
    out = tmp_path / "siks-ng"
    out.mkdir()
    files = siksng.write(outcomes, PERIOD, out, spec=spec)
    proposals = outcomes[outcomes["outcome"] == "usulan_baru"]
    corrections = outcomes[outcomes["outcome"] == "perbaikan"]
    assert len(proposals) > 100 and len(corrections) > 5

    new = [p for p in files if p.suffix == f".{fmt}" and p.stem.endswith("usulan_baru")]
    back, problems = _read_proposals(new, tmp_path / "root")
    assert problems.empty, problems.head().to_dict("records")
    assert len(back) == len(proposals)
    assert _persons(back, spec, []) == _persons(proposals, spec, [])

    fixed = [p for p in files if p.suffix == f".{fmt}" and p.stem.endswith("perbaikan")]
    again = _read_corrections(fixed, tmp_path / "work")
    assert sorted(again["id_dtks"]) == sorted(corrections["matched_id_dtks"])
    mine = corrections.assign(id_dtks=corrections["matched_id_dtks"])
    assert _persons(again, spec, ["id_dtks"]) == _persons(mine, spec, ["id_dtks"])


def test_coded_layouts_write_the_target_codes(finalized, tmp_path):
    import csv

    _, outcomes, _ = finalized
    rows = outcomes[outcomes["outcome"] == "usulan_baru"]
    for name, sex, rel, marital in [
        ("dtks", "JENIS KELAMIN", "HUBUNGAN KELUARGA", "STATUS KAWIN"),
        ("dtsen", "jenis_kelamin", "status_hubungan_keluarga", "status_kawin"),
    ]:
        out = tmp_path / name
        out.mkdir()
        files = siksng.write(rows, PERIOD, out, spec=siksng.layout(name))
        got = []
        for p in files:
            if p.suffix == ".csv":
                with p.open(encoding="utf-8-sig", newline="") as fh:
                    got += list(csv.DictReader(fh, delimiter=";"))
        assert {r[sex] for r in got} == {"1", "2"}
        assert {r[rel] for r in got} <= {str(i) for i in range(1, 9)}
        assert {r[marital] for r in got} <= {"1", "2", "3", "4"}
        by_nik = dict(zip(rows["nik"], rows["hubungan_keluarga"], strict=True))
        nik = "NIK" if name == "dtks" else "nomor_induk_kependudukan"
        for r in got:  # docs/domain.md: DTKS 2 ISTRI/SUAMI, 3 ANAK (Dukcapil's 3 is ISTRI)
            assert {"KEPALA KELUARGA": "1", "ISTRI": "2", "SUAMI": "2", "ANAK": "3"}.get(
                by_nik[r[nik]], r[rel]
            ) == r[rel]
    dtsen = next(p for p in (tmp_path / "dtsen").glob("*.csv"))
    with dtsen.open(encoding="utf-8-sig", newline="") as fh:
        first = next(csv.DictReader(fh, delimiter=";"))
    code = first["kode_kelurahan_desa_ktp"]
    assert (first["kode_provinsi_ktp"], first["kode_kecamatan_ktp"]) == (code[:2], code[:6])
    assert first["tanggal_lahir"][4] == "-"  # yyyy-mm-dd


def test_a_dukcapil_layout_maps_the_other_scheme(tmp_path):
    text = siksng.SHIPPED["dtks"]
    from importlib import resources

    base = resources.files("pipelines.export").joinpath(text).read_text("utf-8")
    dukcapil = base.split("[kode.hubungan_keluarga]")[0] + "\n".join(
        ["[kode.hubungan_keluarga]", '"KEPALA KELUARGA" = 1', "SUAMI = 2", "ISTRI = 3",
         '"ISTRI/SUAMI" = 0', "ANAK = 4", "MENANTU = 5", "CUCU = 6", '"ORANG TUA" = 7',
         "MERTUA = 8", '"ORANG TUA/MERTUA" = 7', '"FAMILI LAIN" = 9', "PEMBANTU = 10",
         "LAINNYA = 11"]
    )  # fmt: skip
    path = tmp_path / "dukcapil.toml"
    path.write_text(dukcapil, encoding="utf-8")
    spec = siksng.layout(str(path))
    frame = pd.DataFrame({"hubungan_keluarga": ["ISTRI", "ANAK", "LAINNYA", None]})
    assert siksng.encode(frame, ["hubungan_keluarga"], spec) == [[3], [4], [11], [None]]
    path.write_text(dukcapil.replace("LAINNYA = 11", ""), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[kode.hubungan_keluarga\] tidak memberi kode untuk"):
        siksng.layout(str(path))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace('["RW", "rw"]', '["RW", "rw_ktp"]'), "field 'rw_ktp' yang tidak"),
        (lambda t: t.replace("[perbaikan]", "[perbaikan_lama]"), r"\[perbaikan\] columns"),
        (lambda t: t + "\n[kode.agama]\nISLAM = 1\n", r"\[kode.agama\]"),
        (lambda t: t.replace("P = 2", ""), "tidak memberi kode untuk P"),
    ],
)
def test_a_broken_layout_is_refused_when_read(tmp_path, change, message):
    from importlib import resources

    text = resources.files("pipelines.export").joinpath("dtks_layout.toml").read_text("utf-8")
    path = tmp_path / "l.toml"
    path.write_text(change(text), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        siksng.layout(str(path))


def test_shipped_layouts_say_what_is_a_guess():
    for name in siksng.SHIPPED:
        meta = siksng.layout(name)["tata_letak"]
        assert meta["status"] == "dugaan" and meta["dugaan"], name


def test_dtks_toml_chooses_the_layout_of_the_months_files(tiny):
    from pipelines.export.final import export
    from pipelines.store import open_store

    (tiny.home.root / "dtks.toml").write_text('[ekspor]\ntata_letak = "dtks"\n', encoding="utf-8")
    with open_store(tiny.home.store_path) as store:
        res = export(store, tiny.home, PERIOD)
    csvs = sorted(res.import_dir.glob("*_usulan_baru.csv"))
    assert csvs
    head, first = csvs[0].read_text(encoding="utf-8-sig").splitlines()[:2]
    cells = dict(zip(head.split(";"), first.split(";"), strict=True))
    assert cells["JENIS KELAMIN"] in {"1", "2"} and cells["HUBUNGAN KELUARGA"].isdigit()
    (tiny.home.root / "dtks.toml").write_text('[ekspor]\ntata_letak = "tidak_ada"\n')
    with open_store(tiny.home.store_path) as store, pytest.raises(ConfigError, match="tidak_ada"):
        export(store, tiny.home, PERIOD)
