"""Keys acted on in the order they were typed, each where the one before left the focus.

Textual hands each key to the focused widget's queue and goes on to the next; the widget adds
the letter, or the key comes back up to the app, which runs a screen's binding for it; a
*priority* binding (ctrl+s in a dialog, Enter on a list) is run at once, in the app's turn.
Typed quickly, or arriving in one read (autotype, a paste without bracketed paste, a busy
moment), keys overtook one another: "…more often" then ctrl+s saved "…mo" and the rest went to
the screen behind as commands; "↑ ↑ ↑ Enter" opened the row the cursor had not yet left; `f`
then "Sent it" gave the tracker `S`, `e`, `n`, `t` and space (done!) instead of the dialog `f`
opens. Three pieces put them back in order:

- `KeyQueue`: the app hands on the next key only once the one before has been acted on;
- `EarlyKeys`: keys that reach a dialog before its first field has the focus wait for it;
- Tab, and Enter in a field that moves on (`FormDialog.moves_on`, the new-journal form), are
  priority bindings, so the focus has moved before the field could take the next key.

A bracketed paste is typed text too: Textual hands it to the focused widget at once, so `n` then
a paste put the words where the focus was before the dialog `n` opens. Both pieces take a paste
as they take a key (`Typed`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.app import App

Typed = events.Key | events.Paste
"""What a person types: a key, or text pasted in one piece (bracketed paste)."""


class KeyDone(Message, bubble=True):
    """Sent behind a key the app handed on: it takes the key's path (the widget it was given
    to, then each parent's queue up to the app), so when the app gets it the key has been
    acted on, whether a widget took it on the way or a binding at the top."""


class KeyQueue:
    """One key at a time, start to finish: the next key is handed on only once the one before
    it has been acted on.

    Textual hands each key to the focused widget's queue and goes on; a binding of a screen
    is run only when the key has come back up to the app, so keys typed just after one that
    opens a dialog or moves the focus went where the focus had been: `f` then "Sent it" gave
    the tracker `S`, `e`, `n`, `t`, space (done!) as commands. Here a key waits while the one
    before is in flight (`KeyDone` not yet back); a key taken by a priority binding is acted
    on in the app's own turn and needs no wait."""

    def __init__(self) -> None:
        self._waiting: list[Typed] = []
        self._in_flight: DOMNode | None = None
        self._next: Typed | None = None  # the waiting key `done` is handling now

    def admit(self, event: Typed) -> bool:
        """Whether `event` may be handled now; if not, it waits its turn."""
        if event is self._next:
            return True
        if self._in_flight is not None or self._waiting:
            self._waiting.append(event)
            return False
        return True

    @property
    def stale(self) -> bool:
        """Whether the key in flight went away with its widget (a dialog closed by it), its
        marker with it: then nothing is waited on (the app checks at each key and each tick)."""
        return self._in_flight is not None and not self._in_flight.is_attached

    def handed_on(self, target: DOMNode) -> None:
        """The app gave the key just admitted to `target`: wait for it to come back."""
        if target.post_message(KeyDone()):
            self._in_flight = target

    def put_first(self, keys: list[Typed]) -> None:
        """`keys` go before every key waiting (keys held back elsewhere, now released)."""
        self._waiting[:0] = keys

    async def done(self, app: App[Any]) -> None:
        """The key in flight was acted on: the next waiting one, if any, now."""
        self._in_flight = None
        await self.resume(app)

    async def resume(self, app: App[Any]) -> None:
        """Hand on the waiting keys, in order, while none is in flight."""
        while self._waiting and self._in_flight is None:
            self._next = self._waiting.pop(0)
            try:
                await app.on_event(self._next)
            finally:
                self._next = None


class EarlyKeys:
    """Keys that reach a dialog before its first field has the focus.

    The key that opens a dialog puts it on the screen at once, but the dialog composes its
    fields and focuses the first a moment later; keys arriving meanwhile were handed to the
    dialog itself and went nowhere. A screen that sets `HOLDS_EARLY_KEYS` (every `FormDialog`)
    has them held here, in order; once a field has the focus (`release`, from its `set_focus`)
    they go to the front of the `KeyQueue` and are handed on from there as typed. Keys that
    come while some are held wait behind them. Escape with nothing held is never held: a
    dialog that never focused a field still closes."""

    def __init__(self, queue: KeyQueue) -> None:
        self._queue = queue
        self._held: list[Typed] = []
        self._for: DOMNode | None = None

    def hold(self, app: App[Any], event: Typed) -> bool:
        """Whether the app should hold `event` instead of handling it now."""
        try:
            screen = app.screen
        except Exception:  # no screen yet (starting) or none left (closing)
            return False
        if self._held and self._for is not screen:
            self._held.clear()  # held for a dialog that closed before any field was focused
        if self._held or (
            getattr(screen, "HOLDS_EARLY_KEYS", False)
            and screen.focused is None
            and not (isinstance(event, events.Key) and event.key == "escape")
        ):
            self._held.append(event)
            self._for = screen
            return True
        return False

    def release(self, screen: Screen[Any]) -> None:
        """`screen` has focused a field: the keys held for it are handed on next, in order."""
        if self._for is not screen or not self._held:
            return
        self._queue.put_first(self._held)
        self._held, self._for = [], None
        screen.app.call_next(self._queue.resume, screen.app)
