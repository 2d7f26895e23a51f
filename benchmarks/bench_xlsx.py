"""The write-only xlsx path: openpyxl's write-only mode vs the streaming writer
(pipelines.xlsx_stream), on the same rows, in the same run.

Rows look like a SIKS-NG import file: 17 columns (NIK, No KK, region code, RT/RW as text;
names, birthplace, address, relationship, sex as text; birth date; ints; a float; some
empty cells). Each writer runs in a fresh process on rows generated there from one seed
(generation not timed); printed: seconds, cells/s, file size, peak RSS of the process and
its RSS before writing, and the ratio.

    nice -n 10 .venv/bin/python benchmarks/bench_xlsx.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADERS = [
    "NIK", "NO KK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR", "JENIS KELAMIN", "HUBUNGAN",
    "ALAMAT", "RT", "RW", "KODE WILAYAH", "KELURAHAN", "JUMLAH ART", "DESIL", "SKOR",
    "KETERANGAN", "ID DTKS",
]  # fmt: skip
KEYS = [
    "nik", "no_kk", "nama", "tempat_lahir", "tgl_lahir", "jenis_kelamin", "hubungan",
    "alamat", "rt", "rw", "kode_wilayah", "kelurahan", "jumlah_art", "desil", "skor",
    "keterangan", "id_dtks",
]  # fmt: skip
FIRST = ["AHMAD", "SITI", "BUDI", "DEWI", "RINA", "AGUS", "NUR", "JOKO", "SRI", "EKA", "ANI"]
LAST = ["SANTOSO", "WATI", "HIDAYAT", "LESTARI", "SAPUTRA", "RAHAYU", "NINGSIH", "PRATAMA"]
PLACES = ["PALANGKA RAYA", "SAMPIT", "KUALA KAPUAS", "MUARA TEWEH", "PANGKALAN BUN"]


def make_rows(n: int, seed: int = 7) -> list[list]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        kode = f"6271{rnd.randrange(1, 6):02d}{rnd.randrange(1001, 1031)}"
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rnd.randrange(0, 30000))
        rows.append(
            [
                f"{kode[:6]}{born:%d%m%y}{i % 10000:04d}",
                f"{kode[:6]}{rnd.randrange(10**9):010d}",
                f"{rnd.choice(FIRST)} {rnd.choice(LAST)} {i}",
                rnd.choice(PLACES),
                born,
                rnd.choice(["LAKI-LAKI", "PEREMPUAN"]),
                rnd.choice(["KEPALA KELUARGA", "ISTRI", "ANAK"]),
                f"JL. MERDEKA NO. {rnd.randrange(1, 200)}",
                f"{rnd.randrange(1, 20):03d}",
                f"{rnd.randrange(1, 10):03d}",
                kode,
                f"KELURAHAN {kode[-4:]}",
                rnd.randrange(1, 9),
                rnd.randrange(1, 11),
                round(rnd.random() * 100, 3),
                None if rnd.random() < 0.7 else "PINDAH DOMISILI",
                None if rnd.random() < 0.5 else f"{rnd.randrange(10**11):012d}",
            ]
        )
    return rows


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def child(writer: str, n: int) -> None:
    from pipelines import xlsx

    rows = make_rows(n)
    before = _rss_kb()
    out = Path(tempfile.mkdtemp(prefix="bench-xlsx-")) / "a.xlsx"
    t0 = time.perf_counter()
    if writer == "openpyxl":
        wb = xlsx.new_openpyxl_workbook()
        xlsx.add_sheet_openpyxl(wb, "DATA", HEADERS, KEYS, rows)
    else:
        wb = xlsx.new_workbook()
        xlsx.add_sheet(wb, "DATA", HEADERS, KEYS, rows)
    xlsx.save(wb, out, dt.datetime(2026, 11, 1))
    secs = time.perf_counter() - t0
    size = out.stat().st_size
    out.unlink()
    out.parent.rmdir()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"secs": secs, "size": size, "peak_kb": peak, "before_kb": before}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--child", choices=["openpyxl", "stream"])
    a = ap.parse_args()
    if a.child:
        child(a.child, a.rows)
        return
    cells = a.rows * len(KEYS)
    print(f"{a.rows:,} rows x {len(KEYS)} columns = {cells:,} cells (2-core machine, shared)")
    got = {}
    for writer in ("openpyxl", "stream"):
        res = subprocess.run(
            [sys.executable, __file__, "--rows", str(a.rows), "--child", writer],
            check=True,
            capture_output=True,
            text=True,
        )
        r = got[writer] = json.loads(res.stdout.strip().splitlines()[-1])
        print(
            f"{writer:>9}: {r['secs']:7.1f} s  {cells / r['secs']:>12,.0f} cells/s  "
            f"{r['size'] / 1e6:6.1f} MB file  peak RSS {r['peak_kb'] / 1024:7.0f} MB "
            f"(rows in memory {r['before_kb'] / 1024:.0f} MB)"
        )
    print(f"ratio openpyxl/stream: {got['openpyxl']['secs'] / got['stream']['secs']:.1f}x")


if __name__ == "__main__":
    main()
