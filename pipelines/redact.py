"""Personal data out of errors and logs: the boundary every stage failure passes through.

Libraries quote the values they choke on (openpyxl's IllegalCharacterError prints the cell,
DuckDB's conversion and constraint errors quote the value, pandas and pyarrow show the
offending item). Such a message must not reach the screen, a log line, Prefect's database or
a result file. Three layers keep it out:

- `boundary(stage)` (tasks and flows use it): an unexpected exception leaves as `StageFailed`
  naming the stage and the exception type only; an expected `DtksError` leaves with long
  digit runs masked and its cause detached (the cause is kept in memory for DTKS_DEBUG).
- `install_log_scrubber()`: every log record of the process (ours, Prefect's, libraries')
  has its message and traceback text masked before any handler sees it.
- `mask()`: numbers of 11 or more digits (NIK, No KK, a NIK cut to 15 digits, telephone
  numbers; region codes have 10) and control characters are replaced.
"""

from __future__ import annotations

import functools
import logging
import re
import traceback
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from pipelines.errors import DtksError

LONG_NUMBER = re.compile(r"\d{11,}")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MASK = "[angka disamarkan]"
F = TypeVar("F", bound=Callable[..., Any])


def mask(text: str) -> str:
    """Long digit runs and control characters out of a text meant for a person or a log."""
    return CONTROL.sub("?", LONG_NUMBER.sub(MASK, text))


def database_message(exc: BaseException) -> str:
    """A DuckDB error without the values it quotes ('...' literals, "column: value" keys)."""
    text = re.sub(r"'[^']*'", "'…'", str(exc))
    text = re.sub(r'"[^"\n]*:[^"\n]*"', '"…"', text)
    return mask(text)


class StageFailed(Exception):
    "A stage failed on an unexpected error; the message names the stage and error type only."

    def __init__(self, stage: str, kind: str) -> None:
        self.stage, self.kind = stage, kind
        super().__init__(
            f"Tahap '{stage}' gagal karena kesalahan tak terduga ({kind}). Isi data tidak "
            "ditampilkan agar data pribadi tidak tercatat."
        )

    def __reduce__(self):
        return (StageFailed, (self.stage, self.kind))


def value_free(exc: BaseException, stage: str) -> BaseException:
    """The exception to let out of a stage: ours masked, anything else as StageFailed."""
    if isinstance(exc, StageFailed):  # an inner stage's boundary already made it value-free
        return exc
    if isinstance(exc, DtksError):
        exc.args = tuple(mask(a) if isinstance(a, str) else a for a in exc.args)
        for attr in ("message", "path", "sheet"):
            value = getattr(exc, attr, None)
            if isinstance(value, str):
                setattr(exc, attr, mask(value))
        # the cause (often a library error quoting a value) stays reachable in memory for
        # DTKS_DEBUG, but no traceback printer, logger or pickle follows it any more
        exc.__context__ = exc.__cause__ or exc.__context__
        exc.__cause__ = None
        exc.__suppress_context__ = True
        return exc
    return StageFailed(stage, type(exc).__name__)


@contextmanager
def boundary(stage: str) -> Iterator[None]:
    """Let only value-free exceptions out of the block (KeyboardInterrupt passes as it is)."""
    try:
        yield
    except Exception as exc:
        clean = value_free(exc, stage)
        if clean is exc:
            raise
        raise clean from None  # __context__ keeps exc for DTKS_DEBUG; printers skip it


def guarded(stage: str, where: Callable[..., str] | None = None) -> Callable[[F], F]:
    """Decorator form of `boundary` for task functions; `where(*args)` names the unit (a code)."""

    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            try:
                with boundary(f"{stage} {where(*args, **kwargs)}" if where else stage):
                    return fn(*args, **kwargs)
            except (StageFailed, DtksError) as exc:
                failed = detach(exc)
            raise failed  # outside the handler: Python gives it no __context__ again

        return inner  # type: ignore[return-value]

    return deco


def detach(exc: BaseException) -> BaseException:
    """exc without its chain: the exception a boundary replaced (whose message may quote a
    value) moves from __context__/__cause__ to an attribute that `original` reads for
    DTKS_DEBUG and no pickle carries. Needed because Dask installs tblib's picklers for every
    exception class, which carry __context__, __cause__ and the traceback whatever the
    class's own __reduce__ says: a kab/kota's failure travelling from a worker to the
    scheduler and the command took the replaced exception's message with it."""
    chained = exc.__cause__ or exc.__context__
    if chained is not None:
        try:  # not an attribute: BaseException pickles its __dict__
            _DETACHED[exc] = chained
        except TypeError:  # a built-in exception (no weak reference): the chain is dropped
            pass
    exc.__cause__ = exc.__context__ = None
    return exc


_DETACHED: weakref.WeakKeyDictionary[BaseException, BaseException] = weakref.WeakKeyDictionary()


def original(exc: BaseException) -> BaseException:
    """The exception a boundary replaced or detached (for DTKS_DEBUG), else exc itself."""
    try:
        if exc in _DETACHED:
            return _DETACHED[exc]
    except TypeError:
        pass
    if isinstance(exc, StageFailed | DtksError) and exc.__suppress_context__ and exc.__context__:
        return exc.__context__
    return exc


_installed = False


def install_log_scrubber() -> None:
    """Mask every log record of this process (message and traceback) as it is created."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: keep its format string only
            message = str(record.msg)
        record.msg, record.args = mask(message), ()
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = mask(text.rstrip("\n"))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask(record.exc_text)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
