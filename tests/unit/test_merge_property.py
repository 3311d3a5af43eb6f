"""Property tests: on generated edit histories of two copies, merging is commutative and
idempotent, loses no record, keeps private text sealed and the search index consistent."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mergekit import (
    BASE,
    assert_index_consistent,
    base_journal,
    copy_of,
    normalised,
)
from testkit import clock_of

from rmjournal.core import store
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.errors import JournalError
from rmjournal.core.journal import Journal
from rmjournal.core.merge import MERGE_TABLES, merge_into
from rmjournal.core.model import ROLES

WORDS = st.sampled_from(["alpha", "beta", "gamma", "alpha beta"])
STATUSES = st.sampled_from(["open", "in_progress", "done", "dropped"])
VISIBILITY = st.sampled_from(["private", "pair", "shareable"])
DELETABLE = ["entries", "goals", "actions", "sessions"]

OPS = st.one_of(
    st.tuples(st.just("tick"), st.integers(0, 3)),
    st.tuples(st.just("add_entry"), WORDS, st.booleans()),
    st.tuples(st.just("edit_entry"), st.integers(0, 9), WORDS),
    st.tuples(st.just("tag_entry"), st.integers(0, 9), WORDS),
    st.tuples(st.just("visibility"), st.integers(0, 9), VISIBILITY),
    st.tuples(st.just("add_goal"), WORDS),
    st.tuples(st.just("edit_goal"), st.integers(0, 9), WORDS),
    st.tuples(st.just("edit_action"), st.integers(0, 9), WORDS),
    st.tuples(st.just("set_due"), st.integers(0, 9), st.integers(0, 3)),
    st.tuples(st.just("follow_up"), st.integers(0, 9), STATUSES, WORDS),
    st.tuples(st.just("add_action"), WORDS),
    st.tuples(st.just("add_session"), st.integers(0, 3)),
    st.tuples(st.just("delete"), st.sampled_from(DELETABLE), st.integers(0, 9)),
    st.tuples(st.just("notes"), st.integers(0, 9), WORDS),
)  # fmt: skip


def _pick(j: Journal, table: str, k: int) -> str | None:
    ids = [r[0] for r in j.records.execute(f"SELECT id FROM {table} ORDER BY id")]
    return ids[k % len(ids)] if ids else None


def apply(j: Journal, op: tuple[Any, ...]) -> None:
    """Apply one generated edit; edits the rules refuse (a partner's private item, a deleted
    one) are skipped, as a person would be refused in the app."""
    name = op[0]
    table = {
        "edit_entry": "entries", "tag_entry": "entries", "visibility": "entries",
        "edit_goal": "goals", "edit_action": "actions", "set_due": "actions",
        "follow_up": "actions", "notes": "agenda_items",
    }.get(name)  # fmt: skip
    target = _pick(j, table, op[1]) if table else None
    try:
        if name == "tick":
            clock_of(j).advance(minutes=op[1])  # 0: equal stamps
        elif name == "add_entry":
            session = _pick(j, "sessions", 0)
            if session:
                j.add_entry(session, op[1], visibility="private" if op[2] else "pair")
        elif name == "add_goal":
            j.add_goal(j.me, op[1])
        elif name == "add_action":
            j.agree_action(op[1], owner=j.me)
        elif name == "add_session":
            j.add_session(date(2026, 4, 1) + timedelta(days=op[1]))
        elif name == "delete":
            victim = _pick(j, op[1], op[2])
            if victim:
                j.delete(victim)
        elif target is None:
            return
        elif name == "edit_entry":
            j.edit_entry(target, text=op[2])
        elif name == "tag_entry":
            j.edit_entry(target, tags=[op[2]])
        elif name == "visibility":
            j.set_visibility(target, op[2])
        elif name == "edit_goal":
            j.edit_goal(target, text=op[2])
        elif name == "edit_action":
            j.edit_action(target, title=op[2])
        elif name == "set_due":
            j.set_due(target, date(2026, 5, 1) + timedelta(days=op[2]))
        elif name == "follow_up":
            j.follow_up(target, op[3], status=op[2])
        elif name == "notes":
            j.record_notes(target, op[2])
    except JournalError:
        pass


def _base_bytes() -> bytes:
    base = base_journal()
    s = base.add_session(date(2026, 3, 2), status="held")
    base.add_entry(s.id, "shared alpha")
    base.add_entry(s.id, "mentor private", visibility="private")
    base.add_goal("mentee", "goal beta")
    base.add_agenda_item(s.id, "topic gamma", raised_by="mentee")
    x = base.agree_action("action alpha", owner="mentee")
    base.follow_up(x.id, "begun", status="in_progress")
    base.agree_action("action beta", owner="both")
    return base.to_bytes()


BASE_BYTES = _base_bytes()


def all_ids(j: Journal) -> set[tuple[str, str]]:
    return {
        (t, r[0]) for t in MERGE_TABLES for r in j.records.execute(f"SELECT id FROM {t}")
    }  # fmt: skip


def assert_private_sealed(j: Journal) -> None:
    for table, fields in store.PRIVATE_FIELDS.items():
        for row in j.records.execute(
            f"SELECT {', '.join(fields)} FROM {table} WHERE visibility = 'private'"
        ):
            assert all(v is None or PrivateCipher.is_sealed(v) for v in row)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    roles=st.tuples(st.sampled_from(ROLES), st.sampled_from(ROLES)),
    ops_a=st.lists(OPS, max_size=14),
    ops_b=st.lists(OPS, max_size=14),
)
def test_merge_is_commutative_idempotent_and_loses_nothing(
    roles: tuple[str, str], ops_a: list[tuple[Any, ...]], ops_b: list[tuple[Any, ...]]
) -> None:
    a = copy_of(BASE_BYTES, roles[0], BASE + timedelta(hours=1))  # type: ignore[arg-type]
    b = copy_of(BASE_BYTES, roles[1], BASE + timedelta(hours=1))  # type: ignore[arg-type]
    for op in ops_a:
        apply(a, op)
    for op in ops_b:
        apply(b, op)
    a_data, b_data = a.to_bytes(), b.to_bytes()

    ab = copy_of(a_data, roles[0], BASE)  # type: ignore[arg-type]
    merge_into(ab, b_data)
    ba = copy_of(b_data, roles[1], BASE)  # type: ignore[arg-type]
    merge_into(ba, a_data)
    assert normalised(ab) == normalised(ba)  # commutative

    for again in (b_data, a_data, ba.to_bytes()):  # idempotent
        before = normalised(ab)
        report = merge_into(ab, again)
        assert not report.changed
        assert normalised(ab) == before

    assert all_ids(a) | all_ids(b) <= all_ids(ab)  # nothing lost
    assert_private_sealed(ab)
    assert_index_consistent(ab)
    # each person can still read everything they may read in the merged journal
    ab.entries(), ab.goals(), ab.actions(), ab.sessions()
    ab.search("alpha")
