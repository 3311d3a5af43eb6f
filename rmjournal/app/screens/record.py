"""Recording a session: notes and an outcome per agenda item, entries, actions agreed, held.

Left, the agenda with each item's outcome; right, the highlighted item's notes (Enter to write,
Escape to leave, saved as you leave); below, the session's notes, reflections and learnings
(Enter on one you wrote changes it; what the partner wrote is theirs to change).
Outcomes take one key each: 1 discussed, 2 carried over, 3 dropped, 0 back to open.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Static, TextArea

from rmjournal.app import drafts
from rmjournal.app.dialogs.action_forms import ActionDialog, ActionForm
from rmjournal.app.dialogs.prompt_picker import NoPrompt, PromptPicker
from rmjournal.app.dialogs.session_forms import EntryDialog, EntryForm
from rmjournal.app.screens.session_page import (
    SessionPage,
    attempt,
    cursor_key,
    keep_cursor,
    mark_held,
)
from rmjournal.app.widgets.labels import (
    PRIVATE_PLACEHOLDER,
    outcome_label,
    user_text,
    visibility_label,
)
from rmjournal.app.widgets.tables import Column, cell_picker, fit_columns, flex_width
from rmjournal.core.model import AgendaItem, Entry, EntryKind, Outcome, Prompt, other_role
from rmjournal.text import one_line, plain

NOTES_SETTLE = 1.0
"""Seconds after the last key in the notes before they are written into the journal (the
autosave then puts them on disk): a killed process or a closed terminal loses at most that."""

ENTRIES_SHOWN = 200
"""At most this many entries are put in the table (the newest); the rest are counted."""


class RecordScreen(SessionPage):
    """Notes, outcomes and entries of one session."""

    PALETTE_LABEL = "Record"
    HINT = "Enter: notes on the topic (Esc leaves) · 1 discussed · 2 carried over · 3 dropped"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "outcome('discussed')", "Discussed", id="record.discussed"),
        Binding("2", "outcome('carried_over')", "Carry over", id="record.carried"),
        Binding("3", "outcome('dropped')", "Dropped", id="record.dropped"),
        Binding("0", "outcome('open')", "Open", show=False, id="record.open"),
        Binding("n", "write('note')", "Note", id="record.note"),
        Binding("p", "reflect", "Reflect", id="record.reflect"),
        Binding("l", "write('learning')", "Learning", id="record.learning"),
        Binding("g", "agree", "Agree action", id="record.agree"),
        Binding("h", "held", "Mark held", id="record.held"),
        Binding("o", "agenda", "Agenda", show=False, id="record.agenda"),
    ]
    AGENDA_COLUMNS: ClassVar[list[Column]] = [
        ("#", 2),
        ("Topic", None),
        ("Outcome", 14),
        ("Visibility", 11, 1),  # the notes panel's lower edge names it too
    ]
    ENTRY_COLUMNS: ClassVar[list[Column]] = [
        ("Kind", 10),
        ("By", 6),
        ("Text", None),
        ("Prompt", 22, 1),
        ("Visibility", 11),
    ]
    DEFAULT_CSS = """
    RecordScreen #record-top { height: 1fr; }
    RecordScreen #agenda { width: 64%; }
    RecordScreen #notes-box { width: 1fr; border: round $foreground 50%; }
    RecordScreen #notes-box:focus-within { border: round $border; }
    RecordScreen #notes { height: 1fr; border: none; padding: 0 1; }
    RecordScreen #notes-prompt { height: auto; max-height: 3; color: $text-muted; }
    RecordScreen #notes-others { height: auto; max-height: 50%; overflow-y: auto; padding: 0 1; }
    RecordScreen #entries { height: 1fr; border: round $foreground 50%; }
    RecordScreen #entries:focus-within { border: round $border; }
    """

    def __init__(self, journal, session_id: str, item_id: str | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(journal, session_id, item_id)
        self.notes_item: str | None = None
        self.notes_loaded = ""
        self._notes_timer: Timer | None = None

    def compose_body(self) -> ComposeResult:
        yield from self.compose_heading()
        with Horizontal(id="record-top"):
            yield self.make_agenda_table()
            with Vertical(id="notes-box") as box:
                box.border_title = "Notes"
                yield Static("", id="notes-prompt")
                yield TextArea("", id="notes", soft_wrap=True)
                yield Static("", id="notes-others")
        entries: DataTable[object] = DataTable(id="entries", cursor_type="row", zebra_stripes=True)
        entries.border_title = "Notes, reflections and learnings"
        yield entries

    def on_mount(self) -> None:
        drafts.register(self.app, self)
        self.agenda_table().focus()
        self.refresh_page()

    def on_unmount(self) -> None:
        drafts.unregister(self.app, self)

    def agenda_width(self) -> int:
        """The agenda table takes about two thirds of the width; the entries the rest."""
        return self.app.size.width * 64 // 100

    def agenda_row(self, number: int, item: AgendaItem) -> list[object]:
        """The record page's row: topic (✎ when it has notes) and outcome."""
        topic = user_text(one_line(item.topic, self.flex - 2), hidden=item.hidden)
        if not item.hidden and item.notes.strip():
            topic.append(" ✎", style="dim")
        return [
            Text(str(number)),
            topic,
            outcome_label(item.outcome),
            visibility_label(item.visibility),
        ]

    def refresh_page(self) -> None:
        """Show the journal's state: agenda, entries and the highlighted topic's notes."""
        self.fill_agenda()
        self._fill_entries()
        self._load_notes()

    def _fill_entries(self) -> None:
        table = self.query_one("#entries", DataTable)
        key = cursor_key(table)
        width = self.app.size.width
        fit_columns(table, self.ENTRY_COLUMNS, width)
        flex = flex_width(self.ENTRY_COLUMNS, width)
        table.clear()
        pick = cell_picker(self.ENTRY_COLUMNS, width)
        entries = self.journal.entries(self.session_id)
        shown = entries[-ENTRIES_SHOWN:]
        for e in shown:
            cells: list[object] = [
                Text(e.kind),
                Text(e.author),
                user_text(one_line(e.text, flex), hidden=e.hidden),
                user_text(one_line(e.prompt or "", 22), hidden=e.hidden, empty="—"),
                visibility_label(e.visibility),
            ]
            table.add_row(*pick(cells), key=e.id)
        more = len(entries) - len(shown)
        if not entries:
            table.border_subtitle = "nothing written yet · n note · p reflect · l learning"
        elif more > 0:
            table.border_subtitle = f"newest {len(shown)} of {len(entries)}"
        else:
            table.border_subtitle = (
                f"{len(entries)} · Enter changes · n note · p reflect · l learning"
            )
        keep_cursor(table, key)

    # ----- notes on the highlighted item -----

    def _notes(self) -> TextArea:
        return self.query_one("#notes", TextArea)

    def _load_notes(self) -> None:
        """Show the highlighted item's notes (saving the ones being left first)."""
        self._save_notes()
        item = self.current_item()
        notes = self._notes()
        prompt = self.query_one("#notes-prompt", Static)
        box = self.query_one("#notes-box")
        if item is None:
            self.notes_item, self.notes_loaded = None, ""
            notes.load_text("")
            notes.read_only = True
            prompt.update("")
            self.query_one("#notes-others", Static).display = False
            box.border_title = "Notes"
            box.border_subtitle = ""
            return
        self.notes_item = None if item.hidden else item.id
        me = self.journal.me
        text = PRIVATE_PLACEHOLDER if item.hidden else plain(item.notes_of(me))
        others = self._other_notes(item)
        shown = self.query_one("#notes-others", Static)
        shown.update(others)
        shown.display = bool(others.plain)
        self.notes_loaded = text
        notes.load_text(text)
        notes.read_only = item.hidden
        if item.prompt and not item.hidden:
            line = Text("Prompt: ", style="bold")
            line.append_text(user_text(item.prompt))
            prompt.update(line)
        else:
            prompt.update("")
        box.border_title = f"Notes on topic {self.agenda_table().cursor_row + 1}"
        box.border_subtitle = visibility_label(item.visibility)

    def _other_notes(self, item: AgendaItem) -> Text:
        """The partner's notes on the item under their name, and any other copy's text that
        waits in a merge conflict: the editor above holds only the reader's own notes."""
        from rmjournal.core.merge import item_conflicts

        out = Text()
        if item.hidden:
            return out
        partner = other_role(self.journal.me)
        pair = self.journal.pair()
        name = pair.person(partner).name if pair is not None else partner
        theirs = item.notes_of(partner)
        if theirs.strip():
            out.append(f"{name}'s notes\n", style="bold")
            out.append_text(user_text(plain(theirs)))
            out.append("\n")
        for conflict in item_conflicts(self.journal, item.id):
            if conflict.field not in ("notes", "partner_notes") or conflict.hidden:
                continue
            out.append("Also written on another copy (waiting in merge conflicts)\n", style="bold")
            out.append_text(user_text(plain(conflict.other)))
            out.append("\n")
        return out

    def _save_notes(self) -> None:
        """Write the notes area back to its item if it changed."""
        item_id = self.notes_item
        if item_id is None:
            return
        text = self._notes().text
        if text != self.notes_loaded and attempt(
            self, lambda: self.journal.record_notes(item_id, text)
        ):
            self.notes_loaded = text
            self.fill_agenda()

    @on(TextArea.Changed, "#notes")
    def _notes_changed(self) -> None:
        """Typed notes reach the journal once the typing pauses, not only when the person
        leaves the notes: the journal (not a draft) is where they belong."""
        if self._notes_timer is not None:
            self._notes_timer.stop()
        self._notes_timer = self.set_timer(NOTES_SETTLE, self._notes_settled)

    def _notes_settled(self) -> None:
        """The typing paused: write the notes, or try again shortly while a save holds the
        journal (typing never waits for a save; leaving the notes writes them at once)."""
        if self.journal.held_elsewhere():
            self._notes_timer = self.set_timer(drafts.DRAFT_RETRY, self._notes_settled)
            return
        self._save_notes()

    @on(DataTable.RowHighlighted, "#agenda")
    def _item_highlighted(self) -> None:
        if self.notes_item != cursor_key(self.agenda_table()):
            self._load_notes()

    @on(DataTable.RowSelected, "#agenda")
    def _write_notes(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.notes_item is not None:
            self._notes().focus()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget is self.query_one("#notes"):
            self._save_notes()

    def on_screen_suspend(self) -> None:
        self._save_notes()

    def on_screen_resume(self) -> None:
        # Coming back to the record (a mode's key, a dialog closed) never lands in the notes:
        # the keys typed next are commands, and the notes are entered with Enter on purpose.
        if self.focused is self._notes():
            self.agenda_table().focus()

    def keep_typing(self) -> tuple[str, bool] | None:
        """Save the notes being typed (the app is about to close this screen, lock or exit):
        they are written into the journal itself, so nothing is left waiting as a draft."""
        self._save_notes()
        return None

    def action_back(self) -> None:
        """Leave the notes (saved) for the agenda; from the agenda, back to the sessions."""
        if self.focused is self._notes():
            self._save_notes()
            self.agenda_table().focus()
            return
        if self.focused is self.query_one("#entries"):
            self.agenda_table().focus()
            return
        self._save_notes()
        super().action_back()

    # ----- outcome, held, entries, actions -----

    def action_outcome(self, outcome: Outcome) -> None:
        """Record the highlighted item's outcome."""
        item = self.current_item()
        if item is None:
            return
        self._save_notes()
        if attempt(self, lambda: self.journal.record_outcome(item.id, outcome)):
            table = self.agenda_table()
            self.fill_agenda()
            if table.cursor_row < table.row_count - 1:
                table.move_cursor(row=table.cursor_row + 1)

    def action_held(self) -> None:
        """Record that this session took place."""
        mark_held(self, self.session_id, self.fill_agenda)

    def write_entry(self, kind: EntryKind, prompt: str | None = None) -> None:
        """Open the dialog to write a note, reflection (against `prompt`) or learning."""

        def written(form: EntryForm | None) -> None:
            if form is not None and attempt(
                self,
                lambda: self.journal.add_entry(
                    self.session_id,
                    form.text,
                    kind=form.kind,
                    prompt=form.prompt,
                    visibility=form.visibility,
                ),
            ):
                self._fill_entries()
                table = self.query_one("#entries", DataTable)
                table.move_cursor(row=table.row_count - 1)

        dialog = EntryDialog(kind=kind, prompt=prompt)
        self.app.push_screen(dialog.keep_drafts_at(f"entry:new:{self.session_id}"), written)

    @on(DataTable.RowSelected, "#entries")
    def _change_entry(self, event: DataTable.RowSelected) -> None:
        """Enter on an entry: change its text, kind or who may read it (the author only)."""
        event.stop()
        entry = self._highlighted_entry()
        if entry is not None:
            self.change_entry(entry.id)

    def change_entry(self, entry_id: str) -> None:
        """Open the dialog to change an entry (its author only)."""
        entry = self.journal.entry(entry_id)
        if entry.hidden:
            return
        if entry.author != self.journal.me:
            self.notify(f"Only the {entry.author} can change what they wrote.", timeout=3)
            return

        def changed(form: EntryForm | None) -> None:
            if form is not None and attempt(self, lambda: self._apply_change(entry, form)):
                self._fill_entries()

        self.app.push_screen(
            EntryDialog(entry=entry).keep_drafts_at(f"entry:edit:{entry.id}"), changed
        )

    def _apply_change(self, entry: Entry, form: EntryForm) -> None:
        with self.journal.transaction():
            if (form.text, form.kind) != (entry.text, entry.kind):
                self.journal.edit_entry(entry.id, text=form.text, kind=form.kind)
            if form.visibility != entry.visibility:
                self.journal.set_visibility(entry.id, form.visibility)

    def action_write(self, kind: EntryKind) -> None:
        """Write a note or learning in this session."""
        self.write_entry(kind)

    def action_reflect(self) -> None:
        """Pick a reflection prompt (after a session, for you) and write against it, or write
        a reflection without one (the list's first choice)."""

        def picked(prompt: Prompt | NoPrompt | None) -> None:
            if isinstance(prompt, NoPrompt):
                self.write_entry("reflection")
            elif prompt is not None:
                self.write_entry("reflection", prompt.text)

        picker = PromptPicker(
            self.journal, "after", self.journal.me, without="Write a reflection without a prompt"
        )
        self.app.push_screen(picker, picked)

    def action_agree(self) -> None:
        """Agree an action or commitment in this session."""

        def agreed(form: ActionForm | None) -> None:
            if form is not None and attempt(
                self,
                lambda: self.journal.agree_action(
                    form.title,
                    detail=form.detail,
                    owner=form.owner,
                    kind=form.kind,
                    due_on=form.due_on,
                    visibility=form.visibility,
                    agreed_in=self.session_id,
                ),
            ):
                self.notify("Action agreed; it is in the tracker (a).", timeout=3)

        dialog = ActionDialog(self.journal.today()).keep_drafts_at(f"action:new:{self.session_id}")
        self.app.push_screen(dialog, agreed)

    def action_agenda(self) -> None:
        """Switch to preparing this session's agenda."""
        self._save_notes()
        item = self.current_item()
        self.post_message(
            self.SwitchPage("agenda", self.journal, self.session_id, item.id if item else None)
        )

    def _highlighted_entry(self) -> Entry | None:
        """The entry under the entries table's cursor, unless none or the partner's private one."""
        key = cursor_key(self.query_one("#entries", DataTable))
        if key is None or key == "__empty__":
            return None
        entry = self.journal.entry(key)
        return None if entry.hidden else entry

    def visibility_target(self) -> tuple[str, str] | None:
        """The highlighted entry when the entries have the focus, else the agenda topic."""
        if self.focused is self.query_one("#entries", DataTable):
            entry = self._highlighted_entry()
            return None if entry is None else (entry.id, entry.visibility)
        return super().visibility_target()
