"""The journal's records as immutable named tuples: the one vocabulary shared by store, CLI and app.

Field names follow the JSON interchange format (`design/interchange.md`) so that export and import
are a direct mapping. Timestamps stay as ISO-8601 text exactly as written (export must give back
the same document); dates are `datetime.date`. An item the reader may not read (the partner's
private item) arrives with `hidden=True` and its text fields empty: it exists, nothing more.

Why `NamedTuple` and not `dataclass`: a record is read, never changed in place (a change is a
call to `Journal`, which writes the row and returns a new record), and every command imports
these classes. Importing `dataclasses` (and the `inspect` it needs) and building the classes'
methods cost each command about 45 ms of its start-up, a fifth of a search at 10,000 entries
(docs/performance.md); named tuples are built almost for free. Lists become tuples to match.
There is no `from __future__ import annotations` here on purpose: `NamedTuple` compiles every
field's annotation that is a string (about 100 small compiles, 3 ms of every command).
"""

from datetime import date
from typing import Literal, NamedTuple, get_args

Role = Literal["mentor", "mentee"]
Owner = Literal["mentor", "mentee", "both"]
Visibility = Literal["private", "pair", "shareable"]
SessionStatus = Literal["planned", "held", "cancelled"]
Outcome = Literal["open", "discussed", "carried_over", "dropped"]
EntryKind = Literal["note", "reflection", "learning"]
ActionKind = Literal["action", "commitment"]
ActionStatus = Literal["open", "in_progress", "done", "dropped"]
Phase = Literal["before", "after", "review"]
PromptFor = Literal["mentor", "mentee", "both"]
GoalStatus = Literal["open", "achieved", "partly", "not_achieved"]
CheckIn = Literal["kept", "partly", "not_kept"]
OpportunityStatus = Literal["offered", "taken", "declined"]
Decision = Literal["close", "extend", "part_two"]

ROLES: tuple[Role, ...] = get_args(Role)
OWNERS: tuple[Owner, ...] = get_args(Owner)
VISIBILITIES: tuple[Visibility, ...] = get_args(Visibility)
SESSION_STATUSES: tuple[SessionStatus, ...] = get_args(SessionStatus)
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
ENTRY_KINDS: tuple[EntryKind, ...] = get_args(EntryKind)
ACTION_KINDS: tuple[ActionKind, ...] = get_args(ActionKind)
ACTION_STATUSES: tuple[ActionStatus, ...] = get_args(ActionStatus)
PHASES: tuple[Phase, ...] = get_args(Phase)
PROMPT_FOR: tuple[PromptFor, ...] = get_args(PromptFor)
GOAL_STATUSES: tuple[GoalStatus, ...] = get_args(GoalStatus)
CHECK_INS: tuple[CheckIn, ...] = get_args(CheckIn)
OPPORTUNITY_STATUSES: tuple[OpportunityStatus, ...] = get_args(OpportunityStatus)
DECISIONS: tuple[Decision, ...] = get_args(Decision)

OPEN_STATUSES: tuple[ActionStatus, ...] = ("open", "in_progress")
"""Action statuses that still need follow-through (carried into the next agenda)."""

DUE_SOON_DAYS = 7
"""An open action due from today to this many days ahead is "due soon" (`Action.is_due_soon`)."""

VISIBILITY_CYCLE: dict[Visibility, Visibility] = {
    "pair": "shareable",
    "shareable": "private",
    "private": "pair",
}
"""The next visibility when a person cycles an item's: pair → shareable → private → pair."""

STATUS_WORDS: dict[ActionStatus, str] = {
    "open": "open",
    "in_progress": "in progress",
    "done": "done",
    "dropped": "dropped",
}
"""An action status as people say it."""

OUTCOME_WORDS: dict[Outcome, str] = {
    "open": "open",
    "discussed": "discussed",
    "carried_over": "carried over",
    "dropped": "dropped",
}
"""An agenda item's outcome as people say it."""


def other_role(role: Role) -> Role:
    """The partner of `role`."""
    return "mentee" if role == "mentor" else "mentor"


class Person(NamedTuple):
    """One partner as the pair describes them: name, job title, staff network."""

    name: str
    role: str = ""
    network: str | None = None


class Pair(NamedTuple):
    """The pair and its plan: who, since when, how often, how many sessions, when to review."""

    id: str
    title: str
    mentor: Person
    mentee: Person
    started_on: date
    cadence_days: int
    planned_sessions: int
    review_on: date
    agreement: str = ""
    phase: int = 1
    """1 for the first pairing; a part two (`Journal.decide`) makes it 2, and so on."""
    review_held_on: date | None = None
    """The day this phase's review was held (an event, not only a date on the plan)."""
    decision: Decision | None = None
    """What the pair decided at the review: close, extend, or start a part two."""
    decided_on: date | None = None
    check_in_on: date | None = None
    """When the check-in that revisits every commitment is due (set by a decision to close)."""
    phase_started_on: date | None = None
    """The day the current phase began (None: the pair's start)."""

    def person(self, role: Role) -> Person:
        """The partner holding `role`."""
        return self.mentor if role == "mentor" else self.mentee


class Goal(NamedTuple):
    """What one side wants from the pairing."""

    id: str
    owner: Role
    text: str
    visibility: Visibility
    created_at: str
    updated_at: str
    hidden: bool = False
    status: GoalStatus = "open"
    status_note: str | None = None
    links: tuple[str, ...] = ()
    """The ids of the actions, entries and agenda items linked to it by choice (a tag never
    links)."""


