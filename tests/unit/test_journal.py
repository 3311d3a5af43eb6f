"""Journal domain operations: sessions, agenda carry-over, entries, actions, follow-ups, privacy."""

from __future__ import annotations

import os
from datetime import date

import pytest
from testkit import MARKER, cipher_of, clock_of

from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.journal import Journal, PartnersPrivateItem, add_months
from rmjournal.core.model import Person


@pytest.fixture
def journal(clock: FixedClock) -> Journal:
    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)), clock=clock)
    j.start_pair(
        mentor=Person("Ama Owusu", "Analyst"),
        mentee=Person("Richard Hale", "DG"),
        started_on=date(2026, 3, 1),
    )
    return j


def partner_of(journal: Journal) -> Journal:
    """The same database as the partner (mentee) sees it."""
    return Journal.from_bytes(
        journal.to_bytes(),
        me="mentee",
        cipher=PrivateCipher("mentee", os.urandom(32)),
        clock=clock_of(journal),
    )


def test_pair_defaults(journal: Journal) -> None:
    pair = journal.pair()
    assert pair is not None
    assert pair.title == "Ama Owusu & Richard Hale"
    assert (
        pair.review_on == date(2026, 9, 1)
        and pair.cadence_days == 28
        and pair.planned_sessions == 6
    )
    assert journal.update_pair(agreement="Rules").agreement == "Rules"
    with pytest.raises(JournalError):
        journal.update_pair(nonsense=1)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


def test_changes_counter_increases_on_every_write(journal: Journal) -> None:
    before = journal.changes
    s = journal.plan_next_session()
    after_plan = journal.changes
    assert after_plan > before
    journal.add_entry(s.id, "x")
    assert journal.changes > after_plan
    n = journal.changes
    journal.sessions()
    journal.search("x")
    assert journal.changes == n  # reads do not count


def test_plan_next_session_carries_unfinished_items_and_open_actions(
    journal: Journal, clock: FixedClock
) -> None:
    s1 = journal.add_session(date(2026, 3, 5))
    done = journal.add_agenda_item(s1.id, "Done topic")
    carried = journal.add_agenda_item(s1.id, "Panel composition", minutes=15, prompt="Why?")
    open_item = journal.add_agenda_item(s1.id, "Hackathon", raised_by="mentee")
    dropped = journal.add_agenda_item(s1.id, "Dropped topic")
    journal.record_outcome(done.id, "discussed", "ok")
    journal.record_outcome(carried.id, "carried_over")
    journal.record_outcome(dropped.id, "dropped")
    journal.mark_held(s1.id, duration_minutes=60)
    act = journal.agree_action(
        "Get the survey data", owner="mentee", due_on=date(2026, 7, 1), agreed_in=s1.id
    )
    later = journal.agree_action("Far future", due_on=date(2027, 1, 1))
    closed = journal.agree_action("Closed one")
    journal.close_action(closed.id)

    s2 = journal.plan_next_session()
    assert s2.number == 2 and s2.status == "planned"
    assert s2.date == clock.today()  # start + cadence is in the past
    agenda = journal.agenda(s2.id)
    assert [(i.topic, i.carried_from, i.action_id) for i in agenda] == [
        ("Panel composition", carried.id, None),
        ("Hackathon", open_item.id, None),
        ("Follow-up: Get the survey data", None, act.id),
    ]
    assert agenda[0].minutes == 15 and agenda[0].prompt == "Why?" and agenda[0].notes == ""
    assert agenda[1].raised_by == "mentee" and agenda[2].raised_by == "mentee"
    assert later.id not in {i.action_id for i in agenda}
    # idempotent
    changes = journal.changes
    again = journal.plan_next_session()
    assert again.id == s2.id and len(journal.agenda(s2.id)) == 3 and journal.changes == changes
    # an item added to the old session later is carried on the next run, once
    extra = journal.add_agenda_item(s1.id, "Late addition")
    journal.plan_next_session()
    journal.plan_next_session()
    assert [i.carried_from for i in journal.agenda(s2.id)].count(extra.id) == 1


