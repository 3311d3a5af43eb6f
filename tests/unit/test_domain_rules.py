"""The domain rules that live in the model and the core, once: due soon, the visibility cycle,
status words, and the items the review and the summary are made of (read once)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.journal import Journal
from rmjournal.core.model import (
    ACTION_STATUSES,
    DUE_SOON_DAYS,
    OUTCOME_WORDS,
    OUTCOMES,
    STATUS_WORDS,
    VISIBILITIES,
    VISIBILITY_CYCLE,
    Action,
    Person,
)
from rmjournal.core.summary import build_summary, render_summary

NOW = datetime(2026, 7, 20, 9, tzinfo=UTC)
TODAY = NOW.date()


def action(due: date | None, status: str = "open") -> Action:
    return Action("a", "Title", "", "action", "both", status, "pair", "", "", due_on=due)  # type: ignore[arg-type]


def test_due_soon_is_from_today_to_seven_days_ahead_and_open_only() -> None:
    ahead = [TODAY + timedelta(days=d) for d in (-1, 0, DUE_SOON_DAYS, DUE_SOON_DAYS + 1)]
    assert [action(d).is_due_soon(TODAY) for d in ahead] == [False, True, True, False]
    assert not action(None).is_due_soon(TODAY)
    assert not action(TODAY, "done").is_due_soon(TODAY)
    assert action(TODAY, "in_progress").is_due_soon(TODAY)
    assert action(TODAY + timedelta(days=3)).is_due_soon(TODAY, days=3)
    assert not action(date.max).is_due_soon(date.max - timedelta(days=DUE_SOON_DAYS + 1))


def test_the_app_and_the_journal_use_the_same_due_soon() -> None:
    from rmjournal.app.widgets.labels import action_state

    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", bytes(32)), clock=FixedClock(NOW))
    j.start_pair(mentor=Person("Ama"), mentee=Person("Kofi"))
    for days in range(-2, DUE_SOON_DAYS + 3):
        j.agree_action(f"In {days}", due_on=TODAY + timedelta(days=days))
    soon = {a.id for a in j.due_soon()}
    assert soon == {a.id for a in j.actions() if action_state(a, TODAY) == "due soon"}
    assert len(soon) == DUE_SOON_DAYS + 1


def test_visibility_cycle_visits_every_level_and_comes_back() -> None:
    seen, level = [], "pair"
    for _ in VISIBILITIES:
        seen.append(level)
        level = VISIBILITY_CYCLE[level]  # type: ignore[index]
    assert level == "pair" and sorted(seen) == sorted(VISIBILITIES)


def test_every_status_and_outcome_has_its_words() -> None:
    assert tuple(STATUS_WORDS) == ACTION_STATUSES and tuple(OUTCOME_WORDS) == OUTCOMES
    assert STATUS_WORDS["in_progress"] == "in progress"
    assert OUTCOME_WORDS["carried_over"] == "carried over"


class CountingCipher(PrivateCipher):
    """The real cipher, counting how often each sealed field is opened."""

    def __init__(self, role: str, key: bytes) -> None:
        super().__init__(role, key)  # type: ignore[arg-type]
        self.opened: Counter[tuple[str, str]] = Counter()

    def open(self, item_id: str, field: str, token: str) -> str:
        self.opened[(item_id, field)] += 1
        return super().open(item_id, field, token)


def test_the_summary_reads_and_opens_each_private_item_once() -> None:
    cipher = CountingCipher("mentor", bytes(range(32)))
    j = Journal.new(me="mentor", cipher=cipher, clock=FixedClock(NOW))
    j.start_pair(mentor=Person("Ama"), mentee=Person("Kofi"))
    s = j.add_session(TODAY, status="held")
    j.agree_action("Mine alone", owner="mentor", visibility="private", tags=["x"])
    j.add_entry(s.id, "My learning", kind="learning", visibility="private")
    j.add_goal("mentor", "My goal", visibility="private")
    j.add_agenda_item(s.id, "My topic", visibility="private")
    j.agree_action("Shared", visibility="shareable")
    cipher.opened.clear()
    summary = build_summary(j)
    assert [a.title for a in summary.actions] == ["Shared"]
    assert cipher.opened and max(cipher.opened.values()) == 1, cipher.opened
    assert "Mine alone" not in render_summary(j, "markdown")


def test_shareable_items_hold_the_partners_private_items_only_as_hidden() -> None:
    mine = Journal.new(me="mentor", cipher=PrivateCipher("mentor", bytes(32)))
    mine.start_pair(mentor=Person("Ama"), mentee=Person("Kofi"))
    s = mine.add_session(TODAY)
    mine.add_entry(s.id, "Secret", visibility="private")
    mine.add_entry(s.id, "Open", visibility="shareable")
    partner = Journal.from_bytes(
        mine.to_bytes(), me="mentee", cipher=PrivateCipher("mentee", bytes(32))
    )
    items = partner.shareable_items()
    assert [(e.text, e.hidden) for e in items.entries] == [("", True), ("Open", False)]
    assert [e.text for e in items.entries if items.shareable(e)] == ["Open"]
