"""Who may do what in the desk: the one role matrix (README "The web desk" shows it).

Every route names one right; `allowed(role, right)` is the only check. Which step of a data
request a reviewer may take (ditelaah, disetujui, ditolak) is further decided by the
configured chain (dtks.toml [permintaan] rantai_telaah / penyetuju,
pipelines.requests.register.Roles): each approves as the role of the logged-in account.
"""

from __future__ import annotations

from pipelines.users import ROLES

SUPERVISOR, OPERATOR, PETUGAS = "supervisor", "operator", "petugas data"
KABID, KASI, SEKRETARIS, KADIS, ANALIS = (
    "kepala bidang",
    "kepala seksi",
    "sekretaris",
    "kepala dinas",
    "analis",
)
REVIEWERS = {KABID, KASI, SEKRETARIS, KADIS}

# right -> (what it lets a user do, in Indonesian for the README table and the 403 page; roles)
MATRIX: dict[str, tuple[str, frozenset[str]]] = {
    "status": ("Melihat halaman status (bulan, jumlah, permintaan terbuka)", frozenset(ROLES)),
    "periode": (
        "Melihat periode, berkas yang diterima dan hasil",
        frozenset({SUPERVISOR, OPERATOR}),
    ),
    "unggah": ("Mengunggah berkas kelurahan", frozenset({SUPERVISOR, OPERATOR})),
    "finalisasi": ("Menjalankan finalisasi", frozenset({SUPERVISOR, OPERATOR})),
    "unduh": (
        "Mengunduh workbook pengembalian, berkas SIKS-NG, ringkasan",
        frozenset({SUPERVISOR, OPERATOR}),
    ),
    "laporan": (
        "Mengunduh laporan finalisasi dan berita acara",
        frozenset({SUPERVISOR, OPERATOR, KABID, KADIS}),
    ),
    "telaah": ("Memutus baris perlu verifikasi", frozenset({SUPERVISOR})),
    "tutup": ("Menutup dan membuka kembali bulan", frozenset({SUPERVISOR})),
    "permintaan": (
        "Melihat permintaan data",
        frozenset({PETUGAS, KABID, KASI, SEKRETARIS, KADIS}),
    ),
    "permintaan_catat": (
        "Mencatat permintaan, nomor PKS, menyiapkan dan menyerahkan paket",
        frozenset({PETUGAS}),
    ),
    "permintaan_putus": (
        "Menelaah, menyetujui atau menolak permintaan (sesuai rantai telaah)",
        frozenset(REVIEWERS),
    ),
    "surat": ("Menerbitkan, mencetak dan mencabut surat keterangan", frozenset({PETUGAS})),
}


def allowed(role: str, right: str) -> bool:
    """Whether a role has a right (an unknown right is nobody's)."""
    entry = MATRIX.get(right)
    return entry is not None and role in entry[1]


def home_page(role: str) -> str:
    """Where a role lands after logging in: its own work."""
    if allowed(role, "periode"):
        return "/periode"
    if allowed(role, "surat"):
        return "/surat"
    if allowed(role, "permintaan"):
        return "/permintaan"
    return "/status"
