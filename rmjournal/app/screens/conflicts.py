"""The merge conflicts to review, after the file on disk was folded into the open journal.

`ConflictsScreen` lists the fields both copies changed, so the pair can look at what the merge
kept and what the other copy said (the offer to merge is `dialogs.merge_offer`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from rmjournal.app.widgets.literal import literal
from rmjournal.core.conflict_words import describe_item, short_value

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal


class ConflictsScreen(Screen[None]):
    """The fields both copies changed: what the merge kept and the other copy's version."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "resolve", "Keep kept", id="conflicts.resolve"),
        Binding("enter", "resolve", "Keep kept", show=False, id="conflicts.resolve_enter"),
        Binding("o", "resolve('other')", "Keep other", id="conflicts.keep_other"),
        Binding("b", "resolve('both')", "Keep both", id="conflicts.keep_both"),
        Binding("escape", "close", "Back", id="conflicts.close"),
    ]

    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal
        self._ids: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("Merge conflicts to review", classes="screen-title")
        yield Static(
            "Both copies changed these fields. The merge kept the later change; the other copy's "
            "version is kept too, in full below. Choose: space keeps the kept one, o the other, "
            "b both (joined). Either text stays in the journal's export whatever you choose.",
            classes="hint",
        )
        yield DataTable(id="conflicts", cursor_type="row", zebra_stripes=True)
        yield Static("", id="conflict-full")
        yield Static("", id="conflicts-empty")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#conflicts", DataTable)
        table.add_columns("Item", "Field", "Kept", "Other copy")
        self.reload()

    def reload(self) -> None:
        """Fill the table with the unresolved conflicts."""
        from rmjournal.core.merge import conflicts

        table = self.query_one("#conflicts", DataTable)
        table.clear()
        found = conflicts(self.journal)
        self._ids = [c.id for c in found]
        for conflict in found:
            if conflict.hidden:
                kept = other = Text("(private to your partner)")
            else:
                kept, other = (
                    literal(short_value(conflict.kept)),
                    literal(short_value(conflict.other)),
                )
            field = "deleted" if conflict.field == "deleted_at" else conflict.field
            table.add_row(
                literal(describe_item(self.journal, conflict)), field, kept, other, key=conflict.id
            )
        empty = self.query_one("#conflicts-empty", Static)
        empty.update("" if found else "✓ No conflicts left to review.")
        table.display = bool(found)
        if found:
            table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show both values of the highlighted conflict whole (the table cuts them short)."""
        from rmjournal.core.merge import conflicts

        full = self.query_one("#conflict-full", Static)
        key = event.row_key.value if event.row_key is not None else None
        found = [c for c in conflicts(self.journal) if c.id == key]
        if not found or found[0].hidden:
            full.update("")
            return
        c = found[0]
        text = Text("Kept\n", style="bold")
        text.append_text(literal("(empty)" if c.kept is None else str(c.kept)))
        text.append("\n\nOther copy\n", style="bold")
        text.append_text(literal("(empty)" if c.other is None else str(c.other)))
        full.update(text)

    def action_resolve(self, keep: str = "kept") -> None:
        """Settle the highlighted conflict: keep the kept value, the other, or both."""
        from rmjournal.core.errors import JournalError
        from rmjournal.core.merge import resolve_conflict

        table = self.query_one("#conflicts", DataTable)
        if not self._ids or table.cursor_row < 0 or table.cursor_row >= len(self._ids):
            return
        try:
            resolve_conflict(self.journal, self._ids[table.cursor_row], keep)
        except JournalError as exc:
            self.notify(str(exc), severity="warning")
            return
        row = table.cursor_row
        self.reload()
        if self._ids:
            table.move_cursor(row=min(row, len(self._ids) - 1))

    def action_close(self) -> None:
        """Back to where the merge was offered."""
        self.dismiss(None)
