"""How the command line names things: SESSION numbers, ITEM numbers or ids, ACTION ids or `#N`.

One set of rules for every command (docs/cli.md): a session is its number; an agenda item is its
number within its session as `show` prints it, or its id or a unique prefix of it (6 or more
characters); an action is its id, a unique prefix (6 or more), or `#N` as `actions` numbers it.
Numbers count every item, the partner's private ones included, so both partners see the same
numbers. Every miss is a `NotFound` or `UsageError` sentence saying what exists.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rmjournal.core.errors import NotFound, UsageError
from rmjournal.text import one_line

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal
    from rmjournal.core.model import Action, AgendaItem, Goal, Session

MIN_PREFIX = 6
"""The shortest id prefix taken: shorter ones match too much by chance."""


def session_by_number(journal: Journal, number: int) -> Session:
    """The session with this number, or a sentence saying which numbers exist."""
    if (session := journal.session_numbered(number)) is not None:
        return session
    last = journal.last_session()
    known = f"sessions 1 to {last.number}" if last is not None else "no sessions yet"
    raise NotFound(f"There is no session {number} in this journal (it has {known}).")


def _by_prefix(ids: list[str], ref: str, what: str) -> str:
    ref = ref.strip().lower()
    if len(ref) < MIN_PREFIX:
        raise UsageError(
            f"“{one_line(ref, 40)}” is too short to name {what}; "
            f"give its number or at least {MIN_PREFIX} characters of its id."
        )
    found = [i for i in ids if i.lower().startswith(ref)]
    if not found:
        raise NotFound(f"There is no {what} whose id starts with “{one_line(ref, 40)}”.")
    if len(found) > 1:
        raise UsageError(
            f"“{one_line(ref, 40)}” starts the ids of {len(found)} {what}s; give more characters."
        )
    return found[0]


def id_by_prefix(ids: list[str], ref: str, what: str) -> str:
    """The one id of `ids` that `ref` starts (6 or more characters), or a sentence."""
    return _by_prefix(ids, ref, what)


def agenda_item(journal: Journal, session: Session, ref: str) -> tuple[int, AgendaItem]:
    """The agenda item `ref` names in `session` (number or id prefix), with its number."""
    items = journal.agenda(session.id)
    text = ref.strip()
    if text.isdigit() and len(text) <= 6:
        number = int(text)
        if 1 <= number <= len(items):
            return number, items[number - 1]
        count = len(items)
        has = f"items 1 to {count}" if count else "no agenda items yet"
        raise NotFound(f"Session {session.number} has no item {number} (it has {has}).")
    wanted = _by_prefix([i.id for i in items], text, "agenda item")
    for number, item in enumerate(items, 1):
        if item.id == wanted:
            return number, item
    raise NotFound(f"Session {session.number} has no such item.")  # pragma: no cover


def action(journal: Journal, ref: str) -> tuple[int, Action]:
    """The action `ref` names (`#N`, or `N` as agenda items and goals are named; or an id or
    a unique id prefix), with its number. A bare number is shorter than any id prefix."""
    everything = journal.actions(order="agreed")
    text = ref.strip()
    if text.startswith("#") or (text.isdigit() and len(text) < MIN_PREFIX):
        digits = text.removeprefix("#")
        if not digits.isdigit() or len(digits) > 6:
            raise UsageError(f"“{one_line(text, 40)}” is not an action number like #3.")
        number = int(digits)
        if 1 <= number <= len(everything):
            return number, everything[number - 1]
        has = f"#1 to #{len(everything)}" if everything else "no actions yet"
        raise NotFound(f"There is no action #{number} (the journal has {has}).")
    wanted = _by_prefix([a.id for a in everything], text, "action")
    for number, found in enumerate(everything, 1):
        if found.id == wanted:
            return number, found
    raise NotFound("There is no such action.")  # pragma: no cover


def goal(journal: Journal, ref: str) -> Goal:
    """The goal `ref` names: its number in the order goals were written, or an id prefix."""
    goals = journal.goals()
    text = ref.strip()
    if text.isdigit() and len(text) <= 6:
        number = int(text)
        if 1 <= number <= len(goals):
            return goals[number - 1]
        has = f"goals 1 to {len(goals)}" if goals else "no goals yet"
        raise NotFound(f"There is no goal {number} (the journal has {has}).")
    wanted = _by_prefix([g.id for g in goals], text, "goal")
    return next(g for g in goals if g.id == wanted)


def session_state(session: Session, today: date, cadence_days: int) -> str:
    """planned, held, cancelled, or missed: planned, not held, and more than half a cadence
    in the past (lifecycle.md)."""
    if session.status == "planned" and (today - session.date).days > cadence_days / 2:
        return "missed"
    return session.status
