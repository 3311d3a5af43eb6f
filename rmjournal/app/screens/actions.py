"""The Actions screen: the follow-up tracker, every action and commitment in one table.

Overdue first, then due soon, open, in progress, done and dropped; filters by status, owner and
kind move with one key each; status changes take one key. At most `PAGE` rows are in the table
at once (a journal may hold hundreds of actions): `]` and `[` page through the rest.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from rmjournal.app.dialogs.action_forms import ActionDialog, ActionForm
from rmjournal.app.screens.action_page import ActionPage
from rmjournal.app.screens.session_page import attempt, cursor_key, keep_cursor
from rmjournal.app.widgets.labels import (
    action_state,
    action_status_label,
    due_short,
    user_text,
    visibility_label,
)
from rmjournal.app.widgets.screen_commands import ScreenCommands
from rmjournal.app.widgets.tables import (
    Column,
    cell_picker,
    fit_columns,
    flex_width,
    shown_columns,
    update_row,
)
from rmjournal.core.errors import JournalError
from rmjournal.core.model import Action
from rmjournal.text import one_line

PAGE = 100
"""Rows put in the table at once."""

STATE_ORDER = {"overdue": 0, "due soon": 1, "open": 2, "in_progress": 3, "done": 4, "dropped": 5}

STATUS_FILTERS = [
    ("all", "all"),
    ("outstanding", "still open"),
    ("overdue", "overdue"),
    ("due soon", "due soon"),
    ("in_progress", "in progress"),
    ("done", "done"),
    ("dropped", "dropped"),
]
OWNER_FILTERS = [("all", "anyone"), ("mentor", "mentor"), ("mentee", "mentee"), ("both", "both")]
KIND_FILTERS = [("all", "all kinds"), ("action", "actions"), ("commitment", "commitments")]


def tracker_order(actions: list[Action], today: date) -> list[Action]:
    """Overdue (most overdue first), due soon, open, in progress, done, dropped (latest first)."""

    def key(a: Action) -> tuple[int, int, str]:
        state = action_state(a, today)
        if state in ("done", "dropped"):
            closed = a.closed_on or date.min
            return STATE_ORDER[state], -closed.toordinal(), a.created_at
        due = a.due_on.toordinal() if a.due_on else 10**7
        return STATE_ORDER.get(state, 2), due, a.created_at

    return sorted(actions, key=key)


def matches_status(action: Action, wanted: str, today: date) -> bool:
    """Whether `action` passes the status filter `wanted` (a value of STATUS_FILTERS)."""
    if wanted == "all":
        return True
    if wanted == "outstanding":
        return action.is_open
    state = action_state(action, today)
    if wanted in ("overdue", "due soon"):
        return state == wanted
    return action.status == wanted


COLUMNS: list[Column] = [
    ("State", 11),
    ("Due", 16),
    ("Title", None),
    ("Owner", 6),
    ("Kind", 6),
    ("Visibility", 11, 1),  # the highlighted action's panel names it too
]


class ActionsScreen(ActionPage):
    """Every action and commitment, with filters, one-key status changes and a preview."""

    MODE = "actions"
    PALETTE_LABEL = "Actions"
    COMMANDS: ClassVar = {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_action", "New", id="actions.new"),
        Binding("enter", "open_action", "Open", priority=True, id="actions.open"),
        Binding("S", "filter('status')", "Status filter", key_display="S", id="actions.fstatus"),
        Binding("O", "filter('owner')", "Owner filter", key_display="O", id="actions.fowner"),
        Binding("K", "filter('kind')", "Kind filter", key_display="K", id="actions.fkind"),
        Binding("0", "clear_filters", "Clear filters", show=False, id="actions.fclear"),
        Binding("right_square_bracket", "page(1)", "Next page", show=False, id="actions.next"),
        Binding("left_square_bracket", "page(-1)", "Previous page", show=False, id="actions.prev"),
    ]
    DEFAULT_CSS = """
    ActionsScreen #actions-counts { height: auto; padding: 0 1; }
    ActionsScreen #actions-filters { height: auto; padding: 0 1; color: $text-muted; }
    ActionsScreen #tracker { height: 1fr; border: round $border; }
    ActionsScreen #action-preview {
        height: 6; padding: 0 1; border: round $foreground 50%; overflow-y: hidden;
    }
    """

    def __init__(self, journal) -> None:  # type: ignore[no-untyped-def]
        super().__init__(journal)
        self.filters = {"status": "all", "owner": "all", "kind": "all"}
        self.page = 0
        self.actions: list[Action] = []
        """Every action the owner and kind filters let through (the counts line counts them)."""
        self.rows: list[Action] = []
        """The rows the status filter lets through, in tracker order (all pages)."""
        self.by_id: dict[str, Action] = {}
        self.counts: Counter[tuple[str, ...]] = Counter()
        """How many actions have each combination of `_count_keys()`, for the counts line."""
        self.flex = 30
        self._counts_fit = False
        """Whether the counts line shown fits on one line (a new one-line text keeps its size)."""

    def compose_body(self) -> ComposeResult:
        yield Static("", id="actions-counts")
        yield Static("", id="actions-filters")
        table: DataTable[object] = DataTable(id="tracker", cursor_type="row", zebra_stripes=True)
        table.border_title = "Follow-up tracker"
        yield table
        preview = Static("", id="action-preview")
        preview.border_title = "Highlighted action"
        yield preview

    def on_mount(self) -> None:
        self.query_one("#tracker", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.refresh_tracker()

    def on_resize(self) -> None:
        self.refresh_tracker()

    # ----- the table -----

    def refresh_tracker(self, keep: str | None = None) -> None:
        """Re-read the actions, apply the filters and show the current page."""
        today = self.journal.today()
        owner = self.filters["owner"]
        kind = self.filters["kind"]
        actions = self.journal.actions(
            owner=None if owner == "all" else owner,  # type: ignore[arg-type]
            kind=None if kind == "all" else kind,  # type: ignore[arg-type]
        )
        self.actions = actions
        self._show_counts(actions, today)
        wanted = self.filters["status"]
        self.rows = tracker_order([a for a in actions if matches_status(a, wanted, today)], today)
        self.by_id = {a.id: a for a in self.rows}
        table = self.query_one("#tracker", DataTable)
        keep = keep or cursor_key(table)
        if keep in self.by_id:
            self.page = [a.id for a in self.rows].index(keep) // PAGE
        pages = max(1, (len(self.rows) + PAGE - 1) // PAGE)
        self.page = max(0, min(self.page, pages - 1))
        shown = self.rows[self.page * PAGE : (self.page + 1) * PAGE]
        width = self.app.size.width
        fit_columns(table, COLUMNS, width)
        self.flex = flex_width(COLUMNS, width)
        table.clear()
        pick = cell_picker(COLUMNS, width)
        for a in shown:
            table.add_row(*pick(self._cells(a, today)), key=a.id)
        if not shown:
            empty = (
                "None match the filters (0 clears them)."
                if actions
                else "No actions yet — press n to agree one."
            )
            cells = [Text(""), Text(""), Text(empty, "dim italic"), *[Text("")] * 3]
            table.add_row(*pick(cells), key="__empty__")
        keep_cursor(table, keep)
        if pages > 1:
            first = self.page * PAGE + 1
            table.border_subtitle = (
                f"{first}–{first + len(shown) - 1} of {len(self.rows)} · ] next page · [ previous"
            )
        else:
            table.border_subtitle = f"{len(self.rows)} shown"
        self._show_filters()
        self._show_preview()

    def _cells(self, a: Action, today: date) -> list[object]:
        if a.hidden:
            title = user_text("", hidden=True)
        else:
            count = f" ({len(a.follow_ups)})" if a.follow_ups else ""
            title = user_text(one_line(a.title, self.flex - len(count)))
            title.append(count, style="dim")
        due = Text(due_short(a.due_on, today) if a.is_open else _closed(a))
        return [
            action_status_label(a, today),
            due,
            title,
            Text(a.owner),
            Text("commit" if a.kind == "commitment" else a.kind),
            visibility_label(a.visibility),
        ]

    def _show_counts(self, actions: list[Action], today: date) -> None:
        self.counts = Counter(_count_keys(a, today) for a in actions)
        self._show_counted()

    def _show_counted(self) -> None:
        counts: Counter[str] = Counter()
        for keys, n in self.counts.items():
            for key in keys:
                counts[key] += n
        still_open, in_progress = counts["still open"], counts["in_progress"]
        line = Text()
        line.append(f"! {counts['overdue']} overdue", style="bold")
        line.append(f"  ·  » {counts['due soon']} due soon")
        line.append(f"  ·  ○ {still_open} still open ({in_progress} in progress)")
        line.append(f"  ·  ✓ {counts['done']} done  ·  ✗ {counts['dropped']} dropped")
        shown = self.query_one("#actions-counts", Static)
        # Re-laying the screen out costs more than drawing the marked row: only when the line
        # may take another height (it did not, or does not, fit on one line).
        fits = line.cell_len <= shown.content_size.width
        shown.update(line, layout=not (fits and self._counts_fit))
        self._counts_fit = fits

    def _show_filters(self) -> None:
        words = {
            "status": dict(STATUS_FILTERS)[self.filters["status"]],
            "owner": dict(OWNER_FILTERS)[self.filters["owner"]],
            "kind": dict(KIND_FILTERS)[self.filters["kind"]],
        }
        self.query_one("#actions-filters", Static).update(
            f"Showing: status {words['status']} (S) · owner {words['owner']} (O) · "
            f"{words['kind']} (K) · 0 clears"
        )

    def _show_preview(self) -> None:
        preview = self.query_one("#action-preview", Static)
        action = self.current_action()
        if action is None:
            preview.update("", layout=False)  # its height is fixed: no new layout needed
            return
        if action.hidden:
            preview.update(user_text("", hidden=True), layout=False)
            return
        text = Text()
        text.append_text(user_text(action.title, style="bold"))
        text.append("\n")
        text.append_text(user_text(one_line(action.detail, 300), empty="(no detail)"))
        if action.follow_ups:
            last = action.follow_ups[-1]
            text.append(f"\nLast follow-up {last.on.isoformat()} ({last.author}): ", style="dim")
            text.append_text(user_text(one_line(last.note, 120), hidden=last.hidden, empty="—"))
        text.append("\n")
        text.append_text(visibility_label(action.visibility))
        text.append(" · Enter: follow-up log · f follow up · u due date", style="dim")
        preview.update(text, layout=False)

    @on(DataTable.RowHighlighted, "#tracker")
    def _highlighted(self) -> None:
        self._show_preview()

    # ----- ActionPage -----

    def current_action(self) -> Action | None:
        key = cursor_key(self.query_one("#tracker", DataTable))
        return self.by_id.get(key) if key else None

    def action_changed(self, action_id: str) -> None:
        """Re-read the changed action only and redraw its row in place.

        The row keeps its place until the tracker is next re-read (coming back to the screen,
        a filter), so the cursor does not jump away from what was just changed. An action that
        no longer passes the filters, or is not on this page, is a full re-read instead.
        """
        if action_id not in self.by_id:
            self.refresh_tracker(keep=action_id)
            return
        try:
            action = self.journal.action(action_id)
        except JournalError:
            self.refresh_tracker(keep=action_id)
            return
        today = self.journal.today()
        if not (
            self._passes_owner_and_kind(action)
            and matches_status(action, self.filters["status"], today)
        ):
            self.refresh_tracker(keep=action_id)
            return
        self.counts[_count_keys(self.by_id[action_id], today)] -= 1
        self.counts[_count_keys(action, today)] += 1
        self.actions = [action if a.id == action_id else a for a in self.actions]
        self.rows = [action if a.id == action_id else a for a in self.rows]
        self.by_id[action_id] = action
        width = self.app.size.width
        labels = [c[0] for c in shown_columns(COLUMNS, width)]
        cells = cell_picker(COLUMNS, width)(self._cells(action, today))
        table = self.query_one("#tracker", DataTable)
        update_row(table, action_id, dict(zip(labels, cells, strict=True)))
        self._show_counted()
        self._show_preview()

    def _passes_owner_and_kind(self, action: Action) -> bool:
        """The owner and kind filters, as `Journal.actions()` applies them."""
        owner, kind = self.filters["owner"], self.filters["kind"]
        if owner != "all" and action.owner not in (owner, "both"):
            return False
        return kind in ("all", action.kind)

    # ----- keys -----

    def action_filter(self, which: str) -> None:
        """Move the status, owner or kind filter on to its next value."""
        choices = {"status": STATUS_FILTERS, "owner": OWNER_FILTERS, "kind": KIND_FILTERS}[which]
        values = [v for v, _ in choices]
        self.filters[which] = values[(values.index(self.filters[which]) + 1) % len(values)]
        self.page = 0
        self.refresh_tracker()

    def action_clear_filters(self) -> None:
        """Show every action again."""
        self.filters = {"status": "all", "owner": "all", "kind": "all"}
        self.refresh_tracker()

    def action_page(self, by: int) -> None:
        """Show the next (1) or previous (-1) page of rows."""
        self.page += by
        table = self.query_one("#tracker", DataTable)
        table.clear()
        self.refresh_tracker(keep="__none__")
        table.move_cursor(row=0)

    def action_new_action(self) -> None:
        """Agree a new action or commitment."""

        def agreed(form: ActionForm | None) -> None:
            if form is None:
                return
            made: list[Action] = []
            if attempt(
                self,
                lambda: made.append(
                    self.journal.agree_action(
                        form.title,
                        detail=form.detail,
                        owner=form.owner,
                        kind=form.kind,
                        due_on=form.due_on,
                        visibility=form.visibility,
                    )
                ),
            ):
                self.filters["status"] = "all"
                self.refresh_tracker(keep=made[0].id)

        self.app.push_screen(
            ActionDialog(self.journal.today()).keep_drafts_at("action:new:"), agreed
        )

    def show_action(self, action_id: str) -> None:
        """Highlight one action (clearing filters that hide it)."""
        if action_id not in self.by_id:
            self.filters = {"status": "all", "owner": "all", "kind": "all"}
        self.refresh_tracker(keep=action_id)

    def action_open_action(self) -> None:
        """Open the highlighted action's page with its whole follow-up log."""
        from rmjournal.app.screens.action_detail import ActionDetailScreen

        action = self.current_action()
        if action is not None:
            self.app.push_screen(ActionDetailScreen(self.journal, action.id))


def _count_keys(a: Action, today: date) -> tuple[str, ...]:
    """The tallies of the counts line `a` adds one to: its state, and open / in progress."""
    keys = [action_state(a, today)]
    if a.is_open:
        keys.append("still open")
    if a.status == "in_progress":
        keys.append("in_progress")
    return tuple(keys)


def _closed(a: Action) -> str:
    return f"closed {a.closed_on.day} {a.closed_on:%b}" if a.closed_on else "closed"
