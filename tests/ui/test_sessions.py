"""Sessions: the list, preparing an agenda by key, and recording a session (notes, outcomes)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from contentkit import THEMES, keys_for, make_demo_journal, open_app, shown_text, snapshot_run
from uikit import SIZE, settle, step

from rmjournal.app.dialogs.form import ConfirmDialog
from rmjournal.app.dialogs.prompt_picker import PromptPicker
from rmjournal.app.dialogs.session_forms import EntryDialog, SessionDialog
from rmjournal.app.screens.agenda import AgendaScreen
from rmjournal.app.screens.dashboard import DashboardScreen
from rmjournal.app.screens.record import RecordScreen
from rmjournal.app.screens.sessions import SessionsScreen
from rmjournal.app.widgets.labels import PRIVATE_PLACEHOLDER


@pytest.fixture
def demo_path(journal_dir: Path, clock) -> Path:
    return make_demo_journal(journal_dir / "demo.rmj", clock)


async def test_agenda_keys_order_time_box_raise_and_prompt(app_factory, demo_path) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionsScreen)
        text = shown_text(app)
        assert "6 of 10 planned sessions held" in text and "○ planned" in text
        await pilot.press("p")  # the highlighted row is the planned session
        await settle(app, pilot)
        assert isinstance(app.screen, AgendaScreen)
        journal = app.journal_file.journal
        sid = app.screen.session_id
        first, second = journal.agenda(sid)[:2]
        assert first.carried_from and second.action_id  # pre-filled
        await pilot.press("shift+down")  # first topic moves down one
        assert [i.id for i in journal.agenda(sid)[:2]] == [second.id, first.id]
        await pilot.press("w")  # who raised it: mentor ↔ mentee
        assert journal.agenda_item(first.id).raised_by == "mentee"
        await pilot.press("t", "4", "5", "enter")
        assert journal.agenda_item(first.id).minutes == 45
        await pilot.press("t", "x", "enter")  # not a number: nothing changes
        assert journal.agenda_item(first.id).minutes == 45
        await pilot.press("p")
        picker = app.screen
        assert isinstance(picker, PromptPicker)
        assert picker.shown and all(p.phase == "before" for p in picker.shown)
        assert all(p.for_ in ("mentor", "both") for p in picker.shown)
        await pilot.press("f")  # phase → after
        assert all(p.phase == "after" for p in picker.shown)
        await pilot.press("w")  # for → the mentee (and both)
        assert all(p.for_ in ("mentee", "both") for p in picker.shown)
        await pilot.press("down", "enter")
        chosen = picker.shown[1].text
        await pilot.pause()
        assert journal.agenda_item(first.id).prompt == chosen
        await pilot.press("c")  # nothing new to carry over: idempotent
        count = len(journal.agenda(sid))
        await pilot.press("delete")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.pause()
        assert len(journal.agenda(sid)) == count - 1
        assert journal.agenda(sid)[1].id != first.id
        text = shown_text(app)
        assert "45 min" not in text  # the removed topic went with its time box
        assert "⚑ action" in text and "⇄ pair" in text


async def open_fourth_record(app, pilot):
    """Unlock, then open session 4's record from the sessions list (7 → 4); its Session."""
    await open_app(app, pilot)
    journal = app.journal_file.journal
    await pilot.press("s", "up", "up", "up", "enter")
    await settle(app, pilot)
    assert isinstance(app.screen, RecordScreen)
    return next(s for s in journal.sessions() if s.number == 4)


