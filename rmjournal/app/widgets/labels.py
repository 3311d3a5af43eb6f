"""Words and symbols for every status the screens show, so no meaning rests on colour alone.

Each label is a symbol and a word ("! overdue", "⇄ pair"); colour is only a second hint. User
text reaches the screen through `literal()` here too, and the partner's private items through
`PRIVATE_PLACEHOLDER`, which never carries content.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text

from rmjournal.app.widgets.literal import literal
from rmjournal.core.due import long_date as long_date  # noqa: PLC0414 - the screens import it here
from rmjournal.core.model import Action, ActionStatus, Outcome, SessionStatus, Visibility

VISIBILITY = {
    "private": ("⊘", "private"),
    "pair": ("⇄", "pair"),
    "shareable": ("↗", "shareable"),
}
"""Visibility level → (symbol, word)."""

ACTION_STATUS = {
    "open": ("○", "open"),
    "in_progress": ("◐", "in progress"),
    "done": ("✓", "done"),
    "dropped": ("✗", "dropped"),
}

OUTCOME = {
    "open": ("·", "open"),
    "discussed": ("✓", "discussed"),
    "carried_over": ("→", "carried over"),
    "dropped": ("✗", "dropped"),
}

SESSION_STATUS = {
    "planned": ("○", "planned"),
    "held": ("✓", "held"),
    "cancelled": ("✗", "cancelled"),
}

OWNER_WORDS = {"mentor": "mentor", "mentee": "mentee", "both": "both"}

PRIVATE_PLACEHOLDER = "⊘ private — your partner's item"
"""Shown in place of an item private to the partner: that it exists, nothing of what it says."""


def _pair(symbol: str, word: str, style: str = "") -> Text:
    return Text(f"{symbol} {word}", style=style)


def visibility_label(visibility: Visibility | str) -> Text:
    """The visibility as symbol and word, e.g. "⇄ pair"."""
    symbol, word = VISIBILITY.get(visibility, ("?", visibility))
    return _pair(symbol, word, "bold" if visibility == "private" else "")


def outcome_label(outcome: Outcome | str) -> Text:
    """An agenda item's outcome as symbol and word."""
    symbol, word = OUTCOME.get(outcome, ("?", outcome))
    return _pair(symbol, word, "dim" if outcome == "dropped" else "")


def session_status_label(status: SessionStatus | str) -> Text:
    """A session's status as symbol and word."""
    symbol, word = SESSION_STATUS.get(status, ("?", status))
    return _pair(symbol, word)


def status_word(status: ActionStatus | str) -> str:
    """An action status in words ("in progress")."""
    return ACTION_STATUS.get(status, ("?", status))[1]


def status_label(status: ActionStatus | str) -> Text:
    """An action status as symbol and word, without the overdue marker (e.g. in the log)."""
    symbol, word = ACTION_STATUS.get(status, ("?", status))
    return _pair(symbol, word)


def action_state(action: Action, today: date) -> str:
    """Where an action stands for sorting and filters: overdue, due soon, or its status."""
    if action.is_overdue(today):
        return "overdue"
    if action.is_due_soon(today):
        return "due soon"
    return action.status


def action_status_label(action: Action, today: date) -> Text:
    """An action's status with "! overdue" or "» due soon" put first where it applies."""
    state = action_state(action, today)
    if state == "overdue":
        return Text("! OVERDUE", style="bold reverse")
    if state == "due soon":
        return Text("» due soon", style="bold")
    symbol, word = ACTION_STATUS.get(action.status, ("?", action.status))
    return _pair(symbol, word, "dim" if action.status in ("done", "dropped") else "")


def due_text(due: date | None, today: date) -> str:
    """A due date with how far off it is: "2026-07-01 (19 days late)", "today", "in 3 days"."""
    if due is None:
        return "no date"
    days = (due - today).days
    if days == 0:
        when = "today"
    elif days == 1:
        when = "tomorrow"
    elif days > 0:
        when = f"in {days} days"
    elif days == -1:
        when = "1 day late"
    else:
        when = f"{-days} days late"
    return f"{due.isoformat()} ({when})"


def due_short(due: date | None, today: date) -> str:
    """A due date for a table cell: "20 Jun, 30d late", "25 Jul, in 5d", "today", "no date"."""
    if due is None:
        return "no date"
    days = (due - today).days
    day = f"{due.day} {due:%b}" + (f" {due.year}" if due.year != today.year else "")
    if days == 0:
        return f"{day}, today"
    return f"{day}, {-days}d late" if days < 0 else f"{day}, in {days}d"


def user_text(text: str, *, hidden: bool = False, empty: str = "—", style: str = "") -> Text:
    """User text shown literally; the private placeholder if hidden; `empty` if blank."""
    if hidden:
        return Text(PRIVATE_PLACEHOLDER, style="italic")
    if not text.strip():
        return Text(empty, style="dim")
    return literal(text, style)


PHASE_CHOICES = [
    ("before", "before a session"),
    ("after", "after a session"),
    ("review", "at review"),
]
"""A reflection prompt's phases, as the prompt dialogs offer them."""
FOR_CHOICES = [("mentor", "for the mentor"), ("mentee", "for the mentee"), ("both", "for anyone")]
"""Whom a reflection prompt is for, as the prompt dialogs offer them."""
