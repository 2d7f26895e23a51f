"""Every reason text an operator reads, in one place, in Indonesian.

A reason names the column and the problem and says what to do; it never repeats a NIK or
No KK value, so a reason can be shown outside the Dinas.
"""

from __future__ import annotations

from enum import StrEnum

LABELS = {
    "nik": "NIK", "no_kk": "NO KK", "nama": "NAMA", "tempat_lahir": "TEMPAT LAHIR",
    "tanggal_lahir": "TANGGAL LAHIR", "jenis_kelamin": "JENIS KELAMIN",
    "hubungan_keluarga": "HUBUNGAN KELUARGA", "nama_ibu_kandung": "NAMA IBU KANDUNG",
    "status_kawin": "STATUS KAWIN", "pekerjaan": "PEKERJAAN", "alamat": "ALAMAT",
    "rt": "RT", "rw": "RW", "kode_wilayah": "KODE WILAYAH", "id_dtks": "ID DTKS",
}  # fmt: skip


class UnknownReason(ValueError):
    "A problem code without a message: a bug, never shown to an operator as a bare code."


class Reason(StrEnum):
    """A problem code of a row and column (the `code` of a problem row, see problems.py).

    Every code has its message in MESSAGES (a note for the supervisor in NOTES); the checks
    emit these members, never bare strings, so a misspelt code fails at import.
    """

    ID_TERPOTONG = "id_terpotong"
    ID_NOTASI_ILMIAH = "id_notasi_ilmiah"
    ID_BUKAN_ANGKA = "id_bukan_angka"
    TANGGAL_TIDAK_DIKENALI = "tanggal_tidak_dikenali"
    TANGGAL_TIDAK_VALID = "tanggal_tidak_valid"
    JK_TIDAK_DIKENALI = "jk_tidak_dikenali"
    HUBUNGAN_TIDAK_DIKENALI = "hubungan_tidak_dikenali"
    STATUS_KAWIN_TIDAK_DIKENALI = "status_kawin_tidak_dikenali"
    RT_RW_TIDAK_VALID = "rt_rw_tidak_valid"
    KODE_WILAYAH_TIDAK_VALID = "kode_wilayah_tidak_valid"
    KARAKTER_KONTROL = "karakter_kontrol"
    DIAWALI_TANDA_RUMUS = "diawali_tanda_rumus"
    KOSONG = "kosong"
    ID_16_DIGIT = "id_16_digit"
    ID_PROVINSI = "id_provinsi"
    KOLOM_TIDAK_ADA = "kolom_tidak_ada"
    LAHIR_SEBELUM_1900 = "lahir_sebelum_1900"
    STATUS_KAWIN_UMUR = "status_kawin_umur"
    PASANGAN_DI_BAWAH_UMUR = "pasangan_di_bawah_umur"
    TANGGAL_MASA_DEPAN = "tanggal_masa_depan"
    UMUR_LEBIH_120 = "umur_lebih_120"
    NIK_TANGGAL_LAHIR = "nik_tanggal_lahir"
    WILAYAH_TIDAK_DIKENAL = "wilayah_tidak_dikenal"
    WILAYAH_BUKAN_DINAS = "wilayah_bukan_dinas"
    KK_TANPA_KEPALA = "kk_tanpa_kepala"
    KEPALA_DITOLAK = "kepala_ditolak"
    KEPALA_TIDAK_TERBACA = "kepala_tidak_terbaca"
    KK_KEPALA_BEDA = "kk_kepala_beda"
    KK_KEPALA_GANDA = "kk_kepala_ganda"
    PASANGAN_JENIS_KELAMIN = "pasangan_jenis_kelamin"
    ANAK_LEBIH_TUA = "anak_lebih_tua"
    NILAI_TIDAK_DIKENALI = "nilai_tidak_dikenali"  # a list check on another column
    YA_TIDAK_TIDAK_DIKENALI = "ya_tidak_tidak_dikenali"  # programme flags (DTKS snapshot)
    # notes: the row keeps its outcome
    ID_WILAYAH_LAMA = "id_wilayah_lama"
    KEPALA_DI_BAWAH_18 = "kepala_di_bawah_18"