async def test_record_outcomes_notes_visibility_and_privacy(app_factory, demo_path) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        fourth = await open_fourth_record(app, pilot)
        journal = app.journal_file.journal
        assert isinstance(app.screen, RecordScreen) and app.screen.session_id == fourth.id
        text = shown_text(app)
        # The mentee's private reflection is there, but only as a placeholder.
        assert PRIVATE_PLACEHOLDER in text
        assert "I felt defensive" not in text
        assert "→ carried over" in text and "✓ discussed" in text
        items = journal.agenda(fourth.id)
        await pilot.press("down", "3")  # second topic dropped
        assert journal.agenda_item(items[1].id).outcome == "dropped"
        await pilot.press("up", "v")  # first topic: pair → shareable
        assert journal.agenda_item(items[0].id).visibility == "shareable"
        assert "↗ shareable" in shown_text(app)
        await pilot.press("enter", "end", "space", "d", "s")  # inside the notes, keys are text
        assert isinstance(app.screen, RecordScreen)
        await pilot.press("escape")  # leaves the notes, saved
        assert " ds" in journal.agenda_item(items[0].id).notes
        await pilot.press("tab", "tab", "v")  # the entries: the partner's is not ours to change
        assert journal.entries(fourth.id)[0].visibility == "private"
        await pilot.press("escape", "escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionsScreen)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_change_an_entry_you_wrote_not_your_partners(app_factory, demo_path) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        fourth = await open_fourth_record(app, pilot)
        journal = app.journal_file.journal
        await pilot.press("n", *keys_for("Panle chair"), "ctrl+s")  # a typo, saved
        await pilot.pause()
        written = journal.entries(fourth.id)[-1]
        assert (written.text, written.author) == ("Panle chair", journal.me)
        await pilot.press("tab", "tab", "enter")  # the entries; the cursor is on the new one
        assert isinstance(app.screen, EntryDialog)
        await pilot.press("home", "right", "right", "right", "delete", "delete", "e", "l")
        await pilot.press("shift+tab", "right")  # kind: note → reflection (so: private)
        await pilot.press("tab", "tab", "right", "right")  # who may read: → pair → shareable
        await pilot.press("ctrl+s")
        await pilot.pause()
        changed = journal.entry(written.id)
        assert (changed.text, changed.kind) == ("Panel chair", "reflection")
        assert changed.visibility == "shareable" and changed.created_at == written.created_at
        assert "Panel chair" in shown_text(app)
        first = journal.entries(fourth.id)[0]
        await pilot.press(*["up"] * 9, "enter")  # the mentee's private reflection: not ours
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert first.author != journal.me and first.hidden
        theirs = journal.entries(fourth.id)[1]  # the mentee's shareable learning
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)  # no dialog: theirs to change
        assert theirs.author != journal.me and journal.entry(theirs.id) == theirs


async def test_palette_plans_a_session_from_inside_another_one(app_factory, demo_path) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_fourth_record(app, pilot)  # session 4's record, over the list
        journal = app.journal_file.journal
        await pilot.press("enter", *keys_for("kept"))  # typing notes on the first topic
        await app.run_action("screen_action('sessions', 'new_session')")  # the palette's command
        await settle(app, pilot)
        assert isinstance(app.screen, AgendaScreen)  # the next session's (the planned seventh)
        assert app.screen.session_id == journal.next_session().id
        fourth = next(s for s in journal.sessions() if s.number == 4)
        assert journal.agenda(fourth.id)[0].notes.startswith("kept")  # saved on the way


async def test_move_a_session_and_change_its_place(app_factory, demo_path) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        journal = app.journal_file.journal
        planned = journal.next_session()
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("m")  # the highlighted row is the planned session
        assert isinstance(app.screen, SessionDialog)
        await pilot.press("home", "ctrl+k", *keys_for("someday"), "enter")
        assert isinstance(app.screen, SessionDialog)  # not a date: the dialog says so, stays
        await pilot.press("home", "ctrl+k", *keys_for("+3"), "tab")
        await pilot.press(*keys_for("Room 4 [bold]"), "enter")
        await pilot.pause()
        moved = journal.session(planned.id)
        assert moved.date == journal.today() + timedelta(days=3)
        assert moved.place == "Room 4 [bold]" and moved.status == "planned"
        assert "Room 4 [bold]" in shown_text(app)  # user text shown as text


@pytest.mark.parametrize("theme", THEMES)
def test_sessions_list_snapshot(snap_compare, app_factory, demo_path, theme: str) -> None:
    app = app_factory(demo_path)
    assert snap_compare(app, run_before=snapshot_run(app, theme, "s"), terminal_size=SIZE)


@pytest.mark.parametrize("theme", THEMES)
def test_agenda_snapshot(snap_compare, app_factory, demo_path, theme: str) -> None:
    app = app_factory(demo_path)
    assert snap_compare(app, run_before=snapshot_run(app, theme, "s", "p"), terminal_size=SIZE)


@pytest.mark.parametrize("theme", THEMES)
def test_record_snapshot(snap_compare, app_factory, demo_path, theme: str) -> None:
    app = app_factory(demo_path)
    run = snapshot_run(app, theme, "s", "up", "up", "enter")
    assert snap_compare(app, run_before=run, terminal_size=SIZE)


def test_prompt_picker_snapshot(snap_compare, app_factory, demo_path) -> None:
    app = app_factory(demo_path)
    run = snapshot_run(app, "dark", "s", "up", "enter", "p")
    assert snap_compare(app, run_before=run, terminal_size=SIZE)


