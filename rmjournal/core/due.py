"""What is due or overdue, and the words for it, shared by the dashboard and `rmjournal due`.

A reminder that says "3d late" in a desktop notification and "3 days overdue" on the dashboard
makes a person wonder whether they are two things. The words and the "due soon" window live
here, once, so every face says the same. Which actions are overdue or due soon is the
Journal's own rule (`Journal.overdue`, `Journal.due_soon`); this module adds the sessions, the
review and the check-in, and puts each in one line that names no content unless asked.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal, NamedTuple

from rmjournal.core.model import DUE_SOON_DAYS, Session
from rmjournal.text import counted

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal

OVERDUE_MARK = "! OVERDUE"
"""The marker of an open action past its due date (a word, not only a colour)."""

DUE_MARK = "» due"
"""The marker of something due within the window."""

DueKind = Literal["action", "session", "review", "check_in"]


def days_words(n: int) -> str:
    """A count of days in words: "1 day", "3 days"."""
    return counted(n, "day")


def relative(days: int) -> str:
    """How far a day is from today: "today", "in 2 days", "3 days ago"."""
    if days == 0:
        return "today"
    return f"in {days_words(days)}" if days > 0 else f"{days_words(-days)} ago"


def lateness(days: int) -> str:
    """A due date's distance, short, as the follow-through list says it: "3d late", "in 2d"."""
    if days == 0:
        return "today"
    return f"{-days}d late" if days < 0 else f"in {days}d"


def long_date(day: date) -> str:
    """A date people read easily: "Mon 3 Aug 2026"."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def session_heading(session: Session, today: date) -> str:
    """ "Session 4 · Thu 3 Dec 2026 14:00 (in 2 days)": a session as the dashboard heads it."""
    at = session.time
    when = relative((session.date - today).days)
    return f"Session {session.number} · {long_date(session.date)}{' ' + at if at else ''} ({when})"


def review_words(days: int) -> str:
    """The review's distance as the dashboard says it: "Review in 5 days", "Review is due today"."""
    if days > 0:
        return f"Review in {days_words(days)}"
    if days == 0:
        return "Review is due today"
    return f"Review was due {days_words(-days)} ago"


def check_in_words(days: int) -> str:
    """The 12-month check-in's distance, worded like the review's."""
    return review_words(days).replace("Review", "Check-in", 1)


class DueItem(NamedTuple):
    """One thing due or overdue: what it is, its record's id, the day, and its words."""

    kind: DueKind
    id: str
    on: date
    days: int
    """Days from today (negative: in the past)."""
    overdue: bool
    words: str
    """The content-free line, e.g. "Session 4 · Thu 3 Dec 2026 (in 2 days)"."""
    title: str | None = None
    """The action's title (None for other kinds, and for an item private to the partner)."""

    @property
    def mark(self) -> str:
        """`OVERDUE_MARK` or `DUE_MARK`."""
        return OVERDUE_MARK if self.overdue else DUE_MARK

    def line(self, *, with_titles: bool = False) -> str:
        """The item in one line; the title (user text, as it is) only with `with_titles`."""
        words = self.words
        if with_titles and self.title:
            words = f"{words}: {self.title}"
        return f"{self.mark:<9}  {words}"


def action_words(number: int, due_on: date, today: date) -> str:
    """ "Action #2 due 2026-11-28 (3d late)": an action named by its `#N`, never its title."""
    return f"Action #{number} due {due_on.isoformat()} ({lateness((due_on - today).days)})"


def due_items(
    journal: Journal, days: int = DUE_SOON_DAYS, today: date | None = None
) -> list[DueItem]:
    """Everything overdue, or due from today to `days` days ahead, soonest first.

    Overdue and due-soon actions, by their `#N` (`Journal.action_numbers`: the number the
    tracker and `rmjournal status` use, so a line never needs a title);
    planned sessions up to the window's end (a planned session whose day has passed is overdue:
    it still waits to be recorded as held or cancelled); the review and the check-in when their
    day falls inside the window. The partner's private actions count, without a title.
    """
    day = today or journal.today()
    last = day + timedelta(days=days)
    actions = journal.overdue(day) + journal.due_soon(days, day)
    actions.sort(key=lambda a: (a.due_on or day, a.created_at))
    numbers = journal.action_numbers() if actions else {}
    items: list[DueItem] = []
    for action in actions:
        assert action.due_on is not None
        items.append(
            DueItem(
                "action",
                action.id,
                action.due_on,
                (action.due_on - day).days,
                action.is_overdue(day),
                action_words(numbers[action.id], action.due_on, day),
                None if action.hidden else action.title,
            )
        )
    for session in journal.sessions("planned"):
        if session.date <= last:
            items.append(
                DueItem(
                    "session",
                    session.id,
                    session.date,
                    (session.date - day).days,
                    session.date < day,
                    session_heading(session, day),
                )
            )
    pair = journal.pair()
    if pair is not None:
        for kind, on, words in (
            ("review", pair.review_on, review_words),
            ("check_in", getattr(pair, "check_in_on", None), check_in_words),
        ):
            if isinstance(on, date) and day <= on <= last:
                item_kind: DueKind = "review" if kind == "review" else "check_in"
                items.append(
                    DueItem(item_kind, pair.id, on, (on - day).days, False, words((on - day).days))
                )
    items.sort(key=lambda i: (i.on, i.kind != "session"))
    return items
