"""The Typer app, consoles and helpers shared by every command module."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from pipelines import vocabulary
from pipelines.cli.usage import install_indonesian_help
from pipelines.config import Home

install_indonesian_help()

app = typer.Typer(
    help="Pengolahan data DTKS Dinas Sosial: finalisasi usulan bulanan, surat keterangan "
    "terdaftar, permintaan data, analisis, dan data demo.\n\n"
    "Semua perintah bekerja di satu folder data (DTKS_HOME atau --home; bawaan: folder kerja "
    "saat ini) yang berisi data/raw, data/processed dan reports.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


class _Console(Console):
    """A console whose texts say DTKS or DTSEN as the data root chooses (vocabulary.py)."""

    def print(self, *objects, **kwargs) -> None:
        super().print(*(vocabulary.say(o) for o in objects), **kwargs)


# a pipe or CI log gets 80 columns by default: too narrow for the per-kelurahan table
console = _Console(highlight=False, width=None if sys.stdout.isatty() else 132)
err = _Console(stderr=True, highlight=False)
HomeOpt = Annotated[
    Path | None,
    typer.Option(
        "--home",
        help="Folder data (berisi data/raw, data/processed, reports). "
        "Bawaan: $DTKS_HOME, atau folder kerja saat ini.",
    ),
]


def _home(home: Path | None) -> Home:
    """The data root of a command that needs its register; refused when there is none.

    Only the commands that create a register (load-dtks, demo) or raw data (synth) create
    folders: a mistyped --home never starts a new, empty register.
    """
    h = Home.resolve(home)
    vocabulary.use(h)
    h.require_register()
    return h


def _new_home(home: Path | None) -> Home:
    """The data root of a command that may create it (synth, load-dtks, demo)."""
    h = Home.resolve(home)
    h.ensure()
    vocabulary.use(h)
    return h


def ribu(n: int) -> str:
    """12345 -> '12.345', the Indonesian thousands separator."""
    return f"{n:,}".replace(",", ".")


def _rel(p: Path, home: Home) -> str:
    try:
        return str(p.relative_to(home.root))
    except ValueError:
        return str(p)


def _kabkota(h: Home) -> str | None:
    from pipelines.store import dinas_kabkota

    return dinas_kabkota(h)
