"""The value-free boundary and the log scrubber on their own (no Prefect, no subprocess)."""

from __future__ import annotations

import io
import logging
import pickle
import traceback

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines import redact
from pipelines.errors import StoreError

NIK = "6271014910130001"


def _fails_on_a_cell(code: str, value: str) -> None:
    raise ValueError(f"{value} cannot be used in worksheets.")


def test_an_unexpected_error_leaves_a_stage_as_its_type_and_unit_only():
    task = redact.guarded("baca-kelurahan", where=lambda code, *_: f"kelurahan {code}")(
        _fails_on_a_cell
    )
    cell = "JL. GARUDA " + NIK + " SITI\x00"  # (a traceback shows the calling line)
    with pytest.raises(redact.StageFailed) as caught:
        task("6271011001", cell)
    exc = caught.value
    text = "".join(traceback.format_exception(exc))
    assert "baca-kelurahan kelurahan 6271011001" in str(exc) and "ValueError" in str(exc)
    assert NIK not in text and "GARUDA" not in text and "SITI" not in text
    assert NIK not in str(pickle.loads(pickle.dumps(exc))) and NIK.encode() not in pickle.dumps(exc)
    assert NIK in str(redact.original(exc)), "DTKS_DEBUG still reaches the original"


def test_a_stage_failure_pickled_as_dask_pickles_it_carries_no_value():
    """Dask installs tblib's picklers for every exception class: they carry __context__,
    __cause__ and the traceback whatever the class's own __reduce__ says. A kab/kota's failure
    travels so from a `dtks finalize-province` worker to the scheduler and the command."""
    from tblib import pickling_support

    def fails_expected(code: str, value: str) -> None:
        try:
            raise RuntimeError(f"Duplicate key nik: {value}")
        except RuntimeError as cause:
            raise StoreError(f"Perintah gagal untuk {value}") from cause

    pickling_support.install()
    for fn, kind in ((_fails_on_a_cell, redact.StageFailed), (fails_expected, StoreError)):
        task = redact.guarded("finalisasi-kabkota")(fn)
        with pytest.raises(kind) as caught:
            task("6271011001", "BUDI " + NIK)
        pickling_support.install(caught.value)  # what a Dask worker does with a failed task
        data = pickle.dumps(caught.value)
        assert NIK.encode() not in data  # (our own messages mask numbers, quote no names)
        assert kind is StoreError or b"BUDI" not in data  # the replaced error quoted the cell
        assert NIK not in "".join(traceback.format_exception(pickle.loads(data)))
        assert NIK in str(redact.original(caught.value)), "DTKS_DEBUG still reaches it"


def test_an_expected_error_keeps_its_message_with_numbers_masked_and_cause_detached():
    def fails():
        try:
            raise RuntimeError(f"Duplicate key nik: {NIK}")
        except RuntimeError as cause:
            raise StoreError(f"Perintah gagal untuk {NIK}") from cause

    with pytest.raises(StoreError) as caught, redact.boundary("tulis-keluaran"):
        fails()
    text = "".join(traceback.format_exception(caught.value))
    assert "Perintah gagal untuk [angka disamarkan]" in text and NIK not in text


def test_duckdb_messages_lose_the_values_they_quote():
    msg = redact.database_message(
        Exception(f"Conversion Error: Could not convert string 'BUDI {NIK}' to INT32\n"
                  f'Constraint Error: Duplicate key "nik: {NIK}" violates primary key "x"')
    )  # fmt: skip
    assert "BUDI" not in msg and NIK not in msg and 'primary key "x"' in msg


@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.from_regex(r"[0-9]{11,20}", fullmatch=True),
)
def test_every_log_record_is_masked_before_a_handler_sees_it(words, number):
    redact.install_log_scrubber()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    log = logging.getLogger("test.redact")
    log.addHandler(handler)
    log.propagate = False
    try:
        try:
            raise ValueError(f"sel {number}")
        except ValueError:
            log.error("baris %s: %s", number, words, exc_info=True)
    finally:
        log.removeHandler(handler)
    text = out.getvalue()
    assert number not in text and "[angka disamarkan]" in text
    assert not redact.CONTROL.search(text.replace("\n", ""))
