"""The key bar at the bottom of a screen, redrawn only when the keys it shows change.

Textual's `Footer` recomposes (removes and mounts every key again, restyling each) whenever its
screen publishes a bindings change: on every focus move, screen switch and stack change, even
when the same keys with the same words are shown before and after. On a content screen that
is most of what a key press or an Escape back costs. `SteadyFooter` compares what it would
show with what it shows and recomposes only when they differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen

Shown = tuple[tuple[str, str, str, str, bool, str], ...]
"""What the bar shows: (key, key display, description, action, enabled, tooltip) per key."""


def shown_keys(screen: Screen[object]) -> Shown:
    """The keys a footer on `screen` shows now, in the order it shows them."""
    app = screen.app
    return tuple(
        (
            binding.key,
            app.get_key_display(binding),
            binding.description,
            binding.action,
            enabled,
            tooltip or "",
        )
        for (_, binding, enabled, tooltip) in screen.active_bindings.values()
        if binding.show
    )


class SteadyFooter(Footer):
    """A `Footer` that recomposes only when the keys it shows change (see the module)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Recompose when the screen's shown keys differ from the ones on the bar."""
        if screen is not self.screen or not self.is_attached or not screen.app.app_focus:
            super().bindings_changed(screen)  # Footer's own rules for these cases
            return
        now = shown_keys(screen)
        if now == self._shown:
            return
        self._shown = now
        super().bindings_changed(screen)
