"""A row matched to the same DTKS person as an earlier row of the batch gets a note naming
that earlier row (finalize.deciding._same_person_twice), on generated batches."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.finalize.deciding import _same_person_twice
from pipelines.reasons import SAME_DTKS_PERSON


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 6), st.integers(0, 3)), min_size=1, max_size=40, unique_by=None
    ),
    st.randoms(use_true_random=False),
)
def test_each_later_row_of_a_person_names_the_first_row(draws, rnd):
    row_ids = rnd.sample(range(1, 1000), len(draws))
    # matched ids as the passes give them: sometimes several candidates, comma-separated
    matched = [f"ID{p}" + (f",ID{p + extra}" if extra else "") for p, extra in draws]
    found = pd.DataFrame({"matched_id_dtks": matched}, index=pd.Index(row_ids, name="row_id"))
    clean = pd.DataFrame(
        {
            "row_id": row_ids,
            "source_file": [f"kel{r % 7}.xlsx" for r in row_ids],
            "source_sheet": ["" if r % 2 else "PRELIST" for r in row_ids],
            "source_row": [r + 1 for r in row_ids],
        }
    )
    got = _same_person_twice(found, clean)

    expected = {}
    for row_id, (person, _) in zip(row_ids, draws, strict=True):
        earlier = [r for r, (p, _) in zip(row_ids, draws, strict=True) if p == person]
        first = min(earlier)
        if first != row_id:
            c = clean.set_index("row_id").loc[first]
            sheet = f" sheet '{c['source_sheet']}'" if c["source_sheet"] else ""
            where = f"{c['source_file']}{sheet} baris {c['source_row']}"
            expected[row_id] = SAME_DTKS_PERSON.format(where=where)
    assert got.to_dict() == expected


def test_no_match_no_note():
    empty = pd.DataFrame({"matched_id_dtks": []}, index=pd.Index([], name="row_id"))
    assert _same_person_twice(empty, pd.DataFrame()).empty