# code -> message; {kolom} is the column label
MESSAGES: dict[Reason, str] = {
    # value normalisation
    Reason.ID_TERPOTONG: "{kolom} diketik sebagai angka dan digit terakhirnya hilang (Excel hanya "
    "menyimpan 15 digit); ketik ulang sebagai teks (format sel Text atau awali "
    "dengan tanda petik ').",
    Reason.ID_NOTASI_ILMIAH: "{kolom} tertulis dalam notasi ilmiah (mis. 6,27E+15) sehingga digitnya "
    "hilang; ketik ulang sebagai teks.",
    Reason.ID_BUKAN_ANGKA: "{kolom} berisi huruf atau tanda selain angka; isi 16 digit angka.",
    Reason.TANGGAL_TIDAK_DIKENALI: "{kolom} tidak dapat dibaca sebagai tanggal; tulis seperti 31-12-1980.",
    Reason.TANGGAL_TIDAK_VALID: "{kolom} bukan tanggal yang ada di kalender (mis. 31-02); periksa lagi.",
    Reason.JK_TIDAK_DIKENALI: "{kolom} tidak dikenali; isi L atau P.",
    Reason.HUBUNGAN_TIDAK_DIKENALI: "{kolom} tidak dikenali; isi mis. KEPALA KELUARGA, ISTRI, SUAMI, "
    "ANAK, CUCU, ORANG TUA, MERTUA, FAMILI LAIN.",
    Reason.STATUS_KAWIN_TIDAK_DIKENALI: "{kolom} tidak dikenali; isi BELUM KAWIN, KAWIN, CERAI HIDUP "
    "atau CERAI MATI.",
    Reason.RT_RW_TIDAK_VALID: "{kolom} harus berupa angka (paling banyak 3 digit).",
    Reason.KODE_WILAYAH_TIDAK_VALID: "{kolom} harus 10 digit (mis. 62.71.01.1001).",
    Reason.KARAKTER_KONTROL: "{kolom} berisi karakter kontrol yang tidak terlihat (biasanya terbawa "
    "saat salin-tempel); hapus isi sel lalu ketik ulang.",
    Reason.DIAWALI_TANDA_RUMUS: "{kolom} diawali tanda =, +, - atau @ sehingga dapat dibaca Excel "
    "sebagai rumus; tulis isinya tanpa tanda itu di depan.",
    # schema rules
    Reason.KOSONG: "{kolom} kosong; wajib diisi.",
    Reason.ID_16_DIGIT: "{kolom} harus tepat 16 digit.",
    Reason.ID_PROVINSI: "2 digit awal {kolom} bukan kode provinsi yang ada di Kemendagri; periksa "
    "ketikan.",
    Reason.KOLOM_TIDAK_ADA: "Kolom {kolom} tidak ditemukan di berkas ini (judul kolom tidak dikenali "
    "dan isinya tidak dapat ditebak); lihat Masalah Berkas, perbaiki berkasnya lalu kirim ulang.",
    Reason.LAHIR_SEBELUM_1900: "{kolom} sebelum tahun 1900; periksa tahunnya (sel tanggal kosong yang "
    "diformat sering terbaca 00-01-1900).",
    Reason.STATUS_KAWIN_UMUR: "STATUS KAWIN menyatakan pernah kawin, padahal umurnya di bawah "
    "{umur} tahun; periksa STATUS KAWIN atau TANGGAL LAHIR.",
    Reason.PASANGAN_DI_BAWAH_UMUR: "ISTRI/SUAMI berumur di bawah {umur} tahun; periksa TANGGAL LAHIR "
    "atau HUBUNGAN KELUARGA.",
    Reason.TANGGAL_MASA_DEPAN: "{kolom} berada di masa depan.",
    Reason.UMUR_LEBIH_120: "{kolom} membuat umur lebih dari 120 tahun; periksa tahunnya.",
    Reason.NIK_TANGGAL_LAHIR: "Digit tanggal lahir pada NIK (digit 7-12) tidak sama dengan TANGGAL "
    "LAHIR dan JENIS KELAMIN (perempuan: tanggal + 40); periksa ketiganya.",
    Reason.WILAYAH_TIDAK_DIKENAL: "{kolom} tidak ada dalam daftar kode wilayah Kemendagri.",
    Reason.WILAYAH_BUKAN_DINAS: "{kolom} bukan wilayah kabupaten/kota Dinas ini.",
    # household
    Reason.KK_TANPA_KEPALA: "Keluarga (NO KK) ini tidak memiliki KEPALA KELUARGA dalam usulan; "
    "tandai satu anggota sebagai KEPALA KELUARGA.",
    # the family comes back with the row that holds the real fault
    Reason.KEPALA_DITOLAK: "Kepala keluarga {detail} ditolak: {alasan} Seluruh keluarga "
    "dikembalikan; perbaiki baris kepala keluarga lalu kirim ulang keluarga ini.",
    Reason.KEPALA_TIDAK_TERBACA: "Keluarga ini tidak memiliki KEPALA KELUARGA yang terbaca: "
    "HUBUNGAN KELUARGA {detail} tidak dikenali; perbaiki baris itu.",
    Reason.KK_KEPALA_BEDA: "NO KK kepala keluarga berbeda {digit} digit dari NO KK anggota "
    "keluarganya ({detail}); samakan dengan Kartu Keluarga.",
    Reason.KK_KEPALA_GANDA: "Keluarga (NO KK) ini memiliki lebih dari satu KEPALA KELUARGA; "
    "perbaiki HUBUNGAN KELUARGA.",
    Reason.PASANGAN_JENIS_KELAMIN: "ISTRI/SUAMI berjenis kelamin sama dengan kepala keluarga; "
    "periksa JENIS KELAMIN atau HUBUNGAN KELUARGA.",
    Reason.ANAK_LEBIH_TUA: "ANAK lebih tua dari atau seumur kepala keluarga; periksa TANGGAL LAHIR "
    "atau HUBUNGAN KELUARGA.",
    Reason.NILAI_TIDAK_DIKENALI: "{kolom} berisi nilai yang tidak dikenali; periksa ejaannya.",
    Reason.YA_TIDAK_TIDAK_DIKENALI: "{kolom} tidak dikenali; isi YA atau TIDAK.",
}


