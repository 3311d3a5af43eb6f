"""The Textual app: modes per content screen, fixed keys, themes, autosave and locking.

While locked only the "locked" mode exists (unlock / create screens); unlocking adds one mode per
content screen (`d`, `s`, `a`, `r`, `e`, `/` switch between them) and locking removes them all,
so no screen holding journal text survives a lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive, var
from textual.screen import Screen
from textual.worker import WorkerFailed

from rmjournal.app import drafts, keyorder, session
from rmjournal.app.autosave import Autosave, keep_large_buffers, share_one_arena
from rmjournal.app.commands import JournalCommands
from rmjournal.app.config import Config, LoadedConfig
from rmjournal.app.screens.help import HelpScreen, KeyRow, key_pages
from rmjournal.app.screens.unlock import UnlockScreen
from rmjournal.app.themes import FALLBACK_THEME, UserThemes, bundled_themes
from rmjournal.core.clock import Clock
from rmjournal.core.errors import ChangedOnDisk, JournalError
from rmjournal.text import plain

if TYPE_CHECKING:
    from rmjournal.app.screens.base import JournalScreen
    from rmjournal.app.screens.create import CreateScreen
    from rmjournal.app.screens.session_page import SessionPage
    from rmjournal.core.journal import Journal
    from rmjournal.core.journalfile import JournalFile


def _lazy_screen(module: str, name: str) -> Callable[[Journal], JournalScreen]:
    """A factory that imports `rmjournal.app.screens.<module>` only when the screen is built."""

    def build(journal: Journal) -> JournalScreen:
        screen_class: type[JournalScreen] = getattr(
            importlib.import_module(f"rmjournal.app.screens.{module}"), name
        )
        return screen_class(journal)

    build.__qualname__ = build.__name__ = name
    return build


CONTENT_SCREENS: dict[str, Callable[[Journal], JournalScreen]] = {
    "dashboard": _lazy_screen("dashboard", "DashboardScreen"),
    "sessions": _lazy_screen("sessions", "SessionsScreen"),
    "actions": _lazy_screen("actions", "ActionsScreen"),
    "review": _lazy_screen("review", "ReviewScreen"),
    "export": _lazy_screen("export", "ExportScreen"),
    "search": _lazy_screen("search", "SearchScreen"),
    "relationship": _lazy_screen("relationship", "RelationshipScreen"),
}
"""Mode name → content screen factory; each is built with the open `Journal` on first visit.

The screens' modules (and the summary, review and merge code behind them) are imported only
then, so starting the app to the unlock prompt loads just the unlock screen's modules.
"""

FIRST_SCREEN_MODULE = "rmjournal.app.screens.dashboard"
"""Imported by the unlock worker thread after decryption, so the UI thread does not pay for it."""

LOCKED_MODE = "locked"
"""The mode whose base is the unlock screen; the only mode that exists while locked."""

ACTIVITY_EVENTS = (
    events.Key,
    events.Paste,
    events.MouseDown,
    events.MouseScrollDown,
    events.MouseScrollUp,
)

CRASH_MESSAGE = (
    "rmjournal stopped because of an unexpected problem ({kind}). "
    "No journal text or secrets were printed. What you were typing was kept as a draft and "
    "saved if the journal could still be written (it is offered back when you unlock); "
    "your journal file itself is intact. Please report the problem name above."
)

SIGHUP: int | None = getattr(signal, "SIGHUP", None)
"""The terminal-closed signal (Windows has none)."""

HANG_UP_SIGNALS = tuple(s for s in (SIGHUP, signal.SIGTERM) if s is not None)
"""The terminal closed, or the app was told to stop: keep what was typed, save, then exit."""


@dataclass
class AppOptions:
    """Everything `make_app()` decides before the app starts (paths, clock, settings)."""

    path: Path | None
    data_dir: Path
    config_dir: Path
    loaded_config: LoadedConfig
    user_themes: UserThemes
    clock: Clock | None = None
    allow_test_kdf: bool = False
    unlock_hint: str = ""
    """Shown on the unlock screen: `rmjournal demo` puts the demo's public passphrases here."""
    autosave_delay: float = 2.0
    tick_seconds: float = 0.25
    monotonic: Callable[[], float] = time.monotonic
    """Seconds for the idle lock and autosave debounce; tests pass one they can move on."""


def drop_closed_watchers(watched: object) -> None:
    """Drop the entries of closed widgets from `watched`'s watchers, as Textual itself does
    when a watched attribute changes (its `__watchers`, filtered on `_closing`: Textual is
    pinned exactly)."""
    for entries in getattr(watched, "__watchers", {}).values():
        entries[:] = [(node, callback) for node, callback in entries if not node._closing]  # noqa: SLF001


