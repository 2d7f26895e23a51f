"""Every reason text an operator reads, in one place, in Indonesian.

A reason names the column and the problem and says what to do; it never repeats a NIK or
No KK value, so a reason can be shown outside the Dinas.
"""

from __future__ import annotations

LABELS = {
    "nik": "NIK", "no_kk": "NO KK", "nama": "NAMA", "tempat_lahir": "TEMPAT LAHIR",
    "tanggal_lahir": "TANGGAL LAHIR", "jenis_kelamin": "JENIS KELAMIN",
    "hubungan_keluarga": "HUBUNGAN KELUARGA", "nama_ibu_kandung": "NAMA IBU KANDUNG",
    "status_kawin": "STATUS KAWIN", "pekerjaan": "PEKERJAAN", "alamat": "ALAMAT",
    "rt": "RT", "rw": "RW", "kode_wilayah": "KODE WILAYAH", "id_dtks": "ID DTKS",
}  # fmt: skip

# code -> message; {kolom} is the column label
MESSAGES = {
    # value normalisation
    "id_terpotong": "{kolom} diketik sebagai angka dan digit terakhirnya hilang (Excel hanya "
    "menyimpan 15 digit); ketik ulang sebagai teks (format sel Text atau awali "
    "dengan tanda petik ').",
    "id_notasi_ilmiah": "{kolom} tertulis dalam notasi ilmiah (mis. 6,27E+15) sehingga digitnya "
    "hilang; ketik ulang sebagai teks.",
    "id_bukan_angka": "{kolom} berisi huruf atau tanda selain angka; isi 16 digit angka.",
    "tanggal_tidak_dikenali": "{kolom} tidak dapat dibaca sebagai tanggal; tulis seperti 31-12-1980.",
    "tanggal_tidak_valid": "{kolom} bukan tanggal yang ada di kalender (mis. 31-02); periksa lagi.",
    "jk_tidak_dikenali": "{kolom} tidak dikenali; isi L atau P.",
    "hubungan_tidak_dikenali": "{kolom} tidak dikenali; isi mis. KEPALA KELUARGA, ISTRI, SUAMI, "
    "ANAK, CUCU, ORANG TUA, MERTUA, FAMILI LAIN.",
    "status_kawin_tidak_dikenali": "{kolom} tidak dikenali; isi BELUM KAWIN, KAWIN, CERAI HIDUP "
    "atau CERAI MATI.",
    "rt_rw_tidak_valid": "{kolom} harus berupa angka (paling banyak 3 digit).",
    "kode_wilayah_tidak_valid": "{kolom} harus 10 digit (mis. 62.71.01.1001).",
    "karakter_kontrol": "{kolom} berisi karakter kontrol yang tidak terlihat (biasanya terbawa "
    "saat salin-tempel); hapus isi sel lalu ketik ulang.",
    "diawali_tanda_rumus": "{kolom} diawali tanda =, +, - atau @ sehingga dapat dibaca Excel "
    "sebagai rumus; tulis isinya tanpa tanda itu di depan.",
    # schema rules
    "kosong": "{kolom} kosong; wajib diisi.",
    "id_16_digit": "{kolom} harus tepat 16 digit.",
    "id_provinsi": "2 digit awal {kolom} bukan kode provinsi yang ada di Kemendagri; periksa "
    "ketikan.",
    "kolom_tidak_ada": "Kolom {kolom} tidak ditemukan di berkas ini (judul kolom tidak dikenali "
    "dan isinya tidak dapat ditebak); lihat Masalah Berkas, perbaiki berkasnya lalu kirim ulang.",
    "lahir_sebelum_1900": "{kolom} sebelum tahun 1900; periksa tahunnya (sel tanggal kosong yang "
    "diformat sering terbaca 00-01-1900).",
    "status_kawin_umur": "STATUS KAWIN menyatakan pernah kawin, padahal umurnya di bawah "
    "{umur} tahun; periksa STATUS KAWIN atau TANGGAL LAHIR.",
    "pasangan_di_bawah_umur": "ISTRI/SUAMI berumur di bawah {umur} tahun; periksa TANGGAL LAHIR "
    "atau HUBUNGAN KELUARGA.",
    "tanggal_masa_depan": "{kolom} berada di masa depan.",
    "umur_lebih_120": "{kolom} membuat umur lebih dari 120 tahun; periksa tahunnya.",
    "nik_tanggal_lahir": "Digit tanggal lahir pada NIK (digit 7-12) tidak sama dengan TANGGAL "
    "LAHIR dan JENIS KELAMIN (perempuan: tanggal + 40); periksa ketiganya.",
    "wilayah_tidak_dikenal": "{kolom} tidak ada dalam daftar kode wilayah Kemendagri.",
    "wilayah_bukan_dinas": "{kolom} bukan wilayah kabupaten/kota Dinas ini.",
    # household
    "kk_tanpa_kepala": "Keluarga (NO KK) ini tidak memiliki KEPALA KELUARGA dalam usulan; "
    "tandai satu anggota sebagai KEPALA KELUARGA.",
    # the family comes back with the row that holds the real fault
    "kepala_ditolak": "Kepala keluarga {detail} ditolak: {alasan} Seluruh keluarga "
    "dikembalikan; perbaiki baris kepala keluarga lalu kirim ulang keluarga ini.",
    "kepala_tidak_terbaca": "Keluarga ini tidak memiliki KEPALA KELUARGA yang terbaca: "
    "HUBUNGAN KELUARGA {detail} tidak dikenali; perbaiki baris itu.",
    "kk_kepala_beda": "NO KK kepala keluarga berbeda {digit} digit dari NO KK anggota "
    "keluarganya ({detail}); samakan dengan Kartu Keluarga.",
    "kk_kepala_ganda": "Keluarga (NO KK) ini memiliki lebih dari satu KEPALA KELUARGA; "
    "perbaiki HUBUNGAN KELUARGA.",
    "pasangan_jenis_kelamin": "ISTRI/SUAMI berjenis kelamin sama dengan kepala keluarga; "
    "periksa JENIS KELAMIN atau HUBUNGAN KELUARGA.",
    "anak_lebih_tua": "ANAK lebih tua dari atau seumur kepala keluarga; periksa TANGGAL LAHIR "
    "atau HUBUNGAN KELUARGA.",
}


# codes that are notes for the supervisor, not faults: the row keeps its outcome
NOTES = {
    "id_wilayah_lama": "Catatan: kode wilayah {kolom} tidak ada di daftar Kemendagri terbaru; "
    "mungkin {kolom} lama sebelum pemekaran.",
    "kepala_di_bawah_18": "Catatan: kepala keluarga berumur di bawah 18 tahun; pastikan benar "
    "(mis. anak yatim piatu yang mengepalai keluarga).",
}
MESSAGES.update(NOTES)


def message(code: str, column: str = "", detail: str | None = None) -> str:
    """The Indonesian text of a reason code for a column; detail fills the code's other
    blanks ('key=value' pairs joined by a unit separator, see validate.detail)."""
    label = LABELS.get(column, column.upper())
    fields = dict(p.split("=", 1) for p in detail.split("\x1f")) if detail else {}
    return MESSAGES.get(code, code).format(kolom=label, **fields)


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
