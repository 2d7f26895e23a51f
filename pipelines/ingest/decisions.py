"""The words a berita acara musyawarah uses for its decision on a household.

Any case and spacing ('Tidak  layak', 'tdk. layak', 'DISETUJUI'). A decision that names a
reason (meninggal, pindah, mampu, tidak ditemukan, ganda, ...) is a rejection that keeps its
reason: on a registered family it is a request to deactivate or correct it (docs/domain.md,
Musyawarah decisions).
"""

from __future__ import annotations

import re
from typing import Any

from pipelines.normalize.values import is_missing

# reason code -> (words that mean it, Indonesian text shown to the operator)
REASONS: dict[str, tuple[list[str], str]] = {
    "meninggal": (["MENINGGAL", "MENINGGALDUNIA", "MD", "WAFAT", "ALM", "ALMARHUM",
                   "ALMARHUMAH", "SUDAHMENINGGAL", "TELAHMENINGGAL"], "meninggal dunia"),
    "pindah": (["PINDAH", "PINDAHDOMISILI", "PINDAHALAMAT", "SUDAHPINDAH", "PINDAHKELUAR",
                "TIDAKBERDOMISILI", "BUKANPENDUDUKSETEMPAT", "BUKANWARGA"], "sudah pindah"),
    "mampu": (["MAMPU", "SUDAHMAMPU", "DINILAIMAMPU", "KELUARGAMAMPU", "EKONOMIMAMPU"],
              "dinilai mampu"),
    "tidak_ditemukan": (["TIDAKDITEMUKAN", "TDKDITEMUKAN", "TIDAKDIKETAHUI", "TIDAKADA",
                         "TIDAKDIKENAL", "TIDAKDIKENALI", "ALAMATTIDAKDITEMUKAN"],
                        "tidak ditemukan"),
    "ganda": (["GANDA", "DATAGANDA", "DOBEL", "DOUBLE", "DUPLIKAT", "GANDA DATA",
               "TERDAFTARGANDA"], "data ganda"),
    "tidak_layak": (["TIDAKLAYAK", "TDKLAYAK", "TL", "TIDAKMEMENUHISYARAT", "TMS",
                     "TIDAKMEMENUHIKRITERIA", "BELUMLAYAK"], "tidak layak"),
    "ditolak": (["DITOLAK", "TOLAK", "TIDAKSETUJU", "TDKSETUJU", "TIDAKDISETUJUI",
                 "TIDAKDITERIMA", "TIDAK", "TDK", "T", "N", "NO", "BELUMDISETUJUI"],
                "tidak disetujui"),
}  # fmt: skip
APPROVED = {"SETUJU", "DISETUJUI", "SETUJUI", "LAYAK", "DITERIMA", "TERIMA", "YA", "Y", "IYA",
            "OK", "OKE", "LAYAKDIUSULKAN", "DIUSULKAN", "MEMENUHISYARAT", "MS", "SESUAI",
            "LAYAKSETUJU", "SETUJULAYAK", "DISETUJUILAYAK", "LAYAKDISETUJUI", "SANGATLAYAK",
            "SETUJUDIUSULKAN", "YES", "V", "√", "✓", "✔"}  # fmt: skip
_REJECTED = {re.sub(r"[^A-Z]", "", w): code for code, (words, _) in REASONS.items() for w in words}
# the words named when a decision is not understood
ACCEPTED_WORDS = (
    "SETUJU, DISETUJUI, LAYAK, DITERIMA atau YA (disetujui); TIDAK LAYAK, DITOLAK atau "
    "TIDAK (tidak disetujui); atau alasannya: MAMPU, PINDAH, MENINGGAL, TIDAK DITEMUKAN, GANDA"
)
DROPDOWN = ["SETUJU", "TIDAK LAYAK", "MAMPU", "PINDAH", "MENINGGAL", "TIDAK DITEMUKAN", "GANDA"]


def decision_key(v: Any) -> str:
    """'Tidak  layak.' -> 'TIDAKLAYAK'; check marks kept."""
    if is_missing(v):
        return ""
    s = str(v).upper().strip()
    return s if s in {"√", "✓", "✔"} else re.sub(r"[^A-Z]", "", s)


def read_decision(v: Any) -> tuple[bool | None, str, str]:
    """(approved?, reason code, Indonesian reason) of a decision cell; approved is None when
    the cell is not understood (empty included)."""
    key = decision_key(v)
    if not key:
        return None, "", ""
    if key in APPROVED:
        return True, "", ""
    code = _REJECTED.get(key) or _reason_inside(key)
    if code:
        return False, code, REASONS[code][1]
    return None, "", ""


def _reason_inside(key: str) -> str:
    """'TIDAKLAYAKMENINGGAL', 'DITOLAKKARENAPINDAH': the first reason word found inside."""
    for code in ("meninggal", "pindah", "tidak_ditemukan", "ganda"):
        if any(w in key for w in REASONS[code][0] if len(w) >= 5):
            return code
    if key.startswith(("TIDAKLAYAK", "TDKLAYAK")) or "DITOLAK" in key:
        return "mampu" if key.endswith("MAMPU") and "TIDAKMAMPU" not in key else "tidak_layak"
    return ""
