"""Indonesian-aware name comparison, as DuckDB macros so it runs where the data is.

nama_norm(s): upper case; academic titles after a comma dropped (", S.Pd."); honorifics
and pilgrim titles dropped (H., Hj., Drs., Dr., Ir., Bapak/Ibu, Ny., Alm.); Muhammad and
its abbreviations (Muhamad, Moh., Muh., Mhd., M.) made one; Siti/St., Nur/Nurul/Noor,
Achmad/Ahmad/Akhmad, Abd./Abdul likewise; old spellings (oe, dj, tj, sj) made new; doubled
letters single; punctuation and extra spaces removed. DuckDB's RE2 regexes have no
back-references, so doubled letters are undone by 26 plain replaces.

nama_sim(a, b): the best Jaro-Winkler similarity of the normalised names as they are,
without spaces (Nurhalimah / Nur Halimah) and with their words sorted (word order).

The matching installs them itself (install) before it runs: temporary macros, made once per
connection from this module's current definition, never written into the store file. No view
of the store uses them, so an analyst's DuckDB (CLI 1.x, dtks sql) needs none of them.
"""

from __future__ import annotations

import string

from pipelines.store import Store

HONORIFICS = ["H", "HJ", "HJH", "HAJI", "HAJJAH", "DRS", "DRA", "DR", "IR", "PROF", "BAPAK",
              "BPK", "BP", "IBU", "NY", "NYONYA", "TN", "TUAN", "SDR", "SDRI", "ALM", "ALMH",
              "ALMARHUM", "ALMARHUMAH", "KH", "USTADZ", "USTAD"]  # fmt: skip
SAME_WORD = {
    "MUHAMMAD": ["MUHAMMAD", "MUHAMAD", "MUHAMMED", "MUHAMED", "MOHAMMAD", "MOHAMAD", "MOHAMMED",
                 "MOHAMED", "MOCHAMMAD", "MOCHAMAD", "MOCH", "MOH", "MUH", "MHD", "MUHD", "MD",
                 "M"],
    "SITI": ["SITI", "STI", "ST"],
    "NUR": ["NUR", "NURUL", "NOOR", "NOR", "NOER"],
    "AHMAD": ["AHMAD", "ACHMAD", "AKHMAD", "AHMED", "AHMAT"],
    "ABDUL": ["ABDUL", "ABD", "ABDOEL"],
    "YUSUF": ["YUSUF", "YUSUP", "JUSUF"],
}  # fmt: skip
OLD_SPELLING = [("OE", "U"), ("DJ", "J"), ("TJ", "C"), ("SJ", "SY"), ("NJ", "NY"), ("CH", "KH")]


def _words(words: list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


def install(store: Store) -> None:
    """Make nama_norm and nama_sim callable on this store's connection; a no-op after the
    first call on the same connection (Store.install)."""
    store.install("dedup.names", macros_sql())


def macros_sql() -> str:
    """CREATE TEMP MACRO statements for nama_norm and nama_sim (no parameters to bind)."""
    x = "upper(coalesce(s, ''))"
    x = f"regexp_replace({x}, ',.*$', '')"  # academic titles follow a comma
    x = f"regexp_replace({x}, '[^A-Z]+', ' ', 'g')"
    x = f"regexp_replace({x}, '\\b({_words(HONORIFICS)})\\b', ' ', 'g')"
    for canon, variants in SAME_WORD.items():
        x = f"regexp_replace({x}, '\\b({_words(variants)})\\b', '{canon}', 'g')"
    for old, new in OLD_SPELLING:
        x = f"replace({x}, '{old}', '{new}')"
    for ch in string.ascii_uppercase:
        x = f"replace({x}, '{ch}{ch}', '{ch}')"
    x = f"trim(regexp_replace({x}, ' +', ' ', 'g'))"
    sorted_words = "array_to_string(list_sort(string_split({v}, ' ')), ' ')"
    sim = (
        "CASE WHEN a = '' OR b = '' THEN 0.0 ELSE greatest("
        "jaro_winkler_similarity(a, b), "
        "jaro_winkler_similarity(replace(a, ' ', ''), replace(b, ' ', '')), "
        f"jaro_winkler_similarity({sorted_words.format(v='a')}, {sorted_words.format(v='b')})"
        ") END"
    )
    return (
        f"CREATE OR REPLACE TEMP MACRO nama_norm(s) AS {x};\n"
        f"CREATE OR REPLACE TEMP MACRO nama_sim(a, b) AS {sim};\n"
    )
