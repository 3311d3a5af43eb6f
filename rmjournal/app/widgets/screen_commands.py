"""A command-palette provider offering the current screen's own key actions by name.

Every key a content screen binds (with a description) becomes a palette command titled with the
screen's name, so "every action also reachable via the command palette" holds by construction
and the palette can never disagree with the footer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from rmjournal.app.commands import ListProvider


class ScreenCommands(ListProvider):
    """The calling screen's bindings (those it defines, enabled right now) as palette commands."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        label = getattr(screen, "PALETTE_LABEL", "") or type(screen).__name__
        found: list[tuple[str, str, Callable[[], object]]] = []
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if active.node is not screen or not binding.description or not active.enabled:
                continue
            if not binding.id:  # Textual's own screen keys (Focus Next…), not the product's
                continue
            if binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            found.append(
                (
                    f"{label}: {binding.description}",
                    f"key {key}",
                    partial(screen.run_action, binding.action),
                )
            )
        return found
