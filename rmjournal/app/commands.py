"""The command palette's journal commands: every app action, findable by typing its name.

Built from one table so the palette, the help screen and the bindings never disagree; commands
that need an unlocked journal are offered only while one is open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from rmjournal.app.app import RMJournalApp


@dataclass(frozen=True)
class PaletteCommand:
    """A palette entry: title, a line of help, the action to run, whether it needs a journal."""

    title: str
    help: str
    action: str
    needs_journal: bool = True


PALETTE_COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("Go to dashboard", "Next session, overdue actions, cadence", "go('dashboard')"),
    PaletteCommand("Go to sessions", "Sessions, agendas and records", "go('sessions')"),
    PaletteCommand("Go to actions", "The follow-up tracker", "go('actions')"),
    PaletteCommand("Go to review", "The six-month review", "go('review')"),
    PaletteCommand("Go to export", "Preview and approve the shareable summary", "go('export')"),
    PaletteCommand("Search", "Full-text search of the journal", "go('search')"),
    PaletteCommand(
        "New session",
        "Plan the next session and its agenda",
        "screen_action('sessions', 'new_session')",
    ),
    PaletteCommand(
        "New action", "Agree a new action or commitment", "screen_action('actions', 'new_action')"
    ),
    PaletteCommand(
        "Export the calendar", "An .ics file of sessions and due dates", "calendar_export"
    ),
    PaletteCommand("Add a prompt of your own", "A reflection prompt for the picker", "add_prompt"),
    PaletteCommand(
        "Review merge conflicts", "Fields both copies changed, kept and other version", "conflicts"
    ),
    PaletteCommand(
        "Change your passphrase",
        "A new passphrase for you (asks for the current one)",
        "change_passphrase",
    ),
    PaletteCommand(
        "Partner's passphrase",
        "The partner sets their own passphrase to unlock this journal",
        "partner_passphrase",
    ),
    PaletteCommand("Save now", "Write every change to the file now", "save"),
    PaletteCommand("Lock now", "Save, close the journal and show the unlock screen", "lock"),
    PaletteCommand("Help: keys", "Every key and what it does", "help", needs_journal=False),
    PaletteCommand("Quit", "Save and quit", "quit", needs_journal=False),
)


class ListProvider(Provider):
    """A provider over a plain list of (title, help, callback): discovery and fuzzy search."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class JournalCommands(ListProvider):
    """Journal actions and a "Theme: …" entry for every registered theme."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("RMJournalApp", self.app)
        unlocked = app.journal_file is not None
        found: list[tuple[str, str, Callable[[], object]]] = [
            (cmd.title, cmd.help, partial(app.run_action, cmd.action))
            for cmd in PALETTE_COMMANDS
            if unlocked or not cmd.needs_journal
        ]
        for name in sorted(app.available_themes):
            found.append(
                (f"Theme: {name}", "Switch to this colour theme", partial(app.use_theme, name))
            )
        return found
