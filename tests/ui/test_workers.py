"""Workers never describe what they carry: no journal text or passphrase on a Worker object.

Textual describes a `@work` worker started without a description by the repr() of its
arguments and keeps the first 1,000 characters on the worker: for a save or an export that is
the decrypted journal. Every worker of the app has a fixed description instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import MARKER, PASSPHRASE
from textual.worker import Worker
from uikit import make_journal, settle, unlock

from rmjournal.app.dialogs.form import ConfirmDialog
from rmjournal.app.screens.export import ExportScreen


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Worker[object]]:
    """Every Worker the app makes during the test."""
    made: list[Worker[object]] = []
    real_init = Worker.__init__

    def record(self: Worker[object], *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(self)

    monkeypatch.setattr(Worker, "__init__", record)
    return made


async def test_no_worker_carries_journal_text_in_its_description(
    app_factory, journal_dir: Path, clock, tmp_path: Path, started
) -> None:
    path = journal_dir / "marked.rmj"
    make_journal(path, clock, mentor=MARKER + " mentor")
    app = app_factory(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        journal = app.journal_file.journal
        session = journal.plan_next_session()
        journal.add_entry(session.id, MARKER + " said in confidence", visibility="shareable")
        await pilot.press("ctrl+s")  # the save worker gets the whole body
        await settle(app, pilot, 4)
        assert app.save_state == "saved"
        await pilot.press("e")  # the export worker gets the summary text
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        out = tmp_path / "summary.md"
        screen.query_one("#out-path").value = str(out)
        screen.query_one("#preview-box").focus()
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)  # "in confidence": asked before writing
        await pilot.press("y")
        await settle(app, pilot, 4)
        assert MARKER in out.read_text(encoding="utf-8")  # the text did go through a worker
    names = {w.description for w in started}
    assert {"unlock", "save the journal", "write the summary"} <= names
    for worker in started:
        for shown in (worker.name, worker.description, repr(worker)):
            assert MARKER not in shown
            assert PASSPHRASE not in shown


def test_workers_report_back_by_messages_only() -> None:
    """Slow work reports back one way: a worker posts a message, no screen calls back into
    the app's thread with `call_from_thread` (issue #12)."""
    app_dir = Path(__file__).resolve().parents[2] / "rmjournal" / "app"
    calling = sorted(
        str(p.relative_to(app_dir))
        for p in app_dir.rglob("*.py")
        if "call_from_thread" in p.read_text(encoding="utf-8")
    )
    assert calling == []


async def test_cursors_do_not_blink_in_tests(app_factory, journal_path: Path) -> None:
    """The autouse `_steady_cursors` fixture: every text field starts with its cursor still."""
    from textual.widgets import Input

    app = app_factory(journal_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        fields = list(app.screen.query(Input))
        assert fields and not any(field.cursor_blink for field in fields)
