"""A realistic demo pair journal: six months lived in, the review held and a part two decided.

People trying the app need something lived-in to look at; an empty journal shows nothing of
follow-through. Dates are relative to the journal's clock, so some actions are always overdue,
and they are consistent: every action is agreed in a session (its `agreed_on` is that session's
date), nothing is closed before it was agreed, the topic carried over from session 4 comes back
in session 5 and the one left open in session 5 in session 6. Two goals are achieved and one
partly, two opportunities were offered (one taken up), the review was held five days ago and the
pair decided on a part two.

`a_year_on=True` is the same pair a year later: they closed at the review instead, and the
check-in that revisits every commitment is due.
The people are invented (not the pair of the interchange example).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

from rmjournal.core.clock import FixedClock
from rmjournal.core.journal import Journal
from rmjournal.core.model import Entry, EntryKind, Person, Session, Visibility

DEMO_PASSPHRASE = "demo mentor lantern"  # noqa: S105 - public by design
"""The mentor's passphrase of every demo journal (documented; a demo holds nothing real)."""

DEMO_MENTEE_PASSPHRASE = "demo mentee compass"  # noqa: S105 - public by design
"""The mentee's passphrase of every demo journal."""

_SESSIONS = [
    (
        "How we will work together",
        "Agreed ground rules; Martin asked what 'reasonable adjustments' look like day to day.",
    ),
    ("Access to the building, really", "Walked the route from the station together."),
    ("Who gets the stretch projects", "Allocation runs through a few informal chats."),
    ("Recruitment adverts and the word 'dynamic'", "Martin had never read our adverts."),
    ("Shadowing the digital board", "Priya joined the board as an observer."),
    ("Looking back before the review", "What changed, what did not, and what next."),
]

REVIEW_DAYS_AGO = 5
"""The review was held this many days before the demo's today (a year more with `a_year_on`)."""

START_DAYS_AGO = 190
"""The pair started this many days before the demo's today: six sessions, then the review."""


def _entry_on(
    journal: Journal,
    clock: FixedClock | None,
    session: Session,
    minute: int,
    text: str,
    *,
    kind: EntryKind,
    prompt: str | None = None,
    visibility: Visibility = "pair",
    tags: Iterable[str] = (),
) -> Entry:
    """Write an entry in `session`, stamped on its evening (`clock` given: `make_demo`), as a
    pair writes after they meet, so "latest learnings" and each session's entries come in the
    order the story has them; without a clock, every stamp is the journal's now."""
    if clock is not None:
        clock.moment = datetime.combine(session.date, time(19, minute), tzinfo=UTC)
    return journal.add_entry(
        session.id, text, kind=kind, prompt=prompt, visibility=visibility, tags=tags
    )


@contextmanager
def _clock_kept(clock: FixedClock | None) -> Iterator[None]:
    """What is written inside may move `clock` to sessions' evenings (`_entry_on`); it is
    put back after, so what follows is stamped at the demo's now."""
    now = clock.moment if clock is not None else None
    try:
        yield
    finally:
        if clock is not None and now is not None:
            clock.moment = now


def _then(journal: Journal, today: date | None, a_year_on: bool) -> date:
    """The demo's "today" for its story: a year back when the demo is a year on."""
    day = today or journal.today()
    return day - timedelta(days=365) if a_year_on else day


