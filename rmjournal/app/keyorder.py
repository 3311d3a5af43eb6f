"""Keys acted on in the order they were typed, even those a binding takes first.

Textual hands each key to the focused widget's queue and goes on to the next; the widget adds
the letter, moves its cursor or runs its own binding when its turn comes. A *priority* binding
(ctrl+s in a dialog, ctrl+l, Enter on a list) is taken at once, in the app's turn, ahead of keys
still waiting in that queue. Typed quickly, or arriving in one read (autotype, a paste without
bracketed paste, a busy moment), "…more often" then ctrl+s saved "…mo" and the rest went to the
screen behind as commands; "↑ ↑ ↑ Enter" opened the row the cursor had not yet left.

Such a binding names `after_typed('ACTION')`: the action runs once the focused widget has
handled every key given to it before, then in the turn of the screen (or app) it belongs to, so
a dialog is not closed from inside one of its own fields. Tab is the other way round: it must
move the focus before the next key is handed on, so it is a plain priority binding of the app;
so is Enter in a field that moves on to the next (`FormDialog.moves_on`, the new-journal form).
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen

AFTER_TYPED = "after_typed"
"""The wrapping action's name (`check_action` looks through it at the action it runs)."""


class KeysHandled(Message, bubble=True):
    """Sent after the keys typed before a priority binding: it goes the way each of them went
    (the focused widget, then each parent's queue in turn, up to the app, where the bindings
    of the keys no widget took are run), so when the app gets it, every one has been acted on."""

    def __init__(self, node: DOMNode, action: str) -> None:
        super().__init__()
        self.node = node
        self.action = action


def after_typed(node: DOMNode, action: str) -> None:
    """Run `node`'s `action` once the keys typed before it have been handled."""
    app = node.app
    message = KeysHandled(node, action)
    target = app.focused or app.screen
    if not target.post_message(message):  # the field is closing: nothing waits in it
        app.post_message(message)


async def run(message: KeysHandled) -> None:
    """The app's handler of `KeysHandled`: the action, unless the keys handled before it closed
    the screen it was for (Escape, then ctrl+s)."""
    node = message.node
    if isinstance(node, Screen) and (not node.is_attached or node is not node.app.screen):
        return
    await node.app.run_action(message.action, node)


def inner(action: str, parameters: tuple[object, ...]) -> str:
    """The action `after_typed(...)` will run, else `action` itself (for `check_action`)."""
    if action == AFTER_TYPED and parameters and isinstance(parameters[0], str):
        return parameters[0]
    return action
