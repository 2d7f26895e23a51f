"""pipelines.files: a folder is replaced whole or not at all; file hashes."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines import files


def _tree(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_a_finished_folder_replaces_the_old_one_and_leaves_nothing_beside_it(tmp_path):
    target = tmp_path / "2026-11"
    target.mkdir()
    (target / "old.txt").write_text("lama")
    with files.replacing(target, "abc12345") as scratch:
        assert scratch.name == ".2026-11.abc12345.tmp" and not (target / "new.txt").exists()
        (scratch / "new.txt").write_text("baru")
    assert _tree(target) == {"new.txt": b"baru"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11"]


def test_a_failure_leaves_the_old_folder_as_it_was_and_no_scratch(tmp_path):
    target = tmp_path / "REQ-2026-0001"
    target.mkdir()
    (target / "data.csv").write_text("a;b")
    with pytest.raises(RuntimeError), files.replacing(target) as scratch:
        (scratch / "data.csv").write_text("half")
        raise RuntimeError("signing failed")
    assert _tree(target) == {"data.csv": b"a;b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["REQ-2026-0001"]


def test_a_first_folder_is_created_and_a_killed_runs_scratch_is_replaced(tmp_path):
    target = tmp_path / "laporan"
    stale = files.scratch_for(target)
    stale.mkdir()
    (stale / "half.pdf").write_bytes(b"%PDF-")
    with files.replacing(target) as scratch:
        assert not any(scratch.iterdir()), "a killed run's files are not carried over"
        (scratch / "a.pdf").write_bytes(b"x")
    assert _tree(target) == {"a.pdf": b"x"}


@settings(max_examples=25, deadline=None)
@given(data=st.binary(max_size=3 << 20))
def test_sha256_of_a_file_read_in_blocks_is_the_digest_of_its_bytes(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("h") / "f.bin"
    path.write_bytes(data)
    assert files.sha256(path) == hashlib.sha256(data).hexdigest()


def test_a_new_folder_that_cannot_be_moved_in_leaves_the_old_one_in_place(tmp_path, monkeypatch):
    """On Windows a folder with a file open elsewhere (Excel) cannot be renamed: the month's
    old folder is put back, nothing half-swapped, no scratch folder left with personal data."""
    target = tmp_path / "2026-11"
    target.mkdir()
    (target / "summary.xlsx").write_bytes(b"lama")
    real = type(target).rename

    def refuse_scratch(self, dest):
        if self.name.endswith(".tmp"):
            raise PermissionError("sedang dibuka")
        return real(self, dest)

    monkeypatch.setattr(type(target), "rename", refuse_scratch)
    with pytest.raises(PermissionError), files.replacing(target, "abc12345") as scratch:
        (scratch / "summary.xlsx").write_bytes(b"baru")
    assert _tree(target) == {"summary.xlsx": b"lama"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11"]


@pytest.mark.parametrize(
    "sheet,expected",
    [("DATA", "usulan.xlsx sheet 'DATA' baris 7"), ("", "usulan.xlsx baris 7"),
     (None, "usulan.xlsx baris 7")],
)  # fmt: skip
def test_a_row_is_named_by_file_sheet_and_row(sheet, expected):
    assert files.location("usulan.xlsx", sheet, 7) == expected