def title_of(jf: JournalFile) -> str:
    """The header's words while a journal is open: the pair, and which file is open (a backup or
    another copy must never pass for the journal)."""
    pair = plain(session.pair_title(jf))
    where = plain(jf.path.name)
    return f"{pair} · {where}" if pair else where


def lock_words(kept: list[str], lost: list[str]) -> str:
    """What the lock message adds about dialogs that were open: kept as drafts, or not kept."""
    words = ""
    if kept:
        names = ", ".join(f"“{plain(title)}”" for title in kept)
        words += (
            f" What you were typing in {names} is kept as a draft: it is offered back when "
            "you unlock."
        )
    if lost:
        names = ", ".join(f"“{plain(title)}”" for title in lost)
        words += f" {names} was closed; what was typed there (a passphrase) is never kept."
    return words


def _content_screen() -> type:
    """The content screens' base class (imported late: the unlock path does not need it)."""
    from rmjournal.app.screens.base import JournalScreen

    return JournalScreen


def _text_area() -> type:
    """Textual's multi-line editor (a session's notes): never focused by a mode's key."""
    from textual.widgets import TextArea

    return TextArea


class RMJournalApp(App[None]):
    """The rmjournal terminal app."""

    CSS_PATH = "app.tcss"
    TITLE = "rmjournal"
    COMMANDS: ClassVar = {JournalCommands}  # the product's commands only, not Textual's
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "go('dashboard')", "Dashboard", id="go.dashboard"),
        Binding("s", "go('sessions')", "Sessions", id="go.sessions"),
        Binding("a", "go('actions')", "Actions", id="go.actions"),
        Binding("r", "go('review')", "Review", id="go.review"),
        Binding("e", "go('export')", "Export", id="go.export"),
        Binding("slash", "go('search')", "Search", id="go.search"),
        Binding("ctrl+s", "save", "Save now", show=False, id="app.save"),
        Binding("ctrl+l", "lock", "Lock", priority=True, id="app.lock"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit_anywhere"),
        # Tab moves the focus before the next key is handed on. As Textual ships it (a binding
        # of each screen), the field being left had to see Tab first, so keys typed quickly
        # after it (or arriving in one read: autotype, a paste without bracketed paste) went
        # into that field: "Accents<Tab><Tab>7" gave the topic "Accents7" and no time box. No
        # widget of ours takes Tab itself (no text area indents with it).
        Binding("tab", "focus_next", "Next field", show=False, priority=True, id="app.focus_next"),
        Binding(
            "shift+tab",
            "focus_previous",
            "Previous field",
            show=False,
            priority=True,
            id="app.focus_previous",
        ),
    ]

    save_state: var[str] = var("saved")
    """"saved", "unsaved", "saving" or "failed": shown in words on every content screen.

    A `var`, not a repainting `reactive`: the status lines watch it and redraw their one line,
    whereas an app-level repaint redrew the whole screen (and, under a dialog, the dimmed screen
    behind it) twice per save, while the person was typing."""

    who_label: reactive[str] = reactive("")
    """Who unlocked, for the status line (e.g. "You: mentor")."""

    def __init__(self, options: AppOptions) -> None:
        share_one_arena()  # before the app starts its threads (see autosave)
        super().__init__()
        self.options = options
        self.config: Config = options.loaded_config.config
        self.clock = options.clock
        self.allow_test_kdf = options.allow_test_kdf
        self.journal_file: JournalFile | None = None
        self.lock_timeout = max(self.config.lock_timeout_minutes * 60.0, 0.05)
        self.autosave = Autosave(
            delay=options.autosave_delay, lock_after=self.lock_timeout, monotonic=options.monotonic
        )
        """The save and idle-lock rules; `save_state` shows its state."""
        self.key_queue = keyorder.KeyQueue()
        """Keys handed on one at a time, each once the one before was acted on."""
        self.early_keys = keyorder.EarlyKeys(self.key_queue)
        """Keys typed while a dialog focuses its first field, handled once it has."""
        self.content_modes: set[str] = set()
        """The content modes added on unlock, all removed again on lock."""
        self._save_lock = asyncio.Lock()
        self._locking = False
        self._hung_up = False
        self.keepers: list[drafts.Keeper] = []
        """The open dialogs and screens holding typed text (`app/drafts.py`)."""
        self.restoring: str | None = None
        """The draft place being restored from the drafts offer (its dialog takes it)."""
        self._quit_unsaved_armed = False
        for theme in bundled_themes():
            self.register_theme(theme)
        for theme in options.user_themes.themes:
            self.register_theme(theme)
        if self.config.keys:
            self.set_keymap(self.config.keys)

    # ----- start -----

    def on_mount(self) -> None:
        self.use_theme(self.config.theme, quiet=True)
        problems = list(self.options.loaded_config.problems)
        if self.config.theme not in self.available_themes:
            problems.append(f"theme {self.config.theme!r} is not known; using {FALLBACK_THEME!r}")
        lines = [f"• config.toml: {p}" for p in problems]
        lines += [f"• theme {f} (not loaded)" for f in self.options.user_themes.failures]
        if lines:  # one toast naming each problem; plain text (markup=False), never markup
            self.notify(
                "\n".join(lines),
                title="Settings: using the defaults for",
                severity="warning",
                timeout=12,
                markup=False,
            )
        path = self.options.path
        missing = path is not None and not path.exists()
        unlock_path = None if missing else path
        self.unlock_screen = UnlockScreen(
            unlock_path, self.options.data_dir, self.options.unlock_hint
        )
        """The locked mode's base screen: built once, kept for the whole run."""
        self.add_mode(LOCKED_MODE, lambda: self._styled_now(self.unlock_screen))
        self.switch_mode(LOCKED_MODE)
        if missing:
            from rmjournal.app.screens.create import CreateScreen

            self.push_screen(CreateScreen(path, self.options.data_dir))
        self.set_interval(self.options.tick_seconds, self._tick)
        self._catch_hang_up()
        # While the person types the passphrase, import what unlocking needs, off the UI thread.
        self.run_worker(
            session.preload,
            thread=True,
            group="preload",
            description="import the core",
            exit_on_error=False,
        )

    def use_theme(self, name: str, *, quiet: bool = False) -> None:
        """Switch theme by name; an unknown name falls back to the default theme."""
        chosen = name if name in self.available_themes else FALLBACK_THEME
        self.theme = chosen
        if not quiet:
            self.notify(f"Theme: {chosen}", timeout=2)

    # ----- keys -----

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Journal keys only while a journal is open (they also vanish from the footer)."""
        if action in {"go", "lock", "save", "screen_action"}:
            return self.journal_file is not None and not self._locking
        return True

    async def action_go(self, mode: str) -> None:
        """Show a content screen (its state is kept between visits)."""
        if self.journal_file is None or mode not in CONTENT_SCREENS:
            return
        await self.switch_mode(mode)
        # A mode's key shows its own screen, not a sub-screen left open there: a session's
        # record is no place for the command keys typed next (its notes would take them).
        while len(self.screen_stack) > 1 and isinstance(self.screen, _content_screen()):
            keep = getattr(self.screen, "keep_typing", None)
            if keep is not None:
                keep()
            await self.pop_screen()
        if isinstance(self.screen.focused, _text_area()):  # notes are entered on purpose only
            self.screen.set_focus(None)
        self.call_after_refresh(self._hold_built)

    async def action_screen_action(self, mode: str, action: str) -> None:
        """Go to a content screen and run one of its actions, if it has it (palette commands)."""
        await self.action_go(mode)
        # A sub-screen (a session's record, an action's page) may be over the mode's own screen:
        # go back down to the screen that has the action, keeping what was being typed.
        while not hasattr(self.screen, f"action_{action}") and len(self.screen_stack) > 1:
            keep = getattr(self.screen, "keep_typing", None)
            if keep is not None:
                keep()
            await self.pop_screen()
        if hasattr(self.screen, f"action_{action}"):
            await self.screen.run_action(action)
        else:
            self.notify(f"{mode.capitalize()}: this is not available yet.", timeout=3)

    def action_help(self) -> None:
        """The product's keys, grouped by screen, opened on this screen's page."""
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(key_pages(self), start=type(self.screen)))

    def key_rows(self) -> list[KeyRow]:
        """Every help line: the keys that work everywhere, then each screen's."""
        return [row for page in key_pages(self) for row in page.rows]

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's palette commands minus Screenshot: it would write journal text to disk."""
        for command in super().get_system_commands(screen):
            if command.title != "Screenshot":
                yield command

    async def on_event(self, event: events.Event) -> None:
        """Any key or mouse use counts as activity for the idle lock; keys and pastes are
        handed on one at a time, in the order typed (`keyorder.KeyQueue`), and those typed
        while a dialog is still focusing its first field wait for it (`keyorder.EarlyKeys`)."""
        if isinstance(event, ACTIVITY_EVENTS):
            self.autosave.activity()
        if not isinstance(event, keyorder.Typed) or event.is_forwarded:
            await super().on_event(event)
            return
        if self.key_queue.stale:
            await self.key_queue.done(self)
        if not self.key_queue.admit(event) or self.early_keys.hold(self, event):
            return
        target = self.focused or (self.screen if self.screen_stack else None)
        await super().on_event(event)
        if event.is_forwarded and target is not None:  # given to a widget, not a priority key
            self.key_queue.handed_on(target)

    async def on_key_done(self, message: keyorder.KeyDone) -> None:
        """A key handed on has been acted on: the next one typed may go (`keyorder`)."""
        message.stop()
        await self.key_queue.done(self)

    # ----- unlock / create -----

    def warm_up_content(self) -> None:
        """Import the first content screen's module; called by the unlock worker thread."""
        importlib.import_module(FIRST_SCREEN_MODULE)

    def on_unlock_screen_unlocked(self, message: UnlockScreen.Unlocked) -> None:
        if message.with_recovery_key:
            self.notify(
                "Unlocked with the recovery key. Set a new passphrase now: ctrl+p, then "
                "Change your passphrase.",
                timeout=8,
            )
        self.enter_journal(message.journal_file)
        if warning := message.journal_file.rollback_warning:  # an older copy put back
            self.notify(warning, severity="warning", timeout=12, markup=False)
        if notice := message.journal_file.journal.set_aside_notice():  # rows failing checks
            self.notify(notice, severity="warning", timeout=12, markup=False)
        if warning := message.journal_file.key_warning:  # a pinned key or a slot not signed
            self.notify(warning, severity="warning", timeout=15, markup=False)

    def on_session_page_switch_page(self, message: SessionPage.SwitchPage) -> None:
        """Swap a session's agenda page and record page, keeping the highlighted item."""
        from rmjournal.app.screens.agenda import AgendaScreen
        from rmjournal.app.screens.record import RecordScreen

        page = AgendaScreen if message.page == "agenda" else RecordScreen
        self.switch_screen(page(message.journal, message.session_id, message.item_id))

    def on_create_screen_created(self, message: CreateScreen.Created) -> None:
        from rmjournal.app.dialogs.recovery import RecoveryKeyScreen

        jf = message.journal_file
        try:
            session.apply_pair_details(jf, message.details)
        except Exception as error:  # the file exists; the pair can be edited later
            self.notify(
                "The journal was created, but its details were not all stored "
                f"({type(error).__name__}).",
                severity="warning",
            )

        def shown(_: bool | None) -> None:
            self.enter_journal(jf, unsaved=True)

        self.push_screen(RecoveryKeyScreen(message.recovery_key), shown)

    def _styled_now(self, screen: Screen[Any]) -> Screen[Any]:
        """`screen`, just built and so styled with the app's current CSS, marked as such.

        Textual re-parses every stylesheet (twice, with its parse cache cleared) on a switch to
        a screen whose CSS count differs from the app's, which a new screen's always does: for
        a screen made under an older theme. A mode's screen is made when the mode is first
        shown and styled as its widgets mount, so it carries the app's count (Textual is pinned
        exactly for such hooks): the unlock prompt, the dashboard's first paint and each mode's
        first visit skip ~40-50 ms of CSS parsing. A later theme change re-styles it as usual.
        """
        screen._css_update_count = self._css_update_count  # noqa: SLF001 - see above
        return screen

    async def _replace_screen(self, screen: Screen[Any]) -> Screen[Any]:
        """Textual's (a screen popped, and removed unless a mode keeps it), then the removed
        widgets' watchers of the app dropped.

        A widget that watches the app (`Header`: `title`, `sub_title`; `TextArea`: `theme`;
        our `StatusLine`: `save_state`) is kept in the app's list of watchers, and Textual
        drops the entries of closed widgets only when that attribute next changes (Textual
        issue #6666). The title and the theme rarely change: every agenda or record page
        opened and closed stayed in memory whole, ~0.65 MB each (30 visits: +20 MB).
        """
        replaced = await super()._replace_screen(screen)
        drop_closed_watchers(self)
        return replaced

    def _mode_screen(
        self, build: Callable[[Journal], JournalScreen], journal: Journal
    ) -> Screen[Any]:
        return self._styled_now(build(journal))

    def enter_journal(self, jf: JournalFile, *, unsaved: bool = False) -> None:
        """Open the content modes on `jf` and show the dashboard (`unsaved`: save it soon)."""
        self.journal_file = jf
        keep_large_buffers()  # saves reuse their journal-sized buffers (see autosave)
        self.autosave.opened(jf.journal.changes, unsaved=unsaved)
        self._quit_unsaved_armed = False
        self.save_state = self.autosave.state
        self.who_label = f"You: {jf.vault.role}"
        self.sub_title = title_of(jf)
        for mode, build in CONTENT_SCREENS.items():
            self.add_mode(mode, partial(self._mode_screen, build, jf.journal))
            self.content_modes.add(mode)
        self.switch_mode("dashboard")
        self.call_after_refresh(self._hold_built)
        self.call_after_refresh(self.offer_drafts)
        # The hidden unlock screen keeps its busy look until the next lock resets it: resetting
        # it here re-laid its footer three times (~0.1 s) just after the dashboard appeared.
        self.refresh_bindings()

    def _hold_built(self) -> None:
        """Exempt what is built so far from the cyclic garbage collector's full passes.

        An open journal's screens (tables of thousands of rows, their styles and caches) live
        until it closes, yet every full collection walked them all while typing waited. They
        stay exempt until the journal closes (`_close_journal`).
        """
        gc.collect(1)
        gc.freeze()

    def offer_drafts(self) -> None:
        """Offer back, one at a time, what the person typed and did not save (their drafts)."""
        from rmjournal.app.dialogs.drafts import DraftChoice, DraftsOffer

        jf = self.journal_file
        if jf is None:
            return
        found = jf.journal.drafts()
        if not found:
            return

        def chosen(choice: DraftChoice) -> None:
            if choice is None or self.journal_file is not jf:
                return
            what, draft = choice
            if what == "discard":
                jf.journal.discard_draft(draft.id)
                self.notify("The draft was discarded.", timeout=3)
                self.offer_drafts()
                return
            self.run_worker(
                self._restore_draft(draft), group="drafts", description="restore a draft"
            )

        self.push_screen(DraftsOffer(found), chosen)

    async def _restore_draft(self, draft: object) -> None:
        from rmjournal.core.journal.drafts import Draft

        assert isinstance(draft, Draft)
        from rmjournal.app.draft_places import open_place

        if not await open_place(self, draft):
            self.notify(
                "Where this draft was typed is gone, so it stays kept: `rmjournal drafts` "
                "shows its text.",
                title="Draft not restored",
                severity="warning",
                timeout=10,
            )

    def _unlock_screen_reset(self, message: str, journal: Path | None = None) -> None:
        self.unlock_screen.reset(message, journal)

    # ----- autosave -----

    def _tick(self) -> None:
        """Every tick: notice new changes, save once they settle, lock when idle."""
        if self.key_queue.stale:  # keys waiting on one whose widget went away
            self.call_next(self.key_queue.done, self)
        jf = self.journal_file
        if jf is None or self._locking:
            return
        then = self.autosave.tick(jf.journal.changes)
        self.save_state = self.autosave.state
        if then == "lock":
            self.run_worker(
                self.lock(idle=True), group="lock", exclusive=True, description="lock when idle"
            )
        elif then == "save" and not self._save_lock.locked():  # a key change holds the lock
            self.run_worker(self.save(), group="autosave", description="autosave")

    async def save(self) -> str | None:
        """Save now in a thread worker; the error message if it failed (changes stay in memory).

        When the file changed on disk (a sync tool or the partner's copy replaced it), offer
        to merge it into what is open and then save, instead of overwriting it.
        """
        async with self._save_lock:
            jf = self.journal_file
            if jf is None:
                return None
            changes = jf.journal.changes
            if self.autosave.is_saved(changes):
                self.autosave.nothing_to_save()
                self.save_state = self.autosave.state
                return None
            self.autosave.started()
            self.save_state = self.autosave.state
            error, saved = await self._write(jf)
            if isinstance(error, ChangedOnDisk) and await self._merge_from_disk(jf):
                changes = jf.journal.changes
                error, saved = await self._write(jf)
            if error is not None:
                if isinstance(error, JournalError):
                    problem = str(error)
                else:
                    problem = (
                        f"Writing the file failed ({type(error).__name__}); the file is unchanged."
                    )
                self.autosave.failed(changes)
                self.save_state = self.autosave.state
                self.notify(
                    f"{problem} Your changes are kept in memory; press ctrl+s to retry.",
                    title="Not saved",
                    severity="error",
                    timeout=15,
                )
                return problem
            self.autosave.succeeded(saved, jf.journal.changes)
            self.save_state = self.autosave.state
            return None

    async def _write(self, jf: JournalFile) -> tuple[BaseException | None, int]:
        """Snapshot, encrypt and write in a thread worker: the error if any, and the change
        count the file holds (this thread goes on handling keys meanwhile, see session.save).

        The worker gets a fixed description: without one Textual describes a worker by the
        repr() of its arguments.
        """
        worker = self.run_worker(
            partial(session.save_on_file_thread, jf),
            thread=True,
            group="save",
            description="save the journal",
            exit_on_error=False,
        )
        try:
            saved = await worker.wait()
        except WorkerFailed as failed:
            return failed.error, -1
        return None, saved

    async def _merge_from_disk(self, jf: JournalFile) -> bool:
        """Offer to merge the changed file into the open journal; whether it was merged."""
        from rmjournal.app.dialogs.merge_offer import MergeOfferScreen
        from rmjournal.app.jobs import notify_renumbered
        from rmjournal.app.screens.conflicts import ConflictsScreen
        from rmjournal.core.merge import merge_into

        if not await self.push_screen_wait(MergeOfferScreen()):
            return False
        worker = self.run_worker(
            partial(jf.vault.read_copy, jf.path, adopt=True),
            thread=True,
            group="save",
            description="read the file on disk",
            exit_on_error=False,
        )
        try:
            other = await worker.wait()
        except WorkerFailed as failed:
            self.notify(str(failed.error), title="Not merged", severity="error", timeout=15)
            return False
        # The merge writes to the journal's database, so it runs here, between handlers.
        report = merge_into(jf.journal, other)
        self.refresh_after_merge()
        self.notify(report.summary(), title="Merged the file on disk", timeout=8)
        notify_renumbered(self, report)
        if report.conflicts:
            self.push_screen(ConflictsScreen(jf.journal))
        return True

    def refresh_after_merge(self) -> None:
        """Show what a merge brought in on the screen in view now (a list under the dialog that
        asked for the copy is not resumed again; the other screens re-read when shown)."""
        content = _content_screen()
        for screen in reversed(self.screen_stack):
            if isinstance(screen, content):
                refresh = getattr(screen, "on_screen_resume", None)
                if refresh is not None:
                    refresh()
                return

    def action_conflicts(self) -> None:
        """Show the fields both copies changed in a merge, for the pair to review."""
        from rmjournal.app.screens.conflicts import ConflictsScreen

        if self.journal_file is not None:
            self.push_screen(ConflictsScreen(self.journal_file.journal))

    def action_calendar_export(self) -> None:
        """Write the pair's dates as an .ics file (asks what goes in, warns about topics)."""
        from rmjournal.app.dialogs.between import run_calendar_export

        if self.journal_file is not None:
            path = self.journal_file.vault.path.with_suffix(".ics")
            run_calendar_export(self, self.journal_file.journal, path)

    def action_add_prompt(self) -> None:
        """Add a reflection prompt of the pair's own (it appears in the prompt picker)."""
        from rmjournal.app.dialogs.between import run_prompt_dialog

        if self.journal_file is not None:
            run_prompt_dialog(self, self.journal_file.journal)

    # ----- keys -----

    def action_change_passphrase(self) -> None:
        """Change the passphrase you unlock with (asks for the current one)."""
        if self.journal_file is not None:
            self.run_worker(
                self._change_passphrase(),
                group="keys",
                exclusive=True,
                description="change your passphrase",
            )

    async def _change_passphrase(self) -> None:
        from rmjournal.app.dialogs.passphrase import PassphraseDialog

        jf = self.journal_file
        assert jf is not None
        # Unlocked with the recovery key, the passphrase is what was forgotten: not asked for.
        used = next((slot for slot in jf.vault.slots() if slot.unlocked_with), None)
        form = await self.push_screen_wait(
            PassphraseDialog(
                "Change your passphrase",
                "Your partner's passphrase and both recovery keys stay as they are.",
                ask_current=used is not None and used.kind == "passphrase",
            )
        )
        if form is None:
            return
        current, new = form.current, form.new

        def change() -> None:
            if current is not None:
                jf.vault.authenticate(current, jf.vault.role)
            jf.vault.change_passphrase(new)

        if await self.change_keys(jf, change):
            self.notify("Your passphrase is changed: unlock with the new one from now on.")

    def action_partner_passphrase(self) -> None:
        """Let the partner set their own passphrase (they type it), if they have none yet."""
        if self.journal_file is not None:
            self.run_worker(
                self._partner_passphrase(),
                group="keys",
                exclusive=True,
                description="the partner's passphrase",
            )

    async def _partner_passphrase(self) -> None:
        from rmjournal.app.dialogs.passphrase import PassphraseDialog
        from rmjournal.app.dialogs.recovery import RecoveryKeyScreen
        from rmjournal.core.model import other_role

        jf = self.journal_file
        assert jf is not None
        them = other_role(jf.vault.role)
        if any(slot.role == them for slot in jf.vault.slots()):
            self.notify(
                f"The {them} already has a passphrase; they change it themselves, unlocked "
                "with it.",
                timeout=6,
            )
            return
        form = await self.push_screen_wait(
            PassphraseDialog(
                f"The {them}'s passphrase",
                f"Hand the keyboard to the {them}: they type a passphrase only they know. "
                "They then unlock this journal with it, and get a recovery key of their own.",
                ask_current=False,
            )
        )
        if form is None:
            return
        recovery: list[str | None] = []
        if await self.change_keys(jf, lambda: recovery.append(jf.vault.add_slot(them, form.new))):
            if jf.vault.joined is not None:  # both present: pin both signing keys, confirmed
                from rmjournal.core import signing

                signing.pin_partner(jf.journal, jf.vault.signer(), jf.vault.joined)
            self.notify(f"The {them} can now unlock this journal with their passphrase.")
            if recovery and recovery[0]:
                await self.push_screen_wait(RecoveryKeyScreen(recovery[0], whose=them))

    async def change_keys(self, jf: JournalFile, change: Callable[[], object]) -> bool:
        """Save, then run `change` (it rewrites the key slots) in a thread; whether it worked.

        Saving first: a key change rewrites the file as last saved. The save lock is held
        meanwhile, so no autosave writes the file at the same time.
        """
        if await self.save() is not None:
            return False  # the save's own message says why
        self.notify("Changing the keys (deriving them takes a moment)…", timeout=3)
        async with self._save_lock:
            worker = self.run_worker(
                change,
                thread=True,
                group="keys-work",
                description="rewrite the key slots",
                exit_on_error=False,
            )
            try:
                await worker.wait()
            except WorkerFailed as failed:
                error = failed.error
                message = (
                    str(error)
                    if isinstance(error, JournalError)
                    else f"Changing the keys failed ({type(error).__name__}); the file is as "
                    "it was."
                )
                self.notify(message, title="Not changed", severity="error", timeout=10)
                return False
        return True

    def action_save(self) -> None:
        """Save now (ctrl+s), also retrying after a failed save; a worker, so it can ask."""
        self.run_worker(self._save_now(), group="save-now", exclusive=True, description="save now")

    async def _save_now(self) -> None:
        if self.journal_file is not None and await self.save() is None:
            self.notify("Saved.", timeout=2)

    # ----- lock / quit -----

    def action_lock(self) -> None:
        """Lock now (ctrl+l); runs as a worker so it can wait for a choice if saving fails."""
        self.run_worker(self.lock(), group="lock", description="lock")

    async def lock(self, *, idle: bool = False) -> None:
        """Save, close the journal, remove every content screen, show the unlock screen."""
        if self.journal_file is None or self._locking:
            return
        self._locking = True
        self.refresh_bindings()
        try:
            kept, lost = drafts.keep_all(self)
            problem = await self.save()
            await self._remove_content()
            if problem is not None:
                await self._locked_unsaved(problem)
                return
            closed = self._close_journal()
            start = "Locked after a while without use." if idle else "Locked."
            self._unlock_screen_reset(
                f"{start} Your changes were saved.{lock_words(kept, lost)}", closed
            )
        finally:
            self._locking = False
            self.refresh_bindings()

    async def _remove_content(self) -> None:
        """Leave the content modes and drop them, with every screen and notification in them."""
        self.clear_notifications()
        self._unlock_screen_reset("")  # no longer busy "unlocking", before it is shown again
        if self.current_mode != LOCKED_MODE:
            await self.switch_mode(LOCKED_MODE)
        while len(self.screen_stack) > 1 and not isinstance(self.screen, UnlockScreen):
            await self.pop_screen()
        while self.content_modes:
            await self.remove_mode(self.content_modes.pop())
        self.sub_title = ""
        self.who_label = ""

    async def _locked_unsaved(self, problem: str) -> None:
        """Locking could not save: keep the changes, show nothing of them, ask what to do."""
        from rmjournal.app.screens.lock import SaveFailedLockScreen

        choice = await self.push_screen_wait(SaveFailedLockScreen(problem))
        if choice == "retry":
            problem_again = await self.save()
            if problem_again is not None:
                await self._locked_unsaved(problem_again)
                return
        closed = self._close_journal()
        self._unlock_screen_reset(
            "Locked. Your changes were saved."
            if choice == "retry"
            else "Locked. Unsaved changes were discarded.",
            closed,
        )

    def _close_journal(self) -> Path | None:
        """Close the open journal (releasing its lock); the path it had, for the unlock screen."""
        jf, self.journal_file = self.journal_file, None
        gc.unfreeze()  # the closed journal's screens can be collected again
        self.autosave.closed()
        self.save_state = self.autosave.state
        if jf is not None:
            with contextlib.suppress(Exception):  # closing releases a lock; nothing to show
                jf.close()
            return jf.path
        return None

    async def action_quit(self) -> None:
        """Save, close and quit; if saving fails, a second `q` quits without saving."""
        self.run_worker(self._quit(), group="quit", exclusive=True, description="quit")

    async def _quit(self) -> None:
        if self.journal_file is not None and not self._quit_unsaved_armed:
            problem = await self.save()
            if problem is not None:
                self._quit_unsaved_armed = True
                self.notify(
                    "Press q again to quit without saving, or ctrl+s to retry.",
                    title="Not quitting: unsaved changes",
                    severity="error",
                    timeout=15,
                )
                return
        self._close_journal()
        self.exit()

    # ----- hang-up -----

    def _catch_hang_up(self) -> None:
        """On SIGHUP (the terminal closed) or SIGTERM, keep what was typed and save first."""
        try:
            loop = asyncio.get_running_loop()
            for signum in HANG_UP_SIGNALS:
                loop.add_signal_handler(signum, self.hang_up, signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, Windows
            return

    def hang_up(self, signum: int = signal.SIGTERM) -> None:
        """Keep every dialog's text as a draft, save the journal, close it, and exit.

        Nobody can be asked any more (the terminal may be gone), so a save that fails leaves
        the file as it was last saved."""
        if self._hung_up:
            return
        self._hung_up = True
        drafts.keep_all(self)
        if self.journal_file is not None and self._save_lock.locked():
            self.run_worker(self._save_and_exit(signum), group="hang-up", description="hang up")
            return
        self._save_now_or_never()
        self._close_journal()
        self._exit_after_hang_up(signum)

    def _exit_after_hang_up(self, signum: int) -> None:
        """Exit once saved. With the terminal gone (SIGHUP in a real terminal) there is no
        screen to restore, and Textual's shutdown can wait for ever on a writer that has no
        terminal left, so the process ends at once, by the signal's own default action (as
        any program that caught a signal to clean up does); otherwise it exits as usual."""
        if signum == SIGHUP and not self.is_headless:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        self.exit(return_code=128 + signum)

    async def _save_and_exit(self, signum: int) -> None:
        """A save was being written: save what came after it too, then exit."""
        with contextlib.suppress(Exception):
            await self.save()
        self._close_journal()
        self._exit_after_hang_up(signum)

    def _save_now_or_never(self) -> None:
        """Save on this thread at once (hang-up, crash), if anything is unsaved; never raises."""
        jf = self.journal_file
        if jf is None:
            return
        if self.autosave.is_saved(jf.journal.changes):
            return
        try:
            saved = session.save(jf)
        except Exception:  # nothing can be asked now; the file stays as last saved
            return
        self.autosave.succeeded(saved, jf.journal.changes)

    # ----- crashes -----
    # Textual has no public hook to replace its crash output, which prints a traceback with the
    # local variables of every frame (journal text, keys). These three methods and the help's
    # `_merge_bindings` are the app's only uses of Textual internals; pyproject pins Textual
    # to one release (`textual>=X,<X+1 patch`) so a new one is taken on purpose, after test_crash
    # and the help tests pass on it (tests/ui/test_app_layout.py checks the pin and that list).

    def _handle_exception(self, error: Exception) -> None:
        """A crash keeps what was typed and saves, then prints one safe sentence, never a
        traceback with local variables."""
        if not self._hung_up:
            self._hung_up = True
            with contextlib.suppress(Exception):
                drafts.keep_all(self)
                self._save_now_or_never()
                self._close_journal()
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._exit_renderables.clear()
        self._exit_renderables.append(
            Text(CRASH_MESSAGE.format(kind=type(error).__name__), style="bold")
        )
        self._close_messages_no_wait()

    def _fatal_error(self) -> None:
        """Never used for rendering a traceback; kept safe in case Textual calls it directly."""
        self._exit_renderables.append(Text(CRASH_MESSAGE.format(kind="error")))
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """Print our safe crash lines (plain text) and nothing else."""
        for renderable in self._exit_renderables:
            text = (
                renderable.plain
                if isinstance(renderable, Text)
                else CRASH_MESSAGE.format(kind="error")
            )
            print(f"rmjournal: {text}", file=sys.stderr)
        self._exit_renderables.clear()
