"""Drafts in the app: the dialogs keep what is typed, and the app offers it back.

A dialog opened at a *place* (`FormDialog.keep_drafts_at`) keeps its fields as a draft in the
journal a moment after each change (`DRAFT_DELAY`), sealed for the person (`core/journal/
drafts.py`); the autosave then writes it with the journal. A lock, a hang-up, a crash and
Escape's "keep as a draft" keep it at once (`Keeper.keep_typing`). Opening the same place again
offers the draft back; so does unlocking, for every draft the person has, and
`draft_places.open_place` goes back to where a draft was typed and opens its dialog with the
text in it (kept apart: this module is imported by the dialogs, that one imports the screens).

Places are words and ids: `entry:new:<session id>`, `entry:edit:<entry id>`,
`topic:new:<session id>`, `topic:edit:<item id>`, `action:new:<session id or "">`,
`action:edit:<action id>`, `followup:<action id>`, `prompt:new`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.app import App

    from rmjournal.core.journal import Journal
    from rmjournal.core.journal.drafts import Draft

DRAFT_DELAY = 0.4
"""Seconds after the last change before a dialog keeps its draft (typing is not kept key by
key; a lock, hang-up, crash or Escape keeps it at once)."""

DRAFT_RETRY = 0.05
"""Seconds before trying again when a save holds the journal as the draft is due."""


class Keeper(Protocol):
    """A screen or dialog holding text the person typed, which can keep it before it closes."""

    def keep_typing(self) -> tuple[str, bool] | None:
        """Keep what was typed; (the dialog's title, whether it was kept), or None if nothing
        typed is waiting."""


def journal_of(app: App[Any]) -> Journal | None:
    """The open journal, or None while locked."""
    jf = getattr(app, "journal_file", None)
    return None if jf is None else jf.journal


def keepers(app: App[Any]) -> list[Keeper]:
    """The keepers registered with the app (each screen or dialog holding typed text)."""
    found: list[Keeper] = getattr(app, "keepers", [])
    return found


def register(app: App[Any], keeper: Keeper) -> None:
    """Register a mounted screen or dialog that holds typed text."""
    found = keepers(app)
    if keeper not in found:
        found.append(keeper)


def unregister(app: App[Any], keeper: Keeper) -> None:
    """Forget a keeper (it was closed)."""
    found = keepers(app)
    if keeper in found:
        found.remove(keeper)


def keep_all(app: App[Any]) -> tuple[list[str], list[str]]:
    """Every keeper keeps what was typed; the titles kept as drafts and those that could not be
    (a passphrase is never kept)."""
    kept: list[str] = []
    lost: list[str] = []
    for keeper in list(keepers(app)):
        try:
            done = keeper.keep_typing()
        except Exception:  # noqa: S112 - one failing keeper must not stop the others
            continue
        if done is not None:
            (kept if done[1] else lost).append(done[0])
    return kept, lost


def keep(app: App[Any], place: str, title: str, values: dict[str, str]) -> bool:
    """Keep `values` as the person's draft at `place`; whether it was kept."""
    journal = journal_of(app)
    if journal is None:
        return False
    from rmjournal.core.errors import JournalError

    try:
        journal.keep_draft(place, title, values)
    except JournalError:
        return False
    return True


def discard(app: App[Any], place: str) -> None:
    """Drop the person's draft at `place` (saved as a record, or thrown away on purpose)."""
    journal = journal_of(app)
    if journal is not None:
        journal.discard_draft_at(place)


def draft_at(app: App[Any], place: str) -> Draft | None:
    """The person's draft at `place`, if one is kept."""
    journal = journal_of(app)
    return None if journal is None else journal.draft_at(place)
