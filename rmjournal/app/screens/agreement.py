"""The starting text of a pair's mentoring agreement (ground rules and confidentiality), and
the dialog that edits a pair's agreement.

A template the pair edits on the "new pair journal" screen; it is data, kept apart from the form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import ModalScreen

AGREEMENT_TEMPLATE = """\
Our reverse mentoring agreement

Purpose: the mentor shares lived experience; the mentee listens, learns and acts on it.

Ground rules
- What is said between us stays between us. Nothing leaves this journal unless we both agree.
- We speak candidly and listen without defending; honest challenge is welcome.
- The mentor is the expert in their own experience; seniority does not decide who is right.
- We meet about every {cadence} days for {sessions} sessions, and review after six months.
- Either of us can pause or end the pairing; we say so openly.

Confidentiality
- Private notes are for their author only. Pair notes are for the two of us.
- Only items we both mark as shareable go into a summary, and only once we both approve it.
- No names of third parties in shareable items without their consent.
"""


def agreement_dialog(text: str) -> ModalScreen[str | None]:
    """The dialog that edits the agreement's text (a `FormDialog[str | None]`).

    Built on demand so that importing the template (the "new pair journal" screen) loads no
    dialog code."""
    from textual.app import ComposeResult
    from textual.widgets import Static, TextArea

    from rmjournal.app.dialogs.form import FormDialog, FormProblem

    class AgreementDialog(FormDialog[str | None]):
        """Edit the mentoring agreement; saving a change withdraws both signatures."""

        TITLE_TEXT = "The mentoring agreement"
        KEYS_HINT = "ctrl+s saves (both signatures are withdrawn) · Escape cancels"

        def fields(self) -> ComposeResult:
            yield TextArea(text, id="agreement-text", soft_wrap=True)
            yield Static(
                "A change withdraws both signatures: each of you signs the new text again.",
                classes="hint",
            )

        def on_mount(self) -> None:
            area = self.query_one("#agreement-text", TextArea)
            area.styles.height = 14
            area.focus()

        def result(self) -> str | None:
            value = self.query_one("#agreement-text", TextArea).text
            if not value.strip():
                raise FormProblem("The agreement cannot be empty (Escape keeps it as it was).")
            return value

    return AgreementDialog()
