"""The relationship's stages, the one next step in words, and the agreement's signature state.

A pair goes agreeing → meeting → review due → decided (closed with a check-in date, extended,
or a part two) → check-in held (lifecycle.md). The stage follows from the plan, the sessions
and the decision recorded at the review (`Journal.hold_review`, `Journal.decide`); the
dashboard names it with the one next step ("Review due in 5 days: plan it", "Check-in due:
revisit 3 commitments"), and `review --json` reports it under lifecycle.md's keys.

The agreement is signed by both partners; a signature is bound to the agreement's text
(`agreement_content`), so any change to the text withdraws both. Who has signed is read through
`agreement_signatures`, the one place that asks the approvals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Literal

from rmjournal.core.model import CHECK_INS, ROLES, CheckIn, Pair, Role
from rmjournal.text import counted

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rmjournal.core.journal import Journal
    from rmjournal.core.model import Action

Stage = Literal["agreeing", "meeting", "review_due", "closed", "extended", "part_two"]

STAGE_WORDS: dict[Stage, str] = {
    "agreeing": "agreeing",
    "meeting": "meeting",
    "review_due": "review due",
    "closed": "closed",
    "extended": "extended",
    "part_two": "part two",
}
"""A stage as people say it."""

SOON_DAYS = 14
"""The review or the check-in is "due" (named as the next step) this many days ahead."""


def stage(journal: Journal, today: date | None = None) -> Stage:
    """The pair's stage as of `today` (lifecycle.md)."""
    pair = journal.pair()
    if pair is None:
        return "agreeing"
    day = today or journal.today()
    if pair.decision == "close":
        return "closed"
    if (pair.review_on - day).days <= 0 or journal.review_is_held(pair):
        return "review_due"
    if pair.decision == "extend":
        return "extended"
    if pair.decision == "part_two":
        return "part_two"
    if not any(s.status == "held" for s in journal.sessions()):
        return "agreeing"
    return "meeting"


def _days(n: int) -> str:
    return counted(n, "day")


def _commitments(n: int) -> str:
    return counted(n, "commitment")


@dataclass(frozen=True)
class CheckInFigures:
    """The check-in a year on: when it falls and what it found so far."""

    due_on: date | None
    counts: dict[CheckIn, int]
    to_revisit: int
    """Commitments not yet revisited."""

    @property
    def held(self) -> bool:
        """Whether every commitment has been revisited (and at least one was)."""
        return self.to_revisit == 0 and sum(self.counts.values()) > 0


def check_in_figures(journal: Journal, actions: Sequence[Action] | None = None) -> CheckInFigures:
    """The check-in's date and counts (every action checked in counts, the partner's too).

    `actions` are the journal's actions when the caller has read them already (the review and
    the summary), so no item is read and opened twice."""
    pair = journal.pair()
    every = list(actions) if actions is not None else journal.actions(order="agreed")
    counts: dict[CheckIn, int] = dict.fromkeys(CHECK_INS, 0)
    for a in every:
        if a.check_in is not None:
            counts[a.check_in] += 1
    waiting = sum(
        a.check_in is None for a in every if a.kind == "commitment" and a.status != "dropped"
    )
    return CheckInFigures(pair.check_in_on if pair else None, counts, waiting)


