"""What the finalisation report says: the recap per kelurahan (from the store), and the
Berita Acara's state (DRAF or final) and text, shared by the workbook and the PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from pipelines import wilayah
from pipelines.dates import long_date, month_year
from pipelines.outcomes import Outcome
from pipelines.report.signatories import Signatories
from pipelines.store import Store
from pipelines.vocabulary import current

# the recap's columns: what was turned away first, then what goes on (an outcome not named
# here comes last); the Berita Acara's sentences follow the outcomes' own order, the
# undecided last
_RECAP_FIRST = [Outcome.DITOLAK_VALIDASI, Outcome.DITOLAK_MUSYAWARAH, Outcome.DITOLAK_SUPERVISOR,
                Outcome.DUPLIKAT_BATCH, Outcome.USULAN_BARU, Outcome.PERBAIKAN, Outcome.TERDAFTAR,
                Outcome.PERLU_VERIFIKASI]  # fmt: skip
RECAP = [*_RECAP_FIRST, *(o for o in Outcome if o not in _RECAP_FIRST)]
COLS = [("diusulkan", "Diusulkan"), *((o.value, o.recap) for o in RECAP)]
BA_ORDER = [*(o for o in Outcome if o != Outcome.PERLU_VERIFIKASI), Outcome.PERLU_VERIFIKASI]


def period_label(period: str) -> str:
    """'2026-11' -> 'November 2026'."""
    year, month = period.split("-")
    return month_year(year, month)


@dataclass
class BaState:
    """Whether the Berita Acara is final, and what it must state."""

    final: bool
    undecided: int
    tanggal: dt.date  # the date of the latest act on the month (finalisation, decision, closing)
    forced: bool = False  # closed with --force while rows were undecided
    closed_by: str = ""
    alasan: str = ""


def ba_state(store: Store, period: str, final: pd.DataFrame) -> BaState:
    """DRAF while rows are undecided; final when all are decided or the month was force-closed."""
    undecided = int((final["outcome"] == Outcome.PERLU_VERIFIKASI).sum())
    close = store.one(
        "SELECT closed_at, petugas, forced, alasan FROM period_close WHERE period = ?", [period]
    )
    run = store.one("SELECT max(finished_at) FROM finalisation_run WHERE period = ?", [period])
    acts = [t for t in [run[0] if run else None, final["applied_at"].max()] if pd.notna(t)]
    tanggal = max(pd.Timestamp(t) for t in acts).date() if acts else dt.date.today()
    if close and close[2]:
        return BaState(True, undecided, close[0].date(), True, close[1], close[3] or "")
    return BaState(undecided == 0, undecided, tanggal)


def recap(final: pd.DataFrame, store: Store, period: str) -> pd.DataFrame:
    """Rows per kelurahan by final outcome, with the kecamatan and musyawarah date."""
    table = pd.crosstab(final["folder_kode"], final["outcome"])
    for key, _ in COLS[1:]:
        if key not in table.columns:
            table[key] = 0
    table["diusulkan"] = table.sum(axis=1)
    dates = store.df(
        "SELECT kode_wilayah, min(tanggal) AS tgl FROM musyawarah WHERE period = ? GROUP BY ALL",
        [period],
    ).set_index("kode_wilayah")["tgl"]
    w = wilayah.load()
    out = table[[k for k, _ in COLS]].astype(int).reset_index()
    out.insert(1, "kecamatan", [w.name(k[:6]) for k in out["folder_kode"]])
    out.insert(2, "kelurahan", [w.name(k) for k in out["folder_kode"]])
    # a dict, not the Series: mapping on an empty or all-missing date Series casts dates to
    # float and fails (a month without any berita acara)
    out["tanggal_musyawarah"] = out["folder_kode"].map(dates.to_dict())
    return out.sort_values("folder_kode").reset_index(drop=True)


def ba_text(period: str, rec: pd.DataFrame, who: Signatories, state: BaState) -> list[str]:
    """The Berita Acara's lines: title, period, DRAF warning (or blank), then the text."""
    day = state.tanggal
    t = {k: int(rec[k].sum()) for k, _ in COLS}
    head = "BERITA ACARA FINALISASI USULAN DATA TERPADU KESEJAHTERAAN SOSIAL"
    lines = [
        head if state.final else f"DRAF {head}",
        f"Periode {period_label(period)}",
    ]
    if not state.final:
        lines.append(
            f"DRAF, BELUM FINAL: {state.undecided} baris masih perlu keputusan supervisor. "
            "Berita acara final dibuat setelah semua baris diputus (dtks review apply) atau "
            "bulan ditutup paksa (dtks close --force --alasan). Jangan ditandatangani."
        )
    else:
        lines.append("")
    done = "telah menyelesaikan" if state.final else "sedang melaksanakan"
    lines += [
        f"Pada tanggal {long_date(day)}, {who.dinas} {done} "
        f"finalisasi usulan {current()} periode {period_label(period)} dari "
        f"{len(rec)} kelurahan/desa dengan hasil sebagai berikut:",
        f"- jumlah baris usulan yang diterima: {t['diusulkan']}",
        *(f"- {o.ba_line}: {t[o.value]}" for o in BA_ORDER),
    ]
    if state.forced:
        lines.append(
            f"Bulan ini ditutup paksa oleh {state.closed_by} pada {long_date(day)} "
            f"dengan alasan: {state.alasan}. "
            f"{state.undecided} baris belum diputus saat ditutup dan tidak dikirim ke SIKS-NG."
        )
    lines.append(
        "Berkas impor SIKS-NG yang dikirim tercantum di bawah beserta sidik SHA-256-nya; berkas "
        "yang sidiknya berbeda bukan berkas yang disahkan dalam berita acara ini."
    )
    return lines