# codes that are notes for the supervisor, not faults: the row keeps its outcome
NOTES: dict[Reason, str] = {
    Reason.ID_WILAYAH_LAMA: "Catatan: kode wilayah {kolom} tidak ada di daftar Kemendagri terbaru; "
    "mungkin {kolom} lama sebelum pemekaran.",
    Reason.KEPALA_DI_BAWAH_18: "Catatan: kepala keluarga berumur di bawah 18 tahun; pastikan benar "
    "(mis. anak yatim piatu yang mengepalai keluarga).",
}
MESSAGES.update(NOTES)


def message(code: str, column: str = "", detail: str | None = None) -> str:
    """The Indonesian text of a reason code for a column; detail fills the code's other
    blanks ('key=value' pairs joined by a unit separator, see problems.detail).

    Raises UnknownReason for a code that is not a Reason: an operator never reads a bare
    code in place of a reason."""
    try:
        text = MESSAGES[Reason(code)]
    except ValueError:
        raise UnknownReason(f"kode alasan tidak dikenal: {code!r}") from None
    label = LABELS.get(column, column.upper())
    fields = dict(p.split("=", 1) for p in detail.split("\x1f")) if detail else {}
    return text.format(kolom=label, **fields)


# outcome-level reasons
MUSY_MISSING = (
    "Keluarga ini tidak tercantum dalam berita acara musyawarah kelurahan (dicari lewat NO KK, "
    "NIK kepala keluarga, dan nama kepala keluarga dengan RT)."
)
MUSY_NO_BA = "Kelurahan belum mengirim berita acara musyawarah."
MUSY_SCAN = (
    "Ditahan: berita acara kelurahan ini hanya berupa pindaian ({berkas}); keputusan per keluarga "
    "belum dapat dibaca. Minta daftar keputusan musyawarah (dtks template berita-acara), lalu "
    "jalankan finalisasi lagi."
)
MUSY_UNREADABLE = (
    "Ditahan: keputusan di berita acara ({berkas}) tidak dapat dibaca; lihat Masalah Berkas."
)
DUP_BATCH = "Orang yang sama (NIK, nama dan tanggal lahir sama) sudah diusulkan di {where}."
DUP_NIK_CONFLICT = (
    "NIK yang sama dipakai orang lain (nama atau tanggal lahir berbeda) di "
    "{where}; periksa KTP/KK kedua orang."
)
REGISTERED = "Sudah terdaftar di DTKS dengan data yang sama."
CORRECTION = "Sudah terdaftar di DTKS; data berbeda pada: {fields}."
NEAR_NIK = (
    "NIK berbeda {digits} digit dari orang terdaftar di DTKS ({evidence}); periksa KTP: salah "
    "ketik atau orang lain."
)
NAME_BIRTH = (
    "Kemungkinan orang yang sama dengan orang terdaftar di DTKS yang NIK-nya kosong/rusak "
    "({evidence}); periksa KTP dan KK."
)
NIK_OTHER_NAME = (
    "NIK ini terdaftar di DTKS atas nama yang jauh berbeda (kemiripan {sim:.2f}); salah ketik "
    "NIK atau NIK dipakai orang lain: periksa KTP dan KK."
)
SAME_DTKS_PERSON = "Catatan: orang DTKS yang sama juga diusulkan di {where}."
DIGITS = {1: "satu", 2: "dua"}
NIK_SHARED_IN_DTKS = "NIK ini tercatat pada lebih dari satu orang di DTKS; periksa KTP/KK."
ALSO_REGISTERED_NIK = "Catatan: NIK ini sudah terdaftar di DTKS."
ALSO_REGISTERED_NAME = "Catatan: kemungkinan sudah terdaftar di DTKS ({evidence})."
NEW_MEMBER = "Anggota baru keluarga yang sudah terdaftar di DTKS (NO KK sama)."
BATCH_NEAR_NIK = (
    "NIK berbeda {digits} digit dari baris lain dalam usulan bulan ini ({where}) dengan nama "
    "mirip ({sim:.2f}); periksa KTP kedua baris."
)