def test_plan_next_session_on_given_date_and_cadence(journal: Journal, clock: FixedClock) -> None:
    s = journal.plan_next_session(date(2026, 8, 1), place="Video call")
    assert (s.date, s.place, s.number) == (date(2026, 8, 1), "Video call", 1)
    journal.mark_held(s.id)
    nxt = journal.plan_next_session()
    assert nxt.date == date(2026, 8, 29)  # 28 days on
    assert journal.next_session() == nxt
    assert journal.last_held_session() == journal.session(s.id)
    journal.mark_cancelled(nxt.id)
    assert journal.session(nxt.id).status == "cancelled"


def test_agenda_reorder_time_box_prompt(journal: Journal) -> None:
    s = journal.plan_next_session()
    a, b, c = (journal.add_agenda_item(s.id, t) for t in "abc")
    assert [i.position for i in journal.agenda(s.id)] == [0, 1, 2]
    order = journal.move_agenda_item(c.id, 0)
    assert [i.topic for i in order] == ["c", "a", "b"]
    assert [i.topic for i in journal.reorder_agenda(s.id, [b.id])] == ["b", "c", "a"]
    assert journal.time_box(a.id, 20).minutes == 20
    assert journal.time_box(a.id, None).minutes is None
    assert journal.attach_prompt(a.id, "What is hard?").prompt == "What is hard?"
    assert journal.record_notes(a.id, "notes").notes == "notes"
    with pytest.raises(JournalError):
        journal.record_outcome(a.id, "finished")  # type: ignore[arg-type]
    with pytest.raises(JournalError):
        journal.time_box(a.id, -5)


def test_entries_and_prompts(journal: Journal) -> None:
    s = journal.plan_next_session()
    prompt = journal.prompts(phase="after", for_="mentor")[0]
    r = journal.reflect(s.id, prompt, "Nervous, then fine.")
    assert r.kind == "reflection" and r.visibility == "private" and r.prompt == prompt.text
    learning = journal.add_entry(
        s.id,
        "Decisions happen before meetings.",
        kind="learning",
        tags=["influence"],
        visibility="shareable",
    )
    assert journal.learnings() == [learning]
    edited = journal.edit_entry(learning.id, text="Changed", tags=["a", "b"], prompt="P")
    assert (edited.text, edited.tags, edited.prompt) == ("Changed", ("a", "b"), "P")
    assert journal.edit_entry(learning.id, prompt=None).prompt is None
    assert journal.entries(s.id, kind="reflection") == [r]
    assert journal.entries(author="mentee") == []
    custom = journal.add_prompt("What would you say to a new pair?", phase="review")
    assert custom in journal.prompts(phase="review", for_="mentee")
    assert custom in journal.custom_prompts()
    assert custom not in journal.prompts(phase="before")
    with pytest.raises(JournalError):
        journal.add_prompt("  ", phase="review")


