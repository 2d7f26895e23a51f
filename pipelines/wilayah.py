"""Kemendagri region codes, shipped with the package (see reference/SOURCE.txt)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

CODE_RE = re.compile(r"^(\d{2})\.?(\d{2})\.?(\d{2})\.?(\d{4})")


@dataclass
class Wilayah:
    """All region codes, undotted, by level."""

    names: dict[str, str]  # undotted code -> name

    def name(self, code: str) -> str:
        """Name of an undotted code, or '' when unknown."""
        return self.names.get(code, "")

    def exists(self, code: str) -> bool:
        return code in self.names

    @cached_property
    def province_codes(self) -> frozenset[str]:
        return frozenset(c for c in self.names if len(c) == 2)

    @cached_property
    def kecamatan_codes(self) -> frozenset[str]:
        return frozenset(c for c in self.names if len(c) == 6)

    @cached_property
    def desa_codes(self) -> frozenset[str]:
        return frozenset(c for c in self.names if len(c) == 10)

    def desa_in(self, kabkota: str) -> list[str]:
        """Undotted desa/kelurahan codes of a 4-digit kab/kota, sorted."""
        return sorted(c for c in self.names if len(c) == 10 and c.startswith(kabkota))


@cache
def load() -> Wilayah:
    """Read the bundled Kemendagri list once."""
    ref = resources.files("pipelines.reference").joinpath("wilayah_kepmendagri_2025.csv")
    with ref.open("rb") as fh:  # pyarrow's reader: 5x faster than csv.DictReader here
        table = pacsv.read_csv(
            fh, convert_options=pacsv.ConvertOptions(column_types={"kode": pa.string()})
        )
    codes = pc.replace_substring(table["kode"], ".", "").to_pylist()
    return Wilayah(dict(zip(codes, table["nama"].to_pylist(), strict=True)))


def dotted(code: str) -> str:
    """6271011001 -> 62.71.01.1001; shorter codes (province, kab/kota, kecamatan) too."""
    parts = [code[0:2], code[2:4], code[4:6], code[6:10]]
    return ".".join(p for p in parts if p)


def parse_folder_code(name: str) -> str | None:
    """The undotted 10-digit kode wilayah a kelurahan folder name starts with, if any."""
    m = CODE_RE.match(name.strip())
    return "".join(m.groups()) if m else None