def populate_mentor(
    journal: Journal,
    today: date | None = None,
    *,
    a_year_on: bool = False,
    clock: FixedClock | None = None,
) -> None:
    """Write the pair, the sessions and everything the mentor wrote (run as the mentor).

    With `clock` (the journal's own), the entries are stamped on their sessions' evenings
    and the clock is put back before anything else is written."""
    today = _then(journal, today, a_year_on)
    start = today - timedelta(days=START_DAYS_AGO)
    with _clock_kept(clock):
        journal.start_pair(
            mentor=Person(
                "Priya Raman", "Content Designer, HEO", "Disability and Neurodiversity Network"
            ),
            mentee=Person("Martin Cole", "Director of Digital Services"),
            title="Priya & Martin — reverse mentoring",
            started_on=start,
            cadence_days=28,
            planned_sessions=6,
            agreement=(
                "We meet every four weeks for an hour.\n\n"
                "- What is said here stays here unless we both agree to share it.\n"
                "- Priya sets the agenda; Martin brings one question from his week.\n"
                "- Either of us can pause a topic."
            ),
        )
        _sign_the_agreement(journal)
        journal.add_goal(
            "mentee", "Understand what gets in the way for disabled colleagues in Digital."
        )
        heard = journal.add_goal(
            "mentor", "See how senior decisions are made, and be heard in the room."
        )
        journal.add_goal(
            "mentee",
            "Change at least one hiring practice before the review.",
            visibility="shareable",
        )
        journal.add_prompt(
            "What would you tell the next pair before their first session?", phase="review"
        )
        sessions = []
        for n, (topic, notes) in enumerate(_SESSIONS):
            s = journal.add_session(start + timedelta(days=3 + 28 * n), place="Video call")
            item = journal.add_agenda_item(s.id, topic, minutes=30)
            journal.record_outcome(item.id, "discussed", notes)
            sessions.append(s)
        extra = journal.add_agenda_item(
            sessions[3].id, "Screen readers and our intranet", minutes=15
        )
        journal.record_outcome(extra.id, "carried_over", "Ran out of time.")
        again = journal.add_agenda_item(
            sessions[4].id, "Screen readers and our intranet", minutes=15, carried_from=extra.id
        )
        journal.record_outcome(
            again.id, "discussed", "Priya showed the intranet with a screen reader."
        )
        tail = journal.add_agenda_item(sessions[4].id, "Neurodiversity in interviews", minutes=20)
        journal.record_outcome(tail.id, "carried_over", "Next time: the interview pilot.")
        back = journal.add_agenda_item(
            sessions[5].id, "Neurodiversity in interviews", minutes=20, carried_from=tail.id
        )
        journal.record_outcome(back.id, "discussed", "Martin will join the department's pilot.")
        papers = journal.add_agenda_item(
            sessions[5].id, "What part two should be about", minutes=15
        )
        if a_year_on:  # they closed: nothing goes on
            journal.record_outcome(papers.id, "discussed", "We agreed to close and check in.")
        else:  # it reappears on the agenda of part two's first session
            journal.record_outcome(papers.id, "carried_over", "Both to think it over.")
        _entry_on(
            journal,
            clock,
            sessions[0],
            0,
            "Nervous for ten minutes, then fine. He listened more than he talked.",
            kind="reflection",
            prompt="How did it feel to speak candidly to someone this senior?",
            visibility="private",
            tags=["confidence"],
        )
        corridors = _entry_on(
            journal,
            clock,
            sessions[2],
            0,
            "Decisions about who gets stretch work happen in corridors. I need to be in them.",
            kind="learning",
            prompt="What did you learn about how senior decisions are made?",
            visibility="shareable",
            tags=["influence"],
        )
        _entry_on(
            journal,
            clock,
            sessions[4],
            0,
            "I said the board papers are unreadable with a screen reader. "
            "Nobody had said so before.",
            kind="reflection",
            visibility="private",
        )
    blog = journal.agree_action(
        "Write a short post about shadowing the board",
        detail="Check the draft with Martin first.",
        owner="mentor",
        due_on=today - timedelta(days=12),
        agreed_in=sessions[4].id,
    )
    journal.follow_up(
        blog.id, "First draft started.", status="in_progress", on=today - timedelta(days=20)
    )
    access = journal.agree_action(
        "Audit the route from the station with Estates",
        owner="both",
        due_on=start + timedelta(days=60),
        agreed_in=sessions[1].id,
    )
    journal.close_action(
        access.id, "Estates fixed the ramp and the signage.", on=start + timedelta(days=55)
    )
    journal.agree_action(
        "Share the accessibility checklist with the content team",
        owner="mentor",
        due_on=today + timedelta(days=5),
        agreed_in=sessions[4].id,
    )
    for s in sessions:
        journal.mark_held(s.id, duration_minutes=60)
    journal.link_to_goal(heard.id, corridors.id)
    journal.link_to_goal(heard.id, blog.id)
    journal.set_goal_status(
        heard.id, "partly", "In the board room as an observer; not yet heard in every decision."
    )


