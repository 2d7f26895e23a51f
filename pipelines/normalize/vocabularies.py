"""The spellings the category and month normalisers of normalize.values accept: category
keys in upper-case letters and digits only (as values reads a cell), month names lower-case."""

from __future__ import annotations

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agst": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip


SEX = {
    **dict.fromkeys(["L", "LK", "LAKI", "LAKILAKI", "PRIA", "1", "M", "MALE", "COWOK"], "L"),
    **dict.fromkeys(["P", "PR", "PEREMPUAN", "WANITA", "2", "F", "W", "FEMALE"], "P"),
}
# Labels of both vocabularies, Dukcapil's (the KK card) and DTKS/Regsosek/DTSEN's. A bare
# number is read in the DTKS scheme here (SIKS-NG exports); a kelurahan file's numbers are
# first read in the scheme the file declares or evidently uses (ingest/schemes.py).
RELATIONSHIP = {
    **dict.fromkeys(
        ["KEPALAKELUARGA", "KEPALA", "KK", "KRT", "KEPALARUMAHTANGGA", "KEPALAKELUARGAKK", "1"],
        "KEPALA KELUARGA",
    ),
    **dict.fromkeys(["SUAMI"], "SUAMI"),
    **dict.fromkeys(["ISTRI", "ISTERI"], "ISTRI"),
    # DTKS 2: resolved to ISTRI or SUAMI by the person's sex (validate.prepare)
    **dict.fromkeys(["ISTRISUAMI", "SUAMIISTRI", "ISTERISUAMI", "PASANGAN", "2"], "ISTRI/SUAMI"),
    **dict.fromkeys(["ANAK", "ANAKKANDUNG", "ANAKTIRI", "ANAKANGKAT", "3"], "ANAK"),
    **dict.fromkeys(["MENANTU", "4"], "MENANTU"),
    **dict.fromkeys(["CUCU", "5"], "CUCU"),
    **dict.fromkeys(["ORANGTUA", "ORTU", "AYAH", "IBU"], "ORANG TUA"),
    **dict.fromkeys(["MERTUA"], "MERTUA"),
    **dict.fromkeys(["ORANGTUAMERTUA", "ORTUMERTUA", "MERTUAORANGTUA", "6"], "ORANG TUA/MERTUA"),
    **dict.fromkeys(["FAMILILAIN", "FAMILI", "SAUDARA", "FAMILYLAIN"], "FAMILI LAIN"),
    **dict.fromkeys(
        ["PEMBANTU", "PEMBANTURUMAHTANGGA", "PRT", "ASISTENRUMAHTANGGA", "7"], "PEMBANTU"
    ),
    **dict.fromkeys(["LAINNYA", "LAIN", "LAINLAIN", "8"], "LAINNYA"),
}
MARITAL = {
    **dict.fromkeys(["BELUMKAWIN", "BELUMMENIKAH", "BK", "LAJANG", "1"], "BELUM KAWIN"),
    **dict.fromkeys(["KAWIN", "MENIKAH", "K", "KAWINTERCATAT", "KAWINBELUMTERCATAT", "2"], "KAWIN"),
    **dict.fromkeys(["CERAIHIDUP", "CH", "3"], "CERAI HIDUP"),
    **dict.fromkeys(["CERAIMATI", "CM", "4"], "CERAI MATI"),
}
YES_NO = {
    **dict.fromkeys(["YA", "Y", "1", "TRUE", "BENAR", "ADA"], "YA"),
    **dict.fromkeys(["TIDAK", "T", "N", "0", "FALSE", "TDK", "SALAH"], "TIDAK"),
}
