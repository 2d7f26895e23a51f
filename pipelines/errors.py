"""One exception hierarchy; every message is Indonesian and says what to do."""


class DtksError(Exception):
    "Base of every expected error; the CLI prints its message without a traceback."


class ConfigError(DtksError):
    "A setting or the data root is wrong."


class StoreError(DtksError):
    "A statement against the DuckDB store failed."


class StoreLocked(StoreError):
    "Another process holds the DuckDB store open for writing."


class SnapshotRejected(DtksError):
    "A DTKS snapshot export is malformed and was refused whole."


class DtsenRejected(DtksError):
    "A DTSEN family file is malformed, or loading it would damage the desil history; refused whole."


class FileProblem(DtksError):
    "A kelurahan file cannot be read (corrupt, protected, empty, no header)."

    def __init__(self, path: str, message: str, sheet: str = "") -> None:
        self.path = path
        self.sheet = sheet
        self.message = message
        where = f"{path}" + (f", sheet '{sheet}'" if sheet else "")
        super().__init__(f"{where}: {message}")


class PeriodNotFound(DtksError):
    "The period folder under data/raw does not exist or holds no kelurahan folder."


class PeriodClosed(DtksError):
    "The period was closed; its outcomes and files are final until it is reopened."


class PeriodNotReady(DtksError):
    "The period cannot be closed or written yet (not finalised, or rows still undecided)."


class NoRegister(ConfigError):
    "The data root holds no DTKS register; only load-dtks and demo create one."
