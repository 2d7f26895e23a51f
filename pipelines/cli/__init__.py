"""The `dtks` command: one subcommand per user task. Messages are in Indonesian."""

from __future__ import annotations

import logging
import os
import sys

import typer

# isort: off
# the commands register in this order, which is the order `dtks --help` lists them
from pipelines.cli import supervisor  # noqa: F401
from pipelines.cli import officer  # noqa: F401
from pipelines.cli import analyst  # noqa: F401
from pipelines.cli import service  # noqa: F401
from pipelines.cli import demo  # noqa: F401

# isort: on
from pipelines.cli.common import app, err
from pipelines.errors import DtksError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: expected errors become one Indonesian message, never a traceback."""
    logging.basicConfig(
        level=os.environ.get("DTKS_LOG_LEVEL", "WARNING"),
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        app(standalone_mode=False)
    except DtksError as exc:
        err.print(f"[bold red]Gagal:[/] {exc}")
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", getattr(exc, "code", 0)) or 0)
    except typer.Abort:
        err.print("Dibatalkan.")
        sys.exit(130)
    except Exception as exc:  # click usage errors and the unexpected
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("DTKS_DEBUG"):
            raise
        err.print(
            f"[bold red]Kesalahan tak terduga[/] ({type(exc).__name__}). Jalankan lagi "
            "dengan DTKS_DEBUG=1 untuk rincian teknis dan laporkan ke pengembang."
        )
        sys.exit(2)
