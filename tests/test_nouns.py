"""The core nouns have one home: outcomes (pipelines/outcomes.py) and reason codes
(pipelines/reasons.py). Every place that counts, labels or routes an outcome follows the
enumeration, and every reason code an operator can be given has its Indonesian text."""

from __future__ import annotations

import re
import string
import tomllib
from importlib import resources

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipelines import reasons, validate
from pipelines.export import siksng
from pipelines.finalize.counts import counts_table
from pipelines.outcomes import OUTCOMES, RETURNED, SIKSNG_KINDS, Outcome
from pipelines.reasons import MESSAGES, NOTES, Reason, UnknownReason
from pipelines.report.finalisation import content
from pipelines.review import DECISIONS
from pipelines.store import open_store
from schemas.prelist import PrelistClean

# values already written into stores, parquet files and SIKS-NG file names: never renamed
RELEASED = ["usulan_baru", "perbaikan", "terdaftar", "perlu_verifikasi", "duplikat_batch",
            "ditolak_musyawarah", "ditolak_validasi", "ditolak_supervisor"]  # fmt: skip


def test_released_outcome_values_are_kept_in_their_order():
    values = [o.value for o in Outcome]
    assert values[: len(RELEASED)] == RELEASED
    assert Outcome("perbaikan") is Outcome.PERBAIKAN and Outcome.PERBAIKAN == "perbaikan"


def test_every_outcome_has_its_labels_and_routes():
    for o in Outcome:
        assert o.label and o.short and o.recap and o.ba_line
        assert len(o.short) <= 12, "the dtks finalize table has narrow columns"
        assert not (o.returned and o.to_siksng), f"{o}: back to the kelurahan or on, not both"
    assert len({o.label for o in Outcome}) == len(Outcome)
    assert len({o.short for o in Outcome}) == len(Outcome)
    assert [o.value for o in SIKSNG_KINDS] == ["usulan_baru", "perbaikan", "usulan_nonaktif"]
    assert set(RETURNED) == {"ditolak_validasi", "ditolak_musyawarah", "ditolak_supervisor"}


def test_every_siksng_kind_has_a_column_layout():
    shipped = tomllib.loads(
        resources.files("pipelines.export").joinpath("siksng_layout.toml").read_text("utf-8")
    )
    assert siksng.KINDS == tuple(o.value for o in SIKSNG_KINDS)
    for kind in siksng.KINDS:
        assert shipped[kind]["columns"], f"{kind}: no columns in siksng_layout.toml"


def test_review_decisions_give_outcomes():
    assert set(DECISIONS.values()) <= set(Outcome)
    assert Outcome.PERLU_VERIFIKASI not in DECISIONS.values()


def test_the_berita_acara_recap_and_text_name_every_outcome():
    assert sorted(k for k, _ in content.COLS[1:]) == sorted(o.value for o in Outcome)
    assert sorted(content.BA_ORDER) == sorted(Outcome)
    assert content.BA_ORDER[-1] == Outcome.PERLU_VERIFIKASI  # 'belum diputus' comes last


def test_monthly_summary_view_has_a_column_per_outcome(tmp_path):
    with open_store(tmp_path / "dtks.duckdb") as store:
        cols = [r[0] for r in store.execute("DESCRIBE v_monthly_summary").fetchall()]
    assert cols == ["period", "baris_usulan", *(o.value for o in Outcome), "ditutup_pada"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(OUTCOMES), max_size=40),
    st.lists(st.sampled_from(["6271011001", "6271011002", "6271021003"]), min_size=40),
)
def test_counts_table_has_every_outcome_and_adds_up(rows, folders):
    """Every outcome is a column (zero where absent) and each kelurahan's row sums to its rows."""
    frame = pd.DataFrame({"folder_kode": folders[: len(rows)], "outcome": rows})
    table = counts_table(frame, sorted(set(folders)))
    assert [c for c in table.columns if c in set(Outcome)] == [o.value for o in Outcome]
    assert int(table["jumlah"].sum()) == len(rows)
    for o in Outcome:
        assert int(table[o.value].sum()) == rows.count(o)


# --- reasons ------------------------------------------------------------------------------


def test_every_reason_has_a_message_and_every_message_a_reason():
    assert set(MESSAGES) == set(Reason)
    assert set(NOTES) <= set(Reason)
    for code, text in MESSAGES.items():
        assert text.strip() and text != code.value


def _fields(text: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(text) if f and f != "kolom"]


@pytest.mark.parametrize("code", list(Reason))
def test_every_reason_reads_as_indonesian_text_naming_its_column(code):
    detail = "\x1f".join(f"{f}=X{i}" for i, f in enumerate(_fields(MESSAGES[code])))
    text = reasons.message(code.value, "tanggal_lahir", detail or None)
    assert "{" not in text and ("_" not in code.value or code.value not in text)
    if "{kolom}" in MESSAGES[code]:
        assert "TANGGAL LAHIR" in text


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=30))
def test_an_unknown_reason_code_raises_instead_of_being_shown(code):
    assume(code not in set(Reason))  # known codes: test_every_reason_reads_as_indonesian_text
    with pytest.raises(UnknownReason, match=re.escape(repr(code))):
        reasons.message(code, "nik")


def test_every_schema_check_on_an_operator_column_has_a_reason():
    """A failed check becomes a reason code; none falls through as a bare check name."""
    for name, column in PrelistClean.columns.items():
        if name not in validate.NORMALISERS:  # row_id, source_*: set by the pipeline itself
            continue
        if not column.nullable:
            assert validate.reason_of_check(name, "not_nullable") == Reason.KOSONG
        for check in column.checks:
            base = str(check.name).split("(", 1)[0]
            assert isinstance(validate.reason_of_check(name, base), Reason)
    for check in PrelistClean.checks:
        assert isinstance(validate.reason_of_check("nik", str(check.name)), Reason)
    with pytest.raises(UnknownReason):
        validate.reason_of_check("nik", "greater_than_or_equal_to")
