"""The register's name in what users read: DTKS or DTSEN (dtks.toml `[dinas] istilah`).

Since Inpres 4/2025 the DTKS is merged into DTSEN; a Dinas chooses which name its reports,
letters and messages use. Only the words change: the data model, the commands (`dtks ...`),
the data root's files and the columns the register itself names (`ID DTKS`) stay as they
are, and so does the QR payload of a letter (`DTKS-SKT|...`), which `dtks verify` reads.

A process works on one data root: the CLI, `finalize` and `publish` call `use(home)` and
the texts are passed through `say()` where they are made.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipelines.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from pipelines.config import Home

NAMES = {
    "DTKS": "Data Terpadu Kesejahteraan Sosial",
    "DTSEN": "Data Tunggal Sosial dan Ekonomi Nasional",
}
DEFAULT = "DTKS"
# the word DTKS, but not the register's own column names (ID DTKS, ID DTKS KANDIDAT), the
# letter's QR payload (DTKS-SKT) or a file/variable name (DTKS_HOME, DTKS_6271_...)
_WORD = re.compile(r"(?<!ID )(?<![\w.-])DTKS(?![\w-])")
_LONG = re.compile(re.escape(NAMES["DTKS"]), re.IGNORECASE)

_current = DEFAULT


def use(home: Home | str) -> str:
    """Make the data root's choice (or a name given) the one `say()` applies; returns it."""
    global _current
    _current = home if isinstance(home, str) else home.config.dinas.istilah.strip().upper()
    if _current not in NAMES:
        raise ConfigError(f'Istilah {_current!r} tidak dikenali; isi "DTKS" atau "DTSEN".')
    return _current


def current() -> str:
    """The register's name in use: "DTKS" or "DTSEN"."""
    return _current


def say(text: str, name: str | None = None) -> str:
    """TEXT in the vocabulary in use (or NAME's): DTKS and its long name become DTSEN's."""
    name = name or _current
    if name == "DTKS" or not isinstance(text, str):
        return text
    text = _LONG.sub(lambda m: NAMES[name].upper() if m.group(0).isupper() else NAMES[name], text)
    return _WORD.sub(name, text)


def say_column(values: pd.Series) -> pd.Series:
    """A text column (rejection reasons, notes) in the vocabulary in use; vectorised."""
    if _current == "DTKS" or values.empty:
        return values
    out = values.str.replace(NAMES["DTKS"].upper(), NAMES[_current].upper(), regex=False)
    out = out.str.replace(_LONG, NAMES[_current], regex=True)
    return out.str.replace(_WORD, _current, regex=True)
