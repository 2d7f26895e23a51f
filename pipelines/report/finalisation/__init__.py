"""The finalisation report for the Kepala Dinas: recap, chart, Berita Acara Finalisasi.

Written as XLSX (openpyxl, with a native bar chart) and PDF (reportlab). The Berita Acara
page lists every SIKS-NG import file with its SHA-256, so the signed paper pins the files.
While rows are undecided the Berita Acara is a DRAF that says how many are open; it is final
once every row is decided, or once the month is closed with --force --alasan (which it then
states). Both files are byte-stable: the same data gives the same bytes (stable.py; the
date in the text is the date of the latest act on the month, not the day it was printed).

The parts: `content` (the recap from the store, the Berita Acara's state and text),
`workbook` (the XLSX) and `pdf` (the PDF); the names on it are report/signatories.py's.
"""
