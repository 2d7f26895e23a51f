"""dtks.toml is one typed settings object: parsed once, checked, every key documented."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest
from cli_helpers import dtks
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import settings as S
from pipelines.config import Home
from pipelines.errors import ConfigError
from pipelines.ingest.schemes import SCHEMES
from pipelines.store import dinas_kabkota

README = Path(__file__).resolve().parents[1] / "README.md"


def _configuration_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Configuration")
    return text[start : text.index("\n## ", start + 1)]


def test_settings_are_documented():
    """Every section and key of dtks.toml is named in the README's Configuration section."""
    doc = _configuration_section()
    missing = []
    for name, cls in S.sections().items():
        if f"[{name}]" not in doc:
            missing.append(f"[{name}]")
        for f in fields(cls):
            key = re.escape(f.name)
            # `key`, `key = ...`, `[section] key = ...`, a TOML line, or a [section.key] table
            pattern = rf"`(\[{name}\] )?{key}( =|`)|^\s*{key} =|`\[{name}\.{key}\]`"
            if not re.search(pattern, doc, re.MULTILINE):
                missing.append(f"[{name}] {f.name}")
    assert not missing, f"not in README ## Configuration: {missing}"


def test_every_setting_has_a_default_and_help():
    for name, keys in S.helps().items():
        for key, text in keys.items():
            assert len(text) > 10, f"[{name}] {key}: no help"
    S.Settings()  # every field has a default: an empty dtks.toml is valid
    assert S.parse({}) == S.Settings()


def test_relationship_schemes_match_the_readers():
    assert set(S.SKEMA_HUBUNGAN) == set(SCHEMES)


def test_a_dtks_toml_is_read_into_typed_fields(tmp_path):
    (tmp_path / "dtks.toml").write_text(
        '[jadwal]\nhari_finalisasi = 3\nzona_waktu = "Asia/Makassar"\n'
        '[dinas]\nkode_kabkota = "62.71"\nkepala_dinas = "Drs. A"\n'
        "[snapshot]\nbatas_tutup_persen = 2\n"
        '[permintaan]\nambang = 12\npenyetuju = ["Sekretaris"]\n'
        "[permintaan.sla]\nsurat = 5\n"
        "[batas_berkas]\nukuran_berkas_mb = 50\n",
        encoding="utf-8",
    )
    c = Home(tmp_path).config
    assert (c.jadwal.hari_finalisasi, c.jadwal.zona_waktu) == (3, "Asia/Makassar")
    assert c.dinas.kode_kabkota == "6271" and c.dinas.kepala_dinas == "Drs. A"
    assert c.snapshot.batas_tutup_persen == 2.0 and c.snapshot.batas_rusak_persen == 10
    assert c.permintaan.ambang == 12 and c.permintaan.penyetuju == ["Sekretaris"]
    assert c.permintaan.sla == {"surat": 5}
    assert c.batas_berkas.ukuran_berkas_mb == 50.0 and c.batas_berkas.baris_per_berkas > 0
    assert c.surat.nomor == S.Surat().nomor  # a default


def test_parsed_once_per_content(tmp_path):
    home = Home(tmp_path)
    home.config_file.write_text("[jadwal]\nhari_finalisasi = 3\n", encoding="utf-8")
    assert home.config is home.config  # not re-read on every call
    home.config_file.write_text("[jadwal]\nhari_finalisasi = 11\n", encoding="utf-8")
    assert home.config.jadwal.hari_finalisasi == 11  # an edited file is read again


def test_one_kabkota_resolver(tmp_path):
    home = Home(tmp_path)
    assert dinas_kabkota(home) is None  # no dtks.toml, no register
    home.config_file.write_text('[dinas]\nkode_kabkota = "6271"\n', encoding="utf-8")
    assert dinas_kabkota(home) == "6271"


