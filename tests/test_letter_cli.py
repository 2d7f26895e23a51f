"""`dtks letter issue|verify|revoke` are subcommands; `dtks letter NIK ...` is short for issue.

Exit codes through the installed `dtks` in a subprocess: they are what a script sees.
"""

from __future__ import annotations

import random
import shutil
from types import SimpleNamespace

import pytest
from cli_helpers import dtks
from test_cli_errors import ENGLISH
from typer.testing import CliRunner

from pipelines import letters, signing
from pipelines.cli import app
from pipelines.config import Home
from pipelines.store import open_store


@pytest.fixture(scope="module")
def home(loaded_home, tmp_path_factory) -> Home:
    root = tmp_path_factory.mktemp("letter_cli") / "root"
    shutil.copytree(loaded_home.root, root, ignore=shutil.ignore_patterns(".prefect"))
    h = Home(root)
    signing.init_keys(h, "Dinas Sosial Kota Palangkaraya")
    return h


@pytest.fixture(scope="module")
def people(home):
    with open_store(home.store_path, read_only=True) as store:
        return store.df("SELECT nik, no_kk FROM dtks_current ORDER BY id_dtks LIMIT 2")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_letter_help_lists_issue_verify_and_revoke_each_with_its_own_help():
    r = dtks("letter", "--help")
    assert r.returncode == 0, r.stderr
    commands = r.stdout.split("Perintah:")[1].split()
    assert {"issue", "verify", "revoke"} <= set(commands), r.stdout
    assert "dtks letter NIK" in _flat(r.stdout)  # the short form is told
    own = {"issue": ["--kk", "--petugas"], "verify": [], "revoke": ["--alasan", "--petugas"]}
    for sub, options in own.items():
        r = dtks("letter", sub, "--help")
        assert r.returncode == 0, r.stderr
        text = _flat(r.stdout)
        assert f"Contoh: dtks letter {sub} " in text and "Kode keluar: 0" in text, text
        listed = {o for o in ("--kk", "--petugas", "--alasan") if f"{o} <str>" in r.stdout}
        assert listed == set(options), (sub, listed)


def test_the_short_form_and_letter_issue_both_issue_a_letter(home, people):
    short = dtks("letter", people.nik[0], "--kk", people.no_kk[0], "--petugas", "Rina",
                 home=home.root)  # fmt: skip
    full = dtks("letter", "issue", people.nik[1], "--kk", people.no_kk[1], "--petugas", "Budi",
                home=home.root)  # fmt: skip
    assert short.returncode == 0 and full.returncode == 0, short.stderr + full.stderr
    with open_store(home.store_path, read_only=True) as store:
        log = store.df("SELECT nomor, petugas FROM letter_log ORDER BY urut DESC LIMIT 2")
    assert list(log.petugas) == ["Budi", "Rina"]
    assert f"TERDAFTAR. Surat nomor {log.nomor[1]} diterbitkan" in short.stdout
    assert f"TERDAFTAR. Surat nomor {log.nomor[0]} diterbitkan" in full.stdout


def test_verify_exit_codes_for_a_good_and_a_changed_letter(home, people, tmp_path):
    with open_store(home.store_path) as store:
        res = letters.issue(store, home, people.nik[0], people.no_kk[0], "Rina", "6271")
    good = dtks("letter", "verify", str(res.path), home=home.root)
    assert good.returncode == 0 and good.stdout.startswith("SAH."), good.stderr
    rng = random.Random(15)
    data = res.path.read_bytes()
    for kind in ("changed byte", "bytes added after the end"):
        changed = bytearray(data)
        if kind == "changed byte":  # one bit of the signed document information
            changed[data.find(b"/Title") + rng.randrange(8, 14)] ^= 1 << rng.randrange(7)
        else:
            changed += b"\n% ditambahkan\n"
        forged = tmp_path / f"surat_{kind[0]}.pdf"
        forged.write_bytes(bytes(changed))
        bad = dtks("letter", "verify", str(forged), home=home.root)
        assert bad.returncode == 1, (kind, bad.stdout + bad.stderr)
        assert bad.stderr.startswith("TIDAK SAH.") and not ENGLISH.search(bad.stderr), kind


def test_revoking_an_unknown_number_is_refused_in_indonesian(home):
    nomor = "400.9.2/9999/DINSOS/2026"
    r = dtks("letter", "revoke", nomor, "--alasan", "Diterbitkan untuk orang yang keliru",
             "--petugas", "Rina", home=home.root)  # fmt: skip
    assert r.returncode == 1, r.stdout + r.stderr
    expected = f"Gagal: Surat nomor {nomor} tidak ada dalam daftar surat yang diterbitkan."
    assert expected in _flat(r.stderr)
    assert not ENGLISH.search(r.stdout + r.stderr)
    with open_store(home.store_path, read_only=True) as store:
        assert store.one("SELECT count(*) FROM letter_revoke")[0] == 0


def test_the_short_form_in_any_order_reaches_letter_issue_with_the_same_values(home, monkeypatch):
    """Options before or after the NIK, --home first or last, `--opt=value` or `--opt value`."""
    seen: list[tuple] = []

    def fake_issue(store, h, nik, kk, petugas, kabkota):
        seen.append((h.root, nik, kk, petugas))
        return SimpleNamespace(registered=False, why="uji", path=h.root / "uji.pdf")

    monkeypatch.setattr(letters, "issue", fake_issue)
    runner = CliRunner()
    rng = random.Random(9)
    for _ in range(10):
        nik = "".join(rng.choice("0123456789") for _ in range(16))
        kk = "".join(rng.choice("0123456789") for _ in range(16))
        petugas = rng.choice(["Rina", "Budi Santoso", "Dewi S.", "Ani-Lestari"])
        groups = [
            [f"{opt}={val}"] if rng.random() < 0.3 else [opt, val]
            for opt, val in [("--kk", kk), ("--petugas", petugas), ("--home", str(home.root))]
        ]
        groups.append([nik])
        rng.shuffle(groups)
        tokens = [t for g in groups for t in g]
        for args in (["letter", *tokens], ["letter", "issue", *tokens]):
            seen.clear()
            result = runner.invoke(app, args)
            assert result.exit_code == 0, (args, result.output)
            assert seen == [(home.root, nik, kk, petugas)], args
