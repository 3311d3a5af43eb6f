"""The jobs of product.md end to end, by keyboard alone, from a new journal to lock and unlock.

One long journey (creating a journal costs a KDF run, so it is done once): create the pair
journal, prepare an agenda, record outcomes and a reflection against a prompt, agree an action,
plan the next session (which carries over what is unfinished), follow the action up to done,
search, lock with ctrl+l and unlock again. Each step asserts on the journal and on the screen.
"""

from __future__ import annotations

from contentkit import keys_for, shown_text
from uikit import SIZE, settle

from rmjournal.app.dialogs.prompt_picker import PromptPicker
from rmjournal.app.dialogs.recovery import RecoveryKeyScreen
from rmjournal.app.screens.action_detail import ActionDetailScreen
from rmjournal.app.screens.actions import ActionsScreen
from rmjournal.app.screens.agenda import AgendaScreen
from rmjournal.app.screens.create import CreateScreen
from rmjournal.app.screens.dashboard import DashboardScreen
from rmjournal.app.screens.record import RecordScreen
from rmjournal.app.screens.search import SearchScreen
from rmjournal.app.screens.sessions import SessionsScreen
from rmjournal.app.screens.unlock import UnlockScreen

PASS = "jam ox fig"
"""Short on purpose (every key pressed in a pilot test costs tens of milliseconds), and strong
enough for the passphrase policy (zxcvbn score 3)."""


async def type_in(pilot, text: str) -> None:
    """Type `text` key by key into whatever has focus."""
    await pilot.press(*keys_for(text))


async def create_by_keyboard(app, pilot) -> None:
    """Job 1: the create screen filled in by keys, the recovery key confirmed."""
    assert isinstance(app.screen, UnlockScreen)
    await pilot.press("ctrl+n")  # no journal yet: start one
    await pilot.pause()
    assert isinstance(app.screen, CreateScreen)
    await type_in(pilot, "Ama [b]")
    await pilot.press("enter", "enter", "enter")  # mentor's name, title and network
    await type_in(pilot, "Sir D")
    await pilot.press("enter", "enter", "enter")  # mentee's name, title and network
    await pilot.press("enter")  # "I am the mentor" (already chosen)
    await pilot.press(*["tab"] * 8)  # the plan (4 fields), the agreement, two goals boxes
    await type_in(pilot, PASS)
    await pilot.press("enter")
    await type_in(pilot, PASS)
    await pilot.press("enter", "enter")  # the file name is made from the names
    await settle(app, pilot)
    assert isinstance(app.screen, RecoveryKeyScreen), shown_text(app)
    await pilot.press("space", "enter")
    await settle(app, pilot)


