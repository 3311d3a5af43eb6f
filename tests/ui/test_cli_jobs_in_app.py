"""What the command line alone wrote, the app shows: one journal, both faces (issue #17).

The jobs run as a screen-reader user would run them, each a real `rmjournal` command in a
subprocess; the app then opens the same file and must show the same session, notes, action,
status and figures.
"""

from __future__ import annotations

import json
from pathlib import Path

from clikit import run, secret_args
from contentkit import open_app, shown_text
from testkit import PASSPHRASE
from uikit import SIZE, settle


def _cli(*args: str | Path) -> str:
    done = run(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_what_the_cli_wrote_is_what_the_app_shows(app_factory, tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path = tmp_path / "pair.rmj"
    unlock = secret_args(pw)
    _cli("new", path, "--mentor", "Kwame Mensah", "--mentee", "Helen Ward",
         "--passphrase-file", pw, "--insecure-test-kdf")  # fmt: skip
    number = _cli("plan", path, "--on", "2026-07-14", *unlock).strip()
    _cli("topic", path, number, "--text", "Being the only one in the room", *unlock)
    _cli("notes", path, number, "1", "--text", "Notes typed at the shell", *unlock)
    _cli("outcome", path, number, "1", "discussed", *unlock)
    _cli("held", path, number, *unlock)
    short = _cli("act", path, "--title", "Read the staff survey", "--owner", "mentee",
                 "--due", "2026-08-01", "--session", number, *unlock).strip()  # fmt: skip
    _cli("status", path, short, "in_progress", "--note", "Started on it", *unlock)
    figures = json.loads(_cli("review", path, "--json", *unlock))
    held, planned = figures["sessions"]["held"], figures["sessions"]["planned"]
    assert held == 1

    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert f"{held} of {planned} planned sessions held." in shown_text(app)
        await pilot.press("enter")  # the held session's record
        await settle(app, pilot)
        record = shown_text(app)
        assert "Being the only one in" in record and "✓ discussed" in record  # cut to fit
        assert "Notes typed at the shell" in record
        await pilot.press("a")
        await settle(app, pilot)
        tracker = shown_text(app)
        assert "Read the staff survey" in tracker and "in progress" in tracker