async def test_back_to_the_list_redraws_only_what_changed(
    app_factory, demo_path, monkeypatch
) -> None:
    # Escape from a session's page must not rebuild every row (a journal may hold thousands of
    # sessions): nothing is read when nothing changed; otherwise only changed cells redraw.
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SessionsScreen)
        journal = app.journal_file.journal
        table = screen.query_one("#sessions")
        reads: list[str] = []
        clears: list[bool] = []
        real_sessions, real_clear = journal.sessions, table.clear
        monkeypatch.setattr(journal, "sessions", lambda: reads.append("s") or real_sessions())
        monkeypatch.setattr(
            table, "clear", lambda columns=False: clears.append(columns) or real_clear(columns)
        )
        await pilot.press("p")  # the planned session's agenda, then back without a change
        await settle(app, pilot)
        assert isinstance(app.screen, AgendaScreen)
        sid = app.screen.session_id
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and reads == [] and clears == []
        row = table.get_row_index(sid)
        before = [str(c) for c in table.get_row_at(row)]
        others = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count) if i != row]
        await pilot.press("p")
        await settle(app, pilot)
        first = app.screen.query_one("#agenda")  # remove the first topic: its counts change
        first.focus()
        await pilot.press("delete", "y")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and reads == ["s"] and clears == []
        after = [str(c) for c in table.get_row_at(row)]
        assert int(after[3]) == int(before[3]) - 1  # one topic fewer, redrawn in place
        assert [
            [str(c) for c in table.get_row_at(i)] for i in range(table.row_count) if i != row
        ] == others
        assert screen.query_one("#sessions").cursor_row == row


async def test_pages_opened_and_closed_leave_no_widget_behind(app_factory, demo_path) -> None:
    # Textual drops a closed widget's watchers of the app only when the watched attribute next
    # changes (#6666): each record or agenda page stayed in memory whole until the title or the
    # theme changed. The app drops them as each page is removed. (Textual may still hold the
    # page last closed for a moment: at most one, however many were opened.)
    import gc

    from textual.widgets import Header, TextArea

    from rmjournal.app.widgets.status import StatusLine

    def detached() -> int:
        gc.collect()
        kinds = (Header, TextArea, StatusLine, RecordScreen, AgendaScreen)
        return sum(1 for o in gc.get_objects() if isinstance(o, kinds) and not o.is_attached)

    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        left = []
        for _ in range(4):
            for key in ("enter", "p"):  # the record page, then the agenda
                await pilot.press(key)
                await settle(app, pilot)
                assert isinstance(app.screen, RecordScreen | AgendaScreen)
                await pilot.press("escape")
                await settle(app, pilot)
                assert isinstance(app.screen, SessionsScreen)
            left.append(detached())
        # What kept them: the app's watchers. None is a removed widget's (Textual's own list).
        watchers = getattr(app, "__watchers", {})
        assert not [n for entries in watchers.values() for n, _ in entries if not n.is_attached]
        # Kept, each page was lost: 6, 11, 16, 21 widgets after 2, 4, 6, 8 pages. Textual may
        # still hold the page last closed for a moment, so the bound is two pages' worth.
        assert max(left) <= 10, left


async def test_at_80_columns_topics_keep_their_room_and_nothing_is_lost(
    app_factory, demo_path
) -> None:
    """On an 80×24 terminal the columns that give way (the agenda's prompt, the record's
    visibility and the entries' prompt) leave the topics room; what they held is shown for
    the highlighted topic."""
    app = app_factory(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_app(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        assert isinstance(app.screen, AgendaScreen)
        table = app.screen.agenda_table()
        widths = {str(c.label): c.width for c in table.columns.values()}
        assert "Prompt" not in widths and widths["Topic"] >= 24 and "Visibility" in widths
        first = app.journal_file.journal.agenda(app.screen.session_id)[0]
        detail = str(app.screen.query_one("#topic-detail").render())
        assert first.topic in detail and f"Raised by the {first.raised_by}" in detail
        await pilot.press("down")
        second = app.journal_file.journal.agenda(app.screen.session_id)[1]
        assert second.topic in str(app.screen.query_one("#topic-detail").render())
        await pilot.press("o")  # record it
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        agenda = {str(c.label): c.width for c in app.screen.agenda_table().columns.values()}
        assert "Visibility" not in agenda and agenda["Topic"] >= 24
        assert "⇄ pair" in str(app.screen.query_one("#notes-box").border_subtitle)
        entries = {str(c.label) for c in app.screen.query_one("#entries").columns.values()}
        assert entries == {"Kind", "By", "Text", "Visibility"}


def test_columns_give_way_lowest_first_only_while_the_flexible_one_is_narrow() -> None:
    from rmjournal.app.widgets.tables import MIN_FLEX, cell_picker, flex_width, shown_columns

    columns = [("#", 2), ("Topic", None), ("From", 10), ("Raised by", 9, 2), ("Time", 6),
               ("Prompt", 18, 1), ("Visibility", 11)]  # fmt: skip
    assert [c[0] for c in shown_columns(columns, 140)] == [c[0] for c in columns]
    at_80 = [c[0] for c in shown_columns(columns, 80)]
    assert at_80 == ["#", "Topic", "From", "Raised by", "Time", "Visibility"]
    assert flex_width(columns, 80) >= MIN_FLEX
    assert "Raised by" not in [c[0] for c in shown_columns(columns, 70)]
    assert cell_picker(columns, 80)(list("1tfrTpv")) == list("1tfrTv")


def _burst(app, keys: list[str]) -> None:
    """Queue `keys` before any is handled, as a terminal hands over what was typed quickly (or
    autotyped, or pasted without bracketed paste) in one read."""
    from textual import events

    names = {"tab": "\t", "enter": "\r", "down": None, "up": None, "ctrl+s": "\x13"}
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else names[key]))


