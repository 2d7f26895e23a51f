"""The `dtks` command: one subcommand per user task. Messages are in Indonesian."""

from __future__ import annotations

import logging
import os
import sys
import traceback

import typer
from rich.markup import escape
from typer._click import exceptions as cx

# isort: off
# the commands register in this order, which is the order `dtks --help` lists them
from pipelines.cli import supervisor  # noqa: F401
from pipelines.cli import templates  # noqa: F401
from pipelines.cli import dtsen  # noqa: F401
from pipelines.cli import officer  # noqa: F401
from pipelines.cli import analyst  # noqa: F401
from pipelines.cli import service  # noqa: F401
from pipelines.cli import desk  # noqa: F401
from pipelines.cli import demo  # noqa: F401

# isort: on
from pipelines import redact
from pipelines.cli.common import app, err
from pipelines.cli.usage import indonesian, usage_line
from pipelines.errors import DtksError

__all__ = ["app", "main"]

# exit codes: 0 done, 1 an expected failure (bad input, refused, TIDAK SAH), 2 a usage error
# (unknown command or option, missing argument or file), 3 an unexpected error, 130 stopped
EXPECTED, USAGE, UNEXPECTED, STOPPED = 1, 2, 3, 130
DEBUG_HINT = (
    "Jalankan lagi dengan DTKS_DEBUG=1 untuk rincian teknis di layar dan laporkan ke pengembang."
)


class _Console(logging.Formatter):
    """One line per record on the terminal; tracebacks only with DTKS_DEBUG."""

    def __init__(self, debug: bool) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self.debug = debug

    def format(self, record: logging.LogRecord) -> str:
        if self.debug:
            return super().format(record)
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def _not_a_run_report(record: logging.LogRecord) -> bool:
    # Prefect's own task/flow failure reports (English, with tracebacks) stay in Prefect's
    # log; the operator reads the one Indonesian message the error boundary prints
    return not record.name.startswith(("prefect.task_runs", "prefect.flow_runs"))


def _setup_logging(debug: bool) -> None:
    redact.install_log_scrubber()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Console(debug))
    if not debug:
        handler.addFilter(_not_a_run_report)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(os.environ.get("DTKS_LOG_LEVEL", "WARNING"))
    if not debug:
        # "Exception ignored in ..." tracebacks from library clean-up go to the debug log
        sys.unraisablehook = lambda u: logging.getLogger("pipelines").debug(
            "diabaikan: %s", type(u.exc_value).__name__
        )


def run(args: list[str] | None = None) -> int:
    """Run the command line; return the exit code (every command's, usage errors' 2)."""
    try:
        return _run(args)
    except BaseException as exc:
        _forget(exc)
        raise


def _run(args: list[str] | None) -> int:
    debug = bool(os.environ.get("DTKS_DEBUG"))
    try:
        rv = app(args=args, prog_name="dtks", standalone_mode=False)
    except cx.NoArgsIsHelpError as exc:
        exc.show()
        return USAGE
    except cx.ClickException as exc:  # usage errors, a file that cannot be opened
        line = usage_line(exc)
        if line and isinstance(exc, cx.UsageError):
            err.print(escape(line.rstrip()), soft_wrap=True)
        err.print(f"[bold red]Kesalahan:[/] {escape(indonesian(exc))}", soft_wrap=True)
        return USAGE if isinstance(exc, cx.UsageError) else EXPECTED
    except DtksError as exc:
        err.print(f"[bold red]Gagal:[/] {escape(redact.mask(str(exc)))}")
        if debug:
            _print_original(exc)
        _forget(exc)
        return EXPECTED
    except (typer.Abort, KeyboardInterrupt):
        err.print("Dibatalkan.")
        return STOPPED
    except redact.StageFailed as exc:
        err.print(f"[bold red]Kesalahan tak terduga.[/] {escape(str(exc))} {DEBUG_HINT}")
        if debug:
            _print_original(exc)
        _forget(exc)
        return UNEXPECTED
    except Exception as exc:
        if debug:
            raise
        err.print(
            f"[bold red]Kesalahan tak terduga[/] ({type(exc).__name__}). {escape(DEBUG_HINT)}"
        )
        _forget(exc)
        return UNEXPECTED
    if rv == STOPPED:  # Ctrl-C: Typer turns it into exit code 130
        err.print("Dibatalkan.")
    return rv if isinstance(rv, int) else 0


def _print_original(exc: BaseException) -> None:
    """DTKS_DEBUG: the technical detail a boundary kept from Prefect and the logs."""
    original = redact.original(exc)
    sys.stderr.write("".join(traceback.format_exception(original)))


def _forget(exc: BaseException | None) -> None:
    """Drop the frames a failed run's exceptions hold (open DuckDB connections among them).

    Left alive until interpreter exit, DuckDB's bindings print "nanobind: leaked ..." lines.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if exc.__traceback__ is not None:
            traceback.clear_frames(exc.__traceback__)
        exc = exc.__cause__ or exc.__context__


def main() -> None:
    """Entry point: expected errors become one Indonesian message, never a traceback."""
    _setup_logging(bool(os.environ.get("DTKS_DEBUG")))
    sys.exit(run())
