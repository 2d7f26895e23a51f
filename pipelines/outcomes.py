"""The outcomes a prelist row can end in, in one place.

Every proposed row ends in exactly one outcome. The value is what the store, the parquet
files and the SIKS-NG file names hold (it never changes once released); the other fields
say how each report names it and where its rows go. The order of definition is the order
of the count columns (summary workbook, `dtks finalize` table, v_monthly_summary).

Adding an outcome here is enough for the counts, the summary, the CLI table, the return
workbooks, the Berita Acara recap and v_monthly_summary; a SIKS-NG kind also needs its
column layout in export/siksng_layout.toml.
"""

from __future__ import annotations

from enum import StrEnum


def _spec(
    value: str,
    *,
    label: str,
    short: str,
    returned: bool = False,
    to_siksng: bool = False,
    recap: str = "",
    ba_line: str,
) -> tuple:
    """An outcome's fields in the order Outcome.__new__ takes them."""
    return (value, label, short, returned, to_siksng, recap, ba_line)


class Outcome(StrEnum):
    """One outcome of a prelist row (a str: compares equal to its stored value)."""

    label: str
    short: str
    returned: bool
    to_siksng: bool
    recap: str
    ba_line: str

    def __new__(
        cls,
        value: str,
        label: str,
        short: str,
        returned: bool,
        to_siksng: bool,
        recap: str,
        ba_line: str,
    ) -> Outcome:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label  # reports and workbooks (summary, return workbook, review sheets)
        obj.short = short  # the narrow column title of the `dtks finalize` table
        obj.returned = returned  # goes back to the kelurahan in the return workbook
        obj.to_siksng = to_siksng  # goes to SIKS-NG: one import file per kelurahan and kind
        obj.recap = recap or label  # column title of the Berita Acara recap table
        obj.ba_line = ba_line  # the Berita Acara's sentence, before ': <count>'
        return obj

    USULAN_BARU = _spec(
        "usulan_baru", label="Usulan Baru", short="Baru", to_siksng=True,
        ba_line="usulan baru yang dikirim ke SIKS-NG",
    )  # fmt: skip
    PERBAIKAN = _spec(
        "perbaikan", label="Perbaikan", short="Perbaikan", to_siksng=True,
        ba_line="perbaikan data yang dikirim ke SIKS-NG",
    )  # fmt: skip
    TERDAFTAR = _spec(
        "terdaftar", label="Sudah Terdaftar", short="Terdaftar",
        ba_line="sudah terdaftar (tidak dikirim)",
    )  # fmt: skip
    PERLU_VERIFIKASI = _spec(
        "perlu_verifikasi", label="Perlu Verifikasi", short="Verifikasi", recap="Belum Diputus",
        ba_line="belum diputus",
    )  # fmt: skip
    DUPLIKAT_BATCH = _spec(
        "duplikat_batch", label="Duplikat dalam Batch", short="Duplikat", recap="Duplikat",
        ba_line="duplikat dalam usulan bulan ini",
    )  # fmt: skip
    DITOLAK_MUSYAWARAH = _spec(
        "ditolak_musyawarah", label="Ditolak Musyawarah", short="Tolak Musy", returned=True,
        ba_line="ditolak atau tidak tercantum dalam musyawarah kelurahan/desa",
    )  # fmt: skip
    DITOLAK_VALIDASI = _spec(
        "ditolak_validasi", label="Ditolak Validasi", short="Tolak Valid", returned=True,
        ba_line="ditolak karena tidak lolos validasi data",
    )  # fmt: skip
    # only ever set by a supervisor's TOLAK (dtks review apply), never by the flow
    DITOLAK_SUPERVISOR = _spec(
        "ditolak_supervisor", label="Ditolak Supervisor", short="Tolak Sup", returned=True,
        ba_line="ditolak supervisor setelah telaah",
    )  # fmt: skip

    # a registered person the musyawarah (or a field check) decided MENINGGAL, PINDAH, MAMPU,
    # TIDAK DITEMUKAN or GANDA: a request to deactivate it (issue 17 item 3)
    USULAN_NONAKTIF = _spec(
        "usulan_nonaktif", label="Usulan Nonaktif", short="Nonaktif", to_siksng=True,
        ba_line="usulan penonaktifan (meninggal, pindah, mampu, tidak ditemukan, ganda) yang "
        "dikirim ke SIKS-NG",
    )  # fmt: skip


OUTCOMES: list[Outcome] = list(Outcome)
RETURNED: list[Outcome] = [o for o in Outcome if o.returned]
SIKSNG_KINDS: list[Outcome] = [o for o in Outcome if o.to_siksng]
LABELS: dict[str, str] = {o.value: o.label for o in Outcome}


def label(value: str) -> str:
    """The report label of a stored outcome value (the value itself if it is not one)."""
    return LABELS.get(value, value)


def count_columns_sql() -> str:
    """One `count(*) FILTER (...) AS <outcome>` column per outcome, for v_monthly_summary.

    The values are this module's constants, never user data."""
    return ",\n       ".join(
        f"count(*) FILTER (outcome = '{o.value}') AS \"{o.value}\"" for o in Outcome
    )