async def test_keys_typed_in_a_burst_land_in_the_field_tab_moved_to(app_factory, demo_path) -> None:
    """Tab moved the focus only once the field had seen the key, so the keys after it went
    into the field left behind: "Accents7" and no time box. Tab is taken first now."""
    from rmjournal.app.dialogs.session_forms import TopicDialog

    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        sid = app.screen.session_id
        journal = app.journal_file.journal
        before = len(journal.agenda(sid))
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, TopicDialog)
        _burst(app, [*"Accents", "tab", "tab", "7", "enter"])
        await settle(app, pilot, rounds=4)
        items = journal.agenda(sid)
        assert len(items) == before + 1
        assert (items[-1].topic, items[-1].minutes) == ("Accents", 7)


async def test_ctrl_s_in_a_burst_saves_every_key_typed_before_it(app_factory, demo_path) -> None:
    """ctrl+s is taken before the field sees the keys already on their way to it; it saved
    "I interrupt people with accents mo" and the rest of the sentence went to the screen
    behind as commands. It now waits for the keys typed before it."""
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        fourth = await open_fourth_record(app, pilot)
        journal = app.journal_file.journal
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, EntryDialog)
        words = "I interrupt people with accents more often"
        _burst(app, [*words, "ctrl+s"])
        await settle(app, pilot, rounds=4)
        assert isinstance(app.screen, RecordScreen)
        assert journal.entries(fourth.id)[-1].text == words


async def test_a_paste_in_a_burst_lands_in_the_dialog_the_key_before_it_opened(
    app_factory, demo_path
) -> None:
    """A bracketed paste was handed to the focused widget at once, ahead of keys still on their
    way: `n` then a paste put the pasted words nowhere (the list behind had the focus) and the
    new entry's dialog opened empty. A paste now waits its turn as a key does."""
    from textual import events

    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        fourth = await open_fourth_record(app, pilot)
        journal = app.journal_file.journal
        before = len(journal.entries(fourth.id))
        words = "Pasted from my notes: the panel was all men"
        _burst(app, ["n"])
        app.post_message(events.Paste(words))
        _burst(app, ["ctrl+s"])
        await settle(app, pilot, rounds=6)
        assert isinstance(app.screen, RecordScreen)
        entries = journal.entries(fourth.id)
        assert len(entries) == before + 1
        assert entries[-1].text == words


async def test_enter_in_a_burst_opens_the_row_the_arrows_moved_to(app_factory, demo_path) -> None:
    """Enter on the sessions list opened the row highlighted before the arrows typed just
    ahead of it had moved the cursor."""
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        journal = app.journal_file.journal
        _burst(app, ["up", "up", "up", "enter"])  # 7 → 4
        await settle(app, pilot, rounds=4)
        assert isinstance(app.screen, RecordScreen)
        fourth = next(s for s in journal.sessions() if s.number == 4)
        assert app.screen.session_id == fourth.id


