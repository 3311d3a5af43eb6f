"""The app opens a journal holding rows that fail their checks (written by the partner's script
with the pair key): it says so in one line, and the sessions screen works (trust.md point 3)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from contentkit import make_demo_journal, open_app, shown_text
from testkit import MENTEE_PASSPHRASE
from uikit import SIZE, settle

from rmjournal.app.screens.sessions import SessionsScreen
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.secret import Secret
from rmjournal.core.vault import Vault


def _forge(path: Path) -> None:
    """As the mentee's script: a "private" entry claiming the mentor, sealed with a key that is
    not the mentor's, and a session whose date is not a date."""
    vault = Vault.open(
        path, Secret.passphrase(MENTEE_PASSPHRASE), role_hint="mentee", allow_test_kdf=True
    )
    with vault:
        conn = sqlite3.connect(":memory:")
        conn.deserialize(vault.read_body())
        fake = PrivateCipher("mentor", os.urandom(32))
        row = conn.execute("SELECT id, session_id FROM entries LIMIT 1").fetchone()
        forged_id = "0f0f0f0f-0000-4000-8000-000000000001"
        conn.execute(
            "INSERT INTO entries (id, kind, author, text, prompt, visibility, tags, created_at,"
            " updated_at, session_id, deleted_at) VALUES (?, 'note', 'mentor', ?, NULL,"
            " 'private', ?, '2026-07-01T09:00:00+00:00', '2026-07-01T09:00:00+00:00', ?, NULL)",
            (forged_id, fake.seal(forged_id, "text", "forged"), fake.seal(forged_id, "tags", "[]"),
             row[1]),
        )  # fmt: skip
        conn.execute("UPDATE sessions SET date = 'soon' WHERE number = 2")
        conn.commit()
        vault.save(conn.serialize())
        conn.close()


async def test_the_app_says_what_is_set_aside_and_keeps_working(
    app_factory, journal_dir: Path, clock
) -> None:
    path = make_demo_journal(journal_dir / "demo.rmj", clock)
    _forge(path)
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await settle(app, pilot)
        said = [n.message for n in app._notifications]
        assert any("2 items in this journal fail their checks and are set aside" in m for m in said)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionsScreen)
        assert "planned sessions held" in shown_text(app)
