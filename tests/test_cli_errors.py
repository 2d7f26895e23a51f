"""Everyday typing mistakes, told in Indonesian: exit 2 for usage, 1 for expected failures.

Through the installed `dtks` in a subprocess: the exit code is what a script or a scheduler
sees, and stderr is what the operator reads.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time

import pytest
from cli_helpers import DTKS, dtks

from pipelines.config import Home

ENGLISH = re.compile(
    r"Usage:|Error:|Try '|No such|Missing (argument|option)|Invalid value|does not exist|"
    r"Did you mean|Traceback|tak terduga|Input should",
)

CASES = [
    # (arguments, exit code, what stderr must say)
    (["finalise", "2026-11"], 2, "Perintah 'finalise' tidak dikenal. Maksud Anda: finalize?"),
    (["review", "aply"], 2, "Perintah 'aply' tidak dikenal. Maksud Anda: apply?"),
    (["xyzzy"], 2, "Perintah 'xyzzy' tidak dikenal. Daftar perintah: dtks --help"),
    (["finalize", "2026-11", "--hom", "x"], 2, "Opsi '--hom' tidak dikenal. Maksud Anda: --home?"),
    (["finalize"], 2, "Argumen PERIOD wajib diisi."),
    (["close", "2026-11"], 2, "Opsi --petugas wajib diisi."),
    (["load-dtks", "tidak-ada.csv"], 2, "'tidak-ada.csv' tidak ada. Periksa nama dan foldernya."),
    (["load-dtks", "."], 2, "'.' adalah folder; sebutkan berkasnya."),
    (["synth", "--scale", "dua"], 2, "Nilai untuk --scale harus bilangan bulat."),
    (["synth", "--scale", "0"], 2, "Nilai untuk --scale harus paling sedikit 1."),
    (["sql", "SELECT 1", "--limit"], 2, "Opsi --limit memerlukan nilai."),
    (["finalize", "2026-11", "lagi"], 2, "Argumen berlebih: lagi."),
    (["finalize", "2026-13"], 1, "Periode '2026-13' tidak dikenali."),
    (["letter"], 2, "Sebutkan perintahnya. Daftar perintah: dtks letter --help"),
    (["letter", "verfy", "surat.pdf"], 2, "Perintah 'verfy' tidak dikenal. Maksud Anda: verify?"),
    (["letter", "verify"], 2, "Argumen BERKAS wajib diisi. Lihat: dtks letter verify --help"),
    (["letter", "verify", "tidak-ada.pdf"], 2, "'tidak-ada.pdf' tidak ada."),
    (["letter", "6271011508800001"], 2, "Opsi --kk wajib diisi. Lihat: dtks letter issue --help"),
    (["letter", "revoke", "400.9.2/0001/DINSOS/2026", "--petugas", "Rina"], 2,
     "Opsi --alasan wajib diisi. Lihat: dtks letter revoke --help"),
]  # fmt: skip


@pytest.mark.parametrize("args,code,message", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_a_typing_mistake_is_one_indonesian_message_with_its_exit_code(
    tmp_path, args, code, message
):
    r = dtks(*args, cwd=tmp_path)  # the data root is the working folder
    assert r.returncode == code, (r.stdout, r.stderr)
    assert message in " ".join(r.stderr.split()), r.stderr
    assert not ENGLISH.search(r.stderr + r.stdout), r.stderr


def test_a_bad_zip_given_to_request_verify_is_a_named_finding(tmp_path):
    junk = tmp_path / "REQ-2026-0001.zip"
    junk.write_bytes(b"PK\x03\x04 bukan zip")
    r = dtks("request", "verify", str(junk), home=tmp_path)
    assert r.returncode == 1
    assert "REQ-2026-0001.zip bukan berkas zip yang utuh" in " ".join(r.stderr.split())
    assert not ENGLISH.search(r.stderr + r.stdout), r.stderr


def test_a_second_finalize_stops_at_once_and_a_killed_run_leaves_nothing_running(
    loaded_home, tmp_path
):
    """The first run holds the data root from its first line; the second stops before reading
    any kelurahan. The first is held still (SIGSTOP) right after that line, so the second
    surely meets it however fast a month runs; then it is killed (-9): the run it started in
    a child process (the crash guard) must go with it."""
    import psutil

    h = Home(tmp_path / "root")
    shutil.copytree(loaded_home.root, h.root, ignore=shutil.ignore_patterns(".prefect"))
    first = subprocess.Popen(
        [str(DTKS), "finalize", "2026-11", "--home", str(h.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DTKS_"))},
    )
    try:
        assert first.stdout is not None
        assert first.stdout.readline().startswith("Finalisasi periode 2026-11")
        started = _children(psutil.Process(first.pid))  # the run, in the guard's child
        os.kill(first.pid, signal.SIGSTOP)  # it holds the run lock from before that line
        t0 = time.monotonic()
        second = dtks("finalize", "2026-11", home=h.root)
        took = time.monotonic() - t0
    finally:
        first.kill()  # SIGKILL: no atexit hook, no clean-up of its own
        first.wait()
    assert second.returncode == 1
    assert "sedang dipakai proses lain" in " ".join(second.stderr.split()), second.stderr
    assert "kelurahan" not in second.stdout and "Finalisasi periode" not in second.stdout
    assert took < 20, f"the second run took {took:.0f} s to stop"
    assert started, "the first run started no child"
    _, alive = psutil.wait_procs(started, timeout=15)
    assert not alive, "the run's child outlived the killed dtks process"


def test_a_killed_flow_leaves_no_temporary_prefect_server(loaded_home, tmp_path):
    """Without PREFECT_API_URL a Prefect flow (here a Python caller of finalize_flow) starts
    Prefect's temporary server; once its process is killed (-9), the server must go too."""
    import psutil

    h = Home(tmp_path / "root")
    shutil.copytree(loaded_home.root, h.root, ignore=shutil.ignore_patterns(".prefect"))
    run = (
        "import sys; from pipelines.config import Home, configure_prefect\n"
        "h = Home.resolve(sys.argv[1]); configure_prefect(h)\n"
        "from pipelines.flows import finalize_flow\n"
        "finalize_flow(period='2026-11', home=str(h.root))"
    )
    proc = subprocess.Popen(
        [str(DTKS.parent / "python"), "-c", run, str(h.root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DTKS_"))},
    )
    try:
        server = _wait_for_server(psutil.Process(proc.pid))
    finally:
        proc.kill()
        proc.wait()
    try:
        server.wait(timeout=15)
    except psutil.TimeoutExpired:
        server.kill()
        pytest.fail("Prefect's temporary server outlived the killed process")


def _children(parent) -> list:
    import psutil

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            found = parent.children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        if found:
            return found
        time.sleep(0.1)
    return []


def _wait_for_server(parent, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in parent.children(recursive=True):
            try:
                if "uvicorn" in " ".join(child.cmdline()) or "prefect_server" in " ".join(
                    child.cmdline()
                ):
                    return child
            except psutil_errors():
                continue
        time.sleep(0.2)
    pytest.fail("Prefect's temporary server did not start")


def psutil_errors():
    import psutil

    return (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess)


def test_a_run_lock_held_elsewhere_stops_finalize_before_any_work(loaded_home, tmp_path):
    h = Home(tmp_path / "root")
    shutil.copytree(loaded_home.root, h.root, ignore=shutil.ignore_patterns(".prefect"))
    held = subprocess.Popen(
        [
            str(DTKS.parent / "python"),
            "-c",
            "import time; from pipelines import runlock; from pipelines.config import Home\n"
            f"with runlock.finalisation(Home.resolve(r'{h.root}')):\n"
            "    print('held', flush=True); time.sleep(120)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert held.stdout is not None and held.stdout.readline().strip() == "held"
        r = dtks("finalize", "2026-11", home=h.root)
    finally:
        held.kill()
        held.wait()
    assert r.returncode == 1 and "sedang dipakai proses lain" in " ".join(r.stderr.split())
    assert not (h.processed / ".prefect").exists(), "Prefect was started before the lock check"


def _commands(group, path=()):
    """Every command path under a Click group (the dtks tree: groups and their commands)."""
    from typer._click import Context

    ctx = Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield (*path, name)
        if hasattr(cmd, "list_commands"):
            yield from _commands(cmd, (*path, name))


HELP_ENGLISH = re.compile(
    r"Usage:|Options:|Arguments:|Commands:|Show this message|\[default|\[required|"
    r"\[OPTIONS\]|COMMAND \[ARGS\]"
)


def test_every_help_page_is_indonesian():
    """`dtks ... --help` of every command: usage line, headings, notes and the --help option's
    own text in Indonesian (Click and Typer write them in English unless told otherwise)."""
    import typer
    from typer.testing import CliRunner

    from pipelines.cli import app

    group = typer.main.get_command(app)
    paths = [(), *_commands(group)]
    assert len(paths) > 20
    runner = CliRunner()
    for path in paths:
        out = runner.invoke(app, [*path, "--help"]).output
        assert out.startswith("Penggunaan: "), path
        assert "Opsi:" in out and "Tampilkan bantuan ini lalu keluar." in out, path
        assert not HELP_ENGLISH.search(out), (path, HELP_ENGLISH.search(out))
    installed = subprocess.run([DTKS, "letter", "--help"], capture_output=True, text=True)
    assert installed.returncode == 0
    assert installed.stdout.startswith("Penggunaan: dtks letter [OPSI] PERINTAH ...")
    assert "Perintah:" in installed.stdout and not HELP_ENGLISH.search(installed.stdout)