def _sign_the_agreement(journal: Journal) -> None:
    """The reader signs the agreement as it stands (each partner does, as a pair does at the
    start): a lived-in journal is past agreeing."""
    from rmjournal.core.summary import approve

    approve(journal, variant_name="agreement")


def populate_mentee(
    journal: Journal,
    today: date | None = None,
    *,
    a_year_on: bool = False,
    clock: FixedClock | None = None,
) -> None:
    """Add what the mentee wrote, their private reflections included, and the review's
    decision (run as the mentee). `clock`: as for `populate_mentor`."""
    today = _then(journal, today, a_year_on)
    _sign_the_agreement(journal)
    held = journal.sessions(status="held")
    _mentee_entries(journal, today, held, clock)
    journal.add_opportunity(
        "Shadow the digital board as an observer",
        offered_by="mentee",
        on=held[3].date,
        status="taken",
        outcome="Priya sat in on two board meetings and raised screen-reader access to papers.",
        visibility="shareable",
    )
    journal.add_opportunity(
        "An introduction to the Chief People Officer",
        offered_by="mentee",
        on=held[5].date,
        visibility="shareable",
    )
    review_day = today - timedelta(days=REVIEW_DAYS_AGO)
    journal.hold_review(review_day)
    if a_year_on:
        journal.decide("close", on=review_day)
        return
    journal.decide("part_two", sessions=4, on=review_day)
    journal.plan_next_session(today + timedelta(days=9))


def _mentee_entries(
    journal: Journal, today: date, held: list[Session], clock: FixedClock | None
) -> None:
    goals = journal.goals("mentee")
    understand, hiring = goals[0], goals[1]
    with _clock_kept(clock):
        access = _entry_on(
            journal,
            clock,
            held[0],
            30,
            "I assumed our building was accessible because it has a lift. It is not that simple.",
            kind="learning",
            prompt="What did you hear today that you had not heard before?",
            visibility="shareable",
            tags=["access"],
        )
        _entry_on(
            journal,
            clock,
            held[3],
            30,
            "I felt defensive about the adverts. I wrote half of them.",
            kind="reflection",
            prompt="Where were you defensive, and what was underneath it?",
            visibility="private",
            tags=["self-awareness"],
        )
        adverts_learning = _entry_on(
            journal,
            clock,
            held[3],
            31,
            "Our adverts screen out the people we say we want.",
            kind="learning",
            visibility="shareable",
            tags=["recruitment"],
        )
    adverts = journal.commit_to(
        "Rewrite the Digital job advert template with the network",
        detail="Plain English; adjustments offered up front.",
        due_on=today - timedelta(days=30),
        agreed_in=held[3].id,
        visibility="shareable",
    )
    journal.follow_up(
        adverts.id,
        "Draft with HR; network reviewing.",
        status="in_progress",
        on=held[4].date - timedelta(days=7),
    )
    journal.close_action(
        adverts.id, "The new template is live on every Digital advert.", on=held[4].date
    )
    journal.commit_to(
        "Make every board paper screen-reader friendly",
        due_on=today - timedelta(days=3),
        agreed_in=held[4].id,
    )
    panel = journal.agree_action(
        "Pilot a neurodiversity-friendly interview format",
        owner="mentee",
        due_on=today + timedelta(days=40),
        agreed_in=held[4].id,
    )
    journal.drop_action(
        panel.id,
        "The department-wide pilot started first; joining that instead.",
        on=held[5].date,
    )
    journal.link_to_goal(hiring.id, adverts.id)
    journal.link_to_goal(hiring.id, adverts_learning.id)
    journal.set_goal_status(hiring.id, "achieved", "The advert template changed in month five.")
    journal.link_to_goal(understand.id, access.id)
    journal.set_goal_status(
        understand.id, "achieved", "Heard it first hand: the route, the papers, the adverts."
    )