async def test_every_job_by_keyboard(app_factory) -> None:
    app = app_factory(None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await create_by_keyboard(app, pilot)
        journal = app.journal_file.journal
        assert isinstance(app.screen, DashboardScreen)
        text = shown_text(app)
        assert "Ama [b]" in text and "Sir D" in text  # names shown literally
        assert "No session planned" in text

        # Job 2: plan the first session and prepare its agenda.
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, AgendaScreen)
        await pilot.press("n")
        await type_in(pilot, "Access")
        await pilot.press("tab", "right", "tab")  # raised by the mentee
        await type_in(pilot, "20")
        await pilot.press("enter")
        await pilot.press("n")
        await type_in(pilot, "Stretch")
        await pilot.press("enter")
        await pilot.pause()
        session = journal.sessions()[0]
        topics = journal.agenda(session.id)
        assert [(i.topic, i.raised_by, i.minutes) for i in topics] == [
            ("Access", "mentee", 20),
            ("Stretch", "mentor", None),
        ]
        await pilot.press("shift+up")  # "Stretch" first
        await pilot.press("t", *keys_for("15"), "enter")  # time-boxed
        await pilot.press("p")
        assert isinstance(app.screen, PromptPicker)
        first_prompt = app.screen.shown[0].text
        await pilot.press("enter")
        await pilot.pause()
        topics = journal.agenda(session.id)
        assert [i.topic for i in topics] == ["Stretch", "Access"]
        assert (topics[0].minutes, topics[0].prompt) == (15, first_prompt)
        assert "15 min" in shown_text(app) and "⇄ pair" in shown_text(app)

        # Job 3: record the session: notes, outcomes, a reflection against a prompt.
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        await pilot.press("enter")  # notes on the first topic
        await type_in(pilot, "Chats")
        await pilot.press("escape")  # leave the notes: saved
        await pilot.press("1")  # discussed; the cursor moves to the next topic
        await pilot.press("2")  # carried over
        await pilot.press("p")
        assert isinstance(app.screen, PromptPicker)
        await pilot.press("enter")
        await type_in(pilot, "Defensive")
        await pilot.press("ctrl+s")
        await pilot.press("l")
        await type_in(pilot, "Corridors")
        await pilot.press("ctrl+s")
        await pilot.press("h")  # held
        await pilot.pause()
        topics = journal.agenda(session.id)
        assert topics[0].notes == "Chats"
        assert [i.outcome for i in topics] == ["discussed", "carried_over"]
        reflection, learning = journal.entries(session.id)
        assert reflection.kind == "reflection" and reflection.visibility == "private"
        assert reflection.text == "Defensive" and reflection.prompt
        assert learning.kind == "learning" and learning.text == "Corridors"
        assert journal.session(session.id).status == "held"
        text = shown_text(app)
        assert "✓ discussed" in text and "→ carried over" in text and "⊘ private" in text

        # Job 4: agree an action in this session.
        await pilot.press("g")
        await type_in(pilot, "Checklist")
        await pilot.press("tab", "tab", "right", "right")  # detail; owner → the mentee
        await pilot.press("tab", "tab")  # kind stays "action"; due date
        await type_in(pilot, "+7")
        await pilot.press("ctrl+s")
        await pilot.pause()
        (action,) = journal.actions()
        assert (action.title, action.owner, action.agreed_in) == (
            "Checklist",
            "mentee",
            session.id,
        )
        assert action.due_on is not None and (action.due_on - journal.today()).days == 7

        # Job 2 again: the next agenda carries over the unfinished topic and the open action.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionsScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, AgendaScreen)
        second = journal.next_session()
        carried = journal.agenda(second.id)
        assert [i.topic for i in carried] == [
            "Access",
            "Follow-up: Checklist",
        ]
        text = shown_text(app)
        assert "↻ carried" in text and "⚑ action" in text

        # Job 5: follow the action up to done, from the tracker.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ActionsScreen)
        assert "Checklist" in shown_text(app)
        await pilot.press("f")
        await type_in(pilot, "Sent")
        await pilot.press("tab", "right")  # status → in progress
        await pilot.press("enter")
        await pilot.pause()
        assert journal.action(action.id).status == "in_progress"
        await pilot.press("space")  # done in one key
        await pilot.pause()
        done = journal.action(action.id)
        assert done.status == "done" and done.closed_on == journal.today()
        assert [f.status for f in done.follow_ups] == ["in_progress", "done"]
        assert "✓ done" in shown_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActionDetailScreen)
        assert "Sent" in shown_text(app)
        await pilot.press("escape")

        # Job 8: search, and open the result in its place.
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await type_in(pilot, "chats")
        await pilot.pause(0.3)
        assert "Chats" in shown_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert app.screen.session_id == session.id

        # Job 9: lock now (content gone), then unlock again by typing the passphrase.
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert app.journal_file is None
        assert "Chats" not in shown_text(app)
        await type_in(pilot, PASS)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen), shown_text(app)
        text = shown_text(app)
        assert "Ama [b]" in text and "Corridors" in text
        assert "Session 2" in text  # the next session, planned before locking
        assert "0 overdue" in text
