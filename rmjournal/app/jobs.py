"""The journal's file jobs from the app: merge a copy, back up, export and import JSON, a new
recovery key. Each asks for what it needs in a dialog, does the slow or file part in a thread,
and says what happened in one plain sentence, with the same rules and messages as the CLI.

Reading and writing files runs in thread workers; changing the journal's database (merging,
importing) runs on the app's thread, between handlers, as the rest of the app does.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from textual.worker import WorkerFailed

from rmjournal.core.errors import JournalError

if TYPE_CHECKING:
    from rmjournal.app.app import RMJournalApp
    from rmjournal.core.journalfile import JournalFile
    from rmjournal.core.merge import MergeReport

T = TypeVar("T")


class JobFailed(Exception):
    """A job stopped; the message says why in a sentence (already shown to the person)."""


async def _in_thread(app: RMJournalApp, work: Callable[[], T]) -> T:
    """Run `work` in a thread worker and return its result; its error is raised as it was."""
    worker = app.run_worker(work, thread=True, group="job-work", exit_on_error=False)
    try:
        return await worker.wait()
    except WorkerFailed as failed:
        raise failed.error from None


def _problem(error: BaseException, doing: str) -> str:
    if isinstance(error, JournalError):
        return str(error)
    if isinstance(error, FileNotFoundError):
        return f"There is no file {error.filename}."
    if isinstance(error, IsADirectoryError):
        return f"{error.filename} is a folder; give a file name."
    if isinstance(error, OSError):
        reason = (error.strerror or "an input/output error").lower()
        return f"{doing} failed ({reason})."
    return f"{doing} failed ({type(error).__name__})."


async def _ask_path(
    app: RMJournalApp, title: str, label: str, value: str, hint: str, *, enter: str
) -> Path | None:
    """A path typed in a one-line dialog whose keys line says what Enter does (`enter`)."""
    from rmjournal.app.dialogs.form import AskDialog

    keys = f"Enter {enter} · Escape cancels"
    answer = await app.push_screen_wait(AskDialog(title, label, value, hint, keys=keys))
    if answer is None or not answer.strip():
        return None
    return Path(answer.strip()).expanduser()


def _open(app: RMJournalApp) -> JournalFile | None:
    return app.journal_file


async def merge_copy(app: RMJournalApp) -> None:
    """Merge another copy of this journal (the partner's, a synced or backed-up one) into it."""
    from rmjournal.core.merge import merge_copy as merge_body

    jf = _open(app)
    if jf is None:
        return
    other = await _ask_path(
        app,
        "Merge another copy",
        "The other copy's journal file:",
        "",
        "Everything in it that this journal lacks or holds older is merged in, and the key "
        "changes its owners signed.",
        enter="merges",
    )
    if other is None:
        return
    if not other.exists():
        app.notify(f"There is no file {other} to merge.", severity="error", timeout=8)
        return
    if other.is_dir():
        app.notify(f"{other} is a folder; give the other copy's journal file.", severity="error")
        return
    if other.resolve() == jf.path.resolve():
        app.notify("That is the journal itself; give the path of the other copy.", severity="error")
        return
    try:
        held = [await _in_thread(app, partial(jf.vault.read_copy, other))]
    except Exception as error:
        app.notify(_problem(error, "Reading the copy"), title="Not merged", severity="error")
        return
    # Handed on, not kept here: the core's `merge_copy` lets the body go once it is a database.
    report = merge_body(jf, held.pop())
    for note in report.key_notes:
        app.notify(note, title="Keys", timeout=10)
    app.refresh_after_merge()
    if not report.changed:
        app.notify(f"Nothing to merge: this journal already holds everything in {other.name}.")
        return
    app.notify(f"Merged {other.name}: {report.summary()}", title="Merged", timeout=8)
    notify_renumbered(app, report)
    if report.conflicts:
        from rmjournal.app.screens.conflicts import ConflictsScreen

        app.push_screen(ConflictsScreen(jf.journal))


def notify_renumbered(app: RMJournalApp, report: MergeReport) -> None:
    """One notice per session the merge gave a number of its own (both copies had planned
    the same number), so the pair knows which session moved."""
    for moved in report.renumbered:
        line = str(moved)
        said = line[0].upper() + line[1:] + "."
        if moved.both_planned:
            said += (
                " Both are planned: if they are one meeting, highlight the one you do not need "
                "on the sessions list and press Delete (neither was held)."
            )
        app.notify(said, title="Session renumbered", timeout=15 if moved.both_planned else 12)


def default_backup_path(jf: JournalFile, now: Any) -> Path:
    """In the backups folder beside the journal (as `rmjournal backup` without `--out`, never
    among the journals), named with the time: `backups/pair-backup-20260720-090000.rmj`."""
    from rmjournal.paths import backups_dir

    stamp = now.astimezone().strftime("%Y%m%d-%H%M%S")
    name = f"{jf.path.stem}-backup-{stamp}{jf.path.suffix}"
    return backups_dir(jf.path.resolve().parent) / name


async def backup(app: RMJournalApp) -> None:
    """Save, then copy the saved journal (still encrypted) and check that the copy opens."""
    from rmjournal.core.clock import default_clock

    jf = _open(app)
    if jf is None:
        return
    out = await _ask_path(
        app,
        "Back up the journal",
        "Write the encrypted copy to:",
        str(default_backup_path(jf, (app.clock or default_clock()).now())),
        "The copy opens with the same passphrases and recovery keys.",
        enter="backs up",
    )
    if out is None:
        return
    if await app.save() is not None:
        return  # the save's own message says why
    try:
        await _in_thread(app, partial(jf.vault.backup, out))
    except Exception as error:
        app.notify(_problem(error, "The backup"), title="Not backed up", severity="error")
        return
    app.notify(f"Backed up to {out} (encrypted, verified).", timeout=6)


async def export_json(app: RMJournalApp) -> None:
    """Write the whole journal as the JSON interchange document (plaintext, 0600)."""
    from rmjournal.core.interchange import export_json as render
    from rmjournal.core.safefile import write_private_text

    jf = _open(app)
    if jf is None:
        return
    out = await _ask_path(
        app,
        "Export the journal as JSON",
        "Write the JSON document to:",
        str(jf.path.with_suffix(".json")),
        "The file is plaintext and holds everything, private items too; it is written "
        "readable only by you.",
        enter="writes",
    )
    if out is None:
        return
    text = render(jf.journal)
    try:
        await _in_thread(app, partial(write_private_text, out, text))
    except Exception as error:
        app.notify(_problem(error, "Writing the file"), title="Not exported", severity="error")
        return
    app.notify(f"Wrote {out} (readable only by you).", timeout=6)


async def import_json(app: RMJournalApp) -> None:
    """Check a JSON interchange document completely, then merge it in and say what changed."""
    from rmjournal.core.interchange import import_document, parse_document

    jf = _open(app)
    if jf is None:
        return
    source = await _ask_path(
        app,
        "Import a JSON document",
        "The JSON file to import:",
        "",
        "It is checked completely first; newer copies of records replace older ones.",
        enter="imports",
    )
    if source is None:
        return
    try:
        raw = await _in_thread(app, source.read_bytes)
        doc = parse_document(raw)
        report = import_document(jf.journal, doc)
    except Exception as error:
        app.notify(_problem(error, "Reading the file"), title="Not imported", severity="error")
        return
    app.notify(f"Imported {source.name}: {report}", timeout=8)


async def new_recovery_key(app: RMJournalApp) -> None:
    """Replace your recovery key; the old one stops working. The new one is shown once."""
    from rmjournal.app.dialogs.form import ConfirmDialog
    from rmjournal.app.dialogs.recovery import RecoveryKeyScreen

    jf = _open(app)
    if jf is None:
        return
    sure = await app.push_screen_wait(
        ConfirmDialog(
            "Make a new recovery key? Your old recovery key will no longer open the journal; "
            "the new one is shown once, to write down."
        )
    )
    if not sure:
        return
    made: list[str] = []
    if await app.change_keys(jf, lambda: made.append(jf.vault.new_recovery_key())):
        app.notify("Your old recovery key no longer opens the journal.", timeout=6)
        await app.push_screen_wait(RecoveryKeyScreen(made[0]))


JOBS: dict[str, Callable[[RMJournalApp], Any]] = {
    "merge": merge_copy,
    "backup": backup,
    "export_json": export_json,
    "import_json": import_json,
    "recovery_key": new_recovery_key,
}
"""Job name → coroutine function; the palette runs each as an exclusive worker."""


def run_job(app: RMJournalApp, name: str) -> None:
    """Start the job `name` as a worker (it may wait for dialogs)."""
    if app.journal_file is not None:
        app.run_worker(JOBS[name](app), group="job", exclusive=True)
