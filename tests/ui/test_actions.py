"""The follow-up tracker: order, filters, one-key status changes, follow-ups, due dates, paging."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from contentkit import THEMES, keys_for, make_demo_journal, open_app, shown_text, snapshot_run
from uikit import SIZE, settle

from rmjournal.app.screens.action_detail import ActionDetailScreen
from rmjournal.app.screens.actions import PAGE, ActionsScreen
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret


@pytest.fixture
def demo_path(journal_dir: Path, clock) -> Path:
    return make_demo_journal(journal_dir / "demo.rmj", clock)


def states(app) -> list[str]:
    """The State column, top to bottom."""
    table = app.screen.query_one("#tracker")
    return [table.get_row_at(i)[0].plain for i in range(table.row_count)]


async def test_tracker_order_filters_and_one_key_changes(app_factory, demo_path) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ActionsScreen)
        journal = app.journal_file.journal
        # the lived-in demo: two actions late, one due this week, two done, one dropped
        assert states(app) == ["! OVERDUE"] * 2 + ["» due soon"] + ["✓ done"] * 2 + ["✗ dropped"]
        overdue = journal.overdue()
        assert app.screen.current_action().id == overdue[0].id  # most overdue first
        await pilot.press("S", "S")  # status filter: still open → overdue
        assert states(app) == ["! OVERDUE"] * 2
        assert "status overdue" in shown_text(app)
        await pilot.press("0", "K", "K")  # commitments only
        assert {a.kind for a in app.screen.rows} == {"commitment"}
        await pilot.press("0", "O", "O")  # owner: the mentee (and both)
        assert {a.owner for a in app.screen.rows} <= {"mentee", "both"}
        await pilot.press("0")
        target = app.screen.current_action()
        await pilot.press("p")  # in progress (it already is: nothing logged)
        await pilot.press("D")  # dropped, one key
        assert journal.action(target.id).status == "dropped"
        assert app.screen.current_action().id == target.id  # the cursor follows it
        await pilot.press("o")  # reopened
        assert journal.action(target.id).status == "open"
        await pilot.press("x")  # done
        assert journal.action(target.id).status == "done"
        logged = [f.status for f in journal.action(target.id).follow_ups]
        assert logged[-3:] == ["dropped", "open", "done"]
        await pilot.press("u", "ctrl+u", "+", "3", "enter")  # due date: three days from now
        assert journal.action(target.id).due_on == journal.today() + timedelta(days=3)
        await pilot.press("u", "ctrl+u", "s", "o", "o", "n", "enter")  # not a date: unchanged
        assert journal.action(target.id).due_on == journal.today() + timedelta(days=3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ActionDetailScreen)
        await pilot.press("f", "O", "k", "enter")
        assert journal.action(target.id).follow_ups[-1].note == "Ok"
        text = shown_text(app)
        assert "Follow-up log" in text and "Ok" in text and "✓ done" in text
        await pilot.press("escape", "ctrl+p", *keys_for("actions drop"))  # the palette has it
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert journal.action(target.id).status == "dropped"
        await pilot.press("n")  # a new action from the tracker
        await pilot.press("N", "e", "w", "tab", "tab", "tab", "right")  # kind: commitment
        await pilot.press("ctrl+s")
        await pilot.pause()
        new = [a for a in journal.actions() if a.title == "New"]
        assert len(new) == 1 and new[0].kind == "commitment" and new[0].owner == "both"


async def test_hundreds_of_actions_are_paged(app_factory, journal_dir: Path, clock) -> None:
    path = journal_dir / "many.rmj"
    from uikit import make_journal

    make_journal(path, clock)
    with JournalFile.open(
        path, Secret.passphrase("correct horse battery staple"), allow_test_kdf=True, clock=clock
    ) as jf:
        with jf.journal.transaction():
            for n in range(PAGE * 3 + 7):
                jf.journal.agree_action(f"Action {n:03d}", due_on=clock.today() + timedelta(n))
        jf.save()
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        table = app.screen.query_one("#tracker")
        assert table.row_count == PAGE
        assert f"1–{PAGE} of {PAGE * 3 + 8}" in str(table.border_subtitle)
        await pilot.press("right_square_bracket")
        assert table.row_count == PAGE
        assert f"{PAGE + 1}–{2 * PAGE}" in str(table.border_subtitle)


@pytest.mark.parametrize("theme", THEMES)
def test_tracker_snapshot(snap_compare, app_factory, demo_path, theme: str) -> None:
    app = app_factory(demo_path)
    assert snap_compare(app, run_before=snapshot_run(app, theme, "a"), terminal_size=SIZE)


@pytest.mark.parametrize("theme", THEMES)
def test_action_page_snapshot(snap_compare, app_factory, demo_path, theme: str) -> None:
    app = app_factory(demo_path)
    run = snapshot_run(app, theme, "a", "enter")
    assert snap_compare(app, run_before=run, terminal_size=SIZE)


def test_agree_dialog_snapshot(snap_compare, app_factory, demo_path) -> None:
    app = app_factory(demo_path)
    assert snap_compare(app, run_before=snapshot_run(app, "dark", "a", "n"), terminal_size=SIZE)


async def test_a_status_key_redraws_that_row_only(app_factory, demo_path, monkeypatch) -> None:
    # Marking one action done must not re-read every action (a journal may hold thousands):
    # the row changes in place, the counts line follows, the rest of the table stays as it was.
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        screen = app.screen
        journal = app.journal_file.journal
        target = screen.current_action()
        before = states(app)
        reads: list[object] = []
        real = journal.actions
        monkeypatch.setattr(journal, "actions", lambda **kw: reads.append(kw) or real(**kw))
        await pilot.press("x")
        await pilot.pause()
        assert journal.action(target.id).status == "done"
        assert reads == []  # no re-read of the whole tracker
        assert screen.current_action().id == target.id
        assert screen.by_id[target.id].status == "done"
        assert states(app) == ["✓ done", *before[1:]]  # in place; the rest unchanged
        counts = str(screen.query_one("#actions-counts").render())
        assert f"✓ {before.count('✓ done') + 1} done" in counts
        assert f"! {before.count('! OVERDUE') - 1} overdue" in counts
        await pilot.press("o")  # open again: the counts come back
        await pilot.pause()
        assert reads == []
        assert f"! {before.count('! OVERDUE')} overdue" in str(
            screen.query_one("#actions-counts").render()
        )
        await pilot.press("s", "a")  # leaving and coming back re-reads, in tracker order
        await settle(app, pilot)
        assert len(reads) == 1


async def test_marking_done_draws_only_the_changed_row(app_factory, demo_path, monkeypatch) -> None:
    """The other rows' cells are not drawn again (a page holds up to PAGE rows), and the
    changed row shows its new state."""
    from textual.widgets import DataTable

    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        table = app.screen.query_one("#tracker", DataTable)
        assert table.row_count > 3
        target = app.screen.current_action()
        drawn: list[int] = []
        real = DataTable._render_cell

        def counted(self, row_index: int, *args: object, **kwargs: object) -> object:
            drawn.append(row_index)
            return real(self, row_index, *args, **kwargs)

        monkeypatch.setattr(DataTable, "_render_cell", counted)
        await pilot.press("x")
        await settle(app, pilot)
        assert app.journal_file.journal.action(target.id).status == "done"
        assert states(app)[0] == "✓ done"
        assert "✓ done" in shown_text(app)
        assert drawn and set(drawn) == {0}  # the marked row (the cursor's), no other


async def test_at_80_columns_titles_keep_their_room(app_factory, demo_path) -> None:
    """At 80×24 the Visibility column gives way (the highlighted action's panel names it), so
    titles keep 24 cells or more; marking done still redraws the row in place."""
    app = app_factory(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_app(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        table = app.screen.query_one("#tracker")
        widths = {str(c.label): c.width for c in table.columns.values()}
        assert "Visibility" not in widths and widths["Title"] >= 24
        first = app.screen.current_action()
        preview = str(app.screen.query_one("#action-preview").render())
        assert first.title in preview and "⇄ pair" in preview
        await pilot.press("space")
        await settle(app, pilot)
        assert app.journal_file.journal.action(first.id).status == "done"
        row = table.get_row(first.id)
        assert len(row) == len(widths) and row[0].plain == "✓ done"


async def test_words_typed_as_the_follow_up_dialog_opens_land_in_it(app_factory, demo_path) -> None:
    """`f` and the words typed straight after it, in one read: they reached the tracker (its
    space marks an action done) or the dialog before its field had the focus, not the field."""
    from textual import events

    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, ActionsScreen)
        target = app.screen.current_action()
        for key in ["f", *"Sent it", "enter"]:  # queued before any is handled
            name = {" ": "space", "\r": "enter"}.get(key, key)
            app.post_message(events.Key(name, "\r" if key == "enter" else key))
        await settle(app, pilot, rounds=4)
        assert isinstance(app.screen, ActionsScreen)  # Enter saved the follow-up
        notes = [f.note for f in app.journal_file.journal.action(target.id).follow_ups]
        assert notes[-1] == "Sent it"
        assert target.status == app.journal_file.journal.action(target.id).status  # no space


async def test_keys_reaching_a_dialog_before_its_field_has_the_focus_wait_for_it(
    app_factory, demo_path
) -> None:
    """A dialog is on the screen before it has composed its fields and focused the first:
    keys that reach it in between were handed to the dialog itself and went nowhere."""
    from textual import events

    from rmjournal.app.dialogs.form import AskDialog

    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        answers: list[str | None] = []
        app.push_screen(AskDialog("Due date", "When?"), answers.append)  # not waited for
        assert app.screen.focused is None  # not composed yet: nothing to type into
        for char in "friday":
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        await settle(app, pilot, rounds=4)
        assert answers == ["friday"]