BAD = [
    ("[dinsa]\nnama = 'x'\n", "bagian [dinsa] tidak dikenal"),
    ("[dinas]\nkode_kab = '62.71'\n", "[dinas]: 'kode_kab' tidak dikenal"),
    (
        "[jadwal]\nhari_finalisasi = 'lima'\n",
        "[jadwal] hari_finalisasi harus bilangan bulat",
    ),
    ("[jadwal]\nhari_finalisasi = 31\n", "hari_finalisasi harus 1 sampai 28"),
    ("[jadwal]\nzona_waktu = 'WIB'\n", "zona_waktu 'WIB' tidak dikenal"),
    (
        "[snapshot]\nbatas_tutup_persen = '5%'\n",
        "[snapshot] batas_tutup_persen harus angka",
    ),
    ("[surat]\nkop = 'DINAS SOSIAL'\n", "[surat] kop harus daftar teks"),
    ("[dinas]\nkode_kabkota = 6271\n", "[dinas] kode_kabkota harus teks"),
    (
        "[dinas]\nkode_kabkota = '62.7'\n",
        "kode_kabkota '62.7' harus kode kab/kota 4 digit",
    ),
    ("[data]\nskema_hubungan = 'kk'\n", "skema_hubungan = 'kk' tidak dikenali"),
    ("[permintaan.sla]\nsurel = 3\n", "[permintaan.sla] surel"),
    ("[duckdb]\nmemory_limit = 6\n", "[duckdb] memory_limit harus teks"),
    ("[duckdb]\nthreads = 0\n", "[duckdb] threads harus bilangan bulat 1 atau lebih"),
    ("[duckdb]\nthreads = 'dua'\n", "[duckdb] threads harus bilangan bulat"),
    ("jadwal = 5\n", "'jadwal' harus berupa bagian [jadwal]"),
    ("[dinas\n", "tidak dapat dibaca"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_a_wrong_dtks_toml_names_the_key(tmp_path, text, message):
    (tmp_path / "dtks.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        _ = Home(tmp_path).config


def test_the_retired_salt_key_is_ignored_with_a_warning(caplog):
    got = S.parse({"permintaan": {"garam": "s3cr3t-lama", "ambang": 11}})
    assert got.permintaan.ambang == 11
    assert "garam" in caplog.text and "s3cr3t-lama" not in caplog.text  # the value never


def test_a_wrong_dtks_toml_stops_a_command_with_the_message(tmp_path):
    (tmp_path / "dtks.toml").write_text("[snapshot]\nbatas_tutup_persen = '5%'\n", encoding="utf-8")
    export = tmp_path / "DTKS_6271_2026-10.csv"
    export.write_text("ID DTKS;NIK\n", encoding="utf-8")
    r = dtks("load-dtks", str(export), "--petugas", "Rina", home=tmp_path)
    assert r.returncode == 1, r.stderr
    out = r.stdout + r.stderr
    assert "dtks.toml [snapshot] batas_tutup_persen harus angka" in out
    assert "Traceback" not in out
    assert not (tmp_path / "data" / "processed" / "dtks.duckdb").exists()  # nothing loaded


# values of the right type for each field type, and of a wrong one
_GOOD = {
    int: st.integers(1, 28),
    float: st.floats(0, 100, allow_nan=False),
    str: st.sampled_from(["a", "Drs. B", "6GB"]),
    list: st.lists(st.sampled_from(["Sekretaris", "Kepala Dinas"]), max_size=3),
}
_WRONG = st.one_of(st.booleans(), st.lists(st.integers(), min_size=1), st.just({"x": "y"}))
_SKIP = {
    ("dinas", "kode_kabkota"),
    ("jadwal", "zona_waktu"),
    ("data", "skema_hubungan"),
    ("permintaan", "sla"),
    ("surat", "nomor"),
    ("dinas", "istilah"),
}  # fmt: skip  (their values have rules)


def _simple_fields():
    import types
    import typing

    out = []
    for name, cls in S.sections().items():
        hints = typing.get_type_hints(cls)
        for f in fields(cls):
            hint = hints[f.name]
            if isinstance(hint, types.UnionType):  # X | None
                hint = next(a for a in typing.get_args(hint) if a is not type(None))
            base = typing.get_origin(hint) or hint
            if (name, f.name) not in _SKIP and base in _GOOD:
                out.append((name, f.name, base))
    return out


FIELDS = _simple_fields()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(FIELDS), st.data())
def test_generated_settings_round_trip_or_name_their_key(field, data):
    section, key, base = field
    good = data.draw(_GOOD[base])
    if base is float and section == "batas_berkas":
        good = good or 1.0
    if base is int and section in ("batas_berkas", "permintaan"):
        good = max(good, 3)
    got = getattr(getattr(S.parse({section: {key: good}}), section), key)
    assert got == good
    wrong = data.draw(_WRONG)
    with pytest.raises(ConfigError, match=re.escape(f"[{section}] {key} harus")):
        S.parse({section: {key: wrong}})
