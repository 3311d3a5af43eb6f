"""The unlock screen: choose a journal, type the passphrase (or recovery key), press Enter.

The KDF takes about half a second, so it runs in a thread worker that touches no widget and
reports back with a message; the screen shows a busy indicator and stays responsive meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from rmjournal.app import session
from rmjournal.app.widgets.literal import literal
from rmjournal.core.errors import JournalError, WrongSecret
from rmjournal.core.secret import Secret

if TYPE_CHECKING:
    from rmjournal.core.journalfile import JournalFile


def recovery_key_problem(text: str) -> str | None:
    """What is wrong with a typed recovery key, naming the groups to check; None if it passes
    its checks (whether it opens this journal is known only after the key derivation)."""
    from rmjournal.core import recovery
    from rmjournal.core.errors import BadRecoveryKey

    try:
        recovery.decode(text)
    except BadRecoveryKey as error:
        groups = recovery.typo_groups(text)
        if not groups:
            return str(error)
        named = ", ".join(str(n) for n in groups)
        which = f"group {named}" if len(groups) == 1 else f"groups {named}"
        return f"{error} Look at {which} (counting from the left); the rest is kept as typed."
    return None


def rebind_approvals(jf: JournalFile) -> None:
    """Store the approvals that count only by the summary's legacy hash in today's form, so
    that planning a session (which changed that hash, not the content) keeps them; runs in the
    unlock worker, off the UI thread (it builds the summary only when an approval exists)."""
    try:
        from rmjournal.core.summary import rebind_legacy_approvals

        rebind_legacy_approvals(jf.journal)
    except JournalError:  # an approval that cannot be rebound still counts by its old hash
        return


class UnlockScreen(Screen[None]):
    """Pick a journal and unlock it with a passphrase or the recovery key."""

    AUTO_FOCUS = "#secret"
    BINDINGS: ClassVar[list[BindingType]] = [
        # One key, named for where it leads: the recovery key, or back to the passphrase.
        Binding("ctrl+r", "use_recovery", "Use recovery key", id="unlock.recovery"),
        Binding("ctrl+r", "use_passphrase", "Use passphrase", id="unlock.passphrase"),
        Binding("ctrl+n", "new_journal", "New pair journal", id="unlock.new"),
    ]

    @dataclass
    class Unlocked(Message):
        """The journal opened; the app takes it from here."""

        journal_file: JournalFile
        with_recovery_key: bool

    @dataclass
    class Failed(Message):
        """Unlocking failed with a message safe to show."""

        message: str

    def __init__(self, path: Path | None, data_dir: Path, hint: str = "") -> None:
        super().__init__()
        self.path = path
        self.data_dir = data_dir
        self.hint = hint
        """A line shown above the field (the demo's public passphrases), or empty."""
        self.recovery = False
        self.busy = False

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="unlock-box", classes="dialog"):
            yield Static("rmjournal", classes="app-name")
            if self.path:
                yield Label(literal(self.path.name), id="journal-name", classes="journal-name")
            else:
                yield Label("Journal", id="journals-label", classes="field-label")
                yield OptionList(id="journals")
                yield Static(
                    "No journals yet in the data folder. Press ctrl+n to start a new pair journal.",
                    id="no-journals",
                    classes="hint",
                )
            if self.hint:
                yield Static(literal(self.hint), id="unlock-hint", classes="hint")
            yield Label("Passphrase", id="secret-label", classes="field-label")
            yield Input(password=True, id="secret", placeholder="Type your passphrase")
            yield Static("", id="unlock-message")
            with Vertical(id="unlock-busy"):
                yield LoadingIndicator()
                yield Static("Unlocking… deriving the key from your passphrase", classes="hint")
            yield Static(self._keys_hint(), id="unlock-keys", classes="hint")
        yield Footer()

    def refresh_journals(self, choose: Path | None = None) -> None:
        """List the data folder's journals again (new ones appear), highlighting `choose`."""
        if self.path is not None:
            return
        journals = session.list_journals(self.data_dir)
        picker = self.query_one("#journals", OptionList)
        picker.clear_options()
        picker.add_options([Option(literal(p.name), id=str(p)) for p in journals])
        picker.display = bool(journals)
        self.query_one("#journals-label").display = bool(journals)
        self.query_one("#no-journals").display = not journals
        if journals:
            names = [str(p) for p in journals]
            picker.highlighted = names.index(str(choose)) if str(choose) in names else 0

    def on_mount(self) -> None:
        self.query_one("#unlock-busy").display = False
        self.refresh_journals()

    def chosen_path(self) -> Path | None:
        """The journal to unlock: the given path or the highlighted one in the list."""
        if self.path:
            return self.path
        picker = self.query_one("#journals", OptionList)
        if picker.highlighted is None:
            return None
        option_id = picker.get_option_at_index(picker.highlighted).id
        return Path(option_id) if option_id else None

    def show_message(self, text: str, *, error: bool = True) -> None:
        """A line under the field: an error (✗) or information (ℹ), always in words."""
        line = Text("✗ " if error else "ℹ ", style="bold")
        line.append_text(literal(text))
        message = self.query_one("#unlock-message", Static)
        message.update(line)
        message.set_class(error, "-error")

    def reset(self, message: str = "", journal: Path | None = None) -> None:
        """Back to an empty, focused field (after a lock), `journal` chosen in the list."""
        self.set_busy(False)
        self.refresh_journals(journal)
        field = self.query_one("#secret", Input)
        field.value = ""
        field.focus()
        if message:
            self.show_message(message, error=False)
        else:
            self.query_one("#unlock-message", Static).update("")

    def set_busy(self, busy: bool) -> None:
        """Show or hide the "unlocking" look while the key derivation runs."""
        self.busy = busy
        self.query_one("#unlock-busy").display = busy
        # (the field stays enabled: disabling it moved the focus and re-laid the footer twice
        # while the journal was being opened; `_submit` ignores Enter while busy)

    def _keys_hint(self) -> str:
        way = "passphrase instead" if self.recovery else "recovery key"
        return f"Enter unlocks · ctrl+r {way} · ctrl+n new pair journal"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("use_recovery", "use_passphrase"):
            return self.recovery == (action == "use_passphrase")
        return True

    def action_use_recovery(self) -> None:
        """Unlock with the recovery key instead of the passphrase."""
        self.action_toggle_recovery()

    def action_use_passphrase(self) -> None:
        """Back to the passphrase."""
        self.action_toggle_recovery()

    def action_toggle_recovery(self) -> None:
        """Switch between the passphrase and the recovery key."""
        self.recovery = not self.recovery
        self.query_one("#unlock-keys", Static).update(self._keys_hint())
        self.refresh_bindings()
        field = self.query_one("#secret", Input)
        field.value = ""
        field.password = not self.recovery
        field.placeholder = (
            "Type the recovery key, e.g. ABCD-EFGH-…" if self.recovery else "Type your passphrase"
        )
        self.query_one("#secret-label", Label).update(
            "Recovery key (instead of the passphrase)" if self.recovery else "Passphrase"
        )
        field.focus()

    def action_new_journal(self) -> None:
        """Open the "new pair journal" form."""
        from rmjournal.app.screens.create import CreateScreen

        self.app.push_screen(CreateScreen(None, self.data_dir))

    @on(OptionList.OptionSelected, "#journals")
    def _journal_chosen(self) -> None:
        self.query_one("#secret", Input).focus()

    @on(Input.Submitted, "#secret")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        if self.busy:
            return
        text = event.value
        path = self.chosen_path()
        if path is None:
            self.show_message("Choose a journal first, or press ctrl+n to start one.")
            return
        if self.recovery and text.strip():
            problem = recovery_key_problem(text)
            if problem is not None:  # a typo: the text stays, to be corrected where it is wrong
                self.show_message(problem)
                return
        event.input.value = ""
        try:
            secret = Secret.recovery(text) if self.recovery else Secret.passphrase(text)
        except JournalError as error:
            self.show_message(str(error))
            return
        self.set_busy(True)
        self.show_message("Unlocking…", error=False)
        self.run_worker(
            partial(self._open, path, secret),
            thread=True,
            group="unlock",
            description="unlock",
            exclusive=True,
            exit_on_error=False,
        )

    def _open(self, path: Path, secret: Secret) -> None:
        """Runs in a thread: the KDF and decryption. Reports with a message, never widgets."""
        app = self.app
        try:
            jf = session.open_journal(
                path,
                secret,
                allow_test_kdf=getattr(app, "allow_test_kdf", False),
                clock=getattr(app, "clock", None),
            )
        except WrongSecret as error:
            what = "recovery key" if secret.kind == "recovery" else "passphrase"
            detail = str(error) if secret.kind == "recovery" else ""
            self.post_message(
                self.Failed(detail or f"Wrong {what}: it does not open this journal. Try again.")
            )
        except JournalError as error:
            self.post_message(self.Failed(str(error)))
        except FileNotFoundError:
            self.post_message(self.Failed(f"There is no journal at {path.name}."))
        except OSError as error:
            self.post_message(
                self.Failed(f"The journal could not be read ({type(error).__name__}).")
            )
        else:
            rebind_approvals(jf)
            warm_up = getattr(app, "warm_up_content", None)
            if warm_up is not None:
                warm_up()  # import the dashboard here, off the UI thread
            self.post_message(self.Unlocked(jf, secret.kind == "recovery"))

    def on_unlock_screen_failed(self, message: Failed) -> None:
        self.set_busy(False)
        self.query_one("#secret", Input).focus()
        self.show_message(message.message)
