"""SIKS-NG import files: per kelurahan, one workbook (and a CSV) per kind, in a layout.

A layout file (TOML) describes one target: the columns of each kind (header, field) and,
per coded field, the value map from the pipeline's labels to the target's codes (`[kode.X]`:
L -> 1, KAWIN -> 2, ANAK -> 3, ...). Shipped layouts, chosen with dtks.toml
`[ekspor] tata_letak` (a name below or the path of one's own file):

- `siksng` (default, siksng_layout.toml): the SIKS-NG proposal import, values as labels;
- `dtks` (dtks_layout.toml): a DTKS export's columns, sex 1/2, marital 1-4, relationship 1-8;
- `dtsen` (dtsen_layout.toml): DTSEN/Regsosek individual-set column names, the same codes.

No official import template of SIKS-NG is public: every shipped layout says in its
`[tata_letak]` table what is a guess. A layout is checked when it is read: unknown fields
and a value map that leaves out a value the pipeline can write are refused, so no row ever
leaves with a value the target cannot read.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines import proposal, wilayah, xlsx
from pipelines.errors import ConfigError
from pipelines.outcomes import SIKSNG_KINDS
from pipelines.sanitize import write_csv

KINDS = tuple(o.value for o in SIKSNG_KINDS)  # each needs its columns in a layout
SHIPPED = {"siksng": "siksng_layout.toml", "dtks": "dtks_layout.toml", "dtsen": "dtsen_layout.toml"}
DEFAULT = "siksng"
# what a layout may name: columns of prelist_final, and region codes cut from kode_wilayah
FIELDS = {
    "row_id", "source_file", "source_sheet", "source_row", "folder_kode", "kode_wilayah", "nik",
    "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "hubungan_keluarga",
    "nama_ibu_kandung", "status_kawin", "pekerjaan", "alamat", "rt", "rw", "outcome", "reasons",
    "matched_id_dtks", "match_score", *proposal.FIELDS, "kanal", "jenis_usul", "alasan_nonaktif",
}  # fmt: skip
# a layout written before deactivation proposals existed gets these columns for them
NONAKTIF_COLUMNS = [["ID DTKS", "matched_id_dtks"], ["NIK", "nik"], ["NO KK", "no_kk"],
                    ["NAMA", "nama"], ["TANGGAL LAHIR", "tanggal_lahir"],
                    ["KODE WILAYAH", "kode_wilayah"], ["ALASAN NONAKTIF", "alasan_nonaktif"],
                    ["KETERANGAN", "reasons"]]  # fmt: skip
DERIVED = {"kode_provinsi": 2, "kode_kabupaten_kota": 4, "kode_kecamatan": 6}
# region names beside the codes, from the Kemendagri list (data/wilayah): SIKS-NG's form shows
# both
NAMES = {"nama_provinsi": 2, "nama_kabupaten_kota": 4, "nama_kecamatan": 6, "nama_kelurahan": 10}


def vocabulary() -> dict[str, list[str]]:
    """Coded field -> every value a valid row can hold (the schema's lists)."""
    from schemas.prelist import MARITAL, RELATIONSHIPS, SEX

    return {"jenis_kelamin": SEX, "status_kawin": MARITAL, "hubungan_keluarga": RELATIONSHIPS}


def layout(path: Path | str | None = None) -> dict:
    """A layout, checked: a shipped one by name ('siksng', 'dtks', 'dtsen'), a TOML file, or
    the default (the SIKS-NG proposal import)."""
    name = str(path) if path is not None else DEFAULT
    if name in SHIPPED:
        where = f"tata letak '{name}'"
        text = resources.files("pipelines.export").joinpath(SHIPPED[name]).read_text("utf-8")
    else:
        file = Path(name).expanduser()
        where = f"tata letak {file}"
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(
                f"Berkas tata letak {file} tidak dapat dibaca ({exc.strerror}). Isi dtks.toml "
                f"[ekspor] tata_letak dengan {', '.join(SHIPPED)} atau jalur berkas TOML."
            ) from exc
    try:
        spec = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: bukan TOML yang sah ({exc}).") from exc
    return check(spec, where)


def check(spec: dict, where: str = "tata letak") -> dict:
    """Refuse a layout with a missing kind, an unknown field or an incomplete value map."""
    if "usulan_nonaktif" not in spec:
        spec["usulan_nonaktif"] = {"sheet": "USULAN NONAKTIF", "columns": NONAKTIF_COLUMNS}
    for kind in KINDS:
        cols = (spec.get(kind) or {}).get("columns")
        if not isinstance(cols, list) or not cols:
            raise ConfigError(f"{where}: [{kind}] columns tidak ada atau kosong.")
        for col in cols:
            if not (
                isinstance(col, list) and len(col) == 2 and all(isinstance(c, str) for c in col)
            ):
                raise ConfigError(f'{where}: [{kind}] columns: tiap kolom ["JUDUL", "field"].')
            if col[1] not in FIELDS and col[1] not in DERIVED and col[1] not in NAMES:
                raise ConfigError(
                    f"{where}: [{kind}] kolom '{col[0]}' memakai field '{col[1]}' yang tidak "
                    f"dikenal. Field yang ada: {', '.join(sorted(FIELDS | set(DERIVED) | set(NAMES)))}."
                )
    vocab = vocabulary()
    for field, table in (spec.get("kode") or {}).items():
        if field not in vocab:
            raise ConfigError(
                f"{where}: [kode.{field}]: hanya {', '.join(vocab)} yang dapat dikodekan."
            )
        missing = [v for v in vocab[field] if v not in table]
        if missing:
            raise ConfigError(
                f"{where}: [kode.{field}] tidak memberi kode untuk {', '.join(missing)}; "
                "setiap nilai harus punya kode agar tidak ada baris yang keluar tanpa kode."
            )
    return spec


def encode(part: pd.DataFrame, fields: list[str], spec: dict) -> list[list]:
    """The rows of the given fields as the layout writes them: codes mapped, regions cut."""
    codes = spec.get("kode") or {}
    columns = []
    for field in fields:
        if field in DERIVED:
            values = part["kode_wilayah"].astype(object).str[: DERIVED[field]]
        elif field in NAMES:
            codes_ = part["kode_wilayah"].astype(object).str[: NAMES[field]]
            w = wilayah.load()
            values = codes_.map({c: w.name(c) for c in codes_.dropna().unique()})
        else:
            values = part[field].astype(object)
        values = values.where(values.notna(), None)
        if field in codes:
            table = codes[field]
            odd = sorted({v for v in values if v is not None and v not in table})
            if odd:  # check() makes this unreachable for valid rows; never write a raw label
                raise ConfigError(
                    f"[kode.{field}] tata letak tidak memberi kode untuk {', '.join(odd)}."
                )
            columns.append([None if v is None else table[v] for v in values])
            continue
        columns.append(values.tolist())
    return [list(row) for row in zip(*columns, strict=True)] if columns else []


def file_stem(kode: str, period: str, kind: str) -> str:
    return f"{kode}_{period}_{kind}"


def write(
    outcomes: pd.DataFrame,
    period: str,
    out_dir: Path,
    spec: dict | None = None,
    when: dt.datetime | None = None,
) -> list[Path]:
    """Write every kelurahan's import files; return their paths (none for an empty kind).

    Byte-stable: the same rows give the same files (and SHA-256), `when` stamped inside.
    """
    spec = spec or layout()
    date_format = (spec.get("tata_letak") or {}).get("format_tanggal", "%d-%m-%Y")
    written: list[Path] = []
    for kind in KINDS:
        cols = spec[kind]["columns"]
        headers = [h for h, _ in cols]
        fields = [f for _, f in cols]
        # region codes cut from kode_wilayah are text cells like the code itself
        keys = ["kode_wilayah" if f in DERIVED else f for f in fields]
        rows = outcomes[(outcomes["outcome"] == kind) & outcomes["folder_kode"].notna()]
        # encoded once for the kind (per kelurahan, pandas' fixed cost per column was most of
        # the time), then cut into kelurahan: ordered by kelurahan, then row_id
        rows = rows.sort_values(["folder_kode", "row_id"], kind="stable")
        values = encode(rows, fields, spec)
        kodes = rows["folder_kode"].to_numpy(dtype=object)
        # where each kelurahan's rows begin and end (the rows are ordered by kelurahan)
        cuts = [0, *(np.flatnonzero(kodes[1:] != kodes[:-1]) + 1).tolist(), len(kodes)]
        for start, end in itertools.pairwise(cuts):
            if start == end:
                continue
            kode, part = kodes[start], values[start:end]
            stem = file_stem(kode, period, kind)
            wb = xlsx.new_workbook()
            xlsx.add_sheet(wb, spec[kind].get("sheet", kind.upper()), headers, keys, part)
            target = out_dir / f"{stem}.xlsx"
            xlsx.save(wb, target, when)
            written.append(target)
            # ';'-separated UTF-8 with BOM, as Indonesian Excel opens it; dates dd-mm-yyyy
            written.append(write_csv(out_dir / f"{stem}.csv", headers, part, date_format))
    return written