async def test_every_choice_of_who_may_read_shows_whole_at_80_cols(app_factory, demo_path) -> None:
    """The choice is laid out once; it was as wide as the first choice, so "↗ shareable: may go
    in the summary" showed as "◂ ↗ shareable: may go", the rest and the ▸ cut off."""
    from contentkit import rendered_text

    from rmjournal.app.dialogs.action_forms import VISIBILITY_CHOICES

    app = app_factory(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_fourth_record(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, EntryDialog)
        await pilot.press("tab")  # from the text to who may read it
        seen = []
        for _ in VISIBILITY_CHOICES:
            await pilot.press("right")
            await pilot.pause()
            seen.append(rendered_text(app))
        for _, label in VISIBILITY_CHOICES:
            shown = [line for text in seen for line in text.splitlines() if "Who may" in line]
            assert any(f"◂ {label} ▸" in line for line in shown), shown


async def test_a_tall_dialog_at_80x24_shows_each_fields_label_with_it(
    app_factory, demo_path
) -> None:
    """The date & place dialog is taller than 24 rows; it opened scrolled to its first field,
    hiding the dialog's title and the field's own label, and Tab showed fields without theirs."""
    from contentkit import rendered_text

    app = app_factory(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_app(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionDialog)
        drawn = rendered_text(app)
        assert "date, time and place" in drawn, drawn  # the dialog's title
        assert "Date" in drawn.split("Place")[0]  # the first field's label, above it
        for label in ("Place", "Time of day", "Length in minutes"):
            await pilot.press("tab")
            await pilot.pause()
            assert label in rendered_text(app), label


@pytest.mark.parametrize(("answer", "dated_today"), [("t", True), ("p", False), ("escape", None)])
async def test_a_session_held_before_its_day_asks_when_it_took_place(
    app_factory, demo_path, answer: str, dated_today: bool | None
) -> None:
    """`h` on a session dated after today asks whether the pair met early (held today) or it
    took place on its planned day; Escape marks nothing. A meeting held "in 9 days" is what the
    dashboard showed when it could not ask."""
    from rmjournal.app.dialogs.form import ChoiceDialog

    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        journal = app.journal_file.journal
        today = journal.today()
        planned = journal.next_session()
        assert planned is not None and planned.date > today
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press(answer)
        await settle(app, pilot)
        assert isinstance(app.screen, SessionsScreen)
        now = journal.session(planned.id)
        if dated_today is None:
            assert (now.status, now.date) == ("planned", planned.date)
            return
        assert now.status == "held"
        assert now.date == (today if dated_today else planned.date)
        said = [str(n.message) for n in app._notifications]
        wanted = f"Session {planned.number} marked as held" + (
            ", dated today." if dated_today else "."
        )
        assert wanted in said, said


async def test_at_80x24_a_dialog_keeps_its_keys_and_the_picker_its_filters_in_sight(
    app_factory, demo_path
) -> None:
    """The action dialog is taller than 24 rows: its keys ("ctrl+s saves") sat below the last
    row until the last field was reached, and never showed with the first. The prompt picker
    opened scrolled past its title and its filters, so which prompts it listed was not shown."""
    from contentkit import rendered_text

    from rmjournal.app.dialogs.action_forms import ActionDialog

    app = app_factory(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_fourth_record(app, pilot)
        await pilot.press("g")
        await step(pilot)
        assert isinstance(app.screen, ActionDialog)
        for _ in range(6):  # every field in turn, the keys in sight with each
            drawn = rendered_text(app)
            assert "ctrl+s saves" in drawn and "Escape cancels" in drawn, drawn
            await pilot.press("tab")
            await pilot.pause()
        await pilot.press("escape")
        await step(pilot)
        await pilot.press("p")
        await step(pilot)
        assert isinstance(app.screen, PromptPicker)
        drawn = rendered_text(app)
        for shown in ("Choose a reflection prompt", "Show prompts", "Enter picks"):
            assert shown in drawn, drawn
        assert app.screen.shown[0].text.split()[0] in drawn  # and the list itself


async def test_a_reflection_can_be_written_without_a_prompt(app_factory, demo_path) -> None:
    """`p` offered prompts only: a mentee who wanted to write typed into the list, and the
    words went nowhere. The list now starts with writing without a prompt (Enter on a prompt
    still picks it, as before)."""
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        session = await open_fourth_record(app, pilot)
        journal = app.journal_file.journal
        before = {e.id for e in journal.entries(session.id)}
        await pilot.press("p")
        await step(pilot)
        picker = app.screen
        assert isinstance(picker, PromptPicker)
        options = picker.query_one("#prompt-list")
        assert "Write a reflection without a prompt" in str(options.get_option_at_index(0).prompt)
        assert options.highlighted == 1  # the first prompt, as before
        await pilot.press("up", "enter")
        await step(pilot)
        assert isinstance(app.screen, EntryDialog) and app.screen.prompt is None
        app.screen.query_one("#entry-text").load_text("Uncomfortable, and useful.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        (new,) = [e for e in journal.entries(session.id) if e.id not in before]
        assert (new.kind, new.prompt, new.text) == (
            "reflection",
            None,
            "Uncomfortable, and useful.",
        )
        assert new.visibility == "private"  # a reflection is the writer's own unless changed
