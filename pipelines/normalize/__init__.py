"""Value normalisation: whatever spelling a kelurahan typed -> one canonical value.

Each normaliser maps a column of raw cell values (str, float, int, date, datetime, None as
a spreadsheet reader returns them) to canonical values and a parallel column of problem
codes (see reasons.py). The package has four parts, each imported by name:

- `values`: the normalisers of one cell (NIK/No KK, dates, categories, text, RT/RW, region
  code); they are the specification.
- `vocabularies`: the spellings the category and month normalisers accept.
- `columns`: the column engine. `normalise_column` applies a normaliser to a whole column:
  clean text is settled in Arrow, and the normaliser itself runs once per distinct odd value,
  so a million rows cost a few Arrow passes and a few thousand Python calls.
- `fast`: the column-wise fast paths for the clean, common spellings, an optimisation of
  the normalisers in `values` (tests check they agree).
"""