class Session(NamedTuple):
    """One meeting of the pair, planned, held or cancelled."""

    id: str
    number: int
    date: date
    status: SessionStatus
    created_at: str
    updated_at: str
    duration_minutes: int | None = None
    place: str | None = None
    time: str | None = None
    """The time of day it starts, "HH:MM" (local time), if the pair set one."""


def joined_notes(mentor: str, mentee: str) -> str:
    """Both partners' notes on one agenda item as one text: one side's alone if the other wrote
    nothing (so an item only one person took notes on reads as it always did), else both under
    a heading each."""
    if not mentee.strip():
        return mentor
    if not mentor.strip():
        return mentee
    return f"Mentor's notes:\n{mentor}\n\nMentee's notes:\n{mentee}"


class AgendaItem(NamedTuple):
    """A topic on a session's agenda, with its notes and outcome.

    Each partner keeps their own notes on an item (`mentor_notes`, `mentee_notes`); `notes` is
    both joined (`joined_notes`), for what shows or exports one text. `author` is who put the
    item on the agenda. `carried_from` names the unfinished item of an earlier session it
    continues; `action_id` names the open action it follows up (an addition to interchange v1:
    optional fields).
    """

    id: str
    session_id: str
    position: int
    topic: str
    raised_by: Role
    notes: str
    outcome: Outcome
    visibility: Visibility
    created_at: str
    updated_at: str
    minutes: int | None = None
    carried_from: str | None = None
    action_id: str | None = None
    prompt: str | None = None
    hidden: bool = False
    mentor_notes: str = ""
    mentee_notes: str = ""
    author: Role = "mentor"
    partner_notes: str | None = None
    """As stored: the notes of the partner who did not put the item on the agenda."""

    def notes_of(self, role: Role) -> str:
        """The notes `role` wrote on this item."""
        return self.mentor_notes if role == "mentor" else self.mentee_notes


class Entry(NamedTuple):
    """A note, reflection or learning written in a session, maybe against a reflection prompt."""

    id: str
    session_id: str
    kind: EntryKind
    author: Role
    text: str
    visibility: Visibility
    created_at: str
    updated_at: str
    prompt: str | None = None
    tags: tuple[str, ...] = ()
    hidden: bool = False


class FollowUp(NamedTuple):
    """One dated step in an action's follow-up log, with the status it left the action in."""

    id: str
    action_id: str
    on: date
    author: Role
    status: ActionStatus
    note: str
    session: str | None = None
    hidden: bool = False


class Action(NamedTuple):
    """Something agreed: an action, or a commitment the mentee makes personally."""

    id: str
    title: str
    detail: str
    kind: ActionKind
    owner: Owner
    status: ActionStatus
    visibility: Visibility
    created_at: str
    updated_at: str
    agreed_in: str | None = None
    due_on: date | None = None
    closed_on: date | None = None
    tags: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    author: Role = "mentor"
    hidden: bool = False
    agreed_on: date | None = None
    """The day it was agreed: its session's date when `agreed_in`, else the day it was written.
    The review's figures count from it; nothing is closed before it."""
    check_in: CheckIn | None = None
    """At the check-in a year on: was it kept, partly kept, or not kept?"""
    check_in_note: str | None = None
    """The evidence given at the check-in."""
    checked_in_on: date | None = None

    @property
    def agreed_day(self) -> date:
        """`agreed_on`, or the day the action was written when a record lacks it."""
        return self.agreed_on or date.fromisoformat(self.created_at[:10])

    @property
    def is_open(self) -> bool:
        """Still needs follow-through (open or in progress)."""
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        """Open with a due date that has passed."""
        return self.is_open and self.due_on is not None and self.due_on < today

    def is_due_soon(self, today: date, days: int = DUE_SOON_DAYS) -> bool:
        """Open and due from `today` to `days` days ahead (the one meaning of "due soon")."""
        return self.is_open and self.due_on is not None and 0 <= (self.due_on - today).days <= days


class Opportunity(NamedTuple):
    """A shadowing place, board seat, introduction or speaking slot one partner offered the
    other: when, whether it was taken up, and what came of it."""

    id: str
    title: str
    offered_by: Role
    offered_on: date
    status: OpportunityStatus
    visibility: Visibility
    created_at: str
    updated_at: str
    outcome: str | None = None
    """What came of it."""
    author: Role = "mentor"
    hidden: bool = False


class PlanChange(NamedTuple):
    """One recorded change to the plan or the agreement: who, when, from what to what."""

    at: str
    by: Role
    field: str
    old: str | None
    new: str | None


class ReviewItems(NamedTuple):
    """Everything this reader may read that the review and the summary are made of, read once.

    The partner's private items are in it as `hidden` (the review counts them, never shows
    them); `shareable()` picks what a summary may show.
    """

    sessions: tuple[Session, ...]
    goals: tuple[Goal, ...]
    actions: tuple[Action, ...]
    """In the order they were agreed."""
    entries: tuple[Entry, ...]
    """Every kind, in the order they were written."""
    agenda: tuple[AgendaItem, ...]

    @staticmethod
    def shareable(item: Goal | Action | Entry | AgendaItem) -> bool:
        """Whether a summary may show `item`: marked shareable (so never the partner's private)."""
        return item.visibility == "shareable" and not item.hidden


class Prompt(NamedTuple):
    """A reflection prompt for a phase (before / after / review) and a person (or both)."""

    id: str
    phase: Phase
    for_: PromptFor
    text: str
    pack: str
    builtin: bool = False


class SearchHit(NamedTuple):
    """One search result: what it is, where it lives, and a plain-text snippet around the match."""

    kind: str
    id: str
    title: str
    snippet: str
    when: date | None
    session_id: str | None = None
    action_id: str | None = None
