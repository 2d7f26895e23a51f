"""The operator's month as a state machine: random sequences of what operators do every week.

Hypothesis drives a tiny data root (operator_world.py) through snapshot loads (full, changed,
partial with or without --sebagian / --perubahan-besar), finalisations, resent kelurahan files
(rows inserted, removed, edited), review workbooks with random decisions, SIKS-NG files,
closing, reopening, and the demo aimed at roots. After every step:
- every supervisor decision is on the person and data it was made for, or reported dropped,
  and no row carries a decision made for other content;
- a closed month's files and register history do not change;
- the current register never shrinks unless the load said so explicitly;
- every output of the month agrees with the store, outcome by outcome.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from operator_world import PERIOD, World, agree, build, fill_review, month_counts

from pipelines import review
from pipelines.close import PeriodNotReady, ReopenRefused, close, is_closed, reopen
from pipelines.errors import DtksError, PeriodClosed
from pipelines.export.final import export
from pipelines.store import open_store
from pipelines.validate import PERSON_COLUMNS

CONTENT = ["folder_kode", *PERSON_COLUMNS]
# the share of the register a load may close without --perubahan-besar ([snapshot]
# batas_tutup_persen); a tiny register needs more than the default 5% for one changed person
MAX_CLOSE = 0.25
CHOICES = ["", "BARU", "SAMA", "PERBAIKAN", "TOLAK"]


def _content(row) -> tuple:
    from pipelines.identity import as_text

    return tuple(as_text(row[c]) for c in CONTENT)


def _tree_hashes(*folders: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for f in folders
        if f.exists()
        for p in sorted(f.rglob("*"))
        if p.is_file()
    }


class OperatorLife(RuleBasedStateMachine):
    """One data root, one month, the operator's actions in any order."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="dtks-life-"))
        self.world: World | None = None
        self.finalized = False
        self.model: dict[tuple, tuple[str, str]] = {}  # decided content -> (KEPUTUSAN, key)
        self.checked: tuple | None = None  # fingerprint of the month when outputs last agreed
        self.persons: int | None = None  # current register size after the last step
        self.shrink_allowed = False  # the last step loaded with --sebagian/--perubahan-besar
        self.frozen: tuple | None = None  # (file hashes, history) of the closed month

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    @initialize(
        seed=st.integers(0, 50),
        picks=st.lists(st.integers(0, len(CHOICES) - 1), min_size=1, max_size=8),
    )
    def start(self, seed: int, picks: list[int]) -> None:
        """A month in progress: finalised once, some doubtful rows decided."""
        self.world = build(self.tmp / "root", seed=seed)
        self.finalize()
        self.apply_review(picks)

    @property
    def home(self):
        return self.world.home

    def _closed(self) -> bool:
        with open_store(self.home.store_path, read_only=True) as store:
            return is_closed(store, PERIOD)

    # ---- the operator's actions -------------------------------------------------------
    @rule()
    def finalize(self) -> None:
        from conftest import run_finalize_stages

        if self._closed():
            with pytest.raises(PeriodClosed):
                run_finalize_stages(self.home)
            return
        _, _, published = run_finalize_stages(self.home)
        self.finalized = True
        self._account_for_drops(published.carry)

    @rule(
        kel=st.integers(0, 1),
        op=st.sampled_from(["insert", "remove", "edit"]),
        pos=st.integers(0, 40),
        seed=st.integers(0, 1000),
        then_finalize=st.booleans(),
    )
    def resend(self, kel: int, op: str, pos: int, seed: int, then_finalize: bool) -> None:
        """A kelurahan changes its prelist and sends it again (the month may be closed);
        often the supervisor finalises again at once."""
        kode = self.world.kelurahan[kel]
        if op == "insert":
            self.world.insert(kode, pos)
        elif op == "remove":
            self.world.remove(kode, pos)
        else:
            self.world.edit(kode, pos, seed)
        self.world.write(kode)
        if then_finalize:
            self.finalize()

    @precondition(lambda self: self.finalized)
    @rule(picks=st.lists(st.integers(0, len(CHOICES) - 1), min_size=1, max_size=8))
    def apply_review(self, picks: list[int]) -> None:
        """The supervisor fills the current review workbook at random and applies it."""
        filled = self.tmp / "telaah_diisi.xlsx"
        chosen = fill_review(self.home, [CHOICES[i] for i in picks], filled)
        closed = self._closed()
        with open_store(self.home.store_path) as store:
            if closed:
                with pytest.raises(PeriodClosed):
                    review.apply(store, PERIOD, filled, "Rina", home=self.home)
                return
            review.apply(store, PERIOD, filled, "Rina", home=self.home)
            final = store.df("SELECT * FROM prelist_final WHERE period = ?", [PERIOD])
        by_key = final.set_index("row_key")
        for key, choice in chosen.items():
            self.model[_content(by_key.loc[key])] = (choice, key)

    @precondition(lambda self: self.finalized)
    @rule()
    def siks_ng(self) -> None:
        closed = self._closed()
        with open_store(self.home.store_path) as store:
            if closed:
                with pytest.raises(PeriodClosed):
                    export(store, self.home, PERIOD)
            else:
                export(store, self.home, PERIOD)

    @precondition(lambda self: self.finalized)
    @rule(force=st.booleans())
    def close_month(self, force: bool) -> None:
        with open_store(self.home.store_path) as store:
            was = is_closed(store, PERIOD)
            try:
                close(store, PERIOD, "Rina", force, "Batas waktu Kemensos" if force else None,
                      home=self.home)  # fmt: skip
            except PeriodNotReady:
                assert not force and not was
                return
        if not was:
            self.frozen = self._frozen()

    @rule()
    def reopen_month(self) -> None:
        with open_store(self.home.store_path) as store:
            if not is_closed(store, PERIOD):
                with pytest.raises(ReopenRefused):
                    reopen(store, PERIOD, "Rina", "Koreksi resmi dari kelurahan")
                return
            reopen(store, PERIOD, "Rina", "Koreksi resmi dari kelurahan")
            history = store.df("SELECT peristiwa FROM period_history WHERE period = ?", [PERIOD])
        assert "dibuka kembali" in set(history["peristiwa"])
        self.frozen = None

    @rule(seed=st.integers(0, 3))
    def load_snapshot(self, seed: int) -> None:
        """Load the full snapshot again, or one where a person's occupation changed."""
        from pipelines.ingest.snapshot import load

        snap = self.world.snapshot
        if seed:
            lines = snap.read_text(encoding="utf-8").splitlines()
            cells = lines[seed].split(";")
            cells[10] = f"{cells[10]} {seed}"  # PEKERJAAN
            lines[seed] = ";".join(cells)
            snap = snap.with_name(f"DTKS_6271_2026-10_v{seed}.csv")
            snap.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with open_store(self.home.store_path) as store:
            load(store, [snap], petugas="Rina", max_close_share=MAX_CLOSE)

    @rule(keep=st.integers(1, 20))
    def load_partial_snapshot(self, keep: int) -> None:
        """An export of the first kelurahan only (its first `keep` persons), no flag: refused,
        or at most closing the share allowed (the invariant checks the register)."""
        from pipelines.errors import SnapshotRejected

        try:
            self._load_part("", keep)
        except SnapshotRejected:
            pass

    @rule(
        flag=st.sampled_from(["sebagian", "sebagian+perubahan_besar", "perubahan_besar"]),
        keep=st.integers(1, 20),
    )
    def load_flagged_snapshot(self, flag: str, keep: int) -> None:
        """The same export loaded as the operator says: with --sebagian (the whole kelurahan)
        nothing outside it changes; with --perubahan-besar the register may shrink on purpose."""
        self.shrink_allowed = "perubahan_besar" in flag
        self._load_part(flag, keep)

    def _load_part(self, flag: str, keep: int) -> None:
        from pipelines.ingest.snapshot import load
        from pipelines.wilayah import dotted

        first = dotted(self.world.kelurahan[0])
        lines = self.world.snapshot.read_text(encoding="utf-8").splitlines()
        mine = [ln for ln in lines[1:] if ln.split(";")[14] == first]
        if flag != "sebagian":
            mine = mine[:keep]
        part = self.world.snapshot.with_name(f"DTKS_6271_sebagian_{len(mine)}.csv")
        part.write_text("\n".join([lines[0], *mine]) + "\n", encoding="utf-8")
        with open_store(self.home.store_path) as store:
            load(store, [part], petugas="Rina", max_close_share=MAX_CLOSE,
                 area=[first] if "sebagian" in flag else None,
                 large_change="perubahan_besar" in flag)  # fmt: skip

    @rule()
    def demo_elsewhere(self) -> None:
        """The demo aimed at the operator's root is refused; another root works."""
        from pipelines.cli.demo import MARKER, prepare_root
        from pipelines.config import Home

        before = _tree_hashes(self.home.root)
        with pytest.raises(DtksError, match="bukan folder demo"):
            prepare_root(self.home)
        assert _tree_hashes(self.home.root) == before, "the demo touched a real root"
        other = Home(self.tmp / "demo")
        prepare_root(other)
        assert (other.root / MARKER).is_file()
        prepare_root(other)  # its own root: allowed again

    # ---- what must hold after every step ---------------------------------------------
    def _frozen(self) -> tuple:
        files = _tree_hashes(self.home.period_out(PERIOD), self.home.reports / PERIOD)
        with open_store(self.home.store_path, read_only=True) as store:
            history = (
                store.execute("SELECT * FROM period_close WHERE period = ?", [PERIOD]).fetchall(),
                store.execute(
                    "SELECT * EXCLUDE (accepted_snapshot_id) FROM register_change "
                    "WHERE period = ? ORDER BY row_id",
                    [PERIOD],
                ).fetchall(),
                store.execute(
                    "SELECT row_id, row_key, outcome, keputusan FROM prelist_final "
                    "WHERE period = ? ORDER BY row_id",
                    [PERIOD],
                ).fetchall(),
                store.execute("SELECT count(*) FROM review_decision").fetchall(),
            )
        return files, history

    def _account_for_drops(self, carry) -> None:
        """After a finalisation: each modelled decision is in force or reported dropped."""
        with open_store(self.home.store_path, read_only=True) as store:
            final = store.df("SELECT * FROM prelist_final WHERE period = ?", [PERIOD])
            drops = store.df("SELECT * FROM review_decision_drop WHERE period = ?", [PERIOD])
        attached = {_content(r): r["keputusan"] for _, r in final.iterrows() if r["keputusan"]}
        dropped = {(r.row_key, r.keputusan) for r in drops.itertuples()}
        for content, (choice, key) in list(self.model.items()):
            if attached.get(content) == choice:
                continue
            # no longer on its row: it must be reported dropped, and then it stays dropped
            assert (key, choice) in dropped, f"a {choice} decision vanished without a report"
            del self.model[content]
        assert carry is None or carry.carried == len(self.model)

    @invariant()
    def decisions_follow_people(self) -> None:
        if self.world is None or not self.finalized:
            return
        with open_store(self.home.store_path, read_only=True) as store:
            final = store.df(
                "SELECT * FROM prelist_final WHERE period = ? AND keputusan IS NOT NULL", [PERIOD]
            )
        for _, r in final.iterrows():
            made = self.model.get(_content(r), ("",))[0]
            assert made == r["keputusan"], (
                f"a {r['keputusan']} decision sits on a row it was not made for ({made or '-'})"
            )
            assert r["flow_outcome"] == "perlu_verifikasi"

    @invariant()
    def register_never_shrinks_without_the_flag(self) -> None:
        if self.world is None:
            return
        with open_store(self.home.store_path, read_only=True) as store:
            now = store.one("SELECT count(*) FROM dtks_current")[0]
        if self.persons is not None and not self.shrink_allowed:
            least = self.persons - int(self.persons * MAX_CLOSE)
            assert now >= least, f"the register shrank from {self.persons} to {now} unflagged"
        self.persons, self.shrink_allowed = now, False

    @invariant()
    def closed_month_is_frozen(self) -> None:
        if self.frozen is not None:
            assert self._frozen() == self.frozen, "a closed month changed"

    @invariant()
    def outputs_agree_with_the_store(self) -> None:
        if self.world is None or not self.finalized:
            return
        seen = tuple(
            (str(p), p.stat().st_mtime_ns, p.stat().st_size)
            for f in (self.home.period_out(PERIOD), self.home.reports / PERIOD, self.home.processed)
            for p in sorted(f.glob("*" if f == self.home.processed else "**/*"))
            if p.is_file()
        )
        if seen == self.checked:
            return
        bad = agree(month_counts(self.home))
        assert not bad, bad
        self.checked = seen


OperatorLife.TestCase.settings = settings(
    max_examples=8,
    stateful_step_count=10,
    deadline=None,
    # no shrinking: a failing sequence is at most 10 steps and readable as it is, and
    # shrinking slow steps would cost minutes of CI time
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestOperatorLife = OperatorLife.TestCase
