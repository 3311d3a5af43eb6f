"""Opportunities: shadowing, board seats, introductions and speaking slots one partner offers.

What the seeds' mentors value most ("the opportunity to shadow and sit alongside Sarah at senior
leadership team meetings") has a record of its own: who offered it, when, whether it was taken
up and what came of it. Its title and outcome are sealed when it is private, like any item; the
review counts every opportunity (the partner's private ones too), the summary shows only the
shareable ones.
"""

from __future__ import annotations

from datetime import date

from rmjournal.core.errors import JournalError
from rmjournal.core.fields import to_record
from rmjournal.core.journal.rows import UNSET, Part, Row, check
from rmjournal.core.model import (
    OPPORTUNITY_STATUSES,
    ROLES,
    VISIBILITIES,
    Opportunity,
    OpportunityStatus,
    Role,
    Visibility,
)


class Opportunities(Part):
    """The pair's log of opportunities offered."""

    def _opportunity(self, r: Row) -> Opportunity:
        p, hidden = self._records.open("opportunities", r)
        return to_record(Opportunity, "opportunities", p, hidden=hidden)

    def opportunities(self) -> list[Opportunity]:
        """Every opportunity, in the order they were offered."""
        rows = self._records.select("opportunities", order="offered_on, created_at, rowid")
        return [self._opportunity(r) for r in rows]

    def opportunity(self, opportunity_id: str) -> Opportunity:
        """One opportunity by id."""
        return self._opportunity(self._records.live("opportunities", opportunity_id, "opportunity"))

    def add_opportunity(
        self,
        title: str,
        *,
        offered_by: Role,
        on: date | None = None,
        status: OpportunityStatus = "offered",
        outcome: str | None = None,
        visibility: Visibility = "pair",
    ) -> Opportunity:
        """Log an opportunity one partner offered the other (today unless `on`)."""
        if not title.strip():
            raise JournalError("An opportunity needs a title, e.g. 'Shadow the board meeting'.")
        check(offered_by, ROLES, "Who offered it")
        check(status, OPPORTUNITY_STATUSES, "An opportunity's status")
        check(visibility, VISIBILITIES, "Visibility")
        row = {
            **self._records.base(),
            "title": title.strip(),
            "offered_by": offered_by,
            "offered_on": (on or self.today()).isoformat(),
            "status": status,
            "visibility": visibility,
            "outcome": outcome,
        }
        self._records.put("opportunities", row)
        return self.opportunity(row["id"])

    def update_opportunity(
        self,
        opportunity_id: str,
        *,
        status: OpportunityStatus | None = None,
        outcome: str | None = UNSET,
        title: str | None = None,
        visibility: Visibility | None = None,
    ) -> Opportunity:
        """Say whether it was taken up, and what came of it (or retitle it)."""
        fields: Row = {}
        if status is not None:
            check(status, OPPORTUNITY_STATUSES, "An opportunity's status")
            fields["status"] = status
        if outcome is not UNSET:
            fields["outcome"] = outcome
        if title is not None:
            if not title.strip():
                raise JournalError("An opportunity needs a title.")
            fields["title"] = title.strip()
        if visibility is not None:
            check(visibility, VISIBILITIES, "Visibility")
            fields["visibility"] = visibility
        self._records.update("opportunities", opportunity_id, "opportunity", **fields)
        return self.opportunity(opportunity_id)