def test_actions_follow_up_close_drop_and_queries(journal: Journal, clock: FixedClock) -> None:
    today = clock.today()
    s = journal.plan_next_session()
    late = journal.agree_action("Late", owner="mentor", due_on=date(2026, 7, 1), agreed_in=s.id)
    soon = journal.agree_action("Soon", owner="mentee", due_on=date(2026, 7, 24))
    commitment = journal.commit_to("Talk about race at the away day", due_on=date(2026, 7, 10))
    undated = journal.agree_action("Undated", owner="both")
    assert commitment.kind == "commitment" and commitment.owner == "mentee"
    assert [a.title for a in journal.overdue()] == ["Late", "Talk about race at the away day"]
    assert [a.title for a in journal.due_soon(7)] == ["Soon"]
    fu = journal.follow_up(late.id, "Started the draft", status="in_progress", session_id=s.id)
    assert (fu.status, fu.on, fu.session) == ("in_progress", today, s.id)
    assert journal.action(late.id).status == "in_progress"
    assert late.id in {a.id for a in journal.overdue()}  # in progress still counts
    done = journal.close_action(late.id, "Published")
    assert done.status == "done" and done.closed_on == today and len(done.follow_ups) == 2
    assert late.id not in {a.id for a in journal.overdue()}
    assert journal.reopen_action(late.id).closed_on is None
    dropped = journal.drop_action(undated.id, "Overtaken by events", on=date(2026, 7, 21))
    assert dropped.status == "dropped" and dropped.closed_on == date(2026, 7, 21)
    assert journal.set_due(soon.id, date(2026, 6, 1)).due_on == date(2026, 6, 1)
    assert {a.title for a in journal.actions(owner="mentee")} == {
        "Soon",
        "Talk about race at the away day",
        "Undated",
    }
    assert {a.title for a in journal.actions(owner="mentor")} == {
        "Late",
        "Undated",
    }  # both included
    assert [a.title for a in journal.actions(status="dropped")] == ["Undated"]
    assert [a.title for a in journal.actions(kind="commitment")] == [
        "Talk about race at the away day"
    ]
    assert next(a.title for a in journal.actions(status=["open", "in_progress"])) == "Soon"
    edited = journal.edit_action(soon.id, title="Sooner", detail="d", owner="both", tags=["t"])
    assert (edited.title, edited.detail, edited.owner, edited.tags) == (
        "Sooner",
        "d",
        "both",
        ("t",),
    )
    with pytest.raises(JournalError):
        journal.agree_action("x", owner="nobody")  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        journal.follow_up("no-such-id", "x")


def test_delete_is_a_tombstone(journal: Journal) -> None:
    s = journal.plan_next_session()
    item = journal.add_agenda_item(s.id, "Topic findable")
    entry = journal.add_entry(s.id, "Entry findable")
    act = journal.agree_action("Action findable")
    journal.follow_up(act.id, "note")
    journal.delete(entry.id)
    assert journal.entries() == []
    assert journal.raw_record("entries", entry.id)["deleted_at"]  # type: ignore[index]
    journal.delete(act.id)
    assert journal.actions() == []
    journal.delete(s.id)
    assert journal.sessions() == [] and journal.agenda(s.id) == []
    assert journal.raw_record("agenda_items", item.id)["deleted_at"]  # type: ignore[index]
    assert journal.search("findable") == []
    with pytest.raises(NotFound):
        journal.entry(entry.id)


def test_private_items_are_sealed_and_hidden_from_the_partner(journal: Journal) -> None:
    s = journal.plan_next_session()
    entry = journal.add_entry(
        s.id,
        MARKER + " entry",
        kind="reflection",
        prompt=MARKER + " prompt",
        tags=[MARKER],
        visibility="private",
    )
    item = journal.add_agenda_item(s.id, MARKER + " topic", notes=MARKER, visibility="private")
    act = journal.agree_action(
        MARKER + " action", detail=MARKER, owner="mentor", visibility="private", tags=[MARKER]
    )
    journal.follow_up(act.id, MARKER + " follow-up")
    goal = journal.add_goal("mentor", MARKER + " goal", visibility="private")
    assert journal.entry(entry.id).text == MARKER + " entry"
    assert journal.search("ZEBRA")  # own private items are searchable
    body = journal.to_bytes()
    assert MARKER.encode() not in body

    partner = partner_of(journal)
    e = partner.entry(entry.id)
    assert e.hidden and e.text == "" and e.tags == () and e.prompt is None
    i = partner.agenda_item(item.id)
    assert i.hidden and i.topic == "" and i.notes == ""
    a = partner.action(act.id)
    assert (
        a.hidden
        and a.title == ""
        and a.detail == ""
        and a.follow_ups[0].hidden
        and a.follow_ups[0].note == ""
    )
    assert partner.goal(goal.id).hidden
    assert partner.search("ZEBRA") == []
    with pytest.raises(PartnersPrivateItem):
        partner.edit_entry(entry.id, text="overwrite")
    with pytest.raises(PartnersPrivateItem):
        partner.delete(entry.id)
    with pytest.raises(PartnersPrivateItem):
        partner.follow_up(act.id, "x")
    # the partner's next agenda does not pick up the private action
    nxt = partner.plan_next_session()
    assert all(
        not i.topic.startswith("Follow-up: ") or i.action_id != act.id
        for i in partner.agenda(nxt.id)
    )


