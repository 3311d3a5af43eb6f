"""Helpers for the content screens' tests: a lived-in two-partner journal and unlocked apps.

The journal is the demo pair (five held sessions, actions in every state, the mentee's private
reflection) written with the test KDF and the test's FixedClock, so every screen is the same on
every run.
"""

from __future__ import annotations

from pathlib import Path

from testkit import MENTEE_PASSPHRASE, PASSPHRASE

from rmjournal.core import demo
from rmjournal.core.clock import FixedClock
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret

MARKUP = "[bold red]not bold[/] [link=https://x.test]x[/link] \x1b[31mred\x1b[0m"
"""Text that would turn into styles, links or terminal escapes if it were not shown literally."""


def make_demo_journal(path: Path, clock: FixedClock) -> Path:
    """The demo pair journal at `path`, opened by the mentor with `PASSPHRASE`."""
    jf, _ = JournalFile.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), role="mentor", test_kdf=True, clock=clock
    )
    with jf:
        demo.populate_mentor(jf.journal)
        jf.save()
        jf.vault.add_slot("mentee", Secret.passphrase(MENTEE_PASSPHRASE))
    with JournalFile.open(
        path,
        Secret.passphrase(MENTEE_PASSPHRASE),
        role_hint="mentee",
        allow_test_kdf=True,
        clock=clock,
    ) as mentee:
        demo.populate_mentee(mentee.journal)
        mentee.save()
    return path


def make_markup_journal(path: Path, clock: FixedClock) -> Path:
    """A journal whose every kind of user text holds markup and an ANSI escape."""
    jf, _ = JournalFile.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), role="mentor", test_kdf=True, clock=clock
    )
    from rmjournal.core.model import Person

    with jf:
        j = jf.journal
        j.start_pair(mentor=Person(f"M {MARKUP}", MARKUP), mentee=Person(f"E {MARKUP}", ""))
        s1 = j.add_session(clock.today(), status="held")
        item = j.add_agenda_item(s1.id, f"topic {MARKUP}", prompt=f"prompt {MARKUP}")
        j.record_notes(item.id, f"notes {MARKUP}")
        j.add_entry(s1.id, f"learning {MARKUP}", kind="learning", prompt=f"asked {MARKUP}")
        action = j.agree_action(f"action {MARKUP}", detail=f"detail {MARKUP}", agreed_in=s1.id)
        j.follow_up(action.id, f"follow {MARKUP}")
        j.plan_next_session()
        jf.save()
    return path


async def open_app(app, pilot) -> None:
    """Unlock the app's journal with the test passphrase and wait for the dashboard."""
    from uikit import unlock

    await unlock(app, pilot, PASSPHRASE)


def table_text(app, selector: str = "DataTable") -> str:
    """Every cell of every table on the current screen matching `selector`, as plain text."""
    from textual.widgets import DataTable

    lines = []
    for table in app.screen.query(selector).results(DataTable):
        for row in range(table.row_count):
            cells = table.get_row_at(row)
            lines.append(" | ".join(getattr(c, "plain", str(c)) for c in cells))
    return "\n".join(lines)


def rendered_text(app) -> str:
    """The current screen exactly as drawn (every line of the terminal), as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def shown_text(app) -> str:
    """What the current screen says: as drawn, plus every static text and table cell in full

    (scrolled-off parts included, so a test can find text below the fold)."""
    from uikit import screen_text

    titles = [
        str(title)
        for widget in app.screen.query("*")
        for title in (widget.border_title, widget.border_subtitle)
        if title
    ]
    return "\n".join((rendered_text(app), screen_text(app), table_text(app), *titles))


def keys_for(text: str) -> list[str]:
    """The key presses that type `text` (spaces are the "space" key)."""
    return ["space" if c == " " else c for c in text]


THEMES = ["dark", "high-contrast"]
"""Every content screen is snapshotted in these themes."""


async def steady(pilot) -> None:
    """No toasts, so a snapshot never catches one half-way (cursors never blink in tests:
    the `_steady_cursors` fixture)."""
    pilot.app.clear_notifications()
    await pilot.pause()


def snapshot_run(app, theme: str, *keys: str, then=None):
    """A `run_before` for snap_compare: unlock, choose `theme`, press `keys`, settle."""
    from uikit import settle

    async def run_before(pilot) -> None:
        await open_app(app, pilot)
        app.use_theme(theme, quiet=True)
        for key in keys:
            await pilot.press(key)
            await settle(app, pilot, rounds=1)
        if then is not None:
            await then(pilot)
        await settle(app, pilot)
        await steady(pilot)

    return run_before
