"""Byte-stable files: the same data gives the same bytes, so a SHA-256 listed in a signed
Berita Acara stays true when the files are written again.

openpyxl stamps every zip entry with the current time and docProps/core.xml with created and
modified times; reportlab puts the creation time and a random document ID into a PDF. Here
zip entries carry a fixed time, the document properties a date taken from the data (the
period), and PDFs are built in reportlab's invariant mode.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
EPOCH = dt.datetime(2000, 1, 1)


def period_time(period: str) -> dt.datetime:
    """The time stamped into a month's files: the first day of the period."""
    year, month = (int(x) for x in period.split("-"))
    return dt.datetime(year, month, 1)


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile whose entries all carry ZIP_TIME."""

    def _info(self, name: str, compress_type: int | None) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
        info.compress_type = self.compression if compress_type is None else compress_type
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname.date_time = ZIP_TIME
        else:
            zinfo_or_arcname = self._info(zinfo_or_arcname, compress_type)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # noqa: ARG002
        info = self._info(arcname or os.path.basename(filename), compress_type)
        info.file_size = os.path.getsize(filename)
        with open(filename, "rb") as src, self.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def save_workbook(wb: Workbook, path: Path, when: dt.datetime | None = None) -> Path:
    """Save an openpyxl workbook so that the same content gives the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = when or EPOCH
    wb.properties.created = stamp
    wb.properties.modified = stamp
    archive = _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()
    return path
