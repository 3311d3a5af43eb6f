"""The Export screen: preview the shareable summary, see what is left out, approve, write a file.

The preview is the Markdown summary shown as literal text. Approvals: the person who unlocked
approves with one key; the partner approves at the same keyboard by typing their own passphrase,
checked against their slot in a thread (the KDF is slow) without touching the open keys. Writing
is atomic and private (0600), with a plain warning that an exported file is plaintext.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from rmjournal.app.dialogs.form import ConfirmDialog
from rmjournal.app.screens.base import JournalScreen
from rmjournal.app.widgets.choice import ClearCheckbox, ClearRadioButton
from rmjournal.app.widgets.literal import literal
from rmjournal.app.widgets.screen_commands import ScreenCommands
from rmjournal.core.errors import JournalError
from rmjournal.core.model import other_role
from rmjournal.core.secret import Secret
from rmjournal.core.summary import (
    Finding,
    LeftOut,
    Summary,
    approve,
    build_summary,
    render_markdown,
    shown,
)
from rmjournal.text import one_line

if TYPE_CHECKING:
    from rmjournal.core.crypto import Signer
    from rmjournal.core.journal import Journal
    from rmjournal.core.vault import Vault

PLAINTEXT_WARNING = (
    "An exported file is plaintext by nature: anyone who can read the file can read the summary. "
    "It is written readable only by you (0600); keep it somewhere private and delete it once "
    "it has been shared."
)


def left_out_text(left: LeftOut) -> Text:
    """What the summary leaves out and why, in counts."""

    def kinds(counts: dict[str, int]) -> str:
        plural = {"entry": "entries"}
        return ", ".join(
            f"{n} {k if n == 1 else plural.get(k, k + 's')}" for k, n in sorted(counts.items())
        )

    text = Text()
    text.append(f"{left.private} private", style="bold")
    text.append(" — private items never leave the journal")
    if left.private_mine:
        text.append(f"\n  yours: {kinds(left.private_mine)}")
    if left.private_partner:
        text.append(f"\n  your partner's: {kinds(left.private_partner)}")
    text.append(f"\n{left.pair_only} pair-only", style="bold")
    text.append(" — only items marked shareable go into the summary")
    if left.pair:
        text.append(f"\n  {kinds(left.pair)}")
    return text


def findings_question(found: list[Finding]) -> str:
    """The check before writing, as the dialog asks it: what was found, one line each."""
    shown = [f"  - {one_line(f.sentence(), 100)}" for f in found[:12]]
    if len(found) > 12:
        shown.append(f"  … and {len(found) - 12} more.")
    return "\n".join(
        [
            "This summary may name people outside the pair, or hold words meant to stay in "
            "the room. Read it again before sharing:",
            *shown,
            "Write it anyway?",
        ]
    )


class ExportScreen(JournalScreen):
    """The shareable summary: preview and approvals."""

    MODE = "export"
    PALETTE_LABEL = "Export"
    COMMANDS: ClassVar = {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "approve_mine", "Approve", id="export.approve"),
        Binding("o", "partner_field", "Partner approves", id="export.partner"),
        Binding("w", "write_file", "Write file", id="export.write"),
        Binding("n", "toggle_anonymise", "Anonymise", id="export.anonymise"),
        Binding("m", "toggle_format", "Markdown/HTML", id="export.format"),
        Binding("f5", "refresh_summary", "Refresh", show=False, id="export.refresh"),
        Binding("t", "scheme_return", "Scheme return", id="export.return"),
    ]
    DEFAULT_CSS = """
    ExportScreen #export { height: 1fr; padding: 0 1; }
    ExportScreen #preview-box { width: 3fr; border: round $border; padding: 0 1; }
    ExportScreen #export-side { width: 2fr; padding: 0 0 0 1; }
    ExportScreen .side-panel { border: round $border; padding: 0 1; height: auto; }
    ExportScreen #export-side Input { margin: 0; }
    ExportScreen #export-side Label { width: 100%; }
    ExportScreen #export-side Button { margin: 1 1 0 0; }
    ExportScreen #format { height: auto; border: round $border-blurred; padding: 0 1; }
    ExportScreen #format:focus { border: heavy $border; }
    ExportScreen #write-warning { color: $text-warning; margin-top: 1; }
    """

    @dataclass
    class PartnerChecked(Message):
        """The partner's passphrase opened their slot (from the checking worker)."""

        role: str
        signer: Signer

    @dataclass
    class PartnerFailed(Message):
        """The partner's passphrase was refused, with a message safe to show."""

        message: str

    @dataclass
    class Written(Message):
        """The summary file is written (from the writing worker)."""

        path: Path

    @dataclass
    class WriteFailed(Message):
        """Writing the summary file failed, with a message safe to show."""

        message: str

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self.summary: Summary | None = None

    # ------------------------------------------------------------------ layout

    def compose_body(self) -> ComposeResult:
        me, partner = self.journal.me, other_role(self.journal.me)
        with Horizontal(id="export"):
            with VerticalScroll(id="preview-box", can_focus=True) as preview:
                preview.border_title = "Preview (Markdown)"
                yield Static("", id="preview")
            with VerticalScroll(id="export-side"):
                yield Static("", id="approval-status", classes="side-panel")
                yield Button(f"Approve as the {me} (p)", id="approve-mine", variant="primary")
                yield Label(f"The {partner} approves by typing their own passphrase:")
                yield Input(
                    password=True,
                    id="partner-secret",
                    placeholder=f"the {partner}'s passphrase",
                )
                yield Button(f"The {partner} approves", id="approve-partner")
                yield Static("", id="partner-message")
                left = Static("", id="left-out", classes="side-panel")
                left.border_title = "Left out"
                yield left
                yield Label("Write the summary to a file", classes="section")
                with RadioSet(id="format") as formats:
                    formats.border_title = "Format (m switches)"
                    yield ClearRadioButton("Markdown", value=True, id="format-markdown")
                    yield ClearRadioButton("HTML (self-contained, printable)", id="format-html")
                yield ClearCheckbox("Anonymise: roles in place of names (n)", id="anonymise")
                yield Input(id="out-path", placeholder="file to write")
                yield Button("Write file (w)", id="write")
                yield Static(PLAINTEXT_WARNING, id="write-warning")
                yield Static("", id="write-message")

    def on_mount(self) -> None:
        self.query_one("#approval-status", Static).border_title = "Approval"
        self.query_one("#out-path", Input).value = str(self._default_path("markdown"))

    def on_screen_resume(self) -> None:
        self.refresh_summary()

    # ------------------------------------------------------------------ showing

    @property
    def anonymise(self) -> bool:
        """Whether the preview and the file put roles in place of names."""
        return self.query_one("#anonymise", Checkbox).value

    @property
    def fmt(self) -> str:
        """The chosen file format: "markdown" or "html"."""
        return "html" if self.query_one("#format-html", RadioButton).value else "markdown"

    def _default_path(self, fmt: str) -> Path:
        pair = self.journal.pair()
        stem = "".join(c if c.isalnum() else "-" for c in (pair.title if pair else "summary"))
        stem = "-".join(p for p in stem.lower().split("-") if p)[:40] or "summary"
        return Path("~") / f"{stem}-summary.{'html' if fmt == 'html' else 'md'}"

    def refresh_summary(self) -> None:
        """Rebuild the summary from the journal; show it, its approvals and what it leaves out."""
        try:
            self.summary = build_summary(self.journal)
        except JournalError as error:
            self.query_one("#preview", Static).update(Text(str(error)))
            return
        self.summary = summary = shown(self.summary, self.anonymise)
        self.query_one("#preview", Static).update(literal(render_markdown(summary, self.anonymise)))
        self.query_one("#approval-status", Static).update(self._approval_text(summary))
        self.query_one("#left-out", Static).update(left_out_text(summary.left_out))
        mine = summary.approvals[self.journal.me].approved
        partner = summary.approvals[other_role(self.journal.me)].approved
        self.query_one("#approve-mine", Button).disabled = mine
        self.query_one("#approve-partner", Button).disabled = partner
        self.query_one("#partner-secret", Input).disabled = partner

    def _approval_text(self, summary: Summary) -> Text:
        text = Text()
        which = "anonymised version" if summary.anonymised else "version"
        if summary.approved:
            text.append("✓ FINAL", style="bold")
            text.append(f" — both partners approved this {which}\n")
        else:
            text.append("DRAFT", style="bold reverse")
            text.append(" — needs both partners' approval\n")
        for role, state in summary.approvals.items():
            you = " (you)" if role == self.journal.me else ""
            if state.current is not None:
                mark, words = "✓", f"approved on {state.current.on.isoformat()}"
            elif state.refused is not None:
                mark, words = "✗", f"not approved: {state.refused}"
            elif state.withdrawn is not None:
                mark, words = "✗", "approval withdrawn: the summary changed since"
            else:
                mark, words = "✗", "not approved yet"
            text.append(f"\n{mark} the {role}{you}: ", style="bold")
            text.append(words)
        return text

    # ------------------------------------------------------------------ approving

    def action_scheme_return(self) -> None:
        """Show what the scheme return holds, to approve it (`screens/scheme_return.py`)."""
        from rmjournal.app.screens.scheme_return import ReturnScreen

        self.app.push_screen(ReturnScreen(self.journal))

    def action_approve_mine(self) -> None:
        """The person who unlocked approves the summary as it stands."""
        self._approve(self.journal.me)

    def _approve(self, role: str, signer: Signer | None = None) -> None:
        variant = "anonymised" if self.anonymise else "named"
        try:
            approve(self.journal, role, variant_name=variant, signer=signer)  # type: ignore[arg-type]
        except JournalError as error:
            self.notify(str(error), severity="error")
            return
        self.refresh_summary()
        final = self.summary is not None and self.summary.approved
        which = "anonymised summary" if self.anonymise else "summary"
        self.notify(
            f"The {role} approved the {which}."
            + (" Both have: it is final." if final else " It stays a draft until both approve."),
            timeout=4,
        )

    def action_partner_field(self) -> None:
        """Put the cursor in the partner's passphrase field."""
        field = self.query_one("#partner-secret", Input)
        if not field.disabled:
            field.focus()

    @on(Button.Pressed, "#approve-mine")
    def _approve_mine_pressed(self) -> None:
        self.action_approve_mine()

    @on(Button.Pressed, "#approve-partner")
    @on(Input.Submitted, "#partner-secret")
    def _partner_submitted(self) -> None:
        field = self.query_one("#partner-secret", Input)
        secret, field.value = field.value, ""
        if not secret:
            self._partner_message("Type the partner's passphrase first.")
            return
        jf = getattr(self.app, "journal_file", None)
        if jf is None:
            return
        self._partner_message("Checking the passphrase…")
        self.query_one("#approve-partner", Button).disabled = True
        self._check_partner(jf.vault, Secret.passphrase(secret), other_role(self.journal.me))

    @work(
        thread=True,
        exclusive=True,
        group="partner-approval",
        exit_on_error=False,
        description="check the partner",
    )
    def _check_partner(self, vault: Vault, secret: Secret, role: str) -> None:
        """Run the KDF for the partner's slot off the main thread; report back on it."""
        try:
            signer = vault.authenticate(secret, role)  # type: ignore[arg-type]
        except JournalError as error:
            self.post_message(self.PartnerFailed(str(error)))
            return
        except Exception as error:
            self.post_message(self.PartnerFailed(f"The check failed ({type(error).__name__})."))
            return
        self.post_message(self.PartnerChecked(role, signer))

    def on_export_screen_partner_failed(self, message: PartnerFailed) -> None:
        """The partner's passphrase did not open their slot: nothing is approved."""
        self.query_one("#approve-partner", Button).disabled = False
        self._partner_message(f"✗ {message.message} Nothing was approved.")

    def on_export_screen_partner_checked(self, message: PartnerChecked) -> None:
        """The partner's passphrase opened their slot: their approval is recorded, signed with
        the key their passphrase just opened."""
        self._partner_message(f"✓ Passphrase checked: the {message.role} approved.")
        self._approve(message.role, message.signer)

    def _partner_message(self, message: str) -> None:
        self.query_one("#partner-message", Static).update(Text(message))

    # ------------------------------------------------------------------ writing

    def action_toggle_anonymise(self) -> None:
        """Switch anonymising on or off (the preview follows)."""
        box = self.query_one("#anonymise", Checkbox)
        box.value = not box.value
        box.scroll_visible()

    def action_toggle_format(self) -> None:
        """Switch the file format between Markdown and HTML (the path's suffix follows)."""
        wanted = "#format-markdown" if self.fmt == "html" else "#format-html"
        self.query_one(wanted, RadioButton).value = True
        self.query_one("#format", RadioSet).scroll_visible()

    @on(Checkbox.Changed, "#anonymise")
    def _anonymise_changed(self) -> None:
        self.refresh_summary()

    @on(RadioSet.Changed, "#format")
    def _format_changed(self) -> None:
        field = self.query_one("#out-path", Input)
        path = Path(field.value) if field.value.strip() else self._default_path(self.fmt)
        wanted = ".html" if self.fmt == "html" else ".md"
        if path.suffix.lower() in (".md", ".html", ".htm", ""):
            field.value = str(path.with_suffix(wanted))

    @on(Button.Pressed, "#write")
    @on(Input.Submitted, "#out-path")
    def action_write_file(self) -> None:
        """Render the summary in the chosen format and write it to the chosen path."""
        raw = self.query_one("#out-path", Input).value.strip()
        if not raw:
            self._write_message("Give a file name to write to.")
            return
        path = Path(raw).expanduser()
        from rmjournal.core.summary import render_summary_checked

        try:
            text, found = render_summary_checked(self.journal, self.fmt, anonymise=self.anonymise)
        except JournalError as error:
            self._write_message(f"✗ {error}")
            return
        if not found:
            self._write_message("Writing…")
            self._write(path, text)
            return
        self.app.push_screen(
            ConfirmDialog(findings_question(found)),
            lambda yes: self._confirmed(bool(yes), path, text),
        )

    def _confirmed(self, yes: bool, path: Path, text: str) -> None:
        """After the check's question: write, or say that nothing was written."""
        if yes:
            self._write_message("Writing…")
            self._write(path, text)
        else:
            self._write_message("Nothing was written: edit the items named, then write again.")

    @work(
        thread=True,
        exclusive=True,
        group="export-write",
        exit_on_error=False,
        description="write the summary",
    )
    def _write(self, path: Path, text: str) -> None:
        from rmjournal.core.safefile import write_private_text

        """Write the file off the main thread (fsync); report back on it."""
        try:
            write_private_text(path, text)
        except JournalError as error:
            self.post_message(self.WriteFailed(f"✗ {error}"))
            return
        except OSError as error:
            self.post_message(
                self.WriteFailed(f"✗ Could not write {path} ({type(error).__name__}).")
            )
            return
        self.post_message(self.Written(path))

    def on_export_screen_write_failed(self, message: WriteFailed) -> None:
        """The summary file was not written: say why."""
        self._write_message(message.message)

    def on_export_screen_written(self, message: Written) -> None:
        """The summary file is on disk: say where, and that a draft is marked so."""
        path = message.path
        draft = self.summary is not None and not self.summary.approved
        self._write_message(
            f"✓ Wrote {path} (readable only by you)."
            + (" It is marked DRAFT until both partners approve." if draft else "")
        )

    def _write_message(self, message: str) -> None:
        self.query_one("#write-message", Static).update(Text(message))
