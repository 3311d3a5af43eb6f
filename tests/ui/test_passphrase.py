"""Job 9 inside the app: change your passphrase, and let the partner set their own."""

from __future__ import annotations

from pathlib import Path

from contentkit import keys_for, make_demo_journal, make_markup_journal
from contentkit import open_app as unlock_app
from testkit import MENTEE_PASSPHRASE, PASSPHRASE
from uikit import SIZE, settle

from rmjournal.app.dialogs.passphrase import PassphraseDialog
from rmjournal.app.dialogs.recovery import RecoveryKeyScreen
from rmjournal.core.errors import WrongSecret
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret

NEW = "four new unrelated words"


def opens_with(path: Path, passphrase: str, role: str | None = None) -> bool:
    try:
        with JournalFile.open(
            path, Secret.passphrase(passphrase), role_hint=role, allow_test_kdf=True
        ):
            return True
    except WrongSecret:
        return False


async def fill(pilot, *values: str) -> None:
    """Type each value into the dialog's fields in turn (Enter moves on, then saves)."""
    for value in values:
        await pilot.press(*keys_for(value), "enter")


async def wait_for(app, pilot, kind: type, present: bool = True) -> None:
    for _ in range(100):
        if isinstance(app.screen, kind) == present:
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{kind.__name__} {'never came' if present else 'never left'}")


async def lock(app, pilot) -> None:
    """Save and close the journal (ctrl+l), so the file can be opened here."""
    await pilot.press("ctrl+l")
    await settle(app, pilot)
    assert app.journal_file is None


async def test_change_your_passphrase_only_with_the_current_one(
    app_factory, tmp_path, clock
) -> None:
    path = make_demo_journal(tmp_path / "demo.rmj", clock)
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_app(app, pilot)
        journal = app.journal_file.journal
        journal.add_entry(journal.sessions()[0].id, "Unsaved until the key change")
        await app.run_action("change_passphrase")
        await wait_for(app, pilot, PassphraseDialog)
        await fill(pilot, "not the passphrase", NEW, "something else")
        assert isinstance(app.screen, PassphraseDialog)  # the two new ones differ: it stays
        await pilot.press("home", "ctrl+k", *keys_for(NEW), "enter")
        await wait_for(app, pilot, PassphraseDialog, present=False)
        await settle(app, pilot)
        await lock(app, pilot)
    assert opens_with(path, PASSPHRASE) and not opens_with(path, NEW)  # wrong current one

    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_app(app, pilot)
        await app.run_action("change_passphrase")
        await wait_for(app, pilot, PassphraseDialog)
        await fill(pilot, PASSPHRASE, NEW, NEW)
        await wait_for(app, pilot, PassphraseDialog, present=False)
        await settle(app, pilot)
        await lock(app, pilot)
    assert opens_with(path, NEW) and not opens_with(path, PASSPHRASE)
    assert opens_with(path, MENTEE_PASSPHRASE, "mentee")  # the partner's slot is untouched
    with JournalFile.open(path, Secret.passphrase(NEW), allow_test_kdf=True) as jf:
        texts = [e.text for s in jf.journal.sessions() for e in jf.journal.entries(s.id)]
    assert "Unsaved until the key change" in texts  # saved before the slots were rewritten


async def test_the_partner_sets_their_own_passphrase_once(app_factory, tmp_path, clock) -> None:
    path = make_markup_journal(tmp_path / "pair.rmj", clock)
    assert not opens_with(path, MENTEE_PASSPHRASE, "mentee")
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_app(app, pilot)
        await app.run_action("partner_passphrase")
        await wait_for(app, pilot, PassphraseDialog)
        assert not app.screen.query("#current")  # the partner types only their own
        await fill(pilot, "short", "short")
        assert isinstance(app.screen, PassphraseDialog)  # too short: refused in words
        await pilot.press("shift+tab", "shift+tab", "home", "ctrl+k")
        await fill(pilot, MENTEE_PASSPHRASE)
        await pilot.press("home", "ctrl+k")
        await fill(pilot, MENTEE_PASSPHRASE)
        await wait_for(app, pilot, RecoveryKeyScreen)  # their own recovery key, shown once
        assert "mentee's recovery key" in str(app.screen.query_one(".screen-title").render())
        await pilot.press("space", "enter")
        await wait_for(app, pilot, RecoveryKeyScreen, present=False)
        await app.run_action("partner_passphrase")  # a second time: theirs to change now
        await pilot.pause()
        assert not isinstance(app.screen, PassphraseDialog)
        await lock(app, pilot)
    assert opens_with(path, MENTEE_PASSPHRASE, "mentee") and opens_with(path, PASSPHRASE)


async def test_after_a_recovery_key_unlock_no_current_passphrase_is_asked(
    app_factory, journal_dir, clock
) -> None:
    from uikit import unlock

    path = journal_dir / "forgot.rmj"
    jf, recovery = JournalFile.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), test_kdf=True, clock=clock
    )
    jf.close()
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await unlock(app, pilot, recovery)
        notices = [n.message for n in app._notifications]
        assert any("Change your passphrase" in m for m in notices)  # the notice says where
        await app.run_action("change_passphrase")
        await wait_for(app, pilot, PassphraseDialog)
        assert not app.screen.query("#current")  # the forgotten one is not asked for
        await fill(pilot, NEW, NEW)
        await wait_for(app, pilot, PassphraseDialog, present=False)
        await settle(app, pilot)
        await lock(app, pilot)
    assert opens_with(path, NEW) and not opens_with(path, PASSPHRASE)


async def test_a_blank_current_passphrase_is_a_problem_in_words(
    app_factory, tmp_path, clock
) -> None:
    path = make_demo_journal(tmp_path / "demo.rmj", clock)
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_app(app, pilot)
        await app.run_action("change_passphrase")
        await wait_for(app, pilot, PassphraseDialog)
        await fill(pilot, "   ", NEW, NEW)  # only spaces: not a passphrase at all
        await pilot.pause()
        assert isinstance(app.screen, PassphraseDialog) and app.is_running
        problem = str(app.screen.query_one(".dialog-problem").render())
        assert "Type the passphrase you unlocked with" in problem
        assert app.focused is app.screen.query_one("#current")


async def test_a_passphrase_autotyped_field_by_field_lands_in_each_field(
    app_factory, tmp_path, clock
) -> None:
    """A password manager types "current⏎new⏎new⏎" in one go. Enter moved on only once the
    field had seen it, so every word after the first landed in the first field."""
    from textual import events

    path = make_demo_journal(tmp_path / "demo.rmj", clock)
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock_app(app, pilot)
        await app.run_action("change_passphrase")
        await wait_for(app, pilot, PassphraseDialog)
        for value in (PASSPHRASE, NEW, NEW):  # queued before any is handled: one read
            for char in value:
                app.post_message(events.Key("space" if char == " " else char, char))
            app.post_message(events.Key("enter", "\r"))
        await wait_for(app, pilot, PassphraseDialog, present=False)
        await settle(app, pilot)
        await lock(app, pilot)
    assert opens_with(path, NEW) and not opens_with(path, PASSPHRASE)