def next_step(journal: Journal, today: date | None = None) -> str:
    """The one next step in words, e.g. "Review due in 5 days: plan it"."""
    pair = journal.pair()
    if pair is None:
        return "Set up the pair and its plan."
    day = today or journal.today()
    now = stage(journal, day)
    if now == "closed":
        return _closed_step(journal, pair, day)
    if now == "review_due":
        if journal.review_is_held(pair):
            return "Review held: decide to close, extend or start a part two"
        late = (day - pair.review_on).days
        if late > 0:
            return f"Review was due {_days(late)} ago: hold it and decide what next"
        return "Review due today: hold it and decide what next"
    sessions = journal.sessions()
    missed = [s for s in sessions if journal.is_missed(s)]
    if missed:
        return f"Session {missed[0].number} was missed: hold, move or cancel it"
    to_review = (pair.review_on - day).days
    if to_review <= SOON_DAYS:
        return f"Review due in {_days(to_review)}: plan it"
    upcoming = [s for s in sessions if s.status == "planned"]
    if upcoming:
        s = upcoming[0]
        away = (s.date - day).days
        if away == 0:
            return f"Session {s.number} is today: record it"
        return f"Session {s.number} in {_days(away)}: prepare its agenda"
    if journal.sessions_left_in_plan() <= 0:
        return f"All sessions planned are held: the review is in {_days(to_review)}"
    if not any(s.status == "held" for s in sessions):
        return "Agree the plan, sign the agreement and plan the first session (n)"
    return "Plan the next session (n)"


def _closed_step(journal: Journal, pair: Pair, day: date) -> str:
    figures = check_in_figures(journal)
    due = figures.due_on
    if figures.held:
        c = figures.counts
        return f"Check-in held: {c['kept']} kept, {c['partly']} partly, {c['not_kept']} not kept"
    if due is None:
        return "Closed"
    if day >= due - timedelta(days=SOON_DAYS):
        return f"Check-in due: revisit {_commitments(figures.to_revisit)}"
    return f"Closed: the check-in is on {due.isoformat()} (in {_days((due - day).days)})"


# ---------------------------------------------------------------------- the agreement


def agreement_content(pair: Pair) -> bytes:
    """The exact bytes a signature of the agreement covers (`approve --agreement`): a label and
    the text as stored, NFC-normalised, in UTF-8. Any change to the text changes these bytes,
    so it withdraws both signatures."""
    import unicodedata

    return b"agreement\x00" + unicodedata.normalize("NFC", pair.agreement).encode("utf-8")


@dataclass(frozen=True)
class AgreementSignatures:
    """Who has signed the agreement as it stands now."""

    signed: dict[Role, bool]
    """Each partner: a signature over the current text that verifies."""
    withdrawn: dict[Role, bool]
    """Each partner: signed an earlier text (withdrawn by a change since)."""
    reason: str | None = None
    """Why the state could not be read, if it could not (e.g. a signature that fails)."""

    @property
    def both(self) -> bool:
        """Signed by both partners."""
        return all(self.signed.values())

    def sentence(self) -> str:
        """E.g. "signed by the mentor; not yet by the mentee"."""
        if self.both:
            return "signed by both"
        parts = []
        for role in ROLES:
            if self.signed[role]:
                parts.append(f"signed by the {role}")
            elif self.withdrawn[role]:
                parts.append(f"the {role}'s signature withdrawn by a change")
            else:
                parts.append(f"not yet signed by the {role}")
        out = "; ".join(parts)
        return f"{out} ({self.reason})" if self.reason else out

    def as_dict(self) -> dict[str, object]:
        """For `review --json`: each partner signed, and both."""
        return {"mentor": self.signed["mentor"], "mentee": self.signed["mentee"], "both": self.both}


def agreement_signatures(journal: Journal) -> AgreementSignatures:
    """Who has signed the agreement as it stands now: each partner's signature (the
    `agreement` approval variant) over `agreement_content`, verified against the pinned keys."""
    from rmjournal.core.summary.approvals import approval_states, content_hash

    nobody = dict.fromkeys(ROLES, False)
    pair = journal.pair()
    if pair is None or not pair.agreement.strip():
        return AgreementSignatures(dict(nobody), dict(nobody))
    digest = content_hash(agreement_content(pair))
    states = approval_states(journal, digest, variant_name="agreement")
    signed = {r: states[r].approved for r in ROLES}
    withdrawn = {r: states[r].withdrawn is not None and not signed[r] for r in ROLES}
    refused = [f"the {r}'s: {states[r].refused}" for r in ROLES if states[r].refused]
    return AgreementSignatures(signed, withdrawn, "; ".join(refused) or None)