def test_changing_visibility_reseals(journal: Journal) -> None:
    s = journal.plan_next_session()
    entry = journal.add_entry(s.id, MARKER, visibility="pair")
    assert MARKER.encode() in journal.to_bytes()
    journal.set_visibility(entry.id, "private")
    assert MARKER.encode() not in journal.to_bytes()
    assert journal.search("ZEBRA")[0].id == entry.id
    assert partner_of(journal).entry(entry.id).hidden
    journal.set_visibility(entry.id, "shareable")
    assert journal.entry(entry.id).visibility == "shareable"
    assert partner_of(journal).entry(entry.id).text == MARKER
    assert partner_of(journal).search("ZEBRA")[0].id == entry.id
    assert [h.id for h in journal.search("ZEBRA")] == [entry.id]  # not twice
    # the partner cannot make the mentor's item private, nor a private item of someone else
    partner = partner_of(journal)
    with pytest.raises(JournalError):
        partner.set_visibility(entry.id, "private")
    # a private agenda item must be raised by its author
    with pytest.raises(JournalError):
        journal.add_agenda_item(s.id, "x", raised_by="mentee", visibility="private")
    act = journal.agree_action("Shared action", owner="both")
    partner = partner_of(journal)
    partner.follow_up(act.id, "partner note")
    journal2 = Journal.from_bytes(
        partner.to_bytes(), me="mentor", cipher=cipher_of(journal), clock=clock_of(journal)
    )
    with pytest.raises(JournalError, match="follow-ups"):
        journal2.set_visibility(act.id, "private")


def test_private_follow_up_sealed_when_action_made_private(journal: Journal) -> None:
    act = journal.agree_action("a", owner="mentor")
    journal.follow_up(act.id, MARKER)
    journal.set_visibility(act.id, "private")
    assert MARKER.encode() not in journal.to_bytes()
    assert journal.action(act.id).follow_ups[0].note == MARKER
    journal.set_visibility(act.id, "pair")
    assert partner_of(journal).action(act.id).follow_ups[0].note == MARKER


def test_transaction_rolls_back(journal: Journal) -> None:
    s = journal.plan_next_session()
    with pytest.raises(RuntimeError), journal.transaction():
        journal.add_entry(s.id, "never kept")
        raise RuntimeError
    assert journal.entries() == []
    journal.add_entry(s.id, "kept", visibility="private")
    assert journal.search("kept")


def test_goals(journal: Journal) -> None:
    g = journal.add_goal("mentee", "Understand barriers")
    assert journal.goals("mentee") == [g]
    assert journal.edit_goal(g.id, text="New", owner="mentor").owner == "mentor"
    with pytest.raises(JournalError):
        journal.add_goal(
            "mentee", "x", visibility="private"
        )  # the mentor cannot write the mentee's private goal


def test_session_edits(journal: Journal) -> None:
    s = journal.plan_next_session()
    s = journal.update_session(s.id, on=date(2026, 8, 3), place="Office", duration_minutes=45)
    assert (s.date, s.place, s.duration_minutes) == (date(2026, 8, 3), "Office", 45)
    assert journal.update_session(s.id, place=None).place is None
    with pytest.raises(NotFound):
        journal.add_entry("missing", "x")
