"""Time as the journal sees it: one injectable clock so every date rule can be tested.

`RMJOURNAL_NOW` (an ISO-8601 timestamp) fixes the clock for scripted tests of whole commands;
it is a test switch, not configuration, and it never holds a secret.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


class Clock:
    """The real clock, in UTC."""

    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        return datetime.now(UTC)

    def today(self) -> date:
        """Today's date in the user's local time zone (due dates are local days)."""
        return datetime.now().astimezone().date()

    def stamp(self) -> str:
        """`now()` as the ISO-8601 text stored in `created_at` / `updated_at`."""
        return self.now().isoformat(timespec="microseconds")


class FixedClock(Clock):
    """A clock that stands still (tests); `advance()` moves it on."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __repr__(self) -> str:
        return f"FixedClock({self.moment!r})"

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.date()

    def advance(self, **delta: float) -> None:
        """Move the clock forward by a `timedelta(**delta)`."""
        from datetime import timedelta

        self.moment = self.moment + timedelta(**delta)


def default_clock() -> Clock:
    """The clock for this process: fixed when `RMJOURNAL_NOW` is set, else the real one."""
    fixed = os.environ.get("RMJOURNAL_NOW")
    if fixed:
        moment = datetime.fromisoformat(fixed)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return FixedClock(moment)
    return Clock()
