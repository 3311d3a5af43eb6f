"""Going to an item in its place from anywhere: a session's record, an action in the tracker.

Search results and the dashboard use these; each switches to the owning mode, returns that
mode to its base screen and asks the base screen to show the item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App


async def _base_of(app: App[object], mode: str) -> object:
    await app.switch_mode(mode)
    while len(app.screen_stack) > 1:
        await app.pop_screen()
    return app.screen


async def show_session(
    app: App[object], session_id: str, view: str = "record", item_id: str | None = None
) -> None:
    """Open a session's record (or `view="agenda"`), with an agenda item highlighted."""
    from rmjournal.app.screens.sessions import SessionsScreen

    base = await _base_of(app, "sessions")
    if isinstance(base, SessionsScreen):
        base.refresh_list()
        base.open_session(session_id, view, item_id)


async def show_action(app: App[object], action_id: str) -> None:
    """Highlight an action in the follow-up tracker."""
    from rmjournal.app.screens.actions import ActionsScreen

    base = await _base_of(app, "actions")
    if isinstance(base, ActionsScreen):
        base.show_action(action_id)
