"""Going back to where a draft was typed (`app/drafts.py`), to open its dialog with its text.

The places a draft names, and the screen and method that open each one's dialog; the dialog
then takes the draft's text without asking (`app.restoring`). Imported only by the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rmjournal.app.drafts import journal_of

if TYPE_CHECKING:
    from textual.app import App

    from rmjournal.core.journal import Journal
    from rmjournal.core.journal.drafts import Draft


async def open_place(app: App[Any], draft: Draft) -> bool:
    """Go to where `draft` was typed and open its dialog there, with the draft's text in it
    (the dialog restores it without asking); whether the place still exists."""
    from rmjournal.core.errors import JournalError

    journal = journal_of(app)
    if journal is None:
        return False
    app.restoring = draft.place  # type: ignore[attr-defined]  # the dialog takes it
    try:
        opened = await _open(app, journal, draft)
    except JournalError:
        opened = False
    if not opened:
        app.restoring = None  # type: ignore[attr-defined]
    return opened


async def _open(app: App[Any], journal: Journal, draft: Draft) -> bool:
    from rmjournal.app.screens.navigate import show_action, show_session

    kind, _, rest = draft.place.partition(":")
    what, _, ref = rest.partition(":")
    if kind == "entry" and what == "new":
        await show_session(app, ref, "record")
        return _call(app, "write_entry", draft.fields.get("~entry-kind", "note"),
                     draft.fields.get("__prompt") or None)  # fmt: skip
    if kind == "entry" and what == "edit":
        entry = journal.entry(ref)
        await show_session(app, entry.session_id, "record")
        return _call(app, "change_entry", entry.id)
    if kind == "topic":
        session_id = journal.agenda_item(ref).session_id if what == "edit" else ref
        await show_session(app, session_id, "agenda", ref if what == "edit" else None)
        return _call(app, "action_edit_topic" if what == "edit" else "action_add_topic")
    if kind == "action" and what == "new":
        if ref:
            await show_session(app, ref, "record")
            return _call(app, "action_agree")
        await app.switch_mode("actions")
        return _call(app, "action_new_action")
    if kind in ("action", "followup"):
        action_id = ref if kind == "action" else what
        await show_action(app, action_id)
        from rmjournal.app.screens.action_detail import ActionDetailScreen

        await app.push_screen(ActionDetailScreen(journal, action_id))
        return _call(app, "action_edit" if kind == "action" else "action_follow_up")
    if kind == "prompt":
        return _call_app(app, "action_add_prompt")
    if kind in RELATIONSHIP_PLACES:
        await app.switch_mode("relationship")
        if what == "new":
            return _call(app, RELATIONSHIP_PLACES[kind])
        return _call(app, RELATIONSHIP_PLACES[kind], what, ref)
    return False


RELATIONSHIP_PLACES = {
    "goal": "action_add_goal",
    "opportunity": "action_add_opportunity",
    "goal-note": "write_goal_note",
    "opportunity-outcome": "write_opportunity_outcome",
    "evidence": "write_evidence",
}
"""The relationship screen's places: a new goal or opportunity (`kind:new`), and the note that
ends a goal's status, an opportunity's outcome or a check-in (`kind:ID:CHOICE`)."""


def _call(app: App[Any], method: str, *args: Any) -> bool:
    handler = getattr(app.screen, method, None)
    if handler is None:
        return False
    handler(*args)
    return True


def _call_app(app: App[Any], method: str) -> bool:
    handler = getattr(app, method, None)
    if handler is None:
        return False
    handler()
    return True
