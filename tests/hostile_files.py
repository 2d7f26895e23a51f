"""Builders of hostile and broken input files, for tests, the fuzz test and bench_fuzz.py.

Each writes a file an operator (or an attacker) could send in a kelurahan folder. Minimal
xlsx packages are written by hand so that every byte of the sheet XML is under control.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

_CT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
    b'"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    b'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    b'"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override'
    b' PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
    b'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    b'" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.'
    b'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships"><sheets><sheet name="PRELIST" sheetId="1" r:id="rId1"'
    b"/></sheets></workbook>"
)
_WB_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://'
    b'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
    b'http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="'
    b'worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.'
    b'org/spreadsheetml/2006/main">'
)
PARTS = {
    "[Content_Types].xml": _CT,
    "_rels/.rels": _RELS,
    "xl/workbook.xml": _WB,
    "xl/_rels/workbook.xml.rels": _WB_RELS,
}
HEADERS = ["NIK", "NO KK", "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "HUBUNGAN KELUARGA"]


def cell(ref: str, value) -> bytes:
    """One inline-string (or number) cell with its reference."""
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'.encode()
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'.encode()


def row(n: int, values: list, first_col: int = 1) -> bytes:
    from pipelines.ingest.read import column_letter

    cells = b"".join(
        cell(f"{column_letter(first_col + i)}{n}", v) for i, v in enumerate(values) if v != ""
    )
    return f'<row r="{n}">'.encode() + cells + b"</row>"


def sheet_xml(rows: bytes, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    return SHEET_HEAD + dim + b"<sheetData>" + rows + b"</sheetData></worksheet>"


def write_xlsx(path: Path, sheet: bytes) -> Path:
    """A minimal xlsx package around one sheet's XML (sheet name PRELIST)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in PARTS.items():
            z.writestr(name, data)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def far_cell_xlsx(path: Path) -> Path:
    """The 1.6 KB workbook that aborted python-calamine: cells at A1 and XFD1048576."""
    rows = row(1, ["x"]) + b'<row r="1048576">' + cell("XFD1048576", "y") + b"</row>"
    return write_xlsx(path, sheet_xml(rows, "A1:XFD1048576"))


def lying_dimension_xlsx(path: Path, persons: list[list]) -> Path:
    """A prelist that declares A1:F<n> but holds one more cell at XFD1048576."""
    body = row(1, HEADERS) + b"".join(row(i + 2, p) for i, p in enumerate(persons))
    body += b'<row r="1048576">' + cell("XFD1048576", "x") + b"</row>"
    return write_xlsx(path, sheet_xml(body, f"A1:F{len(persons) + 1}"))


def zip_bomb_xlsx(path: Path, unzipped_mb: int = 2048) -> Path:
    """A few MB of xlsx whose sheet XML unzips to `unzipped_mb` MiB of rows.

    The deflate stream is built from one compressed block repeated (each block starts from a
    fresh dictionary after a full flush, so the copies concatenate into a valid stream), and
    the zip is written by hand with the true sizes and CRC: seconds, not minutes.
    """
    chunk = b'<row><c t="inlineStr"><is><t>a</t></is></c></row>' * 20_000
    head = SHEET_HEAD + b"<sheetData>"
    tail = b"</sheetData></worksheet>"
    reps = unzipped_mb * (1 << 20) // len(chunk)

    def deflated(data: bytes, mode: int) -> bytes:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(mode)

    block = deflated(chunk, zlib.Z_FULL_FLUSH)
    stream_head = deflated(head, zlib.Z_FULL_FLUSH)
    stream_tail = deflated(tail, zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(reps):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc) & 0xFFFFFFFF
    size = len(head) + reps * len(chunk) + len(tail)
    csize = len(stream_head) + reps * len(block) + len(stream_tail)
    assert size < 1 << 32, "no zip64 here"
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = []
    with path.open("wb") as f:
        for name, data in PARTS.items():
            comp = deflated(data, zlib.Z_FINISH)
            entries.append(_local(f, name, zlib.crc32(data), len(comp), len(data)))
            f.write(comp)
        entries.append(_local(f, "xl/worksheets/sheet1.xml", crc, csize, size))
        f.write(stream_head)
        for _ in range(reps):
            f.write(block)
        f.write(stream_tail)
        start = f.tell()
        for name, off, c, cs, s in entries:
            n = name.encode()
            f.write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    20,
                    20,
                    0,
                    8,
                    0,
                    0,
                    c,
                    cs,
                    s,
                    len(n),
                    0,
                    0,
                    0,
                    0,
                    0,
                    off,
                )  # fmt: skip
                + n
            )
        end = f.tell()
        f.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                            end - start, start, 0))  # fmt: skip
    return path


def _local(f, name: str, crc: int, csize: int, size: int) -> tuple:
    off = f.tell()
    n = name.encode()
    f.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, csize, size, len(n), 0))
    f.write(n)
    return name, off, crc, csize, size


def header_only_xlsx(path: Path, headers: list[str]) -> Path:
    """An empty template: the header row and nothing under it."""
    return write_xlsx(path, sheet_xml(row(1, headers)))


def run_forked(fn, *args, memory_mb: int | None = None, timeout: float = 120):
    """fn(*args) in a forked child (its memory capped at memory_mb): ('ok', result),
    ('raised', exception type name, message) or ('died', signal or exit code).

    A reader that aborts the process, or takes more memory than allowed, ends the child
    only, so a test can tell "refused" from "crashed"."""
    import os
    import pickle
    import resource
    import select
    import signal

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(r)
        try:
            if memory_mb:
                resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
            try:
                out = ("ok", fn(*args))
            except Exception as exc:
                out = ("raised", type(exc).__name__, str(exc))
            data = pickle.dumps(out)
        except BaseException as exc:  # noqa: BLE001 - even a panic must reach the parent
            data = pickle.dumps(("raised", type(exc).__name__, str(exc)))
        with os.fdopen(w, "wb") as fh:
            fh.write(data)
        os._exit(0)
    os.close(w)
    chunks = []
    with os.fdopen(r, "rb") as fh:
        while True:
            ready, _, _ = select.select([fh], [], [], timeout)
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return ("died", "timeout")
            chunk = fh.read1(1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if chunks:
        return pickle.loads(b"".join(chunks))
    return ("died", os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
