"""The command palette's journal commands: every app action and job, findable by its name.

Built from one table so the palette, the help screen and the bindings never disagree; commands
that need an unlocked journal are offered only while one is open. The palette holds the
product's own commands and themes only: none of Textual's widget commands or built-in themes.
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
    """An app action string (`run_action`), or a job name from `rmjournal.app.jobs.JOBS`."""
    needs_journal: bool = True
    job: bool = False


PALETTE_COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("Go to dashboard", "Next session, overdue actions, cadence", "go('dashboard')"),
    PaletteCommand("Go to sessions", "Sessions, agendas and records", "go('sessions')"),
    PaletteCommand("Go to actions", "The follow-up tracker", "go('actions')"),
    PaletteCommand("Go to review", "The six-month review", "go('review')"),
    PaletteCommand("Go to export", "Preview and approve the shareable summary", "go('export')"),
    PaletteCommand("Search", "Full-text search of the journal", "go('search')"),
    PaletteCommand(
        "Go to the relationship",
        "The agreement and the plan, goals, opportunities, the review's decision, the check-in",
        "go('relationship')",
    ),
    # The decision and the check-in by the words a pair would type ("close", "part two",
    # "check-in"): the palette matches titles only, and "Go to the relationship" has none of them.
    PaletteCommand(
        "Decide at the review: close, extend or a part two",
        "The review's decision (marks the review held if it is not yet)",
        "screen_action('relationship', 'decide')",
    ),
    PaletteCommand(
        "Check-in a year on",
        "Revisit each commitment once the pair has closed",
        "screen_action('relationship', 'check_in')",
    ),
    PaletteCommand(
        "New session",
        "Plan the next session and its agenda",
        "screen_action('sessions', 'new_session')",
    ),
    PaletteCommand(
        "New action", "Agree a new action or commitment", "screen_action('actions', 'new_action')"
    ),
    PaletteCommand(
        "Approve the summary",
        "Approve the shareable summary as it stands (on the Export screen)",
        "screen_action('export', 'approve_mine')",
    ),
    PaletteCommand(
        "Scheme return",
        "What the content-free scheme return holds; approve it (from the Export screen)",
        "screen_action('export', 'scheme_return')",
    ),
    PaletteCommand(
        "Merge another copy",
        "Merge the partner's or a synced copy of this journal into it",
        "merge",
        job=True,
    ),
    PaletteCommand(
        "Back up now",
        "Save, then write an encrypted copy and check that it opens",
        "backup",
        job=True,
    ),
    PaletteCommand(
        "Export the journal as JSON",
        "Everything, as the JSON interchange document (a plaintext file)",
        "export_json",
        job=True,
    ),
    PaletteCommand(
        "Import a JSON document",
        "Check a JSON interchange document, then merge it into this journal",
        "import_json",
        job=True,
    ),
    PaletteCommand(
        "New recovery key",
        "Replace your recovery key; the old one stops working",
        "recovery_key",
        job=True,
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
        "The partner's own key slot: they set a passphrase to unlock this journal",
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


def product_themes(app: RMJournalApp) -> list[str]:
    """The bundled themes and the user's own, by name (not Textual's built-in ones)."""
    from rmjournal.app.themes import BUNDLED_NAMES

    names = set(BUNDLED_NAMES) | {theme.name for theme in app.options.user_themes.themes}
    return sorted(name for name in names if name in app.available_themes)


class JournalCommands(ListProvider):
    """Journal actions and jobs, and a "Theme: …" entry for each of the product's themes."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from rmjournal.app.jobs import run_job

        app = cast("RMJournalApp", self.app)
        unlocked = app.journal_file is not None
        found: list[tuple[str, str, Callable[[], object]]] = [
            (
                cmd.title,
                cmd.help,
                partial(run_job, app, cmd.action)
                if cmd.job
                else partial(app.run_action, cmd.action),
            )
            for cmd in PALETTE_COMMANDS
            if unlocked or not cmd.needs_journal
        ]
        for name in product_themes(app):
            found.append(
                (f"Theme: {name}", "Switch to this colour theme", partial(app.use_theme, name))
            )
        return found
